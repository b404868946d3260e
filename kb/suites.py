"""KG question-answering suites: NL questions over a bundled KG, per query structure.

Seen structures (1p 2p 2i 3i) may supply exemplars; every other BetaE and FIT structure
is held out, so the held-out score measures composition the translator never saw.
"""

from __future__ import annotations

import random
from functools import partial

from nesy.suite import Item, Suite, SuiteFactory
from nesy.types import Gold, Problem

from kb.query import SEEN_STRUCTURES, STRUCTURES
from kb.sampler import QuerySampler
from kb.store import load_bundled
from kb.templates import render_question

__all__ = ["SUITES", "make_suite"]

HELD_OUT = tuple(s for s in STRUCTURES if s not in SEEN_STRUCTURES)


def make_suite(
    kb: str, size: int = 46, seed: int = 0, structures: tuple[str, ...] | None = None
) -> Suite:
    """``size`` items spread evenly over ``structures`` (all BetaE + FIT types by default)."""
    kg = load_bundled(kb)
    structures = structures or tuple(STRUCTURES)
    sampler = QuerySampler(kg)
    per = max(1, -(-size // len(structures)))
    rng = random.Random(f"suite/{kb}/{seed}")
    items: list[Item] = []
    for st in structures:
        for i, sq in enumerate(sampler.sample_many(st, per, seed=seed)):
            question = render_question(st, dict(sq.grounding), rng)
            items.append(
                Item(
                    id=f"{kb}-{st}-{seed}-{i}",
                    problem=Problem(text=question, kind="kg", context={"kb": kb}, id=f"{kb}-{st}-{seed}-{i}"),
                    gold=Gold(
                        formal=sq.text,
                        answer=[kg.entities[a] for a in sq.hard],
                        extra={"easy": [kg.entities[a] for a in sq.easy], "structure": st},
                    ),
                    signature=st,
                    split="seen" if st in SEEN_STRUCTURES else "held_out",
                )
            )
    # interleave structures so that a prefix of the suite still covers many of them
    items.sort(key=lambda it: (int(it.id.rsplit("-", 1)[1]), structures.index(it.signature)))
    items = items[:size]
    return Suite(
        name=f"kg-{kb}",
        kind="kg",
        items=items,
        seen=list(SEEN_STRUCTURES),
        held_out=[s for s in HELD_OUT if s in structures],
        description=f"EFO-1 questions over {kb} (BetaE + FIT structures); hard answers need held-out edges",
    )


SUITES: dict[str, SuiteFactory] = {f"kg-{name}": partial(make_suite, name) for name in ("nations", "umls", "kinships")}
