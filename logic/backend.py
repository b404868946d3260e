"""The logic backend: our first-order language, the constraint form and SMT-LIB2, decided by Z3."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Literal

from pydantic import BaseModel, Field

from logic.encoded import Encoded
from logic.forward import READINGS
from logic.gbnf import GENERIC_FOL_GBNF
from logic.language import parse_any
from logic.problem import name_candidates, normalize_answer, split_problem
from logic.solving import WORKER, decide_isolated
from logic.translation import translate_baseline, translate_ours
from logic.verbalize import verbalize
from nesy.backend import Context
from nesy.errors import ConfigError
from nesy.llm.base import BaseLLM
from nesy.pairs import PairSource
from nesy.sandbox import Sandbox
from nesy.suite import SuiteFactory
from nesy.settings import Settings
from nesy.types import Formalization, Gold, Problem, Solution, Status, Trace, TranslateOptions

__all__ = ["LogicBackend", "parse_any"]

CONSISTENCY_TIMEOUT_S = 10.0  # checking a translation for contradictions, before the real solve

_CUES = [
    (re.compile(r"\bQuestion:", re.I), 0.3),
    (re.compile(r"true or false|true, false, or (unknown|uncertain)", re.I), 0.6),
    (re.compile(r"\bis it true\b", re.I), 0.5),
    (re.compile(r"\b(every|each|all)\b \w+", re.I), 0.2),
    (re.compile(r"\bif (something|someone|people)\b", re.I), 0.3),
    (re.compile(r"\bfixed order\b|\bwhich of the following is true\b", re.I), 0.5),
]


class LogicContext(BaseModel):
    """What a logic request's ``context`` may hold; other keys are ignored."""

    premises: str | None = None
    question: str | None = None
    options: list[str] | None = Field(None, max_length=26)
    format: Literal["entailment", "choice", "csp"] | None = None
    # how the solver reads the premises: classical logic (the default), or the Horn part by
    # forward chaining: "forward" (ProofWriter's open-world reasoner), "closed-world" (negation as failure)
    reading: Literal["classical", "forward", "closed-world"] | None = None


def _reading(problem: Problem) -> str:
    """The problem's ``context.reading``, checked: classical unless it asks for another."""
    asked = (problem.context or {}).get("reading")
    if asked is None:
        return "classical"
    if asked not in READINGS:
        raise ConfigError(f"unknown reading {asked!r} in the problem's context; use one of: {', '.join(READINGS)}")
    return str(asked)


