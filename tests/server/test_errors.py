"""Bad inputs and refusals: each a clear 4xx/5xx in the one error shape."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import ServerProcess, assert_error_shape, dead_llm_url
from tests.server.problems import pigeonhole


def test_malformed_json_is_400_with_position(http: httpx.Client) -> None:
    r = http.post("/v1/plan", content=b'{"problem": "(define", ', headers={"content-type": "application/json"})
    err = assert_error_shape(r, 400, "invalid_json")
    assert err["col"] is not None and "JSON" in err["message"]


def test_schema_violation_is_422_naming_the_field(http: httpx.Client) -> None:
    r = http.post("/v1/kg/query", json={"kb": "nations"})
    err = assert_error_shape(r, 422, "invalid_request")
    assert err["symbol"] == "query" and "query" in err["message"]
    r = http.post("/v1/solve", json={"text": "x", "options": {"samples": 99}})
    err = assert_error_shape(r, 422, "invalid_request")
    assert "samples" in err["message"]


def test_unknown_route_and_method(http: httpx.Client) -> None:
    assert_error_shape(http.get("/v1/nothing"), 404, "not_found")
    assert_error_shape(http.get("/v1/plan"), 405, "method_not_allowed")


def test_oversized_body_by_content_length(http: httpx.Client) -> None:
    r = http.post("/v1/logic", json={"program": "x" * 300_000})
    err = assert_error_shape(r, 413, "input_too_large")
    assert err["limit"] == 200000


def test_oversized_chunked_body(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"program": "'
        for _ in range(30):
            yield b"x" * 10_000
        yield b'"}'

    r = http.post("/v1/logic", content=chunks(), headers={"content-type": "application/json"})
    assert_error_shape(r, 413, "input_too_large")


def test_text_over_the_character_limit(http: httpx.Client) -> None:
    r = http.post("/v1/solve", json={"text": "a" * 60_000, "kind": "logic"})
    err = assert_error_shape(r, 413, "input_too_large")
    assert err["symbol"] == "text" and "50000" in err["message"]


def test_unknown_job_is_404(http: httpx.Client) -> None:
    err = assert_error_shape(http.get("/v1/jobs/feedface"), 404, "not_found")
    assert err["stage"] == "jobs"
    assert_error_shape(http.get("/v1/jobs/feedface/results"), 404, "not_found")


def test_llm_server_down_is_503(http: httpx.Client, need) -> None:
    need("logic")
    r = http.post("/v1/solve", json={"text": "All cats are animals. Tom is a cat. Is Tom an animal?", "kind": "logic"})
    err = assert_error_shape(r, 503, "llm_unavailable")
    assert "unreachable" in err["message"]


@pytest.fixture
def keyed_server(tmp_path: Path) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path, llm=dead_llm_url(), env={"NESY_API_KEYS": '["k-one", "k-two"]'}).start()
    yield srv
    srv.stop()


def test_api_keys(keyed_server: ServerProcess) -> None:
    with keyed_server.client() as c:
        err = assert_error_shape(c.get("/v1/backends"), 401, "unauthorized")
        assert "Bearer" in err["message"]
        assert c.get("/v1/backends").headers["www-authenticate"] == "Bearer"
        assert_error_shape(c.get("/v1/backends", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
        assert c.get("/v1/backends", headers={"Authorization": "Bearer k-two"}).status_code == 200
        assert c.get("/healthz").status_code == 200  # probes stay open


@pytest.fixture
def tiny_server(tmp_path: Path) -> Iterator[ServerProcess]:
    srv = ServerProcess(
        tmp_path, llm=dead_llm_url(), env={"NESY_MAX_CONCURRENT_REQUESTS": "1", "NESY_MAX_TEXT_CHARS": "200000"}
    ).start()
    yield srv
    srv.stop()


def test_overload_answers_503_at_once(tiny_server: ServerProcess, need) -> None:
    """One request holds the only slot (Z3 works on it); the next is refused, not queued."""
    need("logic")
    holder: dict[str, httpx.Response] = {}

    def hold() -> None:
        with tiny_server.client() as c:
            holder["r"] = c.post("/v1/logic", json={"program": pigeonhole(12), "timeout": 5})

    t = threading.Thread(target=hold)
    t.start()
    try:
        with tiny_server.client() as c:
            deadline = time.monotonic() + 10
            while 'nesy_http_in_flight 1.0' not in c.get("/metrics").text:
                assert time.monotonic() < deadline, "the slow request never started"
                time.sleep(0.05)
            start = time.monotonic()
            r = c.post("/v1/logic", json={"program": "p"})
            elapsed = time.monotonic() - start
            err = assert_error_shape(r, 503, "overloaded")
            assert r.headers["retry-after"] == "1" and "limit 1" in err["message"]
            assert elapsed < 2.0, f"refusal took {elapsed:.2f} s: it queued"
            assert 'nesy_http_rejected_total{reason="overloaded"} 1.0' in c.get("/metrics").text
    finally:
        t.join(60)
    held = holder["r"]  # the holder itself was served, whatever its program meant
    assert held.status_code in (200, 504) and "overloaded" not in held.text, held.text
