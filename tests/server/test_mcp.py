"""`nesy mcp` answers tool calls from the mcp client library over stdio, and answers what is
not a valid call with a JSON-RPC error or an ``is_error`` result, never with Python internals."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from nesy.reasoner import Reasoner
from server.mcp_server import build_mcp_server, line_error
from tests.server.conftest import REPO, dead_llm_url
from tests.server.hostile_helpers import McpStdio, tool_error
from tests.server.problems import LOGIC_BAD, LOGIC_PROGRAM


async def test_mcp_stdio_tool_call(need) -> None:
    need("logic")
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "nesy.cli", "mcp", "--llm", dead_llm_url()], cwd=str(REPO)
    )
    async with Client(params, read_timeout_seconds=120) as client:
        listed = await client.list_tools()
        assert [t.name for t in listed.tools] == ["plan", "logic", "kg", "solve"]
        assert listed.tools[1].input_schema["required"] == ["program"]

        ok = await client.call_tool("logic", {"program": LOGIC_PROGRAM})
        assert not ok.is_error
        body = json.loads(ok.content[0].text)
        assert body["solution"]["status"] in ("SOLVED", "SOLVED_OPTIMALLY")
        assert ok.structured_content == body

        bad = await client.call_tool("logic", {"program": LOGIC_BAD})
        assert bad.is_error
        err = json.loads(bad.content[0].text)["error"]
        assert err["type"] == "translation_error" and err["line"] == 3


@pytest.mark.parametrize(
    ("line", "code", "rid"),
    [
        ("{not json", -32700, None),
        ('"\\ud800', -32700, None),
        ("[" * 10000 + "]" * 10000, -32700, None),
        ("42", -32600, None),
        ("[1, 2]", -32600, None),
        ('{"jsonrpc": "2.0", "id": 7}', -32600, 7),
        ('{"jsonrpc": "1.0", "id": "a", "method": "tools/list"}', -32600, "a"),
    ],
)
def test_line_error(line: str, code: int, rid: object) -> None:
    err = line_error(line)
    assert err is not None and err.error.code == code and err.id == rid, err


def test_line_error_passes_messages() -> None:
    assert line_error('{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}') is None
    assert line_error('{"jsonrpc": "2.0", "method": "notifications/initialized"}') is None


def test_mcp_protocol_errors_keep_the_server_serving(tmp_path: Path, need) -> None:
    need("logic")
    mcp = McpStdio(tmp_path, dead_llm_url())
    try:
        mcp.initialize()
        for line, code in [("{oops", -32700), ("[]", -32600), ('{"jsonrpc": "2.0", "id": 41}', -32600)]:
            mcp.send_line(line)
            reply = mcp.recv()
            assert reply["error"]["code"] == code and "Traceback" not in json.dumps(reply), reply
        mcp.send_line("")  # blank lines are not messages: no reply
        assert mcp.request("no/such/method")["error"]["code"] == -32601
        # arguments that are not an object: the params are invalid
        assert mcp.call_tool("logic", [1])["error"]["code"] == -32602
        missing = tool_error(mcp.call_tool("logic", {"prog": "x"}))
        assert missing["type"] == "invalid_request" and missing["symbol"] == "program", missing
        typed = tool_error(mcp.call_tool("logic", {"program": LOGIC_PROGRAM, "context": {"options": 5}}))
        assert typed["type"] == "invalid_request" and typed["symbol"] == "context.options", typed
        unknown = tool_error(mcp.call_tool("nosuchtool", {}))
        assert unknown["type"] == "not_found", unknown
        ok = mcp.call_tool("logic", {"program": LOGIC_PROGRAM})["result"]
        assert ok["isError"] is False and ok["structuredContent"]["solution"]["status"].startswith("SOLVED"), ok
        assert mcp.alive()
    finally:
        mcp.close()


async def test_mcp_unexpected_errors_are_generic(caplog: pytest.LogCaptureFixture) -> None:
    """A failure that is not a nesy error reaches the client as its type only; the log has the rest."""
    reasoner = Reasoner(llm=dead_llm_url(), backends=["logic"])

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("/srv/nesy/secret.db: disk I/O error")

    reasoner.asolve_formal = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="nesy.mcp"):
        async with Client(build_mcp_server(reasoner)) as client:
            result = await client.call_tool("logic", {"program": LOGIC_PROGRAM})
    assert result.is_error
    err = json.loads(result.content[0].text)["error"]
    assert err == {"type": "internal_error", "message": "internal error (RuntimeError); see the server log"}
    assert "secret.db" in caplog.text
