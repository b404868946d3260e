"""Generated problems with known answers, gold formalizations and composition signatures.

* ``chain_item``: ProntoQA-like fictional ontologies — a subclass chain of a given depth,
  with rule types ``neg`` (the last property is negated), ``and`` (one conjunctive rule),
  ``unknown`` (the asked property does not follow either way).
* ``ordering_item``: LogicalDeduction-like puzzles of n objects in a row, in the
  constraint form, with options of which exactly one follows.

Each item carries the sentence-by-sentence alignment (sentence, clause form, formula) that
the translator uses as exemplars — from seen signatures only.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from logic.english import article

__all__ = ["Generated", "Aligned", "chain_item", "ordering_item", "CHAIN_RULES", "chain_signature"]

CLASSES = [
    "wumpus", "yumpus", "zumpus", "dumpus", "rompus", "numpus", "tumpus", "vumpus", "impus", "jompus",
    "gorpus", "shumpus", "lempus", "sterpus", "grimpus", "lorpus", "brimpus", "florpus", "quimpus", "blimpus",
]
PROPERTIES = [
    "sour", "bright", "shy", "red", "wooden", "happy", "large", "small", "cold", "kind", "round", "quiet",
    "rough", "fast", "opaque", "earthy", "bitter", "angry", "dull", "metallic",
]
NAMES = ["Max", "Sam", "Alex", "Rex", "Fae", "Wren", "Polly", "Stella", "Sally", "Bob"]
CHAIN_RULES = ("neg", "and", "unknown")


@dataclass(frozen=True)
class Aligned:
    sentence: str
    form: str  # one of gbnf.CLAUSE_FORMS, or "constraint" for the constraint form
    formula: str


@dataclass
class Generated:
    text: str  # premises
    question: str
    statement: str
    answer: str  # "True" | "False" | "Unknown" | an option letter
    program: str  # the gold formalization
    signature: str
    declarations: str
    aligned: list[Aligned] = field(default_factory=list)
    options: list[str] = field(default_factory=list)


def _cap(w: str) -> str:
    return w[0].upper() + w[1:]


def _plural(c: str) -> str:
    return c + "es" if c.endswith("s") else c + "s"


def chain_signature(depth: int, rules: tuple[str, ...]) -> str:
    return f"depth{depth}:" + ("+".join(sorted(rules)) or "plain")


def chain_item(rng: random.Random, depth: int, rules: tuple[str, ...] = ()) -> Generated:
    unknown_rule = [r for r in rules if r not in CHAIN_RULES]
    if unknown_rule or depth < 1:
        raise ValueError(f"rules must be among {CHAIN_RULES} and depth >= 1, got {rules}, {depth}")
    classes = rng.sample(CLASSES, depth + 2)  # +1 for a distractor class
    props = rng.sample(PROPERTIES, 4)
    name = rng.choice(NAMES)
    chain, distractor = classes[: depth + 1], classes[depth + 1]
    target, other, extra, asked_unknown = props
    aligned: list[Aligned] = []
    and_at = rng.randrange(depth) if "and" in rules else -1
    for i in range(depth):
        a, b = chain[i], chain[i + 1]
        if i == and_at:
            s = f"Every {a} that is {extra} is {article(b)} {b}."
            aligned.append(Aligned(s, "rule", f"forall x. {_cap(a)}(x) and {_cap(extra)}(x) -> {_cap(b)}(x)"))
        else:
            s = rng.choice([f"Every {a} is {article(b)} {b}.", f"{_cap(_plural(a))} are {_plural(b)}.",
                            f"Each {a} is {article(b)} {b}."])
            aligned.append(Aligned(s, "rule", f"forall x. {_cap(a)}(x) -> {_cap(b)}(x)"))
    last = chain[-1]
    if "neg" in rules:
        s = rng.choice([f"{_cap(_plural(last))} are not {target}.", f"Every {last} is not {target}."])
        aligned.append(Aligned(s, "negative rule", f"forall x. {_cap(last)}(x) -> not {_cap(target)}(x)"))
    else:
        s = rng.choice([f"{_cap(_plural(last))} are {target}.", f"Every {last} is {target}."])
        aligned.append(Aligned(s, "rule", f"forall x. {_cap(last)}(x) -> {_cap(target)}(x)"))
    # distractors: a rule about another class, and a property of a chain class
    aligned.append(Aligned(f"{_cap(_plural(distractor))} are {other}.", "rule",
                           f"forall x. {_cap(distractor)}(x) -> {_cap(other)}(x)"))
    aligned.append(Aligned(f"{_cap(_plural(distractor))} are not {target}." if "neg" not in rules
                           else f"{_cap(_plural(distractor))} are {target}.",
                           "negative rule" if "neg" not in rules else "rule",
                           f"forall x. {_cap(distractor)}(x) -> {'not ' if 'neg' not in rules else ''}{_cap(target)}(x)"))
    rng.shuffle(aligned)
    facts = [Aligned(f"{name} is {article(chain[0])} {chain[0]}.", "fact", f"{_cap(chain[0])}({name})")]
    if "and" in rules:
        facts.append(Aligned(f"{name} is {extra}.", "fact", f"{_cap(extra)}({name})"))
    aligned += facts
    asked = asked_unknown if "unknown" in rules else target
    statement = f"{name} is {asked}."
    answer = "Unknown" if "unknown" in rules else ("False" if "neg" in rules else "True")
    conclusion = f"{_cap(asked)}({name})"
    preds = sorted({_cap(c) for c in classes} | {_cap(p) for p in (target, other, asked)}
                   | ({_cap(extra)} if "and" in rules else set()))
    decls = f"const {name}\n" + "\n".join(f"pred {p}/1" for p in preds)
    body = "\n".join(f"premise: {a.formula}  # {a.sentence}" for a in aligned)
    program = f"{decls}\n{body}\nconclusion: {conclusion}  # {statement}\n"
    aligned.append(Aligned(statement, "fact", conclusion))
    return Generated(
        text=" ".join(a.sentence for a in aligned[:-1]),
        question=f"Is the following statement true, false, or unknown? {statement}",
        statement=statement, answer=answer, program=program, signature=chain_signature(depth, rules),
        declarations=decls, aligned=aligned, options=["A) True", "B) False", "C) Unknown"],
    )


ORDER_OBJECTS = ["apple", "banana", "cherry", "grape", "lemon", "mango", "peach"]
_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh"}


def _clues(perm: dict[str, int], n: int, rng: random.Random) -> list[Aligned]:
    objs = list(perm)
    out: list[Aligned] = []
    for a, b in itertools.permutations(objs, 2):
        if perm[a] < perm[b]:
            out.append(Aligned(f"The {a} is to the left of the {b}.", "constraint", f"{a} < {b}"))
    for a in objs:
        k = perm[a]
        out.append(Aligned(f"The {a} is the {_ORDINAL[k]} from the left.", "constraint", f"{a} == {k}"))
        if k == 1:
            out.append(Aligned(f"The {a} is the leftmost.", "constraint", f"{a} == 1"))
        if k == n:
            out.append(Aligned(f"The {a} is the rightmost.", "constraint", f"{a} == {n}"))
    rng.shuffle(out)
    return out


def _solutions(objs: list[str], n: int, clues: list[Aligned]) -> int:
    count = 0
    for p in itertools.permutations(range(1, n + 1)):
        pos = dict(zip(objs, p))
        if all(_holds(c.formula, pos) for c in clues):
            count += 1
    return count


def _holds(formula: str, pos: dict[str, int]) -> bool:
    a, op, b = formula.split()
    left = pos[a]
    right = pos[b] if b in pos else int(b)
    return left < right if op == "<" else left == right


def ordering_item(rng: random.Random, n: int) -> Generated:
    if not 2 <= n <= len(ORDER_OBJECTS):
        raise ValueError(f"n must be in 2..{len(ORDER_OBJECTS)}")
    objs = rng.sample(ORDER_OBJECTS, n)
    perm = dict(zip(objs, rng.sample(range(1, n + 1), n)))
    chosen: list[Aligned] = []
    left = _solutions(objs, n, chosen)
    for clue in _clues(perm, n, rng):  # add informative clues until exactly one arrangement fits
        if left == 1:
            break
        fewer = _solutions(objs, n, chosen + [clue])
        if fewer < left:
            chosen.append(clue)
            left = fewer
    k = rng.randint(1, n)
    letters = "ABCDEFG"[:n]
    options = [f"{l}) The {o} is the {_ORDINAL[k]} from the left." for l, o in zip(letters, objs)]
    answer = letters[[perm[o] for o in objs].index(k)]
    intro = f"There are {n} fruits in a row: " + ", ".join(f"{article(o)} {o}" for o in objs) + "."
    decls = f"domain pos = 1..{n}\nvar {', '.join(objs)} : pos\ndistinct {', '.join(objs)}"
    body = "\n".join(f"constraint: {c.formula}  # {c.sentence}" for c in chosen)
    opts = "\n".join(f"option {l}: {o} == {k}  # {t[3:]}" for l, o, t in zip(letters, objs, options))
    program = f"{decls}\n{body}\n{opts}\n"
    aligned = chosen + [Aligned(t[3:], "constraint", f"{o} == {k}") for o, t in zip(objs, options)]
    return Generated(
        text=intro + " " + " ".join(c.sentence for c in chosen), question="Which of the following is true?",
        statement="", answer=answer, program=program, signature=f"order/n{n}", declarations=decls,
        aligned=aligned, options=options,
    )
