"""`nesy bench --executor ray` on a real two-node Ray cluster on 127.0.0.1 (one per module).

Solver-only runs use ``--llm gold`` (each item's gold formal text solved by the real Z3 backend);
the LLM run uses the real llama.cpp server, listed after a server that is down.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path


from benchmarks.llm_cache import LLMCache
from benchmarks.registry import load_suite
from benchmarks.runner import RunConfig, arun_benchmark
from nesy.settings import Settings
from benchmarks.executors.loopback import REPO, RayCluster
from tests.ray_cluster import cluster  # noqa: F401  (the module's cluster)
from tests.conftest import free_port

SUITE, SIZE = "logic", 6


def settings(tmp: Path, **kw: object) -> Settings:
    return Settings(cache_dir=tmp / "cache", llm_retries=0, ray_start_timeout=90, **kw)  # type: ignore[arg-type]


def ids(folder: Path) -> list[str]:
    return [json.loads(line)["id"] for line in (folder / "results.jsonl").read_text().splitlines()]


def outcome_of(record: dict) -> tuple:
    return record["status"], record["answer"], record["scores"], record["error"], record["formal"]


async def test_run_moves_between_executors_and_reports_the_same(cluster: RayCluster, tmp_path: Path) -> None:
    """X: first half local, rest on Ray; Y: first half on Ray, rest local. Same records, same report."""
    s = settings(tmp_path)
    local = RunConfig(suite=SUITE, size=SIZE, llm="gold", workers=0)
    ray_cfg = local.model_copy(update={"executor": "ray", "ray_address": cluster.address})
    half = {"limit": SIZE // 2}
    await arun_benchmark(local.model_copy(update=half), tmp_path / "X", settings=s, progress=False)
    x = await arun_benchmark(ray_cfg, tmp_path / "X", settings=s, progress=False)
    y1 = await arun_benchmark(ray_cfg.model_copy(update=half), tmp_path / "Y", settings=s, progress=False)
    y = await arun_benchmark(local, tmp_path / "Y", settings=s, progress=False)

    want = [it.id for it in load_suite(SUITE, size=SIZE, seed=0).items]
    for folder in ("X", "Y"):
        assert sorted(ids(tmp_path / folder)) == sorted(want), f"{folder}: an item lost or written twice"
    ran = y1.summary["timings"]["executor"]
    assert ran["executor"] == "ray" and sum(ran["items_per_node"].values()) == SIZE // 2, ran
    assert x.summary["timings"]["executor"]["executor"] == "ray"
    by_id = {r["id"]: outcome_of(r) for r in x.records}
    assert {r["id"]: outcome_of(r) for r in y.records} == by_id  # each item: the same on Ray as locally
    assert all(r["status"] == "SOLVED" and r["scores"]["accuracy"] == 1.0 for r in y.records), y.records
    assert x.summary["summary"] == y.summary["summary"]
    sessions = [json.loads(line) for line in (tmp_path / "Y" / "sessions.jsonl").read_text().splitlines()]
    assert [sx["executor"]["executor"] for sx in sessions] == ["ray", "local"]


async def test_llm_suite_with_a_dead_server_in_the_list(cluster: RayCluster, llama_server: str, tmp_path: Path) -> None:
    """Workers share the server list through the broker: the dead server leaves the rotation, its
    requests go to the live one, no server ever has more than its concurrency in flight."""
    dead = f"http://127.0.0.1:{free_port()}"
    s = settings(tmp_path, llm_concurrency=1)
    # without the grammar the words do not decide the translation: every item asks the model
    config = RunConfig(suite=SUITE, size=2, llm=f"{dead},{llama_server}", workers=1, concurrency=2,
                       executor="ray", ray_address=cluster.address, grammar=False)
    out = await arun_benchmark(config, tmp_path / "L", settings=s, progress=False)
    assert len(out.records) == 2
    assert not [r for r in out.records if (r["error"] or {}).get("type", "").startswith("llm")], out.records
    assert all(r["tokens"]["completion"] > 0 for r in out.records)
    servers = out.summary["timings"]["executor"]["llm_servers"]
    assert servers[dead]["outages"] >= 1 and servers[llama_server]["served"] > 0, servers
    assert all(v["peak_in_flight"] <= 1 for v in servers.values()), servers
    assert out.llm_calls > 0
    cache = LLMCache(tmp_path / "L" / "llm_cache.sqlite")
    try:
        assert len(cache) > 0, "the workers' LLM answers were not written to the run's cache by the driver"
    finally:
        cache.close()


def test_node_lost_mid_run_loses_and_duplicates_nothing(cluster: RayCluster, tmp_path: Path) -> None:
    """`nesy bench --executor ray` as a user runs it; the second node is SIGKILLed mid-run."""
    n, out = 14, tmp_path / "K"
    cmd = [sys.executable, "-m", "nesy.cli", "bench", "--suite", SUITE, "--size", str(n), "--llm", "gold",
           "--executor", "ray", "--ray-address", cluster.address, "--out", str(out), "--no-progress"]
    env = {**cluster.env, "NESY_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 150
        while not (out / "results.jsonl").exists() or len(ids(out)) < 3:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "the run never got going"
            time.sleep(0.2)
        done_before = len(ids(out))
        cluster.killed += cluster.nodes[1].kill()
        text, _ = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, text
    assert done_before < n, "the run finished before the node was killed"
    got = ids(out)
    assert sorted(got) == sorted(it.id for it in load_suite(SUITE, size=n, seed=0).items), "an item was lost"
    assert len(got) == len(set(got)), "an item was written twice"
    session = json.loads((out / "sessions.jsonl").read_text().splitlines()[-1])["executor"]
    assert session["workers_lost"] >= 1 and session["retries"] >= 1 and session["failures"] == 0, session
    # (the lost node's items count where they finally ran; it may have finished none before the kill)
    assert sum(session["items_per_node"].values()) == n, session
    assert "items per node:" in text and "workers lost 1" in text, text
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert all(r["status"] == "SOLVED" for r in records), [r for r in records if r["status"] != "SOLVED"]


async def test_local_slots_bound_each_server_and_skip_failed_ones() -> None:
    """Plumbing of the slot book both executors share: per-server bound, least loaded first, a failed
    server avoided for the request that saw it fail and out of rotation for the others."""
    import asyncio

    from nesy.llm.openai_compat import LocalSlots

    slots = LocalSlots(["a", "b"], per_server=2, cooldown=60)
    got = [await slots.acquire() for _ in range(4)]
    assert sorted(got) == ["a", "a", "b", "b"]
    waiter = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0.05)
    assert not waiter.done(), "a fifth request got a slot although both servers are full"
    await slots.release("b")
    assert await asyncio.wait_for(waiter, 1) == "b"
    assert await slots.mark_dead("a") == ["b"]
    for url in ("a", "a", "b"):
        await slots.release(url)
    assert await slots.acquire(frozenset({"a"})) == "b"  # a is out of rotation: b even though a is free
    stats = slots.book.stats()
    assert stats["a"]["outages"] == 1 and not stats["a"]["in_rotation"] and stats["b"]["peak_in_flight"] == 2
