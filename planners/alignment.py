"""The example pair that comes with a problem (LLM+P's setting), split into sentence → facts.

An example is one NL description and its PDDL problem. A sentence's facts are those whose
arguments it names (directly, or as a group: "both discs", "all the nuts") and whose
predicate words it uses; each fact goes to the most specific such sentence. The result is
a pool of clause exemplars (``init: (at c0 l0)``) in the domain's own vocabulary, which a
domain seen only as a PDDL file has nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nesy.translate import Exemplar, split_clauses

from planners.domains import BundledDomain, Unique
from planners.pddl import DomainModel, Fact, fact_str

__all__ = ["ExampleProblem", "AlignedSentence", "read_example", "align_example", "example_exemplars",
           "object_exemplar", "sections", "words", "predicate_hit", "GROUP_WORDS", "mention_order", "argument_orders",
           "introduces_objects", "section_header", "example_rules"]

GROUP_WORDS = {"both", "all", "each", "every", "any"}

_GOAL_CUE = re.compile(
    r"\b(goal|goals|(?:i|we|you) want|wanted|should|must|needs? to|have to|has to|at the end|in the end|finally|"
    r"so that|targets?|desired|aim|objective|outcome|final|task is|ensure|make sure)\b",
    re.IGNORECASE,
)
_INIT_CUE = re.compile(r"\b(initially|currently|at the start|right now|initial|beginning|at first)\b", re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-case words as object names are written (``loc-0-1``, ``shot1``, ``pallet_2``)."""
    return [w.strip("-_") for w in re.findall(r"[a-z0-9][a-z0-9_-]*", text.lower())]


def sections(clauses: Sequence[str]) -> list[str]:
    """'init' or 'goal' per clause: everything after the first sentence with a goal cue is the
    goal ("Your goal is as follows. b1 is on b2." — the second sentence has no cue of its own),
    until a sentence says "initially"/"currently" again."""
    out: list[str] = []
    region = "init"
    for c in clauses:
        if _GOAL_CUE.search(c):
            region = "goal"
        elif _INIT_CUE.search(c) and region == "goal":
            region = "init"
        out.append(region)
    return out


@dataclass(frozen=True)
class ExampleProblem:
    objects: dict[str, str]  # name -> type ("object" when untyped)
    init: tuple[Fact, ...]
    goal: tuple[Fact, ...]


