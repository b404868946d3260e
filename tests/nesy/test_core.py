"""Plumbing of the core: types, errors, settings, translation helpers, reasoner wiring.

A scripted LLM and a toy backend drive these; end-to-end tests with real models live in
the formalism packages' test folders.
"""

from __future__ import annotations

import pytest

import nesy
from nesy.backend import Context, load_backends
from nesy.errors import ConfigError, NesyError, TranslationError, UnknownResourceError
from nesy.llm import Constraint, LLMRequest, Message, OpenAICompatibleLLM, ScriptedLLM, make_llm
from nesy.steps import Engine, Step
from nesy.translate import Exemplar, majority, select_exemplars, split_clauses
from nesy.types import Formalization, Gold, Problem, Solution, Status, Trace, TranslateOptions


def test_public_api_is_pinned() -> None:
    for name in ["Reasoner", "solve", "Problem", "Result", "Status", "NesyError", "TranslationError", "make_llm"]:
        assert name in nesy.__all__ and hasattr(nesy, name)


def test_error_tree_and_shape() -> None:
    e = TranslationError("unknown predicate 'onn'", line=3, col=5, symbol="onn")
    assert isinstance(e, NesyError)
    assert e.to_dict() == {
        "type": "translation_error", "message": "unknown predicate 'onn'", "stage": "parse",
        "line": 3, "col": 5, "symbol": "onn",
    }
    assert "line 3, column 5" in str(e)


def test_settings_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NESY_EMBEDDED_THREADS", "2")
    monkeypatch.setenv("NESY_LLM", "http://127.0.0.1:9/v1")
    s = nesy.Settings()
    assert s.embedded_threads == 2 and s.llm.startswith("http")


def test_make_llm_specs() -> None:
    llm = make_llm("http://127.0.0.1:9/v1,http://127.0.0.1:10")
    assert isinstance(llm, OpenAICompatibleLLM) and llm.base_urls == ["http://127.0.0.1:9", "http://127.0.0.1:10"]
    with pytest.raises(ConfigError, match="unknown LLM spec"):
        make_llm("gpt-17")


def test_constraint_needs_exactly_one() -> None:
    with pytest.raises(ValueError):
        Constraint(grammar="root ::= \"a\"", regex="a")
    with pytest.raises(ValueError):
        LLMRequest(max_tokens=3)


@pytest.mark.parametrize(
    "dialect,constraint,expected",
    [
        ("vllm", Constraint(grammar="root ::= \"a\""), {"structured_outputs": {"grammar": "root ::= \"a\""}}),
        ("vllm", Constraint(choices=("x", "y")), {"structured_outputs": {"choice": ["x", "y"]}}),
        ("vllm", Constraint(json_schema={"type": "object"}), {"structured_outputs": {"json": {"type": "object"}}}),
        ("llama.cpp", Constraint(grammar="root ::= \"a\""), {"grammar": "root ::= \"a\""}),
        ("llama.cpp", Constraint(json_schema={"type": "object"}),
         {"response_format": {"type": "json_object", "schema": {"type": "object"}}}),
    ],
)
def test_dialects_shape_constraints(dialect: str, constraint: Constraint, expected: dict) -> None:
    llm = OpenAICompatibleLLM("http://127.0.0.1:9", model="m", dialect=dialect)
    path, body = llm._body(LLMRequest(messages=(Message(role="user", content="x"),), constraint=constraint), 1)
    assert path == "/v1/chat/completions"
    for k, v in expected.items():
        assert body[k] == v
    # vLLM rejects response_format together with structured_outputs, and ignores guided_*.
    assert not ({"response_format", "structured_outputs"} <= body.keys())
    assert not any(k.startswith("guided_") for k in body)


def test_split_clauses() -> None:
    text = "Block a is on b. Block b is on the table!\n- c is clear\n2) the hand is empty"
    assert split_clauses(text) == ["Block a is on b.", "Block b is on the table!", "c is clear", "the hand is empty"]
    # a title or "No." before a number ends no sentence; "No." at a sentence's end does
    text = "Symphony No. 5 is long. Dr. Ames wrote it. The answer is No. Then stop."
    assert split_clauses(text) == ["Symphony No. 5 is long.", "Dr. Ames wrote it.", "The answer is No.", "Then stop."]


def test_select_exemplars_prefers_similar() -> None:
    pool = [Exemplar("the cat sleeps", "s(cat)"), Exemplar("block a is on block b", "(on a b)"),
            Exemplar("robot moves to room", "(at r room)")]
    best = select_exemplars("block c is on block d", pool, 2)
    assert best[-1].output == "(on a b)" and len(best) == 2


async def test_a_step_is_repaired_with_the_exact_error() -> None:
    llm = ScriptedLLM(["(onn a b)", "(on a b)"])

    def parse(text: str) -> str:
        if not text.startswith("(on "):
            raise TranslationError("unknown predicate 'onn'; did you mean 'on'?", line=1, col=2, symbol="onn")
        return text

    trace = Trace()
    got = await Engine(llm, TranslateOptions(repairs=2), trace).run(
        Step("toy.fact", (Message(role="user", content="a is on b"),), parse, label="fact"))
    assert (got.value, got.repairs) == ("(on a b)", 1)
    assert "did you mean 'on'" in llm.requests[1].messages[-1].content
    assert [r.attempt for r in llm.requests] == [0, 1] and {r.step for r in llm.requests} == {"toy.fact"}
    assert [s.name for s in trace.stages] == ["fact", "fact.repair1"]
    with pytest.raises(TranslationError):
        await Engine(ScriptedLLM(["bad"]), TranslateOptions(repairs=1), Trace()).run(
            Step("toy.fact", (Message(role="user", content="x"),), parse))


