"""One real Ray cluster on 127.0.0.1 per test module that imports ``cluster`` (a module-scoped fixture)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.executors.loopback import RayCluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[RayCluster]:
    c = RayCluster().start()
    try:
        yield c
    finally:
        c.stop()
    assert c.processes() == [], "a process of the test's Ray cluster survived stop()"
