"""The solver subprocess: ``python -m planners.worker``, run by a ``nesy.sandbox.Sandbox``.

One process per solve (or per batch of sequential solves) because unified-planning is not
thread-safe and Fast Downward writes intermediate files into the working directory; the
sandbox gives every worker its own temporary directory, a memory limit and a kill deadline.

A job is ``{"domain", "problem", "engine", "timeout", "relax_names"}``; its answer is the
planner's outcome as JSON (see ``solving.outcome_to_solution``).
"""

from __future__ import annotations

import resource
import time
import warnings
from typing import Any

from nesy.sandbox import serve_jobs

# engine name -> (UP engine name, wants optimal plans)
ENGINES: dict[str, tuple[str, bool]] = {
    "fd-opt": ("fast-downward-opt", True),
    "fd-sat": ("fast-downward", False),
    "pyperplan": ("pyperplan", False),
    "pyperplan-opt": ("pyperplan-opt", True),
    "enhsp": ("enhsp", False),
    "enhsp-opt": ("enhsp-opt", True),
}
OPTIMAL_SHARE = 0.5  # the portfolio's budget share for optimal search


def _plan_strings(plan: Any) -> list[str]:
    return [
        "(" + " ".join([a.action.name, *(str(p) for p in a.actual_parameters)]) + ")" for a in plan.actions
    ]


def _validate(problem: Any, plan: Any) -> dict[str, Any]:
    """Sequential plan validator by name: it names the failing action or the unmet goals."""
    from unified_planning.shortcuts import PlanValidator

    with PlanValidator(name="sequential_plan_validator") as v:
        r = v.validate(problem, plan)
    msgs = [m.message for m in r.log_messages or []]
    return {
        "valid": r.status.name == "VALID",
        "reason": r.reason.name if r.reason is not None else None,
        "failed_action": str(r.inapplicable_action) if r.inapplicable_action is not None else None,
        "messages": msgs,
    }


def _run_engine(problem: Any, engine: str, timeout: float) -> dict[str, Any]:
    import unified_planning as up
    from unified_planning.shortcuts import OneshotPlanner

    up_name, optimal = ENGINES[engine]
    p = problem
    if optimal and not problem.quality_metrics:
        # optimal engines refuse problems without a metric (UPUsageError)
        p = problem.clone()
        p.add_quality_metric(up.model.metrics.MinimizeSequentialPlanLength())
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyperplan warns that it ignores timeouts: we kill it instead
        with OneshotPlanner(name=up_name) as planner:
            res = planner.solve(p, timeout=max(0.1, timeout))
    out: dict[str, Any] = {
        "engine": engine,
        "up_status": res.status.name,
        "seconds": time.perf_counter() - start,
        "log": "\n".join(m.message for m in (res.log_messages or []))[-2000:],
    }
    if res.plan is not None:
        out["plan"] = _plan_strings(res.plan)
        out["validation"] = _validate(problem, res.plan)
    return out


def _solve_job(job: dict[str, Any]) -> dict[str, Any]:
    from unified_planning.io import PDDLReader

    env_relax = bool(job.get("relax_names"))
    import unified_planning.shortcuts as ups

    env = ups.get_environment()
    env.credits_stream = None
    env.error_used_name = not env_relax
    start = time.perf_counter()
    problem = PDDLReader().parse_problem_string(job["domain"], job["problem"])
    parse_s = time.perf_counter() - start
    engine, timeout = job.get("engine", "auto"), float(job.get("timeout", 60.0))
    if engine == "auto":
        first = _run_engine(problem, "fd-opt", timeout * OPTIMAL_SHARE)
        first["portfolio"] = ["fd-opt"]
        if first["up_status"] in ("SOLVED_OPTIMALLY", "SOLVED_SATISFICING", "UNSOLVABLE_PROVEN"):
            out = first
        else:
            left = max(0.5, timeout - (time.perf_counter() - start))
            out = _run_engine(problem, "fd-sat", left)
            out["portfolio"] = ["fd-opt", "fd-sat"]
            out["first"] = {k: first[k] for k in ("up_status", "seconds")}
    else:
        out = _run_engine(problem, engine, timeout)
    out["parse_seconds"] = parse_s
    # the limit as this process sees it: the caller's proof of what the solve ran under
    out["memory_mb"] = resource.getrlimit(resource.RLIMIT_AS)[0] // (1024 * 1024)
    return out


def _warm() -> None:
    # a spare worker does these imports while it waits, before the clock starts
    import unified_planning.shortcuts  # noqa: F401
    import up_fast_downward  # noqa: F401


def main() -> None:
    serve_jobs(_solve_job, _warm)


if __name__ == "__main__":
    main()
