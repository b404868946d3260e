"""build_app is an ASGI app that mounts inside another one; two apps share no state."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from nesy import Settings
from server import build_app
from tests.server.problems import LOGIC_PROGRAM


async def test_mounted_in_a_host_app(tmp_path: Path, need) -> None:
    need("logic")
    host = FastAPI()
    first = build_app(Settings(llm="http://127.0.0.1:9", jobs_db=tmp_path / "a.sqlite"))
    second = build_app(Settings(llm="http://127.0.0.1:9", jobs_db=tmp_path / "b.sqlite", max_body_bytes=100))
    host.mount("/nesy", first)
    host.mount("/small", second)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=host), base_url="http://host") as c:
        r = await c.post("/nesy/v1/logic", json={"program": LOGIC_PROGRAM})
        assert r.status_code == 200 and r.json()["solution"]["answer"] == "True"
        r = await c.post("/small/v1/logic", json={"program": LOGIC_PROGRAM})
        assert r.status_code == 413 and r.json()["error"]["limit"] == 100
        first_metrics = (await c.get("/nesy/metrics")).text
        second_metrics = (await c.get("/small/metrics")).text
    # Per-app registries: each app counts only its own traffic.
    assert 'nesy_solver_outcomes_total{kind="logic",status="SOLVED"} 1.0' in first_metrics
    assert "nesy_solver_outcomes_total{" not in second_metrics
    assert 'nesy_http_rejected_total{reason="body_too_large"} 1.0' in second_metrics
