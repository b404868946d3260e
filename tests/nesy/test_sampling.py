"""Sampling that samples: every LLM call of a translation carries the options' seed and
temperature, so k samples are k draws (and one seed is one reproducible draw)."""

from __future__ import annotations

import pytest

from nesy.backend import load_backends
from nesy.llm import OpenAICompatibleLLM, ScriptedLLM
from nesy.types import Problem, Trace, TranslateOptions

LOGIC_TEXT = "Every wumpus is a tumpus. Max is a wumpus. Question: Is Max a tumpus?"


@pytest.mark.parametrize("seed,temperature", [(0, 0.0), (7, 0.9)])
async def test_every_logic_request_carries_seed_and_temperature(seed: int, temperature: float) -> None:
    backend = load_backends(["logic"]).get("logic")
    llm = ScriptedLLM(["x"])  # answers nonsense: translation fails, but every request is recorded
    ctx = backend.context(Problem(text=LOGIC_TEXT, kind="logic"))
    with pytest.raises(Exception):
        await backend.translate(ctx, llm, TranslateOptions(seed=seed, temperature=temperature, repairs=0), Trace())
    assert llm.requests
    assert {(r.seed, r.temperature) for r in llm.requests} == {(seed, temperature)}


async def test_distinct_seeds_draw_distinct_translations_on_a_real_server(llama_server: str) -> None:
    backend = load_backends(["logic"]).get("logic")
    text = "Tom is a furry cat. Question: Is Tom cute?"  # short: each draw is a handful of calls
    ctx = backend.context(Problem(text=text, kind="logic"))
    async with OpenAICompatibleLLM(llama_server) as llm:

        async def draw(seed: int) -> str:
            trace = Trace()
            try:
                # one request at a time: llama.cpp's server batches concurrent requests, and batched
                # float arithmetic is not bit-for-bit the same as unbatched (scores move in the 3rd decimal)
                await backend.translate(ctx, llm, TranslateOptions(seed=seed, temperature=1.0, repairs=0,
                                                                    concurrency=1), trace)
            except Exception:  # a failed draw is a draw too: compare what the model wrote
                pass
            # what each step chose (a ranked step's scores are not part of the draw)
            return repr([(s.name, s.output.get("chosen") if isinstance(s.output, dict) and "ranked" in s.output
                          else s.output) for s in trace.stages])

        outs = [await draw(seed) for seed in (0, 1, 2)]
        again = await draw(0)
    assert len(set(outs)) > 1, outs
    assert again == outs[0]  # a seed is one reproducible draw
