"""A fixed sample of real pddlgym files (the wheel is installed --no-deps as data, never imported)
through ``Reasoner.solve_formal``: each needs one of issue 12's repairs or features; plans are
validated against the same text; a PPDDL domain is refused by name. The full table is
``python -m benchmarks.pddlgym_table``."""

from __future__ import annotations

import pytest

from benchmarks.pddlgym_table import Item, items, pddlgym_root, solve_item
from nesy.reasoner import Reasoner
from nesy.settings import Settings
from planners.validate import validate_plan

# folder/file -> what it exercises
SAMPLE = {
    "conditionalblocks/problem1.pddl": "conditional effects",
    "quantifiedblocks/problem1.pddl": "forall in preconditions",
    "equalityblocks/problem0.pddl": "equality, a disjunctive goal",
    "glibdoors_test/problem1.pddl": "a negative goal",
    "ferry/problem1.pddl": ":goal before :init",
    "spannerlearning/problem0.pddl": "a problem named 0",
    "easygripper/prob00.pddl": "a type and a predicate share a name",
    "derivedblocks/problem0.pddl": "derived predicates (a recursive one in the goal), compiled into actions",
}


@pytest.fixture(scope="module")
def reasoner() -> Reasoner:
    r = Reasoner(backends=["planning"], settings=Settings(sandbox_spares=1))
    yield r
    r.registry.get("planning").sandbox.close()


@pytest.fixture(scope="module")
def by_key() -> dict[str, Item]:
    return {i.key: i for i in items(pddlgym_root())}


@pytest.mark.parametrize("key", sorted(SAMPLE))
def test_sample_is_parsed_solved_and_the_plan_validates(reasoner: Reasoner, by_key: dict[str, Item], key: str) -> None:
    item = by_key[key]
    row = solve_item(reasoner, item, 60, {})
    assert row["parsed"] and row["solved"], (SAMPLE[key], row)
    check = validate_plan(item.domain_file.read_text(), item.problem_file.read_text(), row["plan"])
    assert check.valid, check.message


def test_a_probabilistic_domain_is_refused_by_name_and_so_is_it_by_up_and_fd(reasoner: Reasoner, by_key: dict[str, Item]) -> None:
    item = next(i for k, i in by_key.items() if k.startswith("explodingblocks/"))
    row = solve_item(reasoner, item, 20, {})
    assert not row["parsed"] and "probabilistic" in row["cause"]
    assert row["up_reader"] != "parses" and row["fast_downward"] not in ("solved", "unsolvable") and not row["avoidable"]


def test_items_pair_every_folder_with_its_domain() -> None:
    all_items = items(pddlgym_root())
    assert len(all_items) > 3000
    assert {i.domain_file.name for i in all_items if i.domain == "blocks"} == {"blocks.pddl"}
    assert len(items(pddlgym_root(), per_domain=2)) <= 2 * len({i.domain for i in all_items})


def test_footwear_reads_with_its_object_home_renamed(by_key: dict[str, Item]) -> None:
    """The object ``home`` and the predicate ``home``: the reader took the object for the predicate."""
    from planners.pddl import parse_problem

    item = by_key["footwear/problem0.pddl"]
    p = parse_problem(item.domain_file.read_text(), item.problem_file.read_text(), formal=True)
    assert p.renamed == {"home-obj": "home"} and ("home", "home-obj") in p.init and "home" not in p.objects
