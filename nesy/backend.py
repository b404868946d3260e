"""The backend contract every formalism package implements, and the registry that finds them.

Backends are found through the ``nesy.backends`` entry-point group, so ``nesy`` never
imports a formalism package by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from nesy.errors import BackendUnavailableError, UnknownResourceError
from nesy.llm.base import BaseLLM
from nesy.settings import Settings
from nesy.types import Formalization, Gold, Problem, Solution, Trace, TranslateOptions

__all__ = ["Context", "Backend", "BackendInfo", "Registry", "load_backends"]


@dataclass
class Context:
    """What translation and solving need to know about one problem.

    ``data`` is backend-specific (a parsed PDDL domain, a KG, declared symbols); the
    vocabulary lists the symbols grammars and lints admit (predicates, objects, relations).
    """

    kind: str
    problem: Problem
    data: dict[str, Any] = field(default_factory=dict)
    vocabulary: dict[str, list[str]] = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    name: str  # "planning", "logic", "kg"
    # The typed fields of ``Problem.context`` this backend reads. The Reasoner validates every
    # request's context against it first, so a wrong type is a 422 naming the field, never a
    # crash deep inside the backend. Unknown keys are allowed (and ignored).
    context_schema: type[BaseModel]

    def available(self) -> tuple[bool, str]:
        """(True, "") or (False, why not) — e.g. a missing dependency."""

    def detect(self, problem: Problem) -> float:
        """How likely (0..1) the problem belongs to this formalism, for kind detection."""

    def context(self, problem: Problem) -> Context: ...

    def grammar(self, ctx: Context) -> str:
        """GBNF for a whole formalization under this context."""

    def parse(self, text: str, ctx: Context) -> Formalization:
        """Parse and lint formal text; raise TranslationError(msg, line, col, symbol)."""

    async def translate(
        self, ctx: Context, llm: BaseLLM, options: TranslateOptions, trace: Trace
    ) -> Formalization:
        """Natural language to a parsed formalization, using the LLM."""

    def solve(self, f: Formalization, ctx: Context, *, timeout: float) -> Solution: ...

    def verbalize(self, s: Solution, ctx: Context) -> str: ...

    def score(self, f: Formalization | None, s: Solution | None, gold: Gold, ctx: Context) -> dict[str, float]: ...


@dataclass(frozen=True)
class BackendInfo:
    name: str
    available: bool
    reason: str
    target: str


class Registry:
    """The loaded backends by name, plus why any others could not load."""

    def __init__(self, backends: dict[str, Backend], info: list[BackendInfo]) -> None:
        self.backends = backends
        self.info = info

    def get(self, name: str) -> Backend:
        if name in self.backends:
            return self.backends[name]
        why = next((i.reason for i in self.info if i.name == name), "")
        if why:
            raise BackendUnavailableError(f"backend {name!r} is unavailable: {why}", backend=name)
        known = ", ".join(sorted(self.backends)) or "none"
        raise UnknownResourceError(f"unknown backend {name!r}; available: {known}")

    def __contains__(self, name: str) -> bool:
        return name in self.backends

    def names(self) -> list[str]:
        return sorted(self.backends)


def load_backends(
    only: list[str] | None = None, extra: dict[str, Backend] | None = None, settings: Settings | None = None
) -> Registry:
    """Load every ``nesy.backends`` entry point; record why one fails instead of raising.

    Each entry point is a factory called with the ``Settings`` (limits, cache folder, workers).
    """
    settings = settings or Settings()
    backends: dict[str, Backend] = {}
    info: list[BackendInfo] = []
    for ep in entry_points(group="nesy.backends"):
        if only is not None and ep.name not in only:
            continue
        try:
            backend = ep.load()(settings)
            ok, why = backend.available()
        except Exception as e:  # an optional dependency missing, typically
            ok, why, backend = False, f"{type(e).__name__}: {e}", None
        info.append(BackendInfo(ep.name, ok, why, ep.value))
        if ok and backend is not None:
            backends[ep.name] = backend
    for name, backend in (extra or {}).items():
        ok, why = backend.available()
        info.append(BackendInfo(name, ok, why, type(backend).__qualname__))
        if ok:
            backends[name] = backend
    return Registry(backends, info)
