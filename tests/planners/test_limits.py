"""Hostile limits: a request's memory is clamped by the server's cap on its way to the planner;
the parsed-domain cache stays at its bound however many domains clients send."""

from __future__ import annotations

import contextvars
import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from nesy import cancel
from nesy.settings import Settings
from nesy.types import Problem, Status
from planners.backend import PlanningBackend
from planners.domains import bundled_domain
from planners.generators import generate
from planners.solving import solve_pddl


@pytest.fixture(scope="module")
def capped() -> PlanningBackend:
    b = PlanningBackend(Settings(solve_memory_mb=512, sandbox_spares=0))
    yield b
    b.sandbox.close()


@pytest.mark.parametrize("asked", [0, 999_999, None])
def test_context_clamps_memory_to_the_cap(capped: PlanningBackend, asked: int | None) -> None:
    context = {"domain": "blocksworld"} | ({} if asked is None else {"memory_mb": asked})
    assert capped.context(Problem(text="x", context=context)).data["memory_mb"] == 512


def test_the_clamped_limit_reaches_the_worker_and_the_solve_works(capped: PlanningBackend, bw_problem: str) -> None:
    ctx = capped.context(Problem(text="x", context={"domain": "blocksworld", "memory_mb": 999_999}))
    s = capped.solve(capped.parse(bw_problem, ctx), ctx, timeout=30)
    assert s.status == Status.SOLVED_OPTIMALLY, s.message
    assert s.metrics["memory_mb"] == 512  # as the worker process itself reads its RLIMIT_AS


def test_domain_cache_is_a_bounded_lru(bw_domain: str) -> None:
    b = PlanningBackend(Settings(domain_cache_size=3))
    variants = [f"{bw_domain}\n; variant {i}\n" for i in range(6)]

    def context(text: str):
        return b.context(Problem(text="x", context={"domain_pddl": text}))

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(context, variants * 3))
    assert len(b._domains) == 3
    for text in variants[:3]:
        context(text)
    context(variants[0])  # used again: the most recent, so the next new one evicts variants[1]
    context(variants[5])
    key = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731 - the cache's key
    assert list(b._domains) == [key(variants[2]), key(variants[0]), key(variants[5])]


def test_a_cancelled_request_stops_its_planner() -> None:
    # pyperplan ignores timeouts and blind optimal search on 14 balls runs far past 60 s
    p = generate("gripper", 14, "at", 0)
    token = cancel.CancelToken()
    ctx = contextvars.copy_context()
    ctx.run(cancel.bind, token)
    threading.Timer(3.0, token.cancel, args=("the client went away",)).start()
    start = time.monotonic()
    s = ctx.run(solve_pddl, bundled_domain("gripper").pddl, p.pddl, engine="pyperplan-opt", timeout=60)
    assert s.status == Status.ERROR and "cancelled (the client went away)" in s.message, s.message
    assert time.monotonic() - start < 30
