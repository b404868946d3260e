"""Plumbing of the example-pair path (alignment, naming, counts, object types, fact sets) with a
scripted LLM; the model itself is exercised in test_unseen.py."""

from __future__ import annotations

from pathlib import Path

from nesy.llm.base import LLMRequest
from nesy.llm.scripted import ScriptedLLM
from nesy.types import Problem, Trace, TranslateOptions
from planners.alignment import align_example, mentioned, read_example, sections
from planners.backend import PlanningBackend
from planners.naming import evidence_objects, learn_naming, shape
from planners.pddl import parse_domain, parse_problem
from planners.translation import fact_candidates
from planners.unseen_gen import UNSEEN_DIR, UNSEEN_DOMAINS, generate_unseen

FERRY = UNSEEN_DIR / "ferry"


def _load(d: str) -> tuple[str, str, str]:
    return tuple((UNSEEN_DIR / d / f).read_text() for f in ("domain.pddl", "p_example.nl", "p_example.pddl"))  # type: ignore[return-value]


def test_alignment_splits_the_example_into_sentence_facts() -> None:
    dom, nl, pddl = _load("ferry")
    aligned = {a.text: a.target for a in align_example(nl, pddl, parse_domain(dom))}
    assert aligned["c0 is at l0."] == "init: (at c0 l0)"
    assert aligned["The ferry is at l1 and it is empty."] == "init: (at-ferry l1) (empty-ferry ferry)"
    assert aligned["c1 should be at l0."] == "goal: (at c1 l0)"
    assert aligned["Your goal is to move the cars."] == "none"
    # every fact of the example is stated by exactly one sentence
    ex = read_example(pddl)
    said = [t for t in aligned.values() if t != "none"]
    assert sum(t.count("(") for t in said) == len(ex.init) + len(ex.goal)


def test_group_words_name_every_object_of_the_type() -> None:
    dom, nl, pddl = _load("spanner")
    domain = parse_domain(dom)
    objects = read_example(pddl).objects
    assert set(mentioned("Both spanners are useable.", objects, domain)) == {"spanner1", "spanner2"}
    aligned = {a.text: a.target for a in align_example(nl, pddl, domain)}
    assert aligned["Both spanners are useable."] == "init: (useable spanner1) (useable spanner2)"


def test_every_unseen_example_aligns_most_of_its_facts() -> None:
    for d in UNSEEN_DOMAINS:
        dom, nl, pddl = _load(d)
        ex = read_example(pddl)
        aligned = align_example(nl, pddl, parse_domain(dom))
        stated = sum(len(a.facts) for a in aligned)
        assert stated >= 0.75 * (len(ex.init) + len(ex.goal)), d


def test_counts_follow_the_example_naming() -> None:
    domain = parse_domain("(define (domain bar) (:requirements :typing) (:types shot shaker hand)"
                          " (:predicates (clean ?c - shot) (empty ?c - shot)))")
    naming = learn_naming("There is 1 shaker, 2 hands and 4 shot glasses.",
                          "(define (problem p) (:domain bar) (:objects shaker1 - shaker left right - hand "
                          "shot1 shot2 shot3 shot4 - shot) (:init (clean shot1)) (:goal (and (empty shot1))))")
    objs = evidence_objects("You have 3 shot glasses and a shaker1. The glasses are clean.", naming, domain)
    assert objs == {"shot1": "shot", "shot2": "shot", "shot3": "shot", "shaker1": "shaker"}
    # names the text lists itself win over the count
    listed = evidence_objects("There are 2 shot glasses: shot7 and shot9.", naming, domain)
    assert listed == {"shot7": "shot", "shot9": "shot"}
    assert shape("loc-1-12") == "loc-#-#"


def test_evidence_types_every_generated_object_of_every_unseen_domain() -> None:
    for d in UNSEEN_DOMAINS:
        dom, nl, pddl = _load(d)
        naming = learn_naming(nl, pddl)
        for i in range(3):
            p = generate_unseen(d, 0, i)
            assert evidence_objects(p.text, naming, parse_domain(dom)) == p.objects, (d, i)


def test_sections_follow_the_goal_header() -> None:
    clauses = ["c0 is at l0.", "Objective:", "- c0 at l1", "Currently:", "- l0 is a location"]
    assert sections(clauses) == ["init", "goal", "goal", "init", "init"]


def test_fact_sets_for_sentences_that_state_several_facts() -> None:
    domain = parse_domain(_load("ferry")[0])
    objects = {"c0": "obj", "c1": "obj", "c2": "obj", "l1": "obj", "ferry": "boat"}
    cands = fact_candidates("All of c0, c1 and c2 are parked at l1.", "init", domain, objects)
    assert "init: (at c0 l1) (at c1 l1) (at c2 l1)" in cands and "init: (at c0 l1)" in cands
    assert cands[-1] == "none" and len(set(cands)) == len(cands)
    one = fact_candidates("c0 is at l1.", "init", domain, objects)
    assert all(c.count("(") <= 1 for c in one)  # one statement: single facts only


