"""Batch jobs persisted in SQLite: every item is a row, written once when it finishes.

A job's items are expanded and stored when it is created, so a restart needs neither
the suite nor the request again. Finishing an item is ``UPDATE ... WHERE state =
'pending'``, so an item that was in flight when the server died runs again after the
restart but is recorded exactly once; finished items are never touched again.

Jobs belong to the API key that created them (stored as a hash, never the key): another
key's job does not exist for it. Limits: ``max_job_items`` per job (checked before a suite
is generated) and ``max_queued_items_per_key`` pending items per owner. The store's calls
block (one connection, one lock): async code runs them with ``asyncio.to_thread``.

With ``Settings.executor == "ray"`` the items run on a Ray cluster's worker actors
(``benchmarks.executors.ray_pool``); this process still owns the database, so recording,
restarts and cancellation work as they do locally.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nesy.errors import InputTooLargeError, NesyError, UnknownResourceError
from nesy.reasoner import Reasoner
from nesy.types import Gold, Problem

from server import service
from server.errors import InvalidRequestError
from server.metrics import Metrics
from server.schemas import JobOut, JobRequest, SolveOptions, SolveResponse, jsonable

__all__ = [
    "JobStore", "JobRunner", "QuotaExceededError", "expand_items", "job_size", "check_job_size", "owner_of", "ANONYMOUS",
    "run_job_item",
]

log = logging.getLogger("nesy.server.jobs")

# The one owner of every job when the server runs without API keys.
ANONYMOUS = "anonymous"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,           -- queued | running | done | cancelled | failed
    options TEXT NOT NULL,          -- SolveOptions as JSON
    spec TEXT NOT NULL,             -- what was asked (suite name/size/seed or 'problems')
    total INTEGER NOT NULL,
    created REAL NOT NULL,
    finished REAL,
    message TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT 'anonymous'  -- owner_of(the creating API key)
);
CREATE TABLE IF NOT EXISTS items (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    idx INTEGER NOT NULL,
    item TEXT NOT NULL,             -- problem (+ gold, signature, split) as JSON
    state TEXT NOT NULL,            -- pending | done | error
    outcome TEXT,                   -- solver status or error type
    result TEXT,                    -- the JSON line served by /results
    finished REAL,
    PRIMARY KEY (job_id, idx)
);
CREATE INDEX IF NOT EXISTS items_pending ON items(job_id, state);
"""

_ACTIVE = "('queued', 'running')"
_RESULTS_PAGE = 200


def owner_of(api_key: str | None) -> str:
    """The owner recorded for jobs created with ``api_key``: its SHA-256, so the database never holds a key."""
    return hashlib.sha256(api_key.encode()).hexdigest() if api_key else ANONYMOUS


class QuotaExceededError(NesyError):
    """An API key has too many items queued; it may submit again as its jobs finish."""

    kind = "quota_exceeded"
    http_status = 429


