"""Before/after numbers for a trained adapter: same model, same prompts, same grammars.

    python -m train.evaluate --adapter nesy/adapters/smollm2-nesy-lora.gguf

prints, per formalism and split (seen / held-out compositions), clause-level exact match
(the backend's recorded requests replayed with their grammar), end-to-end accuracy of the
whole pipeline, and the embedded model's tokens/s with and without the adapter.
``--public N`` adds a random sample of N ProntoQA dev items (never used for training) in
our mode and in the Logic-LM baseline mode; ``--kg N`` adds N kg-nations questions, to see
that an adapter trained on other formalisms does not break KG translation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nesy.errors import NesyError
from nesy.llm.base import BaseLLM, LLMRequest, Message
from nesy.types import Trace, TranslateOptions
from train.pairs import Pair, get_source

__all__ = ["clause_exact", "ranked_exact", "ranking_table", "end_to_end", "tokens_per_second", "main"]

# the metric each backend's score() reports that means "the whole answer is right"
E2E_METRIC = {"planning": "plan_valid", "logic": "accuracy", "kg": "hits@1"}


async def clause_exact(llm: BaseLLM, pairs: Sequence[Pair]) -> tuple[float, list[dict[str, str]]]:
    """Share of pairs whose replayed request yields exactly the target (whitespace-stripped)."""
    hits, misses = 0, []
    for p in pairs:
        req = p.request or LLMRequest(messages=p.messages, max_tokens=128)
        out = (await llm.generate(req.model_copy(update={"temperature": 0.0}))).text.strip()
        if out == p.target.strip():
            hits += 1
        else:
            misses.append({"clause": p.source, "want": p.target, "got": out})
    return hits / max(1, len(pairs)), misses


async def ranked_exact(llm: BaseLLM, pairs: Sequence[Pair], method: str) -> tuple[float, int]:
    """Share of the pairs with a finite choice whose target ranks first by ``method``
    (sum | mean | calibrated); the step's recorded candidates, the step's own messages."""
    from nesy.steps import rank_scores

    hits = n = 0
    for p in pairs:
        cands = p.request.candidates if p.request is not None else ()
        if not cands or p.target.strip() not in cands:
            continue
        scores = await llm.score(p.messages, cands)
        empty = None
        if method == "calibrated":
            empty = await llm.score((*p.messages[:-1], Message(role="user", content="")), cands)
        values = rank_scores(scores, method, empty)  # type: ignore[arg-type]
        n += 1
        hits += cands[max(range(len(cands)), key=values.__getitem__)] == p.target.strip()
    return hits / max(1, n), n


async def ranking_table(llm: BaseLLM, pairs: Sequence[Pair]) -> list[dict[str, Any]]:
    """Per step: constrained greedy generation vs ranking by each method, on the same pairs
    (those whose step has a finite choice containing the gold answer)."""
    rows = []
    for step in sorted({p.meta.get("step", "?") for p in pairs}):
        ps = [p for p in pairs if p.meta.get("step") == step and p.request is not None
              and p.target.strip() in p.request.candidates]
        if not ps:
            continue
        gen, _ = await clause_exact(llm, ps)
        row: dict[str, Any] = {"step": step, "pairs": len(ps), "generate": gen}
        for method in ("sum", "mean", "calibrated"):
            row[method], _ = await ranked_exact(llm, ps, method)
        row["candidates_mean"] = sum(len(p.request.candidates) for p in ps) / len(ps)
        rows.append(row)
    return rows


async def end_to_end(llm: BaseLLM, formalism: str, problems: Sequence[tuple[Any, Any, str]], timeout: float = 30.0,
                     options: TranslateOptions | None = None) -> dict[str, float]:
    """Mean of the backend's scores over whole problems (a failed translation scores 0)."""
    from nesy.backend import load_backends

    backend = load_backends([formalism]).get(formalism)
    totals: dict[str, float] = {}
    for problem, gold, _sig in problems:
        ctx = backend.context(problem)
        try:
            f = await backend.translate(ctx, llm, options or TranslateOptions(), Trace())
            s = backend.solve(f, ctx, timeout=timeout)
            scores = backend.score(f, s, gold, ctx)
        except NesyError:
            scores = backend.score(None, None, gold, ctx)
        for k, v in scores.items():
            totals[k] = totals.get(k, 0.0) + v
    return {k: v / max(1, len(problems)) for k, v in totals.items()}


async def tokens_per_second(llm: BaseLLM, n: int = 3, max_tokens: int = 64) -> float:
    """Generated tokens per second on a fixed chat prompt (no grammar, greedy)."""
    msgs = (Message(role="user", content="Describe a blocks world with three blocks in detail."),)
    toks = secs = 0.0
    for i in range(n):
        out = await llm.generate(LLMRequest(messages=msgs, max_tokens=max_tokens, temperature=0.0, seed=i))
        toks += out.completion_tokens
        secs += out.seconds
    return toks / secs if secs else 0.0


