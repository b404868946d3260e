"""The agent tools from Python: definitions, dispatch to the real backends, argument errors."""

from __future__ import annotations

import json

import pytest

from nesy import Reasoner, Settings
from nesy.errors import TranslationError, UnknownResourceError

from server.errors import InvalidRequestError
from server.tools import call_tool, tool_definitions
from tests.server.problems import BLOCKS_PROBLEM, LOGIC_BAD, LOGIC_PROGRAM


@pytest.fixture(scope="module")
def reasoner() -> Reasoner:
    return Reasoner(llm="http://127.0.0.1:9", settings=Settings(llm_retries=0))


def test_definitions_match_the_request_models() -> None:
    defs = {d["function"]["name"]: d["function"]["parameters"] for d in tool_definitions()}
    assert defs["plan"]["required"] == ["problem"]
    assert defs["kg"]["required"] == ["kb", "query"]
    assert defs["logic"]["properties"]["program"]["type"] == "string"
    assert defs["solve"]["properties"]["options"]["properties"]["samples"]["maximum"] == 8  # inlined from $defs
    json.dumps(defs)  # plain JSON


async def test_call_logic_tool(reasoner: Reasoner, need) -> None:
    need("logic")
    out = await call_tool(reasoner, "logic", {"program": LOGIC_PROGRAM})
    assert out["solution"]["status"] in ("SOLVED", "SOLVED_OPTIMALLY") and out["verbalization"]
    json.dumps(out)


async def test_call_plan_tool_with_json_text_arguments(reasoner: Reasoner, need) -> None:
    need("planning")
    out = await call_tool(reasoner, "plan", json.dumps({"domain": "blocksworld", "problem": BLOCKS_PROBLEM}))
    assert len(out["solution"]["answer"]) == 6


async def test_tool_errors(reasoner: Reasoner, need) -> None:
    need("logic")
    with pytest.raises(UnknownResourceError, match="unknown tool 'fly'"):
        await call_tool(reasoner, "fly", {})
    with pytest.raises(InvalidRequestError, match="program"):
        await call_tool(reasoner, "logic", {"programme": "x"})
    with pytest.raises(TranslationError) as e:
        await call_tool(reasoner, "logic", {"program": LOGIC_BAD})
    assert e.value.line == 3
