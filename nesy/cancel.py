"""Cancellation that reaches blocking work: a request whose client is gone, or whose time is up,
sets its token, and the code waiting on a solver subprocess (or looping in a query engine)
polls ``cancelled()`` and stops.

The token travels in a context variable, so it crosses into the worker thread that the
``Reasoner`` runs blocking calls in (it copies the context) without changing any signature.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar

__all__ = ["CancelToken", "current", "cancelled", "bind"]


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "cancelled") -> None:
        self.reason = reason
        self._event.set()

    @property
    def is_cancelled(self) -> bool:
        return self._event.is_set()


_TOKEN: ContextVar[CancelToken | None] = ContextVar("nesy_cancel_token", default=None)


def current() -> CancelToken | None:
    return _TOKEN.get()


def cancelled() -> bool:
    """True once the request this code runs for was cancelled (False outside any request)."""
    token = _TOKEN.get()
    return token is not None and token.is_cancelled


def bind(token: CancelToken | None) -> None:
    """Make ``token`` the current one in this context (call inside a copied context)."""
    _TOKEN.set(token)
