"""Benchmark suites: the generated ``logic`` suite (seen vs held-out compositions) and the
public dev sets (split ``public``)."""

from __future__ import annotations

import random
from pathlib import Path

from logic.datasets import default_path, load_public
from logic.generators import Generated, chain_item, chain_signature, ordering_item
from logic.translation import SEEN_CHAIN, SEEN_ORDER
from nesy.suite import Item, Suite, SuiteFactory
from nesy.types import Gold, Problem

__all__ = ["SUITES", "generated_suite", "public_suite", "HELD_OUT_CHAIN", "HELD_OUT_ORDER"]

# Depths and rule combinations no exemplar shows.
HELD_OUT_CHAIN = [(4, ()), (5, ("neg",)), (2, ("and", "neg")), (3, ("unknown",)), (5, ("and", "unknown"))]
HELD_OUT_ORDER = [5]


def _item(g: Generated, split: str, idx: int) -> Item:
    problem = Problem(
        text=f"{g.text} {g.question}", kind="logic", id=f"{g.signature}#{idx}",
        context={"options": g.options, "premises": g.text, "question": g.question},
    )
    return Item(id=problem.id, problem=problem, gold=Gold(formal=g.program, answer=g.answer),
                signature=g.signature, split=split)  # type: ignore[arg-type]


def generated_suite(size: int = 20, seed: int = 0) -> Suite:
    """``size`` items, half from seen and half from held-out signatures, cycling through them."""
    rng = random.Random(seed)
    seen = [("chain", d, r) for d, r in SEEN_CHAIN] + [("order", n, ()) for n in SEEN_ORDER]
    held = [("chain", d, r) for d, r in HELD_OUT_CHAIN] + [("order", n, ()) for n in HELD_OUT_ORDER]
    items: list[Item] = []
    for i in range(size):
        split, pool = ("seen", seen) if i % 2 == 0 else ("held_out", held)
        kind, a, r = pool[(i // 2) % len(pool)]
        g = chain_item(rng, a, r) if kind == "chain" else ordering_item(rng, a)
        items.append(_item(g, split, i))
    sig = lambda k, a, r: chain_signature(a, r) if k == "chain" else f"order/n{a}"  # noqa: E731
    return Suite(name="logic", kind="logic", items=items, seen=[sig(*s) for s in seen],
                 held_out=[sig(*h) for h in held],
                 description="ProntoQA-like chains and ordering puzzles; held out: deeper chains, new rule mixes, n=5")


def public_suite(name: str, path: str | Path | None = None, size: int | None = None, seed: int = 0) -> Suite:
    items = load_public(path or default_path(name))
    if size is not None and size < len(items):
        items = random.Random(seed).sample(items, size)
    out = []
    for it in items:
        problem = Problem(
            text=f"{it.context}\n{it.question}", kind="logic", id=it.id,
            context={"options": it.options, "premises": it.context, "question": it.question},
        )
        out.append(Item(id=it.id, problem=problem, gold=Gold(answer=it.answer, extra={"label": it.label}),
                        signature=name, split="public"))
    return Suite(name=name.lower(), kind="logic", items=out, description=f"{name} dev split (Logic-LM release)")


def _public(name: str) -> SuiteFactory:
    def factory(size: int | None = None, seed: int = 0, path: str | Path | None = None) -> Suite:
        return public_suite(name, path, size, seed)

    return factory


SUITES: dict[str, SuiteFactory] = {
    "logic": generated_suite,
    "prontoqa": _public("ProntoQA"),
    "proofwriter": _public("ProofWriter"),
    "folio": _public("FOLIO"),
    "logicaldeduction": _public("LogicalDeduction"),
}
