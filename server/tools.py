"""nesy as agent tools: OpenAI function-calling definitions and one dispatcher.

The parameter schemas are the HTTP request models' JSON schemas (refs inlined), so the
tools, the HTTP API and the MCP server accept exactly the same arguments.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from nesy.errors import UnknownResourceError
from nesy.reasoner import Reasoner

from server import service
from server.errors import InvalidRequestError
from server.schemas import KGQueryRequest, LogicRequest, PlanRequest, SolveRequest

__all__ = ["Tool", "TOOLS", "tool_definitions", "call_tool"]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    model: type[BaseModel]
    run: Callable[[Reasoner, Any], Awaitable[BaseModel]]

    def parameters(self) -> dict[str, Any]:
        return _inline_refs(self.model.model_json_schema())


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool(
            "plan",
            "Find a plan for a PDDL planning problem with a classical planner and validate it. "
            "Give the PDDL problem and either a bundled domain name (blocksworld, gripper, logistics) "
            "or the PDDL domain text. Returns the status, the validated plan and an explanation.",
            PlanRequest,
            service.plan,
        ),
        Tool(
            "logic",
            "Decide a first-order logic program or an SMT-LIB2 script with the Z3 solver. "
            "Returns the verdict (entailed / not entailed / unknown, sat / unsat), a model or the unsat core.",
            LogicRequest,
            service.logic,
        ),
        Tool(
            "kg",
            "Answer an EFO-1 query (projection, intersection, union, negation) over a bundled knowledge "
            "graph (nations, kinships, umls), e.g. r1(s,e1) & r2(e1,f). Returns ranked answers with "
            "truth values and the supporting edges.",
            KGQueryRequest,
            service.kg_query,
        ),
        Tool(
            "solve",
            "Solve a problem stated in natural language: an LLM translates it to PDDL, logic or a KG "
            "query, a symbolic solver answers exactly, and the answer is explained. Set kind when known.",
            SolveRequest,
            service.solve,
        ),
    )
}


def tool_definitions() -> list[dict[str, Any]]:
    """The tools in OpenAI function-calling format (``tools=[...]`` of a chat request)."""
    return [
        {"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters()}}
        for t in TOOLS.values()
    ]


async def call_tool(reasoner: Reasoner, name: str, arguments: dict[str, Any] | str | None) -> dict[str, Any]:
    """Run tool ``name`` with its (JSON-object or JSON-text) arguments; raises NesyError on failure."""
    tool = TOOLS.get(name)
    if tool is None:
        raise UnknownResourceError(f"unknown tool {name!r}; tools: {', '.join(TOOLS)}", stage="tool", symbol=name)
    try:
        if isinstance(arguments, str):
            req = tool.model.model_validate_json(arguments or "{}")
        else:
            req = tool.model.model_validate(arguments or {})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidRequestError(
            f"invalid arguments for tool {name!r}: {where}: {first['msg']}" if where else f"invalid arguments for {name!r}: {first['msg']}",
            stage="tool",
            symbol=where or None,
        ) from e
    resp = await tool.run(reasoner, req)
    return resp.model_dump(mode="json")


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace ``$ref`` to ``$defs`` by the definitions: some agent frameworks do not resolve refs."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = copy.deepcopy(defs[ref.split("/")[-1]])
                extra = {k: v for k, v in node.items() if k != "$ref"}
                return walk({**target, **extra})
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)
