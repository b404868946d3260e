"""The Ray executor: a pool of worker actors, each holding its own backends (registry),
``Reasoner`` and LLM client, and one broker actor that shares the LLM servers' slots.

Why actors and not tasks (measured by ``python -m benchmarks.ray_scaling``): an item needs a
backend registry (imports, parsed PDDL domains, KGs, warm solver sandboxes) and an LLM client;
building those costs far more than solving a small item, so a stateless task would pay it per
item or hide it in worker globals that Ray may drop. An async actor keeps them and runs many
items at once, so LLM waits overlap and solves run in its own threads.

Fault tolerance is the driver's: an item whose actor dies (node lost, process killed) is sent
to another live actor, up to ``Settings.ray_item_attempts`` times, and a replacement actor is
started (Ray places it when a node has room). Results come back to the driver, which alone
writes the run folder, so an item is recorded once however often it was attempted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import ray
from ray.exceptions import NodeDiedError, RayActorError, WorkerCrashedError

from benchmarks.executors import ExecutorUnavailableError, WorkerLostError
from nesy.llm.openai_compat import SlotBook
from nesy.settings import Settings

__all__ = ["RayPool", "SlotBroker", "RaySlots", "Worker"]

log = logging.getLogger("nesy.executors.ray")

_LOST = (RayActorError, WorkerCrashedError, NodeDiedError)
NAMESPACE = "nesy"


def _settings_json(settings: Settings) -> str:
    return settings.model_dump_json()


def _settings_from(raw: str) -> Settings:
    # every field given explicitly, so the worker's own environment changes nothing
    return Settings(**json.loads(raw))


def _node_label() -> str:
    ctx = ray.get_runtime_context()
    return ctx.get_node_id()[:8]


# -- LLM server slots, shared by the whole cluster --------------------------------------------


@ray.remote(num_cpus=0)
class SlotBroker:
    """``ServerSlots`` for a cluster: one instance hands out every worker's LLM request slots,
    so no server gets more than ``per_server`` requests in flight, whatever the number of workers;
    slots held by a worker that died are given back when the driver reports it lost."""

    def __init__(self, urls: list[str], per_server: int, cooldown: float) -> None:
        self.book = SlotBook(urls, per_server, cooldown)
        self.leases: dict[str, Counter[str]] = {}
        self.cond: asyncio.Condition | None = None

    def _cond(self) -> asyncio.Condition:
        if self.cond is None:
            self.cond = asyncio.Condition()
        return self.cond

    async def acquire(self, holder: str, avoid: frozenset[str] = frozenset()) -> str:
        cond = self._cond()
        async with cond:
            while (url := self.book.take(avoid)) is None:
                await cond.wait()
        self.leases.setdefault(holder, Counter())[url] += 1
        return url

    async def release(self, holder: str, url: str) -> None:
        lease = self.leases.get(holder)
        if lease is None or lease[url] <= 0:
            return  # already returned by drop_holder
        lease[url] -= 1
        self.book.give_back(url)
        async with self._cond():
            self._cond().notify()

    async def mark_dead(self, url: str) -> list[str]:
        return self.book.kill(url)

    async def drop_holder(self, holder: str) -> int:
        """Return every slot ``holder`` (a lost worker) still held; how many."""
        lease = self.leases.pop(holder, Counter())
        for url, n in lease.items():
            for _ in range(n):
                self.book.give_back(url)
        async with self._cond():
            self._cond().notify_all()
        return sum(lease.values())

    async def stats(self) -> dict[str, dict[str, Any]]:
        return self.book.stats()


class RaySlots:
    """The worker side of ``SlotBroker``: an ``nesy.llm.openai_compat.ServerSlots``."""

    def __init__(self, broker: Any, holder: str) -> None:
        self.broker = broker
        self.holder = holder

    async def acquire(self, avoid: frozenset[str] = frozenset()) -> str:
        return await self.broker.acquire.remote(self.holder, avoid)

    async def release(self, url: str) -> None:
        self.broker.release.remote(self.holder, url)  # no need to wait for it

    async def mark_dead(self, url: str) -> list[str]:
        return await self.broker.mark_dead.remote(url)


# -- the worker actor --------------------------------------------------------------------------


class _MemoryCache:
    """The ``LLMCache`` interface in memory, for one item: what the item asked the LLM travels back
    to the driver, which writes it into the run's ``llm_cache.sqlite`` (the driver alone writes)."""

    def __init__(self) -> None:
        self.responses: dict[str, Any] = {}
        self.scores: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self.responses.get(key)

    def put(self, key: str, completion: Any) -> None:
        self.responses[key] = completion

    def get_scores(self, key: str) -> Any:
        return self.scores.get(key)

    def put_scores(self, key: str, scores: Any) -> None:
        self.scores[key] = scores

    def entries(self) -> dict[str, list[tuple[str, str]]]:
        return {
            "responses": [(k, c.model_dump_json()) for k, c in self.responses.items()],
            "scores": [(k, json.dumps([x.model_dump() for x in v])) for k, v in self.scores.items()],
        }


