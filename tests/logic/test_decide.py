"""Z3 decisions: the two checks, inconsistent premises, undetermined, cores, options, deep chains."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from logic.backend import LogicBackend
from nesy.types import Problem, Solution, Status

Solve = Callable[..., Solution]

RULES = """const Max
pred Yumpus/1
pred Dumpus/1
pred Sour/1
pred Red/1
premise: Yumpus(Max)  # Max is a yumpus.
premise: forall x. Yumpus(x) -> Dumpus(x)  # Every yumpus is a dumpus.
premise: forall x. Dumpus(x) -> not Sour(x)  # Dumpuses are not sour.
"""


@pytest.fixture()
def decide_rules(solve: Solve) -> Callable[..., Solution]:
    return lambda conclusion, extra="": solve(RULES + extra + f"conclusion: {conclusion}\n", timeout=5)


@pytest.mark.parametrize("conclusion,answer", [("Dumpus(Max)", "True"), ("Sour(Max)", "False"),
                                               ("Red(Max)", "Unknown"), ("not Sour(Max)", "True")])
def test_entailment_answers(conclusion: str, answer: str, decide_rules: Solve) -> None:
    d = decide_rules(conclusion)
    assert d.status == Status.SOLVED and d.answer == answer
    checks = d.certificate["checks"]
    assert set(checks) == {"premises_and_not_conclusion", "premises_and_conclusion"}


def test_false_has_a_core_naming_the_premises_and_a_model(decide_rules: Solve) -> None:
    d = decide_rules("Sour(Max)")
    assert d.certificate["unsat_core"] == ["Max is a yumpus.", "Every yumpus is a dumpus.", "Dumpuses are not sour."]
    assert "Sour" in d.certificate["model"]


def test_core_leaves_out_irrelevant_premises(decide_rules: Solve) -> None:
    d = decide_rules("Dumpus(Max)", "premise: forall x. Red(x) -> Sour(x)  # Red things are sour.\n")
    assert "Red things are sour." not in d.certificate["unsat_core"]
    assert "Dumpuses are not sour." not in d.certificate["unsat_core"]


def test_unknown_has_model_and_countermodel(decide_rules: Solve) -> None:
    d = decide_rules("Red(Max)")
    assert d.certificate["model"] and d.certificate["countermodel"]


def test_inconsistent_premises_are_reported_as_such(decide_rules: Solve) -> None:
    d = decide_rules("Red(Max)", "premise: Sour(Max)  # Max is sour.\n")
    assert d.status == Status.UNSOLVABLE and d.answer is None
    assert "inconsistent" in d.message
    assert "Max is sour." in d.certificate["unsat_core"]


def test_z3_unknown_is_undetermined_not_the_logical_unknown(solve: Solve) -> None:
    text = """(declare-fun f (Int) Int)
(assert (forall ((x Int)) (> (f x) (f (+ x 1)))))
(assert (! (> (f 0) 5) :named conclusion))"""
    d = solve(text, timeout=1)
    assert d.status in (Status.UNKNOWN, Status.TIMEOUT) and d.answer is None
    assert "undetermined" in d.message and d.answer != "Unknown"


def test_timeout_is_reported(solve: Solve) -> None:
    text = """(declare-const x Int)(declare-const y Int)(declare-const z Int)
(assert (= (+ (* x x x) (* y y y) (* z z z)) 33))
(assert (! (> x 0) :named conclusion))"""
    d = solve(text, timeout=0.5)
    assert d.status == Status.TIMEOUT and d.metrics["solve_seconds"] < 5


def test_200_step_universal_chain_is_decided(solve: Solve) -> None:
    n = 200
    lines = ["const c", *(f"pred P{i}/1" for i in range(n + 1)),
             *(f"premise: forall x. P{i}(x) -> P{i + 1}(x)" for i in range(n)), "premise: P0(c)"]
    d = solve("\n".join(lines + [f"conclusion: P{n}(c)"]), timeout=20)
    assert d.status == Status.SOLVED and d.answer == "True"
    assert len(d.certificate["unsat_core"]) == n + 1
    neg = solve("\n".join(lines + [f"conclusion: not P{n}(c)"]), timeout=20)
    assert neg.answer == "False"


def test_verbalization_gives_the_core_as_reason(logic_backend: LogicBackend) -> None:
    backend = logic_backend
    ctx = backend.context(Problem(text="Max is a yumpus. Question: Is Max sour?"))
    f = backend.parse(RULES + "conclusion: Sour(Max)  # Max is sour.\n", ctx)
    s = backend.solve(f, ctx, timeout=5)
    text = backend.verbalize(s, ctx)
    assert text == ("False: Max is not sour, because: Max is a yumpus; Every yumpus is a dumpus; "
                    "Dumpuses are not sour.")


def test_multiple_choice_zero_one_several(solve: Solve) -> None:
    base = RULES + "option A: Dumpus(Max)\n"
    one = solve(base + "option B: Red(Max)\n")
    assert one.status == Status.SOLVED and one.answer == "A" and one.certificate["entailed"] == ["A"]
    several = solve(base + "option B: not Sour(Max)\n")
    assert several.status == Status.UNKNOWN and "several options" in several.message
    assert several.certificate["entailed"] == ["A", "B"]
    none = solve(RULES + "option A: Red(Max)\noption B: Sour(Max)\n")
    assert none.status == Status.UNKNOWN and none.message == "no option follows from the premises"


def test_score_maps_letters_to_labels() -> None:
    backend = LogicBackend()
    ctx = backend.context(Problem(text="x", context={"premises": "x", "question": "Is it true?",
                                                     "options": ["A) True", "B) False", "C) Uncertain"]}))
    from nesy.types import Formalization, Gold

    f = Formalization(kind="logic", text="")
    s = Solution(status=Status.SOLVED, answer="Unknown")
    assert backend.score(f, s, Gold(answer="C"), ctx)["accuracy"] == 1.0
    assert backend.score(f, s, Gold(answer="A"), ctx)["accuracy"] == 0.0
    # a failed translation used every repair round: the caller, which knows how many, counts them
    assert backend.score(None, None, Gold(answer="A"), ctx) == {"accuracy": 0.0, "executable": 0.0}
