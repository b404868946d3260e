#!/usr/bin/env bash
# Run the whole test suite against real servers: llama.cpp servers are started by pytest
# fixtures; the vLLM server (its own cached venv) is started here and required.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${NESY_VLLM_PORT:-8100}"
if [ -z "${NESY_VLLM_URL:-}" ]; then
  scripts/vllm.sh setup
  NESY_VLLM_URL="$(scripts/vllm.sh start "$port")"
  trap 'scripts/vllm.sh stop' EXIT
fi
export NESY_VLLM_URL NESY_REQUIRE_VLLM=1
# pytest's exit code 5 (nothing collected) fails this script like any other failure.
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
