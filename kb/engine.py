"""Fuzzy answering of EFO-1 queries: product t-norm, probabilistic sum, 1−x negation,
max over existential variables (QTO/FIT style).

A query is put in DNF; each conjunctive branch is a query graph over its variables.
Tree-shaped branches are solved exactly by message passing towards the answer variable
``f``: ``msg_{c→v}(y) = max_x mu_c(x) · Π_atoms T(x, y)``. Branches with a cycle are
solved by enumerating one variable of the cycle (FIT), which turns it into a constant.
Branches are joined by the probabilistic sum. Every answer can be explained: the argmax
assignments are traced back into supporting edges, each marked observed or predicted.

A run checks its deadline and its request's cancel token between branches, candidates,
variables and chunks, so a query nobody waits for stops within one step; the number of
branches is bounded when the query is parsed (``kb.query.QueryLimits``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from nesy import cancel

from kb.query import ANSWER, Query
from kb.store import KG
from kb.truth import ObservedTruth, TruthSource

__all__ = ["QueryEngine", "EngineResult", "resolve"]


@dataclass(frozen=True)
class _Atom:
    """An atom with ids: ``head``/``tail`` are a variable name (str) or an entity id (int)."""

    rel: int
    head: str | int
    tail: str | int
    negated: bool


def resolve(q: Query, kg: KG) -> list[list[_Atom]]:
    """DNF branches with relation and entity ids (the query must already be linted)."""
    def term(t) -> str | int:
        return t.name if t.is_var else kg.entity(t.name)

    return [[_Atom(kg.relation(a.relation), term(a.head), term(a.tail), a.negated) for a in b] for b in q.dnf()]


@dataclass(frozen=True)
class _Budget:
    """One run's deadline; per run, not per engine, because one engine serves concurrent requests."""

    deadline: float | None = None
    timeout: float | None = None

    @classmethod
    def of(cls, timeout: float | None) -> "_Budget":
        return cls(None if timeout is None else time.monotonic() + timeout, timeout)

    def check(self, doing: str) -> None:
        """Raise ``TimeoutError`` once the request is cancelled or the deadline has passed."""
        if cancel.cancelled():
            token = cancel.current()
            raise TimeoutError(f"the query was stopped while {doing}: {token.reason if token else 'cancelled'}")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutError(f"the query ran past its {self.timeout:g} s timeout while {doing}")


@dataclass
class _Tree:
    """Message-passing state of one solved tree branch, kept for explanations."""

    atoms: list[_Atom]
    mu: dict[str, np.ndarray]
    children: dict[str, list[str]]
    pair_atoms: dict[frozenset, list[_Atom]]
    unary: dict[str, list[_Atom]]


@dataclass
class _Branch:
    vector: np.ndarray
    tree: _Tree | None = None  # tree-shaped
    enum_var: str | None = None  # cyclic: enumerated variable and per-answer best value
    enum_best: np.ndarray | None = None
    atoms: list[_Atom] = field(default_factory=list)
    ground: list[_Atom] = field(default_factory=list)


@dataclass
class EngineResult:
    vector: np.ndarray  # truth of every entity as the answer
    branches: list[_Branch]

    def top(self, k: int) -> list[tuple[int, float]]:
        idx = np.argsort(-self.vector, kind="stable")[:k]
        return [(int(i), float(self.vector[i])) for i in idx if self.vector[i] > 0]


