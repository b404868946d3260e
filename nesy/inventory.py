"""What this installation would use, for ``nesy backends``: the LLM and each backend's inventory.

The LLM part is read from ``Settings`` and the files on disk (the model file, the adapter and
the manifest ``nesy train`` wrote next to it): no model is loaded and no server is contacted.
Each backend reports its own engines, bundled resources and datasets through the optional
``inventory()`` of the backend contract, so this module names no formalism package.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path
from typing import Any

from nesy.backend import load_backends
from nesy.errors import ConfigError
from nesy.settings import Settings

__all__ = ["report", "llm_report", "render"]

Item = dict[str, Any]
_BASE_KEYS = ("name", "available", "reason", "target")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _adapter(path: Path) -> Item:
    """The adapter file, its hash, and whether it is the one its manifest (``<stem>.json``) describes."""
    if not path.is_file():
        return {"name": "adapter", "available": False, "path": str(path),
                "detail": f"{path} does not exist (NESY_EMBEDDED_LORA=none runs the base model)"}
    digest = _sha256(path)
    item: Item = {"name": "adapter", "available": True, "path": str(path), "sha256": digest}
    manifest = path.with_suffix(".json")
    detail = f"{path} sha256 {digest}"
    if manifest.is_file():
        try:
            meta = json.loads(manifest.read_text())
        except json.JSONDecodeError as e:
            meta = {}
            detail += f"; its manifest {manifest} is not JSON ({e})"
        want = meta.get("gguf_sha256")
        if want:
            item.update(manifest=str(manifest), manifest_sha256=want, matches_manifest=want == digest,
                        trained_by=meta.get("command"))
            detail += f"; matches its manifest {manifest.name}" if want == digest else f"; DIFFERS from its manifest ({want})"
    else:
        detail += "; no manifest next to it"
    item["detail"] = detail
    return item


def llm_report(settings: Settings, spec: str | None = None) -> Item:
    """The LLM ``make_llm(spec, settings)`` would build, described without building it."""
    spec = (spec or settings.llm).strip()
    if spec == "embedded":
        from nesy.llm.embedded import default_model_path
        from nesy.llm.factory import embedded_lora

        out: Item = {"provider": "embedded", "spec": spec, "threads": settings.embedded_threads,
                     "context_tokens": settings.embedded_ctx}
        runtime = _version("llama_cpp_python")
        parts: list[Item] = [{"name": "runtime", "available": runtime is not None and
                              importlib.util.find_spec("llama_cpp") is not None,
                              "detail": f"llama-cpp-python {runtime}" if runtime else
                              "llama-cpp-python is not installed: pip install 'nesy[embedded]'"}]
        try:
            model = settings.embedded_model_path or default_model_path()
            ok = Path(model).is_file()
            parts.append({"name": "model", "available": ok, "path": str(model),
                          "detail": str(model) if ok else f"{model} does not exist"})
        except ConfigError as e:
            parts.append({"name": "model", "available": False, "detail": str(e)})
        lora = embedded_lora(settings)
        parts.append(_adapter(Path(lora)) if lora is not None else
                     {"name": "adapter", "available": True, "path": None,
                      "detail": "none: the base model (NESY_EMBEDDED_LORA=none)"})
        out["parts"] = parts
        out["available"] = all(p["available"] for p in parts)
        return out
    if spec.startswith(("http://", "https://")):
        urls = [u.strip() for u in spec.split(",") if u.strip()]
        return {"provider": "openai-compatible server", "spec": spec, "urls": urls, "available": True,
                "model": settings.llm_model, "dialect": settings.llm_dialect,
                "parts": [{"name": "server", "available": True,
                           "detail": f"{', '.join(urls)} (not contacted here), model {settings.llm_model or 'the server default'},"
                                     f" dialect {settings.llm_dialect}"}]}
    if spec.startswith("vllm-engine:"):
        version = _version("vllm")
        return {"provider": "vllm in process", "spec": spec, "model": spec.split(":", 1)[1],
                "available": version is not None,
                "parts": [{"name": "runtime", "available": version is not None,
                           "detail": f"vllm {version}" if version else "vllm is not installed"}]}
    return {"provider": "unknown", "spec": spec, "available": False,
            "parts": [{"name": "spec", "available": False,
                       "detail": f"unknown LLM spec {spec!r}: use 'embedded', 'vllm-engine:MODEL' or an http(s) URL"}]}


def report(settings: Settings, llm: str | None = None) -> dict[str, Any]:
    """``{"llm": ..., "backends": [{name, available, reason, target, <sections>...}]}``."""
    registry = load_backends(settings=settings)
    provided, problems = registry.provide("inventory")
    backends: list[Item] = []
    for info in registry.info:
        entry: Item = {"name": info.name, "available": info.available, "reason": info.reason, "target": info.target}
        sections = provided.get(info.name) or {}
        entry.update({k: v for k, v in sections.items() if k not in _BASE_KEYS})
        if info.available and info.name in problems:  # the inventory call itself failed: say so
            entry["inventory_error"] = problems[info.name]
        backends.append(entry)
    return {"llm": llm_report(settings, llm), "backends": backends}


def _mark(ok: bool) -> str:
    return "ok " if ok else "n/a"


def render(rep: dict[str, Any]) -> list[str]:
    """The report as aligned text lines."""
    llm = rep["llm"]
    head = f"{_mark(llm['available'])} llm       {llm['provider']}"
    if llm["provider"] == "embedded":
        head += f", {llm['threads']} thread(s), {llm['context_tokens']} context tokens"
    lines = [head]
    lines += [f"      {_mark(p['available'])} {p['name']:<9} {p['detail']}" for p in llm.get("parts", [])]
    for b in rep["backends"]:
        lines.append(f"{_mark(b['available'])} {b['name']:<9} {b['reason']}".rstrip())
        if "inventory_error" in b:
            lines.append(f"      inventory failed: {b['inventory_error']}")
        for key, items in b.items():
            if key in _BASE_KEYS or not isinstance(items, list):
                continue
            lines.append(f"      {key}")
            width = max((len(str(i.get("name", ""))) for i in items), default=0)
            lines += [f"        {_mark(bool(i.get('available')))} {str(i.get('name', '')):<{width}}  {i.get('detail', '')}"
                      for i in items]
    return lines
