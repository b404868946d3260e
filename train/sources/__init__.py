"""One pair source per formalism, each using only that package's public API."""

from __future__ import annotations

from typing import Any

from nesy.types import TranslateOptions

__all__ = ["BackendPairs"]


class BackendPairs:
    """What every source shares: its backend, run in our mode without repairs."""

    formalism: str = ""
    default_suite: str = ""

    def __init__(self, backend: Any, options: TranslateOptions | None = None) -> None:
        self.backend = backend
        self.options = (options or TranslateOptions()).model_copy(update={"repairs": 0, "mode": "ours"})

    def suites(self) -> list[str]:
        return [self.default_suite]
