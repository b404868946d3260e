"""Relations, individuals and direction words: what a sentence's words decide (logic.phrases,
logic.translation), that the candidate sets hold the right formula inside the step's own
grammar, and a small end-to-end sample on the real embedded model (properties, not answers)."""

from __future__ import annotations

import asyncio
import re

import pytest

from logic.backend import LogicBackend
from logic.fol import parse_formula, parse_program
from logic.gbnf import clause_candidates, clause_gbnf
from logic.lint import check
from logic.translation import form_of, ordering_reading, read_sentences
from nesy.llm.scripted import ScriptedLLM
from nesy.types import Problem, Status, Trace, TranslateOptions

# sentence shape -> the formula its words decide
SHAPES = {
    "The cat needs the tiger.": "Need(Cat, Tiger)",
    "The tiger does not visit the cat.": "not Visit(Tiger, Cat)",
    "The cow is young.": "Young(Cow)",
    "The bald eagle chases the cat.": "Chase(BaldEagle, Cat)",
    "Bob is not kind.": "not Kind(Bob)",
    "The cat is big and red.": "Big(Cat) and Red(Cat)",
    "If something visits the cat then it does not need the tiger.": "forall x. Visit(x, Cat) -> not Need(x, Tiger)",
    "If someone is red and they chase the bald eagle then the bald eagle is green.":
        "forall x. Red(x) and Chase(x, BaldEagle) -> Green(BaldEagle)",
    "If the cow is blue then the cow likes the tiger.": "Blue(Cow) -> Like(Cow, Tiger)",
    "If something is quiet and not nice then it is smart.": "forall x. Quiet(x) and not Nice(x) -> Smart(x)",
    "All smart, kind things are big.": "forall x. Smart(x) and Kind(x) -> Big(x)",
    "Young people are not red.": "forall x. Young(x) -> not Red(x)",
    "Every dog that is young is a wolf.": "forall x. Dog(x) and Young(x) -> Wolf(x)",
    "Bob is left of the cow.": "LeftOf(Bob, Cow)",
}


def _read(sentences: list[str], preds: dict[str, int] | None = None, consts: list[str] | None = None):
    return read_sentences(sentences, dict(preds or {}), list(consts or []))


def test_words_decide_relations_individuals_and_rules() -> None:
    read, preds, consts = _read(list(SHAPES))
    for sentence, want in SHAPES.items():
        assert read.get(sentence) == want, sentence
    # individuals are constants and never predicates; relations take two arguments
    assert {"Cat", "Tiger", "Cow", "BaldEagle", "Bob"} <= set(consts)
    assert not {"Cat", "Tiger", "Cow", "BaldEagle", "Bob"} & set(preds)
    assert preds["Need"] == preds["Visit"] == preds["Chase"] == preds["Like"] == preds["LeftOf"] == 2
    assert preds["Young"] == preds["Kind"] == 1


def test_the_model_s_wrong_declarations_give_way_to_the_words() -> None:
    """The model declared the individuals as classes and a relation as a property."""
    sentences = ["The cat needs the tiger.", "The tiger is big.", "Does the cat need the tiger?"]
    read, preds, consts = _read(sentences[:2], {"Cat": 1, "Tiger": 1, "Need": 1, "Big": 1}, ["Big"])
    assert read["The cat needs the tiger."] == "Need(Cat, Tiger)"
    assert preds == {"Need": 2, "Big": 1} and consts == ["Cat", "Tiger"]  # "Big" is no constant: it is a predicate
    program = "const " + ", ".join(consts) + "\n" + "\n".join(f"pred {p}/{a}" for p, a in preds.items())
    check(parse_program(program + "\n" + "\n".join(f"premise: {read[s]}" for s in sentences[:2])))


def test_subject_order_is_the_sentence_s_not_a_coin() -> None:
    read, _, _ = _read(["The cat chases the mouse.", "The mouse chases the cat."])
    assert read["The cat chases the mouse."] == "Chase(Cat, Mouse)"
    assert read["The mouse chases the cat."] == "Chase(Mouse, Cat)"


def test_a_shape_the_words_do_not_decide_is_left_to_the_model() -> None:
    read, _, _ = _read(["Most cats that chase mice are usually somewhat grumpy in the mornings."])
    assert read == {}


