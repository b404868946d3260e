"""The one translation engine: a step is data, and every formalism's steps run here.

A ``Step`` holds what one model call needs: its name (what training pairs are tagged with),
the messages, the constraint, the parser/lint and, where the choice is finite, its
candidates. ``Engine.run`` decides how to answer it from the ``TranslateOptions`` alone, so
every switch means the same in every formalism:

- ``rank``: a step with candidates is answered by the model's likelihood of each candidate
  (``sum``, ``mean`` per token, or ``calibrated``: minus the candidate's likelihood when the
  user's text is empty) instead of constrained generation; a candidate the parser rejects
  gives way to the next-ranked one. With ``temperature`` > 0 the choice is drawn from the
  softmax of the scores with the sample's seed, so k samples differ.
- ``grammar``: the step's constraint is sent or not.
- ``repairs``: parse/lint errors are fed back with their exact message that many times.
- ``seed``/``temperature``: reach every request.
- ``concurrency``: independent steps (``Engine.gather``) run at most this many at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from nesy.errors import LLMConstraintError, TranslationError
from nesy.llm.base import BaseLLM, CandidateScore, Constraint, LLMRequest, Message
from nesy.tracing import stage
from nesy.types import Dropped, Trace, TranslateOptions

__all__ = ["Step", "StepResult", "Engine", "Recorder", "repair_message", "rank_scores"]

T = TypeVar("T")
R = TypeVar("R")

RankMethod = Literal["off", "sum", "mean", "calibrated"]


def repair_message(error: TranslationError) -> str:
    """The user turn of a repair round: the parser's exact message."""
    return f"That is wrong: {error}. Write it again, corrected."


@dataclass(frozen=True)
class Step(Generic[T]):
    """One model call of a translation, as data.

    ``name`` says what the step is ("logic.form", "planning.clause"); it tags trace stages,
    requests (``LLMRequest.step``) and training pairs. ``label`` is the trace stage name of
    this instance (defaults to ``translate.<step>``). ``source`` is the text it translates.
    """

    name: str  # "<formalism>.<step>"
    messages: tuple[Message, ...]
    parse: Callable[[str], T]
    constraint: Constraint | None = None
    candidates: tuple[str, ...] = ()
    max_tokens: int = 64
    stop: tuple[str, ...] = ()
    label: str = ""
    source: str = ""

    @property
    def stage_name(self) -> str:
        return self.label or "translate." + self.name.split(".", 1)[-1]


@dataclass(frozen=True)
class StepResult(Generic[T]):
    step: str
    value: T
    text: str
    repairs: int
    method: Literal["generate", "rank"] = "generate"
    margin: float | None = None  # a ranked choice: how far its score is ahead of the next candidate
    excluded: tuple[str, ...] = ()  # candidates later checks rejected before this one (see Engine.rerun)


# (step, request sent or None for a ranked choice, the text the engine took)
Recorder = Callable[[Step[Any], LLMRequest | None, str], None]


async def _nth(task: asyncio.Future[list[CandidateScore]], i: int) -> CandidateScore:
    return (await asyncio.shield(task))[i]


def rank_scores(scores: Sequence[CandidateScore], method: RankMethod,
                empty: Sequence[CandidateScore] | None = None) -> list[float]:
    """One number per candidate, higher is likelier, by ``method``."""
    if method == "mean":
        return [s.mean for s in scores]
    if method == "calibrated" and empty is not None:
        return [s.logprob - e.logprob for s, e in zip(scores, empty)]
    return [s.logprob for s in scores]


