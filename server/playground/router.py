"""Routes of the web playground: two static pages, their assets, and the data they read.

The pages are files under ``static/`` (no templating, no framework); the script fills them
from the API with the key the user typed. Benchmark runs are read-only views of the folders
``nesy bench`` writes under ``<cache_dir>/bench/``. A run or plot name from the URL is never
joined onto a path: it must equal the name of an entry found by listing that folder (a real
directory or file, not a link), so no name can reach outside it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from nesy.errors import UnknownResourceError

from server.playground import ASSETS
from server.schemas import BackendOut
from server.state import ERROR_RESPONSES, AppState, get_state

__all__ = ["router"]

STATIC = Path(__file__).resolve().parent / "static"
MAX_REPORT_BYTES = 1_000_000  # a report.md is a few kB; never load an arbitrary file whole
MAX_SUMMARY_BYTES = 5_000_000

# The pages load only their own script and style; plots arrive as blob: URLs fetched with the key.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

# inventory section -> the request-context field that takes one of its names
_CONTEXT_FIELDS = {"domains": "domain", "kgs": "kb"}

router = APIRouter(tags=["playground"])


# -- pages and assets (public: they hold no data) -----------------------------------------


def _page(name: str) -> Response:
    return Response((STATIC / name).read_bytes(), media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


@router.get("/", include_in_schema=False)
def playground_page() -> Response:
    return _page("index.html")


@router.get("/runs", include_in_schema=False)
def runs_page() -> Response:
    return _page("runs.html")


@router.get("/playground/static/{name}", include_in_schema=False)
def asset(name: str) -> Response:
    media = ASSETS.get(name)
    if media is None:
        raise UnknownResourceError(f"no playground asset {name!r}", stage="request")
    return Response((STATIC / name).read_bytes(), media_type=media, headers=_PAGE_HEADERS)


# -- data (behind the API key like every other route) -------------------------------------


class ChoicesOut(BaseModel):
    kinds: list[BackendOut]
    choices: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict, description="per backend, the values a context field accepts (e.g. planning: domain)"
    )


class RunBrief(BaseModel):
    name: str
    created: str = ""
    suite: str = ""
    model: str = ""
    n_items: int | None = None
    report: bool = Field(description="report.md exists")
    plots: list[str] = Field(default_factory=list, description="file names under plots/")


class RunOut(RunBrief):
    config: dict[str, Any] = Field(default_factory=dict)
    timings: dict[str, Any] = Field(default_factory=dict)
    report_md: str = Field("", description="report.md as written by nesy bench (tables in Markdown)")


@router.get("/playground/api/choices", response_model=ChoicesOut, responses=ERROR_RESPONSES,
            summary="Kinds, and the choices of each kind's context (domains, KGs)")
def choices(state: AppState = Depends(get_state)) -> ChoicesOut:
    registry = state.reasoner.registry
    kinds = [BackendOut(name=i.name, available=i.available, reason=i.reason, target=i.target) for i in registry.info]
    # The backends' optional inventory (what `nesy backends` prints): its bundled resources, by the
    # context field that names one. A backend without an inventory simply offers no choices.
    inventories, _ = registry.provide("inventory")
    out: dict[str, dict[str, list[str]]] = {}
    for backend, inventory in inventories.items():
        for section, field in _CONTEXT_FIELDS.items():
            items = inventory.get(section) if isinstance(inventory, dict) else None
            names = [str(i["name"]) for i in items or [] if isinstance(i, dict) and i.get("available") and i.get("name")]
            if names:
                out.setdefault(backend, {})[field] = names
    return ChoicesOut(kinds=kinds, choices=out)


def bench_dir(state: AppState) -> Path:
    return Path(state.settings.cache_dir) / "bench"


def _entries(folder: Path, *, dirs: bool) -> dict[str, Path]:
    """Real directories (or regular files) directly in ``folder``, by name; links are left out."""
    try:
        with os.scandir(folder) as it:
            return {
                e.name: Path(e.path)
                for e in it
                if not e.is_symlink() and (e.is_dir(follow_symlinks=False) if dirs else e.is_file(follow_symlinks=False))
            }
    except (FileNotFoundError, NotADirectoryError):
        return {}


def _run_dir(state: AppState, run: str) -> Path:
    found = _entries(bench_dir(state), dirs=True).get(run)
    if found is None or not (found / "summary.json").is_file() and not (found / "report.md").is_file():
        raise UnknownResourceError(f"no benchmark run named {run!r}", stage="request")
    return found


def _read(path: Path, limit: int) -> str:
    """At most ``limit`` bytes of a regular file; a link (which could point anywhere) reads as empty."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as f:
        return f.read(limit).decode("utf-8", errors="replace")


def _meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read(folder / "summary.json", MAX_SUMMARY_BYTES) or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _brief(name: str, folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
    suite = meta.get("suite")
    summary = meta.get("summary")
    return {
        "name": name,
        "created": str(meta.get("created", "")),
        "suite": str(suite.get("name", "")) if isinstance(suite, dict) else "",
        "model": str(meta.get("model", "")),
        "n_items": summary.get("n_items") if isinstance(summary, dict) and isinstance(summary.get("n_items"), int) else None,
        "report": (folder / "report.md").is_file(),
        "plots": sorted(n for n in _entries(folder / "plots", dirs=False) if n.endswith(".png")),
    }


@router.get("/playground/api/runs", response_model=list[RunBrief], responses=ERROR_RESPONSES,
            summary="Benchmark runs found under the cache folder, newest first")
def list_runs(state: AppState = Depends(get_state)) -> list[RunBrief]:
    runs = []
    for name, folder in _entries(bench_dir(state), dirs=True).items():
        try:
            if (folder / "summary.json").is_file() or (folder / "report.md").is_file():
                runs.append((folder.stat().st_mtime, _brief(name, folder, _meta(folder))))
        except OSError:  # removed while we looked: not a run any more
            continue
    return [RunBrief(**b) for _, b in sorted(runs, key=lambda t: (-t[0], t[1]["name"]))]


@router.get("/playground/api/runs/{run}", response_model=RunOut, responses=ERROR_RESPONSES,
            summary="One benchmark run: its report (Markdown), configuration and plot names")
def get_run(run: str, state: AppState = Depends(get_state)) -> RunOut:
    folder = _run_dir(state, run)
    meta = _meta(folder)
    brief = _brief(run, folder, meta)
    config, timings = meta.get("config"), meta.get("timings")
    return RunOut(
        **brief,
        config=config if isinstance(config, dict) else {},
        timings=timings if isinstance(timings, dict) else {},
        report_md=_read(folder / "report.md", MAX_REPORT_BYTES),
    )


@router.get(
    "/playground/api/runs/{run}/plots/{name}",
    response_class=FileResponse,
    responses={**ERROR_RESPONSES, 200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
                                        "description": "the plot"}},
    summary="One plot of a benchmark run (PNG)",
)
def get_plot(run: str, name: str, state: AppState = Depends(get_state)) -> FileResponse:
    path = _entries(_run_dir(state, run) / "plots", dirs=False).get(name)
    if path is None or not name.endswith(".png"):
        raise UnknownResourceError(f"run {run!r} has no plot named {name!r}", stage="request")
    return FileResponse(path, media_type="image/png", headers={"X-Content-Type-Options": "nosniff"})
