"""Hostile HTTP clients against a real uvicorn: slow bodies hold no concurrency slot and get 408;
a client that goes away releases its slot and stops its solver; client limits are clamped."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.server.conftest import LocalServer
from tests.server.problems import LOGIC_PROGRAM, pigeonhole

ERROR_KEYS = {"type", "message", "stage", "line", "col", "symbol"}


def raw_request(port: int, data: bytes) -> socket.socket:
    """A client that sends exactly ``data`` and then nothing more."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(data)
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of the response, read until the server closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def post_head(path: str, **headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: test", "Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def logic_ok(srv: LocalServer) -> int:
    with srv.client() as c:
        return c.post("/v1/logic", json={"program": LOGIC_PROGRAM}).status_code


def test_slow_bodies_hold_no_slot_and_get_408(local_server: Callable[..., LocalServer], need) -> None:
    need("logic")
    srv = local_server(max_concurrent_requests=2, body_timeout=2.0)
    start = time.monotonic()
    # Twice the limit: headers and 5 of 100 body bytes; and a chunked body that stops after one chunk.
    slow = [raw_request(srv.port, post_head("/v1/logic", **{"Content-Length": "100"}) + b'{"pro') for _ in range(3)]
    slow.append(raw_request(srv.port, post_head("/v1/logic", **{"Transfer-Encoding": "chunked"}) + b'5\r\n{"pro\r\n'))
    time.sleep(0.3)  # the server has read what they sent
    # As many normal requests as the limit, at once: the slow clients hold no slot.
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda _: logic_ok(srv), range(2))) == [200, 200]
    for sock in slow:
        status, body = read_response(sock)
        assert status == 408, body
        assert ERROR_KEYS <= set(body["error"]) and body["error"]["type"] == "request_timeout", body
        assert "2 s" in body["error"]["message"]
    assert time.monotonic() - start >= 2.0
    assert srv.metric('nesy_http_rejected_total{reason="body_timeout"}') == 4
    assert srv.metric("nesy_http_in_flight") == 0


def test_disconnected_client_releases_its_slot_and_stops_its_solver(local_server: Callable[..., LocalServer], need) -> None:
    need("logic")
    # As many solver threads as slots: if the abandoned solves kept running, new ones would queue behind them.
    srv = local_server(max_concurrent_requests=2, solve_workers=2, max_text_chars=100_000)
    body = json.dumps({"program": pigeonhole(12), "timeout": 200}).encode()
    request = post_head("/v1/logic", **{"Content-Length": str(len(body))}) + body
    socks = [raw_request(srv.port, request) for _ in range(2)]
    wait_until(lambda: srv.metric("nesy_http_in_flight") == 2, 20, "the hard requests never started")
    time.sleep(1.0)  # they reach the solver
    with srv.client() as c:
        assert c.post("/v1/logic", json={"program": LOGIC_PROGRAM}).json()["error"]["type"] == "overloaded"
    for sock in socks:
        sock.close()
    wait_until(lambda: srv.metric("nesy_http_in_flight") == 0, 5, "the slots were not released when the clients left")
    start = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda _: logic_ok(srv), range(2))) == [200, 200]
    assert time.monotonic() - start < 30, "the abandoned solves kept the solver threads"
    assert srv.metric('nesy_http_requests_total{method="POST",route="/v1/logic",status="499"}') == 2


def test_oversized_body_is_413_before_any_slot(local_server: Callable[..., LocalServer]) -> None:
    srv = local_server(max_concurrent_requests=1, max_body_bytes=1000)
    sock = raw_request(srv.port, post_head("/v1/logic", **{"Content-Length": "5000"}))
    status, body = read_response(sock)  # refused at once, the connection closed
    assert status == 413 and body["error"]["type"] == "input_too_large" and body["error"]["limit"] == 1000


def test_top_k_is_clamped_by_the_server(local_server: Callable[..., LocalServer], need) -> None:
    need("kg")
    srv = local_server(max_top_k=2)
    with srv.client(timeout=300) as c:
        r = c.post("/v1/kg/query", json={"kb": "nations", "query": "militaryalliance(netherlands, f)", "top_k": 50})
    assert r.status_code == 200, r.text
    answers = r.json()["solution"]["answer"]
    assert 1 <= len(answers) <= 2, answers


def test_samples_and_repairs_are_clamped_by_the_server() -> None:
    from nesy.reasoner import Reasoner
    from nesy.settings import Settings
    from server.schemas import SolveOptions
    from server.service import translate_options

    reasoner = Reasoner(settings=Settings(max_samples=2, max_repairs=1), backends=["logic"])
    opts = translate_options(reasoner, SolveOptions(samples=8, repairs=5, exemplars=4))
    assert (opts.samples, opts.repairs, opts.exemplars) == (2, 1, 4)
    opts = translate_options(reasoner, SolveOptions(samples=1, repairs=0))
    assert (opts.samples, opts.repairs) == (1, 0)


def test_stage_labels_come_from_a_fixed_set() -> None:
    from server.metrics import STAGES, Metrics, stage_label
    from server.schemas import StageOut, TraceOut

    assert stage_label("translate.clause3.repair1") == "translate.clause"
    assert stage_label("translate.option B") == "translate.option"
    assert stage_label("translate.premise.repair2") == "translate.premise"
    assert stage_label("solve") == "solve"
    assert stage_label("evil{label=\"x\"}") == "other"
    names = [f"translate.clause{i}" for i in range(1000)] + [f"translate.clause{i}.repair{r}" for i in range(50) for r in range(3)]
    names += [f"translate.{w}" for w in ("a b c " * 300).split()] + ["context", "solve"]
    metrics = Metrics()
    metrics.observe_trace(TraceOut(seconds=1, prompt_tokens=0, completion_tokens=0, stages=[StageOut(name=n, seconds=0.01) for n in names]))
    labels = {s.labels["stage"] for m in metrics.registry.collect() if m.name == "nesy_stage_seconds" for s in m.samples}
    assert labels <= STAGES and labels == {"translate.clause", "other", "context", "solve"}, labels


def test_a_request_body_reaches_a_streaming_response(local_server: Callable[..., LocalServer]) -> None:
    """The buffered body is replayed to the app and a streamed (SSE) error still arrives in-band.
    (Without the grammar the words do not decide the translation, so the model must be asked.)"""
    srv = local_server()
    with srv.client() as c:
        with c.stream("POST", "/v1/solve", params={"stream": "true"}, json={"text": "All cats are animals.", "kind": "logic",
                                                                "options": {"grammar": False}}) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            text = "".join(r.iter_text())
    assert "event: error" in text and "llm_unavailable" in text, text
