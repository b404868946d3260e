"""Natural language to a PDDL problem: the LLM+P baseline and our clause-by-clause mode.

Baseline (LLM+P): domain PDDL + one NL/PDDL example in context; the model writes the
whole problem. Ours, for small models: objects first (names only from words of the text,
types only from the domain), then each sentence on its own under a grammar that admits
only the domain's predicates with fitting objects, with exemplars chosen by similarity
from seen compositions; each clause's facts are linted (arity, type, contradiction with
what is already known) and repaired with the exact message; then :objects/:init/:goal are
assembled and parsed by unified-planning's reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nesy.errors import TranslationError
from nesy.llm.base import BaseLLM, Constraint, Message
from nesy.tracing import stage
from nesy.translate import Exemplar, few_shot_messages, generate_with_repair, select_exemplars, split_clauses
from nesy.types import Formalization, Trace, TranslateOptions

from planners.domains import BundledDomain
from planners.grammar import clause_grammar, objects_grammar
from planners.lint import check_contradictions, check_fact, check_goal_not_true
from planners.pddl import DomainModel, Fact, fact_str, parse_fact, write_problem

__all__ = ["PlanningTask", "translate_baseline", "translate_ours", "extract_problem_pddl", "candidate_names", "parse_objects", "parse_clause"]

_STOP = set(
    """a an the is are be was were of on in at to from and or with by for as it its this that these those there
    here has have had no not nothing each all any one two three four five six seven eight nine ten should must
    will would can could may might end up top block blocks table hand robot arm gripper grippers ball balls
    room rooms city cities truck trucks airplane airport airports package packages location locations i you your
    we want goal task following what hold holds holding free empty clear directly sits lies rests stacked
    stands starts found moved move finish deliver loaded inside into waits located belongs carry""".split()
)


@dataclass
class PlanningTask:
    """What translation needs from the backend's context."""

    text: str
    domain: DomainModel
    bundled: BundledDomain | None
    parse: Callable[[str], Formalization]  # the backend's parse + lint of a whole problem
    clause_pool: list[Exemplar]
    object_pool: list[Exemplar]
    example_nl: str | None = None
    example_pddl: str | None = None


# -- baseline (LLM+P) ---------------------------------------------------------------------