@ray.remote
class Worker:
    """One worker: its own backends, LLM client and solver threads; many items at once."""

    def __init__(self, settings_json: str, llm_spec: str | None, broker: Any, registry_factory: Any) -> None:
        from benchmarks.solve_worker import init_worker
        from nesy.backend import load_backends

        self.settings = _settings_from(settings_json)
        self.node = _node_label()
        self.holder = ray.get_runtime_context().get_actor_id()
        # solve_worker's per-process registry: the runner's solve path uses it from solver threads
        init_worker(registry_factory or (lambda: load_backends(settings=self.settings)))
        from benchmarks import solve_worker

        self.registry = solve_worker._worker_registry
        self.llm_spec = llm_spec
        self.broker = broker
        self._llm: Any = None
        self._reasoner: Any = None
        self._solvers: ThreadPoolExecutor | None = None
        self._llm_slots: asyncio.Semaphore | None = None

    def _make_llm(self) -> Any:
        if self._llm is None and self.llm_spec not in (None, "gold"):
            from nesy.llm.factory import make_llm

            slots = RaySlots(self.broker, self.holder) if self.broker is not None else None
            self._llm = make_llm(self.llm_spec, self.settings, slots=slots)
        return self._llm

    async def ready(self) -> dict[str, Any]:
        return {"node": self.node, "pid": os.getpid(), "actor": self.holder}

    async def bench_item(self, item_json: str, suite_name: str, suite_kind: str, config_json: str, model: str) -> dict[str, Any]:
        """One benchmark item, exactly as the local runner does it; returns its record and what it
        asked the LLM, or ``{"llm_error": ...}`` when the LLM failed (the run stops, as locally)."""
        from benchmarks.llm_cache import CachedLLM
        from benchmarks.runner import RunConfig, _run_item, translate_options
        from nesy.errors import LLMError
        from nesy.suite import Item, Suite

        config = RunConfig.model_validate_json(config_json)
        item = Item.model_validate_json(item_json)
        suite = Suite(name=suite_name, kind=suite_kind, items=[])
        if self._solvers is None:
            self._solvers = ThreadPoolExecutor(max(1, config.workers), thread_name_prefix="nesy-solve")
            from benchmarks.runner import default_concurrency

            self._llm_slots = asyncio.Semaphore(config.concurrency or default_concurrency(config.llm))
        assert self._llm_slots is not None
        llm = self._make_llm()
        cache = _MemoryCache()
        cached = CachedLLM(llm, cache, model) if llm is not None else None  # type: ignore[arg-type]
        try:
            record = await _run_item(item, suite, config, translate_options(config), self.registry, cached,
                                     self.settings, self._solvers, self._llm_slots, None)
        except LLMError as e:
            return {"llm_error": e.to_dict()}
        return {"record": record, "cache": cache.entries(), "stats": dict(cached.stats) if cached else {}}

    async def job_item(self, item: dict[str, Any], options_json: str) -> tuple[str, str, dict[str, Any], Any]:
        """One server job item (``server.jobs.run_job_item``) with this worker's Reasoner."""
        from nesy.reasoner import Reasoner
        from server.jobs import run_job_item
        from server.schemas import SolveOptions

        if self._reasoner is None:
            llm = self._make_llm()
            self._reasoner = Reasoner(llm=llm if llm is not None else self.llm_spec, backends=self.registry,
                                      settings=self.settings)
        return await run_job_item(self._reasoner, item, SolveOptions.model_validate_json(options_json))


# -- the driver side ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Actor:
    handle: Any
    node: str = ""
    actor_id: str = ""
    in_flight: int = 0
    lost: bool = False


