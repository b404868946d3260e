"""The web playground: a static page (``/``), a page of benchmark runs (``/runs``) and their assets.

The pages and assets hold no data, so they are public (``PUBLIC_PATHS``, read by
APIKeyMiddleware); every call they make for data — solving, the choices, the runs and their
plots — goes to an API route and needs the key like any other. The router is in
``server.playground.router``.
"""

from __future__ import annotations

__all__ = ["PUBLIC_PATHS", "ASSETS"]

# file name under static/ -> media type; the only files the asset route serves
ASSETS: dict[str, str] = {
    "playground.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
PUBLIC_PATHS = frozenset({"/", "/runs"} | {f"/playground/static/{name}" for name in ASSETS})
