"""Non-classical readings of a program's Horn part, by forward chaining over ground literals.

ProofWriter's labels come from a forward-chaining reasoner, and classical logic disagrees
with them where an answer needs contraposition or reasoning by cases. Two readings:

- ``forward`` (ProofWriter's open-world reasoner): stated and derived literals, positive and
  negative alike; a rule fires when each body literal — "not P(a)" too — has been stated or
  derived. The statement is True when derived, False when its negation is, else Unknown.
- ``closed-world``: negation as failure. "not P(a)" holds when P(a) is not derived; rules are
  evaluated stratum by stratum (a program whose negations run in a cycle has no such
  reading). The statement is True or False, never Unknown.

Only the Horn part has these readings: ground literals, and rules ``[forall ...] body ->
head`` whose body is a conjunction (or a disjunction of conjunctions) of literals and whose
head is a conjunction of literals. ``NotHorn`` names the first premise outside it.
Grounding is bounded by ``MAX_GROUND`` rule instances.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

from logic.ast import And, Atom, Formula, Implies, Not, Or, Program, Quant, Statement

__all__ = ["NotHorn", "READINGS", "forward_decide", "Lit"]

READINGS = ("classical", "forward", "closed-world")
MAX_GROUND = 200_000  # rule instances; past this the reading is refused (the classical one still runs)

Lit = tuple[str, tuple[str, ...], bool]  # (predicate, arguments, positive)


class NotHorn(Exception):
    """The program (or its question) is outside the fragment these readings cover."""


@dataclass(frozen=True)
class _Rule:
    vars: tuple[str, ...]
    body: tuple[Lit, ...]  # arguments may be variables
    head: Lit
    premise: str  # name of the premise it came from


def _lit(f: Formula, where: str) -> Lit:
    if isinstance(f, Not) and isinstance(f.arg, Atom):
        return (f.arg.pred, tuple(t.name for t in f.arg.args), False)
    if isinstance(f, Atom):
        return (f.pred, tuple(t.name for t in f.args), True)
    raise NotHorn(f"{where} is not a conjunction of literals")


def _conj(f: Formula, where: str) -> list[Lit]:
    return [_lit(a, where) for a in f.args] if isinstance(f, And) else [_lit(f, where)]


def _bodies(f: Formula, where: str) -> list[list[Lit]]:
    """A rule body as alternatives: ``A or (B and C)`` is two rules."""
    parts = f.args if isinstance(f, Or) else (f,)
    return [_conj(p, where) for p in parts]


def _rules(st: Statement) -> tuple[list[Lit], list[_Rule]]:
    """A premise as ground facts or rules."""
    f, bound = st.formula, []
    while isinstance(f, Quant):
        if f.kind != "forall":
            raise NotHorn(f"premise {st.name} ({st.text}) says 'exists'")
        bound += [v for v, _ in f.binders]
        f = f.body
    where = f"premise {st.name} ({st.text})"
    if isinstance(f, Implies):
        heads = _conj(f.right, where)
        return [], [_Rule(tuple(bound), tuple(b), h, st.name) for b in _bodies(f.left, where) for h in heads]
    lits = _conj(f, where)
    if bound:  # "forall x. P(x)": a rule with an empty body
        return [], [_Rule(tuple(bound), (), h, st.name) for h in lits]
    return lits, []


def _negate(lit: Lit) -> Lit:
    return (lit[0], lit[1], not lit[2])


class _Chainer:
    def __init__(self, prog: Program, reading: str, deadline: float) -> None:
        self.reading = reading
        self.deadline = deadline
        self.constants = list(prog.consts)
        self.facts: dict[Lit, tuple[str, tuple[Lit, ...]]] = {}  # literal -> (premise, the body it came from)
        self.rules: list[_Rule] = []
        for st in prog.premises:
            facts, rules = _rules(st)
            for lit in facts:
                self.facts.setdefault(lit, (st.name, ()))
            self.rules += rules
        n = sum(len(self.constants) ** len(r.vars) for r in self.rules)
        if n > MAX_GROUND:
            raise NotHorn(f"grounding the rules over {len(self.constants)} constants makes {n} instances "
                          f"(limit {MAX_GROUND})")

    def _instances(self, rule: _Rule):
        for values in itertools.product(self.constants, repeat=len(rule.vars)):
            sub = dict(zip(rule.vars, values))
            ground = lambda lit: (lit[0], tuple(sub.get(a, a) for a in lit[1]), lit[2])  # noqa: E731
            yield tuple(ground(b) for b in rule.body), ground(rule.head)

    def _holds(self, lit: Lit) -> bool:
        if lit[2] or self.reading == "forward":
            return lit in self.facts
        return (lit[0], lit[1], True) not in self.facts  # negation as failure

    def _fixpoint(self, rules: list[_Rule]) -> None:
        changed = True
        while changed:
            changed = False
            for rule in rules:
                for body, head in self._instances(rule):
                    if time.monotonic() > self.deadline:
                        raise TimeoutError
                    if head not in self.facts and all(self._holds(b) for b in body):
                        self.facts[head] = (rule.premise, body)
                        changed = True

    def run(self) -> None:
        if self.reading == "forward":
            self._fixpoint(self.rules)
            return
        for stratum in self._strata():
            self._fixpoint(stratum)

    def _strata(self) -> list[list[_Rule]]:
        """Rules grouped so that a predicate negated in a body is complete before it is read."""
        level: dict[str, int] = {}
        preds = {r.head[0] for r in self.rules} | {b[0] for r in self.rules for b in r.body}
        for _ in range(len(preds) + 1):
            changed = False
            for r in self.rules:
                need = max([level.get(b[0], 0) + (0 if b[2] else 1) for b in r.body], default=0)
                if need > level.get(r.head[0], 0):
                    level[r.head[0]] = need
                    changed = True
            if not changed:
                break
        else:
            raise NotHorn("its negations run in a cycle (no stratified closed-world reading)")
        top = max(level.values(), default=0)
        return [[r for r in self.rules if level.get(r.head[0], 0) == k] for k in range(top + 1)]

    def support(self, lit: Lit) -> list[str]:
        """The premises a derived literal rests on, in derivation order."""
        out: list[str] = []
        todo, seen = [lit], set()
        while todo:
            cur = todo.pop()
            if cur in seen or cur not in self.facts:
                continue
            seen.add(cur)
            premise, body = self.facts[cur]
            out.append(premise)
            todo += list(body)
        return list(dict.fromkeys(reversed(out)))


def forward_decide(prog: Program, reading: str, timeout: float) -> tuple[str, dict[str, Any]]:
    """The conclusion's answer under ``reading`` and a certificate; raises NotHorn, TimeoutError."""
    if prog.conclusion is None:
        raise NotHorn("it has no conclusion (options and plain satisfiability are read classically)")
    goal = _conj(prog.conclusion.formula, "the conclusion")
    if any(a not in prog.consts for g in goal for a in g[1]):
        raise NotHorn("the conclusion is not about named individuals")
    chain = _Chainer(prog, reading, time.monotonic() + timeout)
    chain.run()
    names = [p.name for p in prog.premises]
    if all(chain._holds(g) for g in goal):
        answer, why = "True", [n for g in goal for n in chain.support(g)]
    elif reading == "forward" and (neg := next((g for g in goal if _negate(g) in chain.facts), None)):
        answer, why = "False", chain.support(_negate(neg))
    else:
        answer, why = ("Unknown" if reading == "forward" else "False"), []
    why = sorted(set(why), key=names.index)
    texts = {p.name: p.gloss or p.text for p in prog.premises}
    return answer, {"reading": reading, "derived": len(chain.facts), "unsat_core": [texts[n] for n in why],
                    "unsat_core_names": why}