def extract_problem_pddl(text: str) -> str:
    """The first balanced ``(define (problem ...))`` in a model's answer."""
    m = re.search(r"\(\s*define\s*\(\s*problem", text, re.IGNORECASE)
    if not m:
        raise TranslationError("the answer holds no (define (problem ...)) block", line=1, col=1, symbol="define")
    depth = 0
    for i in range(m.start(), len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[m.start() : i + 1]
    line = text.count("\n") + 1
    raise TranslationError("the problem PDDL is cut off: parentheses are not balanced", line=line, col=None, symbol=")")


async def translate_baseline(task: PlanningTask, llm: BaseLLM, options: TranslateOptions, trace: Trace) -> Formalization:
    if not (task.example_nl and task.example_pddl):
        raise TranslationError(
            "the LLM+P baseline needs one example: pass context example_nl and example_pddl (bundled domains have one)",
            stage="translate",
        )
    prompt = (
        f"{task.domain.text.strip()}\n\nAn example planning problem is:\n{task.example_nl.strip()}\n"
        f"The problem PDDL file to this problem is:\n{task.example_pddl.strip()}\n\n"
        f"Now I have a new planning problem and its description is:\n{task.text.strip()}\n"
        "Provide me with the problem PDDL file that describes the new planning problem directly "
        "without further explanations. Only return the PDDL file. Do not return anything else."
    )
    msgs = (Message(role="user", content=prompt),)
    formal, _, used = await generate_with_repair(
        llm,
        msgs,
        lambda out: task.parse(extract_problem_pddl(out)),
        trace=trace,
        stage_name="translate.whole",
        repairs=options.repairs,
        max_tokens=max(options.max_tokens, 768),
        temperature=options.temperature, seed=options.seed,
    )
    return formal.model_copy(update={"repairs": used})


# -- ours ----------------------------------------------------------------------------------


def candidate_names(text: str, domain: DomainModel) -> list[str]:
    """Words of the text that could name objects (not common words, not type or predicate names)."""
    reserved = _STOP | set(domain.types) | set(domain.predicates) | set(domain.actions)
    types = set(domain.types)
    out: list[str] = []
    prev = ""
    for w in re.findall(r"[a-z][a-z0-9_-]*", text.lower()):
        w = w.strip("-_")
        # "block a": a word right after a type name is a name even if it is a stopword.
        named = prev in types and w not in types and w not in domain.predicates
        if w and (named or w not in reserved) and w not in out and w not in domain.constants:
            out.append(w)
        prev = w
    # names with digits first: they are nearly always objects
    return sorted(out, key=lambda w: (not any(c.isdigit() for c in w), out.index(w)))


def parse_objects(out: str, domain: DomainModel) -> dict[str, str]:
    """``b1 b2 - block; t1 - truck`` to {name: type}; a name with two types is an error."""
    objects: dict[str, str] = {}
    for i, group in enumerate(g for g in re.split(r"[;\n]+", out) if g.strip()):
        if " - " not in group:
            raise TranslationError(f"object group {group.strip()!r} has no ' - type'", col=i + 1, symbol=group.strip())
        names, typ = group.rsplit(" - ", 1)
        typ = typ.strip().lower()
        if typ not in domain.types and typ != "object":
            raise TranslationError(f"unknown type {typ!r}; the domain has: {', '.join(domain.leaf_types)}", symbol=typ)
        for n in names.split():
            n = n.lower().strip(",")
            if objects.get(n, typ) != typ:
                raise TranslationError(f"object {n!r} is given two types, {objects[n]} and {typ}", symbol=n)
            objects[n] = typ
    if not objects:
        raise TranslationError("no objects found", symbol="")
    return objects


def parse_clause(out: str) -> tuple[str, list[Fact]]:
    """``init: (on a b) (clear a)`` / ``goal: ...`` / ``none`` to (section, facts)."""
    out = out.strip()
    if out.lower().startswith("none") or not out:
        return "none", []
    m = re.match(r"(init|goal)\s*:\s*(.*)$", out, re.IGNORECASE | re.DOTALL)
    if not m:
        raise TranslationError(f"expected 'init: (fact) ...', 'goal: (fact) ...' or 'none', got {out[:60]!r}", col=1, symbol=out.split(" ")[0])
    facts = [parse_fact(f) for f in re.findall(r"\([^()]*\)", m.group(2))]
    if not facts:
        raise TranslationError(f"no facts after '{m.group(1)}:'", symbol=m.group(1))
    return m.group(1).lower(), facts


def _describe(domain: DomainModel, objects: dict[str, str]) -> str:
    preds = "; ".join(
        "(" + " ".join([p, *(f"<{t}>" for _, t in params)]) + ")" for p, params in sorted(domain.predicates.items())
    )
    objs = ", ".join(f"{o} ({t})" for o, t in objects.items())
    return (
        "Translate the sentence into PDDL facts. Write 'init:' and the facts for a fact about the "
        "current state, 'goal:' and the facts for something that should hold at the end, or 'none' "
        f"when the sentence states no fact.\nPredicates: {preds}\nObjects: {objs}"
    )


async def _find_objects(task: PlanningTask, llm: BaseLLM, options: TranslateOptions, trace: Trace) -> dict[str, str]:
    cands = candidate_names(task.text, task.domain)
    exemplars = select_exemplars(task.text, task.object_pool, min(options.exemplars, 2))
    system = (
        "List the objects of the planning problem, grouped by type, like 'b1 b2 - block'. "
        f"Types: {', '.join(task.domain.leaf_types)}."
    )
    constraint = Constraint(grammar=objects_grammar(task.domain, cands)) if options.grammar else None
    objects, _, _ = await generate_with_repair(
        llm,
        few_shot_messages(system, exemplars, task.text),
        lambda out: parse_objects(out, task.domain),
        trace=trace,
        stage_name="translate.objects",
        repairs=options.repairs,
        constraint=constraint,
        max_tokens=min(options.max_tokens, 160),
        temperature=options.temperature, seed=options.seed,
    )
    # "block a", "truck t1": a name right after a type name is an object of that type, whatever
    # the model listed (small models stop after the first name).
    for typ, name in typed_mentions(task.text, task.domain):
        objects.setdefault(name, typ)
    return objects


def typed_mentions(text: str, domain: DomainModel) -> list[tuple[str, str]]:
    """(type, name) for every "<type> <name>" in the text whose name is not itself a domain word."""
    words = re.findall(r"[a-z][a-z0-9_-]*", text.lower())
    reserved = set(domain.types) | set(domain.predicates) | set(domain.actions) | set(domain.constants)
    leaf = set(domain.leaf_types)
    return [
        (t, n) for t, n in zip(words, words[1:])
        if t in leaf and n not in reserved and n not in _STOP - {"a"} and not n.endswith("s")
    ]


_GOAL_CUE = re.compile(
    r"\b(goal|goals|want|wants|wanted|should|must|needs? to|have to|has to|at the end|in the end|finally|"
    r"so that|target|desired|aim|task is|ensure|make sure)\b"
    r"|^\s*(please\s+)?(stack|put|place|move|deliver|bring|transport|carry|get|drop|unstack|pick|fly|drive|load|unload)\b",
    re.IGNORECASE,
)


def clause_section(clause: str) -> str:
    """'goal' when the sentence's words mark a goal ("the goal is", "should", an imperative), else 'init'.

    Measured: the 135M model wrote ``init:`` for "The goal is that b1 is on b2"; the words decide it.
    """
    return "goal" if _GOAL_CUE.search(clause) else "init"


async def translate_ours(task: PlanningTask, llm: BaseLLM, options: TranslateOptions, trace: Trace) -> Formalization:
    objects = await _find_objects(task, llm, options, trace)
    all_objects = {**task.domain.constants, **objects}
    init: list[Fact] = []
    goal: list[Fact] = []
    notes: list[str] = []
    repairs = 0
    grammars = {sec: Constraint(grammar=clause_grammar(task.domain, all_objects, sec)) for sec in ("init", "goal")}
    system = _describe(task.domain, all_objects)
    rules = task.bundled

    def check(out: str) -> tuple[str, list[Fact]]:
        section, facts = parse_clause(out)
        for f in facts:
            check_fact(f, task.domain, all_objects)
        if section == "init":
            check_contradictions([*init, *facts], rules, "initial state")
        elif section == "goal":
            check_contradictions([*goal, *facts], rules, "goal")
        return section, facts

    for i, clause in enumerate(split_clauses(task.text), 1):
        exemplars = select_exemplars(clause, task.clause_pool, options.exemplars)
        try:
            (section, facts), _, used = await generate_with_repair(
                llm,
                few_shot_messages(system, exemplars, clause),
                check,
                trace=trace,
                stage_name=f"translate.clause{i}",
                repairs=options.repairs,
                constraint=grammars[clause_section(clause)] if options.grammar else None,
                max_tokens=min(options.max_tokens, 96),
                temperature=options.temperature, seed=options.seed,
            )
        except TranslationError as e:
            notes.append(f"sentence {i} dropped ({clause!r}): {e}")
            continue
        repairs += used
        target = init if section == "init" else goal if section == "goal" else None
        if target is not None:
            target.extend(f for f in facts if f not in target)
    with stage(trace, "translate.assemble", {"init": len(init), "goal": len(goal)}) as rec:
        if not goal:
            # Keep what was translated: a caller asking only for the facts still gets them.
            partial = write_problem("problem", task.domain.name, objects, init, [])
            raise TranslationError(
                "no goal facts were found in the description", symbol=":goal", stage="lint", notes=notes, partial=partial
            )
        check_goal_not_true(init, goal)
        text = write_problem("problem", task.domain.name, objects, init, goal)
        rec.output = text
        formal = task.parse(text)
    return formal.model_copy(update={"repairs": repairs, "notes": [*formal.notes, *notes]})


def facts_text(facts: list[Fact]) -> str:
    return " ".join(fact_str(f) for f in facts)
