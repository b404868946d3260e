"""Generators give solvable, parseable problems; verbalization and scoring against gold."""

from __future__ import annotations

import pytest

from nesy.types import Gold, Problem, Solution, Status
from planners.backend import PlanningBackend
from planners.domains import bundled_domain
from planners.generators import GOAL_COMBOS, generate
from planners.pddl import parse_problem
from planners.suites import SUITES, load_llmp
from planners.verbalize import verbalize_plan


def test_every_combination_parses_and_text_matches_facts():
    for domain, combos in GOAL_COMBOS.items():
        for combo in combos:
            p = generate(domain, 3, combo, 7)
            parsed = parse_problem(bundled_domain(domain).pddl, p.pddl)
            assert parsed.init == set(p.init) and parsed.goal == set(p.goal)
            assert {f[0] for f in p.goal} == set(combo.split("+"))
            assert p.signature == f"{domain}:{combo}/n3"
            stated = {f for c in p.clauses for f in c.facts}
            assert stated == set(p.init) | set(p.goal)  # every fact is said, nothing more


def test_paraphrases_vary_across_seeds():
    texts = {generate("blocksworld", 4, "on", s).clauses[1].text.split(" ")[0:2].__str__() for s in range(12)}
    assert len(texts) > 1


def test_suite_has_gold_optima_and_disjoint_splits(tmp_path):
    suite = SUITES["blocksworld"](size=4, seed=3, cache_dir=tmp_path)
    assert {i.split for i in suite.items} == {"seen", "held_out"}
    assert not set(suite.seen) & set(suite.held_out)
    assert all(isinstance(i.gold.answer, int) and i.gold.answer > 0 for i in suite.items)
    assert (tmp_path / "planners" / "optimal_lengths.json").is_file()
    # the gold optimum is what an optimal planner finds
    item = suite.items[0]
    s = PlanningBackend().solve(
        PlanningBackend().parse(item.gold.formal, ctx := PlanningBackend().context(item.problem)), ctx, timeout=60
    )
    assert s.status == Status.SOLVED_OPTIMALLY and len(s.answer) == item.gold.answer


def test_llmp_loader(tmp_path, bw_domain, bw_problem):
    d = tmp_path / "blocksworld"
    d.mkdir()
    (d / "domain.pddl").write_text(bw_domain)
    (d / "p_example.nl").write_text("example")
    (d / "p_example.pddl").write_text(bw_problem)
    (d / "p01.nl").write_text("b is on a.")
    (d / "p01.pddl").write_text(bw_problem)
    suite = load_llmp(tmp_path)
    [item] = suite.items
    assert item.split == "public" and item.problem.context["example_pddl"] == bw_problem
    assert item.problem.context["domain_pddl"] == bw_domain


@pytest.fixture(scope="module")
def backend_ctx():
    b = PlanningBackend()
    return b, b.context(Problem(text="", kind="planning", context={"domain": "blocksworld"}))


def test_verbalization_templates_and_outcomes(backend_ctx):
    b, ctx = backend_ctx
    s = Solution(status=Status.SOLVED_OPTIMALLY, answer=["(unstack b a)", "(stack b c)"])
    text = b.verbalize(s, ctx)
    assert text.splitlines()[:2] == ["1. Unstack block b from block a.", "2. Stack block b on top of block c."]
    assert "optimal" in text
    assert "cannot be reached" in b.verbalize(Solution(status=Status.UNSOLVABLE, certificate={"unsolvable_proven": True}), ctx)
    assert "time limit" in b.verbalize(Solution(status=Status.TIMEOUT), ctx)
    # a domain without templates: sentences from action names and parameter types
    g = PlanningBackend().context(Problem(text="", context={"domain_pddl": bundled_domain("logistics").pddl}))
    line = verbalize_plan(Solution(status=Status.SOLVED, answer=["(drive-truck t1 l1 apt1 c1)"]), g.data["domain"], None)
    assert line.startswith("1. Drive truck: truck t1, place l1, place apt1, city c1.")


def test_scores_against_gold(backend_ctx, bw_problem):
    b, ctx = backend_ctx
    gold = Gold(formal=bw_problem, answer=4)
    f = b.parse(bw_problem, ctx)
    good = Solution(status=Status.SOLVED_OPTIMALLY, answer=["(unstack b a)", "(stack b c)", "(pick-up a)", "(stack a b)"])
    assert b.score(f, good, gold, ctx) == {
        "translation_exact": 1.0, "facts_f1": 1.0, "solved": 1.0, "plan_valid": 1.0, "plan_optimal": 1.0
    }
    # a wrong translation: its plan is valid for itself but not for the gold problem
    wrong = b.parse(bw_problem.replace("(on a b) (on b c)", "(on a c)"), ctx)
    sol = Solution(status=Status.SOLVED, answer=["(unstack b a)", "(put-down b)", "(pick-up a)", "(stack a c)"])
    sc = b.score(wrong, sol, gold, ctx)
    assert sc["translation_exact"] == 0.0 and 0 < sc["facts_f1"] < 1 and sc["plan_valid"] == 0.0 and sc["solved"] == 1.0
    assert b.score(None, None, gold, ctx)["plan_valid"] == 0.0
