"""Formal endpoints end to end against the real server and the real backends."""

from __future__ import annotations

import httpx

from tests.server.conftest import assert_error_shape
from tests.server.problems import BLOCKS_PROBLEM, KG_QUERY, LOGIC_BAD, LOGIC_PROGRAM, MALFORMED_PROBLEM, SMTLIB_UNSAT, tower_reversal


def _check_trace(body: dict) -> None:
    names = [s["name"] for s in body["trace"]["stages"]]
    assert names[:2] == ["context", "parse"] and "solve" in names, names
    assert all(s["seconds"] >= 0 for s in body["trace"]["stages"])
    assert body["verbalization"]


def test_plan_blocksworld(http: httpx.Client, need) -> None:
    need("planning")
    r = http.post("/v1/plan", json={"domain": "blocksworld", "problem": BLOCKS_PROBLEM, "timeout": 15})
    assert r.status_code == 200, r.text
    body = r.json()
    sol = body["solution"]
    assert body["kind"] == "planning"
    assert sol["status"] in ("SOLVED", "SOLVED_OPTIMALLY"), sol
    plan = sol["answer"]
    assert isinstance(plan, list) and len(plan) == 6, plan  # unstack c a, put-down c, pick-up b, stack b c, pick-up a, stack a b
    assert "stack" in str(plan[-1]).lower()
    _check_trace(body)


def test_plan_with_domain_text(http: httpx.Client, need) -> None:
    need("planning")
    from importlib.resources import files

    domain = (files("planners") / "domains" / "blocksworld.pddl").read_text()
    r = http.post("/v1/plan", json={"domain_pddl": domain, "problem": BLOCKS_PROBLEM, "timeout": 15})
    assert r.status_code == 200, r.text
    assert r.json()["solution"]["status"] in ("SOLVED", "SOLVED_OPTIMALLY")


def test_malformed_pddl_names_the_symbol(http: httpx.Client, need) -> None:
    need("planning")
    r = http.post("/v1/plan", json={"domain": "blocksworld", "problem": MALFORMED_PROBLEM})
    err = assert_error_shape(r, 422, "translation_error")
    assert err["symbol"] == "levitating" and err["line"] == 4, err


def test_unknown_domain_is_404(http: httpx.Client, need) -> None:
    need("planning")
    err = assert_error_shape(http.post("/v1/plan", json={"domain": "nosuchdomain", "problem": BLOCKS_PROBLEM}), 404, "not_found")
    assert "nosuchdomain" in err["message"]


def test_solver_timeout_is_504(http: httpx.Client, need) -> None:
    need("planning")
    r = http.post("/v1/plan", json={"domain": "blocksworld", "problem": tower_reversal(40), "timeout": 0.1})
    err = assert_error_shape(r, 504, "solver_timeout")
    assert err["stage"] == "solve"


def test_logic_entailment(http: httpx.Client, need) -> None:
    need("logic")
    r = http.post("/v1/logic", json={"program": LOGIC_PROGRAM})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "logic" and body["solution"]["status"] in ("SOLVED", "SOLVED_OPTIMALLY")
    assert "true" in str(body["solution"]["answer"]).lower(), body["solution"]
    _check_trace(body)


def test_timeout_is_capped_by_the_server(http: httpx.Client, need) -> None:
    need("logic")
    r = http.post("/v1/logic", json={"program": LOGIC_PROGRAM, "timeout": 100000})
    assert r.status_code == 200 and r.json()["timeout"] == 20.0  # the server's NESY_MAX_TIMEOUT


def test_logic_parse_error_has_line_and_col(http: httpx.Client, need) -> None:
    need("logic")
    err = assert_error_shape(http.post("/v1/logic", json={"program": LOGIC_BAD}), 422, "translation_error")
    assert err["line"] == 3 and err["col"] is not None, err


def test_smtlib_unsat_core(http: httpx.Client, need) -> None:
    need("logic")
    r = http.post("/v1/logic", json={"program": SMTLIB_UNSAT})
    assert r.status_code == 200, r.text
    sol = r.json()["solution"]
    assert "unsat" in str(sol["answer"]).lower(), sol
    core = str(sol["certificate"])
    assert "big" in core and "small" in core and "nonneg" not in core, sol["certificate"]


def test_kg_query_ranked_answers(http: httpx.Client, need) -> None:
    need("kg")
    r = http.post("/v1/kg/query", json={"kb": "nations", "query": KG_QUERY, "top_k": 5}, timeout=300)
    assert r.status_code == 200, r.text
    body = r.json()
    sol = body["solution"]
    assert body["kind"] == "kg" and sol["status"] in ("SOLVED", "SOLVED_OPTIMALLY"), sol
    answers = sol["answer"]
    assert 1 <= len(answers) <= 5, answers
    assert "uk" in str(answers), answers  # netherlands militaryalliance uk is an observed edge
    _check_trace(body)


def test_unknown_kb_is_404(http: httpx.Client, need) -> None:
    need("kg")
    err = assert_error_shape(http.post("/v1/kg/query", json={"kb": "atlantis", "query": KG_QUERY}), 404, "not_found")
    assert "atlantis" in err["message"]


def test_solver_outcomes_reach_metrics(http: httpx.Client, need) -> None:
    need("logic")
    assert http.post("/v1/logic", json={"program": LOGIC_PROGRAM}).status_code == 200
    text = http.get("/metrics").text
    assert 'nesy_solver_outcomes_total{kind="logic"' in text
    assert 'nesy_stage_seconds_count{stage="parse"}' in text
