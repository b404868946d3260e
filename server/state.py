"""What the routers share, held on ``app.state.nesy`` (one per app, nothing global)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from nesy.reasoner import Reasoner
from nesy.settings import Settings

from server.jobs import ANONYMOUS, JobRunner, JobStore, owner_of
from server.metrics import Metrics
from server.schemas import ErrorBody

__all__ = ["AppState", "get_state", "get_owner", "ERROR_RESPONSES"]


@dataclass
class AppState:
    settings: Settings
    reasoner: Reasoner
    metrics: Metrics
    jobs: JobStore
    runner: JobRunner


def get_state(request: Request) -> AppState:
    return request.app.state.nesy


def get_owner(request: Request) -> str:
    """Who owns the jobs this request creates or reads: its API key, hashed (APIKeyMiddleware has
    already checked it). Without keys every client is the same owner."""
    if not get_state(request).settings.api_keys:
        return ANONYMOUS
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return owner_of(token.strip() if scheme.lower() == "bearer" else None)


def _err(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Documented on every /v1 route so the OpenAPI schema tells clients (and fuzzers) the truth.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _err("malformed JSON or bad options"),
    401: _err("missing or invalid API key"),
    404: _err("unknown resource (KB, domain, job, backend)"),
    408: _err("the request body did not arrive in time"),
    413: _err("request body, text or job too large"),
    422: _err("invalid request, or formal text that does not parse (with line/col/symbol)"),
    500: _err("internal error"),
    502: _err("the LLM server failed"),
    503: _err("overloaded, or a backend / the LLM unavailable"),
    504: _err("solver or LLM timeout"),
}
