"""Plumbing of the two translation modes, driven by a ScriptedLLM (no quality claims here)."""

from __future__ import annotations

from logic.backend import LogicBackend
from nesy.llm.scripted import ScriptedLLM
from nesy.types import Problem, Trace, TranslateOptions

TEXT = "Max is a yumpus. Every yumpus is sour. Question: Is Max sour?"
GOOD = "const Max\npred Yumpus/1\npred Sour/1\npremise: Yumpus(Max)\npremise: forall x. Yumpus(x) -> Sour(x)\n" \
       "conclusion: Sour(Max)"


async def test_baseline_feeds_the_parser_error_back() -> None:
    backend = LogicBackend()
    ctx = backend.context(Problem(text=TEXT))
    llm = ScriptedLLM([GOOD.replace("Yumpus(Max)", "Yumpuses(Max)"), GOOD])
    f = await backend.translate(ctx, llm, TranslateOptions(mode="baseline", repairs=2), Trace())
    assert f.repairs == 1 and f.language == "fol"
    repair_prompt = llm.requests[1].messages[-1].content
    assert "undeclared predicate 'Yumpuses'; did you mean 'Yumpus'?" in repair_prompt
    assert llm.requests[0].constraint is None  # Logic-LM prompting is unconstrained


async def test_ours_declares_then_chooses_form_then_fills_in_under_grammar() -> None:
    backend = LogicBackend()
    ctx = backend.context(Problem(text=TEXT))

    def reply(req) -> str:
        c = req.constraint
        if c is not None and c.choices:
            return "fact" if "Max is" in req.messages[-1].content or "Is Max" in req.messages[-1].content else "rule"
        if c is not None and c.grammar and "decl ::=" in c.grammar:
            return "const Max\npred Yumpus/1\npred Sour/1\n"
        last = req.messages[-1].content
        return {"Max is a yumpus.": "Yumpus(Max)", "Every yumpus is sour.": "forall x. Yumpus(x) -> Sour(x)"}.get(
            last, "Sour(Max)")

    llm = ScriptedLLM(reply)
    trace = Trace()
    f = await backend.translate(ctx, llm, TranslateOptions(mode="ours"), trace)
    assert "premise: forall x. Yumpus(x) -> Sour(x)  # Every yumpus is sour." in f.text
    assert "conclusion: Sour(Max)  # Is Max sour?" in f.text
    names = [s.name for s in trace.stages]
    assert names[0] == "translate.declarations" and names.count("translate.form") == 3
    grammars = [r.constraint.grammar for r in llm.requests if r.constraint is not None and r.constraint.grammar]
    assert any('"Yumpus(" xterm ")"' in g for g in grammars)  # content grammar built from the declarations
    s = backend.solve(f, ctx, timeout=5)
    assert s.answer == "True"
    assert backend.verbalize(s, ctx) == "True: Max is sour, because: Max is a yumpus; Every yumpus is sour."


async def test_ordering_objects_come_from_the_puzzles_own_list() -> None:
    """LogicalDeduction-style text: the listed objects (multi-word ones joined) are the names,
    the preamble is no clue, and each clue's grammar holds the objects it names."""
    from logic.translation import enumerated_objects, ordinal_positions

    premises = ("The following paragraphs each describe a set of three objects arranged in a fixed order. "
                "The statements are logically consistent within each paragraph.\n\n"
                "On a branch, there are three birds: a blue jay, a raven, and a crow. "
                "The crow is the leftmost. The blue jay is to the right of the raven.")
    assert enumerated_objects(premises) == ["blue_jay", "raven", "crow"]
    assert ordinal_positions("The sedan is the second-newest.", 7) == [2, 6]
    problem = Problem(text=premises, context={"premises": premises, "question": "Which of the following is true?",
                                              "options": ["A) The blue jay is the leftmost.",
                                                          "B) The raven is the leftmost.", "C) The crow is the leftmost."]})
    backend = LogicBackend()
    ctx = backend.context(problem)

    def reply(req) -> str:
        g = req.constraint.grammar
        if g.startswith("root ::= name"):
            return "crow, raven"  # the model forgets one: the list completes it
        last = req.messages[-1].content
        return {"The crow is the leftmost.": "crow == 1", "The blue jay is to the right of the raven.":
                "blue_jay > raven"}.get(last, last.split()[1].replace("blue", "blue_jay") + " == 1")

    llm = ScriptedLLM(reply)
    f = await backend.translate(ctx, llm, TranslateOptions(mode="ours"), Trace())
    assert f.text.startswith("domain pos = 1..3\nvar crow, raven, blue_jay : pos\n")
    assert "paragraph" not in f.text.split("option")[0]
    clue = next(r.constraint.grammar for r in llm.requests if r.messages[-1].content.startswith("The blue jay"))
    assert clue == 'root ::= "blue_jay" (" < " | " > ") "raven"\n'
    assert backend.solve(f, ctx, timeout=5).answer == "C"


