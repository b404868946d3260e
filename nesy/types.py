"""Domain types shared by every formalism, the server and the benchmarks.

They are frozen pydantic models so that results serialize to JSON lines and the wire
without a second set of classes.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "Kind",
    "Status",
    "Problem",
    "Formalization",
    "Solution",
    "Stage",
    "Trace",
    "Result",
    "Gold",
    "TranslateOptions",
    "Dropped",
]

# A formalism is a name checked against the backend registry (``nesy.backends`` entry points),
# not a closed list: a new backend needs no change here.
Kind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]


class Status(str, Enum):
    """Solver outcome. Only misuse raises; everything else is one of these."""

    SOLVED = "SOLVED"
    SOLVED_OPTIMALLY = "SOLVED_OPTIMALLY"
    UNSOLVABLE = "UNSOLVABLE"
    UNKNOWN = "UNKNOWN"
    TIMEOUT = "TIMEOUT"
    MEMOUT = "MEMOUT"
    UNSUPPORTED = "UNSUPPORTED"
    ERROR = "ERROR"

    @property
    def solved(self) -> bool:
        return self in (Status.SOLVED, Status.SOLVED_OPTIMALLY)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class Problem(_Frozen):
    """A natural-language problem plus whatever context its formalism needs.

    ``context`` holds e.g. ``{"domain": "blocksworld"}`` or ``{"domain_pddl": ...}``
    for planning, ``{"kb": "umls"}`` for kg, ``{"options": [...]}`` for logic.
    """

    text: str
    kind: Kind | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None


class Dropped(_Frozen):
    """A clause the translation left out: which step, the text it came from, and why."""

    step: str
    source: str = ""
    error: str = ""


class Formalization(_Frozen):
    """The formal text a translator produced and the backend's parsed form of it."""

    kind: Kind
    text: str
    parsed: Any = Field(default=None, exclude=True)
    language: str = ""
    repairs: int = 0
    notes: list[str] = Field(default_factory=list)
    dropped: list[Dropped] = Field(default_factory=list)


class Solution(_Frozen):
    status: Status
    answer: Any = None
    certificate: dict[str, Any] = Field(default_factory=dict)
    backend: str = ""
    engine: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)
    message: str = ""


class Stage(_Frozen):
    """One pipeline stage: what went in, what came out, how long, how many tokens."""

    name: str
    input: Any = None
    output: Any = None
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: dict[str, Any] | None = None


class Trace(BaseModel):
    """Mutable while a pipeline runs; a list of stages afterwards."""

    stages: list[Stage] = Field(default_factory=list)

    def add(self, stage: Stage) -> None:
        self.stages.append(stage)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)

    @property
    def tokens(self) -> tuple[int, int]:
        return (
            sum(s.prompt_tokens for s in self.stages),
            sum(s.completion_tokens for s in self.stages),
        )


class Gold(_Frozen):
    """Reference for scoring: a gold formalization and/or a gold answer."""

    formal: str | None = None
    answer: Any = None
    extra: dict[str, Any] = Field(default_factory=dict)


class Result(_Frozen):
    problem: Problem
    formalization: Formalization | None = None
    solution: Solution | None = None
    verbalization: str = ""
    scores: dict[str, float] = Field(default_factory=dict)
    trace: Trace = Field(default_factory=Trace)
    error: dict[str, Any] | None = None


class TranslateOptions(_Frozen):
    """How to translate: every step is switchable so benchmarks can show its worth."""

    mode: Literal["ours", "baseline"] = "ours"
    grammar: bool = True
    exemplars: int = 3
    repairs: int = 2
    samples: int = 1
    temperature: float = 0.0
    max_tokens: int = 256
    seed: int = 0
    # finite choices (a clause's form, a fact, a direction) by the model's likelihood of each
    # candidate: "calibrated" subtracts its likelihood under an empty text; "off" generates
    rank: Literal["off", "sum", "mean", "calibrated"] = "calibrated"
    # exemplars chosen once per problem (clause steps then share a prompt prefix, and a local
    # model reuses its KV cache) or per clause (the closest exemplars for each sentence)
    exemplars_by: Literal["problem", "clause"] = "problem"
    concurrency: int = Field(8, ge=1)  # independent steps (the clauses of a text) in flight at once
    polish: bool = False  # let the LLM rewrite the template verbalization into fluent prose
