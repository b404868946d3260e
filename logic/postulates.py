"""What a program of read sentences presumes beyond its sentences: what compound predicate
names mean ("WriteMusicPiece" beside "Write" and "MusicPiece") and whom a text's rules are
about ("If an animal jumps ..." beside "KiKi jumps"). The translator adds these premises after
the sentences' own, so that two ways of saying one thing chain in the solver.
"""

from __future__ import annotations

import re

from logic.english import FUNCTION_WORDS, OPEN, lemmas
from logic.phrases import camel

__all__ = ["adjunct_postulates", "constants_of", "definite_postulates", "named_of_class", "name_postulates", "object_postulates", "relation_postulates", "topic_postulates",
           "used_postulates", "with_postulated"]


# what a phrase says where or when after its object ("in 1716", "during the war")
_ADJUNCT = re.compile(r"(?:In|On|At|During|From|Since|After|Before)(?:[A-Z0-9])")


def name_postulates(preds: dict[str, int]) -> list[str]:
    """What a phrase predicate's name means when the text also uses its parts: a class named
    by a relation then a class ("write music piece" from "Composers write music pieces") holds
    of what stands in that relation to a thing of that class ("Beethoven wrote Symphony No. 9",
    "Symphony No. 9 is a music piece"). One formula per such name, so that the two ways of
    saying it chain."""
    unary = [p for p, a in preds.items() if a == 1]
    binary = [p for p, a in preds.items() if a == 2]
    out = []
    for p in unary:
        for r in binary:
            if p.startswith(r) and p[len(r):] in preds and preds[p[len(r):]] == 1:
                c = p[len(r):]
                out.append(f"forall x. {p}(x) <-> (exists y. {r}(x, y) and {c}(y))")
            elif p.startswith(r):  # "plays for a football club based in Bergen": two classes of the thing
                rest = p[len(r):]
                cuts = [(rest[:i], rest[i:]) for i in range(1, len(rest))
                        if preds.get(rest[:i]) == 1 and preds.get(rest[i:]) == 1]
                if len(cuts) == 1:
                    a, b = cuts[0]
                    out.append(f"forall x. {p}(x) <-> (exists y. {r}(x, y) and {a}(y) and {b}(y))")
    # what is done somewhere or at some time is done: "moved to New Haven in 1716" says "moved
    # to New Haven" (a phrase's "of" is left alone: "the city of Missoula" is one name)
    for p in unary:
        for q in unary:
            rest = p[len(q):]
            if q != p and p.startswith(q) and _ADJUNCT.match(rest):
                out.append(f"forall x. {p}(x) -> {q}(x)")
    # what is done often or well is done, and what is very rich is rich: "eats fish regularly"
    # says "eats fish" (not "rarely", "hardly": those deny it)
    for p in unary:
        m = re.match(rf"(?:{_INTENSIFIERS})([A-Z]\w*)$", p) or re.match(rf"([A-Z]\w*?)(?:{_ADVERBS})$", p)
        if m is None:
            ly = re.match(r"([A-Z]\w*?)([A-Z][a-z]+ly)$", p)
            m = ly if ly and _adverb(ly.group(2).lower()) else None
        if m and preds.get(m.group(1)) == 1 and not re.search(r"(?:Rarely|Hardly|Barely|Scarcely|Seldom|Never)$", p):
            out.append(f"forall x. {p}(x) -> {m.group(1)}(x)")
    # what became something is it: "became famous in 2005" says "is famous" (of a state the
    # text names alone; "Become" of a relation's name is left alone)
    for p in unary:
        m = re.match(r"Become([A-Z]\w*?)(?:(?:In|On|At|During|From|Since|After|Before)[A-Z0-9]\w*)?$", p)
        if m and preds.get(m.group(1)) == 1:
            out.append(f"forall x. {p}(x) -> {m.group(1)}(x)")
    # where a thing is put is where it is: "located in Montana" is "in Montana", and what is
    # listed in, kept at or selected into a list is in it (never "born in": a past place)
    for p in preds:
        m = re.match(r"([A-Z][a-z]+)(In|At|On|Into)((?:[A-Z0-9]\w*)?)$", p)
        if not m or m.group(1) not in _LOCATING | _PLACING:
            continue
        verb, prep, rest = m.groups()
        q = ("In" if prep == "Into" else prep) + rest
        if q != p and preds.get(q) == preds[p]:
            xs = "x" if preds[p] == 1 else "x, y"
            both = "<->" if verb in _LOCATING and prep != "Into" else "->"
            out.append(f"forall {xs.replace(',', '')}. {p}({xs}) {both} {q}({xs})")
    # a class named by modifiers then a class's name is a kind of that class: a soccer player
    # is a player, an American writer a writer (not "has four sides", "city in Montana")
    for p in unary:
        words = re.findall(r"[A-Z][a-z]*|[0-9]+", p)
        for k in range(1, len(words)):
            head = "".join(words[k:])
            if preds.get(head) == 1 and all(_modifier(w.lower()) for w in words[:k]) \
                    and words[k].lower() not in FUNCTION_WORDS:  # "InBand" is a place, not a head noun
                # and a kind pilot is one that is kind, where the text says "kind" alone too
                adjective = words[0] if k == 1 and preds.get(words[0]) == 1 and _adjective(words[0].lower()) else ""
                out.append(f"forall x. {p}(x) <-> {adjective}(x) and {head}(x)" if adjective
                           else f"forall x. {p}(x) -> {head}(x)")
    # and a small yellow bird is a small bird: an adjective left out after the first of a
    # class's name (itself an adjective; the head and the other words kept in order) leaves a
    # class it is of
    for p in unary:
        words = re.findall(r"[A-Z][a-z]*|[0-9]+", p)
        for q in unary:
            kept = re.findall(r"[A-Z][a-z]*|[0-9]+", q)
            left = _left_out(kept, words)
            if 1 < len(kept) < len(words) and kept[-1] == words[-1] and kept[0] == words[0] \
                    and _adjective(words[0].lower()) and len(left) == len(words) - len(kept) \
                    and all("ADJ" in lemmas(w.lower()) and w.lower() not in _NOT_INTERSECTIVE for w in left):
                out.append(f"forall x. {p}(x) -> {q}(x)")
    # what is unhappy is not happy ("dishonest", "non-toxic", "inactive": a negating prefix on a
    # word the text says alone; only that way, for "not happy" need not be "unhappy")
    for p in unary:
        for q in unary:
            prefix = p.lower()[:-len(q)] if p.lower().endswith(q.lower()) else ""
            if prefix in ("un", "dis", "non") or (prefix in ("in", "im", "il", "ir") and "ADJ" in lemmas(q.lower())):
                out.append(f"forall x. {p}(x) -> not {q}(x)")
    return out


