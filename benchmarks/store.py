"""Per-item results as JSON lines, appended atomically so a killed run loses nothing finished.

Each record is one ``write`` of a complete line followed by ``flush`` + ``fsync``. A crash
can leave at most one partial last line; ``ResultStore`` cuts it off when it opens the
file, so the next append starts on a clean line and the cut item is simply redone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["ResultStore", "read_records", "atomic_write_text"]


def read_records(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Complete records, and the byte length of the valid prefix (partial tail excluded)."""
    if not path.exists():
        return [], 0
    data = path.read_bytes()
    records: list[dict[str, Any]] = []
    valid = 0
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:  # no newline: a write interrupted mid-line
            break
        line = data[pos:nl]
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                break  # torn line (should not happen with single writes, but never trust it)
        pos = nl + 1
        valid = pos
    return records, valid


class ResultStore:
    """An append-only JSONL file of item results, keyed by ``id``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        records, valid = read_records(self.path)
        if self.path.exists() and valid < self.path.stat().st_size:
            with open(self.path, "r+b") as f:  # drop the partial tail before appending
                f.truncate(valid)
                f.flush()
                os.fsync(f.fileno())
        self.records: dict[str, dict[str, Any]] = {}
        for r in records:
            self.records.setdefault(r["id"], r)  # first finished copy wins
        self._fh = open(self.path, "ab")

    def done(self) -> set[str]:
        return set(self.records)

    def append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, default=str, ensure_ascii=False) + "\n").encode()
        self._fh.write(line)
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.records[record["id"]] = record

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so readers never see half a report."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
