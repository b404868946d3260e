"""Service endpoints: backends, tools, liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from nesy.errors import NesyError

from server.errors import log
from server.metrics import CONTENT_TYPE_LATEST
from server.schemas import BackendOut, HealthOut, ReadyOut
from server.state import ERROR_RESPONSES, AppState, get_state
from server.tools import tool_definitions

router = APIRouter(tags=["service"])


@router.get("/v1/backends", response_model=list[BackendOut], responses=ERROR_RESPONSES, summary="Formalism backends")
async def backends(state: AppState = Depends(get_state)) -> list[BackendOut]:
    return [BackendOut(name=i.name, available=i.available, reason=i.reason, target=i.target) for i in state.reasoner.registry.info]


@router.get("/v1/tools", responses=ERROR_RESPONSES, summary="The tools in OpenAI function-calling format")
async def tools() -> list[dict[str, Any]]:
    return tool_definitions()


@router.get("/healthz", response_model=HealthOut, summary="Liveness")
async def healthz() -> HealthOut:
    return HealthOut(status="ok")


async def _llm_status(state: AppState) -> dict[str, Any]:
    """Reachable means: the model loads (embedded) or the server lists its models (HTTP)."""
    try:
        llm = await asyncio.to_thread(lambda: state.reasoner.llm)
        models = getattr(llm, "models", None)
        if models is not None:
            listed = await asyncio.wait_for(models(), timeout=5.0)
            return {"ok": True, "name": llm.name, "models": [m.get("id") for m in listed]}
        return {"ok": True, "name": llm.name}
    except NesyError as e:  # readiness reports, it never raises
        return {"ok": False, "error": e.message}
    except TimeoutError:
        return {"ok": False, "error": "the LLM server did not list its models within 5 s"}
    except Exception as e:  # foreign text may carry paths or internals: the type only
        log.exception("readiness check failed")
        return {"ok": False, "error": f"internal error ({type(e).__name__}); see the server log"}


@router.get(
    "/readyz",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "not ready: LLM unreachable or no backend loaded"}},
    summary="Readiness: LLM reachable and backends loaded",
)
async def readyz(state: AppState = Depends(get_state)) -> Any:
    llm = await _llm_status(state)
    names = state.reasoner.registry.names()
    out = ReadyOut(ready=bool(llm["ok"] and names), llm=llm, backends=names)
    return JSONResponse(out.model_dump(), status_code=200 if out.ready else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Prometheus text format"}},
    summary="Prometheus metrics",
)
async def metrics(state: AppState = Depends(get_state)) -> Response:
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
