"""The web playground without a browser: pages and assets (public, self-contained), its data
routes (behind the API key), benchmark runs read from the cache folder, and run / plot names
that try to leave the bench folder. A real uvicorn serves build_app with real backends."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.report import write_report
from nesy.settings import Settings
from tests.server.conftest import LocalServer, dead_llm_url
from tests.server.problems import LOGIC_PROGRAM

KEY = "pg-key-123"
RUN = "logic-demo-seed0"


def _records() -> list[dict]:
    """Item results in the shape the runner stores (as tests/benchmarks/test_report.py builds them)."""
    rows = [("depth1", "seen", 1), ("depth1", "seen", 0), ("depth3", "held_out", 1), ("depth3", "held_out", 0)]
    return [
        {"id": f"logic-{i}", "kind": "logic", "signature": sig, "split": split, "status": "SOLVED",
         "scores": {"accuracy": acc}, "error": None, "seconds": {"translate": 1.0, "solve": 0.1, "total": 1.1},
         "tokens": {"prompt": 10, "completion": 5}}
        for i, (sig, split, acc) in enumerate(rows)
    ]


def make_cache(root: Path, tmp: Path) -> Path:
    """A cache folder with one real run (written by benchmarks.report) and bait outside and inside."""
    write_report(_records(), root / "bench" / RUN, config={"suite": "logic/demo", "seed": 0, "mode": "ours"}, model="m")
    (root / "secret.txt").write_text("TOP-SECRET-OUTSIDE")
    outside = tmp / "outside-run"
    outside.mkdir()
    (outside / "summary.json").write_text(json.dumps({"model": "TOP-SECRET-LINKED"}))
    (outside / "report.md").write_text("TOP-SECRET-LINKED")
    (root / "bench" / "linked").symlink_to(outside, target_is_directory=True)  # a link out of the bench folder
    (root / "bench" / RUN / "plots" / "leak.png").symlink_to(root / "secret.txt")
    (root / "bench" / "empty-folder").mkdir()  # no summary, no report: not a run
    inner = root / "bench" / "inner-links"  # a real run folder whose files are links out
    inner.mkdir()
    (inner / "report.md").symlink_to(root / "secret.txt")
    (inner / "summary.json").symlink_to(outside / "summary.json")
    return root


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """One server for the module (real backends, an LLM that is down), API keys required."""
    tmp = tmp_path_factory.mktemp("playground")
    settings = Settings(llm=dead_llm_url(), llm_retries=0, jobs_db=tmp / "jobs.sqlite", api_keys=[KEY],
                        cache_dir=make_cache(tmp / "cache", tmp))
    server = LocalServer(settings).start()
    yield server
    server.stop()


def raw_get(srv: LocalServer, path: str, key: str | None = KEY) -> tuple[int, bytes]:
    """GET with the path sent byte for byte (httpx would normalise dot segments away)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {key}"} if key else {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def redirect_location(srv: LocalServer, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {KEY}"})
        return conn.getresponse().getheader("location") or ""
    finally:
        conn.close()


def test_pages_and_assets_are_public_and_self_contained(srv: LocalServer) -> None:
    with srv.client() as c:  # no key, although the server requires one
        pages = {p: c.get(p) for p in ("/", "/runs")}
        for path, r in pages.items():
            assert r.status_code == 200, (path, r.text)
            assert r.headers["content-type"].startswith("text/html")
            assert "script-src 'self'" in r.headers["content-security-policy"]
            # every script, style and link is this server's own: nothing from a CDN
            refs = re.findall(r'(?:src|href)="([^"]*)"', r.text)
            assert refs and all(ref.startswith(("/", "#", "data:")) and not ref.startswith("//") for ref in refs), refs
            assert 'id="api-key"' in r.text
        js = c.get("/playground/static/playground.js")
        css = c.get("/playground/static/style.css")
        assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert not re.search(r"https?://", js.text + css.text)
        # untrusted text reaches the page as text nodes only
        assert not re.search(r"\.(inner|outer)HTML\b|insertAdjacentHTML|document\.write|\beval\(", js.text)
        assert "Authorization" in js.text and "Bearer " in js.text
        # only the listed assets are served; anything else under the prefix needs the key, then is 404
        assert c.get("/playground/static/router.py").status_code == 401
    with srv.client(KEY) as c:
        assert c.get("/playground/static/router.py").status_code == 404
        assert c.get("/playground/static/index.html").status_code == 404


