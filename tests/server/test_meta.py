"""Service endpoints against a real server: health, readiness, backends, tools, metrics."""

from __future__ import annotations

import httpx

from tests.server.conftest import ServerProcess


def test_healthz(http: httpx.Client) -> None:
    r = http.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_reports_the_unreachable_llm(http: httpx.Client, server: ServerProcess) -> None:
    r = http.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["ready"] is False
    assert body["llm"]["ok"] is False and "unreachable" in body["llm"]["error"]
    assert isinstance(body["backends"], list)


def test_backends_lists_every_entry_point(http: httpx.Client, available_backends: dict[str, str]) -> None:
    r = http.get("/v1/backends")
    assert r.status_code == 200
    rows = {b["name"]: b for b in r.json()}
    assert set(rows) == set(available_backends) == {"planning", "logic", "kg"}
    for name, why in available_backends.items():
        assert rows[name]["available"] is (why == ""), rows[name]


def test_tools_are_openai_function_definitions(http: httpx.Client) -> None:
    tools = http.get("/v1/tools").json()
    assert [t["function"]["name"] for t in tools] == ["plan", "logic", "kg", "solve"]
    for t in tools:
        assert t["type"] == "function"
        params = t["function"]["parameters"]
        assert params["type"] == "object" and params["required"]
        assert "$ref" not in str(params), "refs must be inlined for agent frameworks"
        assert len(t["function"]["description"]) > 40


def test_metrics_count_requests_by_route(http: httpx.Client) -> None:
    http.get("/healthz")
    http.get("/no/such/route")
    text = http.get("/metrics").text
    assert 'nesy_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'route="unmatched",status="404"' in text
    for name in ("nesy_stage_seconds", "nesy_solver_outcomes", "nesy_llm_tokens", "nesy_http_request_seconds"):
        assert f"# TYPE {name}" in text, name


def test_openapi_schema_lists_every_endpoint(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for p in ("/v1/solve", "/v1/translate", "/v1/plan", "/v1/logic", "/v1/kg/query", "/v1/jobs",
              "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/results", "/v1/backends", "/v1/tools",
              "/healthz", "/readyz", "/metrics"):
        assert p in paths, p