class QueryEngine:
    """Answers queries over one truth source.

    ``max_candidates`` bounds how many values of an intermediate variable are expanded
    (top by truth) — needed for large KGs, where each expanded value costs one row of N.
    ``chunk`` bounds rows held at once, so peak memory is ``chunk × N`` floats.
    """

    def __init__(
        self, kg: KG, truth: TruthSource, *, observed: ObservedTruth | None = None,
        max_candidates: int | None = None, chunk: int = 512, max_enumerate: int | None = None,
    ) -> None:
        self.kg = kg
        self.truth = truth
        self.observed = observed
        self.N = kg.num_entities
        self.max_candidates = max_candidates
        self.chunk = chunk
        self.max_enumerate = max_enumerate

    # -- answering -------------------------------------------------------------------

    def run(self, q: Query, *, timeout: float | None = None) -> EngineResult:
        """Raises ``TimeoutError`` when the run passes ``timeout`` seconds or its request is cancelled."""
        budget = _Budget.of(timeout)
        resolved = resolve(q, self.kg)
        branches = []
        for i, atoms in enumerate(resolved):
            budget.check(f"starting branch {i + 1} of {len(resolved)}")
            branches.append(self._branch(atoms, budget))
        if len(branches) == 1:
            vec = branches[0].vector
        else:  # probabilistic sum: 1 - Π(1 - v)
            vec = 1.0 - np.prod([1.0 - b.vector for b in branches], axis=0)
        return EngineResult(vec.astype(np.float32), branches)

    def answer(self, q: Query) -> np.ndarray:
        return self.run(q).vector

    def _branch(self, atoms: list[_Atom], budget: _Budget) -> _Branch:
        # atoms between two constants (left after enumeration) are scalar factors
        ground = [a for a in atoms if isinstance(a.head, int) and isinstance(a.tail, int)]
        free = [a for a in atoms if not (isinstance(a.head, int) and isinstance(a.tail, int))]
        scalar = 1.0
        for a in ground:
            t = float(self.truth.rows(a.rel, np.array([a.head]))[0, a.tail])
            scalar *= 1.0 - t if a.negated else t
        g = _var_graph(free)
        if nx.is_forest(g):
            tree = self._tree(free, g, budget)
            b = _Branch(tree.mu[ANSWER], tree=tree, atoms=free)
        else:
            b = self._enumerate(free, _cycle_var(g), budget)
        b.ground = ground
        if ground:
            b.vector = b.vector * np.float32(scalar)
        return b

    def _enumerate(self, atoms: list[_Atom], z: str, budget: _Budget) -> _Branch:
        """FIT: fix the cycle variable ``z`` to each candidate entity; max over candidates.
        Memory stays at two N-vectors per level: each candidate's branch is folded in and dropped."""
        cands = np.arange(self.N)
        unary = [a for a in atoms if _unary_on(a, z)]
        if unary:  # candidates consistent with z's own constant atoms first
            prior = np.ones(self.N, dtype=np.float32)
            for a in unary:
                prior *= self._unary(a, z, budget)
            cands = np.nonzero(prior > 0)[0]
            cands = cands[np.argsort(-prior[cands], kind="stable")]
        if self.max_enumerate is not None:
            cands = cands[: self.max_enumerate]
        best = np.zeros(self.N, dtype=np.float32)
        arg = np.full(self.N, -1, dtype=np.int64)
        for i, x in enumerate(cands):
            budget.check(f"enumerating {z} (candidate {i + 1} of {len(cands)})")
            vec = self._branch(_substitute(atoms, z, int(x)), budget).vector
            better = vec > best
            best[better] = vec[better]
            arg[better] = x
        return _Branch(best, enum_var=z, enum_best=arg, atoms=atoms)

    def _tree(self, atoms: list[_Atom], g: nx.Graph, budget: _Budget) -> _Tree:
        unary: dict[str, list[_Atom]] = {v: [] for v in g.nodes}
        pairs: dict[frozenset, list[_Atom]] = {}
        for a in atoms:
            if isinstance(a.head, str) and isinstance(a.tail, str) and a.head != a.tail:
                pairs.setdefault(frozenset((a.head, a.tail)), []).append(a)
            else:
                v = a.head if isinstance(a.head, str) else a.tail
                unary[v].append(a)  # type: ignore[index]
        children: dict[str, list[str]] = {v: [] for v in g.nodes}
        order = list(nx.dfs_postorder_nodes(g, ANSWER))
        for parent, child in nx.dfs_edges(g, ANSWER):
            children[parent].append(child)
        mu: dict[str, np.ndarray] = {}
        for v in order:
            budget.check(f"answering for variable {v}")
            vec = np.ones(self.N, dtype=np.float32)
            for a in unary[v]:
                vec *= self._unary(a, v, budget)
            for c in children[v]:
                vec *= self._message(mu[c], pairs[frozenset((c, v))], c, budget)
            mu[v] = vec
        return _Tree(atoms, mu, children, pairs, unary)

    # -- operators -------------------------------------------------------------------

    def _unary(self, a: _Atom, v: str, budget: _Budget) -> np.ndarray:
        """Truth over v's values of an atom whose other end is a constant (or v itself)."""
        if isinstance(a.head, int):
            t = self.truth.rows(a.rel, np.array([a.head]))[0]
        elif isinstance(a.tail, int):
            t = self.truth.cols(a.rel, np.array([a.tail]))[0]
        else:  # r(v, v): the diagonal, row by row in chunks
            t = np.empty(self.N, dtype=np.float32)
            for s in range(0, self.N, self.chunk):
                budget.check(f"reading the diagonal of {v}")
                idx = np.arange(s, min(s + self.chunk, self.N))
                t[idx] = self.truth.rows(a.rel, idx)[np.arange(len(idx)), idx]
        t = t.astype(np.float32, copy=False)
        return 1.0 - t if a.negated else t

    def _pair_rows(self, atoms: list[_Atom], c: str, xs: np.ndarray) -> np.ndarray:
        """Π over the atoms between c and its parent, rows for c's values ``xs``: (len(xs), N)."""
        m = None
        for a in atoms:
            t = self.truth.rows(a.rel, xs) if a.head == c else self.truth.cols(a.rel, xs)
            if a.negated:
                t = 1.0 - t
            m = t if m is None else m * t
        assert m is not None
        return m

    def _support(self, mu: np.ndarray) -> np.ndarray:
        xs = np.nonzero(mu > 0)[0]
        if self.max_candidates is not None and len(xs) > self.max_candidates:
            xs = xs[np.argpartition(-mu[xs], self.max_candidates - 1)[: self.max_candidates]]
        return xs

    def _message(self, mu_c: np.ndarray, atoms: list[_Atom], c: str, budget: _Budget) -> np.ndarray:
        out = np.zeros(self.N, dtype=np.float32)
        xs = self._support(mu_c)
        for s in range(0, len(xs), self.chunk):
            budget.check(f"passing messages from {c}")
            part = xs[s : s + self.chunk]
            m = self._pair_rows(atoms, c, part)
            m *= mu_c[part][:, None]
            np.maximum(out, m.max(axis=0), out=out)
        return out

    # -- explanations ----------------------------------------------------------------

    def explain(self, result: EngineResult, answer: int) -> list[dict]:
        """Supporting edges of one answer in the branch that gives it the highest truth."""
        b = max(result.branches, key=lambda br: float(br.vector[answer]))
        return self._explain_branch(b, answer)

    def _explain_branch(self, b: _Branch, answer: int) -> list[dict]:
        ground = [self._edge(a, {}) for a in b.ground]
        if b.tree is not None:
            return ground + self._explain_tree(b.tree, ANSWER, answer)
        assert b.enum_var is not None and b.enum_best is not None
        x = int(b.enum_best[answer])
        if x < 0:
            return []
        sub = self._branch(_substitute(b.atoms, b.enum_var, x), _Budget())
        return ground + self._explain_branch(sub, answer)

    def _explain_tree(self, t: _Tree, v: str, val: int) -> list[dict]:
        edges = []
        for a in t.unary[v]:
            edges.append(self._edge(a, {v: val}))
        for c in t.children[v]:
            atoms = t.pair_atoms[frozenset((c, v))]
            xs = self._support(t.mu[c])
            if len(xs) == 0:
                continue
            col = self._pair_rows(atoms, c, xs)[:, val] * t.mu[c][xs]
            x = int(xs[int(np.argmax(col))])
            for a in atoms:
                edges.append(self._edge(a, {c: x, v: val}))
            edges.extend(self._explain_tree(t, c, x))
        return edges

    def _edge(self, a: _Atom, values: dict[str, int]) -> dict:
        h = a.head if isinstance(a.head, int) else values[a.head]
        t = a.tail if isinstance(a.tail, int) else values[a.tail]
        truth = float(self.truth.rows(a.rel, np.array([h]))[0, t])
        observed = self.observed.has(a.rel, h, t) if self.observed is not None else False
        return {
            "head": self.kg.entities[h],
            "relation": self.kg.relations[a.rel],
            "tail": self.kg.entities[t],
            "negated": a.negated,
            "truth": round(1.0 - truth if a.negated else truth, 4),
            "edge_truth": round(truth, 4),
            "observed": observed,
        }


def _var_graph(atoms: list[_Atom]) -> nx.Graph:
    g = nx.Graph()
    for a in atoms:
        ends = [x for x in (a.head, a.tail) if isinstance(x, str)]
        g.add_nodes_from(ends)
        if len(ends) == 2 and ends[0] != ends[1]:
            g.add_edge(*ends)  # parallel atoms collapse: a multi-edge is not a cycle
    g.add_node(ANSWER)
    return g


def _cycle_var(g: nx.Graph) -> str:
    cycle = nx.cycle_basis(g)[0]
    cands = [v for v in cycle if v != ANSWER]
    return max(cands, key=lambda v: (g.degree(v), v))


def _unary_on(a: _Atom, z: str) -> bool:
    return (a.head == z and isinstance(a.tail, int)) or (a.tail == z and isinstance(a.head, int))


def _substitute(atoms: list[_Atom], z: str, x: int) -> list[_Atom]:
    return [
        _Atom(a.rel, x if a.head == z else a.head, x if a.tail == z else a.tail, a.negated) for a in atoms
    ]

