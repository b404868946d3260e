"""Object names and types learned from the example pair, and an objects grammar that cannot loop.

From the example: the *shape* of each name (``c0`` -> ``c#``, ``loc-0-1`` -> ``loc-#-#``) with
its type, names without digits (``ferry``, ``bob``) with theirs, and count rules ("4 shot
glasses" next to ``shot1 … shot4`` teaches that "3 shot glasses" are ``shot1 … shot3``).
In a new text, a name of a known shape, a known name, a counted noun, "<type> <name>" or a
name that starts with a type's name (``crate0``) gets its type without asking the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from planners.alignment import read_example, words
from planners.pddl import DomainModel

__all__ = ["Naming", "learn_naming", "shape", "evidence_objects", "count_phrases", "ordered_objects_grammar"]

_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_COUNT = re.compile(r"\b(\d+|" + "|".join(_NUMBERS) + r")\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?", re.IGNORECASE)


def shape(name: str) -> str:
    return re.sub(r"\d+", "#", name)


def _singular(w: str) -> str:
    for suf, rep in (("ies", "y"), ("sses", "ss"), ("ses", "s"), ("shes", "sh"), ("ches", "ch"), ("s", "")):
        if w.endswith(suf) and len(w) > len(suf) + 1:
            return w[: -len(suf)] + rep
    return w


@dataclass(frozen=True)
class CountRule:
    nouns: frozenset[str]  # singular words of the counted phrase ("shot", "glass")
    shape: str  # "shot#"
    start: int  # the first number the example uses (shot1 -> 1, c0 -> 0)
    type: str


@dataclass(frozen=True)
class Naming:
    shapes: dict[str, str] = field(default_factory=dict)  # shape with '#' -> type, unambiguous only
    exact: dict[str, str] = field(default_factory=dict)  # digit-free example names -> type
    counts: tuple[CountRule, ...] = ()


def count_phrases(text: str) -> list[tuple[int, list[str], int]]:
    """(n, singular words of the counted noun phrase, offset) for "4 shot glasses", "two robots"."""
    out = []
    for m in _COUNT.finditer(text):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1).lower()]
        out.append((n, [_singular(w.lower()) for w in m.groups()[1:] if w], m.start()))
    return out


def learn_naming(example_nl: str | None, example_pddl: str | None) -> Naming:
    if not example_pddl:
        return Naming()
    ex = read_example(example_pddl)
    by_shape: dict[str, set[str]] = {}
    members: dict[str, list[int]] = {}
    exact: dict[str, str] = {}
    for o, t in ex.objects.items():
        if any(c.isdigit() for c in o):
            by_shape.setdefault(shape(o), set()).add(t)
            if shape(o).count("#") == 1:
                members.setdefault(shape(o), []).append(int(re.search(r"\d+", o).group()))  # type: ignore[union-attr]
        else:
            exact[o] = t
    shapes = {s: next(iter(ts)) for s, ts in by_shape.items() if len(ts) == 1}
    rules: list[CountRule] = []
    for n, nouns, _ in count_phrases(example_nl or ""):
        for s, nums in members.items():
            stem = s.replace("#", "").strip("-_")
            t = shapes.get(s)
            if t is None or len(nums) != n or not stem:
                continue
            # the counted words name these objects: "cars" ~ c#, "shot glasses" ~ shot#, "discs" ~ type
            if any(w == stem or w.startswith(stem) or w == t for w in nouns):
                rules.append(CountRule(frozenset(nouns), s, min(nums), t))
    return Naming(shapes, exact, tuple(rules))


def evidence_objects(text: str, naming: Naming, domain: DomainModel) -> dict[str, str]:
    """The objects of ``text`` whose names and types need no model: see the module's docstring."""
    leaf = set(domain.leaf_types)
    out: dict[str, str] = {}
    ws = words(text)
    reserved = set(domain.predicates) | set(domain.actions) | set(domain.constants)
    for i, w in enumerate(ws):
        if w in reserved or w in out:
            continue
        if w in naming.exact:
            out[w] = naming.exact[w]
        elif any(c.isdigit() for c in w) and naming.shapes.get(shape(w)):
            out[w] = naming.shapes[shape(w)]
        elif any(c.isdigit() for c in w) and not w.isdigit():
            stem = re.sub(r"[\d_-]+$", "", w)
            if stem in leaf:  # crate0, room1
                out[w] = stem
            elif i > 0 and ws[i - 1] in leaf:  # "truck t1"
                out[w] = ws[i - 1]
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", text):
        # "2 shot glasses: shot7 and shot9": the names the text gives win over the count
        shapes_here = {shape(w) for w in words(sentence) if any(c.isdigit() for c in w) and not w.isdigit()}
        for n, nouns, _ in count_phrases(sentence):
            for rule in naming.counts:
                if set(nouns) & rule.nouns and rule.shape not in shapes_here and 0 < n <= 50:
                    for k in range(rule.start, rule.start + n):
                        out.setdefault(rule.shape.replace("#", str(k)), rule.type)
    return out


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ordered_objects_grammar(types: Sequence[str], names: Sequence[str]) -> str:
    """``b1 b2 - block; t1 - truck`` where names come in the order given and types in the order
    given, each at most once: a list cannot repeat a name or loop until the token limit."""
    names = list(dict.fromkeys(names)) or ["x"]
    types = list(dict.fromkeys(types)) or ["object"]
    rules = ["root ::= " + " | ".join(f"g{j}" for j in range(len(types)))]
    for j, t in enumerate(types):
        # group j, then optionally a later group
        later = " | ".join(f"g{k}" for k in range(j + 1, len(types)))
        tail = f' ("; " ({later}))?' if later else ""
        rules.append(f"g{j} ::= ({' | '.join(f'n{i}' for i in range(len(names)))}) {_lit(' - ' + t)}{tail}")
    for i, n in enumerate(names):
        after = " | ".join(f"n{k}" for k in range(i + 1, len(names)))
        rules.append(f"n{i} ::= {_lit(n)}" + (f' (" " ({after}))?' if after else ""))
    return "\n".join(rules) + "\n"
