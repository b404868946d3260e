"""A scripted LLM for unit tests of plumbing. Never a stand-in for end-to-end tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from nesy.llm.base import BaseLLM, Completion, LLMRequest

__all__ = ["ScriptedLLM"]


class ScriptedLLM(BaseLLM):
    """Answers from a list (in order, last one repeated) or from a function of the request."""

    name = "scripted"

    def __init__(self, replies: Iterable[str] | Callable[[LLMRequest], str]) -> None:
        self._fn = replies if callable(replies) else None
        self._replies = [] if callable(replies) else list(replies)
        self.requests: list[LLMRequest] = []

    async def generate(self, request: LLMRequest) -> Completion:
        self.requests.append(request)
        texts = []
        for _ in range(request.n):
            if self._fn is not None:
                texts.append(self._fn(request))
            elif len(self._replies) > 1:
                texts.append(self._replies.pop(0))
            else:
                texts.append(self._replies[0] if self._replies else "")
        return Completion(texts=texts, model="scripted", completion_tokens=sum(len(t.split()) for t in texts))
