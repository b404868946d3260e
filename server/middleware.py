"""Pure ASGI middleware: request metrics, bearer API keys, the request body, the concurrency limit.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass through untouched and a
request holds its concurrency slot until its last byte is sent. The order (outermost
first) is metrics → API key → body → concurrency → app: a request is authenticated, then
its whole body is read under a deadline, and only then does it take a slot, so a client that
trickles its body (or never finishes it) costs a socket and a buffer, never a slot.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from server.errors import error_response
from server.metrics import Metrics
from server.playground import PUBLIC_PATHS

__all__ = ["MetricsMiddleware", "APIKeyMiddleware", "ConcurrencyLimitMiddleware", "RequestBodyMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Probes and metrics stay reachable under load and without a key (orchestrators poll them);
# so do the playground's pages and assets, which hold no data (their data calls need the key).
OPEN_PATHS = frozenset({"/healthz", "/readyz"}) | PUBLIC_PATHS
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# The connection cannot be reused after a refusal that leaves the body unread.
_CLOSE = {"Connection": "close"}


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # 499 (nginx's "client closed request") when the app ends without answering: the client left.
        status = {"code": 499}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_wrapper)
        except BaseException:
            if status["code"] == 499:
                status["code"] = 500
            raise
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


class _BodyTooLarge(Exception):
    pass


class RequestBodyMiddleware:
    """Reads the whole body (Content-Length or chunked) within ``timeout`` seconds and at most
    ``limit`` bytes (408 / 413), then runs the app on the buffered body.

    While the app runs, this middleware alone listens for ``http.disconnect``: when the client
    goes away before its response is complete, the app's task is cancelled, which releases the
    concurrency slot at once and sets the Reasoner's cancel token so the solver stops. The app
    (and a streaming response) sees the disconnect through the receive channel as usual.
    """

    def __init__(self, app: ASGIApp, limit: int, timeout: float, metrics: Metrics) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.metrics = metrics

    def _too_large(self, size: str) -> Any:
        self.metrics.rejected.labels("body_too_large").inc()
        return error_response(
            413, "input_too_large", f"request body {size} exceeds this server's limit of {self.limit} bytes",
            stage="request", limit=self.limit, headers=_CLOSE,
        )

    async def _read(self, receive: Receive) -> bytes | None:
        """The body, or None when the client went away first."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._too_large(f"of {length.decode(errors='replace')} bytes")(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._read(receive)
        except _BodyTooLarge:
            await self._too_large("of more bytes")(scope, receive, send)
            return
        except TimeoutError:
            self.metrics.rejected.labels("body_timeout").inc()
            resp = error_response(
                408, "request_timeout", f"the request body did not arrive within {self.timeout:g} s",
                stage="request", timeout=self.timeout, headers=_CLOSE,
            )
            await resp(scope, receive, send)
            return
        if body is not None:
            await self._run(scope, body, receive, send)

    async def _run(self, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        disconnected = asyncio.Event()
        delivered = False
        answered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def send_wrapper(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True  # set before sending: the server reports a disconnect once it is sent
            await send(message)

        app_task = asyncio.create_task(self.app(scope, replay, send_wrapper))

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected.set()
            if not answered:
                app_task.cancel()

        watcher = asyncio.create_task(watch())
        try:
            await app_task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not disconnected.is_set() or (current is not None and current.cancelling()):
                raise  # this request itself was cancelled (server shutdown), not just its client gone
        finally:
            watcher.cancel()
            app_task.cancel()


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
