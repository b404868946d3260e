"""Every string our GBNF grammars admit parses with the lark grammars (random derivations)."""

from __future__ import annotations

import random

import pytest

from logic.csp import csp_parser
from logic.fol import fol_parser, parse_formula, parse_program, split_comment
from logic.gbnf import (
    CLAUSE_FORMS, GENERIC_FOL_GBNF, clause_gbnf, csp_line_gbnf, declarations_gbnf, formula_gbnf, program_gbnf,
    ordering_line_gbnf,
)
from logic.lint import check
from tests.logic.gbnf_sampler import parse_gbnf, sample

PREDS = {"Tumpus": 1, "Likes": 2, "Rain": 0, "Between": 3}
CONSTS = ["Max", "Bob"]


def _lines_parse(text: str) -> None:
    for line in text.splitlines():
        code, _ = split_comment(line)
        if code.strip():
            fol_parser().parse(code)


@pytest.mark.parametrize("grammar", [GENERIC_FOL_GBNF, program_gbnf(PREDS, CONSTS)], ids=["generic", "declared"])
def test_program_grammar_strings_parse(grammar: str) -> None:
    g = parse_gbnf(grammar)
    rng = random.Random(0)
    for _ in range(300):
        _lines_parse(sample(g, rng, max_depth=6))


def test_formula_grammar_strings_parse_and_use_only_declared_symbols() -> None:
    g = parse_gbnf(formula_gbnf(PREDS, CONSTS))
    rng = random.Random(1)
    decls = "const Max, Bob\npred Tumpus/1\npred Likes/2\npred Rain/0\npred Between/3\n"
    for _ in range(300):
        text = sample(g, rng, max_depth=6)
        parse_formula(text)
        # only declared predicates with the right arity: lint finds at most free variables
        for issue in _lint_errors(decls + "premise: " + text):
            assert "free variable" in issue, (text, issue)


def _lint_errors(program: str) -> list[str]:
    from logic.lint import lint

    return [i.message for i in lint(parse_program(program)) if i.severity == "error"]


@pytest.mark.parametrize("form", CLAUSE_FORMS)
def test_clause_forms_are_lint_clean(form: str) -> None:
    g = parse_gbnf(clause_gbnf(form, PREDS, CONSTS))
    rng = random.Random(2)
    decls = "const Max, Bob\npred Tumpus/1\npred Likes/2\npred Rain/0\npred Between/3\n"
    for _ in range(100):
        text = sample(g, rng, max_depth=6)
        if form != "other":  # the restricted forms cannot even write a free variable
            check(parse_program(decls + "premise: " + text))
        else:
            parse_formula(text)


def test_declarations_and_csp_grammars_parse() -> None:
    rng = random.Random(3)
    g = parse_gbnf(declarations_gbnf(["Tumpus", "Max", "Sour"]))
    for _ in range(100):
        _lines_parse(sample(g, rng))
    g = parse_gbnf(csp_line_gbnf(["apple", "pear"], lo=1, hi=3))
    for _ in range(200):
        csp_parser().parse("constraint: " + sample(g, rng, max_depth=6))


def test_ordering_grammar_keeps_the_sentence_objects_and_positions() -> None:
    rng = random.Random(4)
    objs = ["blue_jay", "raven", "crow"]
    both = {sample(parse_gbnf(ordering_line_gbnf(objs, 3, ["crow", "raven"])), rng) for _ in range(50)}
    assert both == {"crow < raven", "crow > raven"}  # distinct objects are never equal
    one = {sample(parse_gbnf(ordering_line_gbnf(objs, 3, ["raven"], [1, 3])), rng) for _ in range(200)}
    assert {t.split()[0] for t in one} == {"raven"} and {t.split()[2] for t in one} == {"1", "3"}
    for _ in range(100):  # no named object: any clue over the declared ones, and all parse
        csp_parser().parse("constraint: " + sample(parse_gbnf(ordering_line_gbnf(objs, 3)), rng))


def test_llama_cpp_accepts_the_grammars() -> None:
    llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    for grammar in (GENERIC_FOL_GBNF, program_gbnf(PREDS, CONSTS), clause_gbnf("rule", PREDS, CONSTS),
                    declarations_gbnf(["A", "B"]), csp_line_gbnf(["a", "b"]), ordering_line_gbnf(["a", "b"], 2),
                    ordering_line_gbnf(["a", "b"], 2, ["a", "b"]), ordering_line_gbnf(["a", "b"], 2, ["a"], [1])):
        llama_cpp.LlamaGrammar.from_string(grammar, verbose=False)
