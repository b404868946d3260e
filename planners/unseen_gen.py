"""Problems for the unseen-domain suite: small random instances of eight domains taken from
pddlgym's PDDL files (``planners/unseen/<domain>/domain.pddl``), described in three styles
that no bundled-domain template uses (plain prose, grouped plurals, bulleted lists).

No exemplar, training pair or bundled domain uses these domains; each folder's one example
pair (``p_example.nl``/``.pddl``) was written by hand. ``write_problems`` writes a sample in
LLM+P's layout (``pNN.nl`` + ``pNN.pddl``) so ``nesy bench --suite llmp --path planners/unseen``
runs it; ``unseen_problems`` draws a sample in memory for ``--suite unseen``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planners.pddl import Fact, write_problem

__all__ = ["UNSEEN_DIR", "UNSEEN_DOMAINS", "STYLES", "UnseenProblem", "generate_unseen", "unseen_problems",
           "write_problems"]

UNSEEN_DIR = Path(__file__).parent / "unseen"
STYLES = ("prose", "grouped", "list")

# pred -> phrasings; {0} {1} are the arguments, {be} "is"/"are" (init) or "should be" (goal).
# The first argument slot is the one grouped sentences merge over ("c0 and c1 are at l2").
Phrases = dict[str, Sequence[str]]


@dataclass(frozen=True)
class UnseenProblem:
    domain: str
    name: str
    objects: dict[str, str]
    init: tuple[Fact, ...]
    goal: tuple[Fact, ...]
    text: str
    style: str

    @property
    def pddl(self) -> str:
        return write_problem(self.name, self.domain, self.objects, self.init, self.goal)


@dataclass(frozen=True)
class _Instance:
    objects: dict[str, str]
    groups: list[tuple[str, list[str]]]  # (plural noun, names) for the opening sentence
    init: list[Fact]
    goal: list[Fact]


# -- instances -------------------------------------------------------------------------------


def _ferry(rng: random.Random) -> _Instance:
    cars = [f"c{i}" for i in range(rng.randint(1, 3))]
    locs = [f"l{i}" for i in range(rng.randint(2, 3))]
    objects = {**{c: "obj" for c in cars}, **{loc: "obj" for loc in locs}, "ferry": "boat"}
    where = {c: rng.choice(locs) for c in cars}
    init = [*(("car", c) for c in cars), *(("location", loc) for loc in locs), *(("at", c, w) for c, w in where.items()),
            ("at-ferry", rng.choice(locs)), ("empty-ferry", "ferry")]
    goal = [("at", c, rng.choice([loc for loc in locs if loc != where[c]])) for c in cars]
    return _Instance(objects, [("cars", cars), ("locations", locs)], init, goal)


def _hanoi(rng: random.Random) -> _Instance:
    n = rng.randint(2, 3)
    discs = [f"d{i}" for i in range(1, n + 1)]  # d1 smallest
    pegs = ["peg1", "peg2", "peg3"]
    start, end = rng.sample(pegs, 2)
    objects = {x: "object" for x in [*discs, *pegs]}
    smaller = [("smaller", p, d) for p in pegs for d in discs]
    smaller += [("smaller", discs[j], discs[i]) for i in range(n) for j in range(i + 1, n)]
    tower = [("on", discs[-1], start), *(("on", discs[i], discs[i + 1]) for i in range(n - 1))]
    init = [*smaller, *tower, ("clear", discs[0]), *(("clear", p) for p in pegs if p != start)]
    goal = [("on", discs[-1], end), *(("on", discs[i], discs[i + 1]) for i in range(n - 1))]
    return _Instance(objects, [("discs", discs), ("pegs", pegs)], init, goal)


def _miconic(rng: random.Random) -> _Instance:
    floors = [f"f{i}" for i in range(rng.randint(2, 3))]
    people = [f"p{i}" for i in range(rng.randint(1, 2))]
    objects = {**{p: "passenger" for p in people}, **{f: "floor" for f in floors}}
    init: list[Fact] = [("above", floors[i], floors[j]) for i in range(len(floors)) for j in range(i + 1, len(floors))]
    for p in people:
        a, b = rng.sample(floors, 2)
        init += [("origin", p, a), ("destin", p, b)]
    init.append(("lift-at", rng.choice(floors)))
    return _Instance(objects, [("passengers", people), ("floors", floors)], init, [("served", p) for p in people])


def _tireworld(rng: random.Random) -> _Instance:
    locs = [f"n{i}" for i in range(rng.randint(3, 4))]
    init: list[Fact] = []
    for a, b in zip(locs, locs[1:]):
        init += [("road", a, b), ("road", b, a)]
    init += [("spare-in", loc) for loc in locs[1:-1]]
    init += [("vehicle-at", locs[0]), ("not-flattire",)]
    return _Instance({loc: "location" for loc in locs}, [("locations", locs)], init, [("vehicle-at", locs[-1])])


def _newspapers(rng: random.Random) -> _Instance:
    locs = [f"loc{i}" for i in range(rng.randint(3, 4))]
    papers = [f"paper{i}" for i in range(rng.randint(1, 2))]
    wants = rng.sample(locs[1:], len(papers))
    objects = {**{x: "loc" for x in locs}, **{p: "paper" for p in papers}}
    init = [("at", locs[0]), ("ishomebase", locs[0]), *(("wantspaper", w) for w in wants),
            *(("unpacked", p) for p in papers)]
    return _Instance(objects, [("places", locs), ("papers", papers)], init, [("satisfied", w) for w in wants])


def _spanner(rng: random.Random) -> _Instance:
    mids = [f"location{i}" for i in range(1, rng.randint(2, 3))]
    path = ["shed", *mids, "gate"]
    nuts = [f"nut{i}" for i in range(1, rng.randint(2, 3))]
    spanners = [f"spanner{i}" for i in range(1, len(nuts) + 1)]
    objects = {"bob": "man", **{s: "spanner" for s in spanners}, **{n: "nut" for n in nuts},
               **{x: "location" for x in path}}
    init: list[Fact] = [("at", "bob", "shed"), *(("link", a, b) for a, b in zip(path, path[1:]))]
    for s in spanners:
        init += [("at", s, rng.choice(mids)), ("useable", s)]
    init += [x for n in nuts for x in (("at", n, "gate"), ("loose", n))]
    return _Instance(objects, [("spanners", spanners), ("nuts", nuts), ("locations", path)], init,
                     [("tightened", n) for n in nuts])


def _depot(rng: random.Random) -> _Instance:
    places = ["depot0", "distributor0"]
    pallets = ["pallet0", "pallet1"]
    crates = [f"crate{i}" for i in range(rng.randint(1, 2))]
    objects = {"depot0": "depot", "distributor0": "distributor", "truck0": "truck", "hoist0": "hoist",
               "hoist1": "hoist", **{p: "pallet" for p in pallets}, **{c: "crate" for c in crates}}
    init: list[Fact] = [("at", "pallet0", "depot0"), ("at", "pallet1", "distributor0"), ("at", "truck0", rng.choice(places)),
                        ("at", "hoist0", "depot0"), ("at", "hoist1", "distributor0"), ("available", "hoist0"),
                        ("available", "hoist1")]
    below = "pallet0"
    for c in crates:  # one stack on pallet0
        init += [("at", c, "depot0"), ("on", c, below)]
        below = c
    init.append(("clear", below))
    init.append(("clear", "pallet1"))
    goal: list[Fact] = [("on", crates[0], "pallet1")]
    return _Instance(objects, [("crates", crates), ("pallets", pallets), ("hoists", ["hoist0", "hoist1"])], init, goal)


def _doors(rng: random.Random) -> _Instance:
    rooms = ["room0", "room1"]
    locs = {"room0": ["loc-0-0", "loc-0-1"], "room1": ["loc-1-0"]}
    key = "key0"
    objects = {**{r: "room" for r in rooms}, key: "key", **{x: "location" for xs in locs.values() for x in xs}}
    init: list[Fact] = [("at", "loc-0-0"), ("unlocked", "room0"), ("keyat", key, rng.choice(locs["room0"])),
                        ("keyforroom", key, "room1")]
    init += [("locinroom", x, r) for r, xs in locs.items() for x in xs]
    return _Instance(objects, [("rooms", rooms), ("keys", [key])], init, [("at", "loc-1-0")])


INSTANCES: dict[str, Callable[[random.Random], _Instance]] = {
    "depot": _depot, "doors": _doors, "ferry": _ferry, "hanoi": _hanoi, "miconic": _miconic,
    "newspapers": _newspapers, "spanner": _spanner, "tireworld": _tireworld,
}
UNSEEN_DOMAINS = sorted(INSTANCES)

# -- phrasings (none of them is used by a bundled-domain template) ------------------------------

PHRASES: dict[str, Phrases] = {
    "ferry": {
        "car": ["{0} {be} a car", "{0} {be} a vehicle waiting for the ferry"],
        "location": ["{0} {be} a location", "{0} {be} a harbour location"],
        "at": ["{0} {be} at {1}", "{0} {be} parked at {1}", "{0} {be} located at {1}"],
        "at-ferry": ["the ferry {be} at {0}", "the ferry {be} docked at {0}"],
        "empty-ferry": ["the ferry {be} empty", "the ferry {be} carrying nothing"],
        "on": ["{0} {be} on the ferry"],
    },
    "hanoi": {
        "smaller": ["{1} {be} smaller than {0}", "{1} {be} narrower than {0}"],
        "on": ["{0} {be} on {1}", "{0} {be} placed on top of {1}", "{0} {be} resting on {1}"],
        "clear": ["{0} {be} clear", "{0} {be} uncovered", "{0} {be} free on top"],
    },
    "miconic": {
        "above": ["{1} {be} above {0}", "{1} {be} higher than {0}"],
        "origin": ["{0} {be} waiting on floor {1}", "{0} {be} standing at {1}", "{0} {be} starting at floor {1}"],
        "destin": ["{0} {be} headed to floor {1}", "{0} {be} travelling to {1}"],
        "lift-at": ["the lift {be} at {0}", "the elevator {be} on floor {0}"],
        "served": ["{0} {be} served", "{0} {be} delivered to their floor"],
        "boarded": ["{0} {be} in the lift"],
    },
    "tireworld": {
        "road": ["there {be} a road from {0} to {1}", "{1} {be} reachable by road from {0}"],
        "spare-in": ["a spare tire {be} at {0}", "a spare wheel {be} stored at {0}"],
        "vehicle-at": ["the vehicle {be} at {0}", "the car {be} in {0}", "the truck {be} standing at {0}"],
        "not-flattire": ["the tire {be} not flat", "the tire {be} fine"],
        "flattire": ["the tire {be} flat"],
    },
    "newspapers": {
        "at": ["the paperboy {be} at {0}", "the courier {be} in {0}"],
        "ishomebase": ["{0} {be} the home base", "{0} {be} where the papers are picked up"],
        "wantspaper": ["{0} {be} wanting a paper", "{0} {be} a subscriber that wants a newspaper"],
        "unpacked": ["{0} {be} unpacked", "{0} {be} still at the home base, unpacked"],
        "satisfied": ["{0} {be} satisfied", "{0} {be} a satisfied customer"],
        "carrying": ["{0} {be} being carried"],
    },
    "spanner": {
        "at": ["{0} {be} at {1}", "{0} {be} located in {1}", "{0} {be} lying at {1}"],
        "link": ["{0} {be} linked to {1}", "a one-way path {be} leading from {0} to {1}"],
        "useable": ["{0} {be} usable", "{0} {be} in working order"],
        "loose": ["{0} {be} loose", "{0} {be} not yet tight"],
        "tightened": ["{0} {be} tightened", "{0} {be} screwed tight"],
        "carrying": ["{0} {be} carrying {1}"],
    },
    "depot": {
        "at": ["{0} {be} at {1}", "{0} {be} stationed at {1}", "{0} {be} located at {1}"],
        "on": ["{0} {be} on {1}", "{0} {be} stacked on {1}", "{0} {be} sitting on {1}"],
        "clear": ["{0} {be} clear", "{0} {be} free on top", "{0} {be} uncovered"],
        "available": ["{0} {be} available", "{0} {be} idle and ready"],
        "in": ["{0} {be} in {1}"],
        "lifting": ["{0} {be} lifting {1}"],
    },
    "doors": {
        "at": ["the robot {be} at {0}", "the agent {be} standing at {0}"],
        "unlocked": ["{0} {be} unlocked", "{0} {be} open"],
        "locinroom": ["{0} {be} in {1}", "{0} {be} a spot inside {1}", "{0} {be} part of {1}"],
        "keyat": ["{0} {be} at {1}", "{0} {be} lying at {1}"],
        "keyforroom": ["{0} {be} the key for {1}", "{0} {be} able to unlock {1}"],
    },
}

_OPEN = ["There are {n} {noun}: {names}.", "We have {n} {noun}, namely {names}.", "The {noun} are {names}."]
_INIT_HEAD = {"prose": ["Here is the current situation.", "Right now the world looks like this."],
              "grouped": ["At the start:", "Currently:"], "list": ["Initial situation:", "Facts at the beginning:"]}
_GOAL_HEAD = {"prose": ["What we want in the end is the following.", "The objective is described next."],
              "grouped": ["Target situation:", "The desired outcome:"], "list": ["Objective:", "Targets to reach:"]}
_GOAL_BE = ["should be", "must be"]


def _names(xs: Sequence[str]) -> str:
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def _clause(rng: random.Random, phrases: Phrases, f: Fact, goal: bool, many: bool) -> str:
    t = rng.choice(list(phrases[f[0]]))
    # the verb agrees with the subject: plural only when the merged first argument leads
    plural = many and t.find("{0}") < (t.find("{1}") if "{1}" in t else len(t))
    be = rng.choice(_GOAL_BE) if goal else ("are" if plural else "is")
    return t.format(*f[1:], be=be)


def _grouped(facts: list[Fact]) -> list[list[Fact]]:
    """Facts that differ only in their first argument, together (in first-seen order)."""
    groups: dict[tuple[str, ...], list[Fact]] = {}
    for f in facts:
        key = (f[0], *f[2:]) if len(f) > 1 else (f[0], "#", *f[1:])
        groups.setdefault(key, []).append(f)
    return list(groups.values())


def _render(rng: random.Random, domain: str, inst: _Instance, style: str) -> str:
    phrases = PHRASES[domain]
    lines = [rng.choice(_OPEN).format(n=len(names), noun=noun, names=_names(names)) if len(names) > 1
             else f"There is one {noun[:-1]}, {names[0]}." for noun, names in inst.groups]
    lines.append(rng.choice(_INIT_HEAD[style]))

    def say(facts: list[Fact], goal: bool) -> list[str]:
        out: list[str] = []
        chunks = _grouped(facts) if style == "grouped" else [[f] for f in facts]
        for chunk in chunks:
            f = chunk[0]
            if len(chunk) > 1:
                lead = ("both " if len(chunk) == 2 else "all of ") + _names([g[1] for g in chunk])
                s = _clause(rng, phrases, (f[0], lead, *f[2:]), goal, True)
            else:
                s = _clause(rng, phrases, f, goal, False)
            # capitalized, but never an object name ("c0 is at l1", not "C0 is at l1")
            s = s if s.split(" ", 1)[0] in inst.objects else s[:1].upper() + s[1:]
            out.append(f"- {s}" if style == "list" else s + ".")
        return out

    lines += say(inst.init, goal=False)
    lines.append(rng.choice(_GOAL_HEAD[style]))
    lines += say(inst.goal, goal=True)
    sep = "\n" if style == "list" else " "
    return sep.join(lines) + "\n"


def generate_unseen(domain: str, seed: int, index: int, style: str | None = None) -> UnseenProblem:
    """One problem of ``domain``; ``seed`` and ``index`` fix it, ``style`` defaults to a cycle."""
    rng = random.Random(f"{domain}/{seed}/{index}")
    inst = INSTANCES[domain](rng)
    style = style or STYLES[(index + seed) % len(STYLES)]
    text = _render(rng, domain, inst, style)
    return UnseenProblem(domain, f"{domain}-s{seed}-{index}", inst.objects, tuple(inst.init), tuple(inst.goal), text, style)


def unseen_problems(size: int, seed: int, domains: Sequence[str] = UNSEEN_DOMAINS) -> list[UnseenProblem]:
    return [generate_unseen(d, seed, i) for d in domains for i in range(size)]


def write_problems(root: Path, size: int, seed: int) -> list[Path]:
    """``pNN.nl`` + ``pNN.pddl`` for ``size`` problems per domain under ``root/<domain>/``."""
    out: list[Path] = []
    for p in unseen_problems(size, seed):
        d = root / p.domain
        i = int(p.name.rsplit("-", 1)[1]) + 1
        (d / f"p{i:02d}.nl").write_text(p.text)
        (d / f"p{i:02d}.pddl").write_text(p.pddl)
        out.append(d / f"p{i:02d}.nl")
    return out


if __name__ == "__main__":  # python -m planners.unseen_gen SIZE SEED: rewrite the folder's sample
    import sys

    size, seed = (int(a) for a in sys.argv[1:3])
    for path in write_problems(UNSEEN_DIR, size, seed):
        print(path)
