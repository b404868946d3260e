"""An LLM wrapper that caches responses by request in SQLite, so re-scoring never regenerates.

The key is ``LLMRequest.cache_key(model)`` plus how many times the same request was
already made for the same item: self-consistency sends one request k times and must
get k different samples back, also from the cache. ``model`` is the model's identity
(not the server URL), so replicas and a restarted server share the cache.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from nesy.llm.base import BaseLLM, CandidateScore, Completion, LLMRequest, Message

__all__ = ["LLMCache", "CachedLLM", "model_identity"]


class LLMCache:
    """A small SQLite table: key -> Completion JSON. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, completion TEXT NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, scores TEXT NOT NULL)")
        self._lock = threading.Lock()

    def get(self, key: str) -> Completion | None:
        with self._lock:
            row = self._db.execute("SELECT completion FROM responses WHERE key = ?", (key,)).fetchone()
        return Completion.model_validate_json(row[0]) if row else None

    def put(self, key: str, completion: Completion) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, completion) VALUES (?, ?)", (key, completion.model_dump_json())
            )

    def get_scores(self, key: str) -> list[CandidateScore] | None:
        with self._lock:
            row = self._db.execute("SELECT scores FROM scores WHERE key = ?", (key,)).fetchone()
        return [CandidateScore.model_validate(x) for x in json.loads(row[0])] if row else None

    def put_scores(self, key: str, scores: Sequence[CandidateScore]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO scores (key, scores) VALUES (?, ?)",
                             (key, json.dumps([x.model_dump() for x in scores])))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedLLM(BaseLLM):
    """Answers from the cache when it can, from ``inner`` otherwise; counts both.

    ``scope(item_id)`` returns a view whose repeat counter is private to one item, so
    concurrent items never shift each other's sample numbering.
    """

    def __init__(self, inner: BaseLLM, cache: LLMCache, model: str, *, scope_id: str = "") -> None:
        self.inner = inner
        self.cache = cache
        self.model = model
        self.scope_id = scope_id
        self._repeats: Counter[str] = Counter()
        self.stats = {"calls": 0, "hits": 0}  # shared by all scopes of one wrapper
        self.item_stats = {"calls": 0, "hits": 0}  # this scope only

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.inner.name

    def scope(self, scope_id: str) -> "CachedLLM":
        view = CachedLLM(self.inner, self.cache, self.model, scope_id=scope_id)
        view.stats = self.stats
        return view

    def key(self, request: LLMRequest) -> str:
        base = request.cache_key(self.model)
        nth = self._repeats[base]
        self._repeats[base] += 1
        return hashlib.sha256(f"{base}:{nth}".encode()).hexdigest()

    async def generate(self, request: LLMRequest) -> Completion:
        key = self.key(request)
        hit = await asyncio.to_thread(self.cache.get, key)
        if hit is not None:
            self.stats["hits"] += 1
            self.item_stats["hits"] += 1
            return hit.model_copy(update={"seconds": 0.0})
        out = await self.inner.generate(request)
        self.stats["calls"] += 1
        self.item_stats["calls"] += 1
        await asyncio.to_thread(self.cache.put, key, out)
        return out

    def can_score(self) -> bool:
        return self.inner.can_score()

    async def score(self, messages: tuple[Message, ...], candidates: Sequence[str]) -> list[CandidateScore]:
        """Scores are deterministic: cached per (model, messages, candidate), no repeat counter, so a
        replay hits whatever subset of candidates a step asks for (concurrent steps ask in any order)."""
        prefix = json.dumps({"model": self.model, "messages": [m.model_dump() for m in messages]}, sort_keys=True)
        keys = [hashlib.sha256(f"{prefix}\0{c}".encode()).hexdigest() for c in candidates]
        found = [await asyncio.to_thread(self.cache.get_scores, k) for k in keys]
        missing = [i for i, f in enumerate(found) if f is None]
        if missing:
            fresh = await self.inner.score(messages, [candidates[i] for i in missing])
            for i, score in zip(missing, fresh):
                found[i] = [score]
                await asyncio.to_thread(self.cache.put_scores, keys[i], [score])
            self.stats["calls"] += 1
            self.item_stats["calls"] += 1
        else:
            self.stats["hits"] += 1
            self.item_stats["hits"] += 1
        return [f[0] for f in found if f is not None]

    async def aclose(self) -> None:
        if not self.scope_id:
            await self.inner.aclose()


async def model_identity(llm: BaseLLM) -> str:
    """What the model is, independent of where it is served (URLs, replicas, ports)."""
    from nesy.llm.openai_compat import OpenAICompatibleLLM

    if isinstance(llm, OpenAICompatibleLLM):
        if llm.model is None:
            ids = [m.get("id") for m in await llm.models()]
            return f"openai-compatible:{ids[0] if ids else '?'}"
        return f"openai-compatible:{llm.model}"
    lora = getattr(llm, "lora_path", None)
    if isinstance(lora, Path) and lora.is_file():
        # a retrained adapter keeps its file name: its content says which one answered (no stale cache hits)
        return f"{llm.name}@{_file_digest(lora, lora.stat().st_mtime_ns)}"
    return llm.name


@functools.lru_cache(maxsize=8)
def _file_digest(path: Path, mtime_ns: int) -> str:  # mtime: a rewritten file is read again
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
