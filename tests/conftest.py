"""Shared fixtures: the real embedded model, a real llama.cpp server, the real vLLM server."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from nesy.llm.llama_server import free_port, start_llama_server, wait_http

__all__ = ["free_port", "start_llama_server", "wait_http"]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def smollm2_path() -> Path:
    from nesy.llm.embedded import default_model_path

    return default_model_path()


@pytest.fixture(scope="session")
def embedded_llm(smollm2_path: Path):
    """One in-process SmolLM2 for the whole session (loading costs ~0.5 s, memory ~200 MB)."""
    from nesy.llm.embedded import EmbeddedLLM

    return EmbeddedLLM(smollm2_path, threads=1, n_ctx=4096)


@pytest.fixture(scope="session")
def llama_server(smollm2_path: Path) -> Iterator[str]:
    """A real ``python -m llama_cpp.server`` on 127.0.0.1; yields its base URL."""
    port = free_port()
    proc = start_llama_server(smollm2_path, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/v1/models", proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def vllm_url() -> str:
    """The vLLM server that .ci/run (scripts/vllm.sh) starts. Required when NESY_REQUIRE_VLLM=1."""
    url = os.environ.get("NESY_VLLM_URL")
    if not url:
        if os.environ.get("NESY_REQUIRE_VLLM") == "1":
            pytest.fail("NESY_REQUIRE_VLLM=1 but NESY_VLLM_URL is not set: scripts/vllm.sh did not start vLLM")
        pytest.skip("no vLLM server: set NESY_VLLM_URL (make test starts one)")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