def _left_out(kept: list[str], words: list[str]) -> list[str]:
    """The words of ``words`` that ``kept``, matched in order, leaves out (all of ``words``
    less as many as ``kept`` has only where ``kept`` is a subsequence of it)."""
    out, i = [], 0
    for w in words:
        if i < len(kept) and w == kept[i]:
            i += 1
        else:
            out.append(w)
    return out


_INTENSIFIERS = "Very|Extremely|Really|Highly|Quite|Incredibly|Especially|Truly"
_ADVERBS = "Often|Always|Daily|EveryDay|Everyday|Well|Hard|Sometimes|Frequently|Regularly"
# verbs whose place is where the thing is ("located in"), and verbs that put a thing there
_LOCATING = {"Locate", "Situate", "Base", "House"}
_PLACING = {"List", "Include", "Select", "Store", "Keep", "Hold", "Put", "Place", "Find", "Show", "Display",
            "Publish", "Record", "Register", "Enrol", "Enroll", "Admit", "Elect", "Induct", "Rank"}


def relation_postulates(preds: dict[str, int], consts: set[str]) -> list[str]:
    """A class named by a relation and an individual is standing in that relation to it:
    "citizens of Norway" and "Nora is a citizen of Norway" (CitizenOfNorway, CitizenOf(Nora,
    Norway)); "built by Ada" and "Ada built Blue Heron" (BuildByAda, Build(Ada, BlueHeron))."""
    out = []
    for p in (p for p, a in preds.items() if a == 1):
        for r in (r for r, a in preds.items() if a == 2 and p.startswith(r)):
            rest = p[len(r):]
            if rest in consts:
                out.append(f"forall x. {p}(x) <-> {r}(x, {rest})")
            elif c := next((c for c in consts if rest.startswith(c) and _ADJUNCT.match(rest[len(c):])), None):
                out.append(f"forall x. {p}(x) -> {r}(x, {c})")  # "moved to New Haven in 1716": to New Haven
            elif rest.startswith("By") and rest[2:] in consts:
                out.append(f"forall x. {p}(x) <-> {r}({rest[2:]}, x)")
    return out


# prepositions whose phrase says where, when, how or for whom a thing is done: leaving one out
# says less ("by" is left alone: "written by Ola" is no "writes")
_ADJUNCT_PREPOSITIONS = {"In", "At", "On", "For", "From", "To", "Into", "With", "As", "During", "After", "Before",
                         "Since", "Until", "Of", "Near", "Across", "Through", "Throughout"}
