"""EFO-1 query language: parse (lark), lint against a KG, classify the structure, render.

Syntax: ``r1(s1,e1) & r2(e1,f) & !r3(s2,f)``; ``|`` is union, ``!`` negates one atom,
parentheses group. ``f`` is the answer variable, ``e``/``e1``/``e2``... are existential
variables, every other name (or any double-quoted name) is an entity constant.
Structure names are BetaE's (1p ... pni) and FIT's (2il ... 3cm); they serve as the
composition signatures of benchmark items.

A client's query is bounded right after parsing (``QueryLimits``): DNF expansion, lint and
structure detection are exponential in the number of unions, so the size of the DNF is
counted, never built, before any of them runs. Nothing before that check recurses.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
from lark import (
    Lark,
    Token,
    Transformer_NonRecursive,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from nesy.errors import InputTooLargeError, TranslationError
from nesy.settings import Settings

__all__ = [
    "Term",
    "Atom",
    "Query",
    "parse_query",
    "QueryLimits",
    "DEFAULT_LIMITS",
    "dnf_size",
    "lint_query",
    "structure_of",
    "STRUCTURES",
    "SEEN_STRUCTURES",
    "HELD_OUT_STRUCTURES",
    "structure_candidates",
    "ANSWER",
    "is_variable",
    "quote_name",
    "dedupe",
]

ANSWER = "f"
_VAR = re.compile(r"^(f|e\d*)$")
_BARE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


def is_variable(name: str) -> bool:
    return bool(_VAR.match(name))


def quote_name(name: str) -> str:
    """How a symbol is written: bare when it is a plain name that is not a variable."""
    return name if _BARE.match(name) and not is_variable(name) else f'"{name}"'


@dataclass(frozen=True)
class Term:
    name: str
    is_var: bool

    def __str__(self) -> str:
        return self.name if self.is_var else quote_name(self.name)


@dataclass(frozen=True)
class Atom:
    relation: str
    head: Term
    tail: Term
    negated: bool = False
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{'!' if self.negated else ''}{quote_name(self.relation) if not is_variable(self.relation) else self.relation}({self.head}, {self.tail})"

    def key(self) -> tuple:
        return (self.relation, self.head.name, self.head.is_var, self.tail.name, self.tail.is_var, self.negated)


@dataclass(frozen=True)
class And:
    parts: tuple["Formula", ...]


@dataclass(frozen=True)
class Or:
    parts: tuple["Formula", ...]


Formula = Atom | And | Or


@dataclass(frozen=True)
class Query:
    formula: Formula
    text: str

    def atoms(self) -> list[Atom]:
        """Atoms in text order (iterative: this runs before the size checks)."""
        out: list[Atom] = []
        stack: list[Formula] = [self.formula]
        while stack:
            x = stack.pop()
            if isinstance(x, Atom):
                out.append(x)
            else:
                stack.extend(reversed(x.parts))
        return out

    def dnf(self) -> list[list[Atom]]:
        """Disjunctive normal form: a list of conjunctive branches."""
        return _dnf(self.formula)

    def variables(self) -> set[str]:
        return {t.name for a in self.atoms() for t in (a.head, a.tail) if t.is_var}

    def constants(self) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.atoms():
            for t in (a.head, a.tail):
                if not t.is_var:
                    seen.setdefault(t.name, None)
        return list(seen)

    @property
    def structure(self) -> str:
        return structure_of(self)

    def canonical(self) -> tuple:
        """Equal for queries that differ only in atom order, spacing and existential names."""
        return tuple(sorted(_canonical_branch(b) for b in self.dnf()))

    def __str__(self) -> str:
        return render(self.formula)


def render(x: Formula, top: bool = True) -> str:
    if isinstance(x, Atom):
        return str(x)
    if isinstance(x, And):
        return " & ".join(render(p, False) for p in x.parts)
    s = " | ".join(render(p, False) for p in x.parts)
    return s if top else f"({s})"


def dnf_size(x: Formula, cap: int) -> int:
    """Number of DNF branches, counted without expanding: an atom is 1, a union the sum of
    its parts, a conjunction their product. Iterative, and saturates at ``cap``."""
    counts: list[int] = []
    stack: list[tuple[Formula, bool]] = [(x, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, Atom):
            counts.append(1)
        elif not ready:
            stack.append((node, True))
            stack.extend((p, False) for p in node.parts)
        else:
            union = isinstance(node, Or)
            n = 0 if union else 1
            for _ in node.parts:
                c = counts.pop()
                n = min(n + c if union else n * c, cap)
            counts.append(n)
    return counts[0]


def _dnf(x: Formula) -> list[list[Atom]]:
    if isinstance(x, Atom):
        return [[x]]
    if isinstance(x, Or):
        return [b for p in x.parts for b in _dnf(p)]
    branches: list[list[Atom]] = [[]]
    for p in x.parts:
        branches = [b + c for b in branches for c in _dnf(p)]
    return branches


_CANON_RENAMINGS = 720  # renamings tried per branch; past it, refined colours stand in for names


def _canonical_branch(atoms: list[Atom]) -> tuple:
    """The branch's sorted atoms under the renaming of existential variables that sorts first.

    Only variables that colour refinement cannot tell apart are permuted among themselves,
    so this is one renaming for almost every query rather than (variables)!. A client's gold
    query made of interchangeable variables (seven ``r(e_i, f)``) would still need 5040 per
    branch: past ``_CANON_RENAMINGS`` the colours themselves name the variables, which stays
    invariant under renaming but may equate a few symmetric, non-isomorphic branches.
    """
    colour = _colours(atoms)
    groups = [sorted(v for v in colour if colour[v] == c) for c in sorted(set(colour.values()))]
    if math.prod(math.factorial(len(g)) for g in groups) > _CANON_RENAMINGS:
        return _renamed(atoms, {v: f"c{c}" for v, c in colour.items()})
    return min(
        (_renamed(atoms, {v: f"e{i}" for i, v in enumerate(itertools.chain.from_iterable(order))})
         for order in itertools.product(*(itertools.permutations(g) for g in groups))),
        default=(),
    )


def _is_evar(t: Term) -> bool:
    return t.is_var and t.name != ANSWER


def _colours(atoms: list[Atom]) -> dict[str, int]:
    """Colour refinement of the existential variables: a variable's colour is refined by its
    atoms (relation, negation, direction, the other end's constant or colour) until stable."""
    colour = {t.name: 0 for a in atoms for t in (a.head, a.tail) if _is_evar(t)}

    def end(t: Term) -> tuple:
        return ("e", colour[t.name]) if _is_evar(t) else ("v" if t.is_var else "c", t.name)

    for _ in colour:
        sig = {
            v: (colour[v], tuple(sorted(
                (a.relation, a.negated, _is_evar(a.head) and a.head.name == v, end(a.head), end(a.tail))
                for a in atoms if v in {t.name for t in (a.head, a.tail) if _is_evar(t)}
            )))
            for v in colour
        }
        rank = {x: i for i, x in enumerate(sorted(set(sig.values())))}
        refined = {v: rank[sig[v]] for v in colour}
        if len(set(refined.values())) == len(set(colour.values())):
            break
        colour = refined
    return colour


def _renamed(atoms: list[Atom], names: dict[str, str]) -> tuple:
    def term(t: Term) -> tuple[str, str]:  # a quoted constant "e1" is never renamed
        return ("v", names.get(t.name, t.name)) if t.is_var else ("c", t.name)

    return tuple(sorted((a.relation, term(a.head), term(a.tail), a.negated) for a in atoms))


# -- parsing ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        (Path(__file__).with_name("query.lark")).read_text(), parser="lalr", propagate_positions=True
    )


