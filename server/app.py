"""The FastAPI app factory: ``build_app(settings)`` returns an ASGI app that can be served by
uvicorn (``nesy serve``) or mounted inside another ASGI application.

When mounted, the host must run this app's lifespan for unfinished jobs to resume at start;
otherwise they resume at the first /v1/jobs request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from nesy import __version__
from nesy.reasoner import Reasoner
from nesy.settings import Settings

from server.errors import install_error_handlers
from server.jobs import JobRunner, JobStore
from server.metrics import Metrics
from server.middleware import APIKeyMiddleware, ConcurrencyLimitMiddleware, MetricsMiddleware, RequestBodyMiddleware
from server.playground.router import router as playground_router
from server.routers import formal, jobs, meta, solve
from server.state import AppState

__all__ = ["build_app", "create_app"]


def build_app(settings: Settings, *, reasoner: Reasoner | None = None, job_workers: int = 2) -> FastAPI:
    owns_reasoner = reasoner is None
    reasoner = reasoner or Reasoner(llm=settings.llm, settings=settings)
    metrics = Metrics()
    store = JobStore(settings.jobs_db)
    state = AppState(
        settings=settings,
        reasoner=reasoner,
        metrics=metrics,
        jobs=store,
        runner=JobRunner(store, reasoner, metrics, workers=job_workers),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.runner.start()  # resumes jobs a previous process left unfinished
        try:
            yield
        finally:
            await state.runner.stop()
            store.close()
            if owns_reasoner:
                await reasoner.aclose()

    app = FastAPI(
        title="nesy",
        version=__version__,
        description="Natural-language problems translated by an LLM and solved exactly by planners, "
        "Z3 and knowledge-graph reasoners; formal endpoints need no LLM.",
        lifespan=lifespan,
    )
    app.state.nesy = state
    install_error_handlers(app)
    for router in (solve.router, formal.router, jobs.router, meta.router, playground_router):
        app.include_router(router)
    # Added innermost first: concurrency → body → API keys → metrics (outermost, counts refusals too).
    # The body is read before the slot is taken, so slow clients never hold one.
    app.add_middleware(ConcurrencyLimitMiddleware, limit=settings.max_concurrent_requests, metrics=metrics)
    app.add_middleware(RequestBodyMiddleware, limit=settings.max_body_bytes, timeout=settings.body_timeout, metrics=metrics)
    app.add_middleware(APIKeyMiddleware, keys=list(settings.api_keys))
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def create_app() -> FastAPI:
    """For ``uvicorn server.app:create_app --factory``: settings from the NESY_ environment."""
    return build_app(Settings())
