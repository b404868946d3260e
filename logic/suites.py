"""Benchmark suites: the generated ``logic`` suite (seen vs held-out compositions) and the
public dev sets (split ``public``)."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from logic.datasets import default_path, load_public
from logic.gold import GOLD_DIR
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


TUNE_SHARE = 0.3  # of each public dev set, for looking at and tuning; the rest is only reported on
LOOKED_AT = 10  # issue 4 tuned on random.Random(0).sample(dev, 10): those items count as tuning items


def split_part(name: str, items: list, part: str) -> list:
    """The ``tune`` or ``report`` part of a public dev set, fixed before anyone looks at items.

    Membership depends only on the item's id (a SHA-256 with a fixed salt), so it never moves
    when the file is reordered or a loader changes; the items issue 4 looked at, and every item
    with a hand-written gold program, are tuning items.

    The split is by item, and a dev set asks several questions of one text (a FOLIO story, a
    ProofWriter theory), so a reporting item's premises may be a tuning item's. ``report-new``
    is the reporting part without those: texts no one tuned on, what a new text would meet.
    """
    looked = {it.id for it in random.Random(0).sample(items, min(LOOKED_AT, len(items)))}
    # an item someone wrote a gold program for by hand (logic/gold/) was read closely: never report on it
    looked |= {p.stem for p in GOLD_DIR.iterdir()}

    def tuning(it) -> bool:
        h = hashlib.sha256(f"nesy-split-v1/{name.lower()}/{it.id}".encode()).digest()
        return it.id in looked or int.from_bytes(h[:8], "big") / 2**64 < TUNE_SHARE

    if part == "report-new":
        told = {it.context for it in items if tuning(it)}
        return [it for it in items if not tuning(it) and it.context not in told]
    return [it for it in items if tuning(it) == (part == "tune")]


def public_suite(name: str, path: str | Path | None = None, size: int | None = None, seed: int = 0,
                 part: str | None = None) -> Suite:
    items = load_public(path or default_path(name))
    if part is not None:
        items = split_part(name, items, part)
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
    suffix = f"-{part}" if part else ""
    what = {"tune": "its tuning part (30%, and the items looked at before)", "report": "its reporting part (70%, "
            "never looked at or tuned on)", "report-new": "its reporting items whose text no tuning item has",
            None: "whole"}[part]
    return Suite(name=name.lower() + suffix, kind="logic", items=out,
                 description=f"{name} dev split (Logic-LM release), {what}")


def _public(name: str, part: str | None = None) -> SuiteFactory:
    def factory(size: int | None = None, seed: int = 0, path: str | Path | None = None) -> Suite:
        return public_suite(name, path, size, seed, part)

    return factory


PUBLIC = ("ProntoQA", "ProofWriter", "FOLIO", "LogicalDeduction")
SUITES: dict[str, SuiteFactory] = {"logic": generated_suite}
for _name in PUBLIC:
    for _part in (None, "tune", "report", "report-new"):
        SUITES[_name.lower() + (f"-{_part}" if _part else "")] = _public(_name, _part)
