"""The constraint form and SMT-LIB2 input (Z3's own messages passed on verbatim)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from logic.backend import parse_any
from logic.csp import parse_csp
from nesy.errors import TranslationError
from nesy.types import Solution, Status

Solve = Callable[..., Solution]

PUZZLE = """domain pos = 1..3
var apple, pear, plum : pos
distinct apple, pear, plum
constraint: apple < pear  # The apple is left of the pear.
constraint: plum == 3  # The plum is the rightmost.
option A: apple == 2
option B: pear == 2
option C: plum == 2
"""


def test_ordering_puzzle_has_one_answer_with_core(solve: Solve) -> None:
    _, warnings = parse_csp(PUZZLE)
    d = solve(PUZZLE)
    assert (d.status, d.answer, warnings) == (Status.SOLVED, "B", [])
    assert "The plum is the rightmost." in d.certificate["unsat_core"]


def test_enumeration_domains_and_conclusion(solve: Solve) -> None:
    text = ("domain color = {red, green}\nvar a, b : color\nconstraint: a != b\nconstraint: a == red\n"
            "conclusion: b == green\n")
    d = solve(text)
    assert d.answer == "True"


@pytest.mark.parametrize("line,fragment,symbol", [
    ("constraint: apple < peer", "undeclared variable 'peer'; did you mean 'pear'?", "peer"),
    ("constraint: apple << 2", "unexpected '<'", "<"),
    ("constraint: apple * pear == 2", "needs a number on one side", "*"),
    ("var kiwi : place", "undeclared domain 'place'", "place"),
])
def test_constraint_errors(line: str, fragment: str, symbol: str) -> None:
    with pytest.raises(TranslationError) as e:
        parse_csp(PUZZLE + line)
    assert fragment in e.value.message and e.value.symbol == symbol and e.value.line == 9


def test_whitelist_rejects_anything_else() -> None:
    with pytest.raises(TranslationError):
        parse_csp(PUZZLE + "constraint: __import__('os') == 1")


def test_enum_order_comparison_rejected() -> None:
    with pytest.raises(TranslationError) as e:
        parse_csp("domain c = {red, blue}\nvar a : c\nconstraint: a < red")
    assert "compare only with == and !=" in e.value.message


SMT = """(declare-sort T 0)
(declare-const max T)
(declare-fun Yumpus (T) Bool)
(declare-fun Sour (T) Bool)
(assert (! (Yumpus max) :named fact))
(assert (forall ((x T)) (=> (Yumpus x) (not (Sour x)))))
(assert (! (Sour max) :named conclusion))
(check-sat)
"""


def test_smtlib_conclusion_by_name(solve: Solve) -> None:
    d = solve(SMT)
    assert d.answer == "False" and d.certificate["unsat_core_names"] == ["fact", "a2"]


@pytest.mark.parametrize("text,message", [
    ("(declare-const a Bool)\n(assert (and a b))", '(error "line 2 column 15: unknown constant b")'),
    ("(declare-fun f (Int) Bool)\n(assert (f 1 2))",
     '(error "line 2 column 14: unknown constant f (Int Int) \ndeclared: (declare-fun f (Int) Bool) ")'),
    # dropped commands are blanked, not removed: Z3's positions stay the client's
    ("(set-logic ALL) (check-sat)\n(declare-const a Bool) (assert (and a b))",
     '(error "line 2 column 38: unknown constant b")'),
])
def test_smtlib_errors_are_z3s_verbatim(text: str, message: str) -> None:
    with pytest.raises(TranslationError) as e:
        parse_any(text)
    assert e.value.message == message
    assert e.value.line == 2
