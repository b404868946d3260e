"""GBNF grammars generated from a domain: only its predicates, with their arities and types,
and only the objects that exist. llama.cpp and vLLM both enforce them during decoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from planners.pddl import DomainModel

__all__ = ["problem_grammar", "clause_grammar", "objects_grammar", "MAX_FACTS_PER_CLAUSE"]

MAX_FACTS_PER_CLAUSE = 4


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rule(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", name.lower())


def _alts(items: Iterable[str]) -> str:
    return " | ".join(_lit(i) for i in items)


def _fact_rules(domain: DomainModel, objects: dict[str, str] | None) -> list[str]:
    """``fact`` plus one object rule per parameter type (only objects of a fitting type)."""
    rules: list[str] = []
    fact_alts: list[str] = []
    obj_rules: dict[str, str] = {}
    for pred, params in sorted(domain.predicates.items()):
        parts = [_lit("(" + pred)]
        ok = True
        for _, ptype in params:
            rn = "obj-" + _rule(ptype)
            if rn not in obj_rules:
                if objects is None:
                    obj_rules[rn] = "name"
                else:
                    fit = sorted(o for o, t in objects.items() if domain.is_subtype(t, ptype))
                    if not fit:
                        ok = False
                        break
                    obj_rules[rn] = _alts(fit)
            parts += ['" "', rn]
        if ok:
            fact_alts.append(" ".join(parts + ['")"']))
    # no predicate fits the objects found: a fact that can only fail the parse, with a clear message
    rules.append("fact ::= " + (" | ".join(fact_alts) or '"()"'))
    rules += [f"{n} ::= {body}" for n, body in obj_rules.items()]
    if objects is None:
        rules.append("name ::= [a-z] [a-z0-9_-]*")
    return rules


def problem_grammar(domain: DomainModel, objects: dict[str, str] | None = None) -> str:
    """A whole problem: define, :domain, :objects, :init, :goal (and ...)."""
    types = domain.leaf_types
    head = [
        'root ::= "(define (problem " pname ")\\n  (:domain ' + domain.name + ')\\n  (:objects" objdecl+ ")\\n'
        '  (:init" (ws fact)* ")\\n  (:goal (and" (ws fact)+ "))\\n)"',
        'pname ::= [a-z] [a-z0-9_-]*',
        'ws ::= "\\n    " | " "',
    ]
    if objects is None:
        head.append('objdecl ::= (ws name)+ " - " type')
        head.append("type ::= " + _alts(types))
    else:
        by_type: dict[str, list[str]] = {}
        for o, t in objects.items():
            by_type.setdefault(t, []).append(o)
        decl = " ".join(" ".join(os_) + (f" - {t}" if t != "object" else "") for t, os_ in by_type.items())
        head[0] = head[0].replace("objdecl+", "objdecls")
        head.append("objdecls ::= " + _lit(" " + decl))
    return "\n".join(head + _fact_rules(domain, objects)) + "\n"


def clause_grammar(domain: DomainModel, objects: dict[str, str], section: str | None = None) -> str:
    """One clause: ``init:`` or ``goal:`` followed by 1..4 facts, or ``none``.

    ``section`` ("init" or "goal") fixes the prefix when the sentence's own words decide it.
    """
    more = ' (" " fact)?' * (MAX_FACTS_PER_CLAUSE - 1)
    if section == "goal":  # "none" stays: "Your goal is as follows." states no fact
        root = f'root ::= "goal:" " " fact{more} | "none"'
    elif section == "init":
        root = f'root ::= "init:" " " fact{more} | "none"'
    else:
        root = f'root ::= ("init:" | "goal:") " " fact{more} | "none"'
    return "\n".join([root, *_fact_rules(domain, objects)]) + "\n"


def objects_grammar(domain: DomainModel, candidates: list[str]) -> str:
    """Object declarations like ``b1 b2 - block``; names only from words of the text."""
    types = [t for t in domain.leaf_types]
    names = candidates or ["x"]
    return (
        'root ::= group ("; " group)*\n'
        'group ::= name (" " name)* " - " type\n'
        f"name ::= {_alts(names)}\n"
        f"type ::= {_alts(types)}\n"
    )
