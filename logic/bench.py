"""Benchmarks: ``python -m logic.bench [--sample N] [--pipeline-sample K] [--modes ours,baseline]``.

Solver side: gold formalizations (the template converter for ProntoQA / ProofWriter, the
hand-written programs in logic/gold/ for FOLIO / LogicalDeduction) — accuracy, mean and max
solve time. Pipeline side: the embedded model translating a stated random sample of each
public dev set and of the generated suite per split, in Logic-LM baseline mode and ours —
accuracy, executable rate, repair rounds used, seconds per item.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

from logic.backend import LogicBackend
from logic.datasets import DATASETS, default_path, load_public
from logic.gold import convert_rules_text, hand_written
from logic.problem import normalize_answer, split_problem
from logic.suites import SUITES
from nesy.types import Problem, TranslateOptions


def solver_side(sample: int | None, seed: int) -> None:
    print("== solver on gold formalizations ==")
    print(f"{'dataset':<18}{'gold':>6}{'of':>6}{'correct':>9}{'acc %':>8}{'mean ms':>9}{'max ms':>9}")
    hand = hand_written()
    backend = LogicBackend()  # solves in its sandboxed Z3 workers, as the server does
    ctx = backend.context(Problem(text=""))
    for name in DATASETS:
        path = default_path(name)
        if not path.is_file():
            print(f"{name:<18} missing {path}")
            continue
        items = load_public(path)
        if sample and sample < len(items):
            items = random.Random(seed).sample(items, sample)
        if name in ("FOLIO", "LogicalDeduction"):  # hand-written gold covers a few items
            items = [it for it in load_public(path) if it.id in hand]
        times: list[float] = []
        correct = total = 0
        for it in items:
            parts = split_problem(Problem(text="", context={"premises": it.context, "question": it.question,
                                                            "options": it.options}))
            try:
                program = hand.get(it.id) or convert_rules_text(it.context, parts.statement)
                f = backend.parse(program, ctx)
            except ValueError:
                continue
            total += 1
            s = backend.solve(f, ctx, timeout=10.0)
            times.append(s.metrics["solve_seconds"] * 1000)
            correct += normalize_answer(s.answer, parts.labels) == normalize_answer(it.answer, parts.labels)
        acc = 100 * correct / max(total, 1)
        print(f"{name:<18}{total:>6}{len(items):>6}{correct:>9}{acc:>8.1f}"
              f"{statistics.mean(times or [0]):>9.1f}{max(times or [0]):>9.1f}")


async def pipeline_side(k: int, seed: int, modes: list[str], repairs: int, adapter: str = "none",
                        sets: list[str] | None = None) -> None:
    from nesy.llm.embedded import default_lora_path
    from nesy.llm.factory import make_llm
    from nesy.reasoner import Reasoner
    from nesy.settings import Settings

    if adapter == "shipped" and default_lora_path() is None:
        raise SystemExit("no shipped adapter in nesy/adapters/: train one with `nesy train`")
    # the factory's own NESY_EMBEDDED_LORA rules: unset is the shipped adapter, "none" the base model
    llm = make_llm("embedded", Settings(embedded_lora=None if adapter == "shipped" else adapter,
                                        embedded_threads=1, embedded_ctx=4096))
    reasoner = Reasoner(llm=llm, backends=["logic"])
    suites = {name: SUITES[name.lower()](size=k, seed=seed) for name in DATASETS if default_path(name).is_file()}
    gen = SUITES["logic"](size=2 * k, seed=seed)
    print(f"\n== pipeline on the embedded model ({llm.name}); {k} random items per set, seed {seed}, "
          f"repairs {repairs} ==")
    print(f"{'set':<26}{'mode':<10}{'n':>4}{'acc %':>8}{'exec %':>8}{'repairs':>9}{'s/item':>8}")
    groups = [(n, s.items) for n, s in suites.items()]
    groups += [(f"logic/{split}", [i for i in gen.items if i.split == split]) for split in ("seen", "held_out")]
    if sets:  # e.g. ProofWriter,logic/seen
        groups = [g for g in groups if g[0].lower() in {x.lower() for x in sets}]
    for name, items in groups:
        for mode in modes:
            opts = TranslateOptions(mode=mode, repairs=repairs, max_tokens=512)  # type: ignore[arg-type]
            acc = exe = rep = 0.0
            start = time.perf_counter()
            for it in items:
                res = await reasoner.asolve(it.problem, opts, gold=it.gold, timeout=10)
                acc += res.scores.get("accuracy", 0.0)
                exe += res.scores.get("executable", 0.0)
                rep += res.scores.get("repairs", float(repairs) if res.error else 0.0)
            n = max(len(items), 1)
            print(f"{name:<26}{mode:<10}{len(items):>4}{100 * acc / n:>8.1f}{100 * exe / n:>8.1f}"
                  f"{rep / n:>9.2f}{(time.perf_counter() - start) / n:>8.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sample", type=int, default=None, help="gold items per converted dataset (default all)")
    ap.add_argument("--pipeline-sample", type=int, default=2, help="items per set for the LLM pipeline (0: skip)")
    ap.add_argument("--modes", default="baseline,ours")
    ap.add_argument("--repairs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--adapter", default="none",
                    help="none (base model) | shipped (nesy/adapters) | path of a GGUF LoRA adapter")
    ap.add_argument("--sets", default="", help="comma-separated subset, e.g. ProofWriter,FOLIO,logic/seen")
    ap.add_argument("--no-solver", action="store_true", help="skip the gold-formalization solver side")
    a = ap.parse_args()
    if not a.no_solver:
        solver_side(a.sample, a.seed)
    if a.pipeline_sample > 0:
        asyncio.run(pipeline_side(a.pipeline_sample, a.seed, a.modes.split(","), a.repairs, a.adapter,
                                  [x for x in a.sets.split(",") if x]))


if __name__ == "__main__":
    main()
