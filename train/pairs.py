"""Verified training pairs: (the exact chat a backend's translate() sends, formal text).

A pair source exists per formalism, provided by the object behind its ``nesy.backends``
entry point (``Backend.pair_source()``). It draws problems from that formalism's
generators for the *seen* compositions of a suite only, records the very messages the
backend sends for each (same system prompt, same exemplar selection, same format), and
keeps a pair only when the formalism's own parser accepts the target. Anything else would
teach the adapter a prompt it never meets at inference, or a formal text that does not parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path

from nesy.backend import load_backends
from nesy.errors import ConfigError, UnknownResourceError
from nesy.llm.base import LLMRequest, Message
from nesy.pairs import Pair, PairSource
from nesy.settings import Settings

__all__ = ["Pair", "PairSource", "available_sources", "get_source", "make_pairs", "save_pairs", "load_pairs"]


def get_source(formalism: str, settings: Settings | None = None) -> PairSource:
    """The pair source the ``formalism`` backend's entry point provides."""
    reg = load_backends(only=[formalism], settings=settings)  # only that one: others may import torch
    if not reg.info:
        known = ", ".join(sorted(entry_points(group="nesy.backends").names))
        raise UnknownResourceError(f"no pair source for {formalism!r}: no backend of that name; known: {known}")
    backend = reg.get(formalism)  # unavailable: says why
    if not callable(getattr(backend, "pair_source", None)):
        raise UnknownResourceError(f"backend {formalism!r} provides no training-pair source")
    try:
        return backend.pair_source()
    except ImportError as e:
        raise ConfigError(f"pair source {formalism!r} is unavailable: {e}") from e


def available_sources(settings: Settings | None = None) -> dict[str, str]:
    """formalism → "" when usable, else why not (every ``nesy.backends`` entry point)."""
    sources, problems = load_backends(settings=settings).provide("pair_source")
    return {**{name: "" for name in sources}, **problems}


def make_pairs(formalisms: Sequence[str], n: int, seed: int, suite: str | None = None,
               exemplars_by: str = "problem") -> list[Pair]:
    """``n`` pairs split evenly over ``formalisms`` (seen compositions only), interleaved.

    ``exemplars_by`` is the translation option the prompts are recorded with ("problem", the
    default at inference, or "clause", how the shipped adapter's pairs were drawn).
    """
    if not formalisms:
        raise ConfigError("no formalism given to draw training pairs from")
    per = [n // len(formalisms) + (1 if i < n % len(formalisms) else 0) for i in range(len(formalisms))]
    lists = []
    for i, (name, k) in enumerate(zip(formalisms, per)):
        src = get_source(name)
        src.options = src.options.model_copy(update={"exemplars_by": exemplars_by})
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
