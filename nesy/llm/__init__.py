"""The LLM layer: one async protocol, several providers."""

from nesy.llm.base import LLM, BaseLLM, Completion, Constraint, LLMRequest, Message, choices_grammar
from nesy.llm.factory import make_llm
from nesy.llm.openai_compat import OpenAICompatibleLLM
from nesy.llm.scripted import ScriptedLLM

__all__ = [
    "LLM",
    "BaseLLM",
    "Completion",
    "Constraint",
    "LLMRequest",
    "Message",
    "choices_grammar",
    "make_llm",
    "OpenAICompatibleLLM",
    "ScriptedLLM",
]
