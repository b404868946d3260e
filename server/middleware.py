"""Pure ASGI middleware: request metrics, bearer API keys, the concurrency limit, body size.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass through untouched and a
request holds its concurrency slot until its last byte is sent.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from server.errors import error_response
from server.metrics import Metrics

__all__ = ["MetricsMiddleware", "APIKeyMiddleware", "ConcurrencyLimitMiddleware", "BodySizeLimitMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Probes and metrics stay reachable under load and without a key (orchestrators poll them).
OPEN_PATHS = frozenset({"/healthz", "/readyz"})
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            # The route template, not the raw path: fuzzers must not explode label cardinality.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], route, str(status["code"])).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)


class APIKeyMiddleware:
    def __init__(self, app: ASGIApp, keys: list[str]) -> None:
        self.app = app
        self.keys = [k.encode() for k in keys if k]

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                token = token.strip()
                if scheme.lower() == b"bearer" and token:
                    return any(hmac.compare_digest(token, k) for k in self.keys)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.keys or scope["path"] in OPEN_PATHS or self._authorized(scope):
            await self.app(scope, receive, send)
            return
        resp = error_response(
            401, "unauthorized", "missing or invalid API key: send 'Authorization: Bearer <key>'",
            stage="request", headers={"WWW-Authenticate": "Bearer"},
        )
        await resp(scope, receive, send)


class ConcurrencyLimitMiddleware:
    """At most ``limit`` requests run at once; the next one gets 503 at once, not a queue slot."""

    def __init__(self, app: ASGIApp, limit: int, metrics: Metrics) -> None:
        self.app = app
        self.limit = max(1, limit)
        self.metrics = metrics
        self.active = 0  # one event loop per app: no lock needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:
            self.metrics.rejected.labels("overloaded").inc()
            resp = error_response(
                503, "overloaded", f"the server is busy ({self.active} requests running, limit {self.limit}); retry shortly",
                stage="request", headers={"Retry-After": "1"},
            )
            await resp(scope, receive, send)
            return
        self.active += 1
        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            self.metrics.in_flight.dec()


class BodySizeLimitMiddleware:
    """413 for bodies over ``limit`` bytes: by Content-Length up front; a chunked body is
    read here first (at most ``limit`` bytes are ever held) and replayed to the app."""

    def __init__(self, app: ASGIApp, limit: int, metrics: Metrics) -> None:
        self.app = app
        self.limit = limit
        self.metrics = metrics

    def _reject(self, size: str) -> Any:
        self.metrics.rejected.labels("body_too_large").inc()
        return error_response(
            413, "input_too_large", f"request body {size} exceeds this server's limit of {self.limit} bytes",
            stage="request", limit=self.limit,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None:
            if not length.isdigit() or int(length) > self.limit:
                await self._reject(f"of {length.decode(errors='replace')} bytes")(scope, receive, send)
                return
            await self.app(scope, receive, send)  # the HTTP server enforces the declared length
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._reject("of more bytes")(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
