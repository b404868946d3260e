"""Plumbing of the translators with a scripted LLM (the end-to-end test uses the real model)."""

from __future__ import annotations

import pytest

from nesy.errors import TranslationError
from nesy.llm.scripted import ScriptedLLM
from nesy.types import Problem, Trace, TranslateOptions
from planners.backend import PlanningBackend
from planners.translation import candidate_names, extract_problem_pddl, parse_clause

TEXT = "There are 2 blocks: b1 and b2. b1 is on the table. b2 is on b1. b2 is clear. The hand is empty. b1 should be on b2."


def test_helpers(bw_model):
    assert candidate_names(TEXT, bw_model)[:2] == ["b1", "b2"]
    assert parse_clause("goal: (on b1 b2) (clear b1)") == ("goal", [("on", "b1", "b2"), ("clear", "b1")])
    assert parse_clause("none") == ("none", [])
    with pytest.raises(TranslationError):
        parse_clause("(on b1 b2)")
    assert extract_problem_pddl("Sure:\n(define (problem x) (:domain d) (:init (a)))\ntrailing").endswith("(a)))")
    with pytest.raises(TranslationError, match="cut off"):
        extract_problem_pddl("(define (problem x) (:init")


async def test_ours_repairs_a_contradiction_and_assembles():
    replies = [
        "b1 b2 - block",  # "There are 2 blocks: b1 and b2." introduces them: no clause step
        "init: (ontable b1)",
        "init: (on b2 b1)",
        "init: (on b2 b2)",  # contradiction, the repair loop gets the message
        "init: (clear b2)",
        "init: (handempty)",
        "goal: (on b1 b2)",
    ]
    llm = ScriptedLLM(replies)
    b = PlanningBackend()
    ctx = b.context(Problem(text=TEXT, kind="planning", context={"domain": "blocksworld"}))
    trace = Trace()
    f = await b.translate(ctx, llm, TranslateOptions(mode="ours"), trace)
    assert f.parsed.init == {("ontable", "b1"), ("on", "b2", "b1"), ("clear", "b2"), ("handempty",)}
    assert f.parsed.goal == {("on", "b1", "b2")} and f.repairs == 1
    repair_prompt = llm.requests[4].messages[-1].content
    assert "cannot be on itself" in repair_prompt
    assert all(r.constraint is not None and r.constraint.grammar for r in llm.requests)
    assert "translate.clause4.repair1" in [s.name for s in trace.stages]


async def test_baseline_parses_the_whole_answer_and_feeds_errors_back(bw_problem):
    llm = ScriptedLLM(["(define (problem p) (:domain blocksworld) (:objects a - block) (:init (ontable z)) (:goal (and (clear a))))", bw_problem])
    b = PlanningBackend()
    ctx = b.context(Problem(text="b is on a ...", kind="planning", context={"domain": "blocksworld"}))
    f = await b.translate(ctx, llm, TranslateOptions(mode="baseline"), Trace())
    assert f.repairs == 1 and f.parsed.goal == {("on", "a", "b"), ("on", "b", "c")}
    prompt = llm.requests[0].messages[0].content
    assert "(define (domain blocksworld)" in prompt and "An example planning problem is" in prompt
    assert "unknown object or constant 'z'" in llm.requests[1].messages[-1].content


def test_domain_is_chosen_from_the_library_when_not_given() -> None:
    from planners.backend import choose_domain

    assert choose_domain("Translate to PDDL: block a is on block b").name == "blocksworld"
    assert choose_domain("The robot carries ball1 with its left gripper into room b").name == "gripper"
    assert choose_domain("Deliver package p1 by truck to the airport of city c2").name == "logistics"
    assert choose_domain("hello world") is None


def test_typed_mentions_name_objects_even_when_they_are_stopwords() -> None:
    from planners.backend import PlanningBackend
    from planners.translation import typed_mentions
    from nesy.types import Problem

    ctx = PlanningBackend().context(Problem(text="x", context={"domain": "blocksworld"}))
    assert typed_mentions("block a is on block b; the blocks are clear", ctx.data["domain"]) == [
        ("block", "a"), ("block", "b")
    ]


