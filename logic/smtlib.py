"""SMT-LIB2 accepted directly, parsed by Z3's own parser; its messages pass on verbatim.

Assertions are premises. The goal is the assertion named ``conclusion`` (decided as
True/False/Unknown) or the ones named ``option_A`` ... (multiple choice):

    (declare-const a Bool)
    (assert (! a :named fact))
    (assert (! (not a) :named conclusion))

Z3 drops ``:named`` labels when parsing from a string, so a small s-expression scanner
finds each top-level ``assert`` and its label; Z3 returns the assertions in the same order.
"""

from __future__ import annotations

import re

import z3

from logic.encoded import Encoded, Premise
from nesy.errors import TranslationError

__all__ = ["parse_smtlib", "looks_like_smtlib"]

_NAMED = re.compile(r":named\s+([^\s()]+)")
_Z3_POS = re.compile(r"line (\d+) column (\d+)")


def looks_like_smtlib(text: str) -> bool:
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith(";"):
            return s.startswith("(")
    return False


def _top_level_forms(text: str) -> list[str]:
    forms, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ";":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 1
        elif ch == "|":
            i += 1
            while i < n and text[i] != "|":
                i += 1
        elif ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                forms.append(text[start : i + 1])
        i += 1
    return forms


def parse_smtlib(text: str) -> tuple[Encoded, list[str]]:
    ctx = z3.Context()
    try:
        asserted = list(z3.parse_smt2_string(text, ctx=ctx))
    except z3.Z3Exception as e:
        raw = e.value.decode() if isinstance(e.value, bytes) else str(e.value)
        msg = raw.strip()
        m = _Z3_POS.search(msg)
        sym = re.search(r"unknown (?:constant|function/constant|sort) ([^\s\")]+)", msg)
        raise TranslationError(
            msg, line=int(m.group(1)) if m else None, col=int(m.group(2)) if m else None,
            symbol=sym.group(1) if sym else None,
        ) from None
    forms = [f for f in _top_level_forms(text) if re.match(r"\(\s*assert\b", f)]
    warnings: list[str] = []
    if len(forms) != len(asserted):
        warnings.append(f"found {len(forms)} assert commands but Z3 returned {len(asserted)} assertions; "
                        "treating all as premises")
        forms = [str(a) for a in asserted]
    premises: list[Premise] = []
    options: dict[str, z3.BoolRef] = {}
    conclusion: z3.BoolRef | None = None
    texts: dict[str, str] = {}
    for i, (expr, src) in enumerate(zip(asserted, forms)):
        m = _NAMED.search(src)
        label = m.group(1) if m else f"a{i + 1}"
        src = " ".join(src.split())
        if label == "conclusion":
            conclusion = expr
            texts["conclusion"] = src
        elif label.startswith("option_"):
            options[label.removeprefix("option_")] = expr
            texts[label.removeprefix("option_")] = src
        else:
            premises.append(Premise(label, expr, src, src))
    return Encoded(ctx, premises, conclusion, options, "smtlib", texts), warnings
