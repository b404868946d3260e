"""Formal endpoints: PDDL planning, logic / SMT-LIB2, KG queries. No LLM involved."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from server import service
from server.schemas import FormalResponse, KGQueryRequest, LogicRequest, PlanRequest
from server.state import ERROR_RESPONSES, AppState, get_state

router = APIRouter(prefix="/v1", tags=["formal"], responses=ERROR_RESPONSES)


def _observed(state: AppState, resp: FormalResponse) -> FormalResponse:
    state.metrics.observe_trace(resp.trace)
    state.metrics.observe_outcome(resp.kind, resp.solution.status.value)
    return resp


@router.post("/plan", response_model=FormalResponse, summary="Solve a PDDL problem and validate the plan")
async def plan(req: PlanRequest, state: AppState = Depends(get_state)) -> FormalResponse:
    return _observed(state, await service.plan(state.reasoner, req))


@router.post("/logic", response_model=FormalResponse, summary="Decide a logic program or SMT-LIB2 script")
async def logic(req: LogicRequest, state: AppState = Depends(get_state)) -> FormalResponse:
    return _observed(state, await service.logic(state.reasoner, req))


@router.post("/kg/query", response_model=FormalResponse, summary="Answer an EFO-1 query over a knowledge graph")
async def kg_query(req: KGQueryRequest, state: AppState = Depends(get_state)) -> FormalResponse:
    return _observed(state, await service.kg_query(state.reasoner, req))
