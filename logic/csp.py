"""The constraint form for ordering / assignment puzzles (grammar: csp.lark), compiled to Z3.

Integer domains become bounded Z3 integers, enumeration domains Z3 enumeration sorts.
The bounds are background axioms; constraints and ``distinct`` lines are tracked premises,
so an unsat core names the puzzle's own statements.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import z3
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from logic.depth import MAX_DEPTH, check_parens, check_tree, no_recursion_error
from logic.encoded import Encoded, Premise
from logic.fol import split_comment, syntax_error
from logic.lint import suggest
from nesy.errors import TranslationError

__all__ = ["parse_csp", "csp_parser", "looks_like_csp"]

GRAMMAR = Path(__file__).with_name("csp.lark")
_CSP_KEYWORDS = ("domain ", "var ", "distinct ", "constraint")


@lru_cache(maxsize=1)
def csp_parser() -> Lark:
    return Lark(GRAMMAR.read_text(), parser="lalr", start="line", propagate_positions=True)


def looks_like_csp(text: str) -> bool:
    return any(split_comment(l)[0].lstrip().startswith(_CSP_KEYWORDS) for l in text.splitlines())


class _Csp:
    def __init__(self) -> None:
        self.ctx = z3.Context()
        self.domains: dict[str, tuple[str, object]] = {}  # name -> ("int", (lo, hi)) | ("enum", (sort, {value: expr}))
        self.vars: dict[str, tuple[z3.ExprRef, str]] = {}  # name -> (z3 var, domain name)
        self.enum_values: dict[str, tuple[z3.ExprRef, str]] = {}  # value -> (z3 const, domain)
        self.background: list[z3.BoolRef] = []
        self.premises: list[Premise] = []
        self.options: dict[str, z3.BoolRef] = {}
        self.conclusion: z3.BoolRef | None = None
        self.texts: dict[str, str] = {}
        self.used: set[str] = set()
        self.line = 0

    def err(self, msg: str, tok: Token | None, symbol: str | None = None) -> TranslationError:
        col = int(tok.column) if tok is not None and tok.column else 1
        return TranslationError(f"line {self.line}: {msg}", line=self.line, col=col,
                                symbol=symbol if symbol is not None else (str(tok) if tok is not None else None))

    def fresh(self, tok: Token) -> str:
        name = str(tok)
        if name in self.domains or name in self.vars or name in self.enum_values:
            raise self.err(f"{name!r} is already declared", tok)
        return name

    # -- expressions -------------------------------------------------------------------

    def value(self, t: Tree | Token) -> tuple[z3.ExprRef, str]:
        """An arithmetic or enum term with its type: "int" or an enum domain's name."""
        kind = t.data
        if kind == "num":
            return z3.IntVal(int(t.children[0]), self.ctx), "int"
        if kind == "ref":
            tok = t.children[0]
            name = str(tok)
            if name in self.vars:
                self.used.add(name)
                v, dom = self.vars[name]
                return v, "int" if self.domains[dom][0] == "int" else dom
            if name in self.enum_values:
                return self.enum_values[name]
            known = [*self.vars, *self.enum_values]
            raise self.err(f"undeclared variable {name!r}{suggest(name, known)}", tok)
        if kind == "abs_":
            v, ty = self.value(t.children[0])
            self.need_int(ty, t, "abs")
            return z3.If(v >= 0, v, -v), "int"
        if kind in ("add", "sub", "mul"):
            (a, ta), (b, tb) = self.value(t.children[0]), self.value(t.children[1])
            op = {"add": "+", "sub": "-", "mul": "*"}[kind]
            self.need_int(ta, t, op)
            self.need_int(tb, t, op)
            if kind == "mul" and not (z3.is_int_value(a) or z3.is_int_value(b)):
                raise self.err("'*' needs a number on one side (the constraint form stays linear)", None, "*")
            return (a + b if kind == "add" else a - b if kind == "sub" else a * b), "int"
        raise self.err(f"unexpected {kind}", None)  # pragma: no cover

    def need_int(self, ty: str, t: Tree, op: str) -> None:
        if ty != "int":
            raise self.err(f"{op!r} needs numbers, but a value of the enumeration {ty!r} is used", None, op)

    def expr(self, t: Tree) -> z3.BoolRef:
        kind = t.data
        if kind == "cmp":
            (a, ta), op, (b, tb) = self.value(t.children[0]), str(t.children[1]), self.value(t.children[2])
            if ta != tb:
                raise self.err(f"{op!r} compares a {ta} with a {tb}", t.children[1])
            if ta != "int" and op not in ("==", "!="):
                raise self.err(f"{op!r} needs numbers; values of {ta!r} compare only with == and !=", t.children[1])
            if op == "==":
                return a == b
            if op == "!=":
                return a != b
            return {"<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b}[op]()
        if kind == "not_":
            return z3.Not(self.expr(t.children[0]))
        if kind == "and_":
            return z3.And(self.expr(t.children[0]), self.expr(t.children[1]))
        if kind == "or_":
            return z3.Or(self.expr(t.children[0]), self.expr(t.children[1]))
        if kind == "implies":
            return z3.Implies(self.expr(t.children[0]), self.expr(t.children[1]))
        if kind == "iff":
            return self.expr(t.children[0]) == self.expr(t.children[1])
        raise self.err(f"unexpected {kind}", None)  # pragma: no cover

    # -- lines -------------------------------------------------------------------------

    def line_(self, tree: Tree, code: str, gloss: str) -> None:
        kind, items = tree.data, tree.children
        if kind == "int_domain":
            lo, hi = int(items[1]), int(items[2])
            if lo > hi:
                raise self.err(f"empty domain {lo}..{hi}", items[1])
            self.domains[self.fresh(items[0])] = ("int", (lo, hi))
        elif kind == "enum_domain":
            name = self.fresh(items[0])
            values = [self.fresh(v) for v in items[1:]]
            sort, consts = z3.EnumSort(name, values, ctx=self.ctx)
            self.domains[name] = ("enum", sort)
            for v, c in zip(values, consts):
                self.enum_values[v] = (c, name)
        elif kind == "var_decl":
            dom_tok = items[-1]
            dom = str(dom_tok)
            if dom not in self.domains:
                raise self.err(f"undeclared domain {dom!r}{suggest(dom, list(self.domains))}", dom_tok)
            kind_, spec = self.domains[dom]
            for tok in items[:-1]:
                name = self.fresh(tok)
                if kind_ == "int":
                    v = z3.Int(name, self.ctx)
                    lo, hi = spec  # type: ignore[misc]
                    self.background.append(z3.And(v >= lo, v <= hi))
                else:
                    v = z3.Const(name, spec)  # type: ignore[arg-type]
                self.vars[name] = (v, dom)
        elif kind == "distinct":
            vs = []
            for tok in items:
                if str(tok) not in self.vars:
                    raise self.err(f"undeclared variable {str(tok)!r}{suggest(str(tok), list(self.vars))}", tok)
                self.used.add(str(tok))
                vs.append(self.vars[str(tok)][0])
            self.premises.append(Premise(f"c{len(self.premises) + 1}", z3.Distinct(*vs), gloss or code, code))
        elif kind == "constraint":
            name = str(items[0]) if items[0] is not None else f"c{len(self.premises) + 1}"
            body = code.split(":", 1)[1].strip()
            self.premises.append(Premise(name, self.expr(items[1]), gloss or body, body))
        elif kind == "option":
            letter = str(items[0])
            if letter in self.options:
                raise self.err(f"option {letter} is defined twice", items[0])
            self.options[letter] = self.expr(items[1])
            self.texts[letter] = gloss or code.split(":", 1)[1].strip()
        elif kind == "conclusion":
            if self.conclusion is not None:
                raise self.err("a second conclusion", None, "conclusion")
            self.conclusion = self.expr(items[0])
            self.texts["conclusion"] = gloss or code.split(":", 1)[1].strip()


def parse_csp(text: str, max_depth: int = MAX_DEPTH) -> tuple[Encoded, list[str]]:
    """Parse and compile the constraint form; returns the encoding and lint warnings."""
    c = _Csp()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        code, gloss = split_comment(raw)
        if not code.strip():
            continue
        c.line = line_no
        check_parens(code, line_no, max_depth)
        try:
            tree = csp_parser().parse(code)
        except UnexpectedInput as e:
            raise syntax_error(e, line_no, code, csp_parser()) from None
        check_tree(tree, line_no, max_depth)  # expr() and value() recurse over it
        with no_recursion_error(max_depth, line_no):
            c.line_(tree, code.strip(), gloss)
    if not c.vars:
        raise TranslationError("the constraint program declares no variables (write `var NAME : DOMAIN`)",
                               line=1, col=1)
    warnings = [f"variable {v!r} is declared but never constrained" for v in c.vars if v not in c.used]
    enc = Encoded(c.ctx, c.premises, c.conclusion, c.options, "csp", c.texts, c.background)
    return enc, warnings
