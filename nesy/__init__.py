"""nesy: natural-language problems translated by an LLM, solved exactly by symbolic backends.

Names load on first use (PEP 562): a solver subprocess that imports one small module
(``nesy.sandbox``, ``nesy.errors``) must not pay for the LLM layer's imports (~1.4 s of CPU).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nesy.backend import Backend, BackendInfo, Context, Registry, load_backends
    from nesy.errors import (
        BackendError,
        BackendUnavailableError,
        ConfigError,
        InputTooLargeError,
        InvalidRequestError,
        LLMConstraintError,
        LLMContextLengthError,
        LLMError,
        LLMModelNotFoundError,
        LLMTimeoutError,
        LLMUnavailableError,
        NesyError,
        TranslationError,
        UnknownResourceError,
    )
    from nesy.llm import (
        LLM,
        BaseLLM,
        Completion,
        Constraint,
        LLMRequest,
        Message,
        OpenAICompatibleLLM,
        make_llm,
    )
    from nesy.reasoner import Reasoner, solve
    from nesy.settings import Settings
    from nesy.types import (
        Formalization,
        Gold,
        Problem,
        Result,
        Solution,
        Stage,
        Status,
        Trace,
        TranslateOptions,
    )

__version__ = "0.1.0"

_WHERE: dict[str, str] = {
    "Backend": "nesy.backend",
    "BackendInfo": "nesy.backend",
    "Context": "nesy.backend",
    "Registry": "nesy.backend",
    "load_backends": "nesy.backend",
    "BackendError": "nesy.errors",
    "BackendUnavailableError": "nesy.errors",
    "ConfigError": "nesy.errors",
    "InputTooLargeError": "nesy.errors",
    "InvalidRequestError": "nesy.errors",
    "LLMConstraintError": "nesy.errors",
    "LLMContextLengthError": "nesy.errors",
    "LLMError": "nesy.errors",
    "LLMModelNotFoundError": "nesy.errors",
    "LLMTimeoutError": "nesy.errors",
    "LLMUnavailableError": "nesy.errors",
    "NesyError": "nesy.errors",
    "TranslationError": "nesy.errors",
    "UnknownResourceError": "nesy.errors",
    "LLM": "nesy.llm",
    "BaseLLM": "nesy.llm",
    "Completion": "nesy.llm",
    "Constraint": "nesy.llm",
    "LLMRequest": "nesy.llm",
    "Message": "nesy.llm",
    "OpenAICompatibleLLM": "nesy.llm",
    "make_llm": "nesy.llm",
    "Reasoner": "nesy.reasoner",
    "solve": "nesy.reasoner",
    "Settings": "nesy.settings",
    "Formalization": "nesy.types",
    "Gold": "nesy.types",
    "Problem": "nesy.types",
    "Result": "nesy.types",
    "Solution": "nesy.types",
    "Stage": "nesy.types",
    "Status": "nesy.types",
    "Trace": "nesy.types",
    "TranslateOptions": "nesy.types",
}

__all__ = [
    "__version__",
    # pipeline
    "Reasoner",
    "solve",
    "Settings",
    # types
    "Problem",
    "Formalization",
    "Solution",
    "Status",
    "Result",
    "Stage",
    "Trace",
    "Gold",
    "TranslateOptions",
    # backends
    "Backend",
    "BackendInfo",
    "Context",
    "Registry",
    "load_backends",
    # llm
    "LLM",
    "BaseLLM",
    "Completion",
    "Constraint",
    "LLMRequest",
    "Message",
    "OpenAICompatibleLLM",
    "make_llm",
    # errors
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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'nesy' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
