"""``nesy serve`` (the HTTP API under uvicorn) and ``nesy mcp`` (the MCP server on stdio)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from nesy.settings import Settings

__all__ = ["register"]


def _settings(llm: Optional[str], jobs_db: Optional[Path]) -> Settings:
    # A server never trains a KG's link predictor inside a request: one client would hold a
    # worker for minutes; the backend trains in the background and answers 503 until ready.
    updates: dict[str, object] = {"kg_train_in_request": False}
    if llm:
        updates["llm"] = llm
    if jobs_db:
        updates["jobs_db"] = jobs_db
    return Settings(**updates)  # type: ignore[arg-type]


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's per-thread malloc arenas.

    Request threads each get an arena by default (up to 8 per core), which made the server's
    RSS double under 16 concurrent requests without any leak (sequential use stays flat).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name:
        try:
            ctypes.CDLL(name).mallopt(-8, arenas)  # M_ARENA_MAX
        except (OSError, AttributeError):  # not glibc: nothing to cap
            pass


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to bind."),
        port: int = typer.Option(8000, help="TCP port."),
        llm: Optional[str] = typer.Option(None, help="embedded | URL of an OpenAI-compatible server (default: NESY_LLM)."),
        jobs_db: Optional[Path] = typer.Option(None, help="SQLite file for batch jobs (default: NESY_JOBS_DB)."),
        log_level: str = typer.Option("info", help="uvicorn log level."),
    ) -> None:
        """Serve the HTTP API (one process: batch jobs run inside it)."""
        import uvicorn

        from server.app import build_app

        _limit_malloc_arenas()
        uvicorn.run(build_app(_settings(llm, jobs_db)), host=host, port=port, log_level=log_level)

    @app.command()
    def mcp(
        llm: Optional[str] = typer.Option(None, help="embedded | URL (used by the solve tool only)."),
    ) -> None:
        """Serve the nesy tools over MCP on stdio."""
        from server.mcp_server import run_stdio

        run_stdio(_settings(llm, None), llm)