def _unquote(tok: Token) -> str:
    s = str(tok)
    return s[1:-1] if s.startswith('"') else s


class _Build(Transformer_NonRecursive):  # a deep tree must not reach the recursion limit
    def term(self, children: list[Token]) -> Term:
        tok = children[0]
        quoted = str(tok).startswith('"')
        name = _unquote(tok)
        return Term(name, is_var=not quoted and is_variable(name))

    def atom(self, children: list) -> Atom:
        rel, head, tail = children
        return Atom(_unquote(rel), head, tail, False, rel.line or 0, rel.column or 0)

    def neg(self, children: list) -> Atom:
        a: Atom = children[0]
        return Atom(a.relation, a.head, a.tail, True, a.line, a.column)

    def conj(self, children: list) -> And:
        return And(tuple(children))

    def disj(self, children: list) -> Or:
        return Or(tuple(children))


def _limit_default(field: str) -> int:
    return int(Settings.model_fields[field].default)


@dataclass(frozen=True)
class QueryLimits:
    """What one query may hold; the server's come from ``Settings``, these defaults match them."""

    atoms: int = _limit_default("kg_max_atoms")
    variables: int = _limit_default("kg_max_variables")
    branches: int = _limit_default("kg_max_branches")
    depth: int = _limit_default("max_formula_depth")

    @classmethod
    def from_settings(cls, settings: Settings) -> "QueryLimits":
        return cls(settings.kg_max_atoms, settings.kg_max_variables, settings.kg_max_branches,
                   settings.max_formula_depth)


