"""Training pairs and their sources: the contract between the backends and ``train``.

A backend's entry point may provide a pair source (``Backend.pair_source()``): an object
that draws problems from its formalism's generators for the *seen* compositions of a
suite, records the exact requests the backend's translate() sends for them, and keeps a
pair only when the backend accepts the gold answer. ``train`` turns pairs into a
fine-tuned adapter; the types live here so that a backend can name them without
importing ``train``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from nesy.llm.base import LLMRequest, Message

__all__ = ["Pair", "PairSource"]


@dataclass(frozen=True)
class Pair:
    messages: tuple[Message, ...]  # what the backend sends, ending with the user clause
    target: str  # the formal text the model should answer, parser-verified
    formalism: str
    signature: str  # composition of the problem the clause came from
    source: str = ""  # the clause itself, for reports and errors
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    # the full request the backend sent (constraint, max_tokens), to replay it in evaluation
    request: LLMRequest | None = field(default=None, compare=False)


@runtime_checkable
class PairSource(Protocol):
    formalism: str
    default_suite: str

    def suites(self) -> list[str]:
        """Suites whose seen compositions this source can draw from."""

    def seen_signatures(self, suite: str) -> list[str]: ...

    def pairs(self, suite: str, n: int, seed: int) -> list[Pair]:
        """Up to ``n`` distinct verified pairs from seen compositions, deterministic in ``seed``."""

    def held_out_pairs(self, suite: str, n: int, seed: int) -> list[Pair]:
        """Pairs from held-out compositions, for evaluation only (never for training)."""
