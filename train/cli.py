"""``nesy train``: fine-tune the embedded translator on verified pairs from seen compositions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register", "train_command"]


def train_command(
    formalism: list[str] = typer.Option(["planning"], "--formalism", "--formalisms", "-f",
                                   help="Formalisms to draw pairs from (repeat, or comma-separated): planning, logic (kg has no pair source yet)."),
    suite: Optional[str] = typer.Option(None, help="Suite whose seen compositions give the pairs (default: each source's own)."),
    pairs: int = typer.Option(400, help="Number of training pairs (split evenly over formalisms)."),
    epochs: float = typer.Option(1.0, help="Passes over the pairs."),
    method: str = typer.Option("lora", help="lora | full (a full fine-tune is exported as a rank-r SVD adapter)."),
    rank: int = typer.Option(16, help="LoRA rank."),
    alpha: float = typer.Option(32.0, help="LoRA alpha (scale = alpha / rank)."),
    lr: Optional[float] = typer.Option(None, help="Peak learning rate (default 1e-3 LoRA, 5e-5 full)."),
    batch_size: int = typer.Option(8, help="Pairs per step."),
    max_len: int = typer.Option(768, help="Longest pair in tokens (longer ones are an error, never cut)."),
    seed: int = typer.Option(0, help="Seed of pair sampling, LoRA init and shuffling."),
    threads: int = typer.Option(1, help="Torch threads; results are bit-for-bit only at the same count."),
    max_steps: Optional[int] = typer.Option(None, help="Stop after this many steps of the full run's schedule (smoke runs, reproduction checks)."),
    device: str = typer.Option("cpu", help="cpu | cuda (where torch sees a GPU)."),
    exemplars_by: str = typer.Option("problem", help="Record prompts with exemplars chosen per problem (as inference does) or per clause."),
    pairs_file: Optional[Path] = typer.Option(None, help="Train on these pairs (JSON lines from --save-pairs) instead of drawing them."),
    save_pairs_to: Optional[Path] = typer.Option(None, "--save-pairs", help="Also write the drawn pairs here (JSON lines)."),
    output: Optional[Path] = typer.Option(None, help="Output folder (default: nesy/adapters, which the embedded model loads)."),
    public_tune: Optional[Path] = typer.Option(None, help="Opt-in: also train on verified logic pairs from the tuning "
                                               "parts of the public sets under this folder (<Dataset>/dev.json, e.g. "
                                               "../shared/data/logic); reporting parts are never used."),
    public_tune_per_set: Optional[int] = typer.Option(None, help="With --public-tune: about this many pairs per "
                                                      "dataset (whole items in a seeded order; default all)."),
) -> None:
    """Fine-tune SmolLM2 on (clause → formal text) pairs and export GGUF + PEFT adapters."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from nesy.errors import NesyError
    from train.pairs import load_pairs, save_pairs
    from train.run import default_output, run_training
    from train.trainer import TrainConfig

    console = Console(stderr=True)
    formalism = [f.strip() for item in formalism for f in item.split(",") if f.strip()]
    if exemplars_by not in ("problem", "clause"):
        console.print(f"[red]error[/red]: --exemplars-by must be problem or clause, not {exemplars_by!r}")
        raise typer.Exit(2)
    if method not in ("lora", "full"):
        console.print(f"[red]error[/red]: --method must be lora or full, not {method!r}")
        raise typer.Exit(2)
    cfg = TrainConfig(method=method, rank=rank, alpha=alpha, lr=lr, epochs=epochs, batch_size=batch_size,  # type: ignore[arg-type]
                      max_len=max_len, seed=seed, threads=threads, max_steps=max_steps, device=device)
    out = output or default_output()
    progress = Progress(
        TextColumn("[bold]training"), BarColumn(), MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.4f}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=console,
    )
    task = None

    def on_pairs(ps: list) -> None:
        if save_pairs_to is not None:
            save_pairs(ps, save_pairs_to)
        sigs = sorted({p.signature for p in ps})
        from train.sources.public_logic import is_public_pair

        public = [p for p in ps if is_public_pair(p)]
        if public:
            console.print(f"{len(public)} of them from the public tuning parts: " + ", ".join(
                f"{s} {sum(p.signature == s for p in public)}" for s in sorted({p.signature for p in public})))
        console.print(f"{len(ps)} verified pairs from {len(sigs)} seen compositions ({time.perf_counter() - t0:.0f} s)")

    def step(s: int, total: int, loss: float) -> None:
        nonlocal task
        if task is None:
            task = progress.add_task("train", total=total, loss=loss)
        progress.update(task, completed=s, loss=loss)

    t0 = time.perf_counter()
    try:
        with progress:
            given = load_pairs(pairs_file) if pairs_file else None
            # --public-tune is opt-in: without it the default pairs (and digest) stay as they are
            res = run_training(formalism, cfg, n_pairs=pairs, output=out, suite=suite, pairs=given,
                               progress=step, on_pairs=on_pairs, exemplars_by=exemplars_by,
                               public_tune=public_tune, public_tune_per_set=public_tune_per_set)
    except NesyError as e:
        console.print(f"[red]error[/red] ({e.kind}): {e}")
        raise typer.Exit(2)
    first, last = res.result.first_last_loss()
    console.print(
        f"loss {first:.4f} → {last:.4f} in {res.result.steps} steps, {res.result.seconds:.0f} s "
        f"({res.result.tokens} tokens)\nllama.cpp adapter: {res.gguf} ({res.gguf.stat().st_size / 1e6:.1f} MB)\n"
        f"vLLM adapter: {res.peft_dir}  (vllm serve HuggingFaceTB/SmolLM2-135M-Instruct --enable-lora "
        f"--lora-modules nesy={res.peft_dir})\nmanifest: {res.manifest}"
    )


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
