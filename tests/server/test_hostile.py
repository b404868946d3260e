"""Issue 16, replayed: hostile clients against a real ``nesy serve`` and a real ``nesy mcp``.

Each attack is a function of ``server.bench_load`` (the benchmark prints the same attacks as a
table); each test here runs one and asserts the outcome the issue asks for, so that it fails if
the hole comes back. The servers run in temporary working directories (a file a request
managed to write would land there) with small limits, two API keys and their LLM down: every
request is formal, except the /metrics test, which runs the embedded model.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from server import bench_load as attacks
from server.bench_load import LOGIC, Outcome, Serve, free_port, replay, server_env, serving
from tests.server.conftest import dead_llm_url
from tests.server.hostile_helpers import McpStdio, tool_error

CAP_MB = 2048  # the server's NESY_SOLVE_MEMORY_MB
RSS_BOUND_MB = 1000  # the server's RSS after the mixed load (issue: 2 GB after one KG query before)


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """Room for the isolation and load tests (32 slots); small job limits."""
    with serving(
        tmp_path_factory.mktemp("hostile"), dead_llm_url(), limit=32, max_text_chars=100_000,
        solve_memory_mb=CAP_MB, max_job_items=10, max_queued_items_per_key=15,
    ) as s:
        yield s


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """4 slots: a handful of idle or vanished clients would be enough to shut everyone out."""
    with serving(tmp_path_factory.mktemp("tight"), dead_llm_url(), limit=4) as s:
        yield s


def run(srv: Serve, attack: Callable[[Serve, httpx.Client], Outcome]) -> Outcome:
    out = replay(srv, attack)
    assert out.healthy, f"the server is not healthy after the attack: {out}\n{srv.log_text()[-3000:]}"
    assert out.status != 500, out
    return out


def assert_refused(out: Outcome, status: int, names: str) -> None:
    assert out.status == status, out
    assert out.names(names), f"the error does not name {names!r}: {out.error}"


# -- SMT-LIB2: files and Z3's global state ------------------------------------------------


def test_smt_regular_output_channel_writes_no_file(srv: Serve, need) -> None:
    need("logic")
    out = run(srv, attacks.smt_regular_output_channel)
    assert_refused(out, 422, "set-option")
    assert not out.facts["file_created"] and not list(srv.workdir.glob("pwned*"))


def test_smt_diagnostic_output_channel_truncates_nothing(srv: Serve, need) -> None:
    need("logic")
    out = run(srv, attacks.smt_diagnostic_output_channel)
    assert_refused(out, 422, "set-option")
    assert out.facts["victim_intact"]


def test_smt_include_cannot_probe_files(srv: Serve, need) -> None:
    need("logic")
    existing, missing = run(srv, attacks.smt_include_existing), run(srv, attacks.smt_include_missing)
    assert_refused(existing, 422, "include")
    # The same answer whether the file exists or not: nothing to learn about the host.
    assert (existing.status, existing.error.get("type")) == (missing.status, missing.error.get("type"))
    messages = {str(o.error.get("message")).replace(name, "FILE") for o, name in ((existing, "secret.smt2"), (missing, "missing.smt2"))}
    assert len(messages) == 1, messages


@pytest.mark.parametrize("attack", [attacks.smt_memory_max_size, attacks.smt_rlimit], ids=["memory_max_size", "rlimit"])
def test_smt_global_parameters_cannot_be_set(srv: Serve, attack, need) -> None:
    need("logic")
    out = run(srv, attack)
    assert_refused(out, 422, "set-option")
    assert out.facts["next_ok"], "the next clients got a wrong answer (or none)"


def test_smt_attack_through_a_job_writes_no_file(srv: Serve, need) -> None:
    need("logic")
    out = run(srv, attacks.smt_through_jobs)
    assert out.error.get("type") == "translation_error" and out.names("set-option"), out
    assert not out.facts["file_created"]


# -- bounded work -----------------------------------------------------------------------------


def test_kg_query_explosion_is_413_at_once(srv: Serve, need) -> None:
    need("kg")
    out = run(srv, attacks.kg_explosion)
    assert out.status == 413 and out.error["type"] == "input_too_large", out
    assert out.seconds < 5, out
    assert out.facts["rss_growth_mb"] < 100, out


@pytest.mark.slow
def test_hard_z3_problem_times_out_and_cheap_requests_stay_fast(srv: Serve, need, record_property) -> None:
    need("logic")
    # Five options, one budget: before, each option had the whole time limit (10 s and more).
    out = run(srv, attacks.z3_hard_timeout)
    assert out.status == 504 and out.error["type"] == "solver_timeout", out
    assert out.seconds < 8, out
    iso = attacks.isolation(srv, expensive=6, timeout=2.0)
    record_property("isolation", json.dumps(iso))
    print("isolation:", iso)
    assert iso["expensive_statuses"] == {504: 6} and iso["expensive_max_s"] < 10, iso
    # Before: a trivial /v1/logic took 44 s while 6 such requests ran (0.05 s idle).
    assert iso["busy_median_s"] < 5 and iso["busy_max_s"] < 10, iso
    assert srv.healthy()


# -- slots -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_slow_bodies_hold_no_slot_and_get_408(tight: Serve, need) -> None:
    need("logic")
    out = run(tight, attacks.slow_bodies)
    assert out.status == 200 and out.seconds < 10, out
    assert out.facts["slow_statuses"] == {408: 4}, out


@pytest.mark.slow
def test_a_client_that_leaves_mid_solve_releases_its_slot(tight: Serve, need) -> None:
    need("logic")
    out = run(tight, attacks.disconnect_mid_solve)
    assert out.facts["in_flight_before"] == 4, out
    assert out.facts["release_s"] < 5, out
    assert out.status == 200 and out.seconds < 15, out


# -- client limits and shapes ---------------------------------------------------------------


def test_memory_mb_zero_is_refused_or_clamped(srv: Serve, need) -> None:
    need("planning")
    out = run(srv, attacks.context_memory_mb_zero)
    if out.status == 422:
        assert out.names("context.memory_mb"), out
    else:  # clamped: the worker still ran under a limit
        assert out.status == 200 and 0 < out.facts["worker_memory_mb"] <= CAP_MB, out


def test_memory_mb_huge_is_clamped_to_the_server_cap(srv: Serve, need) -> None:
    need("planning")
    out = run(srv, attacks.context_memory_mb_huge)
    assert out.status == 200 and str(out.facts["item"]).startswith("SOLVED"), out
    assert out.facts["worker_memory_mb"] == CAP_MB, out  # before: 999999 MB reached RLIMIT_AS


@pytest.mark.parametrize(
    ("attack", "field"),
    [
        (attacks.context_memory_mb_text, "context.memory_mb"),
        (attacks.ATTACKS["context.options 5"], "context.options"),
        (attacks.ATTACKS["context.premises 5"], "context.premises"),
        (attacks.context_top_k_text, "context.top_k"),
    ],
    ids=["memory_mb", "options", "premises", "top_k"],
)
def test_wrong_typed_context_is_422_naming_the_field(srv: Serve, attack, field: str) -> None:
    assert_refused(run(srv, attack), 422, field)


@pytest.mark.parametrize(
    "program",
    [
        attacks.deep_fol(3000),
        f"const Tom\npred Cat/1\npremise p1: {'not ' * 3000}Cat(Tom)\nconclusion: Cat(Tom)",
        attacks.deep_csp(3000),
        f"domain pos = 1..3\nvar x : pos\nconstraint: {'(' * 3000}x == 1{')' * 3000}\nconclusion: x == 1",
        f"(declare-const a Bool)\n(assert {'(not ' * 3000}a{')' * 3000})",
    ],
    ids=["fol-parens", "fol-not", "csp-not", "csp-parens", "smtlib-not"],
)
def test_deep_formulas_are_422(srv: Serve, program: str) -> None:
    with srv.client() as c:
        r = c.post("/v1/logic", json={"program": program})
    assert r.status_code == 422, r.text
    assert srv.healthy()


@pytest.mark.parametrize(
    "program",
    [
        "const Tom\npred Cat/1\npremise p1: " + " and ".join(["Cat(Tom)"] * 3000) + "\nconclusion: Cat(Tom)",
        "domain pos = 1..3\nvar x : pos\nconstraint: " + " + ".join(["x"] * 3000) + " >= 1\nconclusion: x == 1",
    ],
    ids=["fol-and-chain", "csp-sum-chain"],
)
def test_long_operator_chains_are_answered_or_422(srv: Serve, program: str) -> None:
    with srv.client() as c:
        r = c.post("/v1/logic", json={"program": program, "timeout": 10})
    assert r.status_code in (200, 422, 504), r.text
    assert srv.healthy()


def test_context_nested_300_levels_is_422(srv: Serve) -> None:
    out = run(srv, attacks.deep_context_300)
    assert_refused(out, 422, "context")


# -- jobs -------------------------------------------------------------------------------------


def test_huge_job_is_refused_at_once(srv: Serve) -> None:
    out = run(srv, attacks.job_size_100000)
    assert out.status in (413, 422) and out.names("size"), out
    assert out.seconds < 2 and out.facts["healthz_max_s"] < 1, out


def test_another_keys_job_does_not_exist(srv: Serve, need) -> None:
    need("logic")
    out = run(srv, attacks.other_keys_job)
    assert out.status == 404 and out.facts == {"results": 404, "cancel": 404}, out


@pytest.mark.slow
def test_queued_items_per_key_are_bounded_and_keys_are_served_fairly(srv: Serve, need) -> None:
    need("logic")
    hard = {"formal": attacks.CUBES, "kind": "logic"}
    with srv.client("k1") as k1, srv.client("k2") as k2:
        first = k1.post("/v1/jobs", json={"problems": [hard] * 10, "options": {"timeout": 3}})
        assert first.status_code == 202, first.text
        job = first.json()["id"]
        try:
            over = k1.post("/v1/jobs", json={"problems": [hard] * 10, "options": {"timeout": 3}})
            assert over.status_code == 429, over.text  # 10 queued + 10 > 15 for this key
            # Another key is not held back by k1's backlog (30 s of work at 2 workers).
            start = time.monotonic()
            other = k2.post("/v1/jobs", json={"problems": [{"formal": LOGIC, "kind": "logic"}]})
            assert other.status_code == 202, other.text
            while k2.get(f"/v1/jobs/{other.json()['id']}").json()["status"] in ("queued", "running"):
                assert time.monotonic() - start < 20, "k2's item waited behind k1's backlog"
                time.sleep(0.2)
        finally:
            assert k1.delete(f"/v1/jobs/{job}").json()["status"] == "cancelled"


# -- MCP --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mcp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpStdio]:
    client = McpStdio(tmp_path_factory.mktemp("mcp"), dead_llm_url())
    try:
        yield client.initialize()
    finally:
        client.close()


def test_mcp_malformed_line_gets_32700_and_serving_goes_on(mcp: McpStdio) -> None:
    mcp.send_line('{"jsonrpc": "2.0", "id": 1, "method": "tools/list"')  # cut short
    assert mcp.recv() == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error: the line is not valid JSON"}}
    tools = mcp.request("tools/list")["result"]["tools"]
    assert [t["name"] for t in tools] == ["plan", "logic", "kg", "solve"]


def test_mcp_hostile_smtlib_is_a_tool_error(mcp: McpStdio, need) -> None:
    need("logic")
    program = '(set-option :regular-output-channel "pwned.txt")\n(echo "written by a client")\n(declare-const a Bool)\n(assert a)'
    err = tool_error(mcp.call_tool("logic", {"program": program}))
    assert err["type"] == "translation_error" and "set-option" in err["message"], err
    assert not (mcp.cwd / "pwned.txt").exists()
    assert mcp.alive()


# -- /metrics with a real LLM --------------------------------------------------------------


@pytest.mark.slow
def test_many_clause_text_adds_a_bounded_number_of_series(tmp_path: Path, need) -> None:
    """1.1 KB of clauses through the embedded model (before: one such text added 1,102 series)."""
    need("planning")
    names = [f"b{i}" for i in range(1, 23)]
    text = " ".join(f"Block {x} is on block {y}." for x, y in zip(names, names[1:])) + f" Block {names[-1]} is on the table."
    text += " " + " ".join(f"The goal is that block {y} is on block {x}." for x, y in zip(names[:12], names[1:13]))
    with serving(tmp_path, "embedded") as s, s.client(timeout=900) as c:
        r = c.post("/v1/solve", json={
            "text": text, "kind": "planning", "context": {"domain": "blocksworld"},
            "options": {"timeout": 10, "repairs": 0, "exemplars": 1, "max_tokens": 96},
        })
        assert r.status_code == 200, r.text
        stages = [st["name"] for st in r.json()["trace"]["stages"]]
        metrics = c.get("/metrics").text
    assert sum(n.startswith("translate.clause") for n in stages) >= 20, stages
    labels = set(re.findall(r'^nesy_stage_seconds_count\{stage="([^"]*)"\}', metrics, re.M))
    assert "translate.clause" in labels and not any(re.search(r"\d", label) for label in labels), labels
    assert len(labels) <= 20 and len([line for line in metrics.splitlines() if line.startswith("nesy_")]) < 500


# -- mixed load -------------------------------------------------------------------------------


@pytest.mark.slow
def test_mixed_load_with_hostile_requests(srv: Serve, need, record_property) -> None:
    """200 formal requests at concurrency 16, 10% hostile: no 500, healthy, RSS bounded."""
    need("logic")
    need("kg")
    load = attacks.mixed_load(srv, n=200, concurrency=16, hostile_share=0.1, kinds=("logic",))
    record_property("mixed_load", json.dumps(load))
    print("mixed load:", json.dumps(load))
    assert load["hostile"] == 20 and load["status_500"] == 0, load
    assert set(load["statuses"]) <= {"200", "413", "422", "504"}, load
    assert load["healthy_after"], load
    assert load["rss_mb_after"] < RSS_BOUND_MB, load
    with srv.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        r = c.post("/v1/logic", json={"program": LOGIC})
        assert r.status_code == 200 and r.json()["solution"]["status"].startswith("SOLVED"), r.text


# -- the low items ----------------------------------------------------------------------------


def test_an_empty_api_key_is_refused_at_start(tmp_path: Path) -> None:
    """NESY_API_KEYS='[""]' used to disable auth silently; now the server does not start."""
    env = {**os.environ, **server_env(tmp_path), "NESY_API_KEYS": '[""]'}
    cmd = [sys.executable, "-m", "nesy.cli", "serve", "--host", "127.0.0.1", "--port", str(free_port()), "--llm", dead_llm_url()]
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "NESY_API_KEYS" in done.stdout + done.stderr, done


def test_an_untrained_kg_answers_503_within_the_request(tmp_path: Path, need) -> None:
    """A KG without a cached link predictor is trained in the background, never inside a request."""
    need("kg")
    with serving(tmp_path, dead_llm_url()) as fresh, fresh.client() as c:
        start = time.perf_counter()
        r = c.post("/v1/kg/query", json={"kb": "nations", "query": "militaryalliance(netherlands, f)", "timeout": 2})
        seconds = time.perf_counter() - start
    assert r.status_code == 503, r.text
    assert r.json()["error"]["type"] == "backend_unavailable" and "train" in r.json()["error"]["message"], r.text
    assert seconds < 10, seconds  # before: trained inside the request, far past its timeout
