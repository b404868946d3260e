"""nesy's HTTP service, agent tools and MCP server."""

from server.app import build_app, create_app

__all__ = ["build_app", "create_app"]
