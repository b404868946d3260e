"""``nesy bench``: run (or resume) a benchmark suite and print its summary table."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

__all__ = ["register"]

console = Console(stderr=True)


def bench(
    suite: str = typer.Option("quick", help="Suite name (see --list)."),
    llm: Optional[str] = typer.Option(
        None, help="embedded | URL of an OpenAI-compatible server (comma-separated: replicas) | gold (formal input: "
        "solve each item's gold formal text, no LLM)."
    ),
    mode: str = typer.Option("ours", help="ours | baseline (the published method's prompting)."),
    samples: int = typer.Option(1, help="Translations sampled per item; the answers are voted on."),
    repairs: int = typer.Option(2, help="Repair rounds fed with parser errors."),
    concurrency: Optional[int] = typer.Option(
        None, help="Items translating at once (default: 1 for the embedded model, 8 per server URL)."
    ),
    workers: int = typer.Option(2, help="Solver processes (0: solve in threads of this process)."),
    limit: Optional[int] = typer.Option(None, help="Run only the first N items."),
    seed: int = typer.Option(0, help="Suite generation and bootstrap seed."),
    size: Optional[int] = typer.Option(None, help="Size of a generated suite."),
    path: Optional[str] = typer.Option(None, help="Dataset path for suites that load public data."),
    timeout: float = typer.Option(60.0, help="Solver time limit per item, seconds."),
    rank: str = typer.Option("calibrated", help="Finite choices by likelihood: calibrated | sum | mean | off (generate)."),
    grammar: bool = typer.Option(True, help="Constrain generation with the step's grammar (--no-grammar: ablation)."),
    exemplars: int = typer.Option(3, help="Exemplars per step."),
    context: list[str] = typer.Option(
        [], "--context", help="KEY=VALUE added to every item's problem context (repeatable), e.g. reading=forward."
    ),
    executor: Optional[str] = typer.Option(
        None, help="local | ray: where items run (default: NESY_EXECUTOR). A run resumes with either."
    ),
    ray_address: Optional[str] = typer.Option(
        None, help="Ray cluster to use with --executor ray: HOST:PORT of its head, or auto (default: NESY_RAY_ADDRESS)."
    ),
    out: Optional[Path] = typer.Option(None, help="Run folder (default: derived from the options, so reruns resume)."),
    rescore: bool = typer.Option(False, help="Redo every item from the cached LLM answers."),
    list_: bool = typer.Option(False, "--list", help="List the suites and exit."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
) -> None:
    """Run a benchmark suite (resumable), write report.md / summary.json, print the summary."""
    from benchmarks.registry import describe_suites, suite_problems
    from benchmarks.report import summary_table
    from benchmarks.runner import RunConfig, run_benchmark
    from nesy.errors import NesyError
    from nesy.settings import Settings

    if list_:
        for info in describe_suites():
            extra = " (needs --path)" if info.needs_path else ""
            print(f"{info.name:<28} {info.kind:<9} {info.description}{extra}")
        for kind, why in suite_problems().items():
            print(f"{'(' + kind + ')':<28} n/a       {why}")
        return
    settings = Settings()
    try:
        config = RunConfig(
            suite=suite,
            llm=llm or settings.llm,
            mode=mode,  # type: ignore[arg-type]
            samples=samples,
            repairs=repairs,
            concurrency=concurrency,
            workers=workers,
            limit=limit,
            seed=seed,
            size=size,
            path=path,
            timeout=timeout,
            rank=rank,  # type: ignore[arg-type]
            grammar=grammar,
            exemplars=exemplars,
            context=dict(_key_value(c) for c in context),
            executor=executor or settings.executor,  # type: ignore[arg-type]
            ray_address=ray_address or settings.ray_address,
        )
    except ValueError as e:
        console.print(f"[red]error[/red] (config_error): {e}")
        raise typer.Exit(2)
    try:
        outcome = run_benchmark(config, out, settings=settings, progress=not no_progress, rescore=rescore)
    except NesyError as e:
        console.print(f"[red]error[/red] ({e.kind}): {e}")
        raise typer.Exit(2)
    print(summary_table(outcome.summary["summary"], outcome.summary["timings"]))
    if line := executor_line(outcome.summary["timings"].get("executor") or {}):
        print(line)
    console.print(f"[dim]report: {outcome.files['report']}  summary: {outcome.files['summary']}[/dim]")


def executor_line(ex: dict[str, object]) -> str:
    """Where this session's items ran: items per node, retries after lost workers, items given up."""
    if ex.get("executor") != "ray":
        return ""
    nodes = ", ".join(f"{n} {c}" for n, c in (ex.get("items_per_node") or {}).items()) or "none"  # type: ignore[union-attr]
    line = (f"ray: {ex.get('workers')} workers; items per node: {nodes}; retries {ex.get('retries', 0)}, "
            f"workers lost {ex.get('workers_lost', 0)}, items failed {ex.get('failures', 0)}")
    dead = [u for u, s in (ex.get("llm_servers") or {}).items() if s.get("outages")]  # type: ignore[union-attr]
    return line + (f"; LLM servers with outages: {', '.join(dead)}" if dead else "")


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--context takes KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


def register(app: typer.Typer) -> None:
    app.command("bench")(bench)
