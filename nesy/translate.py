"""Translation building blocks shared by every formalism.

Clause splitting, similarity-chosen exemplars and voting. The steps themselves run in
``nesy.steps``, the one engine every formalism uses.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from nesy.llm.base import Message
from nesy.types import Formalization, Solution, TranslateOptions

__all__ = [
    "Exemplar",
    "split_clauses",
    "select_exemplars",
    "few_shot_messages",
    "majority",
    "sample_options",
    "vote",
    "tokens",
]

T = TypeVar("T")

_SENT_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# a period after a title, or after "No" before a number, ends no sentence: "Dr. Smith", "Symphony No. 9"
_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof)\.$|\bNos?\.$")


def split_clauses(text: str) -> list[str]:
    """Split a description into sentences and list items; drop empty bits and bullets."""
    out: list[str] = []
    pieces = _SENT_END.split(text)
    glued = ""
    for i, piece in enumerate(pieces):
        nxt = pieces[i + 1] if i + 1 < len(pieces) else ""
        m = _ABBREVIATION.search(piece)
        if m and (nxt[:1].isdigit() or (not m.group().startswith("No") and nxt[:1].isupper())):
            glued += piece + " "
            continue
        piece = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", glued + piece).strip()
        glued = ""
        if piece:
            out.append(piece)
    return out


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@dataclass(frozen=True)
class Exemplar:
    """One input → output pair shown to the model; ``signature`` is its composition."""

    input: str
    output: str
    signature: str = ""


def select_exemplars(query: str, pool: Sequence[Exemplar], k: int) -> list[Exemplar]:
    """The ``k`` exemplars most similar to ``query`` (TF-IDF cosine over word tokens).

    Returned most-similar last, so the closest example sits next to the query.
    """
    if k <= 0 or not pool:
        return []
    docs = [Counter(tokens(e.input)) for e in pool]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)

    def vec(c: Counter[str]) -> dict[str, float]:
        return {t: f * math.log((n + 1) / (df.get(t, 0) + 1) + 1) for t, f in c.items()}

    q = vec(Counter(tokens(query)))
    qn = math.sqrt(sum(v * v for v in q.values())) or 1.0
    scored = []
    for i, d in enumerate(docs):
        v = vec(d)
        dot = sum(q.get(t, 0.0) * w for t, w in v.items())
        vn = math.sqrt(sum(w * w for w in v.values())) or 1.0
        scored.append((dot / (qn * vn), -i))
    best = sorted(range(n), key=lambda i: scored[i], reverse=True)[:k]
    return [pool[i] for i in reversed(best)]


def few_shot_messages(system: str, exemplars: Sequence[Exemplar], query: str) -> tuple[Message, ...]:
    msgs = [Message(role="system", content=system)]
    for e in exemplars:
        msgs.append(Message(role="user", content=e.input))
        msgs.append(Message(role="assistant", content=e.output))
    msgs.append(Message(role="user", content=query))
    return tuple(msgs)


def majority(answers: Sequence[Hashable]) -> tuple[Any, float]:
    """Most common answer and its share; ties go to the earliest answer."""
    if not answers:
        return None, 0.0
    counts = Counter(answers)
    best = max(counts.values())
    winner = next(a for a in answers if counts[a] == best)
    return winner, best / len(answers)


def sample_options(options: TranslateOptions, i: int) -> TranslateOptions:
    """The options of sample ``i`` of k: its own seed and a temperature above 0, or a seeded
    model would return one sample k times."""
    return options.model_copy(
        update={"samples": 1, "temperature": max(options.temperature, 0.7), "seed": options.seed + i}
    )


def vote(runs: Sequence[tuple[Formalization, Solution]]) -> tuple[Formalization, Solution, float]:
    """Self-consistency over solver answers: the majority among solved runs (all runs when none
    solved); returns the first run with the winning answer and the winner's share."""
    solved = [r for r in runs if r[1].status.solved] or list(runs)
    keys = [json.dumps(r[1].answer, sort_keys=True, default=str) for r in solved]
    winner, share = majority(keys)
    f, s = next(r for r, k in zip(solved, keys) if k == winner)
    return f, s, share
