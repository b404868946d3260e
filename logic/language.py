"""Which of the three input languages a text is written in, and its parse into Z3 terms."""

from __future__ import annotations

from logic.compile import compile_program
from logic.csp import looks_like_csp, parse_csp
from logic.depth import MAX_DEPTH, no_recursion_error
from logic.encoded import Encoded
from logic.fol import parse_program
from logic.lint import check
from logic.smtlib import looks_like_smtlib, parse_smtlib

__all__ = ["parse_any"]


def parse_any(text: str, max_depth: int = MAX_DEPTH) -> tuple[Encoded, list[str], str]:
    """Detect the language (SMT-LIB2, constraint form, or our FOL), parse, lint and compile it."""
    with no_recursion_error(max_depth):  # the depth checks run first; this catches what they miss
        if looks_like_smtlib(text):
            enc, warnings = parse_smtlib(text, max_depth)
            return enc, warnings, "smtlib"
        if looks_like_csp(text):
            enc, warnings = parse_csp(text, max_depth)
            return enc, warnings, "csp"
        prog = parse_program(text, max_depth)
        warnings = check(prog)
        return compile_program(prog), warnings, "fol"
