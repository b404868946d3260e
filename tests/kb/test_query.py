import random

import pytest

from nesy.errors import TranslationError

from kb.grammar import query_grammar
from kb.query import STRUCTURES, QueryLimits, dedupe, lint_query, parse_query

RELS = ["isa", "location_of", "part_of"]
ENTS = ["alga", "cell", "acquired abnormality", "f"]


@pytest.mark.parametrize("name", list(STRUCTURES))
def test_every_named_structure_is_classified(name):
    assert parse_query(STRUCTURES[name]).structure == name


@pytest.mark.parametrize("name", [n for n, t in STRUCTURES.items() if "|" not in t])
def test_classification_ignores_atom_order_and_variable_names(name):
    q = parse_query(STRUCTURES[name])
    atoms = [str(a) for a in q.atoms()]
    random.Random(name).shuffle(atoms)
    text = " & ".join(atoms).replace("e1", "e9").replace("e2", "e1").replace("e9", "e2")
    shuffled = parse_query(text)
    assert shuffled.structure == name
    assert shuffled.canonical() == q.canonical()


def test_other_shapes_are_not_misnamed():
    assert parse_query("r1(s1, f) & r2(f, s2)").structure == "other"  # an inverse edge
    assert parse_query("r1(s1, e1) & r2(e1, f) | r3(s2, e2) & r4(e2, f)").structure == "other"  # not up


def test_quoted_names_and_negation():
    q = parse_query('location_of("acquired abnormality", e1) & !isa(e1, f) & part_of(cell, f)')
    assert q.constants() == ["acquired abnormality", "cell"]
    assert [a.negated for a in q.atoms()] == [False, True, False]
    assert str(q) == 'location_of("acquired abnormality", e1) & !isa(e1, f) & part_of(cell, f)'
    assert parse_query('isa("f", f)').constants() == ["f"]  # a quoted name is never a variable


@pytest.mark.parametrize(
    "text, col, symbol",
    [("isa(alga f)", 10, "f"), ("isa(alga, f) & & isa(cell, f)", 16, "&"), ("isa(alga, f) $", 14, "$")],
)
def test_syntax_errors_carry_line_column_symbol(text, col, symbol):
    with pytest.raises(TranslationError) as e:
        parse_query(text)
    assert (e.value.line, e.value.col, e.value.symbol) == (1, col, symbol)


def test_unfinished_query():
    with pytest.raises(TranslationError, match="ends too early"):
        parse_query("isa(alga, ")


def test_lint_unknown_relation_suggests_close_ones():
    with pytest.raises(TranslationError, match=r"unknown relation 'location'.*'location_of'") as e:
        lint_query(parse_query("isa(alga, e1) & location(e1, f)"), RELS, ENTS)
    assert e.value.symbol == "location" and e.value.col == 17


def test_lint_unknown_entity():
    with pytest.raises(TranslationError, match=r"unknown entity 'algae'.*'alga'"):
        lint_query(parse_query("isa(algae, f)"), RELS, ENTS)


def test_lint_missing_answer_variable():
    with pytest.raises(TranslationError, match="answer variable 'f' is missing"):
        lint_query(parse_query("isa(alga, e1)"), RELS, ENTS)


def test_lint_disconnected():
    with pytest.raises(TranslationError, match="disconnected.*'e1'"):
        lint_query(parse_query("isa(alga, f) & part_of(cell, e1)"), RELS, ENTS)


def test_lint_answer_only_negated():
    with pytest.raises(TranslationError, match="only under negation"):
        lint_query(parse_query("!isa(alga, f)"), RELS, ENTS)


# syntax only: the GBNF nests unions freely, and the size limits (a 413) are a separate check
UNLIMITED = QueryLimits(atoms=10**6, variables=10**6, branches=10**8, depth=10**6)


def test_every_string_the_gbnf_admits_parses_with_lark():
    g = query_grammar(RELS, ENTS)
    rng = random.Random(0)
    for _ in range(400):
        text = g.sample(rng)
        q = parse_query(text, UNLIMITED)
        assert {a.relation for a in q.atoms()} <= set(RELS)
        assert set(q.constants()) <= set(ENTS)


def test_gbnf_lists_only_given_symbols_and_loads_in_llama_cpp():
    g = query_grammar(RELS, ["alga"]).gbnf()
    assert '"location_of"' in g and '"alga"' in g and "cell" not in g
    from llama_cpp import LlamaGrammar

    LlamaGrammar.from_string(g, verbose=False)  # raises on a malformed grammar


def test_repeated_atoms_are_dropped():
    q, dropped = dedupe(parse_query("isa(alga, f) & isa(alga, f) & (part_of(cell, e1) | part_of(cell, e1)) & isa(e1, f)"))
    assert dropped == 1 and str(q) == "isa(alga, f) & (part_of(cell, e1) | part_of(cell, e1)) & isa(e1, f)"
    assert dedupe(parse_query("isa(alga, f)"))[1] == 0


def test_gbnf_top_level_conjuncts_end_with_the_answer():
    g = query_grammar(RELS, ENTS)
    rng = random.Random(1)
    for _ in range(100):
        for branch in parse_query(g.sample(rng), UNLIMITED).dnf():
            assert any(a.tail.name == "f" and a.tail.is_var for a in branch)


def test_gbnf_atoms_always_have_a_variable():
    g = query_grammar(RELS, ENTS)
    rng = random.Random(2)
    for _ in range(200):
        for a in parse_query(g.sample(rng), UNLIMITED).atoms():
            assert a.head.is_var or a.tail.is_var


def test_canonical_form_permutes_only_variables_refinement_cannot_tell_apart():
    cycle = parse_query("r(e1, e2) & r(e2, e3) & r(e3, e1) & s(e1, f)")
    assert cycle.canonical() == parse_query("r(e2, e3) & s(e2, f) & r(e3, e1) & r(e1, e2)").canonical()
    assert cycle.canonical() != parse_query("r(e1, e2) & r(e2, e3) & r(e1, e3) & s(e1, f)").canonical()
    assert parse_query('isa("e1", f)').canonical() != parse_query("isa(e1, f)").canonical()


def test_canonical_form_of_many_interchangeable_variables_stays_invariant():
    # seven interchangeable variables would be 5040 renamings per branch: colours name them instead
    star = " & ".join(f"r(e{i}, f)" for i in range(1, 8))
    q = parse_query(star + " & (s(a, f) | s(b, f))")
    renamed = parse_query("(s(b, f) | s(a, f)) & " + star.replace("e1", "e9").replace("e7", "e1").replace("e9", "e7"))
    assert q.canonical() == renamed.canonical()
    assert q.canonical() != parse_query(star.replace("r(e7, f)", "r(f, e7)") + " & (s(a, f) | s(b, f))").canonical()
