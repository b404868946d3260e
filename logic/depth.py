"""Nesting limits, checked iteratively before any recursive pass (transformers, lint, compile).

A client's 3,000-deep formula would otherwise end in a RecursionError deep inside lark or
our own tree walks; here it is a TranslationError that names the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lark import Tree

from nesy.errors import TranslationError

__all__ = ["MAX_DEPTH", "too_deep", "check_parens", "check_tree", "no_recursion_error"]

MAX_DEPTH = 200  # Settings.max_formula_depth's default


def too_deep(max_depth: int, line: int | None, col: int | None = None) -> TranslationError:
    where = f" (line {line})" if line is not None else ""
    return TranslationError(f"formula nested more than {max_depth} levels{where}", line=line, col=col)


def check_parens(code: str, line: int, max_depth: int) -> None:
    """Parentheses deeper than the limit (they leave no node in the tree, so count them in the text)."""
    depth = 0
    for col, ch in enumerate(code, start=1):
        if ch == "(":
            depth += 1
            if depth > max_depth:
                raise too_deep(max_depth, line, col)
        elif ch == ")":
            depth -= 1


def check_tree(tree: Tree, line: int, max_depth: int) -> None:
    """A parse tree deeper than the limit: nested operators, including long left- or right-leaning chains."""
    stack: list[tuple[Tree, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise too_deep(max_depth, line)
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))


@contextmanager
def no_recursion_error(max_depth: int, line: int | None = None) -> Iterator[None]:
    """Last resort: a recursion the checks above missed is still the client's too-deep input, not a 500."""
    try:
        yield
    except RecursionError:
        raise too_deep(max_depth, line) from None
