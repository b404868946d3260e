"""Build an LLM from a spec string: ``embedded``, ``scripted``, ``vllm-engine:MODEL`` or URL(s)."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from nesy.errors import ConfigError
from nesy.llm.base import BaseLLM
from nesy.settings import Settings

if TYPE_CHECKING:
    from nesy.llm.openai_compat import ServerSlots

__all__ = ["make_llm", "embedded_lora"]


def embedded_lora(settings: Settings) -> str | Path | None:
    """The adapter the embedded model loads: NESY_EMBEDDED_LORA's path, none for "none", else the shipped one."""
    from nesy.llm.embedded import default_lora_path

    choice = (settings.embedded_lora or "").strip()
    return None if choice.lower() == "none" else (choice or default_lora_path())


def make_llm(spec: str | None = None, settings: Settings | None = None, *, slots: ServerSlots | None = None) -> BaseLLM:
    """``slots``: how the servers of a URL list are shared (default: by this process alone; the
    Ray executor passes a cluster-wide broker so that all workers respect one limit per server)."""
    settings = settings or Settings()
    spec = (spec or settings.llm).strip()
    if spec == "embedded":
        from nesy.llm.embedded import EmbeddedLLM

        return EmbeddedLLM(
            settings.embedded_model_path,
            threads=settings.embedded_threads,
            n_ctx=settings.embedded_ctx,
            lora_path=embedded_lora(settings),
        )
    if spec.startswith("vllm-engine:"):
        from nesy.llm.vllm_engine import VLLMEngine

        return VLLMEngine(spec.split(":", 1)[1])
    if spec.startswith(("http://", "https://")):
        from nesy.llm.openai_compat import OpenAICompatibleLLM

        return OpenAICompatibleLLM(
            [u.strip() for u in spec.split(",") if u.strip()],
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            dialect=settings.llm_dialect,
            concurrency=settings.llm_concurrency,
            timeout=settings.llm_timeout,
            retries=settings.llm_retries,
            slots=slots,
            cooldown=settings.llm_server_cooldown,
        )
    raise ConfigError(
        f"unknown LLM spec {spec!r}: use 'embedded', 'vllm-engine:MODEL', or an http(s) URL "
        "(comma-separated for replicas)"
    )
