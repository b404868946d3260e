"""VLLMEngine (in-process vllm.LLM) in the vLLM venv that scripts/test.sh prepares.

vLLM lives in its own virtual environment (its torch and deps differ from ours), so the
engine runs in a subprocess with that interpreter and this checkout on PYTHONPATH.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_vllm_engine_in_process_with_a_grammar() -> None:
    python, model = os.environ.get("NESY_VLLM_PYTHON"), os.environ.get("NESY_VLLM_MODEL")
    if not python or not model:
        if os.environ.get("NESY_REQUIRE_VLLM") == "1":
            pytest.fail("NESY_REQUIRE_VLLM=1 but NESY_VLLM_PYTHON / NESY_VLLM_MODEL are not set")
        pytest.skip("no vLLM venv: set NESY_VLLM_PYTHON and NESY_VLLM_MODEL (make test does)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "VLLM_CPU_KVCACHE_SPACE": "1"}
    out = subprocess.run(
        [python, str(ROOT / "tests" / "nesy" / "vllm_engine_check.py"), model],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout[-1000:] + out.stderr[-3000:]
    assert "RESULT '(on " in out.stdout, out.stdout[-2000:]
    assert "SCORES [('Paris'" in out.stdout, out.stdout[-2000:]  # likelihood ranking, in-process
    assert "CLOSED vllm engine for" in out.stdout, out.stdout[-2000:]  # aclose stops it; later calls say so
