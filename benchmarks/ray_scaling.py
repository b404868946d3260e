"""Local vs Ray executor on this machine, and a paper estimate for 1,000,000 items.

    python -m benchmarks.ray_scaling [--solver-suite logic --solver-size 12] [--llm-url URL --llm-size 2]
                                     [--replica-tokens-per-s 5000] [--out runs/ray_scaling.json]

Measures, for a solver-only suite (``--llm gold``: formal input, real solvers) and, with
``--llm-url``, an LLM-bound suite: items/s with the local executor and with Ray on a cluster of
1 and 2 nodes (1 CPU each, started here on 127.0.0.1 and stopped after), the peak RSS of each
node's processes, the Ray overhead per item (a no-op actor call and a no-op task), the cost of
building a worker's backends (what a stateless task would pay per item), and the driver's cost
of writing one record. The estimate combines these per-item costs; the tokens/s of a vLLM replica
is an assumption you pass (measure yours with ``python -m nesy.llm.bench``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.runner import RunConfig, arun_benchmark
from benchmarks.store import ResultStore
from nesy.settings import Settings

__all__ = ["main", "estimate"]


def _rss_of_group(pgid: int) -> int:
    """Resident bytes of every process in process group ``pgid`` (a node started by ``ray start --block``)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, ProcessLookupError, ValueError):
            continue
    return total


class _PeakRSS:
    """Samples the RSS of process groups every 0.5 s; keeps each group's peak."""

    def __init__(self, groups: dict[str, int]) -> None:
        self.groups, self.peak = groups, dict.fromkeys(groups, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for name, pgid in self.groups.items():
                self.peak[name] = max(self.peak[name], _rss_of_group(pgid))

    def __enter__(self) -> "_PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def _run(config: RunConfig, out: Path, settings: Settings) -> dict[str, Any]:
    t0 = time.perf_counter()
    outcome = await arun_benchmark(config, out, settings=settings, progress=False)
    wall = time.perf_counter() - t0
    recs = outcome.records
    return {
        "items": len(recs),
        "wall_s": round(wall, 2),
        "items_per_s": round(len(recs) / wall, 4),
        "solve_s_mean": round(statistics.mean(r["seconds"]["solve"] for r in recs), 4),
        "translate_s_mean": round(statistics.mean(r["seconds"]["translate"] for r in recs), 4),
        "tokens_per_item": round(statistics.mean(r["tokens"]["prompt"] + r["tokens"]["completion"] for r in recs), 1),
        "ok": sum(1 for r in recs if r["status"] and not r["error"]),
        "executor": outcome.summary["timings"].get("executor", {}),
    }


def _ray_overheads(address: str, settings: Settings) -> dict[str, float]:
    """Round trips of a no-op actor call and a no-op task (ms), and one backend registry build (s)."""
    import ray

    from nesy.backend import load_backends

    ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    try:
        @ray.remote(num_cpus=0)
        class Noop:
            def ping(self) -> int:
                return 1

        @ray.remote(num_cpus=0)
        def noop() -> int:
            return 1

        actor = Noop.remote()
        ray.get(actor.ping.remote())
        ray.get(noop.remote())
        n = 200
        t = time.perf_counter()
        for _ in range(n):
            ray.get(actor.ping.remote())
        actor_ms = (time.perf_counter() - t) / n * 1000
        t = time.perf_counter()
        for _ in range(n):
            ray.get(noop.remote())
        task_ms = (time.perf_counter() - t) / n * 1000
        t = time.perf_counter()
        ray.get(ray.remote(num_cpus=0)(lambda s: len(load_backends(settings=s).info)).remote(settings))
        registry_s = time.perf_counter() - t
    finally:
        ray.shutdown()
    return {"actor_call_ms": round(actor_ms, 3), "task_ms": round(task_ms, 3), "registry_build_s": round(registry_s, 2)}


def _driver_write_ms(n: int = 300) -> float:
    """One results.jsonl append (write + fsync) of a typical record."""
    record = {"id": "", "status": "SOLVED", "answer": True, "scores": {"accuracy": 1.0}, "formal": "x" * 800,
              "verbalization": "y" * 400, "seconds": {"translate": 1.0, "solve": 0.2, "total": 1.2}}
    with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "r.jsonl") as store:
        t = time.perf_counter()
        for i in range(n):
            store.append({**record, "id": f"item-{i}"})
        return (time.perf_counter() - t) / n * 1000


