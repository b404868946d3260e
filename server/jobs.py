"""Batch jobs persisted in SQLite: every item is a row, written once when it finishes.

A job's items are expanded and stored when it is created, so a restart needs neither
the suite nor the request again. Finishing an item is ``UPDATE ... WHERE state =
'pending'``, so an item that was in flight when the server died runs again after the
restart but is recorded exactly once; finished items are never touched again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nesy.errors import NesyError, UnknownResourceError
from nesy.reasoner import Reasoner
from nesy.types import Gold, Problem

from server import service
from server.errors import InvalidRequestError
from server.metrics import Metrics
from server.schemas import JobOut, JobRequest, SolveOptions, SolveResponse, jsonable

__all__ = ["JobStore", "JobRunner", "expand_items"]

log = logging.getLogger("nesy.server.jobs")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,           -- queued | running | done | cancelled | failed
    options TEXT NOT NULL,          -- SolveOptions as JSON
    spec TEXT NOT NULL,             -- what was asked (suite name/size/seed or 'problems')
    total INTEGER NOT NULL,
    created REAL NOT NULL,
    finished REAL,
    message TEXT NOT NULL DEFAULT ''
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


class JobStore:
    """SQLite access; one connection guarded by a lock (writes are small and rare)."""

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

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, items: list[dict[str, Any]], options: SolveOptions, spec: dict[str, Any]) -> str:
        job_id = uuid.uuid4().hex[:16]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO jobs (id, status, options, spec, total, created) VALUES (?, 'queued', ?, ?, ?, ?)",
                (job_id, options.model_dump_json(), json.dumps(spec), len(items), time.time()),
            )
            self._db.executemany(
                "INSERT INTO items (job_id, idx, item, state) VALUES (?, ?, ?, 'pending')",
                [(job_id, i, json.dumps(it)) for i, it in enumerate(items)],
            )
            self._db.execute("COMMIT")
        return job_id

    def get(self, job_id: str) -> JobOut:
        with self._lock:
            row = self._db.execute(
                "SELECT id, status, total, created, finished, message FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
            if row is None:
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

    def status(self, job_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return row[0] if row else None

    def set_status(self, job_id: str, status: str, message: str = "", *, only_if_active: bool = False) -> bool:
        finished = time.time() if status in ("done", "cancelled", "failed") else None
        sql = "UPDATE jobs SET status = ?, message = ?, finished = ? WHERE id = ?"
        if only_if_active:
            sql += " AND status IN ('queued', 'running')"
        with self._lock:
            return self._db.execute(sql, (status, message, finished, job_id)).rowcount > 0

    def active_jobs(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY created"
            ).fetchall()
        return [r[0] for r in rows]

    def pending_items(self, job_id: str) -> list[tuple[int, dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx, item FROM items WHERE job_id = ? AND state = 'pending' ORDER BY idx", (job_id,)
            ).fetchall()
        return [(i, json.loads(raw)) for i, raw in rows]

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

    def results(self, job_id: str) -> Iterator[str]:
        self.get(job_id)  # 404 for unknown jobs
        with self._lock:
            rows = self._db.execute(
                "SELECT result FROM items WHERE job_id = ? AND state != 'pending' ORDER BY idx", (job_id,)
            ).fetchall()
        for (line,) in rows:
            yield line + "\n"


def expand_items(req: JobRequest) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A job request as stored rows: one dict per item, plus a summary of what was asked."""
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


class JobRunner:
    """Works through active jobs in creation order, ``workers`` items at a time."""

    def __init__(self, store: JobStore, reasoner: Reasoner, metrics: Metrics, *, workers: int = 2) -> None:
        self.store = store
        self.reasoner = reasoner
        self.metrics = metrics
        self.workers = max(1, workers)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Idempotent; also resumes the jobs a previous process left unfinished."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="nesy-jobs")
        self._wake.set()

    def notify(self) -> None:
        self.start()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            for job_id in self.store.active_jobs():
                try:
                    await self._run_job(job_id)
                except asyncio.CancelledError:
                    raise
                except Exception as e:  # never let one job stop the runner
                    log.exception("job %s failed", job_id)
                    self.store.set_status(job_id, "failed", f"{type(e).__name__}: {e}", only_if_active=True)
            if not self.store.active_jobs():
                await self._wake.wait()

    async def _run_job(self, job_id: str) -> None:
        if not self.store.set_status(job_id, "running", only_if_active=True):
            return
        options = self.store.options(job_id)
        queue: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()
        for entry in self.store.pending_items(job_id):
            queue.put_nowait(entry)

        async def worker() -> None:
            while not queue.empty():
                if self.store.status(job_id) != "running":
                    return  # cancelled
                idx, item = queue.get_nowait()
                state, outcome, result = await self._run_item(item, options)
                result = {"idx": idx, **{k: item.get(k) for k in ("id", "signature", "split") if item.get(k)}, **result}
                if self.store.finish_item(job_id, idx, state, outcome, result):
                    self.metrics.job_items.labels(state).inc()

        await asyncio.gather(*(worker() for _ in range(self.workers)))
        if not self.store.pending_items(job_id):
            self.store.set_status(job_id, "done", only_if_active=True)

    async def _run_item(self, item: dict[str, Any], options: SolveOptions) -> tuple[str, str, dict[str, Any]]:
        """Solve one item; failures become an error record, never an exception."""
        try:
            if item.get("formal") is not None:
                resp = await service.solve_formal(
                    self.reasoner, item["kind"], item["formal"], item.get("context", {}), options.timeout
                )
                out = resp.model_dump(mode="json")
                self.metrics.observe_outcome(resp.kind, resp.solution.status.value)
                return "done", resp.solution.status.value, out
            problem = Problem(text=item["text"], kind=item.get("kind"), context=item.get("context", {}), id=item.get("id"))
            gold = Gold.model_validate(item["gold"]) if item.get("gold") else None
            t = service.cap_timeout(self.reasoner, options.timeout)
            result = await self.reasoner.asolve(problem, options.translate_options(), gold=gold, timeout=t)
            wire = SolveResponse.from_result(result)
            out = {**wire.model_dump(mode="json"), "scores": jsonable(result.scores)}
            if result.solution is None:
                return "error", (result.error or {}).get("type", "error"), out
            self.metrics.observe_outcome(wire.kind, result.solution.status.value)
            return "done", result.solution.status.value, out
        except asyncio.CancelledError:
            raise
        except NesyError as e:
            return "error", e.kind, {"error": e.to_dict()}
        except Exception as e:
            log.exception("job item failed")
            return "error", "internal_error", {"error": {"type": "internal_error", "message": f"{type(e).__name__}: {e}"}}
