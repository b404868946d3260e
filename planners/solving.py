"""Run planners safely: each solve in a ``nesy.sandbox`` worker (``planners.worker``) of its own.

Private working directory, memory limit, kill deadline and cancellation come from the
sandbox; this module maps the planner's answer (or the worker's fate) to a Solution.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
from dataclasses import asdict, dataclass
from typing import Any

from nesy import cancel
from nesy.errors import ConfigError
from nesy.sandbox import Sandbox, SandboxRun
from nesy.types import Solution, Status

from planners.worker import ENGINES

__all__ = [
    "available_engines", "default_sandbox", "goal_already_holds", "run_worker", "solve_pddl", "SolveJob", "ENGINE_NAMES", "WORKER_MODULE",
]

ENGINE_NAMES = ("auto", *ENGINES)
WORKER_MODULE = "planners.worker"


def available_engines() -> list[str]:
    """Engines whose packages (and, for ENHSP, Java) are installed."""
    have = lambda m: importlib.util.find_spec(m) is not None  # noqa: E731
    out: list[str] = []
    if have("up_fast_downward"):
        out += ["auto", "fd-opt", "fd-sat"]
    if have("up_pyperplan"):
        out += ["pyperplan", "pyperplan-opt"]
    if have("up_enhsp") and shutil.which("java"):
        out += ["enhsp", "enhsp-opt"]
    return out


@dataclass(frozen=True)
class SolveJob:
    domain: str
    problem: str
    engine: str = "auto"
    timeout: float = 60.0
    relax_names: bool = False


@functools.cache
def default_sandbox() -> Sandbox:
    """For callers without a backend (benchmark CLIs, gold plan lengths): the default limits,
    built on first use so that importing this module starts nothing."""
    return Sandbox(WORKER_MODULE)


def run_worker(
    jobs: list[SolveJob], *, memory_mb: int | None = None, deadline_s: float | None = None, sandbox: Sandbox | None = None
) -> SandboxRun:
    """Run jobs sequentially in one worker of its own; kill it ``deadline_s`` after it is ready."""
    if deadline_s is None:
        deadline_s = sum(j.timeout for j in jobs) + 5.0
    box = sandbox or default_sandbox()
    return box.run([asdict(j) for j in jobs], deadline_s=deadline_s, memory_mb=memory_mb)


_UP_STATUS = {
    "SOLVED_OPTIMALLY": Status.SOLVED_OPTIMALLY,
    "SOLVED_SATISFICING": Status.SOLVED,
    "UNSOLVABLE_PROVEN": Status.UNSOLVABLE,
    "UNSOLVABLE_INCOMPLETELY": Status.UNSOLVABLE,
    "TIMEOUT": Status.TIMEOUT,
    "MEMOUT": Status.MEMOUT,
    "UNSUPPORTED_PROBLEM": Status.UNSUPPORTED,
    "INTERNAL_ERROR": Status.ERROR,
    "INTERMEDIATE": Status.SOLVED,
}


def outcome_to_solution(out: dict[str, Any], engine: str, timeout: float) -> Solution:
    """Map a worker's JSON answer to a Solution; an invalid plan is never SOLVED."""
    if "error" in out:
        status = Status.MEMOUT if out["error"] == "MemoryError" else Status.ERROR
        return Solution(status=status, backend="planning", engine=engine, message=f"{out['error']}: {out.get('message', '')}")
    up_status = out["up_status"]
    status = _UP_STATUS.get(up_status, Status.ERROR)
    used = out.get("engine", engine)
    cert: dict[str, Any] = {"up_status": up_status, "engine": used}
    if "portfolio" in out:
        cert["portfolio"] = out["portfolio"]
        if "first" in out:
            cert["optimal_attempt"] = out["first"]
    metrics = {"solve_seconds": float(out.get("seconds", 0.0)), "parse_seconds": float(out.get("parse_seconds", 0.0))}
    if "memory_mb" in out:
        metrics["memory_mb"] = float(out["memory_mb"])
    plan = out.get("plan")
    message = ""
    if status == Status.UNSOLVABLE:
        cert["unsolvable_proven"] = up_status == "UNSOLVABLE_PROVEN"
        message = "the goal cannot be reached" + (" (proven)" if cert["unsolvable_proven"] else " (search incomplete)")
    if plan is not None:
        val = out.get("validation", {})
        cert["validation"] = val
        cert["optimal"] = status == Status.SOLVED_OPTIMALLY
        metrics["plan_length"] = float(len(plan))
        if not val.get("valid"):
            why = "; ".join(val.get("messages") or []) or str(val.get("reason"))
            return Solution(
                status=Status.ERROR,
                answer=plan,
                certificate=cert,
                backend="planning",
                engine=used,
                metrics=metrics,
                message=f"the planner returned a plan that fails validation: {why}",
            )
    elif status.solved:
        status, message = Status.ERROR, "the planner reported success without a plan"
    if status == Status.TIMEOUT:
        message = f"no plan within {timeout:g} s"
    elif status == Status.ERROR and not message:
        message = out.get("log", "")[-500:] or f"planner status {up_status}"
    return Solution(
        status=status, answer=plan, certificate=cert, backend="planning", engine=used, metrics=metrics, message=message
    )


