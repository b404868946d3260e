"""Loaders for the public logic benchmarks (Logic-LM's dev splits) in ../shared/data/logic/.

Each file is a JSON list of items with ``id``, ``context``, ``question``, ``options``
(``"A) True"``) and ``answer`` (a letter); ProntoQA items also carry ``explanation``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nesy.errors import ConfigError, UnknownResourceError

__all__ = ["PublicItem", "load_public", "DATASETS", "default_path"]

DATASETS = ("ProntoQA", "ProofWriter", "FOLIO", "LogicalDeduction")
_REQUIRED = ("id", "context", "question", "options", "answer")


@dataclass(frozen=True)
class PublicItem:
    id: str
    context: str
    question: str
    options: list[str]
    answer: str  # an option letter
    explanation: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The answer's option text without its letter: "True", "Uncertain", "The apple is ..."."""
        for o in self.options:
            if o.startswith(f"{self.answer})"):
                return o.split(")", 1)[1].strip()
        return self.answer


def default_path(name: str, repo: Path | None = None) -> Path:
    """<repo>/../shared/data/logic/<Name>/dev.json."""
    if name not in DATASETS:
        raise UnknownResourceError(f"unknown logic dataset {name!r}; known: {', '.join(DATASETS)}")
    repo = repo or Path(__file__).resolve().parents[1]
    return repo.parent / "shared" / "data" / "logic" / name / "dev.json"


def load_public(path: str | Path) -> list[PublicItem]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"logic dataset file {path} does not exist")
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path} is not valid JSON: {e}") from e
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: expected a JSON list of items")
    items = []
    for i, r in enumerate(raw):
        missing = [k for k in _REQUIRED if k not in r]
        if missing:
            raise ConfigError(f"{path}: item {i} lacks {', '.join(missing)}")
        items.append(PublicItem(str(r["id"]), r["context"], r["question"], list(r["options"]), str(r["answer"]),
                                list(r.get("explanation", []))))
    return items
