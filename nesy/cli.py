"""The ``nesy`` command line. Subcommands of other packages register themselves lazily."""

from __future__ import annotations

import asyncio
import json
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Optional

from enum import Enum

import typer
from rich.console import Console

from nesy import __version__
from nesy.errors import NesyError
from nesy.settings import Settings
from nesy.types import Problem, TranslateOptions

app = typer.Typer(help="nesy: LLM translation + exact symbolic solving.", no_args_is_help=True)
console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        print(f"nesy {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """nesy command line."""


class Rank(str, Enum):
    calibrated = "calibrated"
    sum = "sum"
    mean = "mean"
    off = "off"


class Mode(str, Enum):
    ours = "ours"
    baseline = "baseline"


def _positive(value: Optional[float]) -> Optional[float]:
    if value is not None and not value > 0:
        raise typer.BadParameter(f"{value:g} is not a positive number of seconds")
    return value


def _fail(e: NesyError) -> None:
    console.print(f"[red]error[/red] ({e.kind}): {e}")
    raise typer.Exit(2)


@app.command()
def ask(
    text: str = typer.Argument(..., help="The problem in natural language."),
    kind: Optional[str] = typer.Option(None, help="The formalism, a backend's name (`nesy backends`; detected when absent)."),
    llm: Optional[str] = typer.Option(None, help="embedded | URL of an OpenAI-compatible server."),
    domain: Optional[str] = typer.Option(None, help="Planning: a bundled domain name or a domain.pddl path."),
    kb: Optional[str] = typer.Option(None, help="KG: a bundled knowledge graph (nations, kinships, umls)."),
    mode: Mode = typer.Option(Mode.ours, help="ours, or baseline (the published method's prompting)."),
    samples: int = typer.Option(1, min=1, help="Sample k translations and vote on the answers."),
    repairs: int = typer.Option(2, min=0, help="Repair rounds fed with parser/solver errors."),
    timeout: Optional[float] = typer.Option(None, callback=_positive, help="Solver time limit in seconds."),
    polish: bool = typer.Option(False, help="Let the LLM rewrite the explanation as fluent prose."),
    rank: Rank = typer.Option(Rank.calibrated, help="Finite choices by the model's likelihood (off: generate)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as JSON."),
) -> None:
    """Translate a problem with the LLM, solve it exactly, and explain the answer."""
    from nesy.reasoner import Reasoner

    settings = Settings()
    context: dict[str, str] = {}
    if domain:
        p = Path(domain)
        context.update({"domain_pddl": p.read_text()} if p.is_file() else {"domain": domain})
    if kb:
        context["kb"] = kb
    reasoner = Reasoner(llm=llm, settings=settings)
    opts = TranslateOptions(mode=mode.value, samples=samples, repairs=repairs, polish=polish, rank=rank.value)
    try:
        if kind is not None:
            reasoner.backend(kind)  # a kind is a backend's name: an unknown one is named before any work
        problem = Problem(text=text, kind=kind, context=context)
        with console.status("translating and solving…"):
            result = asyncio.run(reasoner.asolve(problem, opts, timeout=timeout))
    except NesyError as e:
        _fail(e)
        return
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    if result.formalization is not None:
        console.print(f"[bold]formalization[/bold] ({result.formalization.language or result.problem.kind}):")
        print(result.formalization.text)
    elif result.error and result.error.get("partial"):
        console.print(f"[bold]partial formalization[/bold] ({result.problem.kind}):")
        print(result.error["partial"])
    if result.solution is not None:
        console.print(f"[bold]status[/bold]: {result.solution.status.value}")
    print(result.verbalization)
    p, c = result.trace.tokens
    console.print(f"[dim]{result.trace.seconds:.2f} s, {p} prompt + {c} generated tokens[/dim]")


@app.command()
def generate(
    prompt: str = typer.Argument(..., help="A prompt for the raw model."),
    llm: Optional[str] = typer.Option(None, help="embedded | URL."),
    grammar: Optional[Path] = typer.Option(None, help="A GBNF grammar file constraining the output."),
    max_tokens: int = typer.Option(128, min=1),
) -> None:
    """Ask the LLM directly (optionally under a GBNF grammar): a smoke test of the LLM layer."""
    from nesy.llm.factory import make_llm

    async def run() -> None:
        model = make_llm(llm, Settings())
        try:
            out = await model.chat(
                [{"role": "user", "content": prompt}],
                grammar=grammar.read_text() if grammar else None,
                max_tokens=max_tokens,
            )
        finally:
            await model.aclose()
        print(out.text)
        console.print(f"[dim]{out.prompt_tokens} prompt + {out.completion_tokens} generated tokens, {out.seconds:.2f} s[/dim]")

    try:
        asyncio.run(run())
    except NesyError as e:
        _fail(e)


@app.command()
def backends(
    llm: Optional[str] = typer.Option(None, help="Describe this LLM spec instead of NESY_LLM's (embedded | URL)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """What would be used: the LLM, each backend's engines, bundled domains and KGs, datasets.

    The LLM is described from the settings and the files (model, adapter and its hash against
    its manifest) without loading it; each engine is available or says why not.
    """
    from nesy.cli_formal import settings_for_cli
    from nesy.inventory import render, report

    try:
        rep = report(settings_for_cli(), llm)
    except NesyError as e:
        _fail(e)
        return
    if as_json:
        print(json.dumps(rep, indent=2, default=str))
        return
    for line in render(rep):
        print(line)


# -- formal input: no LLM; the path the HTTP formal endpoints take (Reasoner.asolve_formal) --


@app.command()
def plan(
    domain: str = typer.Argument(..., help="DOMAIN.pddl, or a bundled domain's name (blocksworld, gripper, logistics)."),
    problem: str = typer.Argument(..., help="PROBLEM.pddl, or - for standard input."),
    engine: Optional[str] = typer.Option(None, help="auto, fd-opt, fd-sat, pyperplan, pyperplan-opt, enhsp… (`nesy backends`)."),
    timeout: Optional[float] = typer.Option(None, callback=_positive, help="Planner time limit in seconds (capped by NESY_MAX_TIMEOUT)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON (the HTTP API's shape)."),
) -> None:
    """Solve a PDDL problem with a real planner and validate the plan.

    Exit code 0: a validated plan; 1: no plan (unsolvable, timeout, planner failure); 2: bad
    input or configuration (a parse error with its line and column, an unknown domain or engine).
    """
    from nesy.cli_formal import read_source, run_formal, settings_for_cli, fail

    try:
        settings = settings_for_cli()
        prob = read_source(problem, "problem")
        sources = {"problem": prob}
        if Path(domain).is_file() or domain.endswith(".pddl") or "/" in domain:
            sources["domain"] = read_source(domain, "domain")
            context: dict[str, str] = {"domain_pddl": sources["domain"].text}
        else:
            context = {"domain": domain}
    except NesyError as e:
        raise typer.Exit(fail(e, console, as_json=as_json))
    if engine is not None:
        context["engine"] = engine
    raise typer.Exit(run_formal("planning", prob, context, settings=settings, timeout=timeout, as_json=as_json,
                                console=console, sources=sources))


@app.command()
def prove(
    program: str = typer.Argument(..., help="A program file, or - for standard input."),
    timeout: Optional[float] = typer.Option(None, callback=_positive, help="Z3 time limit in seconds (capped by NESY_MAX_TIMEOUT)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON (the HTTP API's shape)."),
    reading: str = typer.Option("classical", help="classical | forward (open-world forward chaining, "
                                "ProofWriter's reasoner) | closed-world (negation as failure)."),
) -> None:
    """Decide a logic program with Z3 (FOL lines, the constraint form or SMT-LIB2).

    The language is detected. Exit code 0: decided (True, False, Unknown; sat / unsat); 1: no
    answer (timeout, Z3's unknown); 2: bad input (a parse error with its line and column).
    """
    from nesy.cli_formal import read_source, run_formal, settings_for_cli, fail

    try:
        settings = settings_for_cli()
        src = read_source(program, "program")
    except NesyError as e:
        raise typer.Exit(fail(e, console, as_json=as_json))
    # the backend checks the reading's name (an unknown one exits 2, naming the known ones)
    context = {} if reading == "classical" else {"reading": reading}
    raise typer.Exit(run_formal("logic", src, context, settings=settings, timeout=timeout, as_json=as_json,
                                console=console, sources={"program": src}))


@app.command()
def query(
    text: str = typer.Argument(..., help="An EFO-1 query, e.g. 'militaryalliance(netherlands, f)' (- reads standard input)."),
    kb: str = typer.Option(..., help="A bundled knowledge graph: nations, kinships, umls."),
    top_k: int = typer.Option(10, min=1, help="How many ranked answers (capped by NESY_MAX_TOP_K)."),
    timeout: Optional[float] = typer.Option(None, callback=_positive, help="Time limit in seconds (capped by NESY_MAX_TIMEOUT)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON (the HTTP API's shape)."),
) -> None:
    """Answer an EFO-1 query over a bundled KG: ranked answers with their supporting edges.

    Exit code 0: answered; 1: no answer (timeout); 2: bad input (a parse error with its column,
    an unknown KB or relation).
    """
    from nesy.cli_formal import Source, read_source, run_formal, settings_for_cli, fail

    try:
        settings = settings_for_cli()
        src = read_source(text, "query") if text == "-" else Source("the query", text)
    except NesyError as e:
        raise typer.Exit(fail(e, console, as_json=as_json))
    k = min(top_k, settings.max_top_k)
    raise typer.Exit(run_formal("kg", src, {"kb": kb, "top_k": k}, settings=settings, timeout=timeout,
                                as_json=as_json, console=console, sources={"query": src}, top_k=k))


def _register_subcommands() -> None:
    """Other packages add their own commands (serve, mcp, bench, train) through ``nesy.commands``.

    Each entry point names a ``register(app)`` function; one whose package (or a dependency
    of it) is missing is left out, so ``nesy`` names none of them and works without them.
    """
    for ep in entry_points(group="nesy.commands"):
        try:
            register = ep.load()
        except ImportError:
            continue
        register(app)


_register_subcommands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
