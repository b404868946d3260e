"""All configuration in one pydantic-settings object (environment prefix ``NESY_``).

It is passed explicitly; nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
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

    # solving: every limit a client sends is clamped by these
    solve_timeout: float = 60.0
    solve_memory_mb: int = 4096  # address-space cap of every solver subprocess (planners, Z3)
    max_timeout: float = 300.0
    solve_workers: int = 4  # concurrent solves per backend kind; more queue (cheap kinds stay fast)
    translate_workers: int = 8  # concurrent blocking translation/context calls per kind
    sandbox_spares: int = 2  # pre-started solver subprocesses per worker module (0: none)
    max_samples: int = 8
    max_repairs: int = 5
    max_top_k: int = 1000
    max_formula_depth: int = 200  # nesting of a logic formula or a KG query; deeper is a 422
    kg_max_atoms: int = 32  # atoms in one KG query
    kg_max_variables: int = 8  # distinct variables in one KG query
    kg_max_branches: int = 64  # disjuncts of a KG query in DNF (counted before any expansion)
    domain_cache_size: int = 64  # parsed PDDL domains kept per process
    # Train a KG's link predictor inside the first request that needs it (batch runs, the CLI).
    # ``nesy serve`` turns this off: it trains in the background and answers 503 until ready.
    kg_train_in_request: bool = True

    # server
    max_body_bytes: int = 1_000_000
    max_text_chars: int = 20_000
    api_keys: list[str] = Field(default_factory=list)
    max_concurrent_requests: int = 32
    body_timeout: float = 15.0  # a client must send its whole body within this many seconds (408)
    max_context_depth: int = 8  # nesting of a request's ``context`` object
    max_job_items: int = 2_000
    max_queued_items_per_key: int = 10_000
    jobs_db: Path = Path(".nesy-cache/jobs.sqlite")

    cache_dir: Path = Path(".nesy-cache")

    # distributed batch work (``nesy bench --executor``, ``nesy serve`` jobs): see docs/distributed.md
    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = None  # "auto", "HOST:PORT" of a running cluster's head; None: "auto"
    ray_actor_cpus: float = 1.0  # CPUs each worker actor reserves; workers = cluster CPUs / this
    ray_item_attempts: int = 3  # tries per item when the worker running it is lost (node died, killed)
    ray_start_timeout: float = 120.0  # waiting this long with no worker alive ends the run
    llm_server_cooldown: float = 30.0  # seconds a server that refused connections stays out of rotation

    @field_validator("api_keys")
    @classmethod
    def _no_empty_keys(cls, keys: list[str]) -> list[str]:
        # An empty key would match nothing and silently leave the server open: refuse it.
        if any(not k.strip() for k in keys):
            raise ValueError("NESY_API_KEYS holds an empty key; remove it (an empty list disables auth)")
        return keys
