"""Solver benchmark: ``python -m logic.bench [--sample N] [--seed S]``.

Gold formalizations (the template converter for ProntoQA / ProofWriter, the hand-written
programs in logic/gold/ for FOLIO / LogicalDeduction) solved by Z3 in the backend's sandboxed
workers — accuracy, mean and max solve time. No LLM here.

The pipeline (an LLM translating a random sample of each public dev set, or the generated
suite per split, in Logic-LM baseline mode or ours: accuracy, executable rate, repair rounds,
seconds per item) is ``nesy bench``, which loads the embedded model with the shipped adapter,
saves a resumable run folder and writes a report; one run per set and mode::

    nesy bench --suite proofwriter --size 2 --seed 0 --mode baseline --repairs 1 --timeout 10 --llm embedded
    nesy bench --suite logic --size 4 --mode ours --repairs 1 --timeout 10 --llm embedded

(``prontoqa``, ``proofwriter``, ``folio``, ``logicaldeduction`` read ../shared/data/logic/ unless
``--path`` points at another dev.json; ``--size K`` samples K items with ``--seed``. The base
model without the adapter: ``NESY_EMBEDDED_LORA=none`` and its own ``--out``; another adapter:
``NESY_EMBEDDED_LORA=/path/to/lora.gguf``.)
"""

from __future__ import annotations

import argparse
import random
import statistics

from logic.backend import LogicBackend
from logic.datasets import DATASETS, default_path, load_public
from logic.gold import convert_rules_text, hand_written
from logic.problem import normalize_answer, split_problem
from nesy.types import Problem


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=None, help="gold items per converted dataset (default all)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    solver_side(a.sample, a.seed)


if __name__ == "__main__":
    main()
