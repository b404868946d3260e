"""nesy's HTTP service, agent tools and MCP server.

Imports are lazy so that ``nesy`` commands that do not serve never load FastAPI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_app", "create_app", "tool_definitions", "call_tool"]


def __getattr__(name: str) -> Any:
    if name in ("build_app", "create_app"):
        from server import app

        return getattr(app, name)
    if name in ("tool_definitions", "call_tool"):
        from server import tools

        return getattr(tools, name)
    raise AttributeError(f"module 'server' has no attribute {name!r}")
