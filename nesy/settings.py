"""All configuration in one pydantic-settings object (environment prefix ``NESY_``).

It is passed explicitly; nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NESY_", extra="ignore")

    # LLM: "embedded", "scripted", or an OpenAI-compatible base URL (comma-separated for replicas)
    llm: str = "embedded"
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_dialect: str = "auto"  # auto | vllm | llama.cpp | openai
    llm_timeout: float = 120.0
    llm_concurrency: int = 8
    llm_retries: int = 3
    embedded_model_path: Path | None = None
    embedded_threads: int = 1
    embedded_ctx: int = 4096
    embedded_lora: str | None = None  # GGUF LoRA path; unset: the shipped adapter; "none": the base model

    # solving
    solve_timeout: float = 60.0
    solve_memory_mb: int = 4096
    max_timeout: float = 300.0

    # server
    max_body_bytes: int = 1_000_000
    max_text_chars: int = 20_000
    api_keys: list[str] = Field(default_factory=list)
    max_concurrent_requests: int = 32
    jobs_db: Path = Path(".nesy-cache/jobs.sqlite")

    cache_dir: Path = Path(".nesy-cache")
