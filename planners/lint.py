"""Lints for planning facts: unknown object, arity, type, contradictions, goal already true.

They run on each clause's facts as it is translated, so the repair loop can quote the
problem back to the model for exactly that clause.
"""

from __future__ import annotations

from collections.abc import Iterable

from nesy.errors import TranslationError

from planners.domains import BundledDomain
from planners.pddl import DomainModel, Fact, fact_str

__all__ = ["check_fact", "check_contradictions", "check_goal_not_true"]


def check_fact(f: Fact, domain: DomainModel, objects: dict[str, str]) -> None:
    """Unknown predicate or object, wrong arity, wrong type: one TranslationError naming it."""
    name, args = f[0], f[1:]
    if name not in domain.predicates:
        known = ", ".join(sorted(domain.predicates))
        raise TranslationError(f"unknown predicate {name!r}; the domain has: {known}", symbol=name, stage="lint")
    params = domain.predicates[name]
    if len(args) != len(params):
        raise TranslationError(
            f"{fact_str(f)}: {name} takes {len(params)} argument(s), got {len(args)}", symbol=name, stage="lint"
        )
    for a, (pname, ptype) in zip(args, params):
        if a not in objects:
            raise TranslationError(f"{fact_str(f)}: unknown object {a!r}", symbol=a, stage="lint")
        if not domain.is_subtype(objects[a], ptype):
            raise TranslationError(
                f"{fact_str(f)}: {a!r} is a {objects[a]}, but {name} needs a {ptype} there", symbol=a, stage="lint"
            )


def check_contradictions(facts: Iterable[Fact], rules: BundledDomain | None, where: str = "initial state") -> None:
    """Facts that cannot hold together under the domain's stated rules."""
    facts = sorted(set(facts))
    if rules is None:
        return
    for f in facts:
        if f[0] == "on" and len(f) == 3 and f[1] == f[2]:
            raise TranslationError(f"{fact_str(f)}: a block cannot be on itself", symbol=f[1], stage="lint")
    for u in rules.unique:
        seen: dict[str, Fact] = {}
        for f in facts:
            if f[0] != u.predicate or len(f) < 2 + max(u.key, u.value):
                continue
            k = f[1 + u.key]
            if k in seen and seen[k][1 + u.value] != f[1 + u.value]:
                raise TranslationError(
                    f"contradiction in the {where}: {fact_str(seen[k])} and {fact_str(f)} cannot both hold",
                    symbol=k,
                    stage="lint",
                )
            seen[k] = f
    for x in rules.exclusive:
        for fa in (f for f in facts if f[0] == x.a):
            for fb in (f for f in facts if f[0] == x.b):
                if fa == fb:
                    continue
                if _share(fa, x.pos_a, fb, x.pos_b):
                    raise TranslationError(
                        f"contradiction in the {where}: {fact_str(fa)} and {fact_str(fb)} ({x.why})",
                        symbol=fa[1] if len(fa) > 1 else fa[0],
                        stage="lint",
                    )


def check_goal_not_true(init: Iterable[Fact], goal: Iterable[Fact]) -> None:
    goal = set(goal)
    if goal and goal <= set(init):
        raise TranslationError(
            "the goal already holds in the initial state: state what should be different at the end",
            symbol=fact_str(sorted(goal)[0]),
            stage="lint",
        )


def _share(fa: Fact, pa: int | None, fb: Fact, pb: int | None) -> bool:
    """Do the two facts clash under an Exclusive rule (same argument, or always)?"""
    if pa is None or pb is None:
        return True
    return len(fa) > 1 + pa and len(fb) > 1 + pb and fa[1 + pa] == fb[1 + pb]
