"""The pipeline: detect kind → context → translate (LLM) → solve → verbalize → score.

Every backend call is wrapped here: capability check, timeout, exception translation,
timing and trace. ``Reasoner`` is the Python API agents embed; ``solve()`` is the one-off.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import re
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pydantic import ValidationError

from nesy import cancel
from nesy.backend import Backend, Context, Registry, load_backends
from nesy.errors import ConfigError, InvalidRequestError, TranslationError
from nesy.llm.base import BaseLLM
from nesy.settings import Settings
from nesy.tracing import stage
from nesy.translate import sample_options, vote
from nesy.types import Formalization, Gold, Problem, Result, Solution, Stage, Status, Trace, TranslateOptions

__all__ = ["Reasoner", "solve"]

StageCallback = Callable[[Stage], Any]
T = TypeVar("T")


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
        self.registry = (
            backends if isinstance(backends, Registry) else load_backends(backends, settings=self.settings)
        )
        self._llm_lock = threading.Lock()
        self._pools: dict[tuple[str, str], ThreadPoolExecutor] = {}
        self._pools_lock = threading.Lock()

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

    def _pool(self, kind: str, role: str) -> ThreadPoolExecutor:
        """Bounded threads per (backend kind, role): expensive solves of one kind queue among
        themselves, while cheap requests of other kinds (and parsing) keep their own threads."""
        with self._pools_lock:
            pool = self._pools.get((kind, role))
            if pool is None:
                size = self.settings.solve_workers if role == "solve" else self.settings.translate_workers
                pool = self._pools[(kind, role)] = ThreadPoolExecutor(max(1, size), thread_name_prefix=f"nesy-{kind}-{role}")
            return pool

    async def _blocking(self, kind: str, role: str, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        """Run blocking backend work in its pool; if this task is cancelled (the client went
        away, a deadline passed), the work's cancel token is set so that it stops too."""
        token = cancel.CancelToken()
        ctx = contextvars.copy_context()
        ctx.run(cancel.bind, token)
        call = functools.partial(ctx.run, fn, *args, **kw)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool(kind, role), call)
        except asyncio.CancelledError:
            token.cancel("the request was cancelled")
            raise

    def check_context(self, kind: str, context: dict[str, Any]) -> None:
        """A request's context: bounded nesting, and the backend's typed fields (422 naming the field)."""
        _check_depth(context, self.settings.max_context_depth, "context")
        schema = getattr(self.backend(kind), "context_schema", None)
        if schema is None:
            return
        try:
            schema.model_validate(context)
        except ValidationError as e:
            err = e.errors()[0]
            where = ".".join(["context", *(str(p) for p in err.get("loc", ()))])
            raise InvalidRequestError(f"{where}: {err.get('msg', 'invalid value')}", stage="request", symbol=where) from None

    def _timeout(self, timeout: float | None) -> float:
        t = self.settings.solve_timeout if timeout is None else timeout
        return max(0.1, min(float(t), self.settings.max_timeout))

    # -- async API -----------------------------------------------------------------------

    async def _context(self, problem: Problem, trace: Trace) -> Context:
        kind = self.detect_kind(problem)
        self.check_context(kind, problem.context)
        problem = problem.model_copy(update={"kind": kind})
        backend = self.backend(kind)
        with stage(trace, "context", {"kind": kind, "context": problem.context}) as rec:
            ctx = await self._blocking(kind, "prepare", backend.context, problem)
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
                    self._blocking(ctx.kind, "solve", backend.solve, formal, ctx, timeout=timeout), timeout + 30
                )
            except asyncio.TimeoutError:  # the token tells the backend to stop
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
            try:
                f = await backend.translate(ctx, self.llm, sample_options(options, i), trace)
            except TranslationError as e:
                last_error = e
                continue
            runs.append((f, await self._solve(f, ctx, trace, timeout)))
        if not runs:
            assert last_error is not None
            raise last_error
        f, s, share = vote(runs)
        metrics = {**s.metrics, "vote_share": share, "samples": float(len(runs))}
        return f, s.model_copy(update={"metrics": metrics})

    async def asolve_formal(
        self, kind: str, text: str, context: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> tuple[Solution, str, Trace]:
        """Parse and solve formal text (PDDL, logic program, KG query) — no LLM involved."""
        backend = self.backend(kind)
        trace = Trace()
        self.check_context(kind, context or {})
        problem = Problem(text="", kind=kind, context=context or {})  # type: ignore[arg-type]
        with stage(trace, "context"):
            ctx = await self._blocking(kind, "prepare", backend.context, problem)
        with stage(trace, "parse", text) as rec:
            formal = await self._blocking(kind, "prepare", backend.parse, text, ctx)
            rec.output = formal.language
        sol = await self._solve(formal, ctx, trace, self._timeout(timeout))
        with stage(trace, "verbalize"):
            verbal = backend.verbalize(sol, ctx)
        return sol, verbal, trace

    async def aclose(self) -> None:
        if self._llm is not None:
            await self._llm.aclose()
        with self._pools_lock:
            for pool in self._pools.values():
                pool.shutdown(wait=False, cancel_futures=True)
            self._pools.clear()

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


def _check_depth(value: Any, limit: int, where: str) -> None:
    """Iteratively (a recursive walk is what a hostile nesting would overflow)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (dict, list, tuple)):
            if depth > limit:
                raise InvalidRequestError(
                    f"{where} is nested more than {limit} levels deep", stage="request", symbol=where, limit=limit
                )
            stack.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))


def _problem(problem: Problem | str, **kw: Any) -> Problem:
    if isinstance(problem, Problem):
        return problem.model_copy(update=kw) if kw else problem
    return Problem(text=problem, **kw)


def solve(text: str, *, kind: str | None = None, llm: BaseLLM | str | None = None, **context: Any) -> Result:
    """One-off: ``nesy.solve("...", kind="logic")``."""
    return Reasoner(llm=llm).solve(Problem(text=text, kind=kind, context=context))  # type: ignore[arg-type]
