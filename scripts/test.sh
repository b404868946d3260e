#!/usr/bin/env bash
# Run the whole test suite against real servers: llama.cpp servers are started by pytest
# fixtures; the vLLM server (its own cached venv) is started here and required.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${NESY_VLLM_PORT:-8100}"
scripts/vllm.sh setup  # cached: the venv and the converted model, also for the in-process engine test
if [ -z "${NESY_VLLM_URL:-}" ]; then
  NESY_VLLM_URL="$(scripts/vllm.sh start "$port")"
  trap 'scripts/vllm.sh stop "$port"' EXIT
fi
cache="${NESY_CACHE:-$HOME/.cache/nesy}"
export NESY_VLLM_URL NESY_REQUIRE_VLLM=1
export NESY_VLLM_PYTHON="${NESY_VLLM_PYTHON:-$cache/vllm-venv/bin/python}" NESY_VLLM_MODEL="${NESY_VLLM_MODEL:-$cache/smollm2-hf}"
# pytest's exit code 5 (nothing collected) fails this script like any other failure.
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
