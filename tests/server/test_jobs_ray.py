"""Batch jobs of a `nesy serve` configured with a Ray address run on a real two-node cluster on
127.0.0.1, and survive a server restart as local jobs do (tests/server/test_jobs.py)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import httpx

from benchmarks.executors.loopback import RayCluster
from tests.ray_cluster import cluster  # noqa: F401  (the module's cluster)
from tests.server.conftest import ServerProcess, dead_llm_url
from tests.server.problems import LOGIC_PROGRAM
from tests.server.test_jobs import results, wait_job


def metric_samples(c: httpx.Client, name: str) -> dict[str, float]:
    """label text -> value of every sample of ``name``."""
    out = {}
    for line in c.get("/metrics").text.splitlines():
        m = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if m:
            out[m[1]] = float(m[2])
    return out


def test_ray_job_runs_on_the_cluster_and_survives_a_restart(cluster: RayCluster, tmp_path: Path, need) -> None:
    need("logic")
    n = 10
    items = [{"formal": LOGIC_PROGRAM, "kind": "logic", "id": f"L{i}"} for i in range(n)]
    env = {**cluster.env, "NESY_EXECUTOR": "ray", "NESY_RAY_ADDRESS": cluster.address, "NESY_SOLVE_WORKERS": "1"}
    srv = ServerProcess(tmp_path, llm=dead_llm_url(), env=env).start()
    nodes = {node_id[:8] for node_id in cluster.node_ids()}
    try:
        with srv.client() as c:
            job_id = c.post("/v1/jobs", json={"problems": items}).json()["id"]
            wait_job(c, job_id, lambda j: j["done"] >= 2, timeout=150)
            before = results(c, job_id)
            ran = metric_samples(c, "nesy_job_items_by_executor_total")
        srv.kill()
        assert ran and all(re.fullmatch(r'executor="ray",node="(\w+)"', k) for k in ran), ran
        assert {re.search(r'node="(\w+)"', k)[1] for k in ran} <= nodes, (ran, nodes)  # type: ignore[index]
        with sqlite3.connect(srv.jobs_db) as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM items WHERE job_id = ? GROUP BY state", (job_id,)).fetchall())
        assert states.get("pending", 0) > 0, f"the job finished before the kill, nothing to resume: {states}"

        srv.start()  # same database: the job resumes on the cluster with no request
        with srv.client() as c:
            job = wait_job(c, job_id, lambda j: j["status"] == "done", timeout=180)
            after = results(c, job_id)
            assert metric_samples(c, "nesy_jobs_total") == {'executor="ray"': 1.0}
            resumed = sum(metric_samples(c, "nesy_job_items_by_executor_total").values())
        assert (job["total"], job["done"], job["pending"]) == (n, n, 0), job
        assert [line["idx"] for line in after] == list(range(n)), "an item was lost or duplicated"
        assert resumed == n - states.get("done", 0), "the resumed items did not all run on the cluster"
        by_idx = {line["idx"]: line for line in after}
        for line in before:
            assert by_idx[line["idx"]] == line
        assert all(line["solution"]["status"] in ("SOLVED", "SOLVED_OPTIMALLY") for line in after), after
        assert len({repr(line["solution"]["answer"]) for line in after}) == 1, "the same program answered differently"
    finally:
        srv.stop()
