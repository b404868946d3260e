"""Real uvicorn servers on 127.0.0.1 in subprocesses (``nesy serve``), and helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
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
