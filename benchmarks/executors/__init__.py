"""Where batch items run: ``local`` (this process, a process pool for solving) or ``ray`` (a pool
of worker actors on a Ray cluster). Only ``benchmarks.executors.ray_pool`` imports ray, and only
when the Ray executor is chosen.

Both executors run the same per-item code (``benchmarks.runner``'s item function, the server's
``run_job_item``); the driver alone writes the run folder or the job database, so a run can move
between executors and resume.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from nesy.errors import NesyError

if TYPE_CHECKING:
    from benchmarks.executors.ray_pool import RayPool

__all__ = ["EXECUTORS", "Executor", "WorkerLostError", "ExecutorUnavailableError", "ray_pool_class"]

Executor = Literal["local", "ray"]
EXECUTORS: tuple[str, ...] = ("local", "ray")


class WorkerLostError(NesyError):
    """The worker running an item died (its node was lost, it was killed) on every allowed attempt."""

    kind = "worker_lost"
    http_status = 503


class ExecutorUnavailableError(NesyError):
    """No worker of the cluster is alive, or the cluster cannot be reached."""

    kind = "executor_unavailable"
    http_status = 503


def ray_pool_class() -> type[RayPool]:
    """The Ray pool, imported on demand: ``ray`` is optional (extra ``distributed``)."""
    try:
        from benchmarks.executors.ray_pool import RayPool
    except ImportError as e:
        raise ExecutorUnavailableError(
            f"the ray executor needs the ray package ({e}): pip install 'nesy[distributed]'", stage="executor"
        ) from e
    return RayPool
