"""Problem generators for the bundled domains: facts, paraphrased text, composition signature,
and the gold optimal plan length from an optimal planner run (cached on disk).

Every fact has several phrasings so translation is not a lookup; each sentence states one
fact, and the generator records which facts each sentence states (the clause exemplars
for translation come from there, from seen compositions only).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nesy.translate import Exemplar

from planners.domains import bundled_domain
from planners.pddl import Fact, fact_str, write_problem

__all__ = [
    "Clause",
    "GeneratedProblem",
    "GENERATORS",
    "generate",
    "optimal_lengths",
    "clause_exemplars",
    "object_exemplars",
    "SEEN_GOALS",
    "GOAL_COMBOS",
    "MAX_SEEN_OBJECTS",
]


@dataclass(frozen=True)
class Clause:
    text: str
    section: str  # "init", "goal" or "none"
    facts: tuple[Fact, ...] = ()

    @property
    def target(self) -> str:
        """The output a clause translator should produce for this sentence."""
        if self.section == "none" or not self.facts:
            return "none"
        return f"{self.section}: " + " ".join(fact_str(f) for f in self.facts)


@dataclass(frozen=True)
class GeneratedProblem:
    domain: str
    name: str
    objects: dict[str, str]
    init: tuple[Fact, ...]
    goal: tuple[Fact, ...]
    clauses: tuple[Clause, ...]
    main_objects: int  # blocks / balls / packages: the size axis of the composition
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.clauses)

    @property
    def pddl(self) -> str:
        return write_problem(self.name, self.domain, self.objects, self.init, self.goal)

    @property
    def goal_combo(self) -> str:
        return "+".join(sorted({f[0] for f in self.goal}))

    @property
    def signature(self) -> str:
        return f"{self.domain}:{self.goal_combo}/n{self.main_objects}"

    @property
    def objects_target(self) -> str:
        by_type: dict[str, list[str]] = {}
        for o, t in self.objects.items():
            by_type.setdefault(t, []).append(o)
        return "; ".join(" ".join(os_) + f" - {t}" for t, os_ in by_type.items())


def _say(rng: random.Random, templates: Sequence[str], **kw: str) -> str:
    t = rng.choice(templates)
    s = t.format(**kw)
    # capitalize a sentence, but never an object name ("b1 is clear", not "B1 is clear")
    return s if t.startswith("{") else s[:1].upper() + s[1:]


def _listing(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# Goal-predicate combinations the exemplars may show ("seen"); the rest are held out.
SEEN_GOALS: dict[str, set[str]] = {
    "blocksworld": {"on", "on+ontable"},
    "gripper": {"at", "at+at-robby"},
    "logistics": {"at"},
}
GOAL_COMBOS: dict[str, list[str]] = {
    "blocksworld": ["on", "on+ontable", "clear+on", "clear+on+ontable"],
    "gripper": ["at", "at+at-robby", "at+carry"],
    "logistics": ["at", "at+in"],
}
MAX_SEEN_OBJECTS = {"blocksworld": 4, "gripper": 3, "logistics": 2}

GOAL_INTROS = ["Your goal is as follows.", "Here is what should hold at the end.", "The task is to rearrange things."]

# -- blocksworld ---------------------------------------------------------------------------

BW_INIT = {
    "on": ["{x} is on top of {y}.", "block {x} sits on block {y}.", "{x} is stacked on {y}.", "the block {x} rests on {y}."],
    "ontable": ["{x} is on the table.", "block {x} lies on the table.", "{x} sits directly on the table."],
    "clear": ["{x} is clear.", "nothing is on top of {x}.", "block {x} has no block on it."],
    "handempty": ["the hand is empty.", "the robot arm is holding nothing.", "the gripper is free."],
}
BW_GOAL = {
    "on": ["{x} should be on top of {y}.", "block {x} must end up on block {y}.", "I want {x} stacked on {y}."],
    "ontable": ["{x} should be on the table.", "block {x} must end up on the table.", "I want {x} on the table."],
    "clear": ["{x} should be clear.", "nothing should be on top of {x} at the end.", "I want {x} to have no block on it."],
}


def _towers(rng: random.Random, blocks: list[str]) -> list[list[str]]:
    order = blocks[:]
    rng.shuffle(order)
    towers: list[list[str]] = []
    for b in order:
        if towers and rng.random() < 0.6:
            rng.choice(towers).append(b)
        else:
            towers.append([b])
    return towers


def _tower_facts(towers: list[list[str]]) -> list[Fact]:
    facts: list[Fact] = []
    for t in towers:
        facts.append(("ontable", t[0]))
        facts += [("on", t[i + 1], t[i]) for i in range(len(t) - 1)]
        facts.append(("clear", t[-1]))
    return facts


def gen_blocksworld(rng: random.Random, n: int, combo: str, name: str) -> GeneratedProblem:
    blocks = [f"b{i}" for i in range(1, n + 1)]
    init = _tower_facts(_towers(rng, blocks)) + [("handempty",)]
    want = set(combo.split("+"))
    for _ in range(200):
        final = [f for f in _tower_facts(_towers(rng, blocks)) if f[0] in want]
        # keep goals short (the point is the combination): one fact of each predicate first
        firsts = [next(f for f in final if f[0] == p) for p in sorted(want) if any(f[0] == p for f in final)]
        goal = (firsts + [f for f in final if f not in firsts])[: max(len(want), n - 1)]
        if {f[0] for f in goal} == want and not set(goal) <= set(init):
            break
    else:  # pragma: no cover - a combo that random towers never produce
        raise ValueError(f"could not generate a blocksworld goal with {combo}")
    clauses = [Clause(f"There are {n} blocks: {_listing(blocks)}.", "none")]
    for f in init:
        clauses.append(Clause(_say(rng, BW_INIT[f[0]], **dict(zip("xy", f[1:]))), "init", (f,)))
    clauses.append(Clause(rng.choice(GOAL_INTROS), "none"))
    for f in goal:
        clauses.append(Clause(_say(rng, BW_GOAL[f[0]], **dict(zip("xy", f[1:]))), "goal", (f,)))
    return GeneratedProblem("blocksworld", name, {b: "block" for b in blocks}, tuple(init), tuple(goal), tuple(clauses), n)


# -- gripper ---------------------------------------------------------------------------------

GR_INIT = {
    "at-robby": ["the robot is in {r}.", "the robot stands in room {r}.", "the robot starts in {r}."],
    "at": ["{b} is in {r}.", "ball {b} lies in room {r}.", "{b} can be found in {r}."],
    "free": ["the {g} gripper is free.", "the {g} gripper holds nothing.", "nothing is in the {g} gripper."],
}
GR_GOAL = {
    "at-robby": ["the robot should end in {r}.", "the robot must finish in room {r}."],
    "at": ["{b} should be in {r}.", "ball {b} must be moved to room {r}.", "I want {b} in {r}."],
    "carry": ["the {g} gripper should hold {b}.", "ball {b} must end up in the {g} gripper."],
}


def gen_gripper(rng: random.Random, n: int, combo: str, name: str) -> GeneratedProblem:
    rooms = ["rooma", "roomb", "roomc"][: 2 + (n > 3)]
    balls = [f"ball{i}" for i in range(1, n + 1)]
    grippers = ["left", "right"]
    robot = rng.choice(rooms)
    where = {b: rng.choice(rooms) for b in balls}
    init: list[Fact] = [("at-robby", robot), *(("at", b, r) for b, r in where.items()), *(("free", g) for g in grippers)]
    want = combo.split("+")
    goal: list[Fact] = []
    movers = rng.sample(balls, k=max(1, min(n, 2 if "carry" in want else n)))
    if "carry" in want:
        goal.append(("carry", movers[0], rng.choice(grippers)))
        movers = movers[1:] or [b for b in balls if b not in goal[0]][:1]
    if "at" in want:
        for b in movers:
            goal.append(("at", b, rng.choice([r for r in rooms if r != where[b]])))
    if "at-robby" in want:
        goal.append(("at-robby", rng.choice([r for r in rooms if r != robot])))
    objects = {**{r: "room" for r in rooms}, **{b: "ball" for b in balls}, **{g: "gripper" for g in grippers}}
    clauses = [
        Clause(f"There are {len(rooms)} rooms, {_listing(rooms)}, and {n} balls, {_listing(balls)}.", "none"),
        Clause("The robot has two grippers, left and right.", "none"),
    ]
    for f in init:
        kw = {"at-robby": lambda f: {"r": f[1]}, "at": lambda f: {"b": f[1], "r": f[2]}, "free": lambda f: {"g": f[1]}}[f[0]](f)
        clauses.append(Clause(_say(rng, GR_INIT[f[0]], **kw), "init", (f,)))
    clauses.append(Clause(rng.choice(GOAL_INTROS), "none"))
    for f in goal:
        kw = {"at-robby": lambda f: {"r": f[1]}, "at": lambda f: {"b": f[1], "r": f[2]}, "carry": lambda f: {"b": f[1], "g": f[2]}}[f[0]](f)
        clauses.append(Clause(_say(rng, GR_GOAL[f[0]], **kw), "goal", (f,)))
    return GeneratedProblem("gripper", name, objects, tuple(init), tuple(goal), tuple(clauses), n)


# -- logistics -------------------------------------------------------------------------------

LG_INIT = {
    "in-city": ["{l} is in city {c}.", "{l} lies in {c}.", "{l} belongs to city {c}."],
    "at": ["{o} is at {l}.", "{o} is located at {l}.", "{o} waits at {l}."],
    "in": ["{o} is in {v}.", "{o} is loaded in {v}."],
}
LG_GOAL = {
    "at": ["{o} should be at {l}.", "deliver {o} to {l}.", "{o} must end up at {l}."],
    "in": ["{o} should end up inside {v}.", "{o} must be loaded into {v}."],
}


def gen_logistics(rng: random.Random, n: int, combo: str, name: str) -> GeneratedProblem:
    cities = ["c1", "c2"]
    locs = {"c1": "l1", "c2": "l2"}
    airports = {"c1": "apt1", "c2": "apt2"}
    trucks = {"c1": "t1", "c2": "t2"}
    packages = [f"p{i}" for i in range(1, n + 1)]
    places = [*locs.values(), *airports.values()]
    objects = {
        **{c: "city" for c in cities},
        **{l: "location" for l in locs.values()},
        **{a: "airport" for a in airports.values()},
        **{t: "truck" for t in trucks.values()},
        "a1": "airplane",
        **{p: "package" for p in packages},
    }
    init: list[Fact] = []
    for c in cities:
        init += [("in-city", locs[c], c), ("in-city", airports[c], c)]
    for c in cities:
        init.append(("at", trucks[c], rng.choice([locs[c], airports[c]])))
    init.append(("at", "a1", rng.choice(list(airports.values()))))
    start = {p: rng.choice(places) for p in packages}
    init += [("at", p, l) for p, l in start.items()]
    want = combo.split("+")
    goal: list[Fact] = []
    rest = packages[:]
    if "in" in want:
        p = rest.pop(0)
        goal.append(("in", p, rng.choice([*trucks.values(), "a1"])))
    if "at" in want:
        for p in rest or packages[:1]:
            goal.append(("at", p, rng.choice([l for l in places if l != start[p]])))
    clauses = [
        Clause(f"There are two cities, c1 and c2. Each has a location ({_listing(list(locs.values()))}) and an airport ({_listing(list(airports.values()))}).", "none"),
        Clause(f"Trucks t1 and t2 and airplane a1 carry packages {_listing(packages)}.", "none"),
    ]
    for f in init:
        if f[0] == "in-city":
            kw = {"l": f[1], "c": f[2]}
        else:
            kw = {"o": f[1], "l": f[2]}
        clauses.append(Clause(_say(rng, LG_INIT[f[0]], **kw), "init", (f,)))
    clauses.append(Clause(rng.choice(GOAL_INTROS), "none"))
    for f in goal:
        kw = {"o": f[1], "l": f[2]} if f[0] == "at" else {"o": f[1], "v": f[2]}
        clauses.append(Clause(_say(rng, LG_GOAL[f[0]], **kw), "goal", (f,)))
    return GeneratedProblem("logistics", name, objects, tuple(init), tuple(goal), tuple(clauses), n)


GENERATORS: dict[str, Callable[[random.Random, int, str, str], GeneratedProblem]] = {
    "blocksworld": gen_blocksworld,
    "gripper": gen_gripper,
    "logistics": gen_logistics,
}


def generate(domain: str, n: int, combo: str, seed: int, name: str | None = None) -> GeneratedProblem:
    rng = random.Random(f"{domain}/{n}/{combo}/{seed}")
    return GENERATORS[domain](rng, n, combo, name or f"{domain}-{combo.replace('+', '-')}-n{n}-s{seed}")


# -- gold optimal plan lengths --------------------------------------------------------------


def optimal_lengths(
    problems: Sequence[GeneratedProblem], cache_dir: Path | None, timeout: float = 60.0, memory_mb: int = 4096
) -> list[int | None]:
    """Optimal plan length per generated problem of a bundled domain (see ``optimal_lengths_of``)."""
    return optimal_lengths_of([(bundled_domain(p.domain).pddl, p.pddl) for p in problems], cache_dir, timeout, memory_mb)


def optimal_lengths_of(
    tasks: Sequence[tuple[str, str]], cache_dir: Path | None, timeout: float = 60.0, memory_mb: int = 4096
) -> list[int | None]:
    """Optimal plan length per (domain PDDL, problem PDDL) from Fast Downward (A* + LM-cut),
    cached by content hash; None where it proved no optimum in ``timeout``."""
    from planners.solving import SolveJob, outcome_to_solution, run_worker

    cache_file = cache_dir / "planners" / "optimal_lengths.json" if cache_dir else None
    cache: dict[str, int | None] = {}
    if cache_file and cache_file.is_file():
        cache = json.loads(cache_file.read_text())
    keys = [hashlib.sha256((domain + problem).encode()).hexdigest()[:24] for domain, problem in tasks]
    todo = [i for i, k in enumerate(keys) if k not in cache]
    if todo:
        jobs = [SolveJob(tasks[i][0], tasks[i][1], "fd-opt", timeout) for i in todo]
        run = run_worker(jobs, memory_mb=memory_mb, deadline_s=timeout * len(jobs) + 10)
        for i, out in zip(todo, run.results):
            sol = outcome_to_solution(out, "fd-opt", timeout)
            cache[keys[i]] = len(sol.answer) if sol.status.value == "SOLVED_OPTIMALLY" else None
        if cache_file:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            cache_file.write_text(json.dumps(cache, indent=0, sort_keys=True))
    return [cache.get(k) for k in keys]


# -- exemplars from seen compositions only ---------------------------------------------------


@lru_cache(maxsize=8)
def _exemplar_problems(domain: str) -> tuple[GeneratedProblem, ...]:
    seen = sorted(SEEN_GOALS[domain])
    sizes = range(2 if domain != "blocksworld" else 3, MAX_SEEN_OBJECTS[domain] + 1)
    # seeds far from any suite's seeds, so exemplars never coincide with test items
    return tuple(generate(domain, n, combo, 100_000 + s) for combo in seen for n in sizes for s in range(3))


def clause_exemplars(domain: str) -> list[Exemplar]:
    """Sentence -> "init: (...)" / "goal: (...)" / "none" pairs from seen compositions."""
    out: list[Exemplar] = []
    seen_text: set[str] = set()
    for p in _exemplar_problems(domain):
        for c in p.clauses:
            if c.text not in seen_text:
                seen_text.add(c.text)
                out.append(Exemplar(c.text, c.target, p.signature))
    return out


def object_exemplars(domain: str) -> list[Exemplar]:
    return [Exemplar(p.text, p.objects_target, p.signature) for p in _exemplar_problems(domain)]
