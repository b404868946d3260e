"""The benchmark runner: concurrent LLM translation, solving in a process pool, resumable output.

Per item: translate in the event loop (LLM calls of up to ``concurrency`` items in
flight), then hand the formal texts to a solver process, so CPU-bound solving overlaps
the other items' LLM calls. Each finished item is appended to ``results.jsonl`` at once
(``store.ResultStore``); rerunning the same command skips finished items. Every LLM
response is cached in ``llm_cache.sqlite`` so ``rescore`` and resumed items never
regenerate. A dead LLM server stops the run with an error that says how to resume.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from benchmarks.llm_cache import CachedLLM, LLMCache, model_identity
from benchmarks.registry import load_suite
from benchmarks.solve_worker import RegistryFactory, SolveJob, init_worker, solve_in_worker, solve_job, worker_pid
from benchmarks.store import ResultStore, atomic_write_text
from nesy.backend import Registry, load_backends
from nesy.errors import ConfigError, LLMError, NesyError, TranslationError
from nesy.llm.base import BaseLLM
from nesy.reasoner import Reasoner
from nesy.settings import Settings
from nesy.suite import Item, Suite
from nesy.translate import sample_options
from nesy.types import TranslateOptions

__all__ = ["RunConfig", "RunOutcome", "RunAborted", "run_benchmark", "arun_benchmark", "default_out_dir"]

RESULTS = "results.jsonl"
CONFIG = "config.json"
CACHE = "llm_cache.sqlite"
KINDS = ("planning", "logic", "kg")


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

    def identity(self) -> dict[str, Any]:
        """The fields a resumed run must share with the run it continues (not speed knobs, not URLs)."""
        return self.model_dump(include={"suite", "mode", "samples", "repairs", "seed", "size", "path", "timeout",
                                        "rank", "grammar", "exemplars"})


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

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
    started = time.perf_counter()
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(config, settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    suite = suite or load_suite(config.suite, size=config.size, seed=config.seed, path=config.path)
    items = _items(suite, config.limit)
    own_llm = llm is None
    if llm is None:
        from nesy.llm.factory import make_llm

        llm = make_llm(config.llm, settings)
    try:
        model = await model_identity(llm)
    except LLMError as e:
        raise RunAborted(f"cannot reach the LLM ({config.llm}): {e}", stage="translate") from e
    _check_config(out_dir, config, model)
    results = out_dir / RESULTS
    if rescore and results.exists():
        results.rename(out_dir / f"results.{datetime.now():%Y%m%d-%H%M%S}.jsonl")
    cache = LLMCache(out_dir / CACHE)
    cached = CachedLLM(llm, cache, model)
    registry = registry_factory()
    store = ResultStore(results)
    wanted = {it.id for it in items}
    todo = [it for it in items if it.id not in store.done()]
    pool: Executor | None = None
    if config.workers > 0 and todo:
        pool = ProcessPoolExecutor(
            max_workers=config.workers,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a process running llama.cpp threads
            initializer=init_worker,
            initargs=(registry_factory,),
        )
    bar = _Progress(len(items), len(items) - len(todo), progress, suite.name)
    sem = asyncio.Semaphore(config.concurrency or default_concurrency(config.llm))
    options = TranslateOptions(
        mode=config.mode,
        repairs=config.repairs,
        samples=1,
        temperature=0.7 if config.samples > 1 else 0.0,
        seed=config.seed,  # sample i of k draws with seed + i
        rank=config.rank,
        grammar=config.grammar,
        exemplars=config.exemplars,
    )

    pool_ready = None
    if pool is not None:
        loop = asyncio.get_running_loop()
        pool_ready = asyncio.ensure_future(
            asyncio.gather(*(loop.run_in_executor(pool, worker_pid) for _ in range(config.workers)))
        )

    async def one(item: Item) -> None:
        record = await _run_item(item, suite, config, options, registry, cached, settings, pool, sem, pool_ready)
        store.append(record)
        bar.update({"ok": sum(1 for r in store.records.values() if r.get("status") and not r.get("error"))})

    tasks = [asyncio.create_task(one(it)) for it in todo]
    try:
        await asyncio.gather(*tasks)
    except (LLMError, BrokenProcessPool) as e:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if pool_ready is not None:
            pool_ready.cancel()
        finished = len(wanted & store.done())
        what = "the LLM failed" if isinstance(e, LLMError) else "a solver process died"
        raise RunAborted(
            f"run stopped because {what}: {e}. {finished} of {len(items)} items are saved in {results}; "
            "rerun the same command to resume (cached LLM answers are reused)",
            stage="translate" if isinstance(e, LLMError) else "solve",
            saved=finished,
            total=len(items),
            results=str(results),
        ) from e
    finally:
        bar.close()
        store.close()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        cache.close()
        if own_llm:
            await llm.aclose()
    records = [store.records[it.id] for it in items if it.id in store.records]
    seconds = time.perf_counter() - started
    outcome = RunOutcome(out_dir, records, {}, cached.stats["calls"], cached.stats["hits"], seconds)
    sessions = _log_session(out_dir, config, seconds, len(todo), cached.stats)
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
                "llm_calls": cached.stats["calls"],
                "llm_cache_hits": cached.stats["hits"],
                "sessions": sessions,
                "items_per_second_all_sessions": sum(x["items_run"] for x in sessions)
                / max(1e-9, sum(x["wall_seconds"] for x in sessions)),
            },
        )
    return outcome


def _log_session(out_dir: Path, config: RunConfig, seconds: float, n: int, stats: dict[str, int]) -> list[dict[str, Any]]:
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
        }
    )
    store.close()
    return list(store.records.values())


def run_benchmark(config: RunConfig, out_dir: Path | None = None, **kw: Any) -> RunOutcome:
    return asyncio.run(arun_benchmark(config, out_dir, **kw))


def _failed(
    item: Item, suite: Suite, config: RunConfig, start: float, error: dict[str, Any], llm: CachedLLM
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
        "llm": dict(llm.item_stats),
        "meta": item.meta,
    }


async def _run_item(
    item: Item,
    suite: Suite,
    config: RunConfig,
    options: TranslateOptions,
    registry: Registry,
    cached: CachedLLM,
    settings: Settings,
    pool: Executor | None,
    llm_slots: asyncio.Semaphore,
    pool_ready: asyncio.Future[Any] | None,
) -> dict[str, Any]:
    llm = cached.scope(item.id)
    reasoner = Reasoner(llm=llm, backends=registry, settings=settings)
    translations: list[tuple[str, int]] = []
    errors: list[dict[str, Any]] = []
    prompt_tokens = completion_tokens = 0
    # Only the LLM phase holds a slot: while this item is solved, the next one translates.
    async with llm_slots:
        start = time.perf_counter()
        for i in range(config.samples):
            try:
                sample = sample_options(options, i) if config.samples > 1 else options
                formal, _, trace = await reasoner.atranslate(item.problem, sample)
                translations.append((formal.text, formal.repairs))
            except TranslationError as e:
                errors.append(e.to_dict())
                trace = None
            except LLMError:
                raise  # the server, not the item: abort the run so the item is redone on resume
            except NesyError as e:  # the item itself is bad (unknown domain or KB, ...): record it, go on
                return _failed(item, suite, config, start, e.to_dict(), llm)
            if trace is not None:
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
        "llm": dict(llm.item_stats),
        "meta": item.meta,
    }