@pytest.mark.parametrize("sentence", list(SHAPES))
def test_candidates_hold_the_reading_inside_the_clause_grammar(sentence: str) -> None:
    pytest.importorskip("llama_cpp")
    from train.grammar_check import admits

    read, preds, consts = _read(list(SHAPES))
    formula = read[sentence]
    local_preds = {p: a for p, a in preds.items() if re.search(rf"\b{p}\(", formula)}
    local_consts = [c for c in consts if re.search(rf"\b{c}\b", formula)] or consts
    form = form_of(formula)
    cands = clause_candidates(form, local_preds, local_consts, reading=formula)
    assert formula in cands and len(cands) <= 48
    grammar = clause_gbnf(form, local_preds, local_consts)
    for c in cands:
        parse_formula(c)
        assert admits(grammar, c), (grammar, c)


def test_repeated_conjuncts_are_a_translation_error() -> None:
    """"The cow is young." once became "forall x. Cow(x) and Cow(x) -> Young(x)": the formula step refuses it."""
    text = "Every cow is usually young. Max is a cow. Question: Is Max young?"
    backend = LogicBackend()
    ctx = backend.context(Problem(text=text))

    def reply(req) -> str:
        c, last = req.constraint, req.messages[-1].content
        if c.choices:
            return c.choices[0]
        if "decl ::=" in c.grammar:
            return "const Max\npred Cow/1\npred Young/1\n"
        if "said twice" in last:  # the repair round quotes the lint message
            return "forall x. Cow(x) -> Young(x)"
        if "usually" in last:
            return "forall x. Cow(x) and Cow(x) -> Young(x)"
        return req.candidates[0] if req.candidates else "Young(Max)"

    llm = ScriptedLLM(reply)
    f = asyncio.run(backend.translate(ctx, llm, TranslateOptions(mode="ours", exemplars=1), Trace()))
    repairs = [r for r in llm.requests if "said twice" in r.messages[-1].content]
    assert repairs and "Cow(x) is said twice" in repairs[0].messages[-1].content
    assert "premise: forall x. Cow(x) -> Young(x)" in f.text and f.repairs >= 1


async def test_relational_text_translates_to_relations_with_a_scripted_model(solve) -> None:
    """Plumbing: the words decide the formulas, the model's bad declarations do not leak in,
    and the program is consistent and answers."""
    premises = ("The cat needs the tiger. The tiger does not visit the cat. The cow is young. "
                "If something needs the tiger then it is kind. If something is kind then it does not visit the cow.")
    text = premises + " Question: Is the following statement true, false, or unknown? The cat visits the cow."
    backend = LogicBackend()
    ctx = backend.context(Problem(text=text, context={"premises": premises, "question":
                                                      "Is the following statement true, false, or unknown? "
                                                      "The cat visits the cow.", "options": ["A) True", "B) False",
                                                                                             "C) Unknown"]}))

    def reply(req) -> str:
        c = req.constraint
        if c.choices:
            return c.choices[0]
        if "decl ::=" in c.grammar:
            return "pred Cat/1\npred Tiger/1\npred Cow/1\npred Need/1\npred Young/1\n"
        assert len(req.candidates) == 1, req.messages[-1].content  # every sentence here is decided by its words
        return req.candidates[0]  # a scripted model cannot score: it is asked, and answers the candidate

    llm = ScriptedLLM(reply)
    f = await backend.translate(ctx, llm, TranslateOptions(mode="ours"), Trace())
    prog = parse_program(f.text)
    assert {"Cat", "Tiger", "Cow"} <= set(prog.consts) and not {"Cat", "Tiger", "Cow"} & set(prog.preds)
    assert len(prog.preds["Need"][0]) == len(prog.preds["Visit"][0]) == 2
    assert "premise: not Visit(Tiger, Cat)" in f.text
    assert "premise: forall x. Kind(x) -> not Visit(x, Cow)" in f.text
    s = solve(f.text)
    assert s.status == Status.SOLVED and s.answer == "False"


