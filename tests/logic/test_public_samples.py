"""A small end-to-end sample of each public logic dev set, through `nesy bench` on the real
embedded model (shipped adapter), real Z3: the command a user runs for the reporting tables.

Items come from the tuning parts only (the reporting parts are measured, never tested on).
ProntoQA, ProofWriter and LogicalDeduction text is read by the sentence reader, so a wrong
answer on these tune items is a regression; FOLIO is free text that the words read only in
part (the rest goes to a 135M model), so there the pipeline must run and answer or fail with
a named translation error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = 2


def _bench(suite: str, data: Path, out: Path) -> tuple[list[dict], dict]:
    name = {"prontoqa": "ProntoQA", "proofwriter": "ProofWriter", "folio": "FOLIO",
            "logicaldeduction": "LogicalDeduction"}[suite]
    cmd = [sys.executable, "-m", "nesy.cli", "bench", "--suite", f"{suite}-tune", "--size", str(SAMPLE),
           "--seed", "0", "--llm", "embedded", "--timeout", "20", "--workers", "1",
           "--path", str(data / "logic" / name / "dev.json"), "--out", str(out)]
    env = {**os.environ, "NESY_EMBEDDED_THREADS": "1"}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return records, json.loads((out / "summary.json").read_text())


@pytest.mark.slow
@pytest.mark.parametrize("suite", ["prontoqa", "proofwriter", "logicaldeduction"])
def test_read_datasets_answer_their_tune_sample(shared_data: Path, tmp_path: Path, suite: str) -> None:
    records, summary = _bench(suite, shared_data, tmp_path / suite)
    assert len(records) == SAMPLE and {r["suite"] for r in records} == {f"{suite}-tune"}
    for r in records:
        assert r["error"] is None, r["error"]
        assert r["scores"]["executable"] == 1.0, r["formal"]
        assert r["status"] == "SOLVED", r  # never inconsistent premises (UNSOLVABLE)
        assert r["scores"]["accuracy"] == 1.0, (r["answer"], r["formal"])
    assert summary["timings"]["items_run"] == SAMPLE


@pytest.mark.slow
def test_folio_tune_sample_runs_end_to_end(shared_data: Path, tmp_path: Path) -> None:
    records, summary = _bench("folio", shared_data, tmp_path / "folio")
    assert len(records) == SAMPLE
    for r in records:
        if r["error"] is not None:  # a translation the model could not finish is named, not lost
            assert r["error"]["type"] == "translation_error" and r["error"]["message"], r["error"]
            continue
        assert r["status"] in {"SOLVED", "UNSOLVABLE", "UNKNOWN"}, r
        if r["status"] == "SOLVED":  # an answer the item's scoring can read
            assert r["answer"] and r["scores"]["executable"] == 1.0, r
        assert "premise" in r["formal"] and "conclusion" in r["formal"]
    assert summary["timings"]["items_run"] == SAMPLE
