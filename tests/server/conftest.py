"""Real uvicorn servers on 127.0.0.1: ``nesy serve`` subprocesses, or ``build_app`` under uvicorn
in a thread of the test process (settings passed directly, app state inspectable); and helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port, wait_http

REPO = Path(__file__).resolve().parents[2]


class ServerProcess:
    """One ``nesy serve`` subprocess; can be killed (SIGKILL) and started again on the same port and DB."""

    def __init__(self, tmp: Path, *, llm: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.llm = llm
        self.jobs_db = tmp / "jobs.sqlite"
        self.log = tmp / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "NESY_LLM_RETRIES": "0",
            "NESY_EMBEDDED_THREADS": "1",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> "ServerProcess":
        cmd = [
            sys.executable, "-m", "nesy.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
            "--llm", self.llm, "--jobs-db", str(self.jobs_db), "--log-level", "warning",
        ]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_http(self.url + "/healthz", self.proc, timeout=timeout)
        except RuntimeError as e:
            raise RuntimeError(f"{e}\n--- server log ---\n{self.log.read_text()[-4000:]}") from None
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks run, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=kw.pop("timeout", 120.0), **kw)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


class LocalServer:
    """``build_app(settings)`` served by a real uvicorn on 127.0.0.1, in a thread of this process."""

    def __init__(self, settings: Any) -> None:
        import uvicorn

        from server.app import build_app

        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = build_app(settings)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"uvicorn-{self.port}", daemon=True)

    def start(self, timeout: float = 60.0) -> "LocalServer":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn on port {self.port} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(30)

    def client(self, key: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, timeout=kw.pop("timeout", 60.0), headers=headers, **kw)

    def metric(self, line_prefix: str) -> float:
        """The value of the first /metrics sample line that starts with ``line_prefix`` (0 if none)."""
        text = httpx.get(self.url + "/metrics", timeout=10).text
        for line in text.splitlines():
            if line.startswith(line_prefix):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[Callable[..., LocalServer]]:
    """``local_server(max_concurrent_requests=2, ...)``: a started LocalServer with those settings,
    an LLM that is down and its own job database; stopped after the test."""
    from nesy.settings import Settings

    started: list[LocalServer] = []

    def start(**overrides: Any) -> LocalServer:
        settings = Settings(llm=dead_llm_url(), llm_retries=0, jobs_db=tmp_path / f"jobs-{len(started)}.sqlite", **overrides)
        srv = LocalServer(settings)
        started.append(srv)
        return srv.start()

    yield start
    for srv in started:
        srv.stop()


def dead_llm_url() -> str:
    """An OpenAI-compatible URL where nothing listens: the LLM server is down."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The shared server for formal endpoints: real backends, and an LLM that is down."""
    srv = ServerProcess(
        tmp_path_factory.mktemp("server"),
        llm=dead_llm_url(),
        env={"NESY_MAX_TIMEOUT": "20", "NESY_MAX_BODY_BYTES": "200000", "NESY_MAX_TEXT_CHARS": "50000"},
    ).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="session")
def available_backends() -> dict[str, str]:
    """name -> '' when available, else why not (from the real entry points)."""
    from nesy.backend import load_backends

    return {i.name: ("" if i.available else i.reason) for i in load_backends().info}


@pytest.fixture
def need(available_backends: dict[str, str]):
    """``need("planning")`` fails (never skips) when a backend the test exercises is missing."""

    def check(name: str) -> None:
        why = available_backends.get(name, "not registered")
        if why:
            pytest.fail(f"backend {name!r} is unavailable: {why}")

    return check


def assert_error_shape(resp: httpx.Response, status: int, type_: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json"), resp.headers
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    for key in ("type", "message", "stage", "line", "col", "symbol"):
        assert key in err, (key, err)
    assert isinstance(err["message"], str) and err["message"], err
    if type_ is not None:
        assert err["type"] == type_, err
    return err
