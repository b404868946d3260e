"""`nesy mcp` answers tool calls from the mcp client library over stdio."""

from __future__ import annotations

import json
import sys

from mcp import Client, StdioServerParameters

from tests.server.conftest import REPO, dead_llm_url
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
