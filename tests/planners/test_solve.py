"""Real planners in subprocesses: each engine, honest statuses, validation, kill on timeout, memory limit."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from nesy.errors import ConfigError
from nesy.types import Solution, Status
from planners.domains import bundled_domain
from planners.generators import generate
from planners.solving import SolveJob, available_engines, outcome_to_solution, run_worker, solve_pddl
from planners.validate import validate_plan

OPTIMAL = ["(unstack b a)", "(stack b c)", "(pick-up a)", "(stack a b)"]


def test_each_engine_returns_a_validated_plan(bw_domain, bw_problem):
    # one worker runs every engine in turn (process start-up dominates on small machines)
    expect = {
        "fd-opt": Status.SOLVED_OPTIMALLY,
        "fd-sat": Status.SOLVED,
        "pyperplan": Status.SOLVED,
        "pyperplan-opt": Status.SOLVED_OPTIMALLY,
        "auto": Status.SOLVED_OPTIMALLY,
    }
    run = run_worker([SolveJob(bw_domain, bw_problem, e, 30) for e in expect], deadline_s=120)
    assert len(run.results) == len(expect), run.stderr
    for (engine, status), out in zip(expect.items(), run.results):
        s = outcome_to_solution(out, engine, 30)
        assert s.status == status, (engine, s.message)
        assert s.certificate["validation"]["valid"] is True
        assert validate_plan(bw_domain, bw_problem, s.answer).valid
        if status == Status.SOLVED_OPTIMALLY:
            assert s.answer == OPTIMAL and s.certificate["optimal"] is True
        else:
            assert s.certificate["optimal"] is False  # a satisficing engine never claims optimality
    assert run.results[-1]["portfolio"] == ["fd-opt"]


def test_solve_pddl_end_to_end(bw_domain, bw_problem):
    s = solve_pddl(bw_domain, bw_problem, engine="auto", timeout=30)
    assert s.status == Status.SOLVED_OPTIMALLY and s.answer == OPTIMAL and s.engine == "fd-opt"


def test_enhsp_is_unsupported_unless_installed(bw_domain, bw_problem):
    s = solve_pddl(bw_domain, bw_problem, engine="enhsp", timeout=10)
    if "enhsp" in available_engines():
        assert s.status.solved
    else:
        assert s.status == Status.UNSUPPORTED and "not installed" in s.message


def test_unknown_engine_is_a_config_error(bw_domain, bw_problem):
    with pytest.raises(ConfigError, match="unknown planning engine"):
        solve_pddl(bw_domain, bw_problem, engine="tamer")


def test_unsolvable_is_proven(bw_domain):
    p = """(define (problem u) (:domain blocksworld) (:objects a - block)
      (:init (ontable a) (clear a) (handempty)) (:goal (and (on a a))))"""
    s = solve_pddl(bw_domain, p, engine="fd-opt", timeout=30)
    assert s.status == Status.UNSOLVABLE and s.certificate["unsolvable_proven"] is True and s.answer is None


def test_validator_names_failing_step_and_precondition(bw_domain, bw_problem):
    check = validate_plan(bw_domain, bw_problem, OPTIMAL[1:])
    assert not check.valid and check.failed_step == 1
    assert "holding(b)" in check.message and "stack(b, c)" in check.message
    short = validate_plan(bw_domain, bw_problem, OPTIMAL[:-1])
    assert not short.valid and "Goals" in short.message and "not satisfied" in short.message
    bad = validate_plan(bw_domain, bw_problem, ["(fly a b)"])
    assert not bad.valid and "unknown action 'fly'" in bad.message


def test_invalid_plan_from_a_planner_is_never_solved():
    out = {
        "engine": "fd-sat",
        "up_status": "SOLVED_SATISFICING",
        "plan": ["(stack b c)"],
        "validation": {"valid": False, "reason": "INAPPLICABLE_ACTION", "messages": ["Preconditions [holding(b)] ..."]},
    }
    s = outcome_to_solution(out, "fd-sat", 10)
    assert s.status == Status.ERROR and "fails validation" in s.message and "holding(b)" in s.message


def test_hung_planner_is_killed_at_the_deadline():
    # pyperplan ignores timeouts; blind optimal search on 14 balls does not finish in 2 s
    p = generate("gripper", 14, "at", 0)
    start = time.monotonic()
    s = solve_pddl(bundled_domain("gripper").pddl, p.pddl, engine="pyperplan-opt", timeout=2)
    assert s.status == Status.TIMEOUT and "killed" in s.message
    assert time.monotonic() - start < 60  # start-up on a loaded machine + 2 s + the kill


def test_memory_limit_gives_memout(bw_domain, bw_problem):
    # 100 MB is raised to the sandbox's floor (256 MB), still less than the planner's imports need
    s = solve_pddl(bw_domain, bw_problem, engine="fd-opt", timeout=30, memory_mb=100)
    assert s.status == Status.MEMOUT, s.message


def test_concurrent_solves_each_valid_for_its_own_problem():
    """Different problems solved at once (threads, each a subprocess): no output.sas mix-ups."""
    problems = [
        *(generate("blocksworld", n, "on", s) for n, s in ((3, 1), (4, 2), (5, 3))),
        *(generate("gripper", n, "at", s) for n, s in ((2, 4), (3, 5))),
        generate("logistics", 2, "at", 6),
    ]
    engines = ["fd-opt", "fd-sat", "fd-opt", "fd-sat", "fd-opt", "fd-sat"]

    def run(i: int) -> Solution:
        p = problems[i]
        return solve_pddl(bundled_domain(p.domain).pddl, p.pddl, engine=engines[i], timeout=60)

    with ThreadPoolExecutor(max_workers=6) as pool:
        sols = list(pool.map(run, range(len(problems))))
    for p, s in zip(problems, sols):
        assert s.status.solved, (p.name, s.status, s.message)
        check = validate_plan(bundled_domain(p.domain).pddl, p.pddl, s.answer)
        assert check.valid, (p.name, s.answer, check.message)
        objects = set(p.objects)
        assert all(set(step.strip("()").split()[1:]) <= objects for step in s.answer)
