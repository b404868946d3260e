"""ComplEx link predictor with N3 regularization and reciprocal relations, trained 1-vs-all.

This follows facebookresearch/kbc (Lacroix et al. 2018), the predictor CQD builds on:
every (h, r, ?) and its reciprocal (t, r⁻¹, ?) is a softmax over all entities, trained
with Adagrad; the N3 penalty is the sum of cubed moduli of the factors in the batch.
Trained models are cached by KG content and configuration, so a KG trains once.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from kb.store import KG

__all__ = ["TrainConfig", "ComplEx", "LinkPredictor", "train", "evaluate", "get_predictor", "DEFAULT_CONFIGS", "summary", "checkpoint_path", "is_trained"]


@dataclass(frozen=True)
class TrainConfig:
    rank: int = 200  # complex dimensions (2 * rank reals per embedding)
    epochs: int = 50
    batch_size: int = 256
    lr: float = 0.1
    reg: float = 0.01  # N3 weight
    init: float = 1e-3
    seed: int = 0
    threads: int = 1  # small: these machines are shared, and oversubscribed threads thrash

    def key(self) -> str:
        blob = json.dumps({k: v for k, v in asdict(self).items() if k != "threads"}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:10]


# Settings that meet the reference numbers on the bundled KGs (see kb.bench / README in the report).
DEFAULT_CONFIGS: dict[str, TrainConfig] = {
    "nations": TrainConfig(rank=100, epochs=60, batch_size=128, reg=0.01),
    "umls": TrainConfig(rank=200, epochs=40, batch_size=256, reg=0.01),
    "kinships": TrainConfig(rank=200, epochs=40, batch_size=256, reg=0.01),
}


class ComplEx(nn.Module):
    def __init__(self, num_entities: int, num_relations: int, rank: int, init: float = 1e-3) -> None:
        super().__init__()
        self.rank = rank
        self.ent = nn.Embedding(num_entities, 2 * rank)
        self.rel = nn.Embedding(2 * num_relations, 2 * rank)  # second half: reciprocals
        with torch.no_grad():
            self.ent.weight.mul_(init)
            self.rel.weight.mul_(init)

    def query(self, h: torch.Tensor, r: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """The (h, r) query vector (to dot with entity embeddings) and the N3 factors."""
        k = self.rank
        lhs, rel = self.ent(h), self.rel(r)
        lr_, li = lhs[:, :k], lhs[:, k:]
        rr, ri = rel[:, :k], rel[:, k:]
        q = torch.cat([lr_ * rr - li * ri, lr_ * ri + li * rr], dim=1)
        return q, (torch.sqrt(lr_**2 + li**2), torch.sqrt(rr**2 + ri**2))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        q, (fl, fr) = self.query(x[:, 0], x[:, 1])
        rhs = self.ent(x[:, 2])
        k = self.rank
        ft = torch.sqrt(rhs[:, :k] ** 2 + rhs[:, k:] ** 2)
        return q @ self.ent.weight.t(), (fl, fr, ft)


@dataclass
class LinkPredictor:
    """Trained embeddings as numpy arrays plus where they came from."""

    kg_name: str
    entity_emb: np.ndarray  # (N, 2k) [re | im]
    relation_emb: np.ndarray  # (2R, 2k); r + R is the reciprocal of r
    config: TrainConfig
    metrics: dict[str, float]
    seconds: float

    @property
    def rank(self) -> int:
        return self.entity_emb.shape[1] // 2

    def query_vectors(self, heads: np.ndarray, rel: int) -> np.ndarray:
        k = self.rank
        e = self.entity_emb[heads]
        w = self.relation_emb[rel]
        return np.concatenate([e[:, :k] * w[:k] - e[:, k:] * w[k:], e[:, :k] * w[k:] + e[:, k:] * w[:k]], axis=1)

    def scores(self, heads: np.ndarray, rel: int) -> np.ndarray:
        """Raw ComplEx scores of (h, rel, every tail) for the given heads: (len(heads), N)."""
        return self.query_vectors(np.asarray(heads), rel) @ self.entity_emb.T

    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save(
            {
                "kg": self.kg_name,
                "entity_emb": torch.from_numpy(self.entity_emb),
                "relation_emb": torch.from_numpy(self.relation_emb),
                "config": asdict(self.config),
                "metrics": self.metrics,
                "seconds": self.seconds,
            },
            tmp,
        )
        tmp.replace(path)  # atomic: a crash mid-write never leaves a half checkpoint

    @classmethod
    def load(cls, path: Path | str) -> "LinkPredictor":
        d = torch.load(Path(path), map_location="cpu", weights_only=True)
        return cls(
            kg_name=d["kg"],
            entity_emb=d["entity_emb"].numpy(),
            relation_emb=d["relation_emb"].numpy(),
            config=TrainConfig(**d["config"]),
            metrics=dict(d["metrics"]),
            seconds=float(d["seconds"]),
        )


def _with_reciprocals(triples: np.ndarray, num_relations: int) -> np.ndarray:
    inv = np.stack([triples[:, 2], triples[:, 1] + num_relations, triples[:, 0]], axis=1)
    return np.concatenate([triples, inv], axis=0)


def train(
    kg: KG, config: TrainConfig | None = None, *, progress: bool = False, evaluate_on: str | None = "test"
) -> LinkPredictor:
    config = config or DEFAULT_CONFIGS.get(kg.name, TrainConfig())
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    prev_threads = torch.get_num_threads()
    torch.set_num_threads(max(1, config.threads))
    try:
        model = ComplEx(kg.num_entities, kg.num_relations, config.rank, config.init)
        opt = torch.optim.Adagrad(model.parameters(), lr=config.lr)
        data = torch.from_numpy(_with_reciprocals(kg.train, kg.num_relations))
        loss_fn = nn.CrossEntropyLoss(reduction="mean")
        start = time.perf_counter()
        epochs = range(config.epochs)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(epochs, desc=f"training ComplEx on {kg.name}", unit="epoch")
            epochs = bar
        for _ in epochs:
            perm = torch.from_numpy(rng.permutation(len(data)))
            total = 0.0
            for i in range(0, len(data), config.batch_size):
                batch = data[perm[i : i + config.batch_size]]
                scores, factors = model(batch)
                fit = loss_fn(scores, batch[:, 2])
                n3 = config.reg * sum(torch.sum(f**3) for f in factors) / batch.shape[0]
                loss = fit + n3
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(batch)
            if bar is not None:
                bar.set_postfix(loss=f"{total / len(data):.3f}")
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(prev_threads)
    pred = LinkPredictor(
        kg_name=kg.name,
        entity_emb=model.ent.weight.detach().numpy().copy(),
        relation_emb=model.rel.weight.detach().numpy().copy(),
        config=config,
        metrics={},
        seconds=seconds,
    )
    if evaluate_on:
        pred.metrics = evaluate(pred, kg, evaluate_on)
    return pred


def evaluate(pred: LinkPredictor, kg: KG, split: str = "test", ks: tuple[int, ...] = (1, 3, 10)) -> dict[str, float]:
    """Filtered MRR and Hits@k over both directions (tails via r, heads via r⁻¹)."""
    triples = kg.splits[split]
    R = kg.num_relations
    known: dict[tuple[int, int], list[int]] = {}
    for h, r, t in _with_reciprocals(kg.triples(), R):
        known.setdefault((int(h), int(r)), []).append(int(t))
    queries = _with_reciprocals(triples, R)
    ranks = np.empty(len(queries))
    for r in np.unique(queries[:, 1]):
        idx = np.nonzero(queries[:, 1] == r)[0]
        sc = pred.scores(queries[idx, 0], int(r))
        for j, q in enumerate(idx):
            h, t = int(queries[q, 0]), int(queries[q, 2])
            row = sc[j]
            target = row[t]
            row[known[(h, int(r))]] = -np.inf  # filter every other true tail
            ranks[q] = 1 + np.sum(row > target)
    out = {"mrr": float(np.mean(1.0 / ranks))}
    out.update({f"hits@{k}": float(np.mean(ranks <= k)) for k in ks})
    return out


def checkpoint_path(kg: KG, config: TrainConfig, cache_dir: Path | str) -> Path:
    return Path(cache_dir) / "kg" / f"{kg.name}-{kg.fingerprint}-{config.key()}.pt"


def _config(kg: KG, config: TrainConfig | None) -> TrainConfig:
    return config or DEFAULT_CONFIGS.get(kg.name, TrainConfig())


def is_trained(kg: KG, cache_dir: Path | str, config: TrainConfig | None = None) -> bool:
    """Whether ``get_predictor`` would load from disk rather than train (one stat, no load)."""
    return checkpoint_path(kg, _config(kg, config), cache_dir).is_file()


def get_predictor(
    kg: KG, cache_dir: Path | str, config: TrainConfig | None = None, *, progress: bool = True
) -> LinkPredictor:
    """The cached predictor for this KG and config, trained (with a progress bar) on first use."""
    config = _config(kg, config)
    path = checkpoint_path(kg, config, cache_dir)
    if path.is_file():
        return LinkPredictor.load(path)
    pred = train(kg, config, progress=progress)
    pred.save(path)
    return pred


def summary(pred: LinkPredictor) -> dict[str, Any]:
    return {"kg": pred.kg_name, "seconds": round(pred.seconds, 2), **{k: round(v, 4) for k, v in pred.metrics.items()}}
