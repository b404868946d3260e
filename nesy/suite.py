"""Benchmark items and suites with composition signatures and seen / held-out splits.

The object behind each ``nesy.backends`` entry point provides its formalism's suites
(``Backend.suites() -> dict[str, SuiteFactory]``); ``benchmarks`` finds them there. A
factory takes ``size`` and ``seed`` (and may take a ``path`` for public datasets) and
returns a ``Suite``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nesy.types import Gold, Problem

__all__ = ["Item", "Suite", "SuiteFactory", "Split"]

Split = Literal["seen", "held_out", "public"]


class Item(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    problem: Problem
    gold: Gold
    signature: str  # composition: e.g. "2p", "depth3:and+not", "on+clear/n5"
    split: Split
    meta: dict[str, Any] = Field(default_factory=dict)


class Suite(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    kind: str
    items: list[Item]
    seen: list[str] = Field(default_factory=list)  # signatures exemplars/tuning may use
    held_out: list[str] = Field(default_factory=list)
    description: str = ""


SuiteFactory = Callable[..., Suite]