def estimate(per_item: dict[str, float], machines: int, cores: int, replicas: int, replica_tokens_per_s: float,
             items: int = 1_000_000) -> dict[str, Any]:
    """Throughput of ``items`` on ``machines`` x ``cores`` with ``replicas`` vLLM replicas: the least of
    solver capacity, LLM capacity and the driver's writes; which one binds."""
    caps = {
        "solver seconds": machines * cores / max(per_item["solve_s"] + per_item["ray_overhead_s"], 1e-9),
        "LLM tokens/s": replicas * replica_tokens_per_s / per_item["tokens"] if per_item["tokens"] else float("inf"),
        "driver writes": 1000.0 / per_item["write_ms"],
    }
    bottleneck = min(caps, key=caps.__getitem__)
    rate = caps[bottleneck]
    return {"machines": machines, "cores": cores, "replicas": replicas, "items_per_s": round(rate, 1),
            "hours": round(items / rate / 3600, 2), "bottleneck": bottleneck,
            **{f"cap_{k.split()[0].lower()}": round(v, 1) for k, v in caps.items()}}


def main() -> None:
    from benchmarks.executors.loopback import RayCluster  # the same loopback cluster the tests use

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--solver-suite", default="logic")
    ap.add_argument("--solver-size", type=int, default=12)
    ap.add_argument("--llm-url", default=None, help="OpenAI-compatible server for the LLM-bound suite (skipped without)")
    ap.add_argument("--llm-suite", default="logic")
    ap.add_argument("--llm-size", type=int, default=2)
    ap.add_argument("--replica-tokens-per-s", type=float, default=5000.0,
                    help="assumed tokens/s (prompt + completion) one vLLM replica processes under load")
    ap.add_argument("--out", type=Path, default=Path("runs/ray_scaling.json"))
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nesy-scaling-"))
    settings = Settings(cache_dir=work / "cache", llm_retries=1)
    suites = [("solver", RunConfig(suite=args.solver_suite, size=args.solver_size, llm="gold", workers=1))]
    if args.llm_url:
        suites.append(("llm", RunConfig(suite=args.llm_suite, size=args.llm_size, llm=args.llm_url, workers=1)))
    result: dict[str, Any] = {"runs": {}, "machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()}}
    for name, config in suites:
        with _PeakRSS({"driver": os.getpgid(0)}) as rss:
            run = asyncio.run(_run(config, work / f"{name}-local", settings))
        result["runs"][f"{name}/local"] = {**run, "peak_rss_mb": {k: v >> 20 for k, v in rss.peak.items()}}
        print(name, "local", run["items_per_s"], "items/s", flush=True)
    cluster = RayCluster()
    try:
        cluster.start(nodes=1)
        result["ray_overhead"] = _ray_overheads(cluster.address, settings)
        for nodes in (1, 2):
            if nodes == 2:
                cluster.add_node()
            for name, config in suites:
                ray_cfg = config.model_copy(update={"executor": "ray", "ray_address": cluster.address})
                groups = {f"node{i}": n.proc.pid for i, n in enumerate(cluster.nodes)} | {"driver": os.getpgid(0)}
                with _PeakRSS(groups) as rss:
                    run = asyncio.run(_run(ray_cfg, work / f"{name}-ray{nodes}", settings))
                result["runs"][f"{name}/ray-{nodes}node"] = {**run, "peak_rss_mb": {k: v >> 20 for k, v in rss.peak.items()}}
                print(name, f"ray {nodes} node(s)", run["items_per_s"], "items/s", flush=True)
    finally:
        cluster.stop()
    result["driver_write_ms"] = round(_driver_write_ms(), 3)
    solver = result["runs"]["solver/local"]
    llm = result["runs"].get("llm/local", {})
    per_item = {
        "solve_s": solver["solve_s_mean"],
        "ray_overhead_s": result["ray_overhead"]["actor_call_ms"] / 1000,
        "tokens": llm.get("tokens_per_item", 0.0),
        "write_ms": result["driver_write_ms"],
    }
    result["per_item"] = per_item
    result["estimate_1M"] = [
        estimate(per_item, k, 16, r, args.replica_tokens_per_s) for k, r in ((1, 1), (4, 2), (16, 8), (64, 32), (256, 64))
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
