"""Hostile-client benchmark (issue 16) against a real ``nesy serve`` on loopback.

    python -m server.bench_load --requests 200 --concurrency 16 --hostile 0.1 --out runs/bench_load.json

Starts ``nesy serve`` in a subprocess, in a temporary working directory (where a file that a
hostile request managed to write would land), with its LLM down: every request is a formal
one. It measures, prints three tables and writes them as one JSON object:

1. attacks: each attack of issue 16 once: status, latency, server healthy, server RSS;
2. isolation: latency of a trivial /v1/logic idle, and while 6 expensive Z3 requests run
   (multiple choice over a problem Z3 cannot decide; each with a 2 s limit);
3. mixed load: N requests at concurrency C, a share of them hostile (formal endpoints only):
   p50/p99, status counts, 5xx, RSS before and after.

``--only`` picks parts; ``--kinds`` the normal requests of the load (plan, logic). Exits
non-zero if any response was a 500 (or another unexpected 5xx, or none at all) or the server
stopped being healthy.

The attacks are functions of a running server (``Serve``) and an httpx client, each returning
an ``Outcome``; tests/server/test_hostile.py replays the same functions and asserts on them.
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
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

__all__ = [
    "BLOCKS", "LOGIC", "SMT_UNSAT", "CUBES", "CUBES_CHOICE", "KG_EXPLOSION", "REQUESTS", "deep_fol", "deep_csp", "nested",
    "Serve", "serving", "server_env", "free_port", "rss_mb",
    "Outcome", "ATTACKS", "replay", "isolation", "hostile_requests", "mixed_load", "main",
]

# -- requests -----------------------------------------------------------------------------

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

SMT_UNSAT = """(declare-const x Int)
(assert (! (> x 5) :named big))
(assert (! (< x 3) :named small))
(check-sat)"""

# Z3 gives no answer before any time limit: x^3 + y^3 + z^3 = 33 (its least solution has 16 digits).
CUBES = """(declare-const x Int)
(declare-const y Int)
(declare-const z Int)
(assert (= (+ (* x x x) (* y y y) (* z z z)) 33))"""

# Multiple choice over CUBES: each option alone would take the whole time limit (issue 16: six
# of these made a trivial /v1/logic take 44 s); the decision must share one budget.
CUBES_CHOICE = CUBES + "".join(
    f"\n(assert (! {goal} :named option_{letter}))"
    for letter, goal in zip("ABCDE", ["(> x 0)", "(< x 0)", "(= x 1)", "(> y 0)", "(< z 0)"])
)

# 749 characters on nations whose DNF has 2^16 branches (issue 16: 53 s and +1.25 GB before).
KG_EXPLOSION = " & ".join(["(accusation(brazil,f) | accusation(burma,f))"] * 16)

REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "plan": ("/v1/plan", {"domain": "blocksworld", "problem": BLOCKS, "timeout": 30}),
    "logic": ("/v1/logic", {"program": LOGIC}),
}


def deep_fol(depth: int) -> str:
    """A logic program whose premise nests ``depth`` parentheses."""
    return f"const Tom\npred Cat/1\npremise p1: {'(' * depth}Cat(Tom){')' * depth}\nconclusion: Cat(Tom)"


def deep_csp(depth: int) -> str:
    """A constraint program whose constraint nests ``depth`` negations."""
    return f"domain pos = 1..3\nvar x : pos\nconstraint: {'not ' * depth}x == 1\nconclusion: x == 1"


def nested(depth: int) -> dict[str, Any]:
    """A JSON object nested ``depth`` levels."""
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def _solved_true(body: dict[str, Any]) -> bool:
    sol = body.get("solution") or {}
    return str(sol.get("status", "")).startswith("SOLVED") and "true" in str(sol.get("answer")).lower()


def _solved_unsat(body: dict[str, Any]) -> bool:
    sol = body.get("solution") or {}
    return str(sol.get("status", "")).startswith("SOLVED") and "unsat" in str(sol.get("answer")).lower()


# -- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """VmRSS of a process in MB (nan once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def server_env(workdir: Path, *, limit: int = 32, body_timeout: float = 2.0, keys: tuple[str, ...] = ("k1", "k2"),
               **extra: Any) -> dict[str, str]:
    """NESY_* settings of a hostile-client run: small limits, state kept inside ``workdir``."""
    env = {
        "NESY_MAX_CONCURRENT_REQUESTS": str(limit),
        "NESY_BODY_TIMEOUT": str(body_timeout),
        "NESY_API_KEYS": json.dumps(list(keys)),
        "NESY_JOBS_DB": str(workdir / "jobs.sqlite"),
        "NESY_CACHE_DIR": str(workdir / "cache"),
        "NESY_LLM_RETRIES": "0",
    }
    env.update({f"NESY_{k.upper()}": str(v) for k, v in extra.items()})
    return env


@dataclass
class Serve:
    """One ``nesy serve`` subprocess whose working directory is ``workdir``."""

    workdir: Path
    env: dict[str, str]
    llm: str
    keys: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / f"server-{self.port}.log"

    def start(self, timeout: float = 120.0) -> "Serve":
        cmd = [sys.executable, "-m", "nesy.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--llm", self.llm, "--log-level", "warning"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nesy serve did not start:\n{self.log_text()[-4000:]}")
            time.sleep(0.3)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def client(self, key: str | None = "", timeout: float = 120.0) -> httpx.Client:
        """A client sending ``key`` (default: the first key; None: no key)."""
        key = (self.keys[0] if self.keys else None) if key == "" else key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthy(self) -> bool:
        try:
            return self.alive() and httpx.get(self.url + "/healthz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid) if self.proc is not None else float("nan")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def serving(workdir: Path, llm: str, **env: Any) -> Iterator[Serve]:
    keys = tuple(env.pop("keys", ("k1", "k2")))
    srv = Serve(workdir, server_env(workdir, keys=keys, **env), llm=llm, keys=keys).start()
    try:
        yield srv
    finally:
        srv.stop()


# -- attacks --------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one attack got: the status and latency of its request, the error it answered, and
    what the attack checks besides (a file written, the next answer, RSS growth ...)."""

    status: int
    seconds: float
    error: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    healthy: bool = True
    rss_mb: float = float("nan")

    def names(self, field_or_command: str) -> bool:
        """Whether the error names ``field_or_command`` (its symbol, or its message)."""
        return self.error.get("symbol") == field_or_command or field_or_command in str(self.error.get("message", ""))


def _body(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _post(c: httpx.Client, path: str, body: dict[str, Any]) -> Outcome:
    start = time.perf_counter()
    r = c.post(path, json=body)
    return Outcome(r.status_code, time.perf_counter() - start, _body(r).get("error") or {})


def _next_logic_ok(c: httpx.Client) -> bool:
    """The next clients still get correct answers (entailment, and an unsat core)."""
    a, b = c.post("/v1/logic", json={"program": LOGIC}), c.post("/v1/logic", json={"program": SMT_UNSAT})
    return a.status_code == b.status_code == 200 and _solved_true(a.json()) and _solved_unsat(b.json())


def smt_regular_output_channel(srv: Serve, c: httpx.Client) -> Outcome:
    program = '(set-option :regular-output-channel "pwned.txt")\n(echo "written by a client")\n(declare-const a Bool)\n(assert a)'
    out = _post(c, "/v1/logic", {"program": program})
    out.facts["file_created"] = (srv.workdir / "pwned.txt").exists()
    return out


def smt_diagnostic_output_channel(srv: Serve, c: httpx.Client) -> Outcome:
    victim = srv.workdir / "victim.txt"
    victim.write_text("precious\n")
    out = _post(c, "/v1/logic", {"program": '(set-option :diagnostic-output-channel "victim.txt")\n(declare-const a Bool)\n(assert a)'})
    out.facts["victim_intact"] = victim.read_text() == "precious\n"
    return out


def _include(path: Path, c: httpx.Client) -> Outcome:
    return _post(c, "/v1/logic", {"program": f'(include "{path}")\n(assert (> secret 0))'})


def smt_include_existing(srv: Serve, c: httpx.Client) -> Outcome:
    secret = srv.workdir / "secret.smt2"
    secret.write_text("(declare-const secret Int)\n")
    return _include(secret, c)


def smt_include_missing(srv: Serve, c: httpx.Client) -> Outcome:
    return _include(srv.workdir / "missing.smt2", c)


def smt_memory_max_size(srv: Serve, c: httpx.Client) -> Outcome:
    out = _post(c, "/v1/logic", {"program": "(set-option :memory_max_size 1)\n(declare-const a Bool)\n(assert a)"})
    out.facts["next_ok"] = _next_logic_ok(c)
    return out


def smt_rlimit(srv: Serve, c: httpx.Client) -> Outcome:
    out = _post(c, "/v1/logic", {"program": "(set-option :rlimit 1)\n(declare-const a Bool)\n(assert a)"})
    out.facts["next_ok"] = _next_logic_ok(c)
    return out


def kg_explosion(srv: Serve, c: httpx.Client) -> Outcome:
    before = srv.rss_mb()
    out = _post(c, "/v1/kg/query", {"kb": "nations", "query": KG_EXPLOSION, "timeout": 2})
    out.facts["rss_growth_mb"] = round(srv.rss_mb() - before, 1)
    return out


def z3_hard_timeout(srv: Serve, c: httpx.Client) -> Outcome:
    return _post(c, "/v1/logic", {"program": CUBES_CHOICE, "timeout": 2})


def _limit(srv: Serve) -> int:
    return int(srv.env.get("NESY_MAX_CONCURRENT_REQUESTS", "32"))


def _raw(port: int, head: bytes, body: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(head + body)
    return sock


def _head(path: str, length: int, key: str | None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: bench", "Content-Type: application/json", f"Content-Length: {length}"]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _status_of(sock: socket.socket) -> int | str:
    """The status the server answers on a raw socket (read until it closes), or why there is none."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except OSError as e:
        return type(e).__name__
    finally:
        sock.close()
    parts = data.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else "closed"


def slow_bodies(srv: Serve, c: httpx.Client) -> Outcome:
    """As many sockets as the concurrency limit send their headers and 5 of 100 body bytes;
    a normal request must still be served, and the slow ones get 408."""
    key = srv.keys[0] if srv.keys else None
    socks = [_raw(srv.port, _head("/v1/logic", 100, key), b'{"pro') for _ in range(_limit(srv))]
    time.sleep(0.5)  # the server has read what they sent
    out = _post(c, "/v1/logic", {"program": LOGIC})
    with ThreadPoolExecutor(len(socks)) as pool:
        slow = Counter(pool.map(_status_of, socks))
    out.facts["slow_statuses"] = dict(slow)
    return out


def disconnect_mid_solve(srv: Serve, c: httpx.Client) -> Outcome:
    """As many clients as the limit start a long solve and go away; a normal request right
    after must be served at once (slots released, abandoned solves stopped)."""
    key = srv.keys[0] if srv.keys else None
    body = json.dumps({"program": CUBES, "timeout": 60}).encode()
    socks = [_raw(srv.port, _head("/v1/logic", len(body), key), body) for _ in range(_limit(srv))]
    time.sleep(1.0)  # the solves have started
    held = _in_flight(c)
    start = time.perf_counter()
    for s in socks:
        s.close()
    while _in_flight(c) > 0 and time.perf_counter() - start < 10:
        time.sleep(0.05)
    released = time.perf_counter() - start
    out = _post(c, "/v1/logic", {"program": LOGIC})
    out.facts.update(in_flight_before=held, release_s=round(released, 3), in_flight_after=_in_flight(c))
    return out


def _in_flight(c: httpx.Client) -> int:
    for line in c.get("/metrics").text.splitlines():
        if line.startswith("nesy_http_in_flight "):
            return int(float(line.split()[1]))
    return -1


def _solve(c: httpx.Client, kind: str, context: dict[str, Any]) -> Outcome:
    return _post(c, "/v1/solve", {"text": "Is it true that Tom is an animal?", "kind": kind, "context": context})


def context_memory_mb_text(srv: Serve, c: httpx.Client) -> Outcome:
    return _solve(c, "planning", {"domain": "blocksworld", "memory_mb": "abc"})


def context_memory_mb_zero(srv: Serve, c: httpx.Client) -> Outcome:
    """Refused (422) or clamped; the run shows which (see ``_job_memory``)."""
    return _job_memory(srv, c, 0)


def context_memory_mb_huge(srv: Serve, c: httpx.Client) -> Outcome:
    return _job_memory(srv, c, 999999)


def _job_memory(srv: Serve, c: httpx.Client, memory_mb: int) -> Outcome:
    """A formal planning job item asking for ``memory_mb``: the planner worker reports the
    address-space limit it ran under (solution.metrics.memory_mb)."""
    item = {"formal": BLOCKS, "kind": "planning", "context": {"domain": "blocksworld", "memory_mb": memory_mb}}
    start = time.perf_counter()
    r = c.post("/v1/jobs", json={"problems": [item], "options": {"timeout": 30}})
    if r.status_code != 202:
        return Outcome(r.status_code, time.perf_counter() - start, _body(r).get("error") or {})
    line = _job_results(c, r.json()["id"])[0]
    sol = line.get("solution") or {}
    error = line.get("error") or {}
    facts = {"item": sol.get("status") or error.get("type"), "worker_memory_mb": (sol.get("metrics") or {}).get("memory_mb")}
    return Outcome(422 if error.get("type") == "invalid_request" else 200, time.perf_counter() - start, error, facts)


def _job_results(c: httpx.Client, job_id: str, timeout: float = 120.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while c.get(f"/v1/jobs/{job_id}").json()["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} did not finish within {timeout:g} s")
        time.sleep(0.2)
    return [json.loads(line) for line in c.get(f"/v1/jobs/{job_id}/results").text.splitlines() if line.strip()]


def _context(field_: str, value: Any) -> Callable[[Serve, httpx.Client], Outcome]:
    def attack(srv: Serve, c: httpx.Client) -> Outcome:
        return _post(c, "/v1/logic", {"program": LOGIC, "context": {field_: value}})

    return attack


def context_top_k_text(srv: Serve, c: httpx.Client) -> Outcome:
    return _solve(c, "kg", {"kb": "nations", "top_k": "x"})


def deep_fol_3000(srv: Serve, c: httpx.Client) -> Outcome:
    return _post(c, "/v1/logic", {"program": deep_fol(3000)})


def deep_csp_3000(srv: Serve, c: httpx.Client) -> Outcome:
    return _post(c, "/v1/logic", {"program": deep_csp(3000)})


def deep_context_300(srv: Serve, c: httpx.Client) -> Outcome:
    return _post(c, "/v1/logic", {"program": LOGIC, "context": nested(300)})


def job_size_100000(srv: Serve, c: httpx.Client) -> Outcome:
    """Refused before anything is generated or stored; /healthz stays fast meanwhile."""
    with ThreadPoolExecutor(1) as pool:
        job = pool.submit(_post, c, "/v1/jobs", {"suite": "logic", "size": 100000})
        healthz = [_healthz_seconds(srv)]
        while not job.done():
            healthz.append(_healthz_seconds(srv))
        out = job.result()
    out.facts["healthz_max_s"] = round(max(healthz), 3)
    return out


def _healthz_seconds(srv: Serve) -> float:
    start = time.perf_counter()
    httpx.get(srv.url + "/healthz", timeout=60)
    return time.perf_counter() - start


def smt_through_jobs(srv: Serve, c: httpx.Client) -> Outcome:
    """The file-write attack as a batch item: refused at run time, no file."""
    program = '(set-option :regular-output-channel "pwned-job.txt")\n(echo "x")\n(declare-const a Bool)\n(assert a)'
    start = time.perf_counter()
    r = c.post("/v1/jobs", json={"problems": [{"formal": program, "kind": "logic"}]})
    if r.status_code != 202:
        out = Outcome(r.status_code, time.perf_counter() - start, _body(r).get("error") or {})
    else:
        error = _job_results(c, r.json()["id"])[0].get("error") or {}
        out = Outcome(422 if error else 200, time.perf_counter() - start, error, {"item_error": error.get("type")})
    out.facts["file_created"] = (srv.workdir / "pwned-job.txt").exists()
    return out


def other_keys_job(srv: Serve, c: httpx.Client) -> Outcome:
    """A job created with the first key, read with the second: 404, as if it did not exist."""
    r = c.post("/v1/jobs", json={"problems": [{"formal": LOGIC, "kind": "logic"}]})
    if r.status_code != 202:
        return Outcome(r.status_code, 0.0, _body(r).get("error") or {}, {"created": False})
    job = r.json()["id"]
    with srv.client(srv.keys[1]) as other:
        start = time.perf_counter()
        r = other.get(f"/v1/jobs/{job}")
        out = Outcome(r.status_code, time.perf_counter() - start, _body(r).get("error") or {})
        out.facts["results"] = other.get(f"/v1/jobs/{job}/results").status_code
        out.facts["cancel"] = other.delete(f"/v1/jobs/{job}").status_code
    return out


ATTACKS: dict[str, Callable[[Serve, httpx.Client], Outcome]] = {
    "smt regular-output-channel + echo": smt_regular_output_channel,
    "smt diagnostic-output-channel": smt_diagnostic_output_channel,
    "smt include (existing file)": smt_include_existing,
    "smt include (missing file)": smt_include_missing,
    "smt memory_max_size 1": smt_memory_max_size,
    "smt rlimit 1": smt_rlimit,
    "smt set-option through a job": smt_through_jobs,
    "kg 16-way union (2^16 DNF)": kg_explosion,
    "z3 hard multiple choice, timeout 2": z3_hard_timeout,
    "slow bodies (limit sockets)": slow_bodies,
    "disconnect mid-solve (limit clients)": disconnect_mid_solve,
    "context.memory_mb 0 (job)": context_memory_mb_zero,
    "context.memory_mb 999999 (job)": context_memory_mb_huge,
    'context.memory_mb "abc"': context_memory_mb_text,
    "context.options 5": _context("options", 5),
    "context.premises 5": _context("premises", 5),
    'context.top_k "x"': context_top_k_text,
    "fol 3,000 deep": deep_fol_3000,
    "csp 3,000 deep": deep_csp_3000,
    "context nested 300": deep_context_300,
    "job size 100000": job_size_100000,
    "another key's job": other_keys_job,
}


def replay(srv: Serve, attack: Callable[[Serve, httpx.Client], Outcome]) -> Outcome:
    """Run one attack with the first key, then record whether the server is healthy and its RSS."""
    with srv.client() as c:
        out = attack(srv, c)
    out.healthy = srv.healthy()
    out.rss_mb = round(srv.rss_mb(), 1)
    return out


# -- isolation and load ---------------------------------------------------------------------


def _trivial_seconds(c: httpx.Client, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = c.post("/v1/logic", json={"program": LOGIC})
        times.append(time.perf_counter() - start)
        r.raise_for_status()
    return times


def isolation(srv: Serve, expensive: int = 6, timeout: float = 2.0, samples: int = 5) -> dict[str, Any]:
    """Trivial /v1/logic latency idle and while ``expensive`` hard multiple-choice Z3 requests run."""
    with srv.client() as c:
        _trivial_seconds(c, 2)  # warm-up
        idle = _trivial_seconds(c, samples)
        with ThreadPoolExecutor(expensive) as pool, srv.client() as other:
            hard = [pool.submit(_post, other, "/v1/logic", {"program": CUBES_CHOICE, "timeout": timeout}) for _ in range(expensive)]
            time.sleep(0.5)  # they are running
            busy = _trivial_seconds(c, samples)
            outcomes = [f.result() for f in hard]
    return {
        "expensive": expensive,
        "expensive_timeout_s": timeout,
        "expensive_statuses": dict(Counter(o.status for o in outcomes)),
        "expensive_max_s": round(max(o.seconds for o in outcomes), 3),
        "idle_median_s": round(statistics.median(idle), 4),
        "busy_median_s": round(statistics.median(busy), 4),
        "busy_max_s": round(max(busy), 4),
        "ratio": round(statistics.median(busy) / statistics.median(idle), 1),
    }


def hostile_requests() -> list[tuple[str, str, dict[str, Any]]]:
    """(name, path, body) of the hostile share of the mixed load: cheap to send, each refused or bounded."""
    return [
        ("smt set-option", "/v1/logic", {"program": '(set-option :regular-output-channel "load.txt")\n(declare-const a Bool)\n(assert a)'}),
        ("smt rlimit", "/v1/logic", {"program": "(set-option :rlimit 1)\n(declare-const a Bool)\n(assert a)"}),
        ("deep fol", "/v1/logic", {"program": deep_fol(3000)}),
        ("deep context", "/v1/logic", {"program": LOGIC, "context": nested(300)}),
        ("wrong type", "/v1/logic", {"program": LOGIC, "context": {"options": 5}}),
        ("kg explosion", "/v1/kg/query", {"kb": "nations", "query": KG_EXPLOSION, "timeout": 2}),
        ("z3 hard", "/v1/logic", {"program": CUBES_CHOICE, "timeout": 2}),
    ]


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def _load(srv: Serve, n: int, concurrency: int, hostile_share: float, kinds: list[str]) -> list[dict[str, Any]]:
    hostile = hostile_requests()
    every = max(1, round(1 / hostile_share)) if hostile_share > 0 else 0
    plan: list[tuple[str, str, dict[str, Any], bool]] = []
    for i in range(n):
        if every and i % every == every - 1:
            name, path, body = hostile[(i // every) % len(hostile)]
            plan.append((name, path, body, True))
        else:
            kind = kinds[(i - i // every if every else i) % len(kinds)]  # the normal ones alternate evenly
            plan.append((kind, *REQUESTS[kind], False))
    sem = asyncio.Semaphore(concurrency)
    rows: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {srv.keys[0]}"} if srv.keys else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=srv.url, headers=headers, timeout=300, limits=limits) as client:

        async def one(name: str, path: str, body: dict[str, Any], is_hostile: bool) -> None:
            async with sem:
                start = time.perf_counter()
                try:
                    status: int | str = (await client.post(path, json=body)).status_code
                except httpx.HTTPError as e:
                    status = type(e).__name__
                rows.append({"name": name, "hostile": is_hostile, "status": status, "seconds": time.perf_counter() - start})

        await asyncio.gather(*(one(*p) for p in plan))
    return rows


def mixed_load(
    srv: Serve, n: int = 200, concurrency: int = 16, hostile_share: float = 0.1, kinds: tuple[str, ...] = ("plan", "logic")
) -> dict[str, Any]:
    """``n`` formal requests at ``concurrency``, ``hostile_share`` of them hostile, the others
    cycling through ``kinds`` (keys of ``REQUESTS``)."""
    with srv.client() as c:
        for kind in kinds:  # imports and the first worker start, outside the measurement
            path, body = REQUESTS[kind]
            c.post(path, json=body).raise_for_status()
    rss_before = srv.rss_mb()
    start = time.perf_counter()
    rows = asyncio.run(_load(srv, n, concurrency, hostile_share, list(kinds)))
    wall = time.perf_counter() - start
    normal = [r["seconds"] for r in rows if not r["hostile"]]
    statuses = Counter(str(r["status"]) for r in rows)
    return {
        "requests": n,
        "concurrency": concurrency,
        "kinds": list(kinds),
        "hostile": sum(r["hostile"] for r in rows),
        "wall_s": round(wall, 2),
        "p50_s": round(_pct([r["seconds"] for r in rows], 50), 3),
        "p99_s": round(_pct([r["seconds"] for r in rows], 99), 3),
        "normal_p50_s": round(_pct(normal, 50), 3),
        "normal_p99_s": round(_pct(normal, 99), 3),
        "statuses": dict(sorted(statuses.items())),
        "status_500": statuses.get("500", 0),
        # 503 (overloaded) and 504 (solver timeout) are answers; any other 5xx, or no response, is a failure
        "unexpected_5xx": sum(v for k, v in statuses.items() if k.startswith("5") and k not in ("503", "504")),
        "no_response": sum(v for k, v in statuses.items() if not k.isdigit()),
        "hostile_statuses": dict(Counter(f"{r['name']}: {r['status']}" for r in rows if r["hostile"])),
        "by_request": {
            name: {"n": len(xs), "p50_s": round(_pct(xs, 50), 3), "p99_s": round(_pct(xs, 99), 3)}
            for name in sorted({r["name"] for r in rows})
            for xs in [[r["seconds"] for r in rows if r["name"] == name]]
        },
        "rss_mb_before": round(rss_before, 1),
        "rss_mb_after": round(srv.rss_mb(), 1),
        "healthy_after": srv.healthy(),
    }


# -- the command ----------------------------------------------------------------------------


def _attack_row(srv: Serve, attack: Callable[[Serve, httpx.Client], Outcome]) -> Outcome:
    """``replay``, or status 0 when the server gave no response (it died or hung up)."""
    try:
        return replay(srv, attack)
    except httpx.HTTPError as e:
        return Outcome(0, float("nan"), {"type": type(e).__name__, "message": str(e)}, healthy=srv.healthy(), rss_mb=srv.rss_mb())


def _print_load(load: dict[str, Any]) -> None:
    print(f"{load['requests']} requests at concurrency {load['concurrency']}, {load['hostile']} hostile, {load['wall_s']} s:"
          f" p50 {load['p50_s']} s, p99 {load['p99_s']} s; statuses {load['statuses']};"
          f" RSS {load['rss_mb_before']} -> {load['rss_mb_after']} MB; healthy after: {load['healthy_after']}")
    print(f"{'request':<16} {'n':>4} {'p50 s':>8} {'p99 s':>8}")
    for name, row in load["by_request"].items():
        print(f"{name:<16} {row['n']:>4} {row['p50_s']:>8.3f} {row['p99_s']:>8.3f}")


def _print_attacks(rows: dict[str, Outcome]) -> None:
    print(f"{'attack':<40} {'status':>6} {'seconds':>8} {'healthy':>7} {'RSS MB':>7}  details")
    for name, o in rows.items():
        detail = ", ".join(f"{k}={v}" for k, v in o.facts.items())
        if o.error:
            detail = f"{o.error.get('type')}: {str(o.error.get('message'))[:60]}" + (f"; {detail}" if detail else "")
        print(f"{name:<40} {o.status:>6} {o.seconds:>8.3f} {str(o.healthy):>7} {o.rss_mb:>7.0f}  {detail}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--hostile", type=float, default=0.1, help="share of hostile requests in the mixed load")
    ap.add_argument("--kinds", default="plan,logic", help=f"normal requests of the mixed load: {', '.join(REQUESTS)}")
    ap.add_argument("--limit", type=int, default=32, help="the server's NESY_MAX_CONCURRENT_REQUESTS")
    ap.add_argument("--expensive-timeout", type=float, default=2.0, help="timeout of the 6 expensive requests")
    ap.add_argument("--only", default="attacks,isolation,load", help="comma-separated: attacks, isolation, load")
    ap.add_argument("--out", type=Path, default=Path("runs/bench_load.json"), help="where to write the JSON")
    args = ap.parse_args(argv)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - {"attacks", "isolation", "load"}
    if unknown:
        ap.error(f"unknown parts {sorted(unknown)}")
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    if not kinds or set(kinds) - set(REQUESTS):
        ap.error(f"--kinds: choose from {', '.join(REQUESTS)}")

    result: dict[str, Any] = {"cpus": os.cpu_count(), "limit": args.limit}
    with tempfile.TemporaryDirectory(prefix="nesy-bench-") as tmp, serving(
        Path(tmp), f"http://127.0.0.1:{free_port()}", limit=args.limit
    ) as srv:
        result["rss_mb_start"] = round(srv.rss_mb(), 1)
        if "attacks" in parts:
            rows = {name: _attack_row(srv, attack) for name, attack in ATTACKS.items()}
            _print_attacks(rows)
            result["attacks"] = {name: asdict(o) for name, o in rows.items()}
        if "isolation" in parts:
            result["isolation"] = isolation(srv, timeout=args.expensive_timeout)
            print("\nisolation:", json.dumps(result["isolation"]))
        if "load" in parts:
            result["load"] = mixed_load(srv, args.requests, args.concurrency, args.hostile, kinds)
            print("\nmixed load:")
            _print_load(result["load"])
        result["healthy_end"] = srv.healthy()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, default=str))
    print(f"\nwrote {args.out}")
    load = result.get("load", {})
    failed = not result["healthy_end"] or load.get("unexpected_5xx", 0) > 0 or load.get("no_response", 0) > 0
    failed |= any(a["status"] in (0, 500) or not a["healthy"] for a in result.get("attacks", {}).values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
