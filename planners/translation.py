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

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from nesy.errors import TranslationError
from nesy.llm.base import BaseLLM, Constraint, Message
from nesy.steps import Engine, Step, StepResult
from nesy.tracing import stage
from nesy.translate import Exemplar, few_shot_messages, select_exemplars, split_clauses
from nesy.types import Dropped, Formalization, Trace, TranslateOptions

from planners.alignment import (argument_orders, example_exemplars, example_rules, introduces_objects, mention_order,
                                mentioned, object_exemplar, predicate_hit, read_example, section_header, sections,
                                words)
from planners.domains import BundledDomain
from planners.grammar import clause_grammar
from planners.naming import Naming, evidence_objects, learn_naming, ordered_objects_grammar
from planners.lint import check_contradictions, check_fact, check_goal_not_true
from planners.pddl import DomainModel, Fact, fact_str, parse_fact, write_problem

__all__ = ["PlanningTask", "translate_baseline", "baseline_max_tokens", "translate_ours", "extract_problem_pddl",
           "candidate_names", "parse_objects", "parse_clause", "fact_candidates", "objects_step", "object_type_step"]

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


PDDL_CHARS_PER_TOKEN = 2.3  # measured on the unseen examples with SmolLM2's tokenizer: 2.35-3.2
BASELINE_TOKENS = (768, 2048)  # floor; the cap leaves a 4096-token context room for a 2k-token prompt


def baseline_max_tokens(task: PlanningTask, requested: int) -> int:
    """Tokens for a whole problem: the example's PDDL scaled by how much longer the new text is
    than the example's, doubled for margin; never under the request or the floor, never over the cap.

    A fixed budget cut off larger problems, so the baseline measured our limit, not the method.
    """
    floor, cap = BASELINE_TOKENS
    if not (task.example_nl and task.example_pddl):
        return max(requested, floor)
    scale = max(1.0, len(task.text) / max(len(task.example_nl), 1))
    need = int(2 * scale * len(task.example_pddl) / PDDL_CHARS_PER_TOKEN)
    return min(cap, max(requested, floor, need))


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
    engine = Engine(llm, options, trace)
    got = await engine.run(Step(
        "planning.whole", (Message(role="user", content=prompt),), lambda out: task.parse(extract_problem_pddl(out)),
        max_tokens=baseline_max_tokens(task, options.max_tokens), source=task.text,
    ))
    return got.value.model_copy(update={"repairs": engine.repairs})


# -- ours ----------------------------------------------------------------------------------


def candidate_names(text: str, domain: DomainModel) -> list[str]:
    """Words of the text that could name objects (not common words, not type or predicate names)."""
    reserved = _STOP | set(domain.types) | set(domain.predicates) | set(domain.actions)
    types = set(domain.types)
    out: list[str] = []
    prev = ""
    for w in re.findall(r"[a-z][a-z0-9_-]*|[.;:!?]", text.lower()):
        w = w.strip("-_")
        # "block a": a one-letter word right after a type name (in the same sentence) is a name
        # even if it is a stopword; "... a paper. The goal ..." does not make "the" an object
        named = prev in types and len(w) == 1 and w not in types and w not in domain.predicates
        if w in ".;:!?":
            prev = ""
            continue
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


def objects_step(task: PlanningTask, options: TranslateOptions, names: list[str] | None = None) -> Step[dict[str, str]]:
    """Names (from words of the text) grouped by type; the grammar lists each name and each type
    at most once, in a fixed order, so the list cannot repeat or loop."""
    cands = candidate_names(task.text, task.domain) if names is None else names
    pool = task.object_pool or object_exemplar(task.example_nl, task.example_pddl)
    exemplars = select_exemplars(task.text, pool, min(options.exemplars, 2))
    system = (
        "List the objects of the planning problem, grouped by type, like 'b1 b2 - block'. "
        f"Types: {', '.join(task.domain.leaf_types)}."
    )
    return Step("planning.objects", few_shot_messages(system, exemplars, task.text),
                lambda out: parse_objects(out, task.domain),
                constraint=Constraint(grammar=ordered_objects_grammar(task.domain.leaf_types, cands)),
                max_tokens=min(options.max_tokens, 160), source=task.text)