DEFAULT_LIMITS = QueryLimits()
_COUNT_CAP = 10**9  # branch counts saturate here, so a hostile query never makes a huge integer


def _too_large(what: str, value: int, limit: int, measure: str) -> InputTooLargeError:
    shown = f"over {_COUNT_CAP}" if value >= _COUNT_CAP else str(value)
    return InputTooLargeError(f"the query has {shown} {what}; this server accepts at most {limit}",
                              stage="parse", measure=measure, value=value, limit=limit)


def _nesting(src: str) -> int:
    """Deepest parenthesis nesting outside quoted names (an atom's own parentheses count)."""
    depth = deepest = 0
    quoted = False
    for ch in src:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def parse_query(text: str, limits: QueryLimits = DEFAULT_LIMITS) -> Query:
    """Syntax and size only; ``lint_query`` checks symbols and shape against a KG.

    Raises ``InputTooLargeError`` when the query is over ``limits``: nesting is measured on
    the text before lark runs, atoms, variables and DNF branches right after, all without
    recursion, so nothing exponential or deep runs on a query this refuses. Every And/Or has
    two parts or more, so a formula is at most ``atoms - 1`` deep: past the atom check, the
    recursive helpers (render, DNF, dedupe) stay far from the recursion limit.
    """
    src = text.strip()
    if not src:
        raise TranslationError("the query is empty; write atoms like relation(entity, f)", line=1, col=1)
    depth = _nesting(src)
    if depth > limits.depth:
        raise _too_large("levels of nested parentheses", depth, limits.depth, "depth")
    try:
        tree = _parser().parse(src)
    except UnexpectedInput as e:
        raise _syntax_error(e, src) from None
    q = Query(_Build().transform(tree), src)
    atoms = q.atoms()
    if len(atoms) > limits.atoms:
        raise _too_large("atoms", len(atoms), limits.atoms, "atoms")
    variables = len({t.name for a in atoms for t in (a.head, a.tail) if t.is_var})
    if variables > limits.variables:
        raise _too_large("distinct variables", variables, limits.variables, "variables")
    # the cap only needs to exceed the limit; a higher one lets the message give the real count
    branches = dnf_size(q.formula, max(_COUNT_CAP, limits.branches + 1))
    if branches > limits.branches:
        raise _too_large("disjuncts in DNF", branches, limits.branches, "branches")
    return q


def _syntax_error(e: UnexpectedInput, src: str) -> TranslationError:
    line, col = getattr(e, "line", None), getattr(e, "column", None)
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        return TranslationError(
            "the query ends too early (an atom is unfinished or a parenthesis is not closed)",
            line=line if line and line > 0 else 1, col=col if col and col > 0 else len(src), symbol=None,
        )
    if isinstance(e, UnexpectedToken):
        tok = str(e.token)
        return TranslationError(f"unexpected {tok!r}; atoms look like relation(head, tail), joined by & or |",
                                line=line, col=col, symbol=tok)
    if isinstance(e, UnexpectedCharacters):
        ch = src[e.pos_in_stream] if e.pos_in_stream is not None and e.pos_in_stream < len(src) else ""
        return TranslationError(f"unexpected character {ch!r}", line=line, col=col, symbol=ch)
    return TranslationError(str(e), line=line, col=col)


def dedupe(q: Query) -> tuple[Query, int]:
    """Drop atoms repeated inside one conjunction (A ∧ A = A, but the product t-norm would square it)."""
    dropped = 0

    def walk(x: Formula) -> Formula:
        nonlocal dropped
        if isinstance(x, Atom):
            return x
        parts = [walk(p) for p in x.parts]
        if isinstance(x, And):
            seen: set[tuple] = set()
            kept = []
            for p in parts:
                k = p.key() if isinstance(p, Atom) else None
                if k is not None and k in seen:
                    dropped += 1
                    continue
                if k is not None:
                    seen.add(k)
                kept.append(p)
            return kept[0] if len(kept) == 1 else And(tuple(kept))
        return Or(tuple(parts))

    if isinstance(q.formula, Atom):
        return q, 0
    f = walk(q.formula)
    return (Query(f, render(f)), dropped) if dropped else (q, 0)


