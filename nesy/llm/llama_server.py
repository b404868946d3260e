"""Start a local ``python -m llama_cpp.server`` (tests and benchmarks use a real server)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

__all__ = ["free_port", "start_llama_server", "wait_http"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_llama_server(model: Path, port: int, *, threads: int = 1, alias: str = "smollm2") -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "4096", "--n_threads", str(threads), "--model_alias", alias, "--verbose", "False",
    ]
    # A log file, not a pipe: llama.cpp prints more than a pipe buffer holds and would block.
    log = open(Path(tempfile.gettempdir()) / f"nesy-llama-server-{port}.log", "wb")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)


def wait_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")
