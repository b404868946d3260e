import pytest

from nesy.backend import load_backends
from nesy.errors import TranslationError, UnknownResourceError
from nesy.llm.scripted import ScriptedLLM
from nesy.reasoner import Reasoner
from nesy.types import Gold, Problem, Status, Trace, TranslateOptions

from kb.sampler import QuerySampler
from kb.suites import SUITES


def ctx_for(backend, text="", kb="nations"):
    return backend.context(Problem(text=text, kind="kg", context={"kb": kb}))


def test_context_needs_a_known_kb(kg_backend):
    with pytest.raises(UnknownResourceError, match="nations"):
        kg_backend.context(Problem(text="?", kind="kg", context={"kb": "wikidata"}))
    with pytest.raises(UnknownResourceError, match="context\\['kb'\\]"):
        kg_backend.context(Problem(text="?", kind="kg"))
    assert kg_backend.detect(Problem(text="?", context={"kb": "umls"})) == 1.0
    assert kg_backend.detect(Problem(text="?")) == 0.0


def test_parse_gives_structure_and_lints(kg_backend):
    ctx = ctx_for(kg_backend)
    f = kg_backend.parse("embassy(usa, e1) & treaties(e1, f)", ctx)
    assert f.kind == "kg" and f.notes == ["structure: 2p"] and f.parsed.structure == "2p"
    with pytest.raises(TranslationError, match="did you mean 'embassy'"):
        kg_backend.parse("embasy(usa, f)", ctx)


def hard_1p(nations):
    return QuerySampler(nations).sample_many("1p", 1, seed=4)[0]


def test_solve_verbalize_marks_observed_and_predicted(kg_backend, nations):
    ctx = ctx_for(kg_backend)
    sq = hard_1p(nations)
    f = kg_backend.parse(sq.text, ctx)
    sol = kg_backend.solve(f, ctx, timeout=10)
    assert sol.status is Status.SOLVED and sol.answer
    truths = [a["truth"] for a in sol.answer]
    assert truths == sorted(truths, reverse=True)
    engine = ctx.data["resources"].engine
    result = kg_backend.run(f, ctx)
    easy_edges = engine.explain(result, sq.easy[0])
    hard_edges = engine.explain(result, sq.hard[0])
    assert [e["observed"] for e in easy_edges] == [True] and easy_edges[0]["truth"] == 1.0
    assert [e["observed"] for e in hard_edges] == [False] and hard_edges[0]["truth"] < 1.0
    text = kg_backend.verbalize(sol, ctx)
    assert "[observed, truth 1.00]" in text and "1." in text
    # a hand-built solution whose support has a predicted edge verbalizes it as predicted
    sup = [{"entity": nations.entities[sq.hard[0]], "truth": 0.5, "edges": hard_edges}]
    sol2 = sol.model_copy(update={"answer": [{"entity": nations.entities[sq.hard[0]], "truth": 0.5}],
                                  "certificate": {**sol.certificate, "support": sup}})
    assert "[predicted, truth" in kg_backend.verbalize(sol2, ctx)


def test_score_gold_query_gets_high_mrr_and_exact_match(kg_backend, nations):
    ctx = ctx_for(kg_backend)
    sq = hard_1p(nations)
    gold = Gold(formal=sq.text, answer=[nations.entities[a] for a in sq.hard],
                extra={"easy": [nations.entities[a] for a in sq.easy]})
    f = kg_backend.parse(sq.text.replace(", ", ","), ctx)
    s = kg_backend.solve(f, ctx, timeout=10)
    scores = kg_backend.score(f, s, gold, ctx)
    assert scores["exact_match"] == 1.0 and 0.0 < scores["mrr"] <= 1.0
    wrong = kg_backend.parse("embassy(usa, f)" if "embassy(usa" not in sq.text else "treaties(usa, f)", ctx)
    assert kg_backend.score(wrong, kg_backend.solve(wrong, ctx, timeout=10), gold, ctx)["exact_match"] == 0.0
    assert kg_backend.score(None, None, gold, ctx)["mrr"] == 0.0


