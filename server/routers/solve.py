"""Natural-language endpoints: /v1/solve (whole result, or stages streamed as SSE) and /v1/translate."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Query
from sse_starlette.sse import EventSourceResponse

from nesy.errors import NesyError
from nesy.types import Stage

from server import service
from server.errors import error_body, log, nesy_error_body
from server.schemas import SolveRequest, SolveResponse, StageOut, TranslateRequest, TranslateResponse
from server.state import ERROR_RESPONSES, AppState, get_state

router = APIRouter(prefix="/v1", tags=["natural language"], responses=ERROR_RESPONSES)

_SSE_DOC = {
    "description": "the whole result, or with stream=true server-sent events: one `stage` event per "
    "pipeline stage as it completes, then `result` (a SolveResponse) or `error` (an ErrorBody)",
    "content": {
        "text/event-stream": {
            "schema": {
                "type": "object",
                "required": ["event", "data"],
                "properties": {
                    "event": {"type": "string", "enum": ["stage", "result", "error"]},
                    "data": {"type": "string", "description": "JSON: a StageOut, a SolveResponse or an ErrorBody"},
                },
            }
        }
    },
}


def _observe(state: AppState, resp: SolveResponse) -> None:
    state.metrics.observe_trace(resp.trace)
    if resp.solution is not None:
        state.metrics.observe_outcome(resp.kind, resp.solution.status.value)


@router.post("/solve", response_model=SolveResponse, responses={200: _SSE_DOC}, summary="Solve a problem in natural language")
async def solve(
    req: SolveRequest,
    stream: bool = Query(False, description="stream stages as server-sent events"),
    state: AppState = Depends(get_state),
) -> Any:
    if not stream:
        resp = await service.solve(state.reasoner, req)
        _observe(state, resp)
        return resp
    service.check_text(state.reasoner, text=req.text)  # fail before the stream starts
    return EventSourceResponse(_stream(state, req))


async def _stream(state: AppState, req: SolveRequest) -> AsyncIterator[dict[str, str]]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Stage] = asyncio.Queue()

    def on_stage(s: Stage) -> None:
        # Stages may be recorded on a worker thread: hand them to the loop safely.
        loop.call_soon_threadsafe(queue.put_nowait, s)

    task = asyncio.create_task(service.solve(state.reasoner, req, on_stage=on_stage))
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield {"event": "stage", "data": StageOut.from_stage(getter.result()).model_dump_json()}
                continue
            getter.cancel()
            await asyncio.sleep(0)  # let pending call_soon_threadsafe puts land
            while not queue.empty():
                yield {"event": "stage", "data": StageOut.from_stage(queue.get_nowait()).model_dump_json()}
            break
        try:
            resp = task.result()
        except NesyError as e:
            yield {"event": "error", "data": json.dumps(nesy_error_body(e))}
            return
        except Exception as e:  # the stream has started: report in-band, in the one shape
            log.exception("unhandled error while streaming /v1/solve")
            body = error_body("internal_error", f"internal error ({type(e).__name__}); see the server log")
            yield {"event": "error", "data": json.dumps(body)}
            return
        _observe(state, resp)
        yield {"event": "result", "data": resp.model_dump_json()}
    finally:
        if not task.done():
            task.cancel()  # the client went away


@router.post("/translate", response_model=TranslateResponse, summary="Translate natural language to a formalization")
async def translate(req: TranslateRequest, state: AppState = Depends(get_state)) -> TranslateResponse:
    resp = await service.translate(state.reasoner, req)
    state.metrics.observe_trace(resp.trace)
    return resp
