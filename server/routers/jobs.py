"""Batch jobs: create, inspect, fetch results as JSON lines, cancel. A key sees only its own jobs.

Every store call runs in a thread: a large insert must not stall the event loop (/healthz)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from server.jobs import check_job_size, expand_items, job_size
from server.service import check_text
from server.schemas import ErrorBody, JobOut, JobRequest
from server.state import ERROR_RESPONSES, AppState, get_owner, get_state

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=ERROR_RESPONSES)


@router.post(
    "",
    response_model=JobOut,
    status_code=202,
    responses={429: {"model": ErrorBody, "description": "too many items queued for this API key"}},
    summary="Start a batch job (a suite or a list of problems)",
)
async def create_job(req: JobRequest, state: AppState = Depends(get_state), owner: str = Depends(get_owner)) -> JobOut:
    s = state.settings
    declared = job_size(req)
    if declared is not None:  # refuse before generating anything
        check_job_size(declared, s.max_job_items, "problems" if req.problems is not None else "size")
        await asyncio.to_thread(state.jobs.check_quota, owner, declared, s.max_queued_items_per_key)
    # Generating a suite may take a moment: keep the event loop free.
    items, spec = await asyncio.to_thread(expand_items, req, s.max_job_items)
    for i, it in enumerate(items):
        check_text(state.reasoner, **{f"problems[{i}].text": it.get("text"), f"problems[{i}].formal": it.get("formal")})
    job_id = await asyncio.to_thread(
        lambda: state.jobs.create(items, req.options, spec, owner=owner, max_queued=s.max_queued_items_per_key)
    )
    state.runner.notify()
    return await asyncio.to_thread(state.jobs.get, job_id, owner)


@router.get("/{job_id}", response_model=JobOut, summary="Progress and counts of a job")
async def get_job(job_id: str, state: AppState = Depends(get_state), owner: str = Depends(get_owner)) -> JobOut:
    return await asyncio.to_thread(state.jobs.get, job_id, owner)


@router.get(
    "/{job_id}/results",
    summary="Finished items as JSON lines, in item order",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}, "description": "JSON lines"}},
)
async def job_results(job_id: str, state: AppState = Depends(get_state), owner: str = Depends(get_owner)) -> StreamingResponse:
    await asyncio.to_thread(state.jobs.get, job_id, owner)  # 404 before the stream starts

    async def lines() -> AsyncIterator[str]:
        after = -1
        while page := await asyncio.to_thread(state.jobs.results_page, job_id, after):
            for _, line in page:
                yield line + "\n"
            after = page[-1][0]

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.delete("/{job_id}", response_model=JobOut, summary="Cancel a job (finished items are kept)")
async def cancel_job(job_id: str, state: AppState = Depends(get_state), owner: str = Depends(get_owner)) -> JobOut:
    await asyncio.to_thread(state.jobs.get, job_id, owner)
    await asyncio.to_thread(state.jobs.set_status, job_id, "cancelled", "cancelled by request", only_if_active=True)
    state.runner.cancel(job_id)
    return await asyncio.to_thread(state.jobs.get, job_id, owner)
