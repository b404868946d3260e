"""Parser errors and lint: each case names line, column and symbol."""

from __future__ import annotations

import pytest

from logic.fol import parse_formula, parse_program
from logic.lint import check, lint
from nesy.errors import TranslationError

DECLS = "const Max, Bob\npred Tumpus/1\npred Likes/2\n"


def _lint_error(body: str) -> TranslationError:
    with pytest.raises(TranslationError) as e:
        check(parse_program(DECLS + body))
    return e.value


def test_program_parses_with_glosses_and_names() -> None:
    p = parse_program(DECLS + "premise r1: forall x. Tumpus(x) -> Likes(x, Bob)  # Every tumpus likes Bob.\n"
                      "premise: Tumpus(Max)\nconclusion: Likes(Max, Bob)\n")
    assert [s.name for s in p.premises] == ["r1", "p2"]
    assert p.premises[0].gloss == "Every tumpus likes Bob."
    assert p.conclusion is not None and p.conclusion.line == 6
    assert check(p) == []


def test_syntax_error_names_line_column_symbol() -> None:
    with pytest.raises(TranslationError) as e:
        parse_program(DECLS + "premise: Tumpus(Max) Likes(Max, Bob)")
    err = e.value
    assert (err.line, err.col, err.symbol) == (4, 22, "Likes")
    assert "'and'" in err.message and "'->'" in err.message


def test_foreign_connective_gets_a_hint() -> None:
    with pytest.raises(TranslationError) as e:
        parse_program("premise: A(x) & B(x)")
    assert e.value.symbol == "&" and e.value.col == 15 and "write 'and' instead" in e.value.message


def test_truncated_line() -> None:
    with pytest.raises(TranslationError) as e:
        parse_formula("forall x. Tumpus(x) ->")
    assert "ends too early" in e.value.message


def test_misspelled_predicate_suggests_declared_name() -> None:
    err = _lint_error("premise: forall x. Tumpuses(x) -> Likes(x, Bob)")
    assert err.symbol == "Tumpuses" and err.line == 4 and err.col == 20
    assert "did you mean 'Tumpus'" in err.message


def test_wrong_arity() -> None:
    err = _lint_error("premise: Likes(Max)")
    assert err.symbol == "Likes" and "takes 2 arguments, got 1" in err.message


def test_free_variable() -> None:
    err = _lint_error("premise: Tumpus(y)")
    assert err.symbol == "y" and "free variable" in err.message


def test_undeclared_constant_suggests() -> None:
    err = _lint_error("premise: Tumpus(Maxx)")
    assert err.symbol == "Maxx" and "did you mean 'Max'" in err.message


def test_unused_declaration_is_a_warning_with_position() -> None:
    issues = lint(parse_program(DECLS + "premise: Tumpus(Max)"))
    unused = {(i.symbol, i.severity, i.line) for i in issues}
    assert unused == {("Bob", "warning", 1), ("Likes", "warning", 3)}


def test_predicate_used_as_constant_and_duplicates() -> None:
    assert "is a predicate, not a constant" in _lint_error("premise: Likes(Tumpus, Max)").message
    with pytest.raises(TranslationError) as e:
        parse_program("const A\npred A/1")
    assert e.value.line == 2 and e.value.symbol == "A"


def test_sorts_are_checked() -> None:
    text = "sort Person\nconst Max : Person\nconst Rock\npred Happy(Person)\npremise: Happy(Rock)"
    with pytest.raises(TranslationError) as e:
        check(parse_program(text))
    assert "should be a Person" in e.value.message and e.value.symbol == "Rock"


def test_connective_precedence() -> None:
    f = parse_formula("A(x) and B(x) -> C(x) or D(x) <-> E(x)")
    assert type(f).__name__ == "Iff"
    assert type(f.left).__name__ == "Implies"