async def test_each_clause_grammar_holds_the_sentence_words_even_undeclared() -> None:
    """The model declared too little: the sentence's own words still make its grammar,
    and the new predicates join the program's declarations."""
    text = "Max is a yumpus. Each yumpus is usually luminous. Question: Is Max luminous?"
    backend = LogicBackend()
    ctx = backend.context(Problem(text=text))

    def reply(req) -> str:
        c = req.constraint
        if c.choices:
            return "rule" if "Each" in req.messages[-1].content else "fact"
        if "decl ::=" in c.grammar:
            return "const Max\npred Yumpus/1\n"  # Luminous is missing
        last = req.messages[-1].content
        return {"Each yumpus is usually luminous.": "forall x. Yumpus(x) -> Luminous(x)"}.get(
            last, "Luminous(Max)" if "luminous" in last else "Yumpus(Max)")

    llm = ScriptedLLM(reply)
    f = await backend.translate(ctx, llm, TranslateOptions(mode="ours"), Trace())
    rule_grammar = next(r.constraint.grammar for r in llm.requests
                        if r.constraint.grammar and r.messages[-1].content == "Each yumpus is usually luminous.")
    # the rule concludes the class the sentence names last; the body holds the others
    assert rule_grammar.startswith('root ::= "forall x. " xlit (" and " xlit)* " -> " "Luminous(x)"')
    assert '"Yumpus("' in rule_grammar and '"Luminous("' not in rule_grammar
    forms = [r.constraint.choices for r in llm.requests if r.constraint.choices]
    # what the words allow; "Max is a yumpus." is a shape the words decide whole (logic.phrases)
    assert forms == [("fact",), ("rule", "other"), ("fact", "other")]
    assert "pred Luminous/1" in f.text
    assert backend.solve(f, ctx, timeout=5).answer == "True"


async def test_premises_that_contradict_each_other_are_translated_again() -> None:
    """An inconsistent translation is a translation error: the unsat core's sentences go back
    to the model with the contradiction as the message (real Z3 finds the core)."""
    backend = LogicBackend()
    text = "Tom is a cat. Every cat is red. Tom is blue. Question: Is Tom red?"
    ctx = backend.context(Problem(text=text))

    def reply(req) -> str:
        c = req.constraint
        last = req.messages[-1].content
        if c is not None and c.choices:
            return "rule" if last.startswith("Every") else "fact"
        if c is not None and c.grammar and "decl ::=" in c.grammar:
            return "const Tom\npred Cat/1\npred Red/1\npred Blue/1\n"
        first = {"Tom is a cat.": "Cat(Tom)", "Every cat is red.": "forall x. Cat(x) -> Red(x)",
                 "Tom is blue.": "not Red(Tom)"}
        if "contradict each other" in last:  # asked again: the wrong reading is repaired, right ones kept
            sentence = req.messages[-3].content
            return "Blue(Tom)" if sentence == "Tom is blue." else first[sentence]
        return first.get(last, "Red(Tom)")

    llm = ScriptedLLM(reply)
    trace = Trace()
    f = await backend.translate(ctx, llm, TranslateOptions(mode="ours", repairs=2), trace)
    assert "premise: Blue(Tom)  # Tom is blue." in f.text and "not Red(Tom)" not in f.text
    repairs = [r for r in llm.requests if "contradict each other" in r.messages[-1].content]
    assert {r.messages[-3].content for r in repairs} == {"Tom is a cat.", "Every cat is red.", "Tom is blue."}
    assert "Tom is a cat." in repairs[0].messages[-1].content and "Tom is blue." in repairs[0].messages[-1].content
    assert any(s.name.endswith(".recheck") for s in trace.stages)
    assert backend.solve(f, ctx, timeout=10).answer == "True"