def test_data_calls_need_the_key(srv: LocalServer) -> None:
    calls = [
        ("GET", "/playground/api/choices", None),
        ("GET", "/playground/api/runs", None),
        ("GET", f"/playground/api/runs/{RUN}", None),
        ("GET", f"/playground/api/runs/{RUN}/plots/seen_vs_held_out.png", None),
        ("GET", "/v1/backends", None),
        ("POST", "/v1/logic", {"program": LOGIC_PROGRAM}),
    ]
    for key in (None, "wrong-key"):
        with srv.client(key) as c:
            for method, path, body in calls:
                r = c.request(method, path, json=body)
                assert r.status_code == 401, (key, path, r.text)
                assert "TOP-SECRET" not in r.text and "accuracy" not in r.text
    with srv.client(KEY) as c:
        for method, path, body in calls:
            r = c.request(method, path, json=body)
            assert r.status_code == 200, (path, r.text)
        assert c.post("/v1/logic", json={"program": LOGIC_PROGRAM}).json()["solution"]["answer"] == "True"


def test_choices_come_from_the_backends(srv: LocalServer) -> None:
    with srv.client(KEY) as c:
        body = c.get("/playground/api/choices").json()
        backends = c.get("/v1/backends").json()
    assert [k["name"] for k in body["kinds"]] == [b["name"] for b in backends]
    assert {"planning", "logic", "kg"} <= {k["name"] for k in body["kinds"] if k["available"]}
    assert "blocksworld" in body["choices"]["planning"]["domain"]
    assert "nations" in body["choices"]["kg"]["kb"]


def test_runs_list_and_detail(srv: LocalServer) -> None:
    with srv.client(KEY) as c:
        runs = c.get("/playground/api/runs").json()
        # not the link, not the folder without a report; the one with linked files shows none of them
        assert sorted(r["name"] for r in runs) == sorted([RUN, "inner-links"])
        assert "TOP-SECRET" not in json.dumps(runs)
        inner = c.get("/playground/api/runs/inner-links")
        assert inner.status_code == 200 and "TOP-SECRET" not in inner.text and inner.json()["report_md"] == ""
        runs = [r for r in runs if r["name"] == RUN]
        assert runs[0]["suite"] == "logic/demo" and runs[0]["n_items"] == 4 and runs[0]["report"]
        # the link inside plots/ is not a plot
        assert set(runs[0]["plots"]) == {"logic_by_composition.png", "seen_vs_held_out.png"}
        run = c.get(f"/playground/api/runs/{RUN}").json()
        assert "## Per split" in run["report_md"] and "depth3" in run["report_md"]
        assert run["config"]["suite"] == "logic/demo" and run["model"] == "m"
        png = c.get(f"/playground/api/runs/{RUN}/plots/seen_vs_held_out.png")
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_runs_with_no_bench_folder(local_server, tmp_path: Path) -> None:
    srv = local_server(cache_dir=tmp_path / "fresh")
    with srv.client() as c:
        assert c.get("/playground/api/runs").json() == []
        r = c.get(f"/playground/api/runs/{RUN}")
        assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"


ESCAPES = [
    "/playground/api/runs/..",
    "/playground/api/runs/%2e%2e",
    "/playground/api/runs/..%2f",
    "/playground/api/runs/..%2fsecret.txt",
    "/playground/api/runs/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/playground/api/runs/..%5csecret.txt",
    "/playground/api/runs/%2fetc%2fpasswd",
    "/playground/api/runs/linked",
    "/playground/api/runs/.",
    "/playground/api/runs/%00",
    f"/playground/api/runs/{RUN}%2f..",
    f"/playground/api/runs/{RUN}/plots/..%2f..%2f..%2fsecret.txt",
    f"/playground/api/runs/{RUN}/plots/%2e%2e%2fsummary.json",
    f"/playground/api/runs/{RUN}/plots/..",
    f"/playground/api/runs/{RUN}/plots/leak.png",
    f"/playground/api/runs/{RUN}/plots/%2fetc%2fpasswd",
    "/playground/api/runs/../../secret.txt",
    "/playground/api/runs/linked/plots/x.png",
    "/playground/static/..%2frouter.py",
    "/playground/static/%2e%2e%2f__init__.py",
]


@pytest.mark.parametrize("path", ESCAPES)
def test_names_never_leave_the_bench_folder(srv: LocalServer, path: str) -> None:
    status, body = raw_get(srv, path)
    if status == 307:  # Starlette drops a trailing slash by redirecting: the target must be refused too
        status, body = raw_get(srv, urlsplit(redirect_location(srv, path)).path)
    assert status in (400, 404), (path, status, body[:300])
    assert b"TOP-SECRET" not in body and b"root:" not in body and b"import " not in body