async def _evaluate(args: argparse.Namespace) -> dict[str, Any]:
    from nesy.llm.embedded import EmbeddedLLM, default_lora_path

    adapter = Path(args.adapter) if args.adapter else default_lora_path()
    if "adapter" in args.models and (adapter is None or not adapter.is_file()):
        raise SystemExit(f"no adapter at {args.adapter or 'nesy/adapters/'}: train one with `nesy train`")
    models = {label: EmbeddedLLM(lora_path=None if label == "base" else adapter, threads=args.threads)
              for label in args.models}
    report: dict[str, Any] = {"adapter": str(adapter), "formalisms": {},
                              "adapter_bytes": adapter.stat().st_size if adapter and adapter.is_file() else None}
    if args.ranking:
        report["ranking"] = {}
        for name in args.formalism:
            src = get_source(name)
            pairs = await asyncio.to_thread(src.held_out_pairs, src.default_suite, args.pairs, args.seed)
            for label, llm in models.items():
                rows = await ranking_table(llm, pairs)
                report["ranking"][f"{name}/{label}"] = rows
                for r in rows:
                    print(f"{name:9} held_out {label:8} step {r['step']:13} n={r['pairs']:3} "
                          f"(~{r['candidates_mean']:.0f} candidates)  generate {r['generate']:6.1%}  sum {r['sum']:6.1%}  "
                          f"mean {r['mean']:6.1%}  calibrated {r['calibrated']:6.1%}", flush=True)
        return report
    for name in args.formalism:
        src = get_source(name)
        # sources drive the backend's async translate() themselves: run them off this loop
        splits = {
            "seen": await asyncio.to_thread(src.pairs, src.default_suite, args.pairs, 10_000 + args.seed),  # not a training seed
            "held_out": await asyncio.to_thread(src.held_out_pairs, src.default_suite, args.pairs, args.seed),
        }
        rows: dict[str, Any] = {}
        for split, pairs in splits.items():
            problems = src.eval_problems(split == "held_out", args.problems, args.seed) if args.problems else []
            for label, llm in models.items():
                t = time.perf_counter()
                em, misses = await clause_exact(llm, pairs)
                e2e = await end_to_end(llm, name, problems) if problems else {}
                rows[f"{split}/{label}"] = {"clause_exact": em, "clauses": len(pairs), "problems": len(problems),
                                            "e2e": e2e, "seconds": round(time.perf_counter() - t, 1),
                                            "misses": misses[:5]}
                print(f"{name:9} {split:9} {label:8} clause exact {em:6.1%} of {len(pairs):3}   "
                      f"e2e {E2E_METRIC.get(name, '?')} {e2e.get(E2E_METRIC.get(name, ''), float('nan')):6.1%} "
                      f"of {len(problems)}   translation_exact {e2e.get('translation_exact', float('nan')):6.1%}", flush=True)
        report["formalisms"][name] = rows
    if args.public:
        from logic.suites import public_suite

        suite = public_suite("ProntoQA", size=args.public, seed=args.seed)
        items = [(it.problem, it.gold, it.signature) for it in suite.items]
        report["prontoqa"] = {"ids": [it.id for it in suite.items]}
        for mode in ("ours", "baseline"):
            for label, llm in models.items():
                t = time.perf_counter()
                e2e = await end_to_end(llm, "logic", items, options=TranslateOptions(mode=mode))
                report["prontoqa"][f"{mode}/{label}"] = {**e2e, "seconds": round(time.perf_counter() - t, 1)}
                print(f"ProntoQA  public    {label:8} mode {mode:8} accuracy {e2e['accuracy']:6.1%} of {len(items)}   "
                      f"executable {e2e['executable']:6.1%}", flush=True)
    if args.kg:
        from kb.suites import make_suite

        suite = make_suite("nations", size=args.kg, seed=args.seed)
        items = [(it.problem, it.gold, it.signature) for it in suite.items]
        report["kg"] = {"ids": [it.id for it in suite.items]}
        for label, llm in models.items():
            e2e = await end_to_end(llm, "kg", items)
            report["kg"][label] = e2e
            print(f"kg-nations          {label:8} exact_match {e2e.get('exact_match', float('nan')):6.1%}   "
                  f"hits@1 {e2e.get('hits@1', float('nan')):6.1%} of {len(items)}", flush=True)
    report["tokens_per_s"] = {label: round(await tokens_per_second(llm), 1) for label, llm in models.items()}
    print("tokens/s  " + "   ".join(f"{k} {v}" for k, v in report["tokens_per_s"].items()) + f"   (threads={args.threads})")
    return report


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--adapter", help="GGUF LoRA adapter (default: the shipped one)")
    ap.add_argument("--formalism", "-f", action="append", help="repeat; default: planning")
    ap.add_argument("--pairs", type=int, default=40, help="clauses per split")
    ap.add_argument("--problems", type=int, default=4, help="whole problems per split for end-to-end accuracy")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--public", type=int, default=0, help="random ProntoQA dev items (seeded by --seed), both modes")
    ap.add_argument("--kg", type=int, default=0, help="kg-nations questions, to check KG translation still works")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--models", nargs="+", default=["base", "adapter"], choices=["base", "adapter"],
                    help="which to run (greedy decoding: split runs give the same numbers)")
    ap.add_argument("--json", type=Path, help="also write the report here")
    ap.add_argument("--ranking", action="store_true",
                    help="only: per step, greedy constrained generation vs likelihood ranking on held-out pairs")
    args = ap.parse_args(argv)
    args.formalism = args.formalism or ["planning"]
    report = asyncio.run(_evaluate(args))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
