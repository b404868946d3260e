"""Record the exact prompts a backend's translate() sends, answering each with the gold.

Pair sources run the formalism's real ``translate`` with this LLM in the model's seat:
every request is answered by a gold lookup, and the backend's own parsing and linting
check every gold answer (and the assembled whole problem) as it would check a model's.
The recorded (messages, answer) pairs are therefore exactly what inference sends and
exactly what the backend accepts, whatever the backend's prompt format is or becomes.
This is a data tool, never a stand-in for a model in an end-to-end test.
"""

from __future__ import annotations


from collections.abc import Callable
from dataclasses import dataclass, field

from nesy.errors import TranslationError
from nesy.llm.base import BaseLLM, Completion, LLMRequest, Message

__all__ = ["OracleLLM", "Recorded", "NoGold"]


class NoGold(TranslationError):
    """The oracle has no gold answer for a request (the backend asked something unexpected)."""


@dataclass(frozen=True)
class Recorded:
    messages: tuple[Message, ...]
    answer: str
    request: LLMRequest


@dataclass
class OracleLLM(BaseLLM):
    answer: Callable[[LLMRequest], str]  # raises NoGold when it has none
    name: str = "oracle"
    recorded: list[Recorded] = field(default_factory=list)

    async def generate(self, request: LLMRequest) -> Completion:
        if request.messages is None:
            raise NoGold("the oracle answers chat requests only")
        if request.attempt > 0:
            # a repair round means the backend rejected a gold answer: never train on that
            raise NoGold(f"the backend rejected the gold answer: {request.messages[-1].content[:200]}")
        text = self.answer(request)
        self.recorded.append(Recorded(request.messages, text, request))
        return Completion(texts=[text], model=self.name, seconds=0.0, finish_reasons=["stop"])

    def take(self) -> list[Recorded]:
        out, self.recorded = self.recorded, []
        return out


