"""GBNF for constrained decoding of KG queries, admitting only a KG's relations and given entities.

The grammar is built as a small rule table first; the same table renders to GBNF and
samples random strings, so a test can check that everything the GBNF admits, the lark
grammar in ``query.lark`` parses.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

from kb.query import quote_name

__all__ = ["QueryGrammar", "query_grammar"]

# A rule is a list of alternatives; an alternative is a sequence of items;
# an item is ("lit", text) | ("ref", rule) | ("opt", rule) | ("star", rule) | ("rep<n>", rule): 0..n times.
Item = tuple[str, str]
Rules = dict[str, list[list[Item]]]


class QueryGrammar:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def gbnf(self) -> str:
        lines = []
        for name, alts in self.rules.items():
            rendered = " | ".join(" ".join(_item(i) for i in alt) for alt in alts)
            lines.append(f"{name} ::= {rendered}")
        return "\n".join(lines) + "\n"

    def sample(self, rng: random.Random, rule: str = "root", depth: int = 0) -> str:
        alts = self.rules[rule]
        # past a small nesting depth take the first (non-recursive) alternative so sampling ends
        alt = alts[0] if depth > 2 and rule == "lit" else rng.choice(alts)
        out = []
        for kind, val in alt:
            if kind == "lit":
                out.append(val)
            elif kind == "ref":
                out.append(self.sample(rng, val, depth + (val == "disj")))
            elif kind == "opt":
                if rng.random() < 0.5:
                    out.append(self.sample(rng, val, depth))
            elif kind == "star" or kind.startswith("rep"):
                most = 0 if depth > 2 else (int(kind[3:]) if kind.startswith("rep") else 3)
                for _ in range(rng.randint(0, most)):
                    out.append(self.sample(rng, val, depth))
        return "".join(out)


def _item(i: Item) -> str:
    kind, val = i
    if kind == "lit":
        return json.dumps(val)  # GBNF string literals use JSON escapes
    if kind.startswith("rep"):
        return f"{val}{{0,{int(kind[3:])}}}"
    return {"ref": val, "opt": f"{val}?", "star": f"{val}*"}[kind]


def query_grammar(
    relations: Sequence[str], entities: Sequence[str], *, max_vars: int = 3, unions: bool = True,
    max_atoms: int = 6,
) -> QueryGrammar:
    """Queries over exactly these relations and entities, with ``f`` and ``e1..e<max_vars>``.

    Conjunctions are capped at ``max_atoms`` literals and unions at 3 parts, so a small model
    cannot ramble on until its token budget runs out.
    """
    if not relations:
        raise ValueError("a query grammar needs at least one relation")
    lit = lambda s: ("lit", s)  # noqa: E731
    ref = lambda s: ("ref", s)  # noqa: E731
    # Top level: every conjunct ends with an atom about the answer f, so the model cannot
    # forget f (the commonest small-model error); parenthesised unions inside are free.
    rules: Rules = {
        "root": [[ref("top"), ("rep2", "ortop")]] if unions else [[ref("top")]],
        "ortop": [[lit(" | "), ref("top")]],
        "top": [[(f"rep{max_atoms - 1}", "litand"), ref("flit")]],
        "litand": [[ref("lit"), lit(" & ")]],
        "flit": [[ref("rel"), lit("("), ref("term"), lit(", f)")], [lit("!"), ref("rel"), lit("("), ref("term"), lit(", f)")]],
        "disj": [[ref("conj"), ("rep2", "orpart")]] if unions else [[ref("conj")]],
        "orpart": [[lit(" | "), ref("conj")]],
        "conj": [[ref("lit"), (f"rep{max_atoms - 1}", "andpart")]],
        "andpart": [[lit(" & "), ref("lit")]],
        "lit": [[ref("atom")], [lit("!"), ref("atom")]] + ([[lit("("), ref("disj"), lit(")")]] if unions else []),
        # at least one end is a variable: an atom between two constants says nothing about f
        "atom": [[ref("rel"), lit("("), ref("pair"), lit(")")]],
        "pair": [[ref("var"), lit(", "), ref("term")]] + ([[ref("ent"), lit(", "), ref("var")]] if entities else []),
        "rel": [[lit(quote_name(r))] for r in sorted(set(relations))],
        "term": [[ref("var")]] + ([[ref("ent")]] if entities else []),
        "var": [[lit("f")]] + [[lit(f"e{i}")] for i in range(1, max_vars + 1)],
    }
    if entities:
        rules["ent"] = [[lit(quote_name(e))] for e in sorted(set(entities))]
    return QueryGrammar(rules)