def test_majority() -> None:
    assert majority(["A", "B", "B"]) == ("B", 2 / 3)
    assert majority([]) == (None, 0.0)


class ToyBackend:
    """A backend whose formal language is 'N+M'; enough to test the reasoner's wiring."""

    name = "toy"

    def available(self) -> tuple[bool, str]:
        return True, ""

    def detect(self, problem: Problem) -> float:
        return 1.0 if "add" in problem.text else 0.0

    def context(self, problem: Problem) -> Context:
        return Context(kind="toy", problem=problem, vocabulary={"ops": ["+"]})

    def grammar(self, ctx: Context) -> str:
        return 'root ::= [0-9]+ "+" [0-9]+'

    def parse(self, text: str, ctx: Context) -> Formalization:
        try:
            a, b = (int(x) for x in text.split("+"))
        except ValueError:
            raise TranslationError(f"expected N+M, got {text!r}", line=1, col=1) from None
        return Formalization(kind="logic", text=text, parsed=(a, b), language="toy")

    async def translate(self, ctx, llm, options, trace) -> Formalization:
        got = await Engine(llm, options, trace).run(
            Step("toy.sum", (Message(role="user", content=ctx.problem.text),), lambda t: self.parse(t, ctx), label="translate"))
        return got.value

    def solve(self, f: Formalization, ctx: Context, *, timeout: float) -> Solution:
        return Solution(status=Status.SOLVED, answer=sum(f.parsed), backend="toy")

    def verbalize(self, s: Solution, ctx: Context) -> str:
        return f"The sum is {s.answer}."

    def score(self, f, s, gold: Gold, ctx) -> dict[str, float]:
        return {"correct": float(s is not None and s.answer == gold.answer)}


def _reasoner(replies) -> nesy.Reasoner:
    return nesy.Reasoner(llm=ScriptedLLM(replies), backends=load_backends(only=[], extra={"toy": ToyBackend()}))


async def test_reasoner_pipeline_with_trace_and_scores() -> None:
    stages = []
    r = _reasoner(["2+x", "2+3"])
    res = await r.asolve("add two and three", gold=Gold(answer=5), on_stage=stages.append)
    assert res.problem.kind == "toy"
    assert res.solution.answer == 5 and res.verbalization == "The sum is 5."
    assert res.scores == {"correct": 1.0}
    assert [s.name for s in res.trace.stages] == ["context", "translate", "translate.repair1", "solve", "verbalize"]
    assert [s.name for s in stages] == [s.name for s in res.trace.stages]


async def test_reasoner_reports_untranslatable_problems() -> None:
    res = await _reasoner(["nonsense"]).asolve("add stuff", TranslateOptions(repairs=1), gold=Gold(answer=3))
    assert res.solution is None and res.error["type"] == "translation_error"
    assert res.scores == {"correct": 0.0}  # a failed translation is scored as a miss
    assert "could not formalize" in res.verbalization


async def test_reasoner_votes_over_samples() -> None:
    res = await _reasoner(["1+1", "2+2", "2+2"]).asolve("add", TranslateOptions(samples=3, repairs=0))
    assert res.solution.answer == 4 and res.solution.metrics["vote_share"] == pytest.approx(2 / 3)


def test_reasoner_errors_name_the_problem() -> None:
    r = _reasoner(["1+1"])
    with pytest.raises(ConfigError, match="could not tell which formalism"):
        r.detect_kind(Problem(text="hello"))
    with pytest.raises(UnknownResourceError, match="unknown backend 'nope'"):
        r.backend("nope")


def test_registry_loads_the_real_backends() -> None:
    reg = load_backends()
    assert {"planning", "logic", "kg"} <= set(reg.names()), [(i.name, i.reason) for i in reg.info]


def test_vllm_engine_needs_vllm() -> None:
    import importlib.util

    from nesy.llm.vllm_engine import VLLMEngine, vllm_available

    ok, why = vllm_available()
    if importlib.util.find_spec("vllm") is None:
        assert not ok and "not installed" in why
        with pytest.raises(ConfigError, match="vllm is not installed"):
            VLLMEngine("smollm2")
    else:
        assert ok


async def test_polish_rewrites_but_never_drops_names_or_numbers() -> None:
    # The toy's answer is 5: "The sum is 5." A polish that keeps the 5 is used ...
    r = _reasoner(["2+3", "So, the sum is 5."])
    res = await r.asolve("add", TranslateOptions(repairs=0, polish=True))
    assert res.verbalization == "So, the sum is 5."
    assert [s.name for s in res.trace.stages][-2:] == ["verbalize", "polish"]
    # ... one that loses it is rejected, and the certified template text stays.
    r = _reasoner(["2+3", "The sum is 6."])
    res = await r.asolve("add", TranslateOptions(repairs=0, polish=True))
    assert res.verbalization == "The sum is 5."
    assert "rejected" in res.trace.stages[-1].output
