"""Filtered ranking metrics of a query's answer vector over its hard answers."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["ranking_metrics", "KS"]

KS = (1, 3, 10)


def ranking_metrics(scores: np.ndarray, hard: Iterable[int], easy: Iterable[int] = ()) -> dict[str, float]:
    """MRR and Hits@k of each hard answer, ranked against non-answers only (filtered setting).

    Ties count half (the expected rank under random tie-breaking), so a vector of zeros
    scores as random rather than perfect.
    """
    hard = np.fromiter(hard, dtype=np.int64)
    if len(hard) == 0:
        raise ValueError("ranking metrics need at least one hard answer")
    answers = np.zeros(len(scores), dtype=bool)
    answers[hard] = True
    answers[np.fromiter(easy, dtype=np.int64)] = True
    others = scores[~answers]
    ranks = np.array([1 + np.sum(others > scores[a]) + 0.5 * np.sum(others == scores[a]) for a in hard])
    out = {"mrr": float(np.mean(1.0 / ranks))}
    out.update({f"hits@{k}": float(np.mean(ranks <= k)) for k in KS})
    return out
