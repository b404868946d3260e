"""One exception tree for nesy. Solver outcomes are statuses, never exceptions.

Every error carries what a caller needs to act: ``stage`` names the pipeline stage,
``TranslationError`` adds ``line``/``col``/``symbol`` so a repair loop can quote it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "NesyError",
    "ConfigError",
    "TranslationError",
    "LLMError",
    "LLMUnavailableError",
    "LLMModelNotFoundError",
    "LLMContextLengthError",
    "LLMConstraintError",
    "LLMTimeoutError",
    "BackendError",
    "BackendUnavailableError",
    "UnknownResourceError",
    "InputTooLargeError",
    "InvalidRequestError",
]


class NesyError(Exception):
    """Root of every error nesy raises on purpose."""

    kind: str = "nesy_error"
    http_status: int = 500

    def __init__(self, message: str, *, stage: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind, "message": self.message}
        if self.stage:
            out["stage"] = self.stage
        out.update({k: v for k, v in self.details.items() if v is not None})
        return out


class ConfigError(NesyError):
    """Bad settings or options: a wrong LLM spec, an unknown mode, a missing model file."""

    kind = "config_error"
    http_status = 400


class InputTooLargeError(NesyError):
    kind = "input_too_large"
    http_status = 413


class InvalidRequestError(NesyError):
    """A request field of the wrong type or shape (``symbol`` names the field), or a limit exceeded."""

    kind = "invalid_request"
    http_status = 422


class UnknownResourceError(NesyError):
    """A named thing does not exist: an unknown KB, domain, suite, job or backend."""

    kind = "not_found"
    http_status = 404


class TranslationError(NesyError):
    """Formal text that does not parse or lint; the message is fed back to the model."""

    kind = "translation_error"
    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        symbol: str | None = None,
        stage: str | None = "parse",
        **details: Any,
    ) -> None:
        super().__init__(message, stage=stage, line=line, col=col, symbol=symbol, **details)
        self.line = line
        self.col = col
        self.symbol = symbol

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else ""
        if self.col is not None:
            where += f", column {self.col}"
        return f"{self.message} ({where})" if where else self.message


class LLMError(NesyError):
    """The language model could not answer."""

    kind = "llm_error"
    http_status = 502


class LLMUnavailableError(LLMError):
    kind = "llm_unavailable"
    http_status = 503


class LLMModelNotFoundError(LLMError):
    kind = "llm_model_not_found"
    http_status = 502


class LLMContextLengthError(LLMError):
    kind = "llm_context_too_long"
    http_status = 413


class LLMConstraintError(LLMError):
    kind = "llm_bad_constraint"
    http_status = 400


class LLMTimeoutError(LLMError):
    kind = "llm_timeout"
    http_status = 504


class BackendError(NesyError):
    """A backend was misused or broke (not a solver outcome such as UNSOLVABLE)."""

    kind = "backend_error"
    http_status = 500


class BackendUnavailableError(BackendError):
    """The backend's dependencies are missing; ``reason`` says which."""

    kind = "backend_unavailable"
    http_status = 503
