"""The one error shape of the HTTP API, and the one place exceptions are mapped to it.

Every failure answers ``{"error": {"type", "message", "stage", "line", "col", "symbol", ...}}``:
nesy's own errors through ``NesyError.to_dict()`` / ``http_status``, request validation
(malformed JSON 400, schema violations 422), HTTP errors (404, 405), and anything
unexpected (500, logged with its traceback, never echoed to the client).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from nesy.errors import InvalidRequestError, NesyError

__all__ = [
    "SolverTimeoutError",
    "InvalidRequestError",
    "OverloadedError",
    "error_body",
    "error_response",
    "install_error_handlers",
]

log = logging.getLogger("nesy.server")

# Keys every error body carries (null when they do not apply), so clients can rely on them.
_BASE_KEYS = ("type", "message", "stage", "line", "col", "symbol")


class SolverTimeoutError(NesyError):
    """The solver gave up at the time limit; raised by the server, not the backends."""

    kind = "solver_timeout"
    http_status = 504


class OverloadedError(NesyError):
    kind = "overloaded"
    http_status = 503


def error_body(type_: str, message: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {k: None for k in _BASE_KEYS}
    body.update({"type": type_, "message": message})
    body.update({k: _jsonable(v) for k, v in extra.items()})
    return {"error": body}


def error_response(status: int, type_: str, message: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(type_, message, **extra), status_code=status, headers=headers)


def nesy_error_body(e: NesyError) -> dict[str, Any]:
    d = e.to_dict()
    return error_body(d.pop("type"), d.pop("message"), **d)


def _jsonable(v: Any) -> Any:
    try:
        json.dumps(v)
        return v
    except (TypeError, ValueError):
        return str(v)


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        # FastAPI reports the character offset as loc ('body', pos); ctx holds the decoder's reason.
        pos = bad_json.get("loc", ("body", None))[-1]
        reason = (bad_json.get("ctx") or {}).get("error", "invalid JSON")
        return error_response(400, "invalid_json", f"malformed JSON body: {reason}", stage="request", col=pos)
    slim = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in errors]
    first = slim[0] if slim else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    return error_response(
        422,
        "invalid_request",
        f"{where}: {first['msg']}" if where else first["msg"],
        stage="request",
        symbol=first["loc"][-1] if first["loc"] else None,
        errors=slim,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping from exceptions to the error shape (the only place it happens)."""

    @app.exception_handler(NesyError)
    async def _nesy(request: Request, exc: NesyError) -> JSONResponse:
        if exc.http_status >= 500:
            log.warning("%s %s -> %s: %s", request.method, request.url.path, exc.kind, exc.message)
        retry = exc.details.get("retry_after")  # e.g. a KG whose link predictor is still training
        headers = {"Retry-After": str(int(retry))} if isinstance(retry, (int, float)) else None
        return JSONResponse(nesy_error_body(exc), status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}
        return error_response(
            exc.status_code, kinds.get(exc.status_code, "http_error"), str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", f"internal error ({type(exc).__name__}); see the server log")
