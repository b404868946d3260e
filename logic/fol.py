"""Parser of the line-based first-order language (grammar: fol.lark).

Each line is parsed on its own, so an error names its line, column and offending symbol.
A trailing ``# comment`` on a premise is kept as its gloss (the sentence it translates),
which verbalization quotes as the reason for an answer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from logic.ast import (
    DEFAULT_SORT, And, Atom, BoolConst, Eq, Formula, Iff, Implies, Not, Or, Pos, Program, Quant,
    Statement, Term, Xor,
)
from logic.depth import MAX_DEPTH, check_parens, check_tree, no_recursion_error
from nesy.errors import TranslationError

__all__ = ["parse_program", "parse_formula", "split_comment", "fol_parser", "syntax_error"]

GRAMMAR = Path(__file__).with_name("fol.lark")


@lru_cache(maxsize=2)
def fol_parser(start: str = "line") -> Lark:
    return Lark(GRAMMAR.read_text(), parser="lalr", start=start, propagate_positions=True)


def split_comment(line: str) -> tuple[str, str]:
    code, sep, comment = line.partition("#")
    return code.rstrip(), comment.strip() if sep else ""


def _pos(tok: Token, line: int) -> Pos:
    return Pos(line, int(tok.column or 0))


class _ToAst(Transformer):
    """Lark tree of one line -> AST nodes; ``line`` is the source line number."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line

    def term(self, items: list[Token]) -> Term:
        return Term(str(items[0]), _pos(items[0], self.line))

    def app(self, items: list) -> Atom:
        name = items[0]
        return Atom(str(name), tuple(items[1:]), _pos(name, self.line))

    def prop(self, items: list[Token]) -> Atom:
        return Atom(str(items[0]), (), _pos(items[0], self.line))

    def eq(self, items: list[Term]) -> Eq:
        return Eq(items[0], items[1], False, items[0].pos)

    def neq(self, items: list[Term]) -> Eq:
        return Eq(items[0], items[1], True, items[0].pos)

    def true(self, _: list) -> BoolConst:
        return BoolConst(True)

    def false(self, _: list) -> BoolConst:
        return BoolConst(False)

    def neg(self, items: list) -> Not:
        return Not(items[0])

    def and_(self, items: list) -> And:
        return And(_flat(And, items))

    def or_(self, items: list) -> Or:
        return Or(_flat(Or, items))

    def implies(self, items: list) -> Implies:
        return Implies(items[0], items[1])

    def iff(self, items: list) -> Iff:
        return Iff(items[0], items[1])

    def xor(self, items: list) -> Xor:
        return Xor(items[0], items[1])

    def binder(self, items: list) -> tuple[str, str, Token]:
        return (str(items[0]), str(items[1]) if items[1] is not None else DEFAULT_SORT, items[0])

    def quant(self, items: list) -> Quant:
        q, *binders, body = items
        return Quant(str(q), tuple((b[0], b[1]) for b in binders), body, _pos(q, self.line))


def _flat(cls: type, items: list) -> tuple:
    out: list = []
    for it in items:
        out.extend(it.args if isinstance(it, cls) else [it])
    return tuple(out)


# Symbols models borrow from other notations, and what our language writes instead.
_HINTS = {"&": "and", "|": "or", "~": "not", "!": "not", "=>": "->", "\u2200": "forall", "\u2203": "exists",
          "\u2227": "and", "\u2228": "or", "\u00ac": "not", "\u2192": "->", "\u2194": "<->", "\u2295": "xor"}


def _literal(terminal: str, parser: Lark) -> str:
    """A terminal's name as the text a writer would type (``'->'`` rather than ``__ANON_0``)."""
    try:
        term = parser.get_terminal(terminal)
    except KeyError:
        return terminal
    if term.pattern.type == "str":
        return repr(term.pattern.value)
    return {"NAME": "a name", "INT": "a number", "SIGNED": "a number", "QUANT": "forall/exists",
            "CMP": "a comparison"}.get(terminal, terminal)