@dataclass
class PoolStats:
    items_per_node: Counter[str] = field(default_factory=Counter)
    retries: int = 0  # item attempts repeated because their worker was lost
    failures: int = 0  # items given up after ray_item_attempts lost workers
    workers_lost: int = 0
    workers_started: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"items_per_node": dict(sorted(self.items_per_node.items())), "retries": self.retries,
                "failures": self.failures, "workers_lost": self.workers_lost, "workers_started": self.workers_started}


class RayPool:
    """Worker actors on a Ray cluster, driven from one asyncio loop; ``call`` runs one item.

    ``per_actor`` items run at once on each actor; the pool holds one actor per
    ``Settings.ray_actor_cpus`` CPUs of the cluster (at least one)."""

    def __init__(self, settings: Settings, *, llm_spec: str | None, per_actor: int, registry_factory: Any = None,
                 llm_per_server: int | None = None) -> None:
        self.settings = settings
        self.llm_spec = llm_spec
        self.per_actor = max(1, per_actor)
        self.registry_factory = registry_factory
        self.llm_per_server = llm_per_server or settings.llm_concurrency
        self.stats = PoolStats()
        self.broker: Any = None
        self.size = 0
        self._actors: list[_Actor] = []
        self._pending = 0
        self._cond: asyncio.Condition | None = None
        self._owns_ray = False
        self._start_error = ""
        self._spawning: set[asyncio.Task[None]] = set()

    @property
    def capacity(self) -> int:
        return self.size * self.per_actor

    # -- lifecycle -----------------------------------------------------------------------------

    def _connect(self) -> None:
        if not ray.is_initialized():
            address = self.settings.ray_address or "auto"
            try:
                ray.init(address=address, namespace=NAMESPACE, logging_level=logging.WARNING, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as e:
                raise ExecutorUnavailableError(
                    f"cannot connect to the Ray cluster at {address!r}: {e}; start one with `ray start --head` "
                    "or set --ray-address / NESY_RAY_ADDRESS", stage="executor") from e
            self._owns_ray = True

    async def start(self) -> "RayPool":
        """Connect, start the broker and the workers; returns once one worker is ready."""
        self._cond = asyncio.Condition()
        await asyncio.to_thread(self._connect)
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        self.size = max(1, int(cpus // max(self.settings.ray_actor_cpus, 1e-6)))
        urls = [u.strip() for u in (self.llm_spec or "").split(",") if u.strip().startswith(("http://", "https://"))]
        if urls:
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

            here = ray.get_runtime_context().get_node_id()  # next to the driver: it lives as long as the run
            self.broker = SlotBroker.options(
                name=f"nesy-llm-slots-{uuid.uuid4().hex[:8]}", max_concurrency=100_000,
                scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=True),
            ).remote([u.rstrip("/").removesuffix("/v1") for u in urls], self.llm_per_server,
                     self.settings.llm_server_cooldown)
        for _ in range(self.size):
            self._spawn()
        await self._wait_ready()
        # the rest get a short while too, so that the first items spread over the cluster; a worker
        # that finds no room (CPUs taken by others) joins whenever it starts
        await self._wait_ready(every=True, within=min(30.0, self.settings.ray_start_timeout))
        return self

    def _spawn(self) -> None:
        handle = Worker.options(
            num_cpus=self.settings.ray_actor_cpus, max_concurrency=self.per_actor + 4,
            scheduling_strategy="SPREAD", max_restarts=0,
        ).remote(_settings_json(self.settings), self.llm_spec, self.broker, self.registry_factory)
        actor = _Actor(handle, actor_id=handle._actor_id.hex())
        self._pending += 1
        self.stats.workers_started += 1
        task = asyncio.get_running_loop().create_task(self._await_ready(actor))
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _await_ready(self, actor: _Actor) -> None:
        assert self._cond is not None
        try:
            info = await actor.handle.ready.remote()
        except Exception as e:  # the worker could not start (import error, node gone before it ran)
            self._start_error = f"{type(e).__name__}: {str(e)[:500]}"
            log.warning("a Ray worker failed to start: %s", self._start_error)
            async with self._cond:
                self._pending -= 1
                self._cond.notify_all()
            return
        actor.node = info["node"]
        async with self._cond:
            self._pending -= 1
            self._actors.append(actor)
            self._cond.notify_all()

    async def _wait_ready(self, *, every: bool = False, within: float | None = None) -> None:
        """Until one worker is ready (an error if none can start), or ``every`` one, for at most ``within`` s."""
        assert self._cond is not None
        async with self._cond:
            deadline = time.monotonic() + (within if within is not None else self.settings.ray_start_timeout)
            while not self._actors or (every and self._pending):
                if every and time.monotonic() >= deadline:
                    return
                if self._pending == 0:
                    raise ExecutorUnavailableError(f"no Ray worker could start: {self._start_error}", stage="executor")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ExecutorUnavailableError(
                        f"no Ray worker was ready after {self.settings.ray_start_timeout:g} s "
                        "(does the cluster have free CPUs? see Settings.ray_actor_cpus)", stage="executor")
                try:
                    await asyncio.wait_for(self._cond.wait(), min(left, 1.0))
                except asyncio.TimeoutError:
                    pass

    async def close(self) -> None:
        for task in list(self._spawning):
            task.cancel()
        for actor in self._actors:
            ray.kill(actor.handle, no_restart=True)
        if self.broker is not None:
            ray.kill(self.broker, no_restart=True)
        self._actors.clear()
        if self._owns_ray:
            await asyncio.to_thread(ray.shutdown)
            self._owns_ray = False

    async def llm_servers(self) -> dict[str, Any]:
        """Per LLM server: requests served, peak in flight, outages, whether it is in rotation now."""
        if self.broker is None:
            return {}
        try:
            return await self.broker.stats.remote()
        except _LOST:
            return {}

    # -- running items -------------------------------------------------------------------------

    async def _acquire(self) -> _Actor:
        """The least busy live worker with room; waits for one, at most ray_start_timeout without any."""
        assert self._cond is not None
        async with self._cond:
            since: float | None = None
            while True:
                free = [a for a in self._actors if a.in_flight < self.per_actor]
                if free:
                    actor = min(free, key=lambda a: a.in_flight)
                    actor.in_flight += 1
                    return actor
                if self._actors:
                    since = None
                else:
                    if self._pending == 0:
                        raise ExecutorUnavailableError(f"every Ray worker is gone: {self._start_error}", stage="executor")
                    since = since or time.monotonic()
                    if time.monotonic() - since > self.settings.ray_start_timeout:
                        raise ExecutorUnavailableError(
                            f"no Ray worker alive for {self.settings.ray_start_timeout:g} s", stage="executor")
                try:
                    await asyncio.wait_for(self._cond.wait(), 1.0)
                except asyncio.TimeoutError:
                    pass

    async def _lost(self, actor: _Actor, error: BaseException) -> None:
        """Forget a dead worker once: its LLM slots go back, a replacement is started."""
        assert self._cond is not None
        if actor.lost:
            return
        actor.lost = True
        self.stats.workers_lost += 1
        log.warning("Ray worker on node %s lost (%s); its items are retried elsewhere", actor.node, type(error).__name__)
        async with self._cond:
            if actor in self._actors:
                self._actors.remove(actor)
        try:
            ray.kill(actor.handle, no_restart=True)
        except Exception:  # already gone
            pass
        if self.broker is not None:
            self.broker.drop_holder.remote(actor.actor_id)
        self._spawn()  # Ray places it when some node has room (a restarted or a new node)

    async def call(self, method: str, *args: Any) -> Any:
        """Run ``Worker.<method>(*args)`` on some worker; on worker loss, again on another one."""
        return (await self.run(method, *args))[0]

    async def run(self, method: str, *args: Any) -> tuple[Any, str, int]:
        """``call``, also saying on which node it finally ran and how many retries it took."""
        assert self._cond is not None
        attempts = max(1, self.settings.ray_item_attempts)
        for attempt in range(1, attempts + 1):
            actor = await self._acquire()
            try:
                out = await getattr(actor.handle, method).remote(*args)
            except _LOST as e:
                await self._lost(actor, e)
                if attempt < attempts:
                    self.stats.retries += 1
                    continue
                self.stats.failures += 1
                raise WorkerLostError(
                    f"the worker running this item was lost {attempts} times (last: {type(e).__name__})",
                    stage="executor", attempts=attempts) from e
            finally:
                async with self._cond:
                    actor.in_flight -= 1
                    self._cond.notify_all()
            self.stats.items_per_node[actor.node] += 1
            return out, actor.node, attempt - 1
        raise AssertionError("unreachable")
