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


def test_two_shards_share_a_run_and_the_table_reads_both(tmp_path) -> None:
    """``--shard K/N``: each process runs its own problems and writes its own rows; every table
    is built from all shards' rows, and a rerun resumes (runs nothing twice)."""
    import json

    from benchmarks.pddlgym_table import main

    out = tmp_path / "t.md"
    args = ["--domains", "blocks", "--per-domain", "3", "--timeout", "30", "--out", str(out)]
    assert main([*args, "--shard", "0/2"]) == 0
    assert json.loads(out.with_name("t.md.json").read_text())["total"]["files"] == 2
    assert main([*args, "--shard", "1/2"]) == 0
    total = json.loads(out.with_name("t.md.json").read_text())["total"]
    assert total["files"] == 3 and total["solved"] == 3
    rows = [ln for f in tmp_path.glob("t.md.jsonl*") for ln in f.read_text().splitlines()]
    assert len(rows) == 3
    assert main([*args, "--shard", "1/2"]) == 0  # resumed: nothing left to run
    assert len([ln for f in tmp_path.glob("t.md.jsonl*") for ln in f.read_text().splitlines()]) == 3


def test_the_table_says_under_which_limit_a_problem_timed_out() -> None:
    from benchmarks.pddlgym_table import table

    rows = [
        {"domain": "d", "file": "d/p0", "parsed": True, "status": "TIMEOUT", "timeout_s": 60.0, "fast_downward": "timeout"},
        {"domain": "d", "file": "d/p1", "parsed": True, "status": "TIMEOUT", "timeout_s": 10.0},
        {"domain": "d", "file": "d/p2", "parsed": True, "status": "SOLVED", "solved": True, "timeout_s": 10.0},
        {"domain": "e", "file": "e/p0", "parsed": True, "status": "TIMEOUT", "timeout_s": 60.0, "fast_downward": "solved"},
    ]
    t = table(rows)
    assert t["domains"]["d"]["other"] == {"TIMEOUT (60 s)": 1, "TIMEOUT (10 s)": 1}
    assert t["domains"]["d"]["fd_on_timeout"] == "timeout"
    assert t["total"]["solved"] == 1 and t["total"]["timeouts_fd_solves"] == 1


def test_a_domain_that_keeps_timing_out_gets_the_quick_limit(tmp_path) -> None:
    """footwear's grounding alone takes Fast Downward ~10 s: under 2 s every problem times out;
    after the first (--quick-after 1) the rest run under --quick-timeout, and the rows say so.
    The first time-out gets a direct Fast Downward run under the same overall limit."""
    import json

    from benchmarks.pddlgym_table import main

    out = tmp_path / "t.md"
    assert main(["--domains", "footwear", "--per-domain", "3", "--timeout", "2", "--quick-after", "1",
                 "--quick-timeout", "1", "--out", str(out)]) == 0
    rows = [json.loads(ln) for ln in out.with_name("t.md.jsonl").read_text().splitlines()]
    assert [(r["status"], r["timeout_s"]) for r in rows] == [("TIMEOUT", 2.0), ("TIMEOUT", 1.0), ("TIMEOUT", 1.0)]
    assert rows[0]["fast_downward"] == "timeout" and "fast_downward" not in rows[1]
    assert "TIMEOUT (1 s) 2" in out.read_text()


def test_parse_only_reads_as_the_solve_path_does(tmp_path) -> None:
    """``--parse-only``: the refusal column for every file without planning. A probabilistic
    domain is refused; glibrearrangement (the name ``pick`` used for two kinds of thing) is read with
    relaxed names as the solve path reads it, not refused as UP's default reader would."""
    import json

    from benchmarks.pddlgym_table import main

    out = tmp_path / "p.md"
    assert main(["--parse-only", "--domains", "explodingblocks,glibrearrangement", "--per-domain", "2",
                 "--out", str(out)]) == 0
    t = json.loads(out.with_name("p.md.json").read_text())
    assert t["domains"]["glibrearrangement"]["parsed"] == 2 and t["domains"]["explodingblocks"]["parsed"] == 0
    assert t["total"]["solved"] == 0 and t["total"]["avoidable_refusals"] == 0
    assert "parse only" in out.read_text()


def test_an_unsolvable_verdict_is_checked_against_fast_downward_alone(reasoner: Reasoner, by_key: dict[str, Item]) -> None:
    """doors/problem01 has no plan: our verdict, and Fast Downward's on the original files."""
    row = solve_item(reasoner, by_key["doors/problem01.pddl"], 30, {})
    assert row["status"] == "UNSOLVABLE" and row["fast_downward"] == "unsolvable"


def test_files_over_max_bytes_are_left_out_and_said(tmp_path) -> None:
    """toomanyblocks/problem0 is 267 kB: over --max-bytes it is not run, and the table says so."""
    import json

    from benchmarks.pddlgym_table import main

    out = tmp_path / "p.md"
    assert main(["--parse-only", "--domains", "toomanyblocks", "--max-bytes", "100000", "--out", str(out)]) == 0
    assert json.loads(out.with_name("p.md.json").read_text())["skipped_over_max_bytes"] == {"toomanyblocks": 1}
    assert "Not run, over 100,000 bytes: toomanyblocks 1" in out.read_text()
