"""Batch jobs: progress, JSON-lines results, cancel, suites, and resuming after a crash."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import httpx

from tests.server.conftest import ServerProcess, assert_error_shape, dead_llm_url
from tests.server.problems import BLOCKS_PROBLEM, LOGIC_BAD, LOGIC_PROGRAM


def wait_job(c: httpx.Client, job_id: str, until: callable, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = c.get(f"/v1/jobs/{job_id}").json()
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job never reached the state: {job}"
        time.sleep(0.2)


def results(c: httpx.Client, job_id: str) -> list[dict]:
    r = c.get(f"/v1/jobs/{job_id}/results")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in r.text.splitlines()]


def logic_item(program: str, i: int) -> dict:
    return {"formal": program, "kind": "logic", "id": f"L{i}"}


def test_job_of_formal_problems(http: httpx.Client, need) -> None:
    need("logic")
    items = [logic_item(LOGIC_PROGRAM, 0), logic_item(LOGIC_BAD, 1), logic_item(LOGIC_PROGRAM, 2)]
    r = http.post("/v1/jobs", json={"problems": items})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["total"] == 3 and job["status"] in ("queued", "running", "done")
    job = wait_job(http, job["id"], lambda j: j["status"] == "done")
    assert (job["done"], job["errors"], job["pending"]) == (2, 1, 0), job
    assert job["counts"]["translation_error"] == 1 and job["finished"] >= job["created"]
    lines = results(http, job["id"])
    assert [line["idx"] for line in lines] == [0, 1, 2]
    assert [line["id"] for line in lines] == ["L0", "L1", "L2"]
    assert lines[1]["error"]["type"] == "translation_error" and lines[1]["error"]["line"] == 3
    assert lines[0]["solution"]["status"] in ("SOLVED", "SOLVED_OPTIMALLY")


def test_job_request_validation(http: httpx.Client) -> None:
    assert_error_shape(http.post("/v1/jobs", json={}), 422, "invalid_request")
    assert_error_shape(http.post("/v1/jobs", json={"problems": [{"formal": "p"}]}), 422, "invalid_request")
    assert_error_shape(http.post("/v1/jobs", json={"problems": [{"text": "a", "formal": "b", "kind": "logic"}]}), 422)
    assert_error_shape(http.post("/v1/jobs", json={"suite": "no-such-suite"}), 404, "not_found")


def test_suite_job_with_llm_down_records_errors(http: httpx.Client) -> None:
    from benchmarks.registry import load_suite

    suite = load_suite("blocksworld", size=2, seed=0)
    n = len(suite.items)
    assert n == 2
    r = http.post("/v1/jobs", json={"suite": "blocksworld", "size": 2, "seed": 0})
    assert r.status_code == 202, r.text
    job = wait_job(http, r.json()["id"], lambda j: j["status"] == "done")
    assert job["total"] == n and job["errors"] == n and job["counts"] == {"llm_unavailable": n}, job
    lines = results(http, job["id"])
    assert [line["id"] for line in lines] == [it.id for it in suite.items]
    assert all(line["signature"] and line["split"] for line in lines)


def plan_items(n: int) -> list[dict]:
    return [{"formal": BLOCKS_PROBLEM, "kind": "planning", "context": {"domain": "blocksworld"}, "id": f"P{i}"} for i in range(n)]


def test_cancel_keeps_finished_items(http: httpx.Client, need) -> None:
    need("planning")
    job = http.post("/v1/jobs", json={"problems": plan_items(20)}).json()
    r = http.delete(f"/v1/jobs/{job['id']}")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    time.sleep(3)  # items in flight at cancel time may still land
    after = http.get(f"/v1/jobs/{job['id']}").json()
    assert after["status"] == "cancelled" and after["pending"] > 0, after
    assert len(results(http, job["id"])) == after["done"] + after["errors"]


def test_killed_server_resumes_job_without_loss_or_duplicates(tmp_path: Path, need) -> None:
    need("planning")
    n = 8
    srv = ServerProcess(tmp_path, llm=dead_llm_url()).start()
    try:
        with srv.client() as c:
            job_id = c.post("/v1/jobs", json={"problems": plan_items(n)}).json()["id"]
            wait_job(c, job_id, lambda j: j["done"] >= 2)
            before = results(c, job_id)
        srv.kill()
        with sqlite3.connect(srv.jobs_db) as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM items WHERE job_id = ? GROUP BY state", (job_id,)).fetchall())
        assert states.get("pending", 0) > 0, f"the job finished before the kill, nothing to resume: {states}"
        assert states.get("done", 0) >= len(before)

        srv.start()  # same port, same database; no request needed to resume
        with srv.client() as c:
            job = wait_job(c, job_id, lambda j: j["status"] == "done", timeout=240)
            after = results(c, job_id)
        assert (job["total"], job["done"], job["pending"]) == (n, n, 0), job
        assert [line["idx"] for line in after] == list(range(n)), "an item was lost or duplicated"
        assert [line["id"] for line in after] == [f"P{i}" for i in range(n)]
        by_idx = {line["idx"]: line for line in after}
        for line in before:  # items finished before the crash are kept as they were, not re-run
            assert by_idx[line["idx"]] == line
        assert all(line["solution"]["status"] in ("SOLVED", "SOLVED_OPTIMALLY") for line in after)
    finally:
        srv.stop()
