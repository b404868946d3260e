"""One logic backend for the module's solves: its sandboxed Z3 workers are started once."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from logic.backend import LogicBackend
from nesy.types import Problem, Solution

Solve = Callable[..., Solution]


@pytest.fixture(scope="session")
def logic_backend() -> Iterator[LogicBackend]:
    backend = LogicBackend()
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def solve(logic_backend: LogicBackend) -> Solve:
    """Parse a formal text and decide it the way the server does: in a Z3 worker subprocess."""
    ctx = logic_backend.context(Problem(text="x"))

    def run(text: str, timeout: float = 10.0) -> Solution:
        return logic_backend.solve(logic_backend.parse(text, ctx), ctx, timeout=timeout)

    return run