def object_type_step(task: PlanningTask, name: str, options: TranslateOptions) -> Step[str]:
    """The type of one object, chosen among the domain's leaf types (ranked where the provider
    scores), shown the sentences that mention it; the example's objects are the exemplars."""
    types = task.domain.leaf_types
    shots: list[Exemplar] = []
    if task.example_nl and task.example_pddl:
        ex = read_example(task.example_pddl)
        for o, t in list(ex.objects.items())[: max(options.exemplars, 1) * 2]:
            said = [c for c in split_clauses(task.example_nl) if o in words(c)][:1]
            if said and t in types:
                shots.append(Exemplar(f"{said[0]}\nObject: {o}", t))
    said = [c for c in split_clauses(task.text) if name in words(c)][:2]

    def parse(out: str) -> str:
        t = out.strip().lower()
        if t not in types:
            raise TranslationError(f"unknown type {t!r}; the domain has: {', '.join(types)}", symbol=t)
        return t

    system = f"Give the type of the object. Types: {', '.join(types)}."
    return Step("planning.object_type", few_shot_messages(system, shots, " ".join(said) + f"\nObject: {name}"),
                parse, constraint=Constraint(grammar="root ::= " + " | ".join(f'"{t}"' for t in types) + "\n"),
                candidates=tuple(types), max_tokens=8, label=f"translate.object_type.{name}", source=name)


async def _find_objects(task: PlanningTask, engine: Engine) -> dict[str, str]:
    """Objects with evidence first (the example's naming, counts, "<type> <name>", ``crate0``),
    the model only for the rest; every object the model names gets its own type choice."""
    naming = learn_naming(task.example_nl, task.example_pddl) if task.example_pddl else Naming()
    known = evidence_objects(task.text, naming, task.domain)
    for typ, name in typed_mentions(task.text, task.domain):
        known.setdefault(name, typ)
    if task.bundled is None and known:
        # a domain seen only as a file: the example's naming found objects; other words of the
        # text are objects only if they look like names (digits), and the model types them
        found = {w: "" for w in candidate_names(task.text, task.domain) if w not in known and any(c.isdigit() for c in w)}
    else:
        got = await engine.optional(objects_step(task, engine.options))
        found = {} if got is None else {n: t for n, t in got.value.items() if n not in known}
    if found and task.bundled is None and len(task.domain.leaf_types) > 1:
        # one choice per object: a list's single " - type" no longer types every object
        steps = [object_type_step(task, n, engine.options) for n in found]
        for n, r in zip(found, await engine.gather([engine.optional(st) for st in steps])):
            if r is not None:
                found[n] = r.value
    found = {n: t or task.domain.leaf_types[0] for n, t in found.items()}
    objects = {**known, **found}
    if not objects:
        raise TranslationError("no objects found", symbol="", stage="translate")
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


MAX_RANKED = 64  # single facts per sentence; past that the sentence is generated under its grammar
MAX_SETS = 32  # fact sets added to a sentence's candidates


def fact_candidates(clause: str, section: str, domain: DomainModel, objects: dict[str, str],
                    named: list[str] | None = None, orders: dict[str, tuple[int, ...]] | None = None,
                    focus: bool = False) -> tuple[str, ...]:
    """``<section>: (fact)`` for every single fact over the objects the sentence names, then fact
    SETS for a sentence that states several things, then ``none``.

    Sets: one predicate over a group with the other arguments fixed ("c0, c1 and c2 are at l1",
    "both discs are smaller than peg1"), and the facts whose predicate words the sentence uses
    ("the ferry is at l1 and it is empty"). Types are respected; arguments are distinct objects.
    Empty when the choice is too wide to rank.

    ``orders`` (learned from the example, ``alignment.argument_orders``): a fact whose arguments
    the sentence names in the other order is not offered ("f1 is above f0" is ``(above f0 f1)``).
    ``focus``: the single facts offered are those over the most objects the sentence names, and
    of those, the ones whose predicate words it uses, if any ("the car is in n0" is not about
    the tire; "key0 is at loc-0-0" is ``keyat``, not the robot's ``at``).
    """
    ws = words(clause)
    named = [o for o in objects if o in ws] if named is None else named
    singles: list[tuple[str, ...]] = []
    for pred, params in sorted(domain.predicates.items()):
        pools = [[o for o in named if domain.is_subtype(objects[o], t)] for _, t in params]
        for args in itertools.product(*pools):
            if len(set(args)) == len(args):
                singles.append((pred, *args))
    if orders:
        singles = [f for f in singles if (o := mention_order(f[1:], clause)) is None or orders.get(f[0], o) == o]
    if not singles or len(singles) > MAX_RANKED:
        return ()
    sets: list[tuple[tuple[str, ...], ...]] = []
    if re.search(r"\band\b|,|;|\b(both|all|each|every)\b", clause, re.I):
        for pred, params in sorted(domain.predicates.items()):
            for slot in range(len(params)):
                # the other arguments fixed, the group varies in ``slot``
                by_rest: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
                for f in singles:
                    if f[0] == pred:
                        by_rest.setdefault(f[1 : slot + 1] + f[slot + 2 :], []).append(f)
                sets += [tuple(g) for g in by_rest.values() if len(g) > 1]
        sets += _part_sets(clause, singles, objects)
        worded = tuple(f for f in singles if predicate_hit(f[0], ws))
        if len(worded) > 1:
            sets.append(worded)
    sets = list(dict.fromkeys(sets))[:MAX_SETS]
    shown = _focused(singles, named, ws) if focus else singles
    body = [fact_str(f) for f in shown] + [" ".join(fact_str(f) for f in g) for g in sets]
    return (*(f"{section}: {b}" for b in body), "none")


