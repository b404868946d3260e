"""PDDL in and out through unified-planning's reader, with its errors made actionable.

unified-planning keeps one global environment and is not thread-safe, so every in-process
use goes through ``UP_LOCK``; solving happens in subprocesses (see ``solving``).
The reader's foreign exceptions (pyparsing, SyntaxError, KeyError, UPProblemDefinitionError)
become one ``TranslationError`` with line, column and symbol, the text a repair loop quotes.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from nesy.errors import TranslationError

from planners.derived import check_goal, derived_names
from planners.pddl_repair import (Atom, SList, domain_symbols, object_renames, read_sexprs, repair_domain,
                                  repair_problem)

__all__ = [
    "UP_LOCK",
    "rename_plan",
    "Fact",
    "DomainModel",
    "ParsedProblem",
    "up_environment",
    "parse_domain",
    "parse_problem",
    "write_problem",
    "fact_str",
    "parse_fact",
    "split_domain_and_problem",
    "read_problem",
]

UP_LOCK = threading.RLock()

Fact = tuple[str, ...]  # ("on", "b1", "b2"): predicate then arguments, lower case


def fact_str(f: Fact) -> str:
    return "(" + " ".join(f) + ")"


_FACT = re.compile(r"\(\s*([^\s()]+)((?:\s+[^\s()]+)*)\s*\)")


def parse_fact(text: str) -> Fact:
    m = _FACT.fullmatch(text.strip())
    if not m:
        raise TranslationError(f"not a PDDL fact: {text!r}", symbol=text.strip())
    return (m.group(1).lower(), *m.group(2).lower().split())


@dataclass(frozen=True)
class DomainModel:
    """What grammars, lints and verbalizers need from a domain, free of UP objects."""

    name: str
    text: str
    types: dict[str, str | None]  # type -> parent (None at the top)
    predicates: dict[str, tuple[tuple[str, str], ...]]  # name -> ((param, type), ...)
    actions: dict[str, tuple[tuple[str, str], ...]]
    constants: dict[str, str] = field(default_factory=dict)  # name -> type
    notes: tuple[str, ...] = ()
    # an action and a predicate share a name: UP reads (and solves) it only with relaxed names
    relax_names: bool = False

    def is_subtype(self, t: str, of: str) -> bool:
        seen: set[str] = set()
        cur: str | None = t
        while cur is not None and cur not in seen:
            if cur == of:
                return True
            seen.add(cur)
            cur = self.types.get(cur)
        return of == "object"

    @property
    def leaf_types(self) -> list[str]:
        parents = {p for p in self.types.values() if p}
        leaves = [t for t in self.types if t not in parents]
        return leaves or ["object"]


@dataclass(frozen=True)
class ParsedProblem:
    domain: DomainModel
    text: str
    name: str
    objects: dict[str, str]  # name -> type (problem objects and domain constants)
    init: frozenset[Fact]
    goal: frozenset[Fact]
    has_metric: bool = False
    notes: tuple[str, ...] = ()
    goal_negative: frozenset[Fact] = frozenset()  # (not (p ...)) conjuncts of the goal
    goal_formula: str | None = None  # the goal, when it is more than a conjunction of literals
    relax_names: bool = False  # a name is used for two kinds of thing: read and solve with relaxed names
    renamed: dict[str, str] = field(default_factory=dict)  # object as read -> as the problem named it

    def plan_in_problem_names(self, plan: list[str]) -> list[str]:
        """A plan over the objects as read, with the names the problem gave them."""
        return rename_plan(plan, self.renamed)

    def goal_holds_initially(self) -> bool:
        """A goal of literals that the initial state (closed world) already satisfies."""
        return self.goal_formula is None and self.goal <= self.init and not (self.goal_negative & self.init)


@contextmanager
def up_environment(relax_names: bool = False) -> Iterator[Any]:
    """The global UP environment, locked, with credits off; optionally tolerant of name clashes."""
    with UP_LOCK:
        import pyparsing
        import unified_planning.shortcuts as ups

        # importing UP's ANML grammar turns on pyparsing's packrat cache for the whole process;
        # UP's PDDL grammar reads about twice as fast without it (2,000 facts: 9.7 s -> 4.3 s)
        pyparsing.ParserElement.disable_memoization()
        env = ups.get_environment()
        env.credits_stream = None
        old = env.error_used_name
        env.error_used_name = not relax_names
        try:
            yield env
        finally:
            env.error_used_name = old


# -- error mapping ---------------------------------------------------------------------

_LINE_COL = re.compile(r"line:?\s*(\d+),\s*col:?\s*(\d+)")
_SYMBOLS = [
    (re.compile(r"Not able to handle: \((\S+)"), "unknown predicate or wrong term {s!r}"),
    (re.compile(r"Found invalid expression: ([^\s.]+)"), "unknown object or constant {s!r}"),
    (re.compile(r"fluent: (\S+) has arity"), None),
    (re.compile(r"Type (\S+) is declared more than once"), None),
    (re.compile(r"Name (\S+) already defined"), None),
]


def _locate(symbol: str, text: str, nth: int = 1) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the ``nth`` whole-word occurrence of ``symbol``."""
    hits = list(re.finditer(rf"(?<![\w-]){re.escape(symbol)}(?![\w-])", text, re.IGNORECASE))
    if len(hits) < nth:
        return None, None
    pos = hits[nth - 1].start()
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _translate_error(e: BaseException, text: str, where: str) -> TranslationError:
    """One TranslationError for whatever the reader raised; ``where`` is 'domain' or 'problem'."""
    import pyparsing
    from unified_planning.exceptions import UPException

    if isinstance(e, pyparsing.ParseBaseException):
        symbol = (e.line or "").strip()[max(0, e.col - 1) : max(0, e.col - 1) + 20].split(" ")[0] or None
        msg = f"{where} PDDL syntax error: {e.msg}"
        return TranslationError(msg, line=e.lineno, col=e.col, symbol=symbol, part=where)
    if isinstance(e, KeyError):
        sym = str(e.args[0]) if e.args else ""
        line, col = _locate(sym, text)
        return TranslationError(f"{where} PDDL uses the undeclared type {sym!r}", line=line, col=col, symbol=sym, part=where)
    message = str(e)
    m = _LINE_COL.search(message)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    symbol = None
    for pattern, _ in _SYMBOLS:
        sm = pattern.search(message)
        if sm:
            symbol = sm.group(1).strip("'\",)")
            break
    first = message.splitlines()[0] if message else type(e).__name__
    if "has arity" in message:
        am = re.search(r"fluent: (\S+) has arity (\d+) but (\d+)", message)
        if am:
            first = f"predicate {am.group(1)!r} takes {am.group(2)} argument(s) but {am.group(3)} were given"
    elif "Not able to handle" in message and symbol:
        first = f"unknown predicate {symbol!r} (or a malformed expression)"
    elif "Found invalid expression" in message and symbol:
        first = f"unknown object or constant {symbol!r}: declare it in :objects (or the domain's :constants)"
    elif "already defined" in message and symbol:
        first = f"the name {symbol!r} is declared twice"
        if line is None:
            line, col = _locate(symbol, text, nth=2)
    if line is None and symbol:
        line, col = _locate(symbol, text)
    if isinstance(e, (SyntaxError, UPException)):
        return TranslationError(f"{where} PDDL error: {first}", line=line, col=col, symbol=symbol, part=where)
    return TranslationError(f"{where} PDDL error: {type(e).__name__}: {first}", line=line, col=col, symbol=symbol, part=where)


