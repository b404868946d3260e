"""Decide a formal text in the sandboxed Z3 worker; every way a run can end becomes a Decision.

Z3 looks at its timer only at its own checkpoints, and a crash or an exhausted allocator
would take the whole server with it: so it runs in a subprocess with a memory limit, killed
shortly after the budget.
"""

from __future__ import annotations

from logic.decide import Decision
from nesy import cancel
from nesy.sandbox import Sandbox, SandboxRun
from nesy.types import Status

__all__ = ["WORKER", "decide_isolated"]

WORKER = "logic.worker"
_GRACE_S = 1.0  # past the budget, for the worker's parse and a check that overruns Z3's timer


def decide_isolated(sandbox: Sandbox, text: str, *, timeout: float, max_depth: int,
                    reading: str = "classical") -> Decision:
    """``reading``: classical (Z3), or forward / closed-world over the Horn part (``logic.forward``)."""
    job = {"text": text, "timeout": timeout, "max_depth": max_depth, "reading": reading}
    run = sandbox.run([job], deadline_s=timeout + _GRACE_S)
    if run.results:
        out = run.results[0]
        if "error" not in out:
            return Decision.from_json(out)
        return _failed(f"{out['error']}: {out.get('message', '')}", run)
    if run.cancelled:
        token = cancel.current()
        why = token.reason if token is not None and token.reason else "the request was cancelled"
        return Decision(Status.ERROR, None, f"{why}; Z3 was stopped after {run.seconds:.1f} s", {}, run.seconds)
    if run.killed:
        return Decision(Status.TIMEOUT, None, f"no answer within {timeout:g} s; Z3 was stopped", {}, run.seconds)
    if run.start_failed:
        return _failed(run.start_failed, run)
    last = (run.stderr.strip().splitlines() or [""])[-1][:500]
    return _failed(f"the Z3 worker ended with exit code {run.returncode}" + (f": {last}" if last else ""), run)


def _failed(why: str, run: SandboxRun) -> Decision:
    # Python's MemoryError, an allocation the address-space limit refused, a worker too big to start
    if "memory" in why.lower() or "MemoryError" in run.stderr:
        return Decision(Status.MEMOUT, None, f"out of memory: {why}", {}, run.seconds)
    return Decision(Status.ERROR, None, f"the solver failed: {why}", {}, run.seconds)
