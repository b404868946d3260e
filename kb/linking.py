"""Entity linking: which KG entities a question mentions.

Exact match of the normalized name first (longest names first, so "cell function" wins
over "cell"), then fuzzy match of the remaining word n-grams (difflib ratio), so small
spelling differences and plurals still link.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Mention", "link_entities", "normalize"]

_STOP = {"the", "a", "an", "of", "and", "or", "not", "what", "which", "does", "do", "is", "are", "that",
         "some", "find", "x", "y", "z", "such", "it", "by", "from", "then", "to", "but", "both", "also"}


def normalize(s: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", s.lower()))


@dataclass(frozen=True)
class Mention:
    entity: str
    start: int  # token position in the question
    score: float  # 1.0 exact, else the fuzzy ratio


def link_entities(text: str, entities: Sequence[str], *, cutoff: float = 0.85, max_n: int = 6) -> list[Mention]:
    """Mentions in order of appearance; each token is used by at most one mention."""
    words = normalize(text).split()
    used = [False] * len(words)
    by_norm: dict[str, str] = {}
    for e in entities:
        by_norm.setdefault(normalize(e), e)
    found: list[Mention] = []
    for name in sorted(by_norm, key=lambda n: -len(n.split())):
        toks = name.split()
        n = len(toks)
        if n == 0:
            continue
        for i in range(len(words) - n + 1):
            if words[i : i + n] == toks and not any(used[i : i + n]):
                used[i : i + n] = [True] * n
                found.append(Mention(by_norm[name], i, 1.0))
    names = list(by_norm)
    for n in range(min(max_n, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            if any(used[i : i + n]):
                continue
            gram = words[i : i + n]
            if all(w in _STOP for w in gram) or len(" ".join(gram)) < 4:
                continue
            phrase = " ".join(gram)
            close = difflib.get_close_matches(phrase, names, n=1, cutoff=cutoff)
            if close:
                used[i : i + n] = [True] * n
                ratio = difflib.SequenceMatcher(None, phrase, close[0]).ratio()
                found.append(Mention(by_norm[close[0]], i, round(ratio, 3)))
    found.sort(key=lambda m: m.start)
    out: list[Mention] = []
    for m in found:
        if m.entity not in {o.entity for o in out}:
            out.append(m)
    return out
