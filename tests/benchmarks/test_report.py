"""Bootstrap intervals, per-split / per-composition summaries, and the report files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.report import bootstrap_ci, gap_ci, summarize, summary_table, write_report


def rec(i: int, kind: str, sig: str, split: str, acc: float | None, status: str | None = "SOLVED") -> dict:
    return {
        "id": f"{kind}-{i}",
        "kind": kind,
        "signature": sig,
        "split": split,
        "status": status,
        "scores": {} if acc is None else {"accuracy": acc},
        "error": None if status else {"type": "translation_error", "message": "x"},
        "seconds": {"translate": 1.0, "solve": 0.5, "total": 1.5},
        "tokens": {"prompt": 10, "completion": 5},
    }


def test_bootstrap_ci_brackets_the_mean_and_narrows_with_n() -> None:
    small = [1, 0, 1, 1, 0, 1, 0, 1]
    lo, hi = bootstrap_ci(small, seed=1)
    assert lo <= sum(small) / len(small) <= hi
    assert 0.0 <= lo < hi <= 1.0
    big_lo, big_hi = bootstrap_ci(small * 25, seed=1)
    assert big_hi - big_lo < hi - lo
    assert bootstrap_ci(small, seed=1) == (lo, hi)  # seeded: reproducible
    assert bootstrap_ci([1.0] * 5) == (1.0, 1.0)
    assert all(math.isnan(v) for v in bootstrap_ci([]))


def test_gap_ci_sign_and_interval() -> None:
    g, lo, hi = gap_ci([1] * 18 + [0] * 2, [1] * 4 + [0] * 16)
    assert g == pytest.approx(0.9 - 0.2)
    assert 0 < lo <= g <= hi
    g, lo, hi = gap_ci([0, 1], [])
    assert math.isnan(g)


def _records() -> list[dict]:
    rs = []
    # logic: seen compositions 3/4 right, held-out 1/4 right, one held-out translation failed
    for i, acc in enumerate([1, 1, 1, 0]):
        rs.append(rec(i, "logic", "depth1" if i < 2 else "depth2", "seen", acc))
    for i, acc in enumerate([1, 0, 0]):
        rs.append(rec(10 + i, "logic", "depth3", "held_out", acc))
    rs.append(rec(20, "logic", "depth3", "held_out", None, status=None))
    # kg: its own metric name, and a public split
    rs.append({**rec(30, "kg", "1p", "seen", None), "scores": {"mrr": 0.5}})
    rs.append({**rec(31, "kg", "2in", "held_out", None), "scores": {"mrr": 0.25}})
    rs.append({**rec(32, "kg", "pub", "public", None), "scores": {"mrr": 1.0}})
    return rs


def test_summary_per_formalism_split_and_composition() -> None:
    s = summarize(_records())
    logic = s["formalisms"]["logic"]
    assert logic["primary"] == "accuracy"
    assert logic["splits"]["seen"]["accuracy"]["mean"] == pytest.approx(0.75)
    assert logic["splits"]["held_out"]["accuracy"]["mean"] == pytest.approx(0.25)  # the failure counts 0
    assert logic["splits"]["held_out"]["accuracy"]["n"] == 4
    assert logic["splits"]["held_out"]["translated"]["mean"] == pytest.approx(0.75)
    assert logic["gap"]["accuracy"]["gap"] == pytest.approx(0.5)
    assert logic["compositions"]["depth3"]["split"] == "held_out"
    assert logic["compositions"]["depth1"]["metrics"]["accuracy"]["mean"] == 1.0
    kg = s["formalisms"]["kg"]
    assert kg["metrics"][0] == "mrr" and "accuracy" not in kg["metrics"]
    assert kg["splits"]["public"]["mrr"]["mean"] == 1.0
    # across formalisms: each one's primary metric
    overall = s["overall"]["primary"]
    assert overall["seen"]["mean"] == pytest.approx((3 + 0.5) / 5)
    assert overall["held_out"]["n"] == 5
    table = summary_table(s)
    assert "held-out" in table and "logic" in table and "+0.50" in table


def test_report_files(tmp_path: Path) -> None:
    summary, files = write_report(
        _records(), tmp_path, config={"suite": "t", "seed": 3, "mode": "ours"}, model="m", timings={"wall_seconds": 2.0}
    )
    md = files["report"].read_text()
    assert "## Per split" in md and "### logic" in md and "depth3" in md and "![" in md
    pngs = sorted(tmp_path.glob("plots/*.png"))
    assert {p.name for p in pngs} == {"logic_by_composition.png", "kg_by_composition.png", "seen_vs_held_out.png"}
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    data = json.loads(files["summary"].read_text())
    assert data["config"]["suite"] == "t" and data["model"] == "m" and data["seed"] == 3
    assert data["versions"]["nesy"] and data["versions"]["python"]
    assert data["timings"]["wall_seconds"] == 2.0 and data["timings"]["translate_seconds_sum"] == 11.0
    assert data["summary"]["formalisms"]["logic"]["gap"]["accuracy"]["gap"] == pytest.approx(0.5)
