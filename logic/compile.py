"""Compile a linted first-order program to Z3 terms, in a fresh Z3 context per program.

A context per program keeps concurrent solves (the server runs them in threads) apart.
"""

from __future__ import annotations

import z3

from logic.ast import (
    DEFAULT_SORT, And, Atom, BoolConst, Eq, Formula, Iff, Implies, Not, Or, Program, Quant, Term, Xor,
)
from logic.encoded import Encoded, Premise

__all__ = ["compile_program"]


class _Compiler:
    def __init__(self, prog: Program) -> None:
        self.ctx = z3.Context()
        self.sorts = {DEFAULT_SORT: z3.DeclareSort(DEFAULT_SORT, self.ctx)}
        for s in prog.sorts:
            self.sorts[s] = z3.DeclareSort(s, self.ctx)
        self.consts = {n: z3.Const(n, self.sorts[s]) for n, (s, _) in prog.consts.items()}
        self.preds = {
            n: z3.Function(n, *[self.sorts[s] for s in sorts], z3.BoolSort(self.ctx))
            for n, (sorts, _) in prog.preds.items()
        }

    def term(self, t: Term, scope: dict[str, z3.ExprRef]) -> z3.ExprRef:
        return scope[t.name] if t.name in scope else self.consts[t.name]

    def formula(self, f: Formula, scope: dict[str, z3.ExprRef]) -> z3.BoolRef:
        if isinstance(f, Atom):
            p = self.preds[f.pred]
            return p(*[self.term(a, scope) for a in f.args]) if f.args else p()
        if isinstance(f, Eq):
            l, r = self.term(f.left, scope), self.term(f.right, scope)
            return l != r if f.negated else l == r
        if isinstance(f, BoolConst):
            return z3.BoolVal(f.value, self.ctx)
        if isinstance(f, Not):
            return z3.Not(self.formula(f.arg, scope))
        if isinstance(f, And):
            return z3.And(*[self.formula(a, scope) for a in f.args])
        if isinstance(f, Or):
            return z3.Or(*[self.formula(a, scope) for a in f.args])
        if isinstance(f, Implies):
            return z3.Implies(self.formula(f.left, scope), self.formula(f.right, scope))
        if isinstance(f, Iff):
            return self.formula(f.left, scope) == self.formula(f.right, scope)
        if isinstance(f, Xor):
            return z3.Xor(self.formula(f.left, scope), self.formula(f.right, scope))
        if isinstance(f, Quant):
            inner = dict(scope)
            bound = []
            for var, sort in f.binders:
                v = z3.Const(var, self.sorts[sort])
                inner[var] = v
                bound.append(v)
            body = self.formula(f.body, inner)
            return z3.ForAll(bound, body) if f.kind == "forall" else z3.Exists(bound, body)
        raise TypeError(f"unexpected node {f!r}")  # pragma: no cover


def compile_program(prog: Program) -> Encoded:
    c = _Compiler(prog)
    premises = [
        Premise(p.name, c.formula(p.formula, {}), p.gloss or p.text, p.text) for p in prog.premises
    ]
    conclusion = c.formula(prog.conclusion.formula, {}) if prog.conclusion else None
    options = {k: c.formula(o.formula, {}) for k, o in prog.options.items()}
    texts = {k: (o.gloss or o.text) for k, o in prog.options.items()}
    if prog.conclusion:
        texts["conclusion"] = prog.conclusion.gloss or prog.conclusion.text
    return Encoded(c.ctx, premises, conclusion, options, "fol", texts)
