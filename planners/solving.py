"""Run planners safely: one subprocess per solve, private working directory, memory limit, kill deadline.

The clock starts when the worker says it is ready (imports done), so a loaded machine's
slow start does not eat the planner's budget; a worker that does not even start within
``start_timeout`` is killed too. The whole process group is killed, so Fast Downward's
own children go with it.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nesy.errors import ConfigError
from nesy.types import Solution, Status

from planners.worker import ENGINES

__all__ = ["available_engines", "run_worker", "solve_pddl", "SolveJob", "ENGINE_NAMES"]

ENGINE_NAMES = ("auto", *ENGINES)
_ROOT = Path(__file__).resolve().parents[1]


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


@dataclass
class WorkerRun:
    results: list[dict[str, Any]] = field(default_factory=list)
    killed: bool = False  # the deadline passed
    start_failed: str = ""
    returncode: int | None = None
    stderr: str = ""
    seconds: float = 0.0


def _read_line(proc: subprocess.Popen[bytes], deadline: float, buf: bytearray) -> bytes | None:
    """One line from the worker's stdout before ``deadline``; None on timeout or EOF."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        buf.extend(chunk)
    i = buf.index(b"\n")
    line = bytes(buf[:i])
    del buf[: i + 1]
    return line


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _spawn() -> tuple[subprocess.Popen[bytes], str]:
    """A fresh worker in its own private working directory (Fast Downward writes into cwd)."""
    cwd = tempfile.mkdtemp(prefix="nesy-plan-")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "planners.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        start_new_session=True,  # its own process group: one kill takes the planner's children too
    )
    return proc, cwd


class _Spares:
    """Pre-started workers that have done their imports and wait for a job.

    Each worker still runs exactly one request and is then discarded (private cwd, a kill
    on timeout stays safe); only the ~1-7 s of interpreter start and imports moves off the
    critical path. ``NESY_PLANNER_SPARES`` sets how many wait (0 disables).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[tuple[subprocess.Popen[bytes], str]] = []
        self.size = int(os.environ.get("NESY_PLANNER_SPARES", "2"))
        atexit.register(self.close)

    def take(self) -> tuple[subprocess.Popen[bytes], str]:
        with self._lock:
            while self._idle:
                proc, cwd = self._idle.pop(0)
                if proc.poll() is None:
                    break
                shutil.rmtree(cwd, ignore_errors=True)
            else:
                proc, cwd = _spawn()
            while len(self._idle) < self.size:
                self._idle.append(_spawn())
        return proc, cwd

    def close(self) -> None:
        with self._lock:
            for proc, cwd in self._idle:
                _kill(proc)
                shutil.rmtree(cwd, ignore_errors=True)
            self._idle.clear()


_SPARES = _Spares()


def run_worker(
    jobs: list[SolveJob], *, memory_mb: int = 4096, deadline_s: float | None = None, start_timeout: float = 120.0
) -> WorkerRun:
    """Run jobs sequentially in one worker of its own; kill it ``deadline_s`` after it is ready."""
    if deadline_s is None:
        deadline_s = sum(j.timeout for j in jobs) + 5.0
    payload = json.dumps({"memory_mb": memory_mb, "jobs": [j.__dict__ for j in jobs]}).encode()
    run = WorkerRun()
    t0 = time.monotonic()
    proc, cwd = _SPARES.take()
    try:
        assert proc.stdin is not None
        proc.stdin.write(payload)
        proc.stdin.close()
        buf = bytearray()
        first = _read_line(proc, time.monotonic() + start_timeout, buf)
        if first is None:
            alive = proc.poll() is None
            _kill(proc)
            run.start_failed = (
                f"the solver process did not start within {start_timeout:g} s"
                if alive
                else f"the solver process exited with code {proc.returncode} before it was ready"
            )
        else:
            head = json.loads(first)
            if not head.get("ready"):
                run.start_failed = head.get("message", "the solver process failed to start")
                if head.get("error") == "MemoryError":
                    run.results.append(head)
            deadline = time.monotonic() + deadline_s
            while len(run.results) < len(jobs) and not run.start_failed:
                line = _read_line(proc, deadline, buf)
                if line is None:
                    run.killed = time.monotonic() >= deadline
                    break
                run.results.append(json.loads(line))
            if proc.poll() is None:
                _kill(proc) if run.killed else proc.wait(10)
    finally:
        if proc.poll() is None:
            _kill(proc)
        assert proc.stderr is not None
        run.stderr = proc.stderr.read().decode(errors="replace")[-4000:]
        proc.stderr.close()
        if proc.stdout is not None:
            proc.stdout.close()
        shutil.rmtree(cwd, ignore_errors=True)
    run.returncode = proc.returncode
    run.seconds = time.monotonic() - t0
    return run


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


def solve_pddl(
    domain: str, problem: str, *, engine: str = "auto", timeout: float = 60.0, memory_mb: int = 4096, relax_names: bool = False
) -> Solution:
    """Solve one problem in its own process; statuses, never exceptions, for solver outcomes."""
    if engine not in ENGINE_NAMES:
        raise ConfigError(f"unknown planning engine {engine!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if engine not in available_engines():
        return Solution(
            status=Status.UNSUPPORTED, backend="planning", engine=engine, message=f"engine {engine!r} is not installed"
        )
    job = SolveJob(domain, problem, engine, timeout, relax_names)
    run = run_worker([job], memory_mb=memory_mb, deadline_s=timeout + 2.0)
    if run.results:
        sol = outcome_to_solution(run.results[0], engine, timeout)
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
