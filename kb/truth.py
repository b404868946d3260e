"""Truth values of KG edges for the fuzzy query engine.

``T_r[h, t]`` in [0, 1] is the truth of the edge (h, r, t). Three sources:

- ``ObservedTruth``: 0/1 from a set of splits (exact answers; the sampler uses it).
- ``CalibratedTruth`` (QTO/FIT): per (h, r) a softmax over tails, scaled by the number of
  tails observed for (h, r) in train and clipped at 1, small values cut to 0, observed
  edges set to 1. Scaling makes a head with 10 known tails give ~10 tails truth near 1,
  which is what lets conjunction and negation behave like set operations.
- ``SigmoidTruth`` (CQD-style): sigmoid of the raw ComplEx score, for comparison.

Small KGs keep one dense N×N matrix per relation (built on first use). Large KGs compute
only the rows asked for, so memory is bounded by the rows in flight, never N² per relation.
Column access (``T_r[:, t]``) in row mode uses the reciprocal relation r⁻¹ calibrated the
same way, the model's own estimate of the heads of (?, r, t).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from kb.store import KG
from kb.train import LinkPredictor

__all__ = ["TruthSource", "ObservedTruth", "CalibratedTruth", "SigmoidTruth", "DENSE_LIMIT"]

DENSE_LIMIT = 4096  # entities up to which dense per-relation matrices are kept


class TruthSource(Protocol):
    num_entities: int

    def rows(self, r: int, heads: np.ndarray) -> np.ndarray:
        """T_r[heads, :] as a (len(heads), N) float32 array."""

    def cols(self, r: int, tails: np.ndarray) -> np.ndarray:
        """T_r[:, tails] transposed: (len(tails), N)."""


class ObservedTruth:
    def __init__(self, kg: KG, splits: tuple[str, ...] = ("train",)) -> None:
        self.num_entities = kg.num_entities
        self.adj = kg.adjacency(splits)
        self.adj_t = [m.T.tocsr() for m in self.adj]

    def rows(self, r: int, heads: np.ndarray) -> np.ndarray:
        return self.adj[r][np.asarray(heads)].toarray()

    def cols(self, r: int, tails: np.ndarray) -> np.ndarray:
        return self.adj_t[r][np.asarray(tails)].toarray()

    def has(self, r: int, h: int, t: int) -> bool:
        return bool(self.adj[r][h, t])


class _ModelTruth:
    """Shared machinery: row computation from embeddings, dense caching, reciprocal columns."""

    def __init__(self, kg: KG, pred: LinkPredictor, *, dense: bool | None = None) -> None:
        if pred.entity_emb.shape[0] != kg.num_entities:
            raise ValueError(
                f"the predictor has {pred.entity_emb.shape[0]} entities but KG {kg.name!r} has {kg.num_entities}"
            )
        self.kg = kg
        self.pred = pred
        self.num_entities = kg.num_entities
        self.R = kg.num_relations
        self.dense = kg.num_entities <= DENSE_LIMIT if dense is None else dense
        self._dense: dict[int, np.ndarray] = {}

    def _compute(self, rel: int, heads: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _matrix(self, r: int) -> np.ndarray:
        m = self._dense.get(r)
        if m is None:
            m = self._dense[r] = self._compute(r, np.arange(self.num_entities))
        return m

    def rows(self, r: int, heads: np.ndarray) -> np.ndarray:
        heads = np.asarray(heads, dtype=np.int64)
        if self.dense:
            return self._matrix(r)[heads]
        return self._compute(r, heads)

    def cols(self, r: int, tails: np.ndarray) -> np.ndarray:
        tails = np.asarray(tails, dtype=np.int64)
        if self.dense:
            return self._matrix(r)[:, tails].T.copy()
        return self._compute(r + self.R, tails)  # reciprocal relation: heads of (?, r, t)


class CalibratedTruth(_ModelTruth):
    def __init__(
        self, kg: KG, pred: LinkPredictor, *, threshold: float = 1e-4, dense: bool | None = None,
        observed: tuple[str, ...] = ("train",),
    ) -> None:
        super().__init__(kg, pred, dense=dense)
        self.threshold = threshold
        deg = kg.out_degree(observed)  # (R, N) tails per (r, head)
        t = kg.triples(observed)
        indeg = np.zeros_like(deg)
        np.add.at(indeg, (t[:, 1], t[:, 2]), 1.0)
        self.scale = np.maximum(np.concatenate([deg, indeg], axis=0), 1.0)  # (2R, N)
        adj = kg.adjacency(observed)
        self.observed = adj + [m.T.tocsr() for m in adj]  # (2R) incl. reciprocals

    def _compute(self, rel: int, heads: np.ndarray) -> np.ndarray:
        s = self.pred.scores(heads, rel).astype(np.float32)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        p *= self.scale[rel, heads][:, None]
        np.minimum(p, 1.0, out=p)
        p[p < self.threshold] = 0.0
        obs = self.observed[rel][heads]
        if obs.nnz:
            r_idx, c_idx = obs.nonzero()
            p[r_idx, c_idx] = 1.0
        return p


class SigmoidTruth(_ModelTruth):
    """CQD-style: sigmoid of raw scores, no calibration and no observed edges pinned to 1."""

    def _compute(self, rel: int, heads: np.ndarray) -> np.ndarray:
        s = self.pred.scores(heads, rel).astype(np.float32)
        return (1.0 / (1.0 + np.exp(-s))).astype(np.float32)

