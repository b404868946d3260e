"""Verified training pairs: (the exact chat a backend's translate() sends, formal text).

A pair source exists per formalism. It draws problems from that formalism's generators
for the *seen* compositions of a suite only, cuts them into the clauses or questions its
backend translates one at a time, builds the very messages the backend would send for
each (same system prompt, same exemplar selection, same format), and keeps a pair only
when the formalism's own parser accepts the target. Anything else would teach the
adapter a prompt it never meets at inference, or a formal text that does not parse.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from nesy.errors import ConfigError, UnknownResourceError
from nesy.llm.base import LLMRequest, Message

__all__ = ["Pair", "PairSource", "SOURCES", "available_sources", "get_source", "make_pairs", "save_pairs", "load_pairs"]


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


# formalism → module:attribute of a PairSource factory; imported lazily because each
# formalism package (and its dependencies) may be missing.
SOURCES: dict[str, str] = {
    "logic": "nesy.train.sources.logic:LogicPairs",
    "planning": "nesy.train.sources.planning:PlanningPairs",
    "kg": "nesy.train.sources.kg:KGPairs",
}


def get_source(formalism: str) -> PairSource:
    if formalism not in SOURCES:
        raise UnknownResourceError(f"no pair source for {formalism!r}; known: {', '.join(sorted(SOURCES))}")
    module, attr = SOURCES[formalism].split(":")
    try:
        return getattr(importlib.import_module(module), attr)()
    except ImportError as e:
        raise ConfigError(f"pair source {formalism!r} is unavailable: {e}") from e


def available_sources() -> dict[str, str]:
    """formalism → "" when usable, else why not."""
    out: dict[str, str] = {}
    for name in SOURCES:
        try:
            get_source(name)
            out[name] = ""
        except Exception as e:  # noqa: BLE001 - reported, not raised
            out[name] = f"{type(e).__name__}: {e}"
    return out


def make_pairs(formalisms: Sequence[str], n: int, seed: int, suite: str | None = None) -> list[Pair]:
    """``n`` pairs split evenly over ``formalisms`` (seen compositions only), interleaved."""
    if not formalisms:
        raise ConfigError("no formalism given to draw training pairs from")
    per = [n // len(formalisms) + (1 if i < n % len(formalisms) else 0) for i in range(len(formalisms))]
    lists = []
    for i, (name, k) in enumerate(zip(formalisms, per)):
        src = get_source(name)
        lists.append(src.pairs(suite or src.default_suite, k, seed + 1000 * i))
    out: list[Pair] = []
    for j in range(max((len(x) for x in lists), default=0)):
        out.extend(x[j] for x in lists if j < len(x))
    return out


def save_pairs(pairs: Sequence[Pair], path: Path) -> None:
    """JSON lines: the messages, target and composition of each pair (and its request's constraint)."""
    import json

    with open(path, "w") as fh:
        for p in pairs:
            fh.write(json.dumps({
                "messages": [m.model_dump() for m in p.messages], "target": p.target, "formalism": p.formalism,
                "signature": p.signature, "source": p.source, "meta": p.meta,
                "request": p.request.model_dump(mode="json") if p.request is not None else None,
            }) + "\n")


def load_pairs(path: Path) -> list[Pair]:
    import json

    out = []
    with open(path) as fh:
        for line in fh:
            d = json.loads(line)
            out.append(Pair(tuple(Message(**m) for m in d["messages"]), d["target"], d["formalism"], d["signature"],
                            d.get("source", ""), d.get("meta", {}),
                            LLMRequest.model_validate(d["request"]) if d.get("request") else None))
    return out