def lint_query(q: Query, relations: set[str] | list[str], entities: set[str] | list[str]) -> None:
    """Unknown relation or entity (with close matches), missing answer variable, disconnected query."""
    rels, ents = set(relations), set(entities)
    for a in q.atoms():
        if a.relation not in rels:
            raise TranslationError(
                f"unknown relation {a.relation!r}{_suggest(a.relation, rels)}",
                line=a.line, col=a.column, symbol=a.relation, stage="lint",
            )
        for t in (a.head, a.tail):
            if not t.is_var and t.name not in ents:
                raise TranslationError(
                    f"unknown entity {t.name!r}{_suggest(t.name, ents)}",
                    line=a.line, col=a.column, symbol=t.name, stage="lint",
                )
    for branch in q.dnf():
        names = {t.name for a in branch for t in (a.head, a.tail) if t.is_var}
        if ANSWER not in names:
            raise TranslationError(
                f"the answer variable {ANSWER!r} is missing from {render(And(tuple(branch)))!r}; "
                f"the entity asked for must be written {ANSWER}",
                line=branch[0].line, col=branch[0].column, symbol=ANSWER, stage="lint",
            )
        if all(a.negated for a in branch if ANSWER in (a.head.name, a.tail.name)):
            raise TranslationError(
                "the answer variable appears only under negation; add a positive atom about f",
                line=branch[0].line, col=branch[0].column, symbol=ANSWER, stage="lint",
            )
        g = nx.Graph()
        g.add_nodes_from(names)
        for a in branch:
            if a.head.is_var and a.tail.is_var:
                g.add_edge(a.head.name, a.tail.name)
        for comp in nx.connected_components(g):
            if ANSWER not in comp:
                v = sorted(comp)[0]
                raise TranslationError(
                    f"the query is disconnected: variable {v!r} is not linked to the answer {ANSWER!r}",
                    line=branch[0].line, col=branch[0].column, symbol=v, stage="lint",
                )
        for a in branch:
            if not a.head.is_var and not a.tail.is_var:
                raise TranslationError(
                    f"atom {a} has no variable; every atom must involve f or an e-variable",
                    line=a.line, col=a.column, symbol=a.relation, stage="lint",
                )


def _suggest(name: str, pool: set[str]) -> str:
    close = difflib.get_close_matches(name, list(pool), n=3, cutoff=0.6)
    if not close:
        low = name.lower().replace(" ", "_")
        close = [p for p in pool if low in p.lower()][:3]
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


# -- structures ------------------------------------------------------------------------

STRUCTURES: dict[str, str] = {
    "1p": "r1(s1,f)",
    "2p": "r1(s1,e1) & r2(e1,f)",
    "3p": "r1(s1,e1) & r2(e1,e2) & r3(e2,f)",
    "2i": "r1(s1,f) & r2(s2,f)",
    "3i": "r1(s1,f) & r2(s2,f) & r3(s3,f)",
    "pi": "r1(s1,e1) & r2(e1,f) & r3(s2,f)",
    "ip": "r1(s1,e1) & r2(s2,e1) & r3(e1,f)",
    "2u": "r1(s1,f) | r2(s2,f)",
    "up": "(r1(s1,e1) | r2(s2,e1)) & r3(e1,f)",
    "2in": "r1(s1,f) & !r2(s2,f)",
    "3in": "r1(s1,f) & r2(s2,f) & !r3(s3,f)",
    "inp": "r1(s1,e1) & !r2(s2,e1) & r3(e1,f)",
    "pin": "r1(s1,e1) & r2(e1,f) & !r3(s2,f)",
    "pni": "r1(s1,e1) & !r2(e1,f) & r3(s2,f)",
    # FIT (Yin et al. 2024) types beyond BetaE's: existential leaves, multi-edges, cycles
    "2il": "r1(s1,f) & r2(e1,f)",
    "3il": "r1(s1,f) & r2(s2,f) & r3(e1,f)",
    "2m": "r1(s1,e1) & r2(e1,f) & r3(e1,f)",
    "2nm": "r1(s1,e1) & r2(e1,f) & !r3(e1,f)",
    "3mp": "r1(s1,e1) & r2(e1,e2) & r3(e1,e2) & r4(e2,f)",
    "3pm": "r1(s1,e1) & r2(e1,e2) & r3(e2,f) & r4(e2,f)",
    "im": "r1(s1,e1) & r2(s2,e1) & r3(e1,f) & r4(e1,f)",
    "3c": "r1(s1,e1) & r2(e1,f) & r3(s2,e2) & r4(e2,f) & r5(e1,e2)",
    "3cm": "r1(s1,e1) & r2(e1,f) & r3(s2,e2) & r4(e2,f) & r5(e1,e2) & r6(e1,f)",
}
SEEN_STRUCTURES = ("1p", "2p", "2i", "3i")
HELD_OUT_STRUCTURES = tuple(s for s in STRUCTURES if s not in SEEN_STRUCTURES and s != "3p") + ("3p",)


