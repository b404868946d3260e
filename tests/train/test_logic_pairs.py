"""Logic pairs: recorded from LogicBackend.translate ('ours' mode), gold-verified, seen compositions only."""

from __future__ import annotations

import pytest

pytest.importorskip("z3", reason="logic pairs need the logic package's dependencies")
pytest.importorskip("llama_cpp", reason="the grammar check asks llama.cpp's sampler")

from train.pairs import Pair, make_pairs  # noqa: E402
from train.sources.logic import LogicPairs  # noqa: E402


@pytest.fixture(scope="module")
def source() -> LogicPairs:
    return LogicPairs()


@pytest.fixture(scope="module")
def seen_pairs(source: LogicPairs) -> list[Pair]:
    return source.pairs(source.default_suite, 60, seed=2)


def test_logic_pairs_come_only_from_seen_compositions(source: LogicPairs, seen_pairs: list[Pair]) -> None:
    from logic.suites import generated_suite

    assert len(seen_pairs) == 60
    suite = generated_suite(size=4)
    assert set(source.seen_signatures("logic")) == set(suite.seen)
    assert {p.signature for p in seen_pairs} <= set(suite.seen)
    held = source.held_out_pairs("logic", 20, seed=2)
    assert held and {p.signature for p in held} <= set(suite.held_out)


def test_every_logic_step_is_recorded_and_its_target_parses(seen_pairs: list[Pair]) -> None:
    from logic.csp import parse_csp
    from logic.fol import parse_formula
    from logic.gbnf import CLAUSE_FORMS

    steps = {p.meta["step"] for p in seen_pairs}
    assert {"declarations", "form", "formula"} <= steps
    for p in seen_pairs:
        step = p.meta["step"]
        if step == "form":
            choices = p.request.constraint.choices  # the forms the sentence's words allow
            # one form where the words decide the whole formula (logic.phrases), else "other" stays open
            assert p.target in choices and ("other" in choices or len(choices) == 1) and set(choices) <= set(CLAUSE_FORMS)
        elif step == "formula":
            parse_formula(p.target)
            assert p.request.constraint.grammar and p.request.stop == ("\n",)
        elif step == "declarations":
            assert p.target.endswith("\n") and all(l.startswith(("pred ", "const ")) for l in p.target.splitlines())
        elif step == "constraint":
            objs = p.messages[0].content.split("Objects: ")[1].split(".")[0]
            n = len(objs.split(", "))
            parse_csp(f"domain pos = 1..{n}\nvar {objs} : pos\nconstraint: {p.target}")


def test_the_grammar_check_rejects_what_constrained_decoding_cannot_produce(seen_pairs: list[Pair]) -> None:
    from train.grammar_check import request_admits

    formula = next(p for p in seen_pairs if p.meta["step"] == "formula")
    decl = next(p for p in seen_pairs if p.meta["step"] == "declarations")
    assert request_admits(formula.request, formula.target)
    assert not request_admits(formula.request, formula.target.replace("(", "(Nobody", 1))
    assert not request_admits(decl.request, decl.target.rstrip("\n"))  # every line must end in a newline


def test_mixed_pairs_interleave_formalisms() -> None:
    pytest.importorskip("unified_planning")
    ps = make_pairs(["planning", "logic"], 10, seed=1)
    assert [p.formalism for p in ps[:4]] == ["planning", "logic"] * 2 and len(ps) == 10
