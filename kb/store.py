"""The KG store: entities, relations, triples and their train/valid/test splits.

Triples are int arrays of shape (n, 3) holding (head, relation, tail) ids. Loaders read
TSV files and the small KGs (Nations, Kinships, UMLS) that PyKEEN ships inside its
wheel; the files are located with ``importlib.util.find_spec`` so pykeen (and its many
dependencies) is never imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from nesy.errors import ConfigError, UnknownResourceError

__all__ = ["KG", "BUNDLED", "load_tsv", "load_bundled", "pykeen_dataset_dir", "readable"]

BUNDLED = ("nations", "kinships", "umls")
SPLITS = ("train", "valid", "test")


def readable(name: str) -> str:
    """Display form of a KG symbol: ``acquired_abnormality`` -> ``acquired abnormality``."""
    return name.replace("_", " ")


@dataclass
class KG:
    name: str
    entities: list[str]
    relations: list[str]
    splits: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.entity_id = {e: i for i, e in enumerate(self.entities)}
        self.relation_id = {r: i for i, r in enumerate(self.relations)}
        for s in SPLITS:
            self.splits.setdefault(s, np.zeros((0, 3), dtype=np.int64))

    @property
    def num_entities(self) -> int:
        return len(self.entities)

    @property
    def num_relations(self) -> int:
        return len(self.relations)

    @property
    def train(self) -> np.ndarray:
        return self.splits["train"]

    @property
    def valid(self) -> np.ndarray:
        return self.splits["valid"]

    @property
    def test(self) -> np.ndarray:
        return self.splits["test"]

    def triples(self, splits: Iterable[str] = SPLITS) -> np.ndarray:
        return np.concatenate([self.splits[s] for s in splits], axis=0)

    @cached_property
    def fingerprint(self) -> str:
        """Content hash: checkpoints are cached under it, so edited data retrains."""
        h = hashlib.sha256()
        h.update("\n".join(self.entities).encode())
        h.update("\n".join(self.relations).encode())
        for s in SPLITS:
            h.update(s.encode())
            h.update(np.ascontiguousarray(self.splits[s], dtype=np.int64).tobytes())
        return h.hexdigest()[:16]

    # -- views -----------------------------------------------------------------------

    def adjacency(self, splits: Sequence[str] = ("train",)) -> list[sp.csr_matrix]:
        """One N×N 0/1 CSR matrix per relation (rows heads, columns tails)."""
        return _adjacency(self.triples(splits), self.num_entities, self.num_relations)

    def out_degree(self, splits: Sequence[str] = ("train",)) -> np.ndarray:
        """(R, N) count of tails per (relation, head): the calibration target of QTO/FIT."""
        t = self.triples(splits)
        deg = np.zeros((self.num_relations, self.num_entities), dtype=np.float32)
        np.add.at(deg, (t[:, 1], t[:, 0]), 1.0)
        return deg

    def graph(self, splits: Sequence[str] = ("train",)):  # -> networkx.MultiDiGraph
        """A networkx view, for path finding and inspection; edges keyed by relation name."""
        import networkx as nx

        g = nx.MultiDiGraph()
        g.add_nodes_from(self.entities)
        for h, r, t in self.triples(splits):
            g.add_edge(self.entities[h], self.entities[t], key=self.relations[r])
        return g

    def entity(self, name: str) -> int:
        try:
            return self.entity_id[name]
        except KeyError:
            raise UnknownResourceError(f"unknown entity {name!r} in KG {self.name!r}") from None

    def relation(self, name: str) -> int:
        try:
            return self.relation_id[name]
        except KeyError:
            raise UnknownResourceError(f"unknown relation {name!r} in KG {self.name!r}") from None

    def __repr__(self) -> str:
        sizes = ", ".join(f"{s}={len(self.splits[s])}" for s in SPLITS)
        return f"KG({self.name!r}, entities={self.num_entities}, relations={self.num_relations}, {sizes})"


def _adjacency(triples: np.ndarray, n: int, r: int) -> list[sp.csr_matrix]:
    out = []
    for rel in range(r):
        sel = triples[triples[:, 1] == rel]
        m = sp.csr_matrix((np.ones(len(sel), dtype=np.float32), (sel[:, 0], sel[:, 2])), shape=(n, n))
        m.data[:] = 1.0  # duplicates summed to 2 -> back to 1
        out.append(m)
    return out


def _read_tsv(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ConfigError(f"{path}:{lineno}: expected 3 tab-separated fields (head, relation, tail), got {len(parts)}")
        rows.append((parts[0].strip(), parts[1].strip(), parts[2].strip()))
    return rows


def load_tsv(name: str, train: Path | str, valid: Path | str | None = None, test: Path | str | None = None) -> KG:
    """A KG from TSV files of (head, relation, tail); ids follow sorted names for stability."""
    raw = {s: _read_tsv(Path(p)) for s, p in (("train", train), ("valid", valid), ("test", test)) if p is not None}
    ents = sorted({x for rows in raw.values() for h, _, t in rows for x in (h, t)})
    rels = sorted({r for rows in raw.values() for _, r, _ in rows})
    eid = {e: i for i, e in enumerate(ents)}
    rid = {r: i for i, r in enumerate(rels)}
    splits = {
        s: np.array([(eid[h], rid[r], eid[t]) for h, r, t in rows], dtype=np.int64).reshape(-1, 3)
        for s, rows in raw.items()
    }
    return KG(name, ents, rels, splits)


def pykeen_dataset_dir(name: str) -> Path:
    """Where the pykeen wheel keeps a small dataset's files, found without importing pykeen."""
    spec = importlib.util.find_spec("pykeen")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"the bundled KG {name!r} is read from the pykeen package's files; install it with "
            "`pip install --no-deps pykeen`"
        )
    d = Path(list(spec.submodule_search_locations)[0]) / "datasets" / name
    if not (d / "train.txt").is_file():
        raise ConfigError(f"pykeen is installed but has no dataset files at {d}")
    return d


def load_bundled(name: str) -> KG:
    key = name.lower()
    if key not in BUNDLED:
        raise UnknownResourceError(f"unknown KG {name!r}; bundled: {', '.join(BUNDLED)}")
    d = pykeen_dataset_dir(key)
    return load_tsv(key, d / "train.txt", d / "valid.txt", d / "test.txt")
