"""An MCP server exposing the same tools as /v1/tools, over stdio (``nesy mcp``)."""

from __future__ import annotations

import json
from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from nesy import __version__
from nesy.errors import NesyError
from nesy.reasoner import Reasoner
from nesy.settings import Settings

from server.tools import TOOLS, call_tool

__all__ = ["build_mcp_server", "run_stdio"]


def build_mcp_server(reasoner: Reasoner) -> Server[Any]:
    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[types.Tool(name=t.name, description=t.description, input_schema=t.parameters()) for t in TOOLS.values()]
        )

    async def call(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            out = await call_tool(reasoner, params.name, dict(params.arguments or {}))
        except NesyError as e:
            # Tool failures go back to the model as content it can read and act on.
            body = {"error": e.to_dict()}
            return types.CallToolResult(content=[types.TextContent(type="text", text=json.dumps(body))], is_error=True)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(out))], structured_content=out, is_error=False
        )

    return Server(
        "nesy",
        version=__version__,
        instructions="Exact reasoning tools: PDDL planning, first-order logic / SMT, knowledge-graph queries, "
        "and natural-language problems solved through them.",
        on_list_tools=list_tools,
        on_call_tool=call,
    )


def run_stdio(settings: Settings, llm: str | None = None) -> None:
    reasoner = Reasoner(llm=llm or settings.llm, settings=settings)
    server = build_mcp_server(reasoner)

    async def main() -> None:
        try:
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())
        finally:
            await reasoner.aclose()

    anyio.run(main)