# -- safe repairs of common domain quirks -------------------------------------------------


def _dedupe_types(domain: str) -> tuple[str, list[str]]:
    """Drop repeated declarations of a type with the same parent: harmless, and the reader rejects them."""
    m = re.search(r"\(:types\b", domain, re.IGNORECASE)
    if not m:
        return domain, []
    depth, i = 1, m.end()
    while i < len(domain) and depth:
        depth += {"(": 1, ")": -1}.get(domain[i], 0)
        i += 1
    body = domain[m.end() : i - 1]
    if "(" in body:  # (either ...) inside :types: leave it to the reader's error
        return domain, []
    toks = re.sub(r";[^\n]*", " ", body).split()
    groups: list[tuple[list[str], str | None]] = []
    names: list[str] = []
    j = 0
    while j < len(toks):
        if toks[j] == "-" and j + 1 < len(toks):
            groups.append((names, toks[j + 1]))
            names, j = [], j + 2
        else:
            names.append(toks[j])
            j += 1
    if names:
        groups.append((names, None))
    parent_of: dict[str, str | None] = {}
    dropped: list[str] = []
    out_groups: list[tuple[list[str], str | None]] = []
    for ns, parent in groups:
        kept = []
        for n in ns:
            key = n.lower()
            if key in parent_of:
                if parent_of[key] == parent or parent is None or parent_of[key] is None:
                    dropped.append(n)
                    continue
                return domain, []  # conflicting parents: let the reader report it
            parent_of[key] = parent
            kept.append(n)
        if kept:
            out_groups.append((kept, parent))
    if not dropped:
        return domain, []
    new_body = " ".join(" ".join(ns) + (f" - {p}" if p else "") for ns, p in out_groups)
    return domain[: m.end()] + " " + new_body + domain[i - 1 :], [f"type {d!r} was declared more than once; kept the first declaration" for d in dropped]


