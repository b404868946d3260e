"""PDDL that others write, through ``Reasoner.solve_formal`` with real planners (issue 12 part 1):
(either ...) types, negative preconditions and goals, equality, conditional effects,
quantified and disjunctive conditions, undeclared constants, sections out of order, a goal
that already holds; each plan is checked by ``validate_plan`` against the same text."""

from __future__ import annotations

import pytest

from nesy.errors import TranslationError
from nesy.reasoner import Reasoner
from nesy.settings import Settings
from nesy.types import Status
from planners.pddl import parse_domain, parse_problem
from planners.validate import validate_plan

# a robot carries items between rooms; (either box ball) is what it can carry
EITHER_DOMAIN = """(define (domain carry)
  (:requirements :strips :typing :negative-preconditions :equality)
  (:types room box ball robot)
  (:predicates (at ?x - (either box ball robot) ?r - room) (holding ?r - robot ?x - (either box ball))
               (free ?r - robot))
  (:action move :parameters (?b - robot ?from ?to - room)
    :precondition (and (at ?b ?from) (not (= ?from ?to)))
    :effect (and (at ?b ?to) (not (at ?b ?from))))
  (:action pick :parameters (?b - robot ?x - (either box ball) ?r - room)
    :precondition (and (at ?b ?r) (at ?x ?r) (free ?b))
    :effect (and (holding ?b ?x) (not (at ?x ?r)) (not (free ?b))))
  (:action drop :parameters (?b - robot ?x - (either box ball) ?r - room)
    :precondition (and (at ?b ?r) (holding ?b ?x) (not (free ?b)))
    :effect (and (at ?x ?r) (free ?b) (not (holding ?b ?x)))))
"""

EITHER_PROBLEM = """(define (problem move-both) (:domain carry)
  (:objects r1 r2 - room bx - box bl - ball rob - robot)
  (:init (at rob r1) (at bx r1) (at bl r1) (free rob))
  (:goal (and (at bx r2) (at bl r2) (not (at rob r2)))))
"""

# conditional effects, forall/exists in preconditions and goals, disjunction
SWITCH_DOMAIN = """(define (domain lights)
  (:requirements :adl)
  (:types lamp room)
  (:predicates (on ?l - lamp) (in ?l - lamp ?r - room) (power ?r - room) (visited ?r - room))
  (:action flip :parameters (?r - room)
    :precondition (or (power ?r) (exists (?l - lamp) (in ?l ?r)))
    :effect (and (visited ?r) (forall (?l - lamp) (when (in ?l ?r) (on ?l)))))
  (:action cut :parameters (?r - room)
    :precondition (forall (?l - lamp) (imply (in ?l ?r) (on ?l)))
    :effect (not (power ?r))))
"""

SWITCH_PROBLEM = """(define (problem light-all) (:domain lights)
  (:objects l1 l2 l3 - lamp k1 k2 - room)
  (:init (in l1 k1) (in l2 k1) (in l3 k2) (power k1) (power k2))
  (:goal (and (forall (?l - lamp) (on ?l)) (not (power k1)))))
"""

# the domain's actions use `home` and the problem `wrench` without declaring either
UNDECLARED_DOMAIN = """(define (domain fix)
  (:requirements :strips :typing)
  (:types place tool)
  (:predicates (at ?p - place) (have ?t - tool) (lies ?t - tool ?p - place) (road ?a ?b - place))
  (:action go :parameters (?a ?b - place) :precondition (and (at ?a) (road ?a ?b)) :effect (and (at ?b) (not (at ?a))))
  (:action take :parameters (?t - tool ?p - place) :precondition (and (at ?p) (lies ?t ?p))
    :effect (and (have ?t) (not (lies ?t ?p))))
  (:action go-home :parameters (?a - place) :precondition (and (at ?a) (road ?a home)) :effect (and (at home) (not (at ?a)))))
"""

UNDECLARED_PROBLEM = """(define (problem fetch) (:domain fix)
  (:objects shed - place)
  (:goal (and (have wrench) (at home)))
  (:init (at home) (road home shed) (road shed home) (lies wrench shed)))
"""


@pytest.fixture(scope="module")
def reasoner() -> Reasoner:
    r = Reasoner(backends=["planning"], settings=Settings(sandbox_spares=1))
    yield r
    r.registry.get("planning").sandbox.close()


def _solve(reasoner: Reasoner, domain: str, problem: str, engine: str = "fd-sat"):
    sol, verbal = reasoner.solve_formal("planning", problem, {"domain_pddl": domain, "engine": engine}, timeout=60)
    return sol, verbal


def _valid(domain: str, problem: str, plan: list[str]) -> bool:
    check = validate_plan(domain, problem, plan)
    assert check.valid, check.message
    return check.valid