async def test_translate_plumbing_grammar_linking_and_repair(kg_backend):
    ctx = ctx_for(kg_backend, "Which countries does the USA have an embassy in?")
    llm = ScriptedLLM(["embasy(usa, f)", "embassy(usa, f)"])
    trace = Trace()
    f = await kg_backend.translate(ctx, llm, TranslateOptions(), trace)
    assert f.text == "embassy(usa, f)" and f.repairs == 1
    grammar = llm.requests[0].constraint.grammar
    assert '"usa"' in grammar and '"china"' not in grammar  # only linked entities
    assert '"embassy"' in grammar and '"treaties"' not in grammar  # the relation the question names
    assert "unknown relation 'embasy'" in llm.requests[1].messages[-1].content
    assert [s.name for s in trace.stages] == ["link", "translate", "translate.repair1"]
    shots = [m.content for m in llm.requests[0].messages[1:-1:2]]
    assert shots and all(s.startswith("Question:") for s in shots)


async def test_baseline_mode_sends_no_grammar(kg_backend):
    ctx = ctx_for(kg_backend, "What does usa embassy?")
    llm = ScriptedLLM(["embassy(usa, f)"])
    await kg_backend.translate(ctx, llm, TranslateOptions(mode="baseline"), Trace())
    assert llm.requests[0].constraint is None


def test_suite_factories_split_seen_and_held_out():
    suite = SUITES["kg-nations"](size=23, seed=0)
    assert len(suite.items) == 23 and set(suite.seen) == {"1p", "2p", "2i", "3i"}
    for it in suite.items:
        assert it.split == ("seen" if it.signature in suite.seen else "held_out")
        assert it.problem.context == {"kb": "nations"} and it.gold.answer
        assert it.signature == it.gold.extra["structure"]
    assert {it.signature for it in suite.items} >= {"1p", "2in", "3c"}


@pytest.mark.timeout(300)
async def test_end_to_end_with_the_embedded_model(embedded_llm, kg_backend):
    reasoner = Reasoner(llm=embedded_llm, backends=load_backends(only=[], extra={"kg": kg_backend}))
    suite = SUITES["kg-nations"](size=4, seed=0)
    items = [it for it in suite.items if it.signature in ("1p", "2i")][:2]
    assert items
    for it in items:
        result = await reasoner.asolve(it.problem, TranslateOptions(repairs=1), gold=it.gold, timeout=30)
        if result.error is not None:
            assert result.error["type"] == "translation_error" and result.error["message"]
            continue
        assert result.formalization.language == "efo1"
        assert result.solution.status is Status.SOLVED
        assert set(result.scores) >= {"exact_match", "mrr", "hits@10"}
        assert 0.0 <= result.scores["mrr"] <= 1.0
        assert result.verbalization.startswith("Top answers")


def test_cyclic_query_times_out_as_a_status(kg_backend):
    ctx = ctx_for(kg_backend)
    f = kg_backend.parse("embassy(usa, e1) & treaties(e1, f) & embassy(uk, e2) & treaties(e2, f) & conferences(e1, e2)", ctx)
    assert f.parsed.structure == "3c"
    assert kg_backend.solve(f, ctx, timeout=0.0).status is Status.TIMEOUT
    assert kg_backend.solve(f, ctx, timeout=30).status is Status.SOLVED


def test_cli_answers_with_ranked_entities_and_support(kb_cache, nations_predictor, monkeypatch):
    from typer.testing import CliRunner

    from nesy.cli import app

    monkeypatch.setenv("NESY_CACHE_DIR", str(kb_cache))
    out = CliRunner().invoke(app, ["ask", "--kind", "kg", "--kb", "nations", "Which countries does usa have an embassy in?"])
    assert out.exit_code == 0, out.output
    assert "Top answers" in out.output or "could not formalize" in out.output
    if "Top answers" in out.output:
        assert "1. " in out.output and "truth" in out.output


def test_top_k_from_the_context(kg_backend):
    ctx = kg_backend.context(Problem(text="", kind="kg", context={"kb": "nations", "top_k": 3}))
    sol = kg_backend.solve(kg_backend.parse("embassy(usa, f)", ctx), ctx, timeout=10)
    assert len(sol.answer) == 3
    ctx = kg_backend.context(Problem(text="", kind="kg", context={"kb": "nations", "top_k": 12}))
    assert len(kg_backend.solve(kg_backend.parse("embassy(usa, f)", ctx), ctx, timeout=10).answer) == 12