def _clash_names(domain: str, problem: str | None = None) -> set[str]:
    """Names used for two kinds of thing (action, predicate, type, object): the reader rejects
    these by default, and reads (and solves) them with relaxed names."""
    try:
        syms = domain_symbols(domain)
    except TranslationError:
        return set()  # unbalanced text: the reader's own error names it
    preds, types = set(syms.predicates), set(syms.types)
    out = (syms.actions & preds) | (types & preds) | (types & syms.actions) | (set(syms.constants) & (preds | syms.actions))
    if problem is not None:
        out |= _problem_objects(problem) & (preds | types | syms.actions)
    return out


def _problem_objects(problem: str) -> set[str]:
    try:
        tops = read_sexprs(problem)
    except TranslationError:
        return set()  # the reader reports it
    for top in tops:
        if isinstance(top, SList) and top.head() == "define":
            for sec in top.items[2:]:
                if isinstance(sec, SList) and sec.head() == ":objects":
                    return {a.low for a in sec.items[1:] if isinstance(a, Atom) and a.text != "-"}
    return set()


# -- parsing ---------------------------------------------------------------------------------


def split_domain_and_problem(text: str) -> tuple[str | None, str]:
    """A text may hold a domain and a problem one after the other; return (domain or None, problem)."""
    m = re.search(r"\(\s*define\s*\(\s*problem\b", text, re.IGNORECASE)
    d = re.search(r"\(\s*define\s*\(\s*domain\b", text, re.IGNORECASE)
    if d and m and d.start() < m.start():
        return text[d.start() : m.start()], text[m.start() :]
    return None, text


def _read(domain: str, problem: str | None, lenient: bool = True) -> tuple[Any, list[str], str, str | None, bool]:
    """Run the reader on repaired texts; (UP problem, notes, domain read, problem read, relaxed names)."""
    from unified_planning.io import PDDLReader

    domain, notes = _dedupe_types(domain)
    try:
        derived = derived_names(domain)  # compiled away below; a goal may not need them false
    except TranslationError:
        derived = []  # unbalanced text: the reader's own error names it
    domain, more = _repair(repair_domain, "domain", domain)
    notes += more
    clashes = _clash_names(domain)
    if problem is not None:
        problem, more = _repair(lambda p: repair_problem(domain, p, lenient), "problem", problem)
        notes += more
        if derived:
            check_goal(problem, derived)
        clashes |= _clash_names(domain, problem)
    # parse the domain alone first so that line numbers name the right text
    with up_environment(relax_names=bool(clashes)) as _, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the relaxed reader warns about each clash we already noted
        if clashes:
            notes.append(f"things of two kinds (action, predicate, type, object) share a name ({', '.join(sorted(clashes))}); accepted")
        try:
            up_problem = PDDLReader().parse_problem_string(domain, None)
        except Exception as e:  # noqa: BLE001 - every reader failure becomes a TranslationError
            raise _translate_error(e, domain, "domain") from e
        if problem is None:
            return up_problem, notes, domain, None, bool(clashes)
        try:
            return PDDLReader().parse_problem_string(domain, problem), notes, domain, problem, bool(clashes)
        except Exception as e:  # noqa: BLE001
            raise _translate_error(e, problem, "problem") from e


def _repair(fn: Any, where: str, text: str) -> tuple[str, list[str]]:
    """A repair that fails on text it cannot even split into s-expressions leaves it to the reader."""
    try:
        return fn(text)
    except TranslationError as e:
        if e.symbol in ("(", ")"):
            return text, []
        raise


def read_problem(domain: str, problem: str) -> tuple[Any, str, str, bool]:
    """(UP problem, domain read, problem read, relaxed names) for in-process use under ``UP_LOCK``;
    the same repairs as ``parse_problem``, so a plan is checked against what was solved."""
    up_problem, _, d, p, relax = _read(domain, problem)
    assert p is not None
    return up_problem, d, p, relax


def _domain_model(up_problem: Any, text: str, notes: list[str], relax: bool) -> DomainModel:
    types: dict[str, str | None] = {}
    for t in up_problem.user_types:
        types[t.name.lower()] = t.father.name.lower() if t.father is not None else None
    preds = {
        f.name.lower(): tuple((p.name.lower(), _type_name(p.type)) for p in f.signature)
        for f in up_problem.fluents
    }
    actions = {
        a.name.lower(): tuple((p.name.lower(), _type_name(p.type)) for p in a.parameters) for a in up_problem.actions
    }
    constants = {o.name.lower(): _type_name(o.type) for o in up_problem.all_objects}
    name = re.search(r"\(\s*domain\s+([^\s()]+)", text, re.IGNORECASE)
    return DomainModel(
        name=(name.group(1).lower() if name else up_problem.name),
        text=text,
        types=types,
        predicates=preds,
        actions=actions,
        constants=constants,
        notes=tuple(notes),
        relax_names=relax,
    )


