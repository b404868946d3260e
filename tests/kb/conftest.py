"""Fixtures for the KG tests: real bundled KGs and a Nations predictor trained once per session."""

from __future__ import annotations

import pytest

from kb.store import KG, load_bundled
from kb.train import LinkPredictor, TrainConfig, get_predictor

NATIONS_FAST = TrainConfig(rank=50, epochs=40, batch_size=128, reg=0.01, threads=1)


@pytest.fixture(scope="session")
def nations() -> KG:
    return load_bundled("nations")


@pytest.fixture(scope="session")
def umls() -> KG:
    return load_bundled("umls")


@pytest.fixture(scope="session")
def kb_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("kb-cache")


@pytest.fixture(scope="session")
def nations_predictor(nations: KG, kb_cache) -> LinkPredictor:
    return get_predictor(nations, kb_cache, progress=False)


@pytest.fixture(scope="session")
def kg_backend(kb_cache, nations_predictor):
    from nesy.settings import Settings

    from kb.backend import KGBackend

    return KGBackend(Settings(cache_dir=kb_cache))