def _answer_from(targets: dict[str, str], types: dict[str, str] | None = None):
    def reply(req: LLMRequest) -> str:
        if req.step == "planning.object_type":
            return (types or {})[req.messages[-1].content.rsplit("Object: ", 1)[1]]
        if req.step == "planning.objects":
            return "r1 r2 box1 - robot"  # every object typed with the first type
        return targets.get(req.messages[-1].content, "none")

    return reply


async def test_unseen_domain_translates_with_the_example_pair() -> None:
    """Objects come from the example's naming (no objects call); clause prompts show the
    example's sentences; goal sentences after a header without cue words go to the goal."""
    dom, nl, pddl = _load("ferry")
    p = generate_unseen("ferry", 0, 2)  # list style: "Objective:" then "- c0 should be ..."
    assert p.style == "list"
    targets = {}
    for line in p.text.splitlines():  # the gold facts over the objects a line names
        named = set(line.replace("- ", "").split())
        goal = "should" in line or "must" in line
        facts = [f for f in (p.goal if goal else p.init) if f[1:] and set(f[1:]) <= named]
        if facts:
            targets[line.removeprefix("- ").strip()] = ("goal: " if goal else "init: ") + " ".join("(" + " ".join(f) + ")" for f in facts)
    llm = ScriptedLLM(_answer_from(targets))
    b = PlanningBackend()
    ctx = b.context(Problem(text=p.text, kind="planning",
                            context={"domain_pddl": dom, "example_nl": nl, "example_pddl": pddl}))
    f = await b.translate(ctx, llm, TranslateOptions(mode="ours", rank="off"), Trace())
    assert not any(r.step == "planning.objects" for r in llm.requests)
    assert f.parsed.objects == p.objects
    assert set(p.goal) <= f.parsed.goal
    clause_prompts = [r for r in llm.requests if r.step == "planning.clause"]
    assert clause_prompts and all(any("(at" in m.content for m in r.messages if m.role == "assistant")
                                  for r in clause_prompts)


async def test_objects_without_example_get_one_type_each() -> None:
    dom = ("(define (domain move) (:requirements :typing) (:types robot box) "
           "(:predicates (near ?r - robot ?b - box) (moved ?b - box)))")
    text = "Robots r1 and r2 stand next to box1. r1 is near box1. box1 should be moved."
    llm = ScriptedLLM(_answer_from({"r1 is near box1.": "init: (near r1 box1)", "box1 should be moved.": "goal: (moved box1)"},
                                   types={"r1": "robot", "r2": "robot", "box1": "box"}))
    b = PlanningBackend()
    ctx = b.context(Problem(text=text, kind="planning", context={"domain_pddl": dom}))
    f = await b.translate(ctx, llm, TranslateOptions(mode="ours", rank="off"), Trace())
    assert f.parsed.objects == {"r1": "robot", "r2": "robot", "box1": "box"}
    assert f.parsed.init == {("near", "r1", "box1")} and f.parsed.goal == {("moved", "box1")}


def test_unseen_folder_is_in_llmp_layout() -> None:
    from planners.suites import load_llmp

    suite = load_llmp(UNSEEN_DIR)
    assert {i.gold.extra["domain"] for i in suite.items} == set(UNSEEN_DOMAINS)
    for it in suite.items:
        assert it.problem.context["example_nl"] and it.problem.context["example_pddl"]
    assert Path(FERRY / "p01.nl").is_file()


def test_sentences_that_only_introduce_objects_or_head_a_section_state_no_fact() -> None:
    from planners.alignment import introduces_objects, section_header

    domain = parse_domain(_load("tireworld")[0])
    objs = {"n0": "location", "n1": "location", "n2": "location"}
    assert introduces_objects("The locations are n0, n1 and n2.", objs, domain)
    assert introduces_objects("There are 3 locations: n0, n1 and n2.", objs, domain)
    assert not introduces_objects("There is a road from n0 to n1.", objs, domain)
    assert not introduces_objects("The vehicle is at n0.", objs, domain)
    assert section_header("What we want in the end is the following.", objs, domain)
    assert section_header("Right now the world looks like this.", objs, domain)
    assert not section_header("The tire is fine.", objs, domain)  # no cue: it may state (not-flattire)
    assert not section_header("Initially the tire is flat.", objs, domain)  # a word of flattire
    ferry = parse_domain(_load("ferry")[0])
    # a list under a predicate's word ("locations" ~ location) is a statement, not an introduction
    assert not introduces_objects("The locations are l0, l1 and l2.", {"l0": "obj", "l1": "obj", "l2": "obj"}, ferry)