def test_direction_words_decide_ordering_clues() -> None:
    objs = ["owl", "robin", "blue_jay", "sedan", "ana"]
    want = {
        "The owl is to the left of the robin.": "owl < robin",
        "The robin is to the right of the owl.": "robin > owl",
        "The owl finished above Ana.": "owl < ana",
        "The owl finished below Ana.": "owl > ana",
        "The sedan is older than the owl.": "sedan < owl",
        "The sedan is newer than the owl.": "sedan > owl",
        "The owl is less expensive than the robin.": "owl < robin",
        "The owl is more expensive than the robin.": "owl > robin",
        "The blue jay is the second from the left.": "blue_jay == 2",
        "The blue jay is the second from the right.": "blue_jay == 4",
        "The sedan is the second-newest.": "sedan == 4",
        "The sedan is the oldest.": "sedan == 1",
        "Ana finished third.": "ana == 3",
        "Ana finished last.": "ana == 5",
        "Ana finished second-to-last.": "ana == 4",
        "The owl is the rightmost.": "owl == 5",
        "The owl is the third-most expensive.": "owl == 3",
        "The owl is the second-cheapest.": "owl == 2",
    }
    for sentence, constraint in want.items():
        assert ordering_reading(sentence, objs, 5) == constraint, sentence
    assert ordering_reading("The owl is not the leftmost.", objs, 5) is None  # left to the model
    assert ordering_reading("The owl is somewhere.", objs, 5) is None


async def test_ordering_clues_decided_by_words_are_the_one_candidate() -> None:
    premises = ("The following paragraphs each describe a set of three objects arranged in a fixed order. "
                "The statements are logically consistent within each paragraph.\n\n"
                "In an antique car show, there are three vehicles: a sedan, a bus, and a truck. "
                "The sedan is older than the bus. The truck is the newest.")
    problem = Problem(text=premises, context={"premises": premises, "question": "Which of the following is true?",
                                              "options": ["A) The sedan is the oldest.", "B) The bus is the oldest.",
                                                          "C) The truck is the oldest."]})
    backend = LogicBackend()
    ctx = backend.context(problem)
    def reply(req) -> str:
        if req.constraint.grammar.startswith("root ::= name"):
            return "sedan, bus, truck"
        assert len(req.candidates) == 1, req.messages[-1].content
        return req.candidates[0]

    llm = ScriptedLLM(reply)
    f = await backend.translate(ctx, llm, TranslateOptions(mode="ours"), Trace())
    asked = {r.messages[-1].content: r.candidates for r in llm.requests if r.step == "logic.constraint"}
    assert asked["The sedan is older than the bus."] == ("sedan < bus",)
    assert asked["The truck is the newest."] == ("truck == 3",)
    assert asked["The bus is the oldest."] == ("bus == 1",)
    assert backend.solve(f, ctx, timeout=10).answer == "A"


def test_end_to_end_relations_on_the_embedded_model(embedded_llm) -> None:
    """The real model on relational, negated text: no inconsistent premises after repair,
    relations of arity 2, individuals as constants (properties, not hard-coded answers)."""
    premises = ("The dog chases the mouse. The mouse does not like the dog. The dog is big. The mouse is small. "
                "If something chases the mouse then it is fast. If something is fast and big then it needs the cat. "
                "If someone needs the cat then they do not like the mouse.")
    question = "Based on the above information, is the following statement true, false, or unknown? The dog likes the mouse."
    backend = LogicBackend()
    try:
        ctx = backend.context(Problem(text=premises + " " + question, context={
            "premises": premises, "question": question, "options": ["A) True", "B) False", "C) Unknown"]}))
        f = asyncio.run(backend.translate(ctx, embedded_llm, TranslateOptions(mode="ours", exemplars=1), Trace()))
        prog = parse_program(f.text)
        assert {"Dog", "Mouse", "Cat"} <= set(prog.consts)
        assert not {"Dog", "Mouse", "Cat"} & set(prog.preds)
        relations = [p for p in ("Chase", "Like", "Need") if p in prog.preds]
        assert relations and all(len(prog.preds[p][0]) == 2 for p in relations)
        assert not f.dropped
        s = backend.solve(f, ctx, timeout=10)
        assert s.status == Status.SOLVED, (s.status, s.message, f.text)
    finally:
        backend.close()