def test_either_types_become_a_common_supertype_and_negative_goals_are_solved(reasoner: Reasoner) -> None:
    d = parse_domain(EITHER_DOMAIN)
    assert d.types["box"] == d.types["ball"] == "either-ball-box" and d.types["robot"] == "either-ball-box-robot"
    assert any("either" in n for n in d.notes)
    p = parse_problem(d, EITHER_PROBLEM)
    assert p.goal_negative == {("at", "rob", "r2")} and p.goal == {("at", "bx", "r2"), ("at", "bl", "r2")}
    sol, _ = _solve(reasoner, EITHER_DOMAIN, EITHER_PROBLEM)
    assert sol.status.solved, sol.message
    assert _valid(EITHER_DOMAIN, EITHER_PROBLEM, sol.answer)
    assert sol.answer[-1].startswith("(move rob r2 r1)")  # the robot must leave r2 at the end


def test_either_over_types_with_different_parents_is_refused_by_name() -> None:
    bad = EITHER_DOMAIN.replace("(:types room box ball robot)", "(:types room thing - object box - thing ball robot)")
    with pytest.raises(TranslationError, match="different parents"):
        parse_domain(bad)


@pytest.mark.parametrize("engine", ["fd-sat", "auto"])
def test_conditional_effects_quantifiers_and_disjunction(reasoner: Reasoner, engine: str) -> None:
    p = parse_problem(SWITCH_DOMAIN, SWITCH_PROBLEM)
    assert p.goal_formula is not None  # forall in the goal: more than a conjunction of literals
    sol, _ = _solve(reasoner, SWITCH_DOMAIN, SWITCH_PROBLEM, engine)
    assert sol.status.solved, sol.message
    assert _valid(SWITCH_DOMAIN, SWITCH_PROBLEM, sol.answer)
    assert {"(flip k1)", "(flip k2)", "(cut k1)"} <= set(sol.answer)
    # the plan validator follows the conditional effects: without flipping k2, l3 stays off
    assert not validate_plan(SWITCH_DOMAIN, SWITCH_PROBLEM, ["(flip k1)", "(cut k1)"]).valid


def test_undeclared_constants_are_declared_with_their_implied_type(reasoner: Reasoner) -> None:
    d = parse_domain(UNDECLARED_DOMAIN)
    assert d.constants["home"] == "place" and any("home - place" in n for n in d.notes)
    assert pytest.raises(TranslationError, parse_problem, d, UNDECLARED_PROBLEM)  # a model's text: an error to repair
    p = parse_problem(d, UNDECLARED_PROBLEM, formal=True)
    assert p.objects["wrench"] == "tool" and any("wrench - tool" in n for n in p.notes)
    assert any("standard order" in n for n in p.notes)  # :goal came before :init
    sol, _ = _solve(reasoner, UNDECLARED_DOMAIN, UNDECLARED_PROBLEM)
    assert sol.status.solved, sol.message
    assert sol.answer[:2] == ["(go home shed)", "(take wrench shed)"] and len(sol.answer) == 3
    assert _valid(UNDECLARED_DOMAIN, UNDECLARED_PROBLEM, sol.answer)


def test_an_undeclared_name_whose_uses_disagree_is_still_an_error() -> None:
    clash = UNDECLARED_PROBLEM.replace("(lies wrench shed)", "(lies wrench shed) (at wrench)")
    with pytest.raises(TranslationError, match="wrench"):
        parse_problem(UNDECLARED_DOMAIN, clash, formal=True)


def test_a_goal_that_already_holds_is_solved_with_the_empty_plan(reasoner: Reasoner) -> None:
    done = EITHER_PROBLEM.replace("(:goal (and (at bx r2) (at bl r2) (not (at rob r2))))", "(:goal (and (at bx r1) (not (at rob r2))))")
    sol, verbal = _solve(reasoner, EITHER_DOMAIN, done)
    assert sol.status == Status.SOLVED_OPTIMALLY and sol.answer == [], sol.message
    assert "already holds" in verbal
    assert _valid(EITHER_DOMAIN, done, [])


def test_formal_input_is_not_linted_but_what_a_model_wrote_is(bw_domain: str) -> None:
    from nesy.types import Problem
    from planners.backend import PlanningBackend

    b = PlanningBackend(Settings(sandbox_spares=0))
    ctx = b.context(Problem(text="", kind="planning", context={"domain": "blocksworld"}))
    pddl = """(define (problem p) (:domain blocksworld) (:objects a b - block)
      (:init (on a b) (ontable b) (clear a) (handempty)) (:goal (and (on a b))))"""
    assert b.parse(pddl, ctx).parsed.goal_holds_initially()
    with pytest.raises(TranslationError, match="already holds"):
        b._parse_model(pddl, ctx)