def _type_name(t: Any) -> str:
    return t.name.lower() if getattr(t, "is_user_type", lambda: False)() else "object"


def parse_domain(text: str) -> DomainModel:
    up_problem, notes, read, _, relax = _read(text, None)
    return _domain_model(up_problem, read, notes, relax)


def _flatten(expr: Any) -> Iterable[Any]:
    if expr.is_and():
        for a in expr.args:
            yield from _flatten(a)
    else:
        yield expr


def _as_fact(expr: Any) -> Fact:
    return (expr.fluent().name.lower(), *(str(a).lower() for a in expr.args))


def _goal_parts(goals: Iterable[Any]) -> tuple[frozenset[Fact], frozenset[Fact], str | None]:
    """(positive facts, negated facts, the whole goal as text when it is more than a conjunction of literals)."""
    pos: set[Fact] = set()
    neg: set[Fact] = set()
    rest: list[Any] = []
    for e in (g for goal in goals for g in _flatten(goal)):
        if e.is_fluent_exp():
            pos.add(_as_fact(e))
        elif e.is_not() and e.arg(0).is_fluent_exp():
            neg.add(_as_fact(e.arg(0)))
        else:
            rest.append(e)
    formula = " and ".join(str(g) for g in goals) if rest else None
    return frozenset(pos), frozenset(neg), formula


def parse_problem(domain: DomainModel | str, problem: str, *, formal: bool = False) -> ParsedProblem:
    """Parse a problem against a domain; raise TranslationError naming line, column and symbol.

    ``formal``: the text is someone's PDDL, not a model's: objects it uses but never declares
    are declared (with a note) where their type is unambiguous. ``text`` of the result is the problem as read (after ``pddl_repair``'s repairs, which its
    notes list): what the planner gets, and what its plan is checked against.
    """
    dom = domain if isinstance(domain, DomainModel) else parse_domain(domain)
    up_problem, notes, _, read, relax = _read(dom.text, problem, formal)
    assert read is not None
    with UP_LOCK:
        init = frozenset(
            _as_fact(f) for f, v in up_problem.explicit_initial_values.items() if v.is_true() and f.is_fluent_exp()
        )
        goal, goal_negative, goal_formula = _goal_parts(up_problem.goals)
        objects = {o.name.lower(): _type_name(o.type) for o in up_problem.all_objects}
        has_metric = bool(up_problem.quality_metrics)
    name = re.search(r"\(\s*problem\s+([^\s()]+)", read, re.IGNORECASE)
    return ParsedProblem(
        domain=dom,
        text=read,
        name=name.group(1) if name else "problem",
        objects=objects,
        init=init,
        goal=goal,
        has_metric=has_metric,
        notes=tuple(n for n in notes if n not in dom.notes),
        goal_negative=goal_negative,
        goal_formula=goal_formula,
        relax_names=relax,
        renamed={n: o for o, n in problem_renames(dom.text, problem).items()},
    )


def rename_plan(plan: list[str], renames: dict[str, str]) -> list[str]:
    """Steps ``(act a b)`` with their arguments renamed (the action's name stays)."""
    if not renames:
        return plan
    out = []
    for step in plan:
        name, *args = parse_fact(step)
        out.append(fact_str((name, *(renames.get(a, a) for a in args))))
    return out


def problem_renames(domain: str, problem: str) -> dict[str, str]:
    """``pddl_repair.object_renames`` of a text that may not even be balanced ({} then)."""
    try:
        return object_renames(domain, problem)
    except TranslationError:
        return {}


def write_problem(
    name: str, domain: str, objects: dict[str, str], init: Iterable[Fact], goal: Iterable[Fact]
) -> str:
    """Problem PDDL text from parts; objects grouped by type in first-seen order."""
    by_type: dict[str, list[str]] = {}
    for o, t in objects.items():
        by_type.setdefault(t, []).append(o)
    objs = "\n    ".join(" ".join(os_) + (f" - {t}" if t != "object" else "") for t, os_ in by_type.items())
    init_s = "\n    ".join(fact_str(f) for f in init)
    goal_s = "\n      ".join(fact_str(f) for f in goal)
    return (
        f"(define (problem {name})\n  (:domain {domain})\n  (:objects\n    {objs})\n"
        f"  (:init\n    {init_s})\n  (:goal (and\n      {goal_s})))\n"
    )
