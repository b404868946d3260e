"""The backend contract every formalism package implements, and the registry that finds them.

Backends are found through the ``nesy.backends`` entry-point group, so ``nesy`` never
imports a formalism package by name. The object behind an entry point is built with the
``Settings`` and provides the backend itself and, optionally, its benchmark suites
(``suites()``), its training-pair source (``pair_source()``) and what it has installed
(``inventory()``, for ``nesy backends``): ``benchmarks``, ``train`` and the CLI find those
through ``Registry.provide`` instead of tables of module names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from nesy.errors import BackendUnavailableError, UnknownResourceError
from nesy.llm.base import BaseLLM
from nesy.pairs import PairSource
from nesy.settings import Settings
from nesy.suite import SuiteFactory
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

    # -- optional capabilities: a backend without them provides no suites / no pairs ------
    # ``Registry.provide("suites")`` and ``Registry.provide("pair_source")`` call them where
    # present. Each imports what it returns inside the method, so loading a backend never
    # pays for (or needs) its suites' or its training's dependencies.

    def suites(self) -> dict[str, SuiteFactory]:
        """Optional: this formalism's benchmark suites by key (``benchmarks`` lists and loads them)."""

    def pair_source(self) -> PairSource:
        """Optional: this formalism's training-pair source (``nesy train``).

        Raises ConfigError or ImportError when the training dependencies (or the source
        itself) are missing; ``train`` reports that reason.
        """

    def inventory(self) -> dict[str, list[dict[str, Any]]]:
        """Optional: what this backend has, for ``nesy backends``: sections (``engines``, ``domains``,
        ``kgs``, ``datasets``) of items ``{"name", "available", "detail", ...}``, where ``detail``
        says why an item is unavailable. Cheap: it loads no model, trains and starts nothing."""


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

    def provide(self, capability: str) -> tuple[dict[str, Any], dict[str, str]]:
        """Call the optional, argument-less ``capability`` (``"suites"``, ``"pair_source"``) of every backend.

        Returns what each backend provided, by name, and why each other one provides nothing:
        it failed to load or is unavailable (its reason), or the call raised. A loaded backend
        without that method is in neither.
        """
        provided: dict[str, Any] = {}
        problems: dict[str, str] = {i.name: i.reason for i in self.info if i.name not in self.backends}
        for name, backend in self.backends.items():
            method = getattr(backend, capability, None)
            if not callable(method):
                continue
            try:
                provided[name] = method()
            except Exception as e:  # a missing optional dependency, typically: reported, not raised
                problems[name] = f"{type(e).__name__}: {e}"
        return provided, problems


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
