"""The text of the formulas the FOLIO readers build: a negation, a parenthesised group, a
universal rule over x."""

from __future__ import annotations

import re

__all__ = ["forall", "group", "neg"]


def neg(f: str) -> str:
    if re.fullmatch(r"not \w+\([^()]*\)", f):
        return f[4:]
    return f"not {f}" if re.fullmatch(r"\w+\([^()]*\)", f) or _wrapped(f) else f"not ({f})"


def _wrapped(f: str) -> bool:
    """Whether ``f`` is one parenthesised group: its first "(" closes at its end."""
    if not f.startswith("("):
        return False
    depth = 0
    for i, ch in enumerate(f):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i == len(f) - 1
    return False


def group(f: str) -> str:
    return f if re.fullmatch(r"(?:not )?\w+\([^()]*\)", f) or _wrapped(f) else f"({f})"


def forall(conds: list[str], head: str, arrow: str = "->") -> str:
    if not conds:
        return f"forall x. {head}"
    return f"forall x. {' and '.join(group(c) for c in conds)} {arrow} {group(head)}"
