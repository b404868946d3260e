"""Reader errors become TranslationErrors with line, column and symbol; the traps of real domains."""

from __future__ import annotations

import pytest

from nesy.errors import TranslationError
from planners.pddl import parse_domain, parse_problem


def problem(objs: str, init: str, goal: str) -> str:
    return f"(define (problem p) (:domain blocksworld)\n (:objects {objs})\n (:init {init})\n (:goal (and {goal})))"


def test_parses_facts_and_objects(bw_model, bw_problem):
    p = parse_problem(bw_model, bw_problem)
    assert p.objects == {"a": "block", "b": "block", "c": "block"}
    assert ("on", "b", "a") in p.init and ("handempty",) in p.init
    assert p.goal == {("on", "a", "b"), ("on", "b", "c")}


@pytest.mark.parametrize(
    "objs,init,goal,symbol,line,words",
    [
        ("a b - block", "(ontable a) (clear a", "(on a b)", None, 4, "syntax error"),
        ("a b - block", "(ontabl a)", "(on a b)", "ontabl", 3, "unknown predicate"),
        ("a b - block", "(ontable z)", "(on a b)", "z", 3, "unknown object"),
        ("a b - block", "(ontable a b)", "(on a b)", "ontable", 3, "takes 1 argument"),
        ("a b - blok", "(ontable a)", "(on a b)", "blok", 2, "undeclared type"),
        ("a b a - block", "(ontable a)", "(on a b)", "a", 2, "declared twice"),
    ],
)
def test_reader_errors_name_line_and_symbol(bw_model, objs, init, goal, symbol, line, words):
    with pytest.raises(TranslationError) as ei:
        parse_problem(bw_model, problem(objs, init, goal))
    e = ei.value
    assert words in e.message
    assert e.line == line and e.col is not None
    if symbol:
        assert e.symbol == symbol
    assert e.details["part"] == "problem"


def test_either_types_are_compiled_to_a_common_supertype(bw_domain):
    d = bw_domain.replace("(:types block)", "(:types block table - object)").replace(
        "(ontable ?x - block)", "(ontable ?x - (either block table))"
    )
    model = parse_domain(d)  # issue 12: read, not refused (tests/planners/test_pddl_features.py solves such domains)
    assert model.types["block"] == model.types["table"] == "either-block-table"
    assert model.predicates["ontable"] == (("?x", "either-block-table"),) or model.predicates["ontable"][0][1] == "either-block-table"
    assert any("either" in n for n in model.notes)


def test_duplicate_type_declaration_is_accepted_with_a_note(bw_domain, bw_problem):
    d = parse_domain(bw_domain.replace("(:types block)", "(:types block block)"))
    assert any("declared more than once" in n for n in d.notes)
    assert parse_problem(d, bw_problem).goal


def test_undeclared_constant_is_declared_with_a_note(bw_domain):
    d = bw_domain.replace("(:predicates (on", "(:predicates (home ?x - block) (on").replace(
        ":precondition (and (clear ?x) (ontable ?x) (handempty))", ":precondition (and (clear ?x) (ontable ?x) (handempty) (home tb))"
    )
    model = parse_domain(d)  # issue 12: declared with the type its use implies, and said so
    assert model.constants["tb"] == "block" and any("tb - block" in n for n in model.notes)


def test_action_predicate_name_clash_is_accepted(bw_domain, bw_problem):
    d = parse_domain(bw_domain.replace("(holding ?x - block))", "(holding ?x - block) (stack ?x - block))"))
    assert "stack" in d.predicates and "stack" in d.actions
    assert any("share a name" in n for n in d.notes) and d.relax_names
    assert parse_problem(d, bw_problem).init


def test_duplicate_object_still_rejected_after_a_relaxed_parse(bw_domain):
    # the clash relaxation must not leak into later parses
    parse_domain(bw_domain.replace("(holding ?x - block))", "(holding ?x - block) (stack ?x - block))"))
    with pytest.raises(TranslationError, match="declared twice"):
        parse_problem(parse_domain(bw_domain), problem("a b a - block", "(ontable a)", "(on a b)"))