@dataclass
class Engine:
    """Runs steps for one translation: one LLM, one set of options, one trace."""

    llm: BaseLLM
    options: TranslateOptions
    trace: Trace
    recorder: Recorder | None = None
    repairs: int = 0  # rounds used so far, over all steps
    dropped: list[Dropped] = field(default_factory=list)
    _sem: asyncio.Semaphore | None = None
    _empty_cache: dict[tuple[Any, ...], asyncio.Future[CandidateScore]] = field(default_factory=dict)
    _cannot_score: bool = False

    # -- one step ----------------------------------------------------------------------

    async def run(self, step: Step[T]) -> StepResult[T]:
        """Answer ``step``; raises the last TranslationError when its repairs are spent."""
        if self._sem is None:
            self._sem = asyncio.Semaphore(max(1, self.options.concurrency))
        async with self._sem:
            # a provider without scoring (a scripted LLM) generates; one that refuses at run time
            # (vLLM serving LoRA) is tried once, its refusal stays in the trace
            if not self.llm.can_score():
                self._cannot_score = True
            if step.candidates and self.options.rank != "off" and not self._cannot_score:
                try:
                    result = await self._rank(step)
                except LLMConstraintError:
                    # the provider cannot score (vLLM serving LoRA): generate instead, noted once
                    self._cannot_score = True
                else:
                    self.repairs += result.repairs
                    return result
            result = await self._generate(step)
            self.repairs += result.repairs
            return result

    async def optional(self, step: Step[T]) -> StepResult[T] | None:
        """``run``, but a step that cannot be translated is dropped (recorded), not fatal."""
        try:
            return await self.run(step)
        except TranslationError as e:
            self.repairs += self.options.repairs
            self.dropped.append(Dropped(step=step.name, source=step.source, error=str(e)))
            return None

    async def rerun(self, step: Step[T], previous: StepResult[T], error: TranslationError) -> StepResult[T] | None:
        """Translate ``step`` again because a later check rejected ``previous`` (e.g. premises that
        contradict each other): a ranked step takes its next candidate, a generated one gets the
        error as a repair round. None when nothing else is left (recorded as dropped)."""
        excluded = (*previous.excluded, previous.text)
        if previous.method == "rank":
            rest = tuple(c for c in step.candidates if c not in excluded)
            again = Step(step.name, step.messages, step.parse, step.constraint, rest, step.max_tokens, step.stop,
                         f"{step.stage_name}.recheck", step.source)
            if not rest:
                self.dropped.append(Dropped(step=step.name, source=step.source, error=str(error)))
                return None
        else:
            msgs = (*step.messages, Message(role="assistant", content=previous.text),
                    Message(role="user", content=repair_message(error)))
            again = Step(step.name, msgs, step.parse, step.constraint, (), step.max_tokens, step.stop,
                         f"{step.stage_name}.recheck", step.source)
        self.repairs += 1
        got = await self.optional(again)
        return None if got is None else dataclasses.replace(got, excluded=excluded)

    async def gather(self, work: Sequence[Awaitable[R]]) -> list[R]:
        """Independent pieces of work (e.g. one coroutine per clause), concurrently, in order."""
        return list(await asyncio.gather(*work))

    # -- generation with repair ----------------------------------------------------------

    async def _generate(self, step: Step[T]) -> StepResult[T]:
        o = self.options
        msgs = list(step.messages)
        last: TranslationError | None = None
        for attempt in range(o.repairs + 1):
            req = LLMRequest(
                messages=tuple(msgs), max_tokens=step.max_tokens, temperature=o.temperature, stop=step.stop,
                constraint=step.constraint if o.grammar else None, seed=o.seed, step=step.name, attempt=attempt,
                candidates=step.candidates,
            )
            name = step.stage_name if attempt == 0 else f"{step.stage_name}.repair{attempt}"
            with stage(self.trace, name, msgs[-1].content) as rec:
                out = await self.llm.generate(req)
                rec.count(out)
                text = out.text.strip()
                rec.output = text
                try:
                    value = step.parse(text)
                except TranslationError as e:
                    last = e
                    rec.output = {"text": text, "error": str(e)}
                else:
                    if self.recorder is not None:
                        self.recorder(step, req, text)
                    return StepResult(step.name, value, text, attempt)
            msgs.append(Message(role="assistant", content=text))
            msgs.append(Message(role="user", content=repair_message(last)))
        assert last is not None
        raise last

    # -- likelihood ranking ----------------------------------------------------------------

    async def _rank(self, step: Step[T]) -> StepResult[T]:
        o = self.options
        if len(step.candidates) == 1:  # the words left one choice: nothing for the model to rank
            with stage(self.trace, step.stage_name, step.messages[-1].content) as rec:
                text = step.candidates[0]
                value = step.parse(text)
                rec.output = {"ranked": [{"text": text}], "chosen": text}
                if self.recorder is not None:
                    self.recorder(step, None, text)
                return StepResult(step.name, value, text, 0, method="rank", margin=math.inf)
        with stage(self.trace, step.stage_name, step.messages[-1].content) as rec:
            scores = await self.llm.score(step.messages, step.candidates)
            empty = await self._empty_scores(step) if o.rank == "calibrated" else None
            values = rank_scores(scores, o.rank, empty)
            order = self._order(values)
            rec.output = {"ranked": [{"text": step.candidates[i], "score": round(values[i], 3)} for i in order[:5]]}
            last: TranslationError | None = None
            for tried, i in enumerate(order[: o.repairs + 1]):
                text = step.candidates[i]
                try:
                    value = step.parse(text)
                except TranslationError as e:
                    last = e
                    continue
                rec.output["chosen"] = text
                if self.recorder is not None:
                    self.recorder(step, None, text)
                rest = [values[j] for j in order if j != i]
                margin = values[i] - max(rest) if rest else math.inf
                return StepResult(step.name, value, text, tried, method="rank", margin=margin)
            rec.output["error"] = str(last)
        assert last is not None
        raise last

    async def _empty_scores(self, step: Step[Any]) -> list[CandidateScore]:
        """The candidates' likelihood with the user's text emptied: what the prompt alone favours.

        Cached per (prompt, candidate) for the whole translation: clauses sharing a prompt prefix
        share most candidates too, so each is scored once."""
        empty = (*step.messages[:-1], Message(role="user", content=""))
        missing = [c for c in dict.fromkeys(step.candidates) if (empty, c) not in self._empty_cache]
        if missing:  # a task, so steps asking at once share one call
            task = asyncio.ensure_future(self.llm.score(empty, missing))
            for i, c in enumerate(missing):
                self._empty_cache[(empty, c)] = asyncio.ensure_future(_nth(task, i))
        return [await asyncio.shield(self._empty_cache[(empty, c)]) for c in step.candidates]

    def _order(self, values: list[float]) -> list[int]:
        """Candidates best first; at temperature > 0 the first is drawn from the softmax with the seed."""
        order = sorted(range(len(values)), key=lambda i: -values[i])
        t = self.options.temperature
        if t <= 0 or len(order) < 2:
            return order
        top = max(values)
        weights = [math.exp((v - top) / t) for v in values]
        first = random.Random(self.options.seed).choices(range(len(values)), weights=weights)[0]
        return [first, *(i for i in order if i != first)]
