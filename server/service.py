"""What each endpoint does, independent of HTTP: shared by the routers, the tools and MCP.

Each function takes the Reasoner and a request model and returns a response model. The
configurable limits (text length, time limit) are enforced here so that every entry
point obeys them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nesy.errors import InputTooLargeError
from nesy.reasoner import Reasoner
from nesy.types import Problem, Solution, Stage, Status, Trace, TranslateOptions

from server.errors import SolverTimeoutError
from server.schemas import (
    FormalizationOut,
    FormalResponse,
    KGQueryRequest,
    LogicRequest,
    PlanRequest,
    SolutionOut,
    SolveOptions,
    SolveRequest,
    SolveResponse,
    TraceOut,
    TranslateRequest,
    TranslateResponse,
)

__all__ = [
    "solve", "translate", "plan", "logic", "kg_query", "solve_formal", "check_text", "cap_timeout", "translate_options",
]


def check_text(reasoner: Reasoner, **fields: str | None) -> None:
    """Reject texts over ``settings.max_text_chars``, naming the field."""
    limit = reasoner.settings.max_text_chars
    for name, value in fields.items():
        if value is not None and len(value) > limit:
            raise InputTooLargeError(
                f"{name} has {len(value)} characters; this server accepts at most {limit}",
                stage="request",
                symbol=name,
                limit=limit,
            )


def cap_timeout(reasoner: Reasoner, timeout: float | None) -> float:
    s = reasoner.settings
    return min(s.solve_timeout if timeout is None else timeout, s.max_timeout)


def translate_options(reasoner: Reasoner, options: SolveOptions) -> TranslateOptions:
    """The client's options with its work multipliers clamped by the server's settings (the
    schema's ceilings are static; the configured ones may be lower)."""
    s = reasoner.settings
    opts = options.translate_options()
    return opts.model_copy(update={"samples": min(opts.samples, s.max_samples), "repairs": min(opts.repairs, s.max_repairs)})


def _raise_on_timeout(sol: Solution, timeout: float, **extra: Any) -> None:
    if sol.status is Status.TIMEOUT:
        raise SolverTimeoutError(
            # The backend's message already says how it ended ("no answer within 2 s; Z3 was stopped").
            sol.message or f"the solver found no answer within {timeout:g} s",
            stage="solve",
            timeout=timeout,
            backend=sol.backend or None,
            **extra,
        )


async def solve_formal(reasoner: Reasoner, kind: str, text: str, context: dict[str, Any], timeout: float | None) -> FormalResponse:
    t = cap_timeout(reasoner, timeout)
    sol, verbal, trace = await reasoner.asolve_formal(kind, text, context, timeout=t)
    _raise_on_timeout(sol, t)
    return FormalResponse(
        kind=kind,  # type: ignore[arg-type]
        solution=SolutionOut.from_solution(sol),
        verbalization=verbal,
        timeout=t,
        trace=TraceOut.from_trace(trace),
    )


async def plan(reasoner: Reasoner, req: PlanRequest) -> FormalResponse:
    check_text(reasoner, problem=req.problem, domain_pddl=req.domain_pddl)
    return await solve_formal(reasoner, "planning", req.problem, req.context(), req.timeout)


async def logic(reasoner: Reasoner, req: LogicRequest) -> FormalResponse:
    check_text(reasoner, program=req.program)
    return await solve_formal(reasoner, "logic", req.program, req.context, req.timeout)


async def kg_query(reasoner: Reasoner, req: KGQueryRequest) -> FormalResponse:
    check_text(reasoner, query=req.query)
    top_k = min(req.top_k, reasoner.settings.max_top_k)
    resp = await solve_formal(reasoner, "kg", req.query, {**req.context(), "top_k": top_k}, req.timeout)
    if isinstance(resp.solution.answer, list) and len(resp.solution.answer) > top_k:
        # The backend ranks a fixed number of answers; the client asked for fewer.
        resp.solution.answer = resp.solution.answer[:top_k]
    return resp


def _problem(req: SolveRequest) -> Problem:
    return Problem(text=req.text, kind=req.kind, context=req.context)


async def solve(
    reasoner: Reasoner, req: SolveRequest, on_stage: Callable[[Stage], Any] | None = None
) -> SolveResponse:
    check_text(reasoner, text=req.text)
    t = cap_timeout(reasoner, req.options.timeout)
    result = await reasoner.asolve(_problem(req), translate_options(reasoner, req.options), timeout=t, on_stage=on_stage)
    if result.solution is not None:
        formal = result.formalization.text if result.formalization else None
        _raise_on_timeout(result.solution, t, formalization=formal)
    return SolveResponse.from_result(result)


async def translate(reasoner: Reasoner, req: TranslateRequest) -> TranslateResponse:
    check_text(reasoner, text=req.text)
    trace = Trace()
    formal, ctx, trace = await reasoner.atranslate(_problem(req), translate_options(reasoner, req.options), trace=trace)
    return TranslateResponse(
        kind=ctx.kind,  # type: ignore[arg-type]
        formalization=FormalizationOut.from_formalization(formal),
        trace=TraceOut.from_trace(trace),
    )