def syntax_error(e: UnexpectedInput, line_no: int, code: str, parser: Lark | None = None) -> TranslationError:
    """A lark error as a TranslationError naming line, column and the offending symbol."""
    parser = parser or fol_parser()
    col = int(getattr(e, "column", 0) or 0)
    if isinstance(e, UnexpectedToken):
        sym = str(e.token) if e.token.type != "$END" else ""
        if not sym:
            return TranslationError(
                f"line {line_no}: the line ends too early: {code!r}", line=line_no, col=len(code) + 1
            )
        expected = ", ".join(sorted({_literal(t, parser) for t in e.expected})[:10])
        return TranslationError(
            f"line {line_no}: unexpected {sym!r} at column {col}; expected one of: {expected}",
            line=line_no, col=col, symbol=sym,
        )
    if isinstance(e, UnexpectedCharacters):
        sym = code[col - 1] if 0 < col <= len(code) else ""
        hint = next((f"; write {v!r} instead" for k, v in _HINTS.items() if code[col - 1 :].startswith(k)), "")
        return TranslationError(
            f"line {line_no}: unexpected character {sym!r} at column {col}{hint}", line=line_no, col=col, symbol=sym
        )
    if isinstance(e, UnexpectedEOF):
        return TranslationError(f"line {line_no}: the line ends too early: {code!r}", line=line_no, col=len(code) + 1)
    return TranslationError(f"line {line_no}: {e}", line=line_no, col=col)


def parse_formula(code: str, line_no: int = 1, max_depth: int = MAX_DEPTH) -> Formula:
    """Parse one formula (no ``premise:`` prefix), e.g. for a single translated sentence."""
    tree = _parse_line(f"conclusion: {code}", line_no, max_depth, offset=len("conclusion: "))
    with no_recursion_error(max_depth, line_no):
        return _ToAst(line_no).transform(tree).children[0]


def _parse_line(code: str, line_no: int, max_depth: int, offset: int = 0) -> Tree:
    """One line's tree, refused before any recursive pass when nested beyond ``max_depth``."""
    check_parens(code[offset:], line_no, max_depth)
    try:
        tree = fol_parser().parse(code)
    except UnexpectedInput as e:
        if offset and getattr(e, "column", None):
            e.column = max(1, int(e.column) - offset)
        raise syntax_error(e, line_no, code[offset:]) from None
    check_tree(tree, line_no, max_depth)
    return tree


def parse_program(text: str, max_depth: int = MAX_DEPTH) -> Program:
    """Parse a whole program; declaration clashes are errors here, the rest is lint's job."""
    prog = Program()
    auto = 0
    for line_no, raw in enumerate(text.splitlines(), start=1):
        code, gloss = split_comment(raw)
        if not code.strip():
            continue
        tree = _parse_line(code, line_no, max_depth)
        kind = tree.data
        items = tree.children
        if kind == "sort_decl":
            for tok in items:
                _declare(prog, str(tok), line_no, tok)
                prog.sorts[str(tok)] = _pos(tok, line_no)
        elif kind == "const_decl":
            sort_tree = items[-1]
            sort = str(sort_tree.children[0]) if sort_tree is not None else DEFAULT_SORT
            for tok in items[:-1]:
                _declare(prog, str(tok), line_no, tok)
                prog.consts[str(tok)] = (sort, _pos(tok, line_no))
        elif kind in ("pred_sorted", "pred_arity"):
            name = items[0]
            _declare(prog, str(name), line_no, name)
            if kind == "pred_sorted":
                sorts = tuple(str(t) for t in items[1:] if t is not None)
            else:
                sorts = (DEFAULT_SORT,) * int(items[1])
            prog.preds[str(name)] = (sorts, _pos(name, line_no))
        else:
            with no_recursion_error(max_depth, line_no):
                node = _ToAst(line_no).transform(tree)
            body = code.split(":", 1)[1].strip()
            if kind == "premise":
                auto += 1
                name = str(items[0]) if items[0] is not None else f"p{auto}"
                prog.premises.append(Statement(name, node.children[1], body, gloss, line_no))
            elif kind == "conclusion":
                if prog.conclusion is not None:
                    raise TranslationError(
                        f"line {line_no}: a second conclusion (the first is on line {prog.conclusion.line}); "
                        "write one conclusion, or options",
                        line=line_no, col=1, symbol="conclusion",
                    )
                prog.conclusion = Statement("conclusion", node.children[0], body, gloss, line_no)
            else:
                letter = str(items[0])
                if letter in prog.options:
                    raise TranslationError(
                        f"line {line_no}: option {letter} is defined twice", line=line_no, col=1, symbol=letter
                    )
                prog.options[letter] = Statement(f"option {letter}", node.children[1], body, gloss, line_no)
    return prog


def _declare(prog: Program, name: str, line_no: int, tok: Token) -> None:
    for table, what in ((prog.sorts, "sort"), (prog.consts, "constant"), (prog.preds, "predicate")):
        if name in table:
            prev = table[name]
            where = prev.line if isinstance(prev, Pos) else prev[1].line
            raise TranslationError(
                f"line {line_no}: {name!r} is already declared as a {what} on line {where}",
                line=line_no, col=int(tok.column or 0), symbol=name,
            )