def test_a_sentence_that_lists_names_after_their_types_introduces_them() -> None:
    from planners.alignment import introduces_objects
    from planners.domains import bundled_domain

    logistics = parse_domain(bundled_domain("logistics").pddl)
    objs = {"t1": "truck", "t2": "truck", "a1": "airplane", "p1": "package", "p2": "package", "apt2": "airport"}
    assert introduces_objects("Trucks t1 and t2 and airplane a1 carry packages p1 and p2.", objs, logistics)
    # a type word after a place word says where: a fact
    assert not introduces_objects("Packages p1 and p2 wait at airport apt2.", objs, logistics)
    assert not introduces_objects("Truck t1 carries package p1.", objs, logistics)  # two names: may be a fact


def test_argument_order_is_learned_from_the_example_and_filters_reversed_readings() -> None:
    from planners.alignment import argument_orders

    dom, nl, pddl = _load("hanoi")
    domain = parse_domain(dom)
    orders = argument_orders(nl, pddl, domain)
    assert orders["smaller"] == (1, 0) and orders["on"] == (0, 1)  # "d1 is smaller than d2" is (smaller d2 d1)
    objects = {"d1": "object", "d2": "object", "peg1": "object"}
    cands = fact_candidates("d1 is narrower than peg1.", "init", domain, objects, orders=orders)
    assert "init: (smaller peg1 d1)" in cands and "init: (on d1 peg1)" in cands
    assert "init: (smaller d1 peg1)" not in cands and "init: (on peg1 d1)" not in cands
    mic = _load("miconic")
    assert argument_orders(mic[1], mic[2], parse_domain(mic[0]))["above"] == (1, 0)
    tw = _load("tireworld")  # every road sentence names both orders: nothing learned, nothing filtered
    assert "road" not in argument_orders(tw[1], tw[2], parse_domain(tw[0]))


def test_focus_offers_the_facts_over_the_named_objects_with_the_sentences_words() -> None:
    tw = parse_domain(_load("tireworld")[0])
    objs = {"n0": "location", "n1": "location"}
    car = fact_candidates("The car is in n0.", "init", tw, objs, focus=True)
    assert "init: (vehicle-at n0)" in car and not any("flattire" in c for c in car)  # not about the tire
    doors = parse_domain(_load("doors")[0])
    key = fact_candidates("key0 is at loc-0-0.", "init", doors, {"key0": "key", "loc-0-0": "location"}, focus=True)
    assert key == ("init: (keyat key0 loc-0-0)", "none")  # both objects, not the robot's (at loc-0-0)
    spanner = parse_domain(_load("spanner")[0])
    nut = fact_candidates("nut1 is not yet tight.", "init", spanner, {"nut1": "nut"}, focus=True)
    assert "init: (loose nut1)" in nut and "init: (tightened nut1)" not in nut
    assert "init: (tightened nut1)" in fact_candidates("nut1 is screwed tight.", "init", spanner, {"nut1": "nut"},
                                                       focus=True)


def test_a_fact_stated_twice_is_read_again_where_the_model_was_less_sure() -> None:
    from nesy.steps import StepResult
    from planners.translation import _restated

    def r(facts: list[tuple[str, ...]], margin: float, section: str = "init") -> StepResult:
        return StepResult("planning.clause", (section, facts), "", 0, method="rank", margin=margin)

    results = [r([("on", "d1", "d2")], 14.0), r([("on", "d1", "d2")], 2.3), r([("on", "d2", "d3")], 1.0), None,
               r([("on", "d1", "d2")], 0.5, "goal")]
    assert _restated(results) == [1]  # the goal says it too, but a goal is no restatement


def test_the_example_shows_which_first_arguments_have_one_value() -> None:
    """A two-place fact whose first argument never repeats in the example (two facts or more)
    gets one value per first argument; the second argument may repeat (two cars at one place)."""
    from planners.alignment import example_rules

    def unique(domain: str) -> set[tuple[str, int, int]]:
        rules = example_rules((UNSEEN_DIR / domain / "p_example.pddl").read_text())
        return {(u.predicate, u.key, u.value) for u in rules.unique} if rules else set()

    assert unique("miconic") == {("origin", 0, 1), ("destin", 0, 1)}  # not above: f0 is below two floors
    assert unique("ferry") == {("at", 0, 1)}
    assert example_rules(None) is None
    one = "(define (problem p) (:domain d) (:objects a b - x) (:init (on a b)) (:goal (and (on b a))))"
    assert example_rules(one) is None  # one fact shows nothing
    # no generated problem of the tuning seed breaks a rule its domain's example implies
    from planners.lint import check_contradictions

    for d in UNSEEN_DOMAINS:
        rules = example_rules((UNSEEN_DIR / d / "p_example.pddl").read_text())
        domain = parse_domain((UNSEEN_DIR / d / "domain.pddl").read_text())
        for i in range(10):
            check_contradictions(parse_problem(domain, generate_unseen(d, 0, i).pddl, formal=True).init, rules)
