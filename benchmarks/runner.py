"""The benchmark runner: concurrent LLM translation, solving in a process pool, resumable output.

Per item: translate in the event loop (LLM calls of up to ``concurrency`` items in
flight), then hand the formal texts to a solver process, so CPU-bound solving overlaps
the other items' LLM calls. Each finished item is appended to ``results.jsonl`` at once
(``store.ResultStore``); rerunning the same command skips finished items. Every LLM
response is cached in ``llm_cache.sqlite`` so ``rescore`` and resumed items never
regenerate. A dead LLM server stops the run with an error that says how to resume.

``--llm gold`` is formal input: each item's gold formal text is solved, no LLM is asked (a
solver-only run). ``executor="ray"`` sends the items to worker actors on a Ray cluster
(``benchmarks.executors.ray_pool``); this process still writes the run folder alone, so a run
may be resumed with the other executor and gives the same report.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from benchmarks.executors import Executor as ExecutorName, ExecutorUnavailableError, WorkerLostError
from benchmarks.llm_cache import CachedLLM, LLMCache, model_identity
from benchmarks.registry import load_suite
from benchmarks.solve_worker import RegistryFactory, SolveJob, init_worker, solve_in_worker, solve_job, worker_pid
from benchmarks.store import ResultStore, atomic_write_text
from nesy.backend import Registry, load_backends
from nesy.errors import ConfigError, LLMError, NesyError, TranslationError
from nesy.llm.base import BaseLLM, CandidateScore, Completion
from nesy.reasoner import Reasoner
from nesy.settings import Settings
from nesy.suite import Item, Suite
from nesy.translate import sample_options
from nesy.types import Trace, TranslateOptions

__all__ = ["RunConfig", "RunOutcome", "RunAborted", "run_benchmark", "arun_benchmark", "default_out_dir",
           "translate_options", "GOLD"]

RESULTS = "results.jsonl"
CONFIG = "config.json"
CACHE = "llm_cache.sqlite"
KINDS = ("planning", "logic", "kg")
GOLD = "gold"  # the LLM spec of formal input: the suite's gold formal texts, solved without an LLM


class RunConfig(BaseModel):
    """Everything that decides a run's numbers; stored in ``config.json`` next to the results."""

    model_config = ConfigDict(frozen=True)
    suite: str
    llm: str = "embedded"
    mode: Literal["ours", "baseline"] = "ours"
    samples: int = Field(1, ge=1)
    repairs: int = Field(2, ge=0)
    concurrency: int | None = Field(None, ge=1)  # None: 1 for the embedded model, 8 for servers
    limit: int | None = Field(None, ge=1)
    seed: int = 0
    size: int | None = Field(None, ge=1)
    path: str | None = None
    workers: int = Field(2, ge=0)  # solver processes; 0 solves in threads of this process
    timeout: float = Field(60.0, gt=0)  # solver time limit per item
    # ablation switches of the translation engine; each means the same in every formalism
    rank: Literal["off", "sum", "mean", "calibrated"] = "calibrated"
    grammar: bool = True
    exemplars: int = Field(3, ge=0)
    # merged into every item's problem context, e.g. {"reading": "forward"} for the logic backend
    context: dict[str, str] = Field(default_factory=dict)
    # where items run; not part of the identity: a run may be resumed with the other executor
    executor: ExecutorName = "local"
    ray_address: str | None = None

    def identity(self) -> dict[str, Any]:
        """The fields a resumed run must share with the run it continues (not speed knobs, not URLs)."""
        same = self.model_dump(include={"suite", "mode", "samples", "repairs", "seed", "size", "path", "timeout",
                                        "rank", "grammar", "exemplars"})
        return {**same, "context": self.context} if self.context else same  # older runs have none


class RunAborted(NesyError):
    """The run stopped early (LLM server gone, solver pool broken); finished items are saved."""

    kind = "run_aborted"
    http_status = 503


@dataclass
class RunOutcome:
    out_dir: Path
    records: list[dict[str, Any]]
    summary: dict[str, Any]
    llm_calls: int
    cache_hits: int
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)


def default_concurrency(llm: str) -> int:
    """Items translating at once. The embedded model is one llama.cpp context that serves one
    call at a time, and interleaving items would defeat its shared-prefix KV cache: 1.
    Servers batch concurrent requests: 8 (per replica)."""
    if llm == GOLD:
        return 0
    if llm.startswith(("http://", "https://")):
        return 8 * len([u for u in llm.split(",") if u.strip()])
    return 1


