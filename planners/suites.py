"""Benchmark suites: generated per-domain suites with seen / held-out compositions, and a
loader for folders laid out like LLM+P's repository.

Seen: goal-predicate combinations shown in exemplars, at most ``MAX_SEEN_OBJECTS`` objects.
Held out: combinations never shown together, or more objects than any exemplar.
"""

from __future__ import annotations

import re
from pathlib import Path

from nesy.errors import ConfigError, UnknownResourceError
from nesy.settings import Settings
from nesy.suite import Item, Suite, SuiteFactory
from nesy.types import Gold, Problem

from planners.domains import bundled_domain
from planners.generators import (GOAL_COMBOS, MAX_SEEN_OBJECTS, SEEN_GOALS, GeneratedProblem, generate, optimal_lengths,
                                 optimal_lengths_of)

__all__ = ["SUITES", "generated_suite", "load_llmp", "unseen_suite"]


def _plan_items(domain: str, size: int, seed: int) -> list[tuple[GeneratedProblem, str]]:
    """``size`` problems, alternating seen and held-out compositions."""
    seen_combos = sorted(SEEN_GOALS[domain])
    held_combos = [c for c in GOAL_COMBOS[domain] if c not in SEEN_GOALS[domain]]
    lo = 3 if domain == "blocksworld" else 2
    hi = MAX_SEEN_OBJECTS[domain]
    out: list[tuple[GeneratedProblem, str]] = []
    for i in range(size):
        if i % 2 == 0:
            combo, n, split = seen_combos[(i // 2) % len(seen_combos)], lo + (i // 2) % (hi - lo + 1), "seen"
        elif (i // 2) % 2 == 0:
            combo, n, split = held_combos[(i // 4) % len(held_combos)], lo + (i // 4) % (hi - lo + 1), "held_out"
        else:  # a seen combination with more objects than any exemplar
            combo, n, split = seen_combos[(i // 4) % len(seen_combos)], hi + 1 + (i // 4) % 2, "held_out"
        out.append((generate(domain, n, combo, seed * 1000 + i, name=f"{domain}-{i}"), split))
    return out


def generated_suite(domains: list[str], size: int = 6, seed: int = 0, cache_dir: Path | None = None) -> Suite:
    """``size`` items per domain with gold optimal plan lengths (Fast Downward, cached)."""
    cache_dir = cache_dir if cache_dir is not None else Settings().cache_dir
    pairs = [pair for d in domains for pair in _plan_items(d, size, seed)]
    lengths = optimal_lengths([p for p, _ in pairs], cache_dir)
    items: list[Item] = []
    for (p, split), length in zip(pairs, lengths):
        items.append(
            Item(
                id=p.name,
                problem=Problem(text=p.text, kind="planning", context={"domain": p.domain}, id=p.name),
                gold=Gold(formal=p.pddl, answer=length, extra={"optimal_length": length, "domain": p.domain}),
                signature=p.signature,
                split=split,  # type: ignore[arg-type]
                meta={"objects": p.main_objects, "goal": p.goal_combo},
            )
        )
    seen = sorted({i.signature for i in items if i.split == "seen"})
    held = sorted({i.signature for i in items if i.split == "held_out"})
    name = domains[0] if len(domains) == 1 else "planning"
    return Suite(
        name=name,
        kind="planning",
        items=items,
        seen=seen,
        held_out=held,
        description=f"generated {', '.join(domains)} problems, {size} per domain, seed {seed}",
    )


def load_llmp(path: str | Path, domains: list[str] | None = None, limit: int | None = None) -> Suite:
    """A folder in LLM+P's layout: <domain>/domain.pddl, p_example.nl/.pddl, pNN.nl + pNN.pddl."""
    root = Path(path)
    if not root.is_dir():
        raise UnknownResourceError(f"LLM+P folder not found: {root}", resource="suite")
    items: list[Item] = []
    for ddir in sorted(d for d in root.iterdir() if d.is_dir()):
        if domains and ddir.name not in domains:
            continue
        dfile = ddir / "domain.pddl"
        if not dfile.is_file():
            continue
        example_nl = (ddir / "p_example.nl").read_text() if (ddir / "p_example.nl").is_file() else None
        example_pddl = (ddir / "p_example.pddl").read_text() if (ddir / "p_example.pddl").is_file() else None
        probs = sorted(ddir.glob("p[0-9]*.nl"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
        for nl in probs[:limit]:
            gold_file = nl.with_suffix(".pddl")
            if not gold_file.is_file():
                raise ConfigError(f"{nl} has no ground-truth {gold_file.name}")
            pid = f"llmp-{ddir.name}-{nl.stem}"
            context = {"domain_pddl": dfile.read_text(), "example_nl": example_nl, "example_pddl": example_pddl}
            items.append(
                Item(
                    id=pid,
                    problem=Problem(text=nl.read_text(), kind="planning", context=context, id=pid),
                    gold=Gold(formal=gold_file.read_text(), extra={"domain": ddir.name}),
                    signature=f"llmp:{ddir.name}",
                    split="public",
                )
            )
    if not items:
        raise ConfigError(f"no LLM+P problems found under {root} (expected <domain>/domain.pddl and pNN.nl)")
    return Suite(name="llmp", kind="planning", items=items, description=f"LLM+P layout from {root}")


def _factory(domains: list[str]) -> SuiteFactory:
    def make(size: int = 6, seed: int = 0, cache_dir: Path | None = None) -> Suite:
        for d in domains:
            bundled_domain(d)
        return generated_suite(domains, size=size, seed=seed, cache_dir=cache_dir)

    return make


def unseen_suite(size: int = 2, seed: int = 0, cache_dir: Path | None = None) -> Suite:
    """Seen domains (the bundled ones, with their exemplars) vs unseen domains (eight domains from
    pddlgym's files, each given only as a domain file plus one hand-written example pair).

    ``size`` problems per domain; ``seed`` draws them (tune on one seed, report on another).
    Items interleave unseen and seen domains, so ``--limit 3`` runs both splits.
    """
    from planners.unseen_gen import UNSEEN_DIR, UNSEEN_DOMAINS, generate_unseen

    cache_dir = cache_dir if cache_dir is not None else Settings().cache_dir
    drawn = [(d, generate_unseen(d, seed, i)) for i in range(size) for d in UNSEEN_DOMAINS]
    # the gold's optimal plan length (Fast Downward, cached), so plan_optimal is scored here too
    lengths = optimal_lengths_of([((UNSEEN_DIR / d / "domain.pddl").read_text(), p.pddl) for d, p in drawn], cache_dir)
    unseen: list[Item] = []
    for (d, p), length in zip(drawn, lengths):
        folder = UNSEEN_DIR / d
        context = {"domain_pddl": (folder / "domain.pddl").read_text(),
                   "example_nl": (folder / "p_example.nl").read_text(),
                   "example_pddl": (folder / "p_example.pddl").read_text()}
        unseen.append(Item(id=f"unseen-{p.name}", problem=Problem(text=p.text, kind="planning", context=context,
                                                                    id=f"unseen-{p.name}"),
                           gold=Gold(formal=p.pddl, answer=length, extra={"domain": d, "optimal_length": length}),
                           signature=f"unseen:{d}", split="held_out",
                           meta={"style": p.style, "objects": len(p.objects)}))
    seen = [it.model_copy(update={"split": "seen", "signature": f"seen:{it.gold.extra['domain']}"})
            for it in generated_suite(["blocksworld", "gripper", "logistics"], size=size, seed=seed,
                                      cache_dir=cache_dir).items]
    # shortest texts first within each round, and a seen item after every two unseen ones:
    # ``--limit 3`` runs both splits on the smallest problems
    unseen = sorted(unseen, key=lambda it: (int(it.id.rsplit("-", 1)[1]), len(it.problem.text)))
    seen = sorted(seen, key=lambda it: (int(it.id.rsplit("-", 1)[1]), len(it.problem.text)))
    items: list[Item] = []
    while unseen or seen:
        items += unseen[:1] + seen[:1] + unseen[1:2]
        unseen, seen = unseen[2:], seen[1:]
    return Suite(name="unseen", kind="planning", items=items,
                 seen=sorted({i.signature for i in items if i.split == "seen"}),
                 held_out=sorted({i.signature for i in items if i.split == "held_out"}),
                 description=f"bundled (seen) vs unseen planning domains, {size} per domain, seed {seed}")


SUITES: dict[str, SuiteFactory] = {
    "planning": _factory(["blocksworld", "gripper", "logistics"]),
    "blocksworld": _factory(["blocksworld"]),
    "gripper": _factory(["gripper"]),
    "logistics": _factory(["logistics"]),
    "unseen": unseen_suite,
    "llmp": lambda path, size=None, seed=0, **kw: load_llmp(path, limit=size, **kw),
}
