"""nesy: natural-language problems translated by an LLM, solved exactly by symbolic backends."""

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
from nesy.llm import LLM, BaseLLM, Completion, Constraint, LLMRequest, Message, OpenAICompatibleLLM, make_llm
from nesy.reasoner import Reasoner, solve
from nesy.settings import Settings
from nesy.types import Formalization, Gold, Problem, Result, Solution, Stage, Status, Trace, TranslateOptions

__version__ = "0.1.0"

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
