from __future__ import annotations

import pytest

from planners.domains import bundled_domain
from planners.pddl import parse_domain

BW_PROBLEM = """(define (problem p1) (:domain blocksworld)
  (:objects a b c - block)
  (:init (ontable a) (on b a) (clear b) (ontable c) (clear c) (handempty))
  (:goal (and (on a b) (on b c))))
"""


@pytest.fixture(scope="session")
def bw_domain() -> str:
    return bundled_domain("blocksworld").pddl


@pytest.fixture(scope="session")
def bw_model(bw_domain: str):
    return parse_domain(bw_domain)


@pytest.fixture
def bw_problem() -> str:
    return BW_PROBLEM
