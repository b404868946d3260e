"""Atomic JSONL results and resuming an interrupted run (plumbing: toy backend and toy LLM)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.store import ResultStore, read_records

REPO = Path(__file__).resolve().parents[2]


def test_partial_last_line_is_ignored_and_cut(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultStore(path) as store:
        store.append({"id": "a", "v": 1})
        store.append({"id": "b", "v": 2})
    with open(path, "ab") as f:  # a write torn by a crash
        f.write(b'{"id": "c", "v"')
    records, valid = read_records(path)
    assert [r["id"] for r in records] == ["a", "b"]
    assert valid < path.stat().st_size
    with ResultStore(path) as store:
        assert store.done() == {"a", "b"}
        store.append({"id": "c", "v": 3})
    lines = path.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b", "c"]


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]


def _run(out: Path, n: int, delay: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.toy_run", str(out), str(n), str(delay), "1"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_killed_run_resumes_without_losing_or_repeating_items(tmp_path: Path) -> None:
    out, n = tmp_path / "run", 24
    results = out / "results.jsonl"
    proc = _run(out, n, 0.25)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not results.exists() or len(_ids(results)) < 5):
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # no cleanup at all: the worst case
    proc.wait(10)
    before = _ids(results)
    assert 5 <= len(before) < n, "the run should have been killed midway"
    first_bytes = results.read_bytes()
    with open(results, "ab") as f:
        f.write(b'{"id": "toy-9')  # and a torn last line on top

    proc = _run(out, n, 0.0)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    after = _ids(results)
    assert sorted(after) == sorted(f"toy-{i:03d}" for i in range(n))  # nothing lost
    assert len(after) == len(set(after)) == n  # nothing twice
    assert results.read_bytes().startswith(first_bytes)  # finished items untouched
    calls = int(stdout.split("calls")[1].split()[0])
    # only unfinished items asked the LLM (at most 2 calls each: every third one is repaired)
    assert calls <= 2 * (n - len(before))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["summary"]["n_items"] == n
