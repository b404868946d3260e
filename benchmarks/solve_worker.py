"""The CPU-bound half of a benchmark item: parse, solve, vote, verbalize and score.

It runs in a ``ProcessPoolExecutor`` worker so that solving overlaps the LLM calls of
other items. Only plain data crosses the process boundary (formal texts, problem and
gold as JSON): parsed formalizations and contexts (PDDL domains, KGs, Z3 objects) are
rebuilt in the worker by its own backend registry, made once per worker process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nesy.backend import Registry
from nesy.errors import NesyError, TranslationError
from nesy.translate import vote
from nesy.types import Formalization, Gold, Problem, Solution, Status

__all__ = ["SolveJob", "solve_job", "init_worker", "solve_in_worker", "worker_pid"]

RegistryFactory = Callable[[], Registry]


@dataclass(frozen=True)
class SolveJob:
    kind: str
    problem: dict[str, Any]
    gold: dict[str, Any]
    translations: list[tuple[str, int]]  # (formal text, repairs used) per sample
    errors: list[dict[str, Any]] = field(default_factory=list)  # samples that failed to translate
    timeout: float = 60.0


def solve_job(registry: Registry, job: SolveJob) -> dict[str, Any]:
    """Solve every translated sample, vote on the answers, and score the winner against gold."""
    start = time.perf_counter()
    backend = registry.get(job.kind)
    problem = Problem.model_validate(job.problem)
    gold = Gold.model_validate(job.gold)
    ctx = backend.context(problem)
    runs: list[tuple[Formalization, Solution]] = []
    errors = list(job.errors)
    for text, repairs in job.translations:
        try:
            f = backend.parse(text, ctx).model_copy(update={"repairs": repairs})
        except TranslationError as e:  # the translator accepted it, so this is unexpected but not fatal
            errors.append(e.to_dict())
            continue
        try:
            s = backend.solve(f, ctx, timeout=job.timeout)
        except NesyError as e:
            s = Solution(status=Status.ERROR, backend=job.kind, message=str(e))
        runs.append((f, s))
    out: dict[str, Any] = {"samples": len(job.translations) + len(job.errors)}
    if not runs:
        out.update(
            status=None,
            answer=None,
            formal=None,
            repairs=None,
            engine="",
            verbalization="",
            error=errors[-1] if errors else {"type": "translation_error", "message": "no translation"},
            scores=backend.score(None, None, gold, ctx),
        )
    else:
        f, s, share = vote(runs)
        out.update(
            status=s.status.value,
            answer=s.answer,
            formal=f.text,
            repairs=f.repairs,
            engine=s.engine,
            message=s.message,
            vote_share=share,
            verbalization=backend.verbalize(s, ctx),
            error=None,
            scores=backend.score(f, s, gold, ctx),
        )
    out["solve_seconds"] = time.perf_counter() - start
    return json.loads(json.dumps(out, default=str))  # plain JSON data only, across processes


# One registry per worker process, built by the initializer (loading backends — a KG,
# a planner — is too slow to repeat per item).
_worker_registry: Registry | None = None


def init_worker(factory: RegistryFactory) -> None:
    global _worker_registry
    _worker_registry = factory()


def worker_pid() -> int:
    """A no-op job: submitted once per worker at the start so start-up happens before any timed solve."""
    import os

    return os.getpid()


def solve_in_worker(job: SolveJob) -> dict[str, Any]:
    assert _worker_registry is not None, "init_worker did not run in this process"
    return solve_job(_worker_registry, job)