def goal_already_holds(engine: str) -> Solution:
    """The empty plan, optimal, for a goal of literals the initial state satisfies: no planner needed."""
    return Solution(
        status=Status.SOLVED_OPTIMALLY,
        answer=[],
        certificate={"engine": "none", "optimal": True, "validation": {"valid": True, "messages": []},
                     "goal_holds_initially": True},
        backend="planning",
        engine=engine,
        metrics={"plan_length": 0.0},
        message="the goal already holds in the initial state: the empty plan reaches it",
    )


def solve_pddl(
    domain: str,
    problem: str,
    *,
    engine: str = "auto",
    timeout: float = 60.0,
    memory_mb: int | None = None,
    relax_names: bool = False,
    sandbox: Sandbox | None = None,
) -> Solution:
    """Solve one problem in its own process; statuses, never exceptions, for solver outcomes.

    ``memory_mb`` is clamped by the sandbox's cap (None: the cap); ``sandbox`` defaults to
    ``default_sandbox()``.
    """
    if engine not in ENGINE_NAMES:
        raise ConfigError(f"unknown planning engine {engine!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if engine not in available_engines():
        return Solution(
            status=Status.UNSUPPORTED, backend="planning", engine=engine, message=f"engine {engine!r} is not installed"
        )
    job = SolveJob(domain, problem, engine, timeout, relax_names)
    run = run_worker([job], memory_mb=memory_mb, deadline_s=timeout + 2.0, sandbox=sandbox)
    if run.results:
        sol = outcome_to_solution(run.results[0], engine, timeout)
    elif run.cancelled:
        token = cancel.current()
        why = token.reason if token is not None and token.reason else "cancelled"
        # no search outcome is known, so neither TIMEOUT nor a planner status would be honest
        sol = Solution(
            status=Status.ERROR, backend="planning", engine=engine, message=f"the solve was cancelled ({why}); the planner was killed"
        )
    elif run.killed:
        sol = Solution(
            status=Status.TIMEOUT, backend="planning", engine=engine, message=f"no plan within {timeout:g} s; the planner was killed"
        )
    elif run.returncode is not None and run.returncode < 0 and "MemoryError" in run.stderr:
        sol = Solution(status=Status.MEMOUT, backend="planning", engine=engine, message="memory limit reached")
    else:
        why = run.start_failed or (run.stderr.strip().splitlines() or [f"exit code {run.returncode}"])[-1]
        status = Status.MEMOUT if "MemoryError" in run.stderr or "memory" in why.lower() else Status.ERROR
        sol = Solution(status=status, backend="planning", engine=engine, message=f"the solver process failed: {why}")
    return sol.model_copy(update={"metrics": {**sol.metrics, "wall_seconds": run.seconds}})
