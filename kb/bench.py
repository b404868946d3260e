"""Benchmarks of the KG engine; prints tables (speed targets live here, not in tests).

    python -m kb.bench engine   [--kgs umls,kinships] [--queries 50]
    python -m kb.bench scale    [--entities 14541 --relations 237 --rank 1000]
    python -m kb.bench all

engine: filtered MRR / Hits@k over hard answers per structure with gold queries, for
calibrated truth (QTO/FIT) and CQD-style sigmoid scores, and milliseconds per query.
scale: time and peak memory (tracemalloc) of 2p and 2i on a random KG of FB15k-237 size
in row mode, against the N² per relation a dense matrix would take.

No LLM here. The pipeline (an LLM translating suite questions into queries; exact match,
MRR and Hits@10 per split, seen minus held-out gap) is ``nesy bench``, which loads the
embedded model with the shipped adapter, saves a resumable run folder and writes a report:

    nesy bench --suite kg-nations --size 12 --mode ours --llm embedded   # or kg-umls, kg-kinships

(``NESY_EMBEDDED_LORA=none`` plus its own ``--out`` for the base model without the adapter.)
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections import defaultdict

import numpy as np

from nesy.settings import Settings

from kb.engine import QueryEngine
from kb.metrics import ranking_metrics
from kb.query import STRUCTURES
from kb.sampler import QuerySampler
from kb.store import KG, load_bundled
from kb.train import LinkPredictor, TrainConfig, get_predictor, summary
from kb.truth import CalibratedTruth, ObservedTruth, SigmoidTruth


def bench_engine(kgs: list[str], n: int, structures: list[str]) -> None:
    settings = Settings()
    for name in kgs:
        kg = load_bundled(name)
        pred = get_predictor(kg, settings.cache_dir, progress=True)
        print(f"\n## {name}: link prediction (test, filtered) {summary(pred)}")
        sampler = QuerySampler(kg)
        t0 = time.perf_counter()
        queries = {st: sampler.sample_many(st, n, seed=0) for st in structures}
        print(f"sampled {sum(map(len, queries.values()))} queries in {time.perf_counter() - t0:.1f} s")
        obs = ObservedTruth(kg)
        engines = {
            "calibrated": QueryEngine(kg, CalibratedTruth(kg, pred), observed=obs),
            "sigmoid": QueryEngine(kg, SigmoidTruth(kg, pred), observed=obs),
        }
        for eng in engines.values():  # build the dense matrices outside the timing
            for r in range(kg.num_relations):
                eng.truth.rows(r, np.array([0]))
        print(f"{'struct':<6} {'n':>3} | {'cal MRR':>7} {'H@1':>5} {'H@10':>5} {'ms/q':>6} | {'sig MRR':>7} {'H@1':>5} {'H@10':>5} {'ms/q':>6}")
        for st, qs in queries.items():
            if not qs:
                print(f"{st:<6} {0:>3} | (no queries of this structure)")
                continue
            cells = []
            for eng in engines.values():
                ms = defaultdict(list)
                t0 = time.perf_counter()
                vecs = [eng.answer(q.query()) for q in qs]
                dt = (time.perf_counter() - t0) / len(qs) * 1000
                for q, v in zip(qs, vecs):
                    for k, val in ranking_metrics(v, q.hard, q.easy).items():
                        ms[k].append(val)
                cells.append(f"{np.mean(ms['mrr']):7.3f} {np.mean(ms['hits@1']):5.3f} {np.mean(ms['hits@10']):5.3f} {dt:6.2f}")
            print(f"{st:<6} {len(qs):>3} | {cells[0]} | {cells[1]}")


def random_kg(n: int, r: int, edges: int, seed: int = 0) -> KG:
    rng = np.random.default_rng(seed)
    train = np.stack([rng.integers(0, n, edges), rng.integers(0, r, edges), rng.integers(0, n, edges)], axis=1)
    return KG(f"random-{n}", [f"n{i}" for i in range(n)], [f"r{i}" for i in range(r)], {"train": train})


def bench_scale(n: int, r: int, rank: int, queries: int, max_candidates: int) -> None:
    from kb.query import parse_query

    print(f"\n## scale: random KG, {r} relations, rank {rank} (complex), row mode, max_candidates={max_candidates}")
    print("(random embeddings scaled so calibrated rows keep ~10-20% of entities above the threshold)")
    print(f"{'N':>6} {'query':>5} {'ms/q':>8} {'peak MiB':>9} {'dense N² per relation MiB':>26}")
    for size in (n // 4, n // 2, n):
        kg = random_kg(size, r, int(272_115 * size / n))
        rng = np.random.default_rng(1)
        pred = LinkPredictor(kg.name, (0.3 * rng.standard_normal((size, 2 * rank))).astype(np.float32),
                             (0.3 * rng.standard_normal((2 * r, 2 * rank))).astype(np.float32), TrainConfig(rank=rank), {}, 0.0)
        truth = CalibratedTruth(kg, pred, dense=False)
        eng = QueryEngine(kg, truth, max_candidates=max_candidates, chunk=64)
        for st, text in (("2p", "r{a}(n{s}, e1) & r{b}(e1, f)"), ("2i", "r{a}(n{s}, f) & r{b}(n{t}, f)")):
            qs = [parse_query(text.format(a=rng.integers(r), b=rng.integers(r), s=rng.integers(size), t=rng.integers(size)))
                  for _ in range(queries)]
            tracemalloc.start()
            t0 = time.perf_counter()
            for q in qs:
                eng.answer(q)
            dt = (time.perf_counter() - t0) / len(qs) * 1000
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            sup = float(np.mean([np.sum(eng.answer(q) > 0) for q in qs[:1]]))
            print(f"{size:>6} {st:>5} {dt:8.1f} {peak / 2**20:9.1f} {size * size * 4 / 2**20:26.0f}   answers>0: {sup:.0f}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m kb.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["engine", "scale", "all"], nargs="?", default="all")
    p.add_argument("--kgs", default="umls,kinships")
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--structures", default=",".join(STRUCTURES))
    p.add_argument("--entities", type=int, default=14541)
    p.add_argument("--relations", type=int, default=237)
    p.add_argument("--rank", type=int, default=1000)
    p.add_argument("--scale-queries", type=int, default=5)
    p.add_argument("--max-candidates", type=int, default=128)
    a = p.parse_args(argv)
    if a.what in ("engine", "all"):
        bench_engine(a.kgs.split(","), a.queries, a.structures.split(","))
    if a.what in ("scale", "all"):
        bench_scale(a.entities, a.relations, a.rank, a.scale_queries, a.max_candidates)


if __name__ == "__main__":
    main()
