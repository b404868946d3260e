"""What the routers share, held on ``app.state.nesy`` (one per app, nothing global)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from nesy.reasoner import Reasoner
from nesy.settings import Settings

from server.jobs import JobRunner, JobStore
from server.metrics import Metrics
from server.schemas import ErrorBody

__all__ = ["AppState", "get_state", "ERROR_RESPONSES"]


@dataclass
class AppState:
    settings: Settings
    reasoner: Reasoner
    metrics: Metrics
    jobs: JobStore
    runner: JobRunner


def get_state(request: Request) -> AppState:
    return request.app.state.nesy


def _err(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Documented on every /v1 route so the OpenAPI schema tells clients (and fuzzers) the truth.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _err("malformed JSON or bad options"),
    401: _err("missing or invalid API key"),
    404: _err("unknown resource (KB, domain, job, backend)"),
    413: _err("request body or text too large"),
    422: _err("invalid request, or formal text that does not parse (with line/col/symbol)"),
    500: _err("internal error"),
    502: _err("the LLM server failed"),
    503: _err("overloaded, or a backend / the LLM unavailable"),
    504: _err("solver or LLM timeout"),
}