class LogicBackend:
    name = "logic"
    context_schema = LogicContext

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._sandbox: Sandbox | None = None  # started on the first solve: parsing alone needs no workers
        self._lock = threading.Lock()

    def sandbox(self) -> Sandbox:
        with self._lock:
            if self._sandbox is None:
                self._sandbox = Sandbox(WORKER, spares=self.settings.sandbox_spares,
                                        memory_mb=self.settings.solve_memory_mb)
            return self._sandbox

    def close(self) -> None:
        """Stop the idle Z3 workers (solving still works afterwards, each run starting its own)."""
        with self._lock:
            if self._sandbox is not None:
                self._sandbox.close()

    def available(self) -> tuple[bool, str]:
        try:
            import z3  # noqa: F401
        except ImportError as e:
            return False, f"z3-solver is not installed ({e}); pip install 'nesy[logic]'"
        return True, ""

    def detect(self, problem: Problem) -> float:
        return min(1.0, sum(w for rx, w in _CUES if rx.search(problem.text)))

    def context(self, problem: Problem) -> Context:
        parts = split_problem(problem)
        return Context(
            kind="logic", problem=problem,
            data={"parts": parts, "format": parts.format, "labels": parts.labels, "options": parts.options,
                  "reading": _reading(problem)},
            vocabulary={"words": name_candidates(parts.premises + " " + parts.statement)},
        )

    def grammar(self, ctx: Context) -> str:
        return GENERIC_FOL_GBNF

    def parse(self, text: str, ctx: Context) -> Formalization:
        enc, warnings, language = parse_any(text, self.settings.max_formula_depth)
        return Formalization(kind="logic", text=text, parsed=enc, language=language, notes=warnings)

    async def translate(self, ctx: Context, llm: BaseLLM, options: TranslateOptions, trace: Trace) -> Formalization:
        parts = ctx.data["parts"]
        parse = lambda t: self.parse(t, ctx)  # noqa: E731
        if options.mode == "baseline":
            return await translate_baseline(parts, llm, options, trace, parse)
        if options.mode != "ours":
            raise ConfigError(f"unknown translation mode {options.mode!r}: use 'ours' or 'baseline'")
        return await translate_ours(parts, llm, options, trace, parse, self._contradictions)

    async def _contradictions(self, text: str) -> list[int]:
        """The premises (1-based) in an unsat core when a translated program contradicts itself.

        Z3 runs in the sandbox as for any solve, on a worker thread: translation is async."""
        d = await asyncio.to_thread(decide_isolated, self.sandbox(), text, timeout=CONSISTENCY_TIMEOUT_S,
                                    max_depth=self.settings.max_formula_depth)
        if d.status != Status.UNSOLVABLE:
            return []
        names = d.certificate.get("unsat_core_names") or []
        return [int(n[1:]) for n in names if re.fullmatch(r"p\d+", n)]

    def solve(self, f: Formalization, ctx: Context, *, timeout: float = 10.0) -> Solution:
        if not isinstance(f.parsed, Encoded):  # a text's errors are TranslationErrors here, not solver failures
            parse_any(f.text, self.settings.max_formula_depth)
        d = decide_isolated(self.sandbox(), f.text, timeout=timeout, max_depth=self.settings.max_formula_depth,
                            reading=ctx.data.get("reading", "classical"))
        cert = dict(d.certificate)
        labels = ctx.data.get("labels") or {}
        answer = d.answer
        if answer in ("True", "False", "Unknown") and labels:
            letter = next((k for k, v in labels.items() if v == answer), None)
            if letter:
                cert["option"] = letter
        return Solution(status=d.status, answer=answer, certificate=cert, backend="logic", engine="z3",
                        metrics={"solve_seconds": d.seconds}, message=d.message)

    def verbalize(self, s: Solution, ctx: Context) -> str:
        parts = ctx.data.get("parts")
        return verbalize(s, statement=parts.statement if parts else "", options=ctx.data.get("options") or {})

    def score(self, f: Formalization | None, s: Solution | None, gold: Gold, ctx: Context) -> dict[str, float]:
        labels = ctx.data.get("labels") or {}
        executable = float(f is not None and s is not None and s.status != Status.ERROR)
        got = normalize_answer(s.answer, labels) if s is not None and s.status.solved else None
        want = normalize_answer(gold.answer, labels)
        scores = {"accuracy": float(got is not None and got == want), "executable": executable}
        if f is not None:  # a failed translation used every repair round; the caller knows how many
            scores["repairs"] = float(f.repairs)
        return scores

    # -- what else the entry point provides (optional capabilities of nesy.backend.Backend) ---

    def suites(self) -> dict[str, SuiteFactory]:
        """The logic suites (``logic.suites.SUITES``): generated, and the public datasets."""
        from logic.suites import SUITES

        return dict(SUITES)

    def pair_source(self) -> PairSource:
        """Training pairs recorded from this backend's translate() (``nesy train``)."""
        from train.sources.logic import LogicPairs

        return LogicPairs(backend=self)

    def inventory(self) -> dict[str, list[dict[str, object]]]:
        """For ``nesy backends``: Z3 and the languages it decides, and the public datasets found
        where ``logic.datasets`` looks for them. Starts no solver."""
        import importlib.metadata

        from logic.datasets import DATASETS, default_path

        ok, why = self.available()
        version = importlib.metadata.version("z3-solver") if ok else ""
        engines = [{"name": "z3", "available": ok, "version": version,
                    "detail": f"z3-solver {version}: the FOL line language, the constraint form, SMT-LIB2" if ok else why}]
        datasets = []
        for name in DATASETS:
            path = default_path(name)
            found = path.is_file()
            datasets.append({"name": name, "available": found, "path": str(path),
                             "detail": str(path) if found else f"not found at {path} (pass --path to nesy bench)"})
        return {"engines": engines, "datasets": datasets}