def default_out_dir(config: RunConfig, settings: Settings | None = None) -> Path:
    """Deterministic, so rerunning the same command finds and resumes the same run."""
    settings = settings or Settings()
    llm = "".join(c if c.isalnum() else "-" for c in config.llm.split(",")[0].removeprefix("http://"))[:40]
    name = f"{config.suite.replace('/', '-')}-{config.mode}-{llm}-k{config.samples}-r{config.repairs}-seed{config.seed}"
    if config.size:
        name += f"-n{config.size}"
    # the ablation switches, only where they differ from the defaults (older run folders keep their names)
    name += "" if config.rank == "calibrated" else f"-rank{config.rank}"
    name += "" if config.grammar else "-nogrammar"
    name += "" if config.exemplars == 3 else f"-x{config.exemplars}"
    name += "".join(f"-{k}-{v}" for k, v in sorted(config.context.items()))
    return Path(settings.cache_dir) / "bench" / name


def _check_config(out_dir: Path, config: RunConfig, model: str) -> None:
    import json

    path = out_dir / CONFIG
    want = {**config.identity(), "model": model}
    if path.exists():
        have = json.loads(path.read_text()).get("identity", {})
        diff = {k: (have.get(k), v) for k, v in want.items() if have.get(k) != v}
        if diff:
            raise ConfigError(
                f"{out_dir} holds a run with different settings {diff} (stored, requested); "
                "use another --out, or delete that folder to start over"
            )
    atomic_write_text(
        path,
        json.dumps(
            {"identity": want, "config": config.model_dump(), "updated": datetime.now(timezone.utc).isoformat()},
            indent=2,
        ),
    )


def _items(suite: Suite, limit: int | None) -> list[Item]:
    items = list(suite.items)[: limit or None]
    out = []
    for it in items:
        if it.problem.kind is None and suite.kind in KINDS:
            it = it.model_copy(update={"problem": it.problem.model_copy(update={"kind": suite.kind})})
        if it.problem.kind is None:
            raise ConfigError(f"item {it.id!r} of suite {suite.name!r} does not say its formalism (problem.kind)")
        out.append(it)
    return out


