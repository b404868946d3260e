"""Provider-neutral LLM request/response types and the one async ``LLM`` protocol.

Program logic builds an ``LLMRequest`` and never sees which server answers it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nesy.errors import LLMConstraintError

__all__ = ["Message", "Constraint", "LLMRequest", "Completion", "LLM", "BaseLLM", "choices_grammar", "CandidateScore"]


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)
    role: Literal["system", "user", "assistant"]
    content: str


class Constraint(BaseModel):
    """Exactly one way to constrain the output: a GBNF grammar, a JSON schema, choices or a regex."""

    model_config = ConfigDict(frozen=True)
    grammar: str | None = None
    json_schema: dict[str, Any] | None = None
    choices: tuple[str, ...] | None = None
    regex: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Constraint":
        given = [f for f in ("grammar", "json_schema", "choices", "regex") if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError(f"a Constraint needs exactly one of grammar/json_schema/choices/regex, got {given or 'none'}")
        return self


class LLMRequest(BaseModel):
    """A chat request (``messages``) or a raw completion (``prompt``)."""

    model_config = ConfigDict(frozen=True)
    messages: tuple[Message, ...] | None = None
    prompt: str | None = None
    max_tokens: int = 256
    temperature: float = 0.0
    n: int = 1
    stop: tuple[str, ...] = ()
    constraint: Constraint | None = None
    seed: int | None = None
    # which translation step sent it and which repair round: metadata for traces and training
    # data, never sent to a server and not part of the cache key
    step: str = ""
    attempt: int = 0
    candidates: tuple[str, ...] = ()  # the step's finite choice, when it has one (evaluation replays it ranked)

    @model_validator(mode="after")
    def _one_input(self) -> "LLMRequest":
        if (self.messages is None) == (self.prompt is None):
            raise ValueError("an LLMRequest needs either messages or prompt")
        if self.n < 1:
            raise ValueError("n must be >= 1")
        return self

    def cache_key(self, model: str) -> str:
        """Stable key for caching responses by request (bench re-scoring)."""
        blob = json.dumps({"model": model, "req": self.model_dump(mode="json", exclude={"step", "attempt", "candidates"})},
                          sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


class Completion(BaseModel):
    texts: list[str]
    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    seconds: float = 0.0
    finish_reasons: list[str] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return self.texts[0]


class CandidateScore(BaseModel):
    """The model's log-probability of one candidate reply (natural log, summed over its tokens)."""

    model_config = ConfigDict(frozen=True)
    text: str
    logprob: float
    tokens: int

    @property
    def mean(self) -> float:
        return self.logprob / max(1, self.tokens)


@runtime_checkable
class LLM(Protocol):
    name: str

    async def generate(self, request: LLMRequest) -> Completion: ...

    async def aclose(self) -> None: ...


class BaseLLM:
    """Convenience methods on top of ``generate``; concrete clients subclass this."""

    name: str = "llm"

    async def generate(self, request: LLMRequest) -> Completion:  # pragma: no cover - abstract
        raise NotImplementedError

    async def score(self, messages: tuple[Message, ...], candidates: Sequence[str]) -> list[CandidateScore]:
        """Log-probability of each candidate as the assistant's reply to ``messages``.

        Small models classify far better than they generate: where a step's choice is
        finite, ranking its candidates by likelihood beats constrained generation.
        """
        raise LLMConstraintError(f"{type(self).__name__} cannot score candidates")

    def can_score(self) -> bool:
        """Whether ``score`` is implemented (a server may still refuse it at run time)."""
        return type(self).score is not BaseLLM.score

    async def chat(self, messages: list[Message] | list[dict[str, str]], **kw: Any) -> Completion:
        msgs = tuple(m if isinstance(m, Message) else Message(**m) for m in messages)
        return await self.generate(LLMRequest(messages=msgs, **_constraint_kw(kw)))

    async def complete(self, prompt: str, **kw: Any) -> Completion:
        return await self.generate(LLMRequest(prompt=prompt, **_constraint_kw(kw)))

    async def aclose(self) -> None:
        return None

    async def __aenter__(self) -> "BaseLLM":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _constraint_kw(kw: dict[str, Any]) -> dict[str, Any]:
    """Accept ``grammar=``/``json_schema=``/``choices=``/``regex=`` shortcuts."""
    shortcut = {k: kw.pop(k) for k in ("grammar", "json_schema", "choices", "regex") if kw.get(k) is not None}
    for k in ("grammar", "json_schema", "choices", "regex"):
        kw.pop(k, None)
    if shortcut:
        if "choices" in shortcut:
            shortcut["choices"] = tuple(shortcut["choices"])
        kw["constraint"] = Constraint(**shortcut)
    if "stop" in kw and kw["stop"] is not None:
        kw["stop"] = tuple(kw["stop"])
    return kw


def _gbnf_literal(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def choices_grammar(choices: tuple[str, ...] | list[str]) -> str:
    """A GBNF grammar admitting exactly one of ``choices``."""
    return "root ::= " + " | ".join(_gbnf_literal(c) for c in choices) + "\n"