def test_goal_cues_fix_the_clause_section() -> None:
    from planners.translation import clause_section

    assert clause_section("The goal is that b1 is on b2.") == "goal"
    assert clause_section("In the end, block c should be clear.") == "goal"
    assert clause_section("Stack b1 on b2.") == "goal"
    assert clause_section("Block b1 is on the table.") == "init"


def test_section_grammars_still_admit_none() -> None:
    """'Your goal is as follows.' names no fact: the goal grammar must allow 'none'."""
    from planners.backend import PlanningBackend
    from planners.grammar import clause_grammar
    from nesy.types import Problem

    ctx = PlanningBackend().context(Problem(text="x", context={"domain": "blocksworld"}))
    for section in ("init", "goal", None):
        root = clause_grammar(ctx.data["domain"], {"a": "block"}, section).splitlines()[0]
        assert root.rstrip().endswith('| "none"'), root


async def test_baseline_budget_grows_with_the_problem_and_is_capped(bw_problem):
    """A whole problem gets tokens sized from the example pair: a text four times the example's
    asks for more than the floor, and a huge one stops at the cap (not the request's 256)."""
    from planners.translation import BASELINE_TOKENS, baseline_max_tokens

    b = PlanningBackend()
    floor, cap = BASELINE_TOKENS
    sizes = []
    for text in ("b is on a.", "b is on a. " * 200, "b is on a. " * 20000):
        llm = ScriptedLLM([bw_problem])
        ctx = b.context(Problem(text=text, kind="planning", context={"domain": "blocksworld"}))
        await b.translate(ctx, llm, TranslateOptions(mode="baseline"), Trace())
        sizes.append(llm.requests[0].max_tokens)
        assert sizes[-1] == baseline_max_tokens(b._task(ctx), 256)
    assert sizes[0] == floor and floor < sizes[1] < cap and sizes[2] == cap


async def test_a_clause_that_contradicts_takes_its_next_ranked_candidate() -> None:
    """"p0 is headed to floor f0" ranked (origin p0 f0) first, which contradicts "p0 is waiting on
    floor f1" under the rule miconic's example shows (one origin per passenger): the clause takes
    its next candidate, (destin p0 f0), instead of a free generation after the message."""
    from nesy.llm.base import CandidateScore, Constraint, Message
    from nesy.steps import Engine, Step, StepResult
    from planners.alignment import example_rules
    from planners.translation import _merge
    from planners.unseen_gen import UNSEEN_DIR

    class Ranker(ScriptedLLM):
        async def score(self, messages, candidates):
            order = ["init: (origin p0 f0)", "init: (destin p0 f0)"]
            return [CandidateScore(text=c, logprob=-1.0 - order.index(c) if c in order else -9.0, tokens=3)
                    for c in candidates]

    def step(sentence: str, candidates: tuple[str, ...]) -> Step:
        return Step("planning.clause", (Message(role="user", content=sentence),), parse_clause,
                    constraint=Constraint(choices=candidates), candidates=candidates, source=sentence)

    first = step("p0 is waiting on floor f1.", ("init: (origin p0 f1)",))
    second = step("p0 is headed to floor f0.", ("init: (origin p0 f0)", "init: (destin p0 f0)", "init: (lift-at f0)"))
    results = [StepResult("planning.clause", parse_clause(c.candidates[0]), c.candidates[0], 0, "rank")
               for c in (first, second)]
    engine = Engine(Ranker(["unused"]), TranslateOptions(rank="sum"), Trace())
    rules = example_rules((UNSEEN_DIR / "miconic" / "p_example.pddl").read_text())
    init, goal = await _merge(engine, [first, second], results, rules)
    assert init == [("origin", "p0", "f1"), ("destin", "p0", "f0")] and goal == []
    assert engine.repairs == 1 and not engine.dropped
