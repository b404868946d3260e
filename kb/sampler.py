"""Sample grounded queries of each structure, with easy and hard answers (BetaE protocol).

A structure's template is grounded by a random walk backwards from a random answer over
the full graph (all splits), so every positive atom follows a real edge. The exact answer
sets are then computed on 0/1 truth: *easy* answers follow from the observed (train)
edges alone; *hard* answers need at least one held-out edge, and are what a link
predictor must find. Queries without hard answers, with too many answers, or with a
repeated atom are rejected and resampled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from kb.engine import QueryEngine
from kb.query import STRUCTURES, Query, parse_query, quote_name
from kb.store import KG
from kb.truth import ObservedTruth

__all__ = ["SampledQuery", "QuerySampler"]


@dataclass(frozen=True)
class SampledQuery:
    text: str
    structure: str
    easy: tuple[int, ...]
    hard: tuple[int, ...]
    grounding: tuple[tuple[str, str], ...]  # template symbol -> KG name (r1 -> isa, s1 -> alga ...)

    def query(self) -> Query:
        return parse_query(self.text)


class QuerySampler:
    def __init__(
        self, kg: KG, *, easy_splits: tuple[str, ...] = ("train",),
        full_splits: tuple[str, ...] = ("train", "valid", "test"), max_answers: int | None = None,
        require_hard: bool = True,
    ) -> None:
        self.require_hard = require_hard
        self.kg = kg
        self.max_answers = max_answers if max_answers is not None else max(8, kg.num_entities // 4)
        full = kg.triples(full_splits)
        self.full = full
        self._in: dict[int, np.ndarray] = {}
        self._out: dict[int, np.ndarray] = {}
        order = np.argsort(full[:, 2], kind="stable")
        for t, idx in _groups(full[order, 2], order):
            self._in[t] = idx
        order = np.argsort(full[:, 0], kind="stable")
        for h, idx in _groups(full[order, 0], order):
            self._out[h] = idx
        self._pairs: dict[tuple[int, int], list[int]] = {}
        for h, r, t in full:
            self._pairs.setdefault((int(h), int(t)), []).append(int(r))
        self.easy_engine = QueryEngine(kg, ObservedTruth(kg, easy_splits))
        self.full_engine = QueryEngine(kg, ObservedTruth(kg, full_splits))

    def sample(self, structure: str, rng: random.Random, tries: int = 200) -> SampledQuery | None:
        template = parse_query(STRUCTURES[structure])
        for _ in range(tries):
            ground = self._ground(template, rng)
            if ground is None:
                continue
            text, mapping = ground
            q = parse_query(text)
            if any(len({a.key() for a in b}) < len(b) for b in q.dnf()):
                continue  # a repeated atom makes the structure degenerate
            full = np.nonzero(self.full_engine.answer(q) > 0.5)[0]
            if len(full) == 0 or len(full) > self.max_answers:
                continue
            easy = np.nonzero(self.easy_engine.answer(q) > 0.5)[0]
            hard = np.setdiff1d(full, easy)
            if self.require_hard and len(hard) == 0:
                continue
            return SampledQuery(text, structure, tuple(map(int, easy)), tuple(map(int, hard)), mapping)
        return None

    def sample_many(self, structure: str, n: int, seed: int = 0) -> list[SampledQuery]:
        rng = random.Random(f"{self.kg.name}/{structure}/{seed}")
        out: list[SampledQuery] = []
        seen: set[str] = set()
        for _ in range(n * 5):
            if len(out) >= n:
                break
            s = self.sample(structure, rng)
            if s is None:
                break  # this structure hardly exists in this KG
            if s.text not in seen:
                seen.add(s.text)
                out.append(s)
        return out

    def _ground(self, template: Query, rng: random.Random) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        atoms = template.atoms()
        value: dict[str, int] = {}  # template node (f, e1, s1 ...) -> entity id
        rel: dict[int, int] = {}  # atom index -> relation id
        answer_edge = self.full[rng.randrange(len(self.full))]
        value["f"] = int(answer_edge[2])
        pending = list(range(len(atoms)))
        while pending:
            progressed = False
            for i in list(pending):
                a = atoms[i]
                h, t = a.head.name, a.tail.name
                if h in value and t in value:
                    rels = self._pairs.get((value[h], value[t]))
                    if not rels:
                        return None
                    rel[i] = rng.choice(rels)
                elif t in value:
                    cand = self._in.get(value[t])
                    if cand is None:
                        return None
                    e = self.full[cand[rng.randrange(len(cand))]]
                    value[h], rel[i] = int(e[0]), int(e[1])
                elif h in value:
                    cand = self._out.get(value[h])
                    if cand is None:
                        return None
                    e = self.full[cand[rng.randrange(len(cand))]]
                    value[t], rel[i] = int(e[2]), int(e[1])
                else:
                    continue
                pending.remove(i)
                progressed = True
            if not progressed:
                return None
        names = {k: (k if k == "f" or k.startswith("e") else quote_name(self.kg.entities[v])) for k, v in value.items()}
        text = STRUCTURES[template_name(template)]
        mapping: list[tuple[str, str]] = []
        for i, a in enumerate(atoms):
            mapping.append((f"r{i + 1}", self.kg.relations[rel[i]]))
        for k, v in value.items():
            if k.startswith("s"):
                mapping.append((k, self.kg.entities[v]))
        text = _substitute_symbols(text, {**{f"r{i + 1}": quote_name(self.kg.relations[rel[i]]) for i in rel}, **names})
        return str(parse_query(text)), tuple(mapping)


def template_name(q: Query) -> str:
    for name, t in STRUCTURES.items():
        if t == q.text:
            return name
    raise KeyError(q.text)


def _substitute_symbols(text: str, mapping: dict[str, str]) -> str:
    import re

    return re.sub(r"\b[a-z]\d*\b", lambda m: mapping.get(m.group(0), m.group(0)), text)


def _groups(keys: np.ndarray, order: np.ndarray):
    if len(keys) == 0:
        return
    bounds = np.nonzero(np.diff(keys))[0] + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(keys)]])
    for s, e in zip(starts, ends):
        yield int(keys[s]), order[s:e]