class _Progress:
    """tqdm progress bar: items done, rate (items/s) and ETA; silent when disabled."""

    def __init__(self, total: int, initial: int, enabled: bool, desc: str) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, desc=desc, unit="item", file=sys.stderr, smoothing=0.1)

    def update(self, postfix: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.set_postfix(postfix, refresh=False)
            self.bar.update(1)

    def note(self, postfix: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.set_postfix(postfix)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def translate_options(config: RunConfig) -> TranslateOptions:
    """The engine's options for one sample of a run (sample i of k draws with seed + i)."""
    return TranslateOptions(
        mode=config.mode,
        repairs=config.repairs,
        samples=1,
        temperature=0.7 if config.samples > 1 else 0.0,
        seed=config.seed,
        rank=config.rank,
        grammar=config.grammar,
        exemplars=config.exemplars,
    )


async def arun_benchmark(
    config: RunConfig,
    out_dir: Path | None = None,
    *,
    suite: Suite | None = None,
    llm: BaseLLM | None = None,
    registry_factory: RegistryFactory = load_backends,
    settings: Settings | None = None,
    progress: bool = True,
    rescore: bool = False,
    report: bool = True,
) -> RunOutcome:
    """Run (or resume) a benchmark; returns the records of the suite's items and the summary.

    ``registry_factory`` must be picklable (a module-level function): solver processes
    call it to build their own backends. ``rescore`` recomputes every item from the
    cached LLM responses instead of skipping finished ones.
    """
    settings = settings or Settings()
    if registry_factory is load_backends:  # the backends get this run's settings (limits), in every process
        registry_factory = partial(load_backends, settings=settings)
    started = time.perf_counter()
    chosen = out_dir is not None
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(config, settings)
    if config.executor == "ray" and (llm is not None or rescore):
        raise ConfigError(
            "the ray executor builds each worker's LLM from the --llm spec and reads no cached answers: "
            + ("--rescore runs with --executor local" if rescore else "pass an LLM spec, not an LLM object")
        )
    suite = suite or load_suite(config.suite, size=config.size, seed=config.seed, path=config.path)
    items = _items(suite, config.limit)
    if config.context:
        items = [it.model_copy(update={"problem": it.problem.model_copy(
            update={"context": {**it.problem.context, **config.context}})}) for it in items]
    own_llm = llm is None and config.llm != GOLD
    if llm is None and config.llm != GOLD:
        from nesy.llm.factory import make_llm

        llm = make_llm(config.llm, settings)
    try:
        model = await model_identity(llm) if llm is not None else "gold-formal"
    except LLMError as e:
        raise RunAborted(f"cannot reach the LLM ({config.llm}): {e}", stage="translate") from e
    if not chosen and "@" in model:  # a retrained adapter is another model: its own default folder
        out_dir = out_dir.with_name(f"{out_dir.name}-{model.rsplit('@', 1)[1]}")
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_config(out_dir, config, model)
    results = out_dir / RESULTS
    if rescore and results.exists():
        results.rename(out_dir / f"results.{datetime.now():%Y%m%d-%H%M%S}.jsonl")
    cache = LLMCache(out_dir / CACHE)
    cached = CachedLLM(llm, cache, model) if llm is not None else None
    stats = cached.stats if cached is not None else {"calls": 0, "hits": 0}
    store = ResultStore(results)
    wanted = {it.id for it in items}
    todo = [it for it in items if it.id not in store.done()]
    bar = _Progress(len(items), len(items) - len(todo), progress, suite.name)
    executor: dict[str, Any] = {"executor": config.executor}

    def ok_count() -> int:
        return sum(1 for r in store.records.values() if r.get("status") and not r.get("error"))

    try:
        if config.executor == "ray":
            executor = await _run_on_ray(todo, suite, config, settings, registry_factory, model, store, cache, stats, bar)
        else:
            await _run_locally(todo, suite, config, settings, registry_factory, cached, store, bar, ok_count)
    except (LLMError, BrokenProcessPool, ExecutorUnavailableError) as e:
        finished = len(wanted & store.done())
        what = {LLMError: "the LLM failed", BrokenProcessPool: "a solver process died"}
        why = next((v for k, v in what.items() if isinstance(e, k)), "the Ray cluster has no live worker")
        raise RunAborted(
            f"run stopped because {why}: {e}. {finished} of {len(items)} items are saved in {results}; "
            "rerun the same command to resume (cached LLM answers are reused)",
            stage="translate" if isinstance(e, LLMError) else "solve",
            saved=finished,
            total=len(items),
            results=str(results),
        ) from e
    finally:
        bar.close()
        store.close()
        cache.close()
        if own_llm and llm is not None:
            await llm.aclose()
    records = [store.records[it.id] for it in items if it.id in store.records]
    seconds = time.perf_counter() - started
    outcome = RunOutcome(out_dir, records, {}, stats["calls"], stats["hits"], seconds)
    sessions = _log_session(out_dir, config, seconds, len(todo), stats, executor)
    if report:
        from benchmarks.report import write_report

        outcome.summary, outcome.files = write_report(
            records,
            out_dir,
            config=config.model_dump(),
            model=model,
            suite=suite,
            timings={
                "wall_seconds": seconds,
                "items_run": len(todo),
                "items_per_second": len(todo) / seconds if seconds > 0 else 0.0,
                "llm_calls": stats["calls"],
                "llm_cache_hits": stats["hits"],
                "executor": executor,
                "sessions": sessions,
                "items_per_second_all_sessions": sum(x["items_run"] for x in sessions)
                / max(1e-9, sum(x["wall_seconds"] for x in sessions)),
            },
        )
    return outcome


async def _run_locally(
    todo: list[Item],
    suite: Suite,
    config: RunConfig,
    settings: Settings,
    registry_factory: RegistryFactory,
    cached: CachedLLM | None,
    store: ResultStore,
    bar: _Progress,
    ok_count: Any,
) -> None:
    """Items in this process: LLM calls in the event loop, solving in a process pool."""
    registry = registry_factory()
    pool: Executor | None = None
    if config.workers > 0 and todo:
        pool = ProcessPoolExecutor(
            max_workers=config.workers,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a process running llama.cpp threads
            initializer=init_worker,
            initargs=(registry_factory,),
        )
    sem = asyncio.Semaphore(config.concurrency or default_concurrency(config.llm) or 1)
    options = translate_options(config)
    pool_ready = None
    if pool is not None:
        loop = asyncio.get_running_loop()
        pool_ready = asyncio.ensure_future(
            asyncio.gather(*(loop.run_in_executor(pool, worker_pid) for _ in range(config.workers)))
        )

    async def one(item: Item) -> None:
        record = await _run_item(item, suite, config, options, registry, cached, settings, pool, sem, pool_ready)
        store.append(record)
        bar.update({"ok": ok_count()})

    tasks = [asyncio.create_task(one(it)) for it in todo]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if pool_ready is not None:
            pool_ready.cancel()
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


async def _run_on_ray(
    todo: list[Item],
    suite: Suite,
    config: RunConfig,
    settings: Settings,
    registry_factory: RegistryFactory,
    model: str,
    store: ResultStore,
    cache: LLMCache,
    stats: dict[str, int],
    bar: _Progress,
) -> dict[str, Any]:
    """Items on a Ray cluster's worker actors; results (and the LLM answers they cost) come back
    here and are written here, each item once. Returns the executor's counts for the report."""
    from benchmarks.executors import ray_pool_class

    if config.ray_address:
        settings = settings.model_copy(update={"ray_address": config.ray_address})
    concurrency = config.concurrency or default_concurrency(config.llm)
    pool = ray_pool_class()(
        settings, llm_spec=config.llm, per_actor=concurrency + max(1, config.workers), registry_factory=registry_factory,
        llm_per_server=settings.llm_concurrency,
    )
    config_json = config.model_dump_json()
    queue = iter(todo)

    def postfix() -> dict[str, Any]:
        nodes = " ".join(f"{n}:{c}" for n, c in sorted(pool.stats.items_per_node.items()))
        return {"nodes": nodes, "retries": pool.stats.retries, "failed": pool.stats.failures}

    async def one(item: Item) -> None:
        start = time.perf_counter()
        try:
            got = await pool.call("bench_item", item.model_dump_json(), suite.name, suite.kind, config_json, model)
        except WorkerLostError as e:
            record = _failed(item, suite, config, start, {**e.to_dict(), "stage": "executor"}, None)
        else:
            if "llm_error" in got:
                err = got["llm_error"]
                raise LLMError(err.get("message", "LLM error"), stage=err.get("stage"))
            record = got["record"]
            for key, raw in got["cache"]["responses"]:
                cache.put(key, Completion.model_validate_json(raw))
            for key, raw in got["cache"]["scores"]:
                cache.put_scores(key, [CandidateScore.model_validate(x) for x in json.loads(raw)])
            for k in ("calls", "hits"):
                stats[k] += got["stats"].get(k, 0)
        if record["id"] not in store.records:  # exactly once, however many attempts ran
            store.append(record)
            bar.update(postfix())

    async def lane() -> None:
        while (item := next(queue, None)) is not None:
            await one(item)

    try:
        if todo:
            await pool.start()
            lanes = [asyncio.create_task(lane()) for _ in range(max(1, pool.capacity))]
            try:
                await asyncio.gather(*lanes)
            except BaseException:
                for t in lanes:
                    t.cancel()
                await asyncio.gather(*lanes, return_exceptions=True)
                raise
        servers = await pool.llm_servers()
    finally:
        await pool.close()
    return {"executor": "ray", "workers": pool.size, "per_worker": pool.per_actor, **pool.stats.as_dict(),
            "llm_servers": servers}


def _log_session(
    out_dir: Path, config: RunConfig, seconds: float, n: int, stats: dict[str, int], executor: dict[str, Any]
) -> list[dict[str, Any]]:
    """Append this invocation's timing to sessions.jsonl, so a resumed run reports all of its time."""
    store = ResultStore(out_dir / "sessions.jsonl")
    store.append(
        {
            "id": datetime.now(timezone.utc).isoformat(timespec="seconds") + f"#{len(store.records)}",
            "llm": config.llm,
            "concurrency": config.concurrency,
            "workers": config.workers,
            "wall_seconds": round(seconds, 3),
            "items_run": n,
            "llm_calls": stats["calls"],
            "llm_cache_hits": stats["hits"],
            "executor": executor,
        }
    )
    store.close()
    return list(store.records.values())


def run_benchmark(config: RunConfig, out_dir: Path | None = None, **kw: Any) -> RunOutcome:
    return asyncio.run(arun_benchmark(config, out_dir, **kw))


def _failed(
    item: Item, suite: Suite, config: RunConfig, start: float, error: dict[str, Any], llm: CachedLLM | None
) -> dict[str, Any]:
    return {
        "id": item.id,
        "suite": suite.name,
        "kind": item.problem.kind or suite.kind,
        "signature": item.signature,
        "split": item.split,
        "status": None,
        "answer": None,
        "scores": {},
        "error": error,
        "samples": config.samples,
        "translated": 0,
        "seconds": {"translate": 0.0, "solve": 0.0, "total": round(time.perf_counter() - start, 4)},
        "tokens": {"prompt": 0, "completion": 0},
        "llm": dict(llm.item_stats) if llm is not None else {"calls": 0, "hits": 0},
        "meta": item.meta,
    }


async def _run_item(
    item: Item,
    suite: Suite,
    config: RunConfig,
    options: TranslateOptions,
    registry: Registry,
    cached: CachedLLM | None,
    settings: Settings,
    pool: Executor | None,
    llm_slots: asyncio.Semaphore,
    pool_ready: asyncio.Future[Any] | None,
) -> dict[str, Any]:
    llm = cached.scope(item.id) if cached is not None else None
    translations: list[tuple[str, int]] = []
    errors: list[dict[str, Any]] = []
    prompt_tokens = completion_tokens = 0
    start = time.perf_counter()
    if llm is None:  # formal input (--llm gold): the item's gold formal text is what gets solved
        if not item.gold.formal:
            error = {"type": "config_error", "message": f"item {item.id!r} has no gold formal text to solve (--llm gold)"}
            return _failed(item, suite, config, start, error, None)
        translations.append((item.gold.formal, 0))
    else:
        reasoner = Reasoner(llm=llm, backends=registry, settings=settings)
        # Only the LLM phase holds a slot: while this item is solved, the next one translates.
        async with llm_slots:
            start = time.perf_counter()
            for i in range(config.samples):
                # our own trace: a translation that fails after asking the model still used its tokens
                trace = Trace()
                try:
                    sample = sample_options(options, i) if config.samples > 1 else options
                    formal, _, _ = await reasoner.atranslate(item.problem, sample, trace=trace)
                    translations.append((formal.text, formal.repairs))
                except TranslationError as e:
                    errors.append(e.to_dict())
                except LLMError:
                    raise  # the server, not the item: abort the run so the item is redone on resume
                except NesyError as e:  # the item itself is bad (unknown domain or KB, ...): record it, go on
                    return _failed(item, suite, config, start, e.to_dict(), llm)
                p, c = trace.tokens
                prompt_tokens, completion_tokens = prompt_tokens + p, completion_tokens + c
    translate_s = time.perf_counter() - start
    if pool_ready is not None:
        await pool_ready  # worker start-up (importing backends, loading KGs) is not solving time
    job = SolveJob(
        kind=item.problem.kind or suite.kind,
        problem=item.problem.model_dump(mode="json"),
        gold=item.gold.model_dump(mode="json"),
        translations=translations,
        errors=errors,
        timeout=config.timeout,
    )
    limit = config.timeout + 30  # the backend bounds its solver; this bounds the worker call as a whole
    try:
        if pool is not None:
            fut = asyncio.get_running_loop().run_in_executor(pool, solve_in_worker, job)
        else:
            fut = asyncio.to_thread(solve_job, registry, job)
        solved = await asyncio.wait_for(fut, limit)
    except asyncio.TimeoutError:
        solved = {"status": "TIMEOUT", "scores": {}, "error": {"type": "timeout", "message": f"no answer in {limit:g} s"}}
    except BrokenProcessPool:
        raise
    except Exception as e:  # a backend bug on one item must not sink a long run; it is recorded instead
        err = e.to_dict() if isinstance(e, NesyError) else {"type": type(e).__name__, "message": str(e)}
        return _failed(item, suite, config, start, {**err, "stage": err.get("stage", "solve")}, llm)
    return {
        "id": item.id,
        "suite": suite.name,
        "kind": job.kind,
        "signature": item.signature,
        "split": item.split,
        "status": solved.get("status"),
        "answer": solved.get("answer"),
        "scores": solved.get("scores") or {},
        "error": solved.get("error"),
        "formal": solved.get("formal"),
        "repairs": solved.get("repairs"),
        "engine": solved.get("engine", ""),
        "vote_share": solved.get("vote_share"),
        "samples": config.samples,
        "translated": len(translations),
        "verbalization": (solved.get("verbalization") or "")[:2000],
        "seconds": {
            "translate": round(translate_s, 4),
            "solve": round(float(solved.get("solve_seconds", 0.0)), 4),
            "total": round(time.perf_counter() - start, 4),
        },
        "tokens": {"prompt": prompt_tokens, "completion": completion_tokens},
        "llm": dict(llm.item_stats) if llm is not None else {"calls": 0, "hits": 0},
        "meta": item.meta,
    }

