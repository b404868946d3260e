"""Throughput of the benchmark runner versus a sequential loop, on the same server and items.

    python -m benchmarks.throughput --llm http://127.0.0.1:8100 --suite quick --limit 9

The sequential loop is how the published pipelines run: one problem at a time,
translate then solve (``Reasoner.asolve``). The runner overlaps LLM calls of up to
``concurrency`` items and solves in a process pool. Every timed pass starts with an
empty LLM cache; an untimed warm-up pass first puts every pass on an equal footing
with respect to the server's own prefix cache.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.registry import load_suite
from benchmarks.runner import RunConfig, arun_benchmark
from nesy.backend import load_backends
from nesy.llm.factory import make_llm
from nesy.reasoner import Reasoner
from nesy.settings import Settings
from nesy.suite import Suite
from nesy.types import TranslateOptions

__all__ = ["sequential_pass", "runner_pass", "main"]


async def sequential_pass(suite: Suite, llm_spec: str, options: TranslateOptions, settings: Settings) -> float:
    """Seconds for one-at-a-time translate+solve over the suite's items."""
    reasoner = Reasoner(llm=make_llm(llm_spec, settings), backends=load_backends(), settings=settings)
    start = time.perf_counter()
    try:
        for item in suite.items:
            await reasoner.asolve(item.problem, options, gold=item.gold)
    finally:
        await reasoner.aclose()
    return time.perf_counter() - start


async def runner_pass(suite: Suite, config: RunConfig, settings: Settings) -> tuple[float, int]:
    """Seconds for the runner (fresh run folder and cache, solver pool start included), and LLM calls."""
    with tempfile.TemporaryDirectory(prefix="nesy-throughput-") as tmp:
        start = time.perf_counter()
        out = await arun_benchmark(config, Path(tmp), suite=suite, settings=settings, progress=False, report=False)
        return time.perf_counter() - start, out.llm_calls


async def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    settings = Settings()
    full = load_suite(args.suite, size=args.size, seed=args.seed)
    suite = full.model_copy(update={"items": list(full.items)[: args.limit or None]})
    n = len(suite.items)
    options = TranslateOptions(mode=args.mode, repairs=args.repairs)
    base = RunConfig(
        suite=args.suite, llm=args.llm, mode=args.mode, repairs=args.repairs, seed=args.seed,
        size=args.size, workers=args.workers,
    )
    if args.warmup:
        await runner_pass(suite, base.model_copy(update={"concurrency": max(args.concurrency)}), settings)
    rows: list[dict[str, Any]] = []
    seq = await sequential_pass(suite, args.llm, options, settings)
    rows.append({"runner": "sequential", "concurrency": 1, "items": n, "seconds": seq, "items_per_s": n / seq, "ratio": 1.0})
    for c in args.concurrency:
        secs, calls = await runner_pass(suite, base.model_copy(update={"concurrency": c}), settings)
        rows.append(
            {"runner": "nesy bench", "concurrency": c, "items": n, "seconds": secs, "items_per_s": n / secs,
             "ratio": seq / secs, "llm_calls": calls}
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--llm", default=os.environ.get("NESY_LLM", "embedded"), help="embedded | URL(s)")
    p.add_argument("--suite", default="quick")
    p.add_argument("--size", type=int, default=None)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mode", default="ours", choices=["ours", "baseline"])
    p.add_argument("--repairs", type=int, default=2)
    p.add_argument("--workers", type=int, default=2, help="solver processes of the runner")
    p.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16])
    p.add_argument("--no-warmup", dest="warmup", action="store_false")
    p.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = p.parse_args(argv)
    rows = asyncio.run(measure(args))
    print(f"suite {args.suite}, {rows[0]['items']} items, LLM {args.llm}, mode {args.mode}")
    print(f"{'runner':<12} {'conc':>4} {'seconds':>9} {'items/s':>9} {'vs seq':>7}")
    for r in rows:
        print(f"{r['runner']:<12} {r['concurrency']:>4} {r['seconds']:>9.2f} {r['items_per_s']:>9.3f} {r['ratio']:>6.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
