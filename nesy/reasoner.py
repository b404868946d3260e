"""The pipeline: detect kind → context → translate (LLM) → solve → verbalize → score.

Every backend call is wrapped here: capability check, timeout, exception translation,
timing and trace. ``Reasoner`` is the Python API agents embed; ``solve()`` is the one-off.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from nesy.backend import Backend, Context, Registry, load_backends
from nesy.errors import ConfigError, TranslationError
from nesy.llm.base import BaseLLM
from nesy.settings import Settings
from nesy.tracing import stage
from nesy.translate import majority
from nesy.types import Formalization, Gold, Problem, Result, Solution, Stage, Status, Trace, TranslateOptions

__all__ = ["Reasoner", "solve"]

StageCallback = Callable[[Stage], Any]


class Reasoner:
    def __init__(
        self,
        llm: BaseLLM | str | None = None,
        backends: Registry | list[str] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._llm_spec = llm if isinstance(llm, str) or llm is None else None
        self._llm: BaseLLM | None = llm if isinstance(llm, BaseLLM) else None
        self.registry = backends if isinstance(backends, Registry) else load_backends(backends)
        self._llm_lock = threading.Lock()

    # -- parts -------------------------------------------------------------------------

    @property
    def llm(self) -> BaseLLM:
        """The LLM, built lazily so formal-only use never loads a model."""
        with self._llm_lock:  # /readyz and request threads may race to build it
            if self._llm is None:
                from nesy.llm.factory import make_llm

                self._llm = make_llm(self._llm_spec, self.settings)
        return self._llm

    def backend(self, kind: str) -> Backend:
        return self.registry.get(kind)

    def detect_kind(self, problem: Problem) -> str:
        if problem.kind:
            return problem.kind
        scores = {n: self.registry.backends[n].detect(problem) for n in self.registry.names()}
        if not scores or max(scores.values()) <= 0:
            raise ConfigError(
                "could not tell which formalism this problem needs; pass kind "
                f"(one of {', '.join(self.registry.names()) or 'none loaded'})",
                stage="detect",
            )
        return max(scores, key=lambda n: scores[n])

    def _timeout(self, timeout: float | None) -> float:
        t = self.settings.solve_timeout if timeout is None else timeout
        return max(0.1, min(float(t), self.settings.max_timeout))

    # -- async API -----------------------------------------------------------------------

    async def _context(self, problem: Problem, trace: Trace) -> Context:
        kind = self.detect_kind(problem)
        problem = problem.model_copy(update={"kind": kind})
        backend = self.backend(kind)
        with stage(trace, "context", {"kind": kind, "context": problem.context}) as rec:
            ctx = await asyncio.to_thread(backend.context, problem)
            rec.output = {k: v[:50] for k, v in ctx.vocabulary.items()}
        return ctx

    async def atranslate(
        self, problem: Problem | str, options: TranslateOptions | None = None, *, trace: Trace | None = None, **kw: Any
    ) -> tuple[Formalization, Context, Trace]:
        trace = trace if trace is not None else Trace()
        ctx = await self._context(_problem(problem, **kw), trace)
        formal = await self.backend(ctx.kind).translate(ctx, self.llm, options or TranslateOptions(), trace)
        return formal, ctx, trace

    async def asolve(
        self,
        problem: Problem | str,
        options: TranslateOptions | None = None,
        *,
        gold: Gold | None = None,
        timeout: float | None = None,
        on_stage: StageCallback | None = None,
        **kw: Any,
    ) -> Result:
        """Solve a natural-language problem. Translation failures end up in ``Result.error``."""
        problem = _problem(problem, **kw)
        options = options or TranslateOptions()
        trace = _ObservedTrace(on_stage)
        timeout = self._timeout(timeout)
        formal: Formalization | None = None
        solution: Solution | None = None
        error: dict[str, Any] | None = None
        ctx = await self._context(problem, trace)
        try:
            if options.samples > 1:
                formal, solution = await self._vote(ctx, options, trace, timeout)
            else:
                formal = await self.backend(ctx.kind).translate(ctx, self.llm, options, trace)
                solution = await self._solve(formal, ctx, trace, timeout)
        except TranslationError as e:
            error = e.to_dict()
        verbal = ""
        backend = self.backend(ctx.kind)
        if solution is not None:
            with stage(trace, "verbalize") as rec:
                verbal = backend.verbalize(solution, ctx)
                rec.output = verbal
            if options.polish and verbal:
                verbal = await self._polish(verbal, options, trace)
        # A failed translation is scored too (as a miss), so summaries never lose an item.
        scores = backend.score(formal, solution, gold, ctx) if gold is not None else {}
        return Result(
            problem=ctx.problem,
            formalization=formal,
            solution=solution,
            verbalization=verbal or (f"I could not formalize this problem: {error['message']}" if error else ""),
            scores=scores,
            trace=Trace(stages=list(trace.stages)),
            error=error,
        )

    async def _polish(self, verbal: str, options: TranslateOptions, trace: Trace) -> str:
        """Optional LLM rewrite of the template text; the certified text stays in the trace.

        The rewrite is kept only if every content word and number of the original survives
        (measured: SmolLM2 turned "Max is a wumpus" into "Max is a tumpus"), so a polish can
        add and reorder words but cannot change the plan, the answer or its reasons.
        """
        with stage(trace, "polish", verbal) as rec:
            out = await self.llm.chat(
                [
                    {"role": "system", "content": "Rewrite the text as fluent English. Keep every step, name and number."},
                    {"role": "user", "content": verbal},
                ],
                max_tokens=max(64, len(verbal.split()) * 3),
                temperature=0.0,
                seed=options.seed,
            )
            rec.count(out)
            text = out.text.strip()
            have = Counter(re.findall(r"\w+", text.lower()))
            need = Counter(w for w in re.findall(r"\w+", verbal.lower()) if len(w) > 2 or w.isdigit())
            kept = all(have[w] >= n for w, n in need.items())
            rec.output = text if kept else {"rejected": text, "why": "it dropped or changed a word of the original"}
        return text if kept and text else verbal

    async def _solve(self, formal: Formalization, ctx: Context, trace: Trace, timeout: float) -> Solution:
        backend = self.backend(ctx.kind)
        with stage(trace, "solve", formal.text) as rec:
            try:
                # The backend bounds its own subprocesses; this bounds the call as a whole.
                sol = await asyncio.wait_for(
                    asyncio.to_thread(backend.solve, formal, ctx, timeout=timeout), timeout + 30
                )
            except asyncio.TimeoutError:
                sol = Solution(status=Status.TIMEOUT, backend=ctx.kind, message=f"no answer within {timeout:g} s")
            rec.output = {"status": sol.status.value, "answer": sol.answer}
        return sol

    async def _vote(
        self, ctx: Context, options: TranslateOptions, trace: Trace, timeout: float
    ) -> tuple[Formalization, Solution]:
        """Self-consistency: k sampled translations, majority over the solved answers."""
        backend = self.backend(ctx.kind)
        runs: list[tuple[Formalization, Solution]] = []
        last_error: TranslationError | None = None
        for i in range(options.samples):
            # Distinct seeds, or a cached / seeded server would return one sample k times.
            opts = options.model_copy(
                update={"samples": 1, "temperature": max(options.temperature, 0.7), "seed": options.seed + i}
            )
            try:
                f = await backend.translate(ctx, self.llm, opts, trace)
            except TranslationError as e:
                last_error = e
                continue
            runs.append((f, await self._solve(f, ctx, trace, timeout)))
        if not runs:
            assert last_error is not None
            raise last_error
        solved = [r for r in runs if r[1].status.solved] or runs
        keys = [json.dumps(r[1].answer, sort_keys=True, default=str) for r in solved]
        winner, share = majority(keys)
        f, s = next(r for r, k in zip(solved, keys) if k == winner)
        metrics = {**s.metrics, "vote_share": share, "samples": float(len(runs))}
        return f, s.model_copy(update={"metrics": metrics})

    async def asolve_formal(
        self, kind: str, text: str, context: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> tuple[Solution, str, Trace]:
        """Parse and solve formal text (PDDL, logic program, KG query) — no LLM involved."""
        backend = self.backend(kind)
        trace = Trace()
        problem = Problem(text="", kind=kind, context=context or {})  # type: ignore[arg-type]
        with stage(trace, "context"):
            ctx = await asyncio.to_thread(backend.context, problem)
        with stage(trace, "parse", text) as rec:
            formal = await asyncio.to_thread(backend.parse, text, ctx)
            rec.output = formal.language
        sol = await self._solve(formal, ctx, trace, self._timeout(timeout))
        with stage(trace, "verbalize"):
            verbal = backend.verbalize(sol, ctx)
        return sol, verbal, trace

    async def aclose(self) -> None:
        if self._llm is not None:
            await self._llm.aclose()

    # -- sync API ------------------------------------------------------------------------

    def solve(self, problem: Problem | str, options: TranslateOptions | None = None, **kw: Any) -> Result:
        return asyncio.run(self.asolve(problem, options, **kw))

    def translate(self, problem: Problem | str, options: TranslateOptions | None = None, **kw: Any) -> Formalization:
        return asyncio.run(self.atranslate(problem, options, **kw))[0]

    def solve_formal(self, kind: str, text: str, context: dict[str, Any] | None = None, **kw: Any) -> tuple[Solution, str]:
        sol, verbal, _ = asyncio.run(self.asolve_formal(kind, text, context, **kw))
        return sol, verbal


class _ObservedTrace(Trace):
    """A Trace that also reports each stage to a callback (used for streaming)."""

    def __init__(self, on_stage: StageCallback | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_on_stage", on_stage)

    def add(self, s: Stage) -> None:
        super().add(s)
        cb = getattr(self, "_on_stage", None)
        if cb is not None:
            cb(s)


def _problem(problem: Problem | str, **kw: Any) -> Problem:
    if isinstance(problem, Problem):
        return problem.model_copy(update=kw) if kw else problem
    return Problem(text=problem, **kw)


def solve(text: str, *, kind: str | None = None, llm: BaseLLM | str | None = None, **context: Any) -> Result:
    """One-off: ``nesy.solve("...", kind="logic")``."""
    return Reasoner(llm=llm).solve(Problem(text=text, kind=kind, context=context))  # type: ignore[arg-type]
