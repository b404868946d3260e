"""The translation engine's plumbing (a scripted LLM; quality is measured by `nesy bench`):
ranking by likelihood and its calibration, parse-rejected candidates, seeded draws at
temperature > 0, concurrency, dropped steps, and switches that mean the same everywhere."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from nesy.errors import LLMConstraintError, TranslationError
from nesy.llm.base import CandidateScore, Constraint, LLMRequest, Message
from nesy.llm.scripted import ScriptedLLM
from nesy.steps import Engine, Step
from nesy.types import Trace, TranslateOptions


class ScoringLLM(ScriptedLLM):
    """Scores from a table: (user text, candidate) -> log-probability; counts calls in flight."""

    def __init__(self, table: dict[tuple[str, str], float], replies: Sequence[str] = ("generated",)) -> None:
        super().__init__(list(replies))
        self.table = table
        self.scored: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def score(self, messages, candidates) -> list[CandidateScore]:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        user = messages[-1].content
        self.scored.append(user)
        return [CandidateScore(text=c, logprob=self.table.get((user, c), -10.0), tokens=len(c)) for c in candidates]


def _step(user: str, candidates=("fact", "rule"), parse=lambda t: t) -> Step[str]:
    return Step("toy.form", (Message(role="system", content="Name the form."), Message(role="user", content=user)),
                parse, constraint=Constraint(choices=candidates), candidates=candidates, source=user)


# "rule" is likelier for every text (a prior of the prompt); calibration removes that prior
TABLE = {("Max is red.", "fact"): -3.0, ("Max is red.", "rule"): -2.5,
         ("", "fact"): -6.0, ("", "rule"): -1.0}


async def test_ranking_by_sum_and_by_calibrated_likelihood() -> None:
    llm = ScoringLLM(TABLE)
    got = await Engine(llm, TranslateOptions(rank="sum"), Trace()).run(_step("Max is red."))
    assert (got.value, got.method) == ("rule", "rank") and llm.requests == []  # no generation at all
    trace = Trace()
    got = await Engine(llm, TranslateOptions(rank="calibrated"), trace).run(_step("Max is red."))
    assert got.value == "fact"  # -3 - (-6) = 3 beats -2.5 - (-1) = -1.5
    assert "" in llm.scored  # the empty-text scores were asked for
    assert trace.stages[0].output["chosen"] == "fact"


async def test_rank_off_and_a_provider_without_scoring_generate() -> None:
    llm = ScoringLLM(TABLE, replies=["fact"])
    got = await Engine(llm, TranslateOptions(rank="off"), Trace()).run(_step("Max is red."))
    assert got.method == "generate" and llm.scored == [] and llm.requests[0].constraint.choices == ("fact", "rule")
    got = await Engine(ScriptedLLM(["rule"]), TranslateOptions(), Trace()).run(_step("Max is red."))
    assert (got.value, got.method) == ("rule", "generate")


async def test_a_refusal_to_score_falls_back_to_generation_once() -> None:
    class Refuses(ScoringLLM):
        async def score(self, messages, candidates):
            self.scored.append("refused")
            raise LLMConstraintError("this server serves a LoRA adapter")

    llm = Refuses({}, replies=["fact"])
    engine = Engine(llm, TranslateOptions(), Trace())
    for _ in range(3):
        assert (await engine.run(_step("Max is red."))).method == "generate"
    assert llm.scored == ["refused"]


async def test_a_candidate_the_parser_rejects_gives_way_to_the_next() -> None:
    def parse(t: str) -> str:
        if t == "rule":
            raise TranslationError("a rule needs a class word", symbol="rule")
        return t

    got = await Engine(ScoringLLM(TABLE), TranslateOptions(rank="sum", repairs=1), Trace()).run(
        _step("Max is red.", parse=parse))
    assert (got.value, got.repairs) == ("fact", 1)
    with pytest.raises(TranslationError, match="class word"):
        await Engine(ScoringLLM(TABLE), TranslateOptions(rank="sum", repairs=0), Trace()).run(
            _step("Max is red.", parse=parse))


async def test_temperature_draws_from_the_scores_with_the_seed() -> None:
    table = {("t", "fact"): -1.0, ("t", "rule"): -1.2}
    picks = set()
    for seed in range(12):
        opts = TranslateOptions(rank="sum", temperature=1.0, seed=seed)
        picks.add((await Engine(ScoringLLM(table), opts, Trace()).run(_step("t"))).value)
        again = (await Engine(ScoringLLM(table), opts, Trace()).run(_step("t"))).value
        assert again in picks
    assert picks == {"fact", "rule"}  # distinct seeds give distinct choices
    greedy = {(await Engine(ScoringLLM(table), TranslateOptions(rank="sum", seed=s), Trace()).run(_step("t"))).value
              for s in range(5)}
    assert greedy == {"fact"}


async def test_independent_steps_run_concurrently_up_to_the_limit() -> None:
    llm = ScoringLLM(TABLE)
    engine = Engine(llm, TranslateOptions(rank="sum", concurrency=3), Trace())
    out = await engine.gather([engine.run(_step(f"s{i}")) for i in range(8)])
    assert [r.value for r in out] == ["fact"] * 8  # in order; all at the default -10
    assert llm.most_in_flight == 3
    llm = ScoringLLM(TABLE)
    engine = Engine(llm, TranslateOptions(rank="sum", concurrency=1), Trace())
    await engine.gather([engine.run(_step(f"s{i}")) for i in range(4)])
    assert llm.most_in_flight == 1


async def test_seed_temperature_grammar_and_step_name_reach_every_request() -> None:
    llm = ScriptedLLM(["fact"])
    await Engine(llm, TranslateOptions(rank="off", seed=7, temperature=0.7), Trace()).run(_step("x"))
    req: LLMRequest = llm.requests[0]
    assert (req.seed, req.temperature, req.step, req.attempt) == (7, 0.7, "toy.form", 0)
    llm = ScriptedLLM(["fact"])
    await Engine(llm, TranslateOptions(rank="off", grammar=False), Trace()).run(_step("x"))
    assert llm.requests[0].constraint is None
    # the step name and repair round are metadata: they do not change what is cached
    assert req.cache_key("m") == req.model_copy(update={"step": "other", "attempt": 3}).cache_key("m")


async def test_an_optional_step_that_fails_is_recorded_as_dropped() -> None:
    def parse(t: str) -> str:
        raise TranslationError(f"cannot read {t!r}")

    engine = Engine(ScriptedLLM(["?"]), TranslateOptions(rank="off", repairs=1), Trace())
    assert await engine.optional(_step("Max is red.", parse=parse)) is None
    assert [(d.step, d.source) for d in engine.dropped] == [("toy.form", "Max is red.")]
    assert "cannot read" in engine.dropped[0].error and engine.repairs == 1


async def test_a_rejected_choice_is_redone_with_the_next_candidate_or_the_message() -> None:
    engine = Engine(ScoringLLM(TABLE), TranslateOptions(rank="sum"), Trace())
    step = _step("Max is red.")
    first = await engine.run(step)
    assert first.value == "rule" and first.margin == pytest.approx(0.5)
    again = await engine.rerun(step, first, TranslationError("premises contradict each other"))
    assert again.value == "fact"  # the next candidate
    assert await engine.rerun(step, again.__class__(step.name, "fact", "fact", 0, "rank"),
                              TranslationError("x")) is not None  # "rule" is still left
    only = _step("Max is red.", candidates=("fact",))
    got = await engine.run(only)
    assert await engine.rerun(only, got, TranslationError("contradiction")) is None
    assert engine.dropped[-1].error == "contradiction"
    llm = ScriptedLLM(["fact", "rule"])
    gen = Engine(llm, TranslateOptions(rank="off"), Trace())
    first = await gen.run(step)
    again = await gen.rerun(step, first, TranslationError("premises contradict each other"))
    assert again.value == "rule" and "contradict each other" in llm.requests[-1].messages[-1].content