def _focused(singles: list[tuple[str, ...]], named: list[str], ws: list[str]) -> list[tuple[str, ...]]:
    """The facts over the most of the named objects; of those, the ones whose predicate words are used."""
    if not named:
        return singles
    cover = {f: len(set(f[1:]) & set(named)) for f in singles}
    best = max(cover.values())
    out = [f for f in singles if cover[f] == best]
    out = [f for f in out if not _negated(f[0], ws)] or out  # "nut1 is not yet tight" is not (tightened nut1)
    return [f for f in out if predicate_hit(f[0], ws)] or out


_NEGATIONS = {"not", "never", "no"}


def _negated(pred: str, ws: list[str]) -> bool:
    """The sentence denies the predicate: its words follow a negation ("not yet tight")."""
    if any(part in _NEGATIONS for part in re.split(r"[-_]", pred)):
        return False  # the predicate itself is negative (not-flattire)
    return any(w in _NEGATIONS and predicate_hit(pred, ws[i + 1 : i + 3]) for i, w in enumerate(ws))


def _restated(results: list[StepResult[tuple[str, list[Fact]]] | None]) -> list[int]:
    """Ranked sentences that state exactly what another sentence states, less surely (smaller
    margin): two sentences of a description rarely say one thing twice, and the less sure one is
    the likelier misreading ("d1 is narrower than d2" read as "d1 is on d2", stated elsewhere)."""
    by_facts: dict[tuple[str, frozenset[Fact]], list[int]] = {}
    for i, r in enumerate(results):
        if r is not None and r.value[1]:
            by_facts.setdefault((r.value[0], frozenset(r.value[1])), []).append(i)
    def margin(i: int) -> float:
        m = results[i].margin  # type: ignore[union-attr]
        return float("inf") if m is None else m  # a generated answer: no ranking to go back to

    out: list[int] = []
    for group in by_facts.values():
        sure = max(group, key=margin)
        out += [i for i in group if i != sure and results[i].method == "rank"]  # type: ignore[union-attr]
    return sorted(out)


def _part_sets(clause: str, singles: list[tuple[str, ...]], objects: dict[str, str]) -> list[tuple[tuple[str, ...], ...]]:
    """One fact per part of a sentence that joins clauses ("b1 is on b2 and b2 is clear"): each
    part's facts are over the objects it names, with its predicate words where it has any."""
    parts = [p for p in re.split(r",\s*(?:and\s+)?|;|\s+and\s+", clause) if p.strip()]
    if not 2 <= len(parts) <= 4:
        return []
    options: list[list[tuple[str, ...]]] = []
    for part in parts:
        pw = words(part)
        own = [f for f in singles if set(f[1:]) <= {o for o in objects if o in pw}]
        options.append([f for f in own if predicate_hit(f[0], pw)] or own)
    if not all(options):
        return []
    return [combo for combo in itertools.islice(itertools.product(*options), MAX_SETS)
            if len(set(combo)) == len(combo)]


