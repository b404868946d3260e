from __future__ import annotations

import pytest

from nesy.errors import TranslationError
from nesy.types import Problem
from planners.backend import PlanningBackend
from planners.domains import bundled_domain
from planners.lint import check_contradictions, check_fact, check_goal_not_true


@pytest.fixture(scope="module")
def ctx():
    return PlanningBackend().context(Problem(text="", kind="planning", context={"domain": "blocksworld"}))


def test_block_on_two_blocks_is_a_contradiction():
    with pytest.raises(TranslationError, match=r"\(on a b\) and \(on a c\)"):
        check_contradictions([("on", "a", "b"), ("on", "a", "c")], bundled_domain("blocksworld"))


def test_held_block_on_table_and_consistent_state():
    with pytest.raises(TranslationError, match="held block"):
        check_contradictions([("holding", "a"), ("ontable", "a")], bundled_domain("blocksworld"))
    check_contradictions([("on", "a", "b"), ("ontable", "b"), ("clear", "a"), ("handempty",)], bundled_domain("blocksworld"))


def test_fact_checks_arity_type_and_object(bw_model):
    objs = {"a": "block"}
    with pytest.raises(TranslationError, match="takes 2"):
        check_fact(("on", "a"), bw_model, objs)
    with pytest.raises(TranslationError, match="unknown object 'z'"):
        check_fact(("on", "a", "z"), bw_model, objs)
    with pytest.raises(TranslationError, match="is a room"):
        check_fact(("clear", "r"), bw_model, {"r": "room"})


def test_goal_already_true():
    with pytest.raises(TranslationError, match="already holds"):
        check_goal_not_true([("on", "a", "b"), ("clear", "a")], [("on", "a", "b")])


def test_backend_lints_contradictions_in_what_a_model_wrote(ctx):
    pddl = """(define (problem p) (:domain blocksworld) (:objects a b c - block)
      (:init (on a b) (on a c) (clear a) (handempty)) (:goal (and (on b c))))"""
    with pytest.raises(TranslationError) as ei:
        PlanningBackend()._parse_model(pddl, ctx)  # what a model wrote; formal input is not linted
    assert ei.value.symbol == "a" and "contradiction" in ei.value.message
