"""`nesy bench --suite quick` end to end: real embedded SmolLM2, real planner, Z3 and KG engine.

Limited to 3 items (the quick suite interleaves formalisms, so one of each) to stay short.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from nesy.cli import app


def _bench(out: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        app,
        ["bench", "--suite", "quick", "--llm", "embedded", "--limit", "3", "--workers", "1",
         "--out", str(out), "--no-progress", *extra],
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.stdout


def test_quick_suite_end_to_end_on_the_embedded_model(tmp_path: Path, smollm2_path: Path) -> None:
    out = _bench(tmp_path)
    for kind in ("planning", "logic", "kg"):
        assert re.search(rf"^{kind}\s", out, re.M), out  # every formalism has rows in the table
    assert "held-out" in out and "gap" in out
    calls = int(re.search(r"LLM calls (\d+)", out)[1])
    assert calls > 0

    records = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert {r["kind"] for r in records} == {"planning", "logic", "kg"}
    for r in records:
        assert r["signature"] and r["split"] in ("seen", "held_out")
        assert r["status"] is not None or r["error"]  # solved somehow, or a stated translation failure
        assert r["scores"], r  # the backend scored it, also when translation failed
        assert r["seconds"]["translate"] > 0
    # a KG question whose words leave one query structure, or a logic text the words read whole,
    # needs no model call; the objects of a planning problem always ask the model
    assert all(r["llm"]["calls"] >= 1 for r in records if r["kind"] == "planning")
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["config"]["suite"] == "quick" and summary["model"].startswith("embedded:")
    assert set(summary["summary"]["formalisms"]) == {"planning", "logic", "kg"}
    assert (tmp_path / "report.md").read_text().count("![") >= 3

    # Re-scoring replays the cached answers: the same results, not one LLM call.
    again = _bench(tmp_path, "--rescore")
    assert re.search(r"LLM calls 0, cache hits (\d+)", again) and int(re.search(r"cache hits (\d+)", again)[1]) >= calls
    rescored = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [(r["id"], r["answer"], r["scores"]) for r in rescored] == [(r["id"], r["answer"], r["scores"]) for r in records]
