"""An MCP server exposing the same tools as /v1/tools, over stdio (``nesy mcp``).

Hostile or broken clients get JSON-RPC errors, never silence or Python internals:

- a line that is not JSON is answered ``-32700`` (id null) and one that is JSON but not a
  JSON-RPC 2.0 message ``-32600``; the mcp package would drop both without a word, so the
  lines are checked before its ``stdio_server`` reads them, and serving goes on;
- unknown methods are the package's ``-32601``, malformed params its ``-32602``;
- a tool that fails answers an ``is_error`` result: nesy's errors as their ``to_dict()``
  (wrong arguments name the field), anything else as ``internal error (TypeName)`` with the
  details in the log on stderr.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from io import TextIOWrapper
from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

from nesy import __version__
from nesy.errors import NesyError
from nesy.reasoner import Reasoner
from nesy.settings import Settings

from server.tools import TOOLS, call_tool

__all__ = ["build_mcp_server", "line_error", "run_stdio"]

log = logging.getLogger("nesy.mcp")


def _tool_result(body: dict[str, Any], *, is_error: bool) -> types.CallToolResult:
    text = [types.TextContent(type="text", text=json.dumps(body))]
    if is_error:
        return types.CallToolResult(content=text, is_error=True)
    return types.CallToolResult(content=text, structured_content=body, is_error=False)


def build_mcp_server(reasoner: Reasoner) -> Server[Any]:
    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[types.Tool(name=t.name, description=t.description, input_schema=t.parameters()) for t in TOOLS.values()]
        )

    async def call(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        # Tool failures go back to the model as content it can read and act on.
        try:
            out = await call_tool(reasoner, params.name, dict(params.arguments or {}))
        except NesyError as e:
            return _tool_result({"error": e.to_dict()}, is_error=True)
        except Exception as e:
            log.exception("tool %r failed", params.name)
            message = f"internal error ({type(e).__name__}); see the server log"
            return _tool_result({"error": {"type": "internal_error", "message": message}}, is_error=True)
        return _tool_result(out, is_error=False)

    return Server(
        "nesy",
        version=__version__,
        instructions="Exact reasoning tools: PDDL planning, first-order logic / SMT, knowledge-graph queries, "
        "and natural-language problems solved through them.",
        on_list_tools=list_tools,
        on_call_tool=call,
    )


def _error(request_id: types.RequestId | None, code: int, message: str) -> types.JSONRPCError:
    return types.JSONRPCError(jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message))


def _request_id(line: str) -> types.RequestId | None:
    """The id of a JSON object line, when it has a usable one (else the reply's id is null)."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return None
    rid = data.get("id") if isinstance(data, dict) else None
    return rid if isinstance(rid, str | int) and not isinstance(rid, bool) else None


def line_error(line: str) -> types.JSONRPCError | None:
    """The reply to a line that is not a JSON-RPC 2.0 message; None for a message.

    Validated exactly as the mcp package's reader will validate it, so every line that
    passes here is one it accepts.
    """
    try:
        types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValidationError as e:
        if any(err["type"] == "json_invalid" for err in e.errors()):
            return _error(None, types.PARSE_ERROR, "Parse error: the line is not valid JSON")
        return _error(
            _request_id(line), types.INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 request, notification or response"
        )
    return None


async def _checked_lines(
    lines: AsyncIterable[str], reply: Callable[[types.JSONRPCError], Awaitable[None]]
) -> AsyncIterator[str]:
    """The JSON-RPC messages among ``lines``; every other non-blank line is answered here."""
    async for line in lines:
        if not line.strip():
            continue
        error = line_error(line)
        if error is None:
            yield line
        else:
            await reply(error)


def _claim_stdin() -> TextIOWrapper:
    """The wire, read from a private duplicate of fd 0; fd 0 then reads /dev/null, so that no
    solver subprocess can consume protocol bytes."""
    wire = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return TextIOWrapper(os.fdopen(wire, "rb"), encoding="utf-8", errors="replace")


def run_stdio(settings: Settings, llm: str | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    reasoner = Reasoner(llm=llm or settings.llm, settings=settings)
    server = build_mcp_server(reasoner)

    async def main() -> None:
        started = anyio.Event()

        async def reply(error: types.JSONRPCError) -> None:
            await started.wait()  # the write stream exists once stdio_server has started
            await write.send(SessionMessage(error))

        stdin = anyio.wrap_file(_claim_stdin())
        try:
            async with stdio_server(stdin=_checked_lines(stdin, reply)) as (read, write):  # type: ignore[arg-type]
                started.set()
                await server.run(read, write, server.create_initialization_options())
        finally:
            await reasoner.aclose()

    anyio.run(main)