# a recursive derived predicate (above) in the goal, and one (ready) in a precondition
DERIVED_DOMAIN = """(define (domain towers)
  (:requirements :strips :typing :derived-predicates :negative-preconditions :equality)
  (:types block)
  (:predicates (on ?x ?y - block) (ontable ?x - block) (clear ?x - block) (above ?x ?y - block) (ready ?x - block))
  (:derived (above ?a ?b) (or (on ?a ?b) (exists (?c - block) (and (on ?a ?c) (above ?c ?b)))))
  (:derived (ready ?x) (and (ontable ?x) (clear ?x)))
  (:action stack :parameters (?x ?y - block)
    :precondition (and (ready ?x) (clear ?y) (not (= ?x ?y)))
    :effect (and (on ?x ?y) (not (ontable ?x)) (not (clear ?y))))
  (:action unstack :parameters (?x ?y - block)
    :precondition (and (on ?x ?y) (clear ?x))
    :effect (and (ontable ?x) (clear ?y) (not (on ?x ?y)))))
"""

DERIVED_PROBLEM = """(define (problem tall) (:domain towers)
  (:objects a b c - block)
  (:init (ontable a) (ontable b) (ontable c) (clear a) (clear b) (clear c))
  (:goal (and (above a c) (not (on a c)))))
"""


def test_derived_predicates_are_compiled_into_actions_and_solved(reasoner: Reasoner) -> None:
    d = parse_domain(DERIVED_DOMAIN)
    assert {"derive-above-1", "derive-above-2", "derive-ready-1"} <= set(d.actions)
    assert any(n.startswith("derived predicates (above, ready)") for n in d.notes)
    for engine in ("fd-sat", "auto"):
        sol, _ = _solve(reasoner, DERIVED_DOMAIN, DERIVED_PROBLEM, engine)
        assert sol.status == Status.SOLVED, sol.message  # never "optimal": derive steps count in its length
        assert _valid(DERIVED_DOMAIN, DERIVED_PROBLEM, sol.answer)
        assert [s for s in sol.answer if not s.startswith("(derive-")] == ["(stack b c)", "(stack a b)"]
    # a derived fact does not outlive the state it was derived in: every action forgets it
    stale = ["(derive-ready-1 a)", "(stack a b)", "(stack a c)"]
    assert validate_plan(DERIVED_DOMAIN, DERIVED_PROBLEM, stale).failed_step == 3


def test_a_derived_predicate_needed_false_is_refused_by_name() -> None:
    negated = DERIVED_DOMAIN.replace("(and (ready ?x) (clear ?y)", "(and (ready ?x) (not (above ?y ?x)) (clear ?y)")
    with pytest.raises(TranslationError, match="'above' is used negatively"):
        parse_domain(negated)
    with pytest.raises(TranslationError, match="goal needs the derived predicate 'above' to be false"):
        parse_problem(DERIVED_DOMAIN, DERIVED_PROBLEM.replace("(above a c)", "(not (above a c))"), formal=True)


# pddlgym's footwear: the object `home` and the predicate `home` share a name
CLASH_DOMAIN = """(define (domain walk)
  (:requirements :strips :typing)
  (:types place)
  (:predicates (at ?p - place) (home ?p - place) (road ?a ?b - place) (rested))
  (:action go :parameters (?a ?b - place) :precondition (and (at ?a) (road ?a ?b)) :effect (and (at ?b) (not (at ?a))))
  (:action rest :parameters (?p - place) :precondition (and (at ?p) (home ?p)) :effect (rested)))
"""

CLASH_PROBLEM = """(define (problem back) (:domain walk)
  (:objects home shop - place)
  (:init (at shop) (road shop home) (home home))
  (:goal (and (rested) (at home))))
"""


def test_an_object_named_like_a_predicate_is_renamed_and_plans_use_its_own_name(reasoner: Reasoner) -> None:
    p = parse_problem(CLASH_DOMAIN, CLASH_PROBLEM, formal=True)
    assert ("home", "home-obj") in p.init and p.renamed == {"home-obj": "home"}
    assert any("home -> home-obj" in n for n in p.notes)
    sol, verbal = _solve(reasoner, CLASH_DOMAIN, CLASH_PROBLEM)
    assert sol.status.solved, sol.message
    assert sol.answer == ["(go shop home)", "(rest home)"]  # mapped back to the problem's names
    assert _valid(CLASH_DOMAIN, CLASH_PROBLEM, sol.answer)
    assert not validate_plan(CLASH_DOMAIN, CLASH_PROBLEM, ["(rest home)"]).valid
