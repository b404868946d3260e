"""Batch jobs: create, inspect, fetch results as JSON lines, cancel."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from server.jobs import expand_items
from server.service import check_text
from server.schemas import JobOut, JobRequest
from server.state import ERROR_RESPONSES, AppState, get_state

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=ERROR_RESPONSES)


@router.post("", response_model=JobOut, status_code=202, summary="Start a batch job (a suite or a list of problems)")
async def create_job(req: JobRequest, state: AppState = Depends(get_state)) -> JobOut:
    # Generating a suite may take a moment: keep the event loop free.
    items, spec = await asyncio.to_thread(expand_items, req)
    for i, it in enumerate(items):
        check_text(state.reasoner, **{f"problems[{i}].text": it.get("text"), f"problems[{i}].formal": it.get("formal")})
    job_id = state.jobs.create(items, req.options, spec)
    state.runner.notify()
    return state.jobs.get(job_id)


@router.get("/{job_id}", response_model=JobOut, summary="Progress and counts of a job")
async def get_job(job_id: str, state: AppState = Depends(get_state)) -> JobOut:
    return state.jobs.get(job_id)


@router.get(
    "/{job_id}/results",
    summary="Finished items as JSON lines, in item order",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}, "description": "JSON lines"}},
)
async def job_results(job_id: str, state: AppState = Depends(get_state)) -> StreamingResponse:
    lines = list(state.jobs.results(job_id))
    return StreamingResponse(iter(lines), media_type="application/x-ndjson")


@router.delete("/{job_id}", response_model=JobOut, summary="Cancel a job (finished items are kept)")
async def cancel_job(job_id: str, state: AppState = Depends(get_state)) -> JobOut:
    state.jobs.get(job_id)
    state.jobs.set_status(job_id, "cancelled", "cancelled by request", only_if_active=True)
    return state.jobs.get(job_id)
