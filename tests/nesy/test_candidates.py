"""The finite choices each formalism ranks by likelihood: every candidate is a string its
step's own grammar admits (llama.cpp's sampler decides) and its parser accepts, so ranking
and constrained generation choose from the same language."""

from __future__ import annotations

import pytest

pytest.importorskip("llama_cpp")

from train.grammar_check import admits  # noqa: E402

from logic.fol import parse_formula  # noqa: E402
from logic.gbnf import clause_candidates, clause_gbnf  # noqa: E402

PREDS = {"Cat": 1, "Furry": 1, "Cute": 1, "Chases": 2}
CONSTS = ["Tom", "Bob"]


@pytest.mark.parametrize("form", ["fact", "negated fact", "rule", "negative rule"])
def test_logic_clause_candidates_are_in_the_clause_grammar(form: str) -> None:
    for head in (None, "Cute"):
        cands = clause_candidates(form, PREDS, CONSTS, head)
        assert cands, (form, head)
        grammar = clause_gbnf(form, PREDS, CONSTS, head)
        for c in cands:
            parse_formula(c)
            assert admits(grammar, c), (form, head, c)
    assert "Chases(Tom, Bob)" in clause_candidates("fact", PREDS, CONSTS)
    assert "forall x. Cat(x) and Furry(x) -> Cute(x)" in clause_candidates("rule", PREDS, CONSTS, "Cute")
    assert all(c.endswith("-> not Cute(x)") for c in clause_candidates("negative rule", PREDS, CONSTS, "Cute"))


def test_logic_other_form_and_wide_choices_are_generated() -> None:
    assert clause_candidates("other", PREDS, CONSTS) == ()
    many = {f"P{i}": 1 for i in range(30)}
    assert clause_candidates("fact", many, CONSTS) == ()  # 60 > the ranking limit


def test_planning_fact_candidates_are_in_the_clause_grammar() -> None:
    pytest.importorskip("unified_planning")
    from planners.domains import bundled_domain
    from planners.grammar import clause_grammar
    from planners.pddl import parse_domain
    from planners.translation import fact_candidates, parse_clause

    domain = parse_domain(bundled_domain("blocksworld").pddl)
    objects = {"b1": "block", "b2": "block", "b3": "block"}
    cands = fact_candidates("b1 is on top of b2.", "init", domain, objects)
    assert "init: (on b1 b2)" in cands and "init: (on b2 b1)" in cands and cands[-1] == "none"
    assert not any("b3" in c for c in cands)  # only the objects the sentence names
    grammar = clause_grammar(domain, objects, "init")
    for c in cands:
        parse_clause(c)
        assert admits(grammar, c), c
    # a sentence that states two facts offers fact sets, the right one among them, all inside the grammar
    two = fact_candidates("b1 is on b2 and b2 is clear.", "init", domain, objects)
    assert "init: (on b1 b2) (clear b2)" in two or "init: (clear b2) (on b1 b2)" in two
    for c in two:
        parse_clause(c)
        assert admits(grammar, c), c


def test_kg_structure_candidates_fill_the_slots_in_mention_order() -> None:
    pytest.importorskip("networkx")
    from kb.query import parse_query, structure_candidates

    got = structure_candidates(["egypt", "israel"], ["embassy", "ngo"])
    assert got == {"embassy(egypt, f) & ngo(israel, f)": "2i", "embassy(egypt, f) | ngo(israel, f)": "2u",
                   "embassy(egypt, f) & !ngo(israel, f)": "2in"}
    for text, structure in structure_candidates(["egypt"], ["embassy", "ngo", "treaties"]).items():
        assert parse_query(text).structure == structure
    assert structure_candidates([], ["embassy"]) == {}
    # the question's words decide negation and union
    asked = lambda q: set(structure_candidates(["egypt", "israel"], ["embassy", "ngo"], question=q).values())  # noqa: E731
    assert asked("What does egypt embassy but israel does not ngo?") == {"2in"}
    assert asked("What does egypt embassy or israel ngo?") == {"2u"}
    assert asked("What do both egypt embassy and israel ngo?") == {"2i"}