async def translate_ours(task: PlanningTask, llm: BaseLLM, options: TranslateOptions, trace: Trace) -> Formalization:
    engine = Engine(llm, options, trace)
    objects = await _find_objects(task, engine)
    all_objects = {**task.domain.constants, **objects}
    grammars = {sec: Constraint(grammar=clause_grammar(task.domain, all_objects, sec)) for sec in ("init", "goal")}
    system = _describe(task.domain, all_objects)
    # a domain seen only as a file: the rules its example shows ("c0 is at one place")
    rules = task.bundled or example_rules(task.example_pddl)

    def check(out: str) -> tuple[str, list[Fact]]:
        section, facts = parse_clause(out)
        for f in facts:
            check_fact(f, task.domain, all_objects)
        check_contradictions(facts, rules, "initial state" if section == "init" else "goal")
        return section, facts

    # a domain seen only as a file: its example pair, split into sentence -> facts, is the pool
    pool = task.clause_pool or example_exemplars(task.example_nl, task.example_pddl, task.domain)
    # chosen once per problem, the exemplars make every clause's prompt share one prefix
    shared_shots = select_exemplars(task.text, pool, options.exemplars)
    # the example teaches the argument order of the domain's predicates
    has_example = bool(task.example_nl and task.example_pddl)
    orders = argument_orders(task.example_nl, task.example_pddl, task.domain) if has_example else None

    def clause_step(i: int, clause: str, region: str) -> Step[tuple[str, list[Fact]]] | None:
        # the sentence's own words first ("should"), else where it stands (after "Your goal is:")
        section = "goal" if clause_section(clause) == "goal" else region
        named = mentioned(clause, all_objects, task.domain)
        # names no object and the domain has no 0-ary predicate: states no fact
        if not named and not any(not params for params in task.domain.predicates.values()):
            return None
        # "There are 3 cars: c0, c1 and c2", "What we want in the end is the following.": no fact
        if (introduces_objects(clause, all_objects, task.domain)
                or section_header(clause, all_objects, task.domain)):
            return None
        shots = shared_shots if options.exemplars_by == "problem" else select_exemplars(clause, pool,
                                                                                         options.exemplars)
        return Step("planning.clause", few_shot_messages(system, shots, clause), check, constraint=grammars[section],
                    candidates=fact_candidates(clause, section, task.domain, all_objects, named, orders,
                                               focus=True),
                    max_tokens=min(options.max_tokens, 96), label=f"translate.clause{i}", source=clause)

    # objects are fixed: the sentences no longer depend on each other
    clauses = split_clauses(task.text)
    maybe = [clause_step(i, c, r) for i, (c, r) in enumerate(zip(clauses, sections(clauses)), 1)]
    steps = [st for st in maybe if st is not None]
    results = await engine.gather([engine.optional(st) for st in steps])
    again = _restated(results)
    error = TranslationError("another sentence states the same fact: this sentence says something else",
                             stage="lint")
    for i, r in zip(again, await engine.gather([engine.rerun(steps[i], results[i], error) for i in again])):
        results[i] = r  # type: ignore[assignment]
    init, goal = await _merge(engine, steps, results, rules)
    for _ in range(options.repairs):
        if not goal or not set(goal) <= set(init):
            break
        # a goal that already holds is a translation error: the goal sentences are translated again
        error = TranslationError("the goal already holds in the initial state: state what should be different "
                                 "at the end", symbol=fact_str(sorted(goal)[0]), stage="lint")
        again = [i for i, r in enumerate(results) if r is not None and r.value[0] == "goal"]
        redone = await engine.gather([engine.rerun(steps[i], results[i], error) for i in again])
        for i, r in zip(again, redone):
            results[i] = r
        init, goal = await _merge(engine, steps, results, rules)
    engine.dropped[:] = list(dict.fromkeys(engine.dropped))  # a clause merged twice is recorded once
    notes = [f"sentence dropped ({d.source!r}): {d.error}" for d in engine.dropped]
    with stage(trace, "translate.assemble", {"init": len(init), "goal": len(goal)}) as rec:
        if not goal:
            # Keep what was translated: a caller asking only for the facts still gets them.
            partial = write_problem("problem", task.domain.name, objects, init, [])
            raise TranslationError(
                "no goal facts were found in the description", symbol=":goal", stage="lint", notes=notes,
                partial=partial, dropped=[d.model_dump() for d in engine.dropped],
            )
        check_goal_not_true(init, goal)
        text = write_problem("problem", task.domain.name, objects, init, goal)
        rec.output = text
        formal = task.parse(text)
    return formal.model_copy(update={"repairs": engine.repairs, "notes": [*formal.notes, *notes],
                                     "dropped": list(engine.dropped)})


async def _merge(engine: Engine, steps: list[Step[tuple[str, list[Fact]]]],
                 results: list[StepResult[tuple[str, list[Fact]]] | None],
                 rules: BundledDomain | None) -> tuple[list[Fact], list[Fact]]:
    """The clauses' facts in the text's order. A clause that contradicts what earlier clauses
    said gets its repair rounds with the exact message (the clauses ran apart); still
    contradicting, it is dropped."""
    init: list[Fact] = []
    goal: list[Fact] = []
    for st, got in zip(steps, results):
        if got is None:
            continue
        section, facts = got.value
        target = init if section == "init" else goal if section == "goal" else None
        if target is None:
            continue
        where = "initial state" if section == "init" else "goal"
        for attempt in range(engine.options.repairs + 1):
            try:
                check_contradictions([*target, *facts], rules, where)
                break
            except TranslationError as e:
                if attempt == engine.options.repairs:
                    engine.dropped.append(Dropped(step=st.name, source=st.source, error=str(e)))
                    facts = []
                    break
                # a ranked clause takes its next candidate ("p0 is headed to f0": after the
                # contradicting (origin p0 f0), the next best); a generated one gets the message
                again = await engine.rerun(st, got, e)
                if again is None or again.value[0] != section:
                    if again is not None:
                        engine.dropped.append(Dropped(step=st.name, source=st.source, error=str(e)))
                    facts = []
                    break
                got, facts = again, again.value[1]
        target.extend(f for f in facts if f not in target)
    return init, goal


def facts_text(facts: list[Fact]) -> str:
    return " ".join(fact_str(f) for f in facts)
