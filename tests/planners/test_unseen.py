"""The unseen-domain suite end to end on the real embedded model (shipped adapter), and the
objects step under its grammar on the real model. Assertions are on structure and on
properties (distinct names, declared types, per-domain rows), never on a score."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from nesy.cli import app
from nesy.types import Trace, TranslateOptions
from nesy.steps import Engine
from planners.alignment import read_example
from planners.backend import PlanningBackend
from planners.pddl import parse_domain
from planners.suites import unseen_suite
from planners.translation import PlanningTask, objects_step
from planners.unseen_gen import UNSEEN_DOMAINS, unseen_problems


def test_suite_has_both_splits_and_every_unseen_domain() -> None:
    suite = unseen_suite(size=1, seed=3)
    assert {i.signature for i in suite.items if i.split == "held_out"} == {f"unseen:{d}" for d in UNSEEN_DOMAINS}
    assert {i.split for i in suite.items[:3]} == {"seen", "held_out"}  # --limit 3 runs both splits
    other = {p.text for p in unseen_problems(1, seed=4)}
    assert not other & {i.problem.text for i in suite.items}  # seeds draw apart
    # every gold plan has an optimal length from Fast Downward, so plan_optimal is scored on unseen domains
    lengths = {i.id: i.gold.extra.get("optimal_length") for i in suite.items}
    assert all(isinstance(n, int) and n > 0 for n in lengths.values()), lengths


def test_unseen_suite_end_to_end_on_the_embedded_model(tmp_path: Path, smollm2_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "--suite", "unseen", "--size", "1", "--limit", "3", "--llm", "embedded",
                                      "--workers", "1", "--timeout", "20", "--out", str(tmp_path), "--no-progress"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    summary = json.loads((tmp_path / "summary.json").read_text())["summary"]["formalisms"]["planning"]
    assert {"seen", "held_out"} <= set(summary["splits"])
    comps = summary["compositions"]
    assert any(c.startswith("unseen:") for c in comps) and any(c.startswith("seen:") for c in comps)
    assert all(re.fullmatch(r"(un)?seen:[a-z]+", c) for c in comps)  # one row per domain
    assert "unseen:" in (tmp_path / "report.md").read_text()
    records = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert len(records) == 3 and all(r["llm"]["calls"] >= 1 for r in records)
    for r in records:
        assert set(r["scores"]) >= {"facts_f1", "plan_valid"}
        if r["formal"]:
            objs = re.search(r"\(:objects(.*?)\)", r["formal"], re.S)[1].replace(" - ", " -").split()
            names = [w for w in objs if not w.startswith("-")]
            assert len(names) == len(set(names)), r["formal"]


async def test_objects_step_lists_distinct_names_on_the_real_model(embedded_llm) -> None:
    """The objects step degenerated to "home home home ..." before its grammar ordered the names."""
    from planners.unseen_gen import UNSEEN_DIR

    dom = parse_domain((UNSEEN_DIR / "newspapers" / "domain.pddl").read_text())
    text = ("The paperboy starts at home, which is the home base. The houses are h1, h2 and h3. "
            "There are papers p1 and p2. h1 and h3 want a paper. The goal is that h1 and h3 are satisfied.")
    task = PlanningTask(text=text, domain=dom, bundled=None, parse=lambda t: t, clause_pool=[], object_pool=[])
    engine = Engine(embedded_llm, TranslateOptions(mode="ours"), Trace())
    got = await engine.run(objects_step(task, engine.options))
    out = got.text.replace(";", " ").split()
    names = [w for i, w in enumerate(out) if w != "-" and (i == 0 or out[i - 1] != "-")]
    assert names and len(names) == len(set(names)), got.text
    assert set(got.value.values()) <= set(dom.leaf_types)
    assert len(got.text) < 200  # it stopped: a list that loops runs to the token limit


def test_backend_uses_the_example_pair_for_our_mode() -> None:
    """The context carries the example pair to our mode, not only to the baseline."""
    from nesy.types import Problem
    from planners.unseen_gen import UNSEEN_DIR

    folder = UNSEEN_DIR / "ferry"
    ctx_in = {"domain_pddl": (folder / "domain.pddl").read_text(), "example_nl": (folder / "p_example.nl").read_text(),
              "example_pddl": (folder / "p_example.pddl").read_text()}
    b = PlanningBackend()
    ctx = b.context(Problem(text="c0 is at l0.", kind="planning", context=ctx_in))
    task = b._task(ctx)
    assert task.example_pddl and read_example(task.example_pddl).objects["ferry"] == "boat"