# words that take away rather than add: a phrase holding one is never left out
_NOT_ADDING = {"Not", "No", "Never", "Without", "Than", "Except", "Only", "More", "Less", "Fewer", "Most", "Least",
               "Almost", "Nearly", "Hardly", "Barely", "Rarely", "Former", "Over", "Under", "Above", "Below"}
# adverbs after which the thing was done all the same
_REPEATING = {"Twice", "Again", "Repeatedly", "Often", "Always", "Regularly", "Frequently", "Recently", "Already",
              "Daily", "Weekly", "Annually"}
# evaluative words that are nouns too: "good at chess" is no "good"
_EVALUATIVE = {"Good", "Bad", "Poor", "Great", "Free", "Better", "Best", "Worse", "Worst", "Close", "Far"}


def adjunct_postulates(preds: dict[str, int], consts: set[str]) -> list[str]:
    """What is done somewhere, sometime, for someone, as something is done: a one-place name
    with phrases left out that the text uses too ("scored 40 goals for Brann" says "scores
    goals"; "born in 1995 in Oslo" says "born in Oslo"; "plays as a striker for Brann" says
    "plays for Brann", PlayFor(x, Brann)). Only prepositional phrases and numbers are left
    out, never one that takes away ("more than", "without"), and never after an adjective
    ("afraid of heights" keeps its "of")."""
    out = []
    for p in (p for p, a in preds.items() if a == 1):
        words = re.findall(r"[A-Z][a-z]*|[0-9]+", p)
        tags = lemmas(words[0].lower()) if words else {}
        if len(words) < 2 or words[0] in _EVALUATIVE or ("ADJ" in tags and "VERB" not in tags) \
                or set(words) & _NOT_ADDING:
            continue
        # the parts that may be left out: a preposition and its words up to the next one, a number
        parts: list[tuple[str, bool]] = [(words[0], False)]
        for w in words[1:]:
            if w in _ADJUNCT_PREPOSITIONS or w in ("By", "Than", "Without", "Except"):
                parts.append((w, w in _ADJUNCT_PREPOSITIONS))  # "by Nordbok" begins a part that stays
            elif w in _REPEATING:  # "won the Stockholm Open twice" won it
                parts.append((w, True))
                parts.append(("", False))
            elif w.isdigit() and not (parts[-1][1] and parts[-1][0] in _ADJUNCT_PREPOSITIONS):
                parts.append((w, True))
                parts.append(("", False))  # what follows a number is its noun, kept
            else:
                parts[-1] = (parts[-1][0] + w, parts[-1][1])
        optional = [i for i, (_, may) in enumerate(parts) if may]
        if len(optional) > 5:
            continue
        for mask in range(2 ** len(optional)):
            left = {optional[k] for k in range(len(optional)) if mask >> k & 1}
            q = "".join(t for i, (t, _) in enumerate(parts) if i not in left)
            if q != p and preds.get(q) == 1:
                out.append(f"forall x. {p}(x) -> {q}(x)")
            for r in (r for r, a in preds.items() if a == 2 and q.startswith(r)):
                if q != p and q[len(r):] in consts:
                    out.append(f"forall x. {p}(x) -> {r}(x, {q[len(r):]})")
                elif q[len(r):len(r) + 2] == "By" and q[len(r) + 2:] in consts:  # "published in 2010 by Nordbok"
                    out.append(f"forall x. {p}(x) -> {r}({q[len(r) + 2:]}, x)")
            out += _bridges(p, q, preds, consts)
    return list(dict.fromkeys(out))


def _bridges(p: str, q: str, preds: dict[str, int], consts: set[str]) -> list[str]:
    """Where a name says a relation to a named one ("plays for Brann") and another the relation
    to a thing of some class ("plays for a football club based in Bergen") and no sentence
    names the relation alone: the first, and the named one being of that class, say the second."""
    out = []
    for c in (c for c in consts if q.endswith(c) and len(q) > len(c)):
        r = q[:-len(c)]
        if r in preds or not re.search(r"[a-z](?:For|In|At|To|Of|With|From|On)$", r):
            continue
        for other in (o for o, a in preds.items() if a == 1 and o != p and o.startswith(r) and o != q):
            rest = other[len(r):]
            classes = [[rest]] if preds.get(rest) == 1 else [
                [rest[:i], rest[i:]] for i in range(1, len(rest)) if preds.get(rest[:i]) == 1 and preds.get(rest[i:]) == 1]
            if len(classes) == 1:
                said = " and ".join(f"{k}({c})" for k in classes[0])
                out.append(f"forall x. {p}(x) and {said} -> {other}(x)")
    return out