_NEGATION = re.compile(r"\b(not|without|never|no)\b|n't", re.IGNORECASE)
_UNION = re.compile(r"\b(or|either)\b", re.IGNORECASE)


def structure_candidates(anchors: Sequence[str], relations: Sequence[str],
                         structures: Sequence[str] | None = None, question: str | None = None) -> dict[str, str]:
    """Each query structure filled with the question's anchors and relations, in mention order.

    A structure qualifies when it has as many anchor slots and relation slots as the question
    names; its slots ``s1``, ``s2``… and ``r1``, ``r2``… take the mentions in order. With the
    ``question``, its words decide what likelihood cannot (measured: the 135M model ranks the
    negation-free reading first and drops the "not"): as many negated atoms as negation words,
    a union exactly when it says "or". Returns {canonical query text: structure}.
    """
    negations = len(_NEGATION.findall(question)) if question is not None else None
    union = bool(_UNION.search(question)) if question is not None else None
    out: dict[str, str] = {}
    for name in structures or STRUCTURES:
        template = STRUCTURES[name]
        if negations is not None and (template.count("!") != negations or ("|" in template) != union):
            continue
        s_slots = sorted(set(re.findall(r"\bs(\d)\b", template)))
        r_slots = sorted(set(re.findall(r"\br(\d)\(", template)))
        if len(s_slots) != len(anchors) or len(r_slots) != len(relations):
            continue
        text = re.sub(r"\bs(\d)\b", lambda m: anchors[int(m.group(1)) - 1], template)
        text = re.sub(r"\br(\d)\(", lambda m: relations[int(m.group(1)) - 1] + "(", text)
        out.setdefault(str(parse_query(text)), name)
    return out


def _branch_graph(atoms: list[Atom]) -> nx.DiGraph:
    """Query graph: one node per variable and per constant *occurrence*; parallel atoms
    between the same ordered pair become one edge labelled with their sorted negation flags."""
    g = nx.DiGraph()
    labels: dict[tuple[str, str], list[bool]] = {}
    for i, a in enumerate(atoms):
        ends = []
        for t in (a.head, a.tail):
            node = ("v", t.name) if t.is_var else ("c", i, t.name)
            kind = "answer" if t.is_var and t.name == ANSWER else ("var" if t.is_var else "const")
            g.add_node(node, kind=kind)
            ends.append(node)
        labels.setdefault((ends[0], ends[1]), []).append(a.negated)
    for (u, v), negs in labels.items():
        g.add_edge(u, v, negs=tuple(sorted(negs)))
    return g


@lru_cache(maxsize=1)
def _templates() -> dict[str, list[nx.DiGraph]]:
    return {name: [_branch_graph(b) for b in parse_query(t).dnf()] for name, t in STRUCTURES.items()}


def _same(g1: nx.DiGraph, g2: nx.DiGraph) -> bool:
    return nx.is_isomorphic(
        g1, g2, node_match=lambda a, b: a["kind"] == b["kind"], edge_match=lambda a, b: a["negs"] == b["negs"]
    )


def structure_of(q: Query) -> str:
    """BetaE / FIT structure name, or ``"other"``. Unions are matched branch by branch."""
    branches = [_branch_graph(b) for b in q.dnf()]
    for name, tmpl in _templates().items():
        if len(tmpl) != len(branches):
            continue
        if any(all(_same(b, t) for b, t in zip(branches, perm)) for perm in itertools.permutations(tmpl)):
            if name == "up" and not _shares_tail(q):
                continue
            return name
    return "other"


def _shares_tail(q: Query) -> bool:
    """``up`` distributes one atom over both branches; two unrelated 2p branches are not ``up``."""
    b = q.dnf()
    return len(b) == 2 and bool({a.key() for a in b[0]} & {a.key() for a in b[1]})
