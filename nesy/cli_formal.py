"""The formal-input commands' shared part (``nesy plan``, ``nesy prove``, ``nesy query``).

They run ``Reasoner.asolve_formal``, the path the HTTP formal endpoints take, and print what
``nesy ask`` prints: the status, then the certified answer's explanation. Exit codes a script
can use: 0 answered, 1 no answer (unsolvable, timeout, Z3's unknown, a solver failure), 2 bad
input or configuration (a parse error, with its line, column and symbol; an unknown domain,
KB or engine; an engine that is not installed).
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from nesy.errors import ConfigError, NesyError
from nesy.settings import Settings
from nesy.types import Solution, Status, Trace

__all__ = [
    "ANSWERED", "NO_ANSWER", "BAD_INPUT", "Source", "read_source", "settings_for_cli", "cap_timeout", "exit_code", "fail",
    "run_formal",
]

ANSWERED, NO_ANSWER, BAD_INPUT = 0, 1, 2


@dataclass(frozen=True)
class Source:
    """A text the user gave, and how to name it in an error message."""

    label: str
    text: str


def read_source(arg: str, what: str) -> Source:
    """``-`` reads standard input; anything else is a file's path."""
    if arg == "-":
        return Source("<stdin>", sys.stdin.read())
    path = Path(arg)
    if not path.is_file():
        raise ConfigError(f"{what} file {arg!r} does not exist", stage="request", symbol=arg)
    try:
        return Source(arg, path.read_text())
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read {what} file {arg!r}: {e}", stage="request", symbol=arg) from e


def settings_for_cli() -> Settings:
    """Settings from the environment; a bad NESY_* value is a ConfigError (exit 2) naming it."""
    try:
        settings = Settings()
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ()))
        raise ConfigError(f"NESY_{field.upper()}: {err.get('msg', 'invalid value')}", stage="settings") from None
    # One solve per command: warm spare solver processes would be started only to be killed.
    if "sandbox_spares" not in settings.model_fields_set:
        settings = settings.model_copy(update={"sandbox_spares": 0})
    return settings


def cap_timeout(settings: Settings, timeout: float | None) -> float:
    """The time limit applied, clamped by Settings as the server clamps a client's."""
    return min(settings.solve_timeout if timeout is None else timeout, settings.max_timeout)


def exit_code(sol: Solution) -> int:
    if sol.status.solved:
        return ANSWERED
    # the engine is not installed, or cannot handle the problem's features: a configuration matter
    return BAD_INPUT if sol.status is Status.UNSUPPORTED else NO_ANSWER


def _where(e: NesyError, sources: dict[str, Source]) -> list[str]:
    """A parse error's position, and the offending line with a caret under its column."""
    line, col, symbol = e.details.get("line"), e.details.get("col"), e.details.get("symbol")
    if line is None:  # the message names what is wrong
        return []
    src = sources.get(str(e.details.get("part", ""))) or (next(iter(sources.values())) if len(sources) == 1 else None)
    at = f"  at line {line}" + (f", column {col}" if col is not None else "")
    at += f" of {src.label}" if src else ""
    at += f", symbol {symbol!r}" if symbol else ""
    out = [at]
    lines = src.text.splitlines() if src else []
    if 1 <= int(line) <= len(lines):
        out.append(f"  {line:>5} | {lines[int(line) - 1]}")
        if col is not None and int(col) >= 1:
            out.append(f"  {'':>5} | {' ' * (int(col) - 1)}^")
    return out


def fail(e: NesyError, console: Console, *, as_json: bool, sources: dict[str, Source] | None = None) -> int:
    """Print an error (and, for scripts, its JSON shape, the HTTP API's) and return exit code 2."""
    console.print(f"[red]error[/red] ({e.kind}): {escape(e.message)}", soft_wrap=True)
    for line in _where(e, sources or {}):
        console.print(escape(line), highlight=False, soft_wrap=True)
    if as_json:
        print(json.dumps({"error": e.to_dict()}, indent=2, default=str))
    return BAD_INPUT


async def _solve(
    settings: Settings, kind: str, text: str, context: dict[str, Any], timeout: float
) -> tuple[Solution, str, Trace]:
    from nesy.reasoner import Reasoner

    reasoner = Reasoner(backends=[kind], settings=settings)
    try:
        return await reasoner.asolve_formal(kind, text, context, timeout=timeout)
    finally:
        await reasoner.aclose()


def run_formal(
    kind: str,
    main: Source,
    context: dict[str, Any],
    *,
    settings: Settings,
    timeout: float | None,
    as_json: bool,
    console: Console,
    sources: dict[str, Source],
    top_k: int | None = None,
) -> int:
    """Solve ``main`` (formal text of ``kind``), print the outcome, and return the exit code."""
    limit = cap_timeout(settings, timeout)
    try:
        with console.status(f"solving ({kind})…"):
            sol, verbal, trace = asyncio.run(_solve(settings, kind, main.text, context, limit))
    except NesyError as e:
        return fail(e, console, as_json=as_json, sources=sources)
    if top_k is not None and isinstance(sol.answer, list) and len(sol.answer) > top_k:
        sol = sol.model_copy(update={"answer": sol.answer[:top_k]})  # as the HTTP endpoint trims
    code = exit_code(sol)
    if as_json:  # the HTTP formal endpoints' response shape
        print(json.dumps({"kind": kind, "solution": sol.model_dump(mode="json"), "verbalization": verbal,
                          "timeout": limit, "trace": trace.model_dump(mode="json")}, indent=2, default=str))
        return code
    engine = f", engine {sol.engine}" if sol.engine else ""
    colour = "green" if code == ANSWERED else "red"
    console.print(f"[bold]status[/bold]: [{colour}]{sol.status.value}[/{colour}] ({kind}{escape(engine)})")
    if sol.message and code != ANSWERED:
        console.print(escape(sol.message), highlight=False)
    print(verbal)
    stages = ", ".join(f"{s.name} {s.seconds:.2f}" for s in trace.stages)
    console.print(f"[dim]{trace.seconds:.2f} s ({stages}), time limit {limit:g} s[/dim]")
    return code
