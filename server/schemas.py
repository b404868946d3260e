"""Wire models of the HTTP API, kept apart from the engine's types (nesy.types).

Request models double as the parameter schemas of the agent tools (server/tools.py), so
one definition serves HTTP, OpenAI function calling and MCP. ``from_*`` helpers convert
engine objects to wire objects; nothing here calls the engine.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_jsonable_python

from nesy.types import Dropped, Formalization, Kind, Result, Solution, Stage, Status, Trace, TranslateOptions

__all__ = [
    "ErrorDetail",
    "ErrorBody",
    "SolveOptions",
    "SolveRequest",
    "TranslateRequest",
    "PlanRequest",
    "LogicRequest",
    "KGQueryRequest",
    "StageOut",
    "TraceOut",
    "SolutionOut",
    "FormalizationOut",
    "SolveResponse",
    "TranslateResponse",
    "FormalResponse",
    "JobItemIn",
    "JobRequest",
    "JobOut",
    "BackendOut",
    "HealthOut",
    "ReadyOut",
    "jsonable",
]

# Hard ceilings in the schema; the configurable (smaller) limits are checked at run time.
MAX_TEXT = 1_000_000


def jsonable(value: Any) -> Any:
    """Backends may put arbitrary objects in traces; render what JSON cannot hold as text."""
    return to_jsonable_python(value, fallback=repr)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- errors ----------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    message: str
    stage: str | None = None
    line: int | None = None
    col: int | None = None
    symbol: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


# -- requests --------------------------------------------------------------------------


class SolveOptions(_In):
    mode: Literal["ours", "baseline"] = Field("ours", description="ours, or the published baseline's prompting")
    samples: int = Field(1, ge=1, le=8, description="sample k translations and vote on the answers")
    repairs: int = Field(2, ge=0, le=5, description="repair rounds fed with parser errors")
    timeout: float | None = Field(None, gt=0, description="solver time limit in seconds (capped by the server)")
    grammar: bool = Field(True, description="constrain generation with the formal language's grammar")
    exemplars: int = Field(3, ge=0, le=10)
    temperature: float = Field(0.0, ge=0, le=2)
    max_tokens: int = Field(256, ge=1, le=2048)
    rank: Literal["off", "sum", "mean", "calibrated"] = Field(
        "calibrated", description="finite choices by the model's likelihood of each candidate; off: generate")

    def translate_options(self) -> TranslateOptions:
        return TranslateOptions(**self.model_dump(exclude={"timeout"}))


class SolveRequest(_In):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT, description="the problem in natural language")
    kind: Kind | None = Field(None, description="planning | logic | kg; detected when absent")
    context: dict[str, Any] = Field(
        default_factory=dict,
        description='formalism context, e.g. {"domain": "blocksworld"} or {"kb": "nations"}',
    )
    options: SolveOptions = Field(default_factory=SolveOptions)


class TranslateRequest(SolveRequest):
    pass


class PlanRequest(_In):
    problem: str = Field(..., min_length=1, max_length=MAX_TEXT, description="PDDL problem text")
    domain: str | None = Field(None, max_length=200, description="a bundled domain name, e.g. blocksworld")
    domain_pddl: str | None = Field(None, max_length=MAX_TEXT, description="PDDL domain text (instead of domain)")
    timeout: float | None = Field(None, gt=0, description="planner time limit in seconds (capped by the server)")

    def context(self) -> dict[str, Any]:
        if self.domain_pddl is not None:
            return {"domain_pddl": self.domain_pddl}
        return {"domain": self.domain} if self.domain is not None else {}


class LogicRequest(_In):
    program: str = Field(
        ..., min_length=1, max_length=MAX_TEXT, description="a logic program (line-based FOL / constraints) or SMT-LIB2"
    )
    context: dict[str, Any] = Field(default_factory=dict, description="extra context for the logic backend")
    timeout: float | None = Field(None, gt=0, description="solver time limit in seconds (capped by the server)")


class KGQueryRequest(_In):
    kb: str = Field(..., min_length=1, max_length=200, description="a bundled knowledge graph: nations, kinships, umls")
    query: str = Field(..., min_length=1, max_length=MAX_TEXT, description="EFO-1 query, e.g. r1(s,e1) & r2(e1,f)")
    top_k: int = Field(10, ge=1, le=1000, description="how many ranked answers to return")
    timeout: float | None = Field(None, gt=0, description="time limit in seconds (capped by the server)")

    def context(self) -> dict[str, Any]:
        return {"kb": self.kb, "top_k": self.top_k}


# -- responses -------------------------------------------------------------------------


class StageOut(BaseModel):
    name: str
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    input: Any = None
    output: Any = None
    error: dict[str, Any] | None = None

    @classmethod
    def from_stage(cls, s: Stage) -> "StageOut":
        return cls(
            name=s.name,
            seconds=s.seconds,
            prompt_tokens=s.prompt_tokens,
            completion_tokens=s.completion_tokens,
            input=jsonable(s.input),
            output=jsonable(s.output),
            error=jsonable(s.error),
        )


class TraceOut(BaseModel):
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    stages: list[StageOut]

    @classmethod
    def from_trace(cls, t: Trace) -> "TraceOut":
        p, c = t.tokens
        return cls(seconds=t.seconds, prompt_tokens=p, completion_tokens=c, stages=[StageOut.from_stage(s) for s in t.stages])


class SolutionOut(BaseModel):
    status: Status
    answer: Any = None
    certificate: dict[str, Any] = Field(default_factory=dict)
    backend: str = ""
    engine: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)
    message: str = ""

    @classmethod
    def from_solution(cls, s: Solution) -> "SolutionOut":
        return cls(
            status=s.status,
            answer=jsonable(s.answer),
            certificate=jsonable(s.certificate),
            backend=s.backend,
            engine=s.engine,
            metrics=dict(s.metrics),
            message=s.message,
        )


class FormalizationOut(BaseModel):
    kind: Kind
    language: str = ""
    text: str
    repairs: int = 0
    notes: list[str] = Field(default_factory=list)
    dropped: list[Dropped] = Field(default_factory=list, description="clauses left out, with the step and why")

    @classmethod
    def from_formalization(cls, f: Formalization) -> "FormalizationOut":
        return cls(kind=f.kind, language=f.language, text=f.text, repairs=f.repairs, notes=list(f.notes),
                   dropped=list(f.dropped))


class SolveResponse(BaseModel):
    kind: Kind | None
    formalization: FormalizationOut | None = None
    solution: SolutionOut | None = None
    verbalization: str = ""
    trace: TraceOut
    error: ErrorDetail | None = Field(None, description="set when the problem could not be formalized")

    @classmethod
    def from_result(cls, r: Result) -> "SolveResponse":
        return cls(
            kind=r.problem.kind,
            formalization=FormalizationOut.from_formalization(r.formalization) if r.formalization else None,
            solution=SolutionOut.from_solution(r.solution) if r.solution else None,
            verbalization=r.verbalization,
            trace=TraceOut.from_trace(r.trace),
            error=ErrorDetail(**jsonable(r.error)) if r.error else None,
        )


class TranslateResponse(BaseModel):
    kind: Kind
    formalization: FormalizationOut
    trace: TraceOut


class FormalResponse(BaseModel):
    """Result of a formal endpoint: the solver's verdict, its certificate and an explanation."""

    kind: Kind
    solution: SolutionOut
    verbalization: str
    timeout: float = Field(description="the time limit applied, after capping by the server's max_timeout")
    trace: TraceOut


# -- jobs ------------------------------------------------------------------------------


class JobItemIn(_In):
    """One batch item: natural language (``text``, solved with the LLM) or formal text (``formal``)."""

    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    formal: str | None = Field(None, min_length=1, max_length=MAX_TEXT, description="PDDL problem / logic program / KG query")
    kind: Kind | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    id: str | None = Field(None, max_length=200)


class JobRequest(_In):
    suite: str | None = Field(None, min_length=1, max_length=200, description="a benchmark suite name")
    size: int | None = Field(None, ge=1, le=100_000)
    seed: int = 0
    problems: list[JobItemIn] | None = Field(None, min_length=1, max_length=100_000)
    options: SolveOptions = Field(default_factory=SolveOptions)


class JobOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "cancelled", "failed"]
    total: int
    done: int
    errors: int
    pending: int
    counts: dict[str, int] = Field(default_factory=dict, description="finished items per solver status")
    created: float
    finished: float | None = None
    message: str = ""


# -- meta ------------------------------------------------------------------------------


class BackendOut(BaseModel):
    name: str
    available: bool
    reason: str
    target: str


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    ready: bool
    llm: dict[str, Any]
    backends: list[str]
