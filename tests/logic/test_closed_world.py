"""The non-classical readings of the logic backend: forward chaining over the Horn part
(ProofWriter's open-world reasoner) and the closed world (negation as failure), as options
that reach the sandboxed solver through the problem's context; classical stays the default."""

from __future__ import annotations

import pytest

from logic.backend import LogicBackend, LogicContext
from logic.decide import decide_text
from nesy.errors import ConfigError
from nesy.types import Problem, Status

HEAD = "const Bob, Anne\npred Big/1\npred Red/1\npred Nice/1\npred Green/1\npred Likes/2\n"


def _answers(program: str) -> dict[str, object]:
    return {r: decide_text(HEAD + program, timeout=10, max_depth=50, reading=r).answer
            for r in ("classical", "forward", "closed-world")}


def test_contraposition_is_classical_only() -> None:
    """ProofWriter's reasoner never reasons backwards from a negated conclusion."""
    got = _answers("premise: forall x. Big(x) -> Red(x)\npremise: not Red(Bob)\nconclusion: Big(Bob)\n")
    assert got == {"classical": "False", "forward": "Unknown", "closed-world": "False"}


def test_negated_conditions_need_a_stated_negation_or_fail_in_the_closed_world() -> None:
    rule = "premise: forall x. not Nice(x) -> Green(x)\npremise: Big(Bob)\n"
    stated = _answers(rule + "premise: not Nice(Bob)\nconclusion: Green(Bob)\n")
    assert stated == {"classical": "True", "forward": "True", "closed-world": "True"}
    unstated = _answers(rule + "conclusion: Green(Bob)\n")
    assert unstated == {"classical": "Unknown", "forward": "Unknown", "closed-world": "True"}


def test_relations_chain_and_the_support_names_the_premises() -> None:
    program = ("premise: Likes(Bob, Anne)  # Bob likes Anne.\n"
               "premise: forall x. Likes(x, Anne) -> Nice(x)  # If someone likes Anne then they are nice.\n"
               "premise: Big(Anne)\n"
               "conclusion: Nice(Bob)\n")
    d = decide_text(HEAD + program, timeout=10, max_depth=50, reading="forward")
    assert d.status == Status.SOLVED and d.answer == "True"
    assert d.certificate["reading"] == "forward"
    assert d.certificate["unsat_core"] == ["Bob likes Anne.", "If someone likes Anne then they are nice."]


def test_outside_the_horn_part_the_reading_says_so_and_decides_classically() -> None:
    d = decide_text(HEAD + "premise: Big(Bob) or Red(Bob)\npremise: not Big(Bob)\nconclusion: Red(Bob)\n",
                    timeout=10, max_depth=50, reading="forward")
    assert d.answer == "True" and d.certificate["reading"] == "classical"
    assert "does not apply" in d.message and "decided classically" in d.message
    cyclic = "premise: forall x. not Red(x) -> Big(x)\npremise: forall x. not Big(x) -> Red(x)\nconclusion: Big(Bob)\n"
    d = decide_text(HEAD + cyclic, timeout=10, max_depth=50, reading="closed-world")
    assert "cycle" in d.message and d.answer == "Unknown"
    with pytest.raises(ValueError, match="unknown reading"):
        decide_text(HEAD + cyclic, timeout=10, max_depth=50, reading="fuzzy")


def test_the_reading_reaches_the_sandboxed_solver_from_the_problem_context(logic_backend: LogicBackend) -> None:
    program = HEAD + "premise: forall x. Big(x) -> Red(x)\npremise: not Red(Bob)\nconclusion: Big(Bob)\n"
    got = {}
    for reading in (None, "classical", "forward"):
        ctx = logic_backend.context(Problem(text="x", kind="logic", context={"reading": reading} if reading else {}))
        got[reading] = logic_backend.solve(logic_backend.parse(program, ctx), ctx, timeout=10).answer
    assert got == {None: "False", "classical": "False", "forward": "Unknown"}  # the default is classical
    with pytest.raises(ConfigError, match="unknown reading 'fuzzy'"):
        logic_backend.context(Problem(text="x", context={"reading": "fuzzy"}))
    assert LogicContext.model_validate({"reading": "closed-world"}).reading == "closed-world"


def test_bench_passes_the_reading_as_item_context() -> None:
    from benchmarks.cli import _key_value
    from benchmarks.runner import RunConfig, default_out_dir

    plain = RunConfig(suite="proofwriter-tune")
    forward = RunConfig(suite="proofwriter-tune", context=dict([_key_value("reading=forward")]))
    assert "context" not in plain.identity()  # runs made before the option still resume
    assert forward.identity()["context"] == {"reading": "forward"}
    assert default_out_dir(forward).name == default_out_dir(plain).name + "-reading-forward"
    with pytest.raises(ValueError):
        _key_value("reading")