class JobStore:
    """SQLite access; one connection guarded by a lock. Every method blocks: call it off the event loop."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            # WAL with synchronous=NORMAL survives a killed process (not a power cut), cheaply.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
            if "owner" not in columns:  # a database written before jobs had owners
                self._db.execute("ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT 'anonymous'")
            self._db.execute("CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, status)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _queued(self, owner: str) -> int:
        (n,) = self._db.execute(
            f"SELECT COUNT(*) FROM items JOIN jobs ON jobs.id = items.job_id "
            f"WHERE jobs.owner = ? AND jobs.status IN {_ACTIVE} AND items.state = 'pending'",
            (owner,),
        ).fetchone()
        return n

    def _check_quota(self, owner: str, adding: int, limit: int) -> None:
        queued = self._queued(owner)
        if queued + adding > limit:
            raise QuotaExceededError(
                f"this API key has {queued} items queued; {adding} more would exceed the limit of {limit} "
                "queued items per key: wait for its jobs to finish or cancel some",
                stage="jobs", queued=queued, limit=limit,
            )

    def check_quota(self, owner: str, adding: int, limit: int) -> None:
        """Raise QuotaExceededError if ``owner`` may not queue ``adding`` more items."""
        with self._lock:
            self._check_quota(owner, adding, limit)

    def create(
        self, items: list[dict[str, Any]], options: SolveOptions, spec: dict[str, Any], *, owner: str, max_queued: int
    ) -> str:
        """Store a job and its items, checking the owner's quota in the same transaction."""
        job_id = uuid.uuid4().hex[:16]
        rows = [(job_id, i, json.dumps(it)) for i, it in enumerate(items)]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._check_quota(owner, len(items), max_queued)
                self._db.execute(
                    "INSERT INTO jobs (id, status, options, spec, total, created, owner) VALUES (?, 'queued', ?, ?, ?, ?, ?)",
                    (job_id, options.model_dump_json(), json.dumps(spec), len(items), time.time(), owner),
                )
                self._db.executemany("INSERT INTO items (job_id, idx, item, state) VALUES (?, ?, ?, 'pending')", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return job_id

    def get(self, job_id: str, owner: str | None = None) -> JobOut:
        """The job; 404 if it does not exist or (``owner`` given) belongs to someone else."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, status, total, created, finished, message, owner FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
            if row is None or (owner is not None and row[6] != owner):
                # The same answer for both: a job id must not reveal that another key's job exists.
                raise UnknownResourceError(f"no job {job_id!r}", stage="jobs", symbol=job_id)
            per_state = dict(
                self._db.execute("SELECT state, COUNT(*) FROM items WHERE job_id = ? GROUP BY state", (job_id,)).fetchall()
            )
            counts = dict(
                self._db.execute(
                    "SELECT outcome, COUNT(*) FROM items WHERE job_id = ? AND state != 'pending' GROUP BY outcome", (job_id,)
                ).fetchall()
            )
        return JobOut(
            id=row[0], status=row[1], total=row[2], created=row[3], finished=row[4], message=row[5],
            done=per_state.get("done", 0), errors=per_state.get("error", 0), pending=per_state.get("pending", 0),
            counts={str(k): v for k, v in counts.items()},
        )

    def options(self, job_id: str) -> SolveOptions:
        with self._lock:
            (raw,) = self._db.execute("SELECT options FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return SolveOptions.model_validate_json(raw)

    def set_status(self, job_id: str, status: str, message: str = "", *, only_if_active: bool = False) -> bool:
        finished = time.time() if status in ("done", "cancelled", "failed") else None
        sql = "UPDATE jobs SET status = ?, message = ?, finished = ? WHERE id = ?"
        if only_if_active:
            sql += f" AND status IN {_ACTIVE}"
        with self._lock:
            return self._db.execute(sql, (status, message, finished, job_id)).rowcount > 0

    def active_jobs(self) -> list[tuple[str, str]]:
        """(job id, owner) of unfinished jobs, oldest first."""
        with self._lock:
            rows = self._db.execute(f"SELECT id, owner FROM jobs WHERE status IN {_ACTIVE} ORDER BY created").fetchall()
        return [(r[0], r[1]) for r in rows]

    def pending_indexes(self, job_id: str) -> list[int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx FROM items WHERE job_id = ? AND state = 'pending' ORDER BY idx", (job_id,)
            ).fetchall()
        return [r[0] for r in rows]

    def item(self, job_id: str, idx: int) -> dict[str, Any]:
        with self._lock:
            (raw,) = self._db.execute("SELECT item FROM items WHERE job_id = ? AND idx = ?", (job_id, idx)).fetchone()
        return json.loads(raw)

    def finish_item(self, job_id: str, idx: int, state: str, outcome: str, result: dict[str, Any]) -> bool:
        """Record an item once; False if it was already recorded."""
        line = json.dumps(result, default=str)
        with self._lock:
            cur = self._db.execute(
                "UPDATE items SET state = ?, outcome = ?, result = ?, finished = ? "
                "WHERE job_id = ? AND idx = ? AND state = 'pending'",
                (state, outcome, line, time.time(), job_id, idx),
            )
            return cur.rowcount > 0

    def results_page(self, job_id: str, after: int) -> list[tuple[int, str]]:
        """Finished items' result lines with index > ``after``, in order: /results streams pages,
        so a large job is never held in memory whole."""
        with self._lock:
            return self._db.execute(
                "SELECT idx, result FROM items WHERE job_id = ? AND idx > ? AND state != 'pending' ORDER BY idx LIMIT ?",
                (job_id, after, _RESULTS_PAGE),
            ).fetchall()


def job_size(req: JobRequest) -> int | None:
    """The item count a request declares before anything is generated (None: a suite's default size)."""
    return len(req.problems) if req.problems is not None else req.size


def check_job_size(n: int, limit: int, field_name: str) -> None:
    """413 naming the count and the limit."""
    if n > limit:
        raise InputTooLargeError(
            f"a job of {n} items exceeds this server's limit of {limit} items per job; split it into smaller jobs",
            stage="jobs", symbol=field_name, limit=limit,
        )


def expand_items(req: JobRequest, max_items: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A job request as stored rows: one dict per item, plus a summary of what was asked.

    Callers check ``job_size(req)`` first, so that an oversized request costs nothing; a suite's
    default size is only known here."""
    if (req.suite is None) == (req.problems is None):
        raise InvalidRequestError("give either suite (a benchmark suite name) or problems (a list), not both", stage="jobs")
    if req.problems is not None:
        items = []
        for i, p in enumerate(req.problems):
            if (p.text is None) == (p.formal is None):
                raise InvalidRequestError(
                    f"problems[{i}]: give either text (natural language) or formal (formal text)", stage="jobs", symbol=f"problems[{i}]"
                )
            if p.formal is not None and p.kind is None:
                raise InvalidRequestError(f"problems[{i}]: formal items need kind", stage="jobs", symbol=f"problems[{i}].kind")
            items.append(p.model_dump(exclude_none=True))
        return items, {"problems": len(items)}
    try:
        from benchmarks.registry import load_suite
    except ImportError as e:
        raise UnknownResourceError(f"benchmark suites are unavailable here: {e}", stage="jobs") from e
    suite = load_suite(req.suite, size=req.size, seed=req.seed)  # type: ignore[arg-type]
    check_job_size(len(suite.items), max_items, "size")
    items = [
        {
            "id": it.id,
            "text": it.problem.text,
            "kind": it.problem.kind,
            "context": it.problem.context,
            "gold": it.gold.model_dump(mode="json"),
            "signature": it.signature,
            "split": it.split,
        }
        for it in suite.items
    ]
    return items, {"suite": req.suite, "size": req.size, "seed": req.seed}


@dataclass
class _Job:
    id: str
    owner: str
    options: SolveOptions
    pending: deque[int]
    in_flight: set[asyncio.Task[None]] = field(default_factory=set)
    started: bool = False
    cancelled: bool = False


class JobRunner:
    """Runs job items ``workers`` at a time, round-robin across owners (API keys): one key's
    backlog delays another key's next item by at most one item per owner with work, never by
    the whole backlog. An owner's own jobs run in creation order. Only item indexes are held
    in memory; each item is read from the store when it runs."""

    def __init__(self, store: JobStore, reasoner: Reasoner, metrics: Metrics, *, workers: int = 2) -> None:
        self.store = store
        self.reasoner = reasoner
        self.metrics = metrics
        self.workers = max(1, workers)
        self.executor = reasoner.settings.executor
        self._pool: Any = None  # the RayPool, with executor "ray"
        self._pool_ready: asyncio.Task[Any] | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._jobs: dict[str, _Job] = {}
        self._owners: deque[str] = deque()  # owners with queued items; the next to serve first
        self._owner_jobs: dict[str, deque[str]] = {}  # owner -> its job ids with queued items, oldest first

    def start(self) -> None:
        """Idempotent; also resumes the jobs a previous process left unfinished."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="nesy-jobs")
        if self.executor == "ray" and self._pool_ready is None:
            self._pool_ready = asyncio.get_running_loop().create_task(self._start_pool(), name="nesy-ray-pool")
        self._wake.set()

    async def _start_pool(self) -> Any:
        """Connect to the cluster and start the workers; jobs wait for it, requests do not."""
        from benchmarks.executors import ray_pool_class

        settings = self.reasoner.settings
        pool = ray_pool_class()(settings, llm_spec=settings.llm, per_actor=max(1, settings.solve_workers))
        await pool.start()
        self._pool = pool
        self.workers = max(self.workers, pool.capacity)  # keep every worker busy
        self._wake.set()
        return pool

    def notify(self) -> None:
        """New jobs are in the store."""
        self.start()

    def cancel(self, job_id: str) -> None:
        """Forget a job that is no longer active in the store: its queued items are dropped and its
        running ones cancelled (their solvers stop); finished items stay."""
        job = self._jobs.pop(job_id, None)
        if job is None:
            return
        job.cancelled = True
        job.pending.clear()
        current = asyncio.current_task()
        for task in list(job.in_flight):
            if task is not current:
                task.cancel()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        if self._pool_ready is not None:
            self._pool_ready.cancel()
            try:
                await self._pool_ready
            except (asyncio.CancelledError, Exception):
                pass
            self._pool_ready = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _loop(self) -> None:
        running: set[asyncio.Task[None]] = set()
        try:
            while True:
                if self._wake.is_set():
                    self._wake.clear()
                    try:
                        await self._refresh()
                    except Exception:  # the store failed: keep serving what is loaded, retry on the next wake
                        log.exception("could not load jobs")
                while len(running) < self.workers and (picked := self._pick()) is not None:
                    job, idx = picked
                    task = asyncio.create_task(self._process(job, idx))
                    job.in_flight.add(task)
                    task.add_done_callback(job.in_flight.discard)  # also when cancelled before it ran
                    running.add(task)
                waiter = asyncio.create_task(self._wake.wait())
                done, _ = await asyncio.wait(running | {waiter}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                running -= done
        finally:
            for task in running:
                task.cancel()

    async def _refresh(self) -> None:
        """Load active jobs the runner does not know yet (new ones, or left by a previous process)."""
        for job_id, owner in await asyncio.to_thread(self.store.active_jobs):
            if job_id in self._jobs:
                continue
            options = await asyncio.to_thread(self.store.options, job_id)
            pending = deque(await asyncio.to_thread(self.store.pending_indexes, job_id))
            if not pending:  # every item finished before a crash
                await asyncio.to_thread(self.store.set_status, job_id, "done", only_if_active=True)
                continue
            self._jobs[job_id] = _Job(job_id, owner, options, pending)
            if owner not in self._owner_jobs:
                self._owner_jobs[owner] = deque()
                self._owners.append(owner)
            self._owner_jobs[owner].append(job_id)

    def _pick(self) -> tuple[_Job, int] | None:
        """The next item of the owner whose turn it is; that owner then goes to the back."""
        while self._owners:
            owner = self._owners[0]
            queue = self._owner_jobs[owner]
            while queue and not ((job := self._jobs.get(queue[0])) is not None and job.pending):
                queue.popleft()  # drained or cancelled
            if not queue:
                self._owners.popleft()
                del self._owner_jobs[owner]
                continue
            job = self._jobs[queue[0]]
            self._owners.rotate(-1)
            return job, job.pending.popleft()
        return None

    async def _process(self, job: _Job, idx: int) -> None:
        task = asyncio.current_task()
        try:
            if not job.started:
                job.started = True
                if not await asyncio.to_thread(self.store.set_status, job.id, "running", only_if_active=True):
                    self.cancel(job.id)  # cancelled (or finished) since it was loaded
                    return
                self.metrics.jobs.labels(self.executor).inc()
            item = await asyncio.to_thread(self.store.item, job.id, idx)
            state, outcome, result, node = await self._run_item(item, job.options)
            result = {"idx": idx, **{k: item.get(k) for k in ("id", "signature", "split") if item.get(k)}, **result}
            if await asyncio.to_thread(self.store.finish_item, job.id, idx, state, outcome, result):
                self.metrics.job_items.labels(state).inc()
                self.metrics.job_items_by_executor.labels(self.executor, node).inc()
        except asyncio.CancelledError:
            if not job.cancelled:
                raise  # the runner is stopping; the item stays pending and runs after a restart
            return
        except Exception as e:  # the store failed: never let one job stop the runner
            log.exception("job %s failed", job.id)
            await asyncio.to_thread(
                self.store.set_status, job.id, "failed", f"internal error ({type(e).__name__}); see the server log",
                only_if_active=True,
            )
            self.cancel(job.id)
            return
        finally:
            job.in_flight.discard(task)  # type: ignore[arg-type]
        if not job.pending and not job.in_flight and self._jobs.get(job.id) is job:
            del self._jobs[job.id]
            await asyncio.to_thread(self.store.set_status, job.id, "done", only_if_active=True)

    async def _run_item(self, item: dict[str, Any], options: SolveOptions) -> tuple[str, str, dict[str, Any], str]:
        """Solve one item here or on the cluster; failures become an error record, never an exception.
        Also returns where it ran ("local", or the Ray node)."""
        if self.executor != "ray":
            state, outcome, out, observed = await run_job_item(self.reasoner, item, options)
            node = "local"
        else:
            from benchmarks.executors import WorkerLostError

            assert self._pool_ready is not None
            try:
                pool = await asyncio.shield(self._pool_ready)
                got, node, retries = await pool.run("job_item", item, options.model_dump_json())
                state, outcome, out, observed = got
                if retries:
                    self.metrics.job_item_retries.labels("ray").inc(retries)
            except (WorkerLostError, NesyError) as e:  # lost on every attempt, or no cluster: recorded
                return "error", e.kind, {"error": e.to_dict()}, "none"
        if observed is not None:
            self.metrics.observe_outcome(*observed)
        return state, outcome, out, node


async def run_job_item(
    reasoner: Reasoner, item: dict[str, Any], options: SolveOptions
) -> tuple[str, str, dict[str, Any], tuple[str | None, str] | None]:
    """One job item with ``reasoner``: (state, outcome, result line, (kind, status) to count or None).
    Failures become an error record, never an exception. The Ray executor's workers run this too."""
    try:
        if item.get("formal") is not None:
            resp = await service.solve_formal(reasoner, item["kind"], item["formal"], item.get("context", {}), options.timeout)
            out = resp.model_dump(mode="json")
            return "done", resp.solution.status.value, out, (resp.kind, resp.solution.status.value)
        problem = Problem(text=item["text"], kind=item.get("kind"), context=item.get("context", {}), id=item.get("id"))
        gold = Gold.model_validate(item["gold"]) if item.get("gold") else None
        t = service.cap_timeout(reasoner, options.timeout)
        opts = service.translate_options(reasoner, options)
        result = await reasoner.asolve(problem, opts, gold=gold, timeout=t)
        wire = SolveResponse.from_result(result)
        out = {**wire.model_dump(mode="json"), "scores": jsonable(result.scores)}
        if result.solution is None:
            return "error", (result.error or {}).get("type", "error"), out, None
        return "done", result.solution.status.value, out, (wire.kind, result.solution.status.value)
    except asyncio.CancelledError:
        raise
    except NesyError as e:
        return "error", e.kind, {"error": e.to_dict()}, None
    except Exception as e:
        # Foreign exception text may carry paths or library internals: the type only; the log has the rest.
        log.exception("job item failed")
        message = f"internal error ({type(e).__name__}); see the server log"
        return "error", "internal_error", {"error": {"type": "internal_error", "message": message}}, None
