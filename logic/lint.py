"""Lint a parsed program: the mistakes models make that a parser alone cannot see.

Undeclared or misspelled symbols (``Tumpuses`` where ``Tumpus`` is declared, with the close
name suggested), wrong arity, argument sorts, free variables, and unused declarations
(a warning: harmless to the solver, but a sign the model lost track of a sentence).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from logic.ast import (
    DEFAULT_SORT, And, Atom, BoolConst, Eq, Formula, Iff, Implies, Not, Or, Pos, Program, Quant, Term, Xor,
)
from nesy.errors import TranslationError

__all__ = ["Issue", "lint", "check", "suggest", "repeated_conjuncts", "shape"]

# Names that read as variables when nothing binds or declares them.
_VARIABLE_LIKE = re.compile(r"^[a-z][0-9_']*$")


@dataclass(frozen=True)
class Issue:
    message: str
    line: int
    col: int
    symbol: str
    severity: Literal["error", "warning"] = "error"

    def to_error(self) -> TranslationError:
        return TranslationError(self.message, line=self.line, col=self.col, symbol=self.symbol, stage="lint")


def suggest(name: str, known: list[str]) -> str:
    """``; did you mean 'Tumpus'?`` for the closest known name (case-insensitive), or ``""``."""
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""


def lint(prog: Program) -> list[Issue]:
    issues: list[Issue] = []
    used: set[str] = set()
    for name, (sort, pos) in prog.consts.items():
        if sort != DEFAULT_SORT and sort not in prog.sorts:
            issues.append(Issue(f"line {pos.line}: undeclared sort {sort!r} of constant {name!r}"
                                f"{suggest(sort, list(prog.sorts))}", pos.line, pos.col, sort))
    for name, (sorts, pos) in prog.preds.items():
        for s in sorts:
            if s != DEFAULT_SORT and s not in prog.sorts:
                issues.append(Issue(f"line {pos.line}: undeclared sort {s!r} in predicate {name!r}"
                                    f"{suggest(s, list(prog.sorts))}", pos.line, pos.col, s))
    for st in [*prog.premises, *prog.goals()]:
        _walk(st.formula, {}, prog, issues, used)
    for name, (_, pos) in prog.consts.items():
        if name not in used:
            issues.append(Issue(f"line {pos.line}: constant {name!r} is declared but never used",
                                pos.line, pos.col, name, "warning"))
    for name, (_, pos) in prog.preds.items():
        if name not in used:
            issues.append(Issue(f"line {pos.line}: predicate {name!r} is declared but never used",
                                pos.line, pos.col, name, "warning"))
    return issues


def check(prog: Program) -> list[str]:
    """Raise the first lint error (the repair loop quotes it); return the warnings."""
    issues = lint(prog)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise TranslationError(first.message + more, line=first.line, col=first.col, symbol=first.symbol,
                               stage="lint", errors=[e.message for e in errors[:10]])
    return [i.message for i in issues]


def _walk(f: Formula, scope: dict[str, str], prog: Program, issues: list[Issue], used: set[str]) -> None:
    if isinstance(f, Atom):
        _atom(f, scope, prog, issues, used)
    elif isinstance(f, Eq):
        sorts = [_term(t, scope, prog, issues, used) for t in (f.left, f.right)]
        if None not in sorts and sorts[0] != sorts[1]:
            issues.append(Issue(f"line {f.pos.line}: '=' compares a {sorts[0]} with a {sorts[1]}",
                                f.pos.line, f.pos.col, "="))
    elif isinstance(f, Not):
        _walk(f.arg, scope, prog, issues, used)
    elif isinstance(f, (And, Or)):
        for a in f.args:
            _walk(a, scope, prog, issues, used)
    elif isinstance(f, (Implies, Iff, Xor)):
        _walk(f.left, scope, prog, issues, used)
        _walk(f.right, scope, prog, issues, used)
    elif isinstance(f, Quant):
        inner = dict(scope)
        for var, sort in f.binders:
            if var in prog.preds:
                issues.append(Issue(f"line {f.pos.line}: variable {var!r} has the name of a predicate",
                                    f.pos.line, f.pos.col, var))
            if sort != DEFAULT_SORT and sort not in prog.sorts:
                issues.append(Issue(f"line {f.pos.line}: undeclared sort {sort!r} of variable {var!r}"
                                    f"{suggest(sort, list(prog.sorts))}", f.pos.line, f.pos.col, sort))
            inner[var] = sort
        _walk(f.body, inner, prog, issues, used)
    elif isinstance(f, BoolConst):
        pass
    else:  # pragma: no cover - the parser builds only the nodes above
        raise TypeError(f"unexpected node {f!r}")


def _atom(a: Atom, scope: dict[str, str], prog: Program, issues: list[Issue], used: set[str]) -> None:
    where = f"line {a.pos.line}"
    if a.pred not in prog.preds:
        if a.pred in prog.consts or a.pred in scope:
            what = "constant" if a.pred in prog.consts else "variable"
            issues.append(Issue(f"{where}: {a.pred!r} is a {what}, not a predicate", a.pos.line, a.pos.col, a.pred))
        else:
            issues.append(Issue(f"{where}: undeclared predicate {a.pred!r}{suggest(a.pred, list(prog.preds))}",
                                a.pos.line, a.pos.col, a.pred))
        for t in a.args:
            _term(t, scope, prog, issues, used)
        return
    used.add(a.pred)
    sorts = prog.preds[a.pred][0]
    if len(sorts) != len(a.args):
        n = len(sorts)
        issues.append(Issue(f"{where}: predicate {a.pred!r} takes {n} argument{'s' if n != 1 else ''}, "
                            f"got {len(a.args)}", a.pos.line, a.pos.col, a.pred))
    for i, t in enumerate(a.args):
        got = _term(t, scope, prog, issues, used)
        if got is not None and i < len(sorts) and got != sorts[i]:
            issues.append(Issue(f"{where}: argument {i + 1} of {a.pred!r} should be a {sorts[i]}, "
                                f"but {t.name!r} is a {got}", t.pos.line, t.pos.col, t.name))


def _term(t: Term, scope: dict[str, str], prog: Program, issues: list[Issue], used: set[str]) -> str | None:
    if t.name in scope:
        return scope[t.name]
    if t.name in prog.consts:
        used.add(t.name)
        return prog.consts[t.name][0]
    where = f"line {t.pos.line}"
    if t.name in prog.preds:
        issues.append(Issue(f"{where}: {t.name!r} is a predicate, not a constant", t.pos.line, t.pos.col, t.name))
    elif _VARIABLE_LIKE.match(t.name):
        issues.append(Issue(f"{where}: free variable {t.name!r}: bind it with forall/exists or declare it "
                            "as a constant", t.pos.line, t.pos.col, t.name))
    else:
        issues.append(Issue(f"{where}: undeclared constant {t.name!r}{suggest(t.name, list(prog.consts))}",
                            t.pos.line, t.pos.col, t.name))
    return None




def shape(f: Formula) -> str:
    """A formula as text without source positions: two parts with the same shape say the same."""
    if isinstance(f, Atom):
        return f"{f.pred}({', '.join(t.name for t in f.args)})"
    if isinstance(f, Eq):
        return f"{f.left.name} {'!=' if f.negated else '='} {f.right.name}"
    if isinstance(f, BoolConst):
        return str(f.value).lower()
    if isinstance(f, Not):
        return f"not {shape(f.arg)}"
    if isinstance(f, (And, Or)):
        return "(" + f" {'and' if isinstance(f, And) else 'or'} ".join(shape(a) for a in f.args) + ")"
    if isinstance(f, (Implies, Iff, Xor)):
        op = {Implies: "->", Iff: "<->", Xor: "xor"}[type(f)]
        return f"({shape(f.left)} {op} {shape(f.right)})"
    if isinstance(f, Quant):
        return f"{f.kind} {' '.join(v for v, _ in f.binders)}. {shape(f.body)}"
    raise TypeError(f"unexpected node {f!r}")  # pragma: no cover


def repeated_conjuncts(f: Formula) -> list[str]:
    """Parts a conjunction or disjunction says twice ("Cow(x) and Cow(x)"): a model that lost
    its place in the sentence; the solver would not mind, so the translator checks."""
    out: list[str] = []
    if isinstance(f, (And, Or)):
        seen: set[str] = set()
        for a in f.args:
            k = shape(a)
            if k in seen:
                out.append(k)
            seen.add(k)
    children = {Not: lambda g: [g.arg], And: lambda g: list(g.args), Or: lambda g: list(g.args),
                Implies: lambda g: [g.left, g.right], Iff: lambda g: [g.left, g.right],
                Xor: lambda g: [g.left, g.right], Quant: lambda g: [g.body]}
    for c in children.get(type(f), lambda g: [])(f):
        out += repeated_conjuncts(c)
    return out
