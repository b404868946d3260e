"""Load benchmark: formal /v1/plan and /v1/logic requests against a real uvicorn on loopback.

    python -m server.bench_load --requests 200 --concurrency 16

Starts ``nesy serve`` in a subprocess, sends the requests with httpx at the given
concurrency and prints throughput, p50/p99 latency, errors and the server's RSS before
and after. Exits non-zero if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BLOCKS = """(define (problem stack-abc) (:domain blocksworld)
  (:objects a b c - block)
  (:init (ontable a) (ontable b) (on c a) (clear b) (clear c) (handempty))
  (:goal (and (on a b) (on b c))))"""

LOGIC = """const Tom
pred Cat/1
pred Animal/1
premise p1: forall x. Cat(x) -> Animal(x)
premise p2: Cat(Tom)
conclusion: Animal(Tom)"""

REQUESTS = {
    "plan": ("/v1/plan", {"domain": "blocksworld", "problem": BLOCKS, "timeout": 30}),
    "logic": ("/v1/logic", {"program": LOGIC}),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start_server(port: int, db: Path, max_concurrent: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NESY_MAX_CONCURRENT_REQUESTS": str(max_concurrent)}
    cmd = [sys.executable, "-m", "nesy.cli", "serve", "--port", str(port), "--llm", "http://127.0.0.1:9",
           "--jobs-db", str(db), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start within 120 s")


async def _run(url: str, kinds: list[str], n: int, concurrency: int) -> tuple[list[float], dict[str, int], float]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:

        async def one(i: int) -> None:
            path, body = REQUESTS[kinds[i % len(kinds)]]
            async with sem:
                start = time.perf_counter()
                try:
                    r = await client.post(path, json=body)
                    ok = r.status_code == 200 and r.json()["solution"]["status"].startswith("SOLVED")
                    key = "" if ok else f"{path} {r.status_code} {r.text[:120]}"
                except httpx.HTTPError as e:
                    key = f"{path} {type(e).__name__}"
                latencies.append(time.perf_counter() - start)
                if key:
                    errors[key] = errors.get(key, 0) + 1

        # One warm-up request of each kind (imports, first worker start) outside the measurement.
        for k in kinds:
            path, body = REQUESTS[k]
            (await client.post(path, json=body)).raise_for_status()
        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        wall = time.perf_counter() - start
    return latencies, errors, wall


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--kinds", default="plan,logic", help="comma-separated: plan, logic")
    ap.add_argument("--url", help="benchmark a running server instead of starting one (no RSS figures)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(REQUESTS)
    if unknown:
        ap.error(f"unknown kinds {sorted(unknown)}; choose from {sorted(REQUESTS)}")

    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.url:
            url = args.url.rstrip("/")
        else:
            port = _free_port()
            proc = _start_server(port, Path(tmp) / "jobs.sqlite", max(args.concurrency * 2, 32))
            url = f"http://127.0.0.1:{port}"
        try:
            rss_before = _rss_mb(proc.pid) if proc else float("nan")
            latencies, errors, wall = asyncio.run(_run(url, kinds, args.requests, args.concurrency))
            rss_after = _rss_mb(proc.pid) if proc else float("nan")
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(20)
    out = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "kinds": kinds,
        "wall_s": round(wall, 2),
        "throughput_rps": round(args.requests / wall, 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(_pct(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "rss_mb_before": round(rss_before, 1),
        "rss_mb_after": round(rss_after, 1),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:>16}: {v}")
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