def used_postulates(preds: dict[str, int], program: str) -> list[tuple[str, str]]:
    """What a program presumes beyond its sentences, each with why: the ``name_postulates``
    and ``relation_postulates`` whose every name ``program`` uses (the others cannot link
    anything), then the ``topic_postulates`` and ``object_postulates``."""
    # the individuals: those the formulas name, and names the sentences spell ("Norway" in
    # "located in Norway", a phrase's part: LocateInNorway(x) <-> LocateIn(x, Norway))
    sentences = " ".join(ln.partition("  # ")[2] for ln in program.splitlines())
    consts = set(constants_of([program])) | {camel(n) for n in re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*", sentences)}
    consts -= set(preds)  # a class's name is never an individual's
    named = [(f, f"what the name {f.split('(')[0].split()[-1]} says")
             for f in dict.fromkeys([*name_postulates(preds), *relation_postulates(preds, consts),
                                     *adjunct_postulates(preds, consts)])
             if all(re.search(rf"\b{n}\(", program) for n in re.findall(r"\b([A-Z]\w*)\(", f))]
    return named + [(f, "what the text is about") for f in [*topic_postulates(program), *object_postulates(program),
                                                           *definite_postulates(program)]]


def named_of_class(c: str, formulas: str) -> set[str]:
    """The individuals other than ``c`` that the formulas put in the class ``c``: by its name, or
    by modifiers then its name (``RockBand(BlueLakes)`` for Band; not ``CauseByMonkeypoxVirus``)."""
    return {n for k, n in re.findall(r"\b([A-Z]\w*)\(([A-Z]\w*)\)", formulas) if k.endswith(c) and n != c
            and not {w.lower() for w in re.findall(r"[A-Z][a-z]*", k[:-len(c)])} & (OPEN | FUNCTION_WORDS)}


def definite_postulates(program: str) -> list[str]:
    """Whom "the band" names, where the text calls one named individual a band ("The Blue Lakes
    is a rock band ... Jon Lie is a member of the band"): that one, ``Band = BlueLakes``. Two
    named bands, or none, and "the band" stays an individual of its own."""
    lines = program.splitlines()
    sentences = " ".join(ln.partition("  # ")[2] for ln in lines)
    said = " ".join(ln.split("  #")[0] for ln in lines if ln.startswith("premise:"))
    out = []
    for c in constants_of([" ".join(ln.split("  #")[0] for ln in lines)]):
        words = re.findall(r"[A-Z][a-z]*", c)
        if not words or "".join(words) != c or not re.search(rf"\b[Tt]he {' '.join(w.lower() for w in words)}\b", sentences) \
                or re.search(rf"\b{' '.join(words)}\b", sentences):
            continue  # "the band" in lower case, never a name "Band"
        named = {n for n in named_of_class(c, said)
                 if re.search(r"\b" + " ".join(re.findall(r"[A-Z][a-z]*|[0-9]+", n)) + r"\b", sentences)}
        if len(named) == 1:
            out.append(f"{c} = {named.pop()}")
    return out


def constants_of(formulas: list[str]) -> list[str]:
    """The individuals the formulas name (an atom's capitalised arguments), in order."""
    return list(dict.fromkeys(c for f in formulas for c in re.findall(r"[(,] ?([A-Z]\w*)(?=[,)])", f)))


def with_postulated(consts: list[str], presumed: list[tuple[str, str]]) -> list[str]:
    """The declared individuals, then those only a presumed formula names ("Norway" in
    ``LocateInNorway(x) <-> LocateIn(x, Norway)``): declared with it."""
    return [*consts, *(c for c in constants_of([f for f, _ in presumed]) if c not in consts)]


_TWO_THING_RULE = re.compile(r"^(?:premise: )?forall x y\. (.*?) (?:->|<->)")


def object_postulates(program: str) -> list[str]:
    """What a rule between two things of two classes presumes of a named one: "If a player left
    a team, they no longer play for that team" beside "Nora left Blue FC" speaks of Blue FC as a
    team, though the text never says so. ``Class(name)`` only where the text says nothing at all
    of the name's class (no one-place atom of it anywhere) and one rule asks that class of it."""
    said = [ln.split("  #")[0] for ln in program.splitlines() if ln.startswith("premise:")]
    facts = [ln for ln in said if not re.search(r"\b(?:forall|exists)\b", ln)]
    classed = set(re.findall(r"\b[A-Z]\w*\(([A-Z]\w*)\)", program))
    # (relation, object) of each fact that says it and never denies it on its line
    told = [(rel, obj) for ln in facts for rel, obj in re.findall(r"\b([A-Z]\w*)\([A-Z]\w*, ([A-Z]\w*)\)", ln)
            if obj not in classed and not re.search(rf"\bnot {rel}\(", ln)]
    wanted: dict[str, set[str]] = {}
    for m in filter(None, map(_TWO_THING_RULE.match, said)):
        rels = set(re.findall(r"\b([A-Z]\w*)\(x, y\)", m.group(1)))
        for cls in re.findall(r"\b([A-Z]\w*)\(y\)", m.group(1)):
            for rel, obj in told:
                if rel in rels:
                    wanted.setdefault(obj, set()).add(cls)
    return [f"{next(iter(c))}({o})" for o, c in sorted(wanted.items()) if len(c) == 1]


_GUARDED = re.compile(r"^(?:premise: )?forall x\. ([A-Z]\w*)\(x\) and (.*?)(?:->|<->)")


def topic_postulates(program: str) -> list[str]:
    """Who a text's rules are about, where the text takes it for granted. A text whose rules
    are all said of one class ("If an animal barks, ...", "If an animal jumps, ...") and that
    tells of a named one what those rules ask ("KiKi neither jumps nor has legs") speaks of a
    thing of that class, though it never says "KiKi is an animal". One ``Class(name)`` per
    such name, only where the text says nothing of the name's class, and only for a class
    named by a noun that guards two rules or more and no other class does. ``program`` is a
    program's text with each formula's sentence after it (``formula  # sentence``)."""
    said = [ln.split("  #")[0] for ln in program.splitlines() if ln.startswith("premise:")]
    guards: dict[str, set[str]] = {}
    for ln in said:
        m = _GUARDED.match(ln)
        if m:
            guards.setdefault(m.group(1), set()).update(re.findall(r"\b([A-Z]\w*)\(x\)", m.group(2)))
    topic = [g for g in guards if sum(bool(_GUARDED.match(ln)) and _GUARDED.match(ln).group(1) == g
                                      for ln in said) >= 2]
    # the class is a noun the sentences (the comments after the formulas) give with an article
    # or a quantifier ("an animal", "all restaurants"), not a property ("something is smart")
    if len(topic) != 1:
        return []
    sentences = " ".join(ln.partition("  # ")[2] for ln in program.splitlines()).lower()
    words = " ".join(re.findall(r"[A-Z][a-z]*|[0-9]+", topic[0])).lower()
    if not re.search(rf"\b(?:a|an|the|every|all|each|any|no) {words}s?\b", sentences) \
            or re.search(rf"\b(?:is|are|was|were|be|not|and|or) {words}\b", sentences):  # "is smart"
        return []
    cls, asked = topic[0], guards[topic[0]]
    facts = [ln for ln in said if not re.search(r"\b(?:forall|exists)\b", ln)]
    named = {c for ln in facts for p, c in re.findall(r"\b([A-Z]\w*)\(([A-Z]\w*)\)", ln) if p in asked}
    # a name the text gives any class of its own ("KiKi is a dog") is left as the text says it
    classed = {c for ln in facts for p, c in re.findall(r"\b([A-Z]\w*)\(([A-Z]\w*)\)", ln)
               if p in guards or re.search(rf"forall x\. {p}\(x\) ->", program)}
    return [f"{cls}({c})" for c in sorted(named - classed) if not re.search(rf"\b{cls}\({c}\)", program)]


def _modifier(word: str) -> bool:
    """Whether a word before a class's name can only modify it: not a verb, not a preposition."""
    if word in OPEN or word in FUNCTION_WORDS or word in _NOT_INTERSECTIVE or word.isdigit():
        return False
    return not {"VERB", "AUX"} & set(lemmas(word))


def _adverb(word: str) -> bool:
    """Whether a word can only be an adverb ("regularly"; not "supply", "friendly", "Italy")."""
    return set(lemmas(word)) == {"ADV"}


# adjectives that say a thing is not what its noun says ("a former pilot" is no pilot now)
_NOT_INTERSECTIVE = {"former", "fake", "alleged", "future", "past", "potential", "possible", "false",
                     "counterfeit", "pretend", "would", "ex", "late", "so", "supposed", "imaginary"}


def _adjective(word: str) -> bool:
    """Whether a word before a noun says of the thing what it says alone ("kind", "red")."""
    return word not in _NOT_INTERSECTIVE and "ADJ" in lemmas(word) and "VERB" not in lemmas(word)