def _section(text: str, key: str) -> str:
    """The balanced ``(:key ...)`` block of a PDDL problem, or ''."""
    m = re.search(rf"\(\s*:{key}\b", text, re.IGNORECASE)
    if not m:
        return ""
    depth = 0
    for i in range(m.start(), len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[m.end() : i]
    return text[m.end() :]


def read_example(pddl: str) -> ExampleProblem:
    """Objects, init and positive goal facts of a PDDL problem, read without a planner library
    (the example only teaches vocabulary; what the solver reads goes through unified-planning)."""
    text = re.sub(r";[^\n]*", "", pddl).lower()
    objects: dict[str, str] = {}
    pending: list[str] = []
    toks = _section(text, "objects").split()
    i = 0
    while i < len(toks):
        if toks[i] == "-" and i + 1 < len(toks):
            objects.update({n: toks[i + 1] for n in pending})
            pending, i = [], i + 2
            continue
        pending.append(toks[i])
        i += 1
    objects.update({n: "object" for n in pending})
    init = tuple(_facts(_section(text, "init")))
    goal_text = re.sub(r"\(\s*not\s*\([^()]*\)\s*\)", " ", _section(text, "goal"))  # negative goals teach nothing here
    goal = tuple(f for f in _facts(goal_text) if f[0] not in ("and", "or"))
    return ExampleProblem(objects, init, goal)


def example_rules(pddl: str | None) -> BundledDomain | None:
    """What the example shows of the world's rules, for a domain that has no stated ones: a
    two-place fact whose first argument never repeats in the example's initial state (at least
    two facts) gives that argument one value ("c0 is at one place", "p0 has one origin"). Only the
    first argument: the second repeats legitimately (two cars at one place, two passengers from
    one floor) where an example happens to show it once."""
    if not pddl:
        return None
    firsts: dict[str, list[str]] = {}
    for f in read_example(pddl).init:
        if len(f) == 3:
            firsts.setdefault(f[0], []).append(f[1])
    unique = tuple(Unique(p, 0, 1) for p, keys in firsts.items() if len(keys) >= 2 and len(set(keys)) == len(keys))
    return BundledDomain("example", "", unique=unique) if unique else None


def _facts(text: str) -> list[Fact]:
    return [tuple(m.group(1).split()) for m in re.finditer(r"\(\s*([^()]+?)\s*\)", text)]


def predicate_hit(pred: str, sentence_words: Sequence[str]) -> bool:
    """Every part of the predicate's name (``at-ferry``: at, ferry) appears as a word, or starts
    one ("loose" / "loosened"); parts of one letter do not count."""
    parts = [p for p in re.split(r"[-_]", pred) if len(p) > 1] or [pred]
    if all(any(w == p or (len(p) >= 4 and w.startswith(p[:5])) for w in sentence_words) for p in parts):
        return True
    # run-together names: "keyforroom" in "the key for room1", "wantspaper" in "wants a paper"
    joined = "".join(re.sub(r"[^a-z]", "", w) for w in sentence_words if w not in ("a", "an", "the"))
    return len(pred) >= 6 and re.sub(r"[-_]", "", pred) in joined


def type_nouns(domain: DomainModel, objects: dict[str, str]) -> dict[str, str]:
    """Words that name a type's objects as a group: the type's name, and the letters of its
    objects' names ("peg1" -> peg), singular and plural."""
    nouns: dict[str, str] = {}
    for t in domain.types:
        nouns.setdefault(t, t)
    for o, t in objects.items():
        stem = re.sub(r"[\d_-]+$", "", o)
        if len(stem) >= 3 and stem != o:
            nouns.setdefault(stem, t)
    return {**nouns, **{n + ("es" if n.endswith("s") else "s"): t for n, t in nouns.items()}}


def mentioned(sentence: str, objects: dict[str, str], domain: DomainModel) -> list[str]:
    """Objects the sentence names, plus every object of a type it names as a group
    ("both discs", "all the nuts", "every passenger")."""
    ws = words(sentence)
    named = [o for o in objects if o in ws]
    nouns = type_nouns(domain, objects)
    for i, w in enumerate(ws):
        if w in GROUP_WORDS:
            for nxt in ws[i + 1 : i + 4]:
                t = nouns.get(nxt)
                if t is not None:
                    named += [o for o, ot in objects.items() if domain.is_subtype(ot, t) and o not in named]
                    break
    return named


@dataclass(frozen=True)
class AlignedSentence:
    text: str
    section: str  # "init", "goal" or "none"
    facts: tuple[Fact, ...]

    @property
    def target(self) -> str:
        if not self.facts:
            return "none"
        return f"{self.section}: " + " ".join(fact_str(f) for f in self.facts)


def align_example(nl: str, pddl: str, domain: DomainModel) -> list[AlignedSentence]:
    """Each sentence of the example with the facts it states (see the module's docstring).

    A fact whose arguments no sentence names is left out: it is stated nowhere in the text.
    """
    ex = read_example(pddl)
    clauses = split_clauses(nl)
    regions = sections(clauses)
    named = [mentioned(c, ex.objects, domain) for c in clauses]
    wsets = [words(c) for c in clauses]
    got: list[list[tuple[str, Fact]]] = [[] for _ in clauses]
    for sec, facts in (("init", ex.init), ("goal", ex.goal)):
        for f in facts:
            best: tuple[int, ...] | None = None
            where = -1
            for i, c in enumerate(clauses):
                args = set(f[1:])
                if not args <= set(named[i]):
                    continue
                hit = predicate_hit(f[0], wsets[i])
                if not hit and not args:
                    continue
                # a predicate word, the fewest other objects, then the sentence's own region
                key = (int(hit), -len(set(named[i]) - args), int(regions[i] == sec))
                if best is None or key > best:
                    best, where = key, i
            if where >= 0:
                got[where].append((sec, f))
    out: list[AlignedSentence] = []
    for c, facts in zip(clauses, got):
        if not facts:
            out.append(AlignedSentence(c, "none", ()))
            continue
        secs = [s for s, _ in facts]
        sec = max(set(secs), key=secs.count)
        out.append(AlignedSentence(c, sec, tuple(f for s, f in facts if s == sec)))
    return out


def example_exemplars(nl: str | None, pddl: str | None, domain: DomainModel) -> list[Exemplar]:
    """Clause exemplars from the example pair (none without one)."""
    if not (nl and pddl):
        return []
    return [Exemplar(a.text, a.target, signature="example") for a in align_example(nl, pddl, domain)]


def object_exemplar(nl: str | None, pddl: str | None) -> list[Exemplar]:
    """The example's object list as one objects-step exemplar (``c0 c1 - obj; ferry - boat``)."""
    if not (nl and pddl):
        return []
    ex = read_example(pddl)
    by_type: dict[str, list[str]] = {}
    for o, t in ex.objects.items():
        by_type.setdefault(t, []).append(o)
    return [Exemplar(nl.strip(), "; ".join(" ".join(os_) + f" - {t}" for t, os_ in by_type.items()), "example")]


_PARTS = re.compile(r",\s*(?:and\s+)?|;|:|\s+and\s+")


def mention_order(args: Sequence[str], sentence: str) -> tuple[int, ...] | None:
    """The argument positions sorted by where the sentence names them ("d1 is smaller than d2" for
    ``(smaller d2 d1)``: (1, 0)), read in the one part of the sentence ("x is on y, and ...") that
    names each argument exactly once, else in the whole sentence; None when that is ambiguous."""
    if len(args) < 2 or len(set(args)) != len(args):
        return None

    def order(unit: str) -> tuple[int, ...] | None:
        ws = words(unit)
        pos = [[i for i, w in enumerate(ws) if w == a] for a in args]
        return tuple(sorted(range(len(args)), key=lambda i: pos[i][0])) if all(len(p) == 1 for p in pos) else None

    parts = [o for o in map(order, _PARTS.split(sentence)) if o is not None]
    if len(parts) > 1:  # "a road from n0 to n1, a road from n1 to n0": which part states the fact?
        return None
    return parts[0] if parts else order(sentence)


def argument_orders(nl: str | None, pddl: str | None, domain: DomainModel) -> dict[str, tuple[int, ...]]:
    """For each predicate the example states in words, the order in which its sentences name the
    arguments, where every such sentence agrees: "f1 is above f0" for ``(above f0 f1)`` teaches that
    ``above`` names its arguments in reverse. A new sentence's reversed reading is then not offered."""
    if not (nl and pddl):
        return {}
    seen: dict[str, set[tuple[int, ...]]] = {}
    for a in align_example(nl, pddl, domain):
        for f in a.facts:
            order = mention_order(f[1:], a.text)
            if order is not None:
                seen.setdefault(f[0], set()).add(order)
    return {p: next(iter(orders)) for p, orders in seen.items() if len(orders) == 1}


_LIST_HEAD = re.compile(r"(:|,|\bare|\bnamely)\s*$", re.IGNORECASE)


def introduces_objects(sentence: str, objects: dict[str, str], domain: DomainModel) -> bool:
    """"There are 3 cars: c0, c1 and c2", "The pegs are peg1, peg2 and peg3", "There is one key, key0":
    a head without names or predicate words, then only the list of names. It states no fact."""
    ws = words(sentence)
    if _typed_listing(ws, objects, domain):
        return True
    first = next((i for i, w in enumerate(ws) if w in objects), None)
    if first is None or any(w not in objects and w not in ("and", "namely") for w in ws[first:]):
        return False
    head = re.split(re.escape(ws[first]), sentence.lower(), maxsplit=1)[0]
    hw = words(head)
    return bool(_LIST_HEAD.search(head)) and not any(predicate_hit(p, hw) for p in domain.predicates)


_PLACE_WORDS = {"in", "at", "on", "to", "from", "into", "onto", "with", "of", "by", "inside", "near", "above",
                "below", "under", "over", "behind", "beside", "next"}


def _typed_listing(ws: list[str], objects: dict[str, str], domain: DomainModel) -> bool:
    """"Trucks t1 and t2 and airplane a1 carry packages p1 and p2": three or more names of two or
    more types, each after the word of its own type (maybe after other names and "and"), no
    type word after a place word ("lies in room roomb" states where), no predicate word."""
    named = [i for i, w in enumerate(ws) if w in objects]
    if len(named) < 3 or len({objects[ws[i]] for i in named}) < 2:
        return False
    if any(predicate_hit(p, ws) for p in domain.predicates):
        return False
    for i in named:
        j = i - 1
        while j >= 0 and (ws[j] in objects or ws[j] == "and"):
            j -= 1
        t = objects[ws[i]]
        if j < 0 or ws[j] not in (t, t + "s", t + "es") or (j > 0 and ws[j - 1] in _PLACE_WORDS):
            return False
    return True


def section_header(sentence: str, objects: dict[str, str], domain: DomainModel) -> bool:
    """"What we want in the end is the following.", "Right now the world looks like this.": names no
    object, has a section cue, and no word of a predicate without arguments ("flat" of ``flattire``)."""
    ws = words(sentence)
    if any(w in objects for w in ws) or not (_GOAL_CUE.search(sentence) or _INIT_CUE.search(sentence)):
        return False
    nullary = [re.sub(r"[^a-z]", "", p) for p, params in domain.predicates.items() if not params]
    return not any(len(w) >= 4 and w in p for w in ws for p in nullary) and not any(
        predicate_hit(p, ws) for p in domain.predicates)
