"""Likelihood scoring of candidate replies on the three providers, with real models.

The embedded scorer is checked against an independent computation (llama.cpp evaluating
prompt + candidate with logits for every position); the servers are checked for ranking
and, where the weights are the same file, for agreement with the embedded numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from nesy.llm import OpenAICompatibleLLM
from nesy.llm.base import Message

QUESTION = (
    Message(role="system", content="Answer with one word."),
    Message(role="user", content="What is the capital of France?"),
)
CANDIDATES = ["Paris", "London", "Banana", "Paris is the capital of France."]


def _reference_logprob(model_path, prompt: list[int], candidate: str) -> float:
    from llama_cpp import Llama

    ref = Llama(model_path=str(model_path), n_ctx=512, logits_all=True, verbose=False)
    toks = ref.tokenize(candidate.encode(), add_bos=False, special=False)
    ref.eval(prompt + toks)
    rows = ref.scores[: ref.n_tokens].astype(np.float64)
    return float(sum(rows[len(prompt) - 1 + j, t] - np.logaddexp.reduce(rows[len(prompt) - 1 + j]) for j, t in enumerate(toks)))


async def test_embedded_scores_equal_an_independent_computation(embedded_llm, smollm2_path) -> None:
    scores = await embedded_llm.score(QUESTION, CANDIDATES)
    prompt = embedded_llm._chat_tokens(QUESTION)
    for s in (scores[0], scores[3]):
        assert s.logprob == pytest.approx(_reference_logprob(smollm2_path, prompt, s.text), abs=1e-4)
    assert [s.text for s in sorted(scores[:3], key=lambda s: -s.logprob)] == ["Paris", "London", "Banana"]
    assert scores[3].tokens > 1 and scores[3].mean > scores[2].mean


async def test_embedded_scoring_leaves_generation_unchanged(embedded_llm) -> None:
    # Scoring reuses and trims the KV cache; a generation afterwards must be what it was.
    before = await embedded_llm.chat(list(QUESTION), max_tokens=8)
    await embedded_llm.score(QUESTION, CANDIDATES)
    after = await embedded_llm.chat(list(QUESTION), max_tokens=8)
    assert after.text == before.text
    again = await embedded_llm.score(QUESTION, CANDIDATES[:2])
    first = await embedded_llm.score(QUESTION, CANDIDATES[:2])
    assert [s.logprob for s in again] == [s.logprob for s in first]


async def test_llama_server_scores_rank_and_agree_with_embedded(llama_server: str, embedded_llm) -> None:
    async with OpenAICompatibleLLM(llama_server) as llm:
        scores = await llm.score(QUESTION, CANDIDATES[:3])
    assert llm.dialect == "llama.cpp"
    assert max(scores, key=lambda s: s.logprob).text == "Paris"
    local = await embedded_llm.score(QUESTION, ["Paris"])
    # Same weights, and "Paris" is one token either way: the same number.
    assert scores[0].logprob == pytest.approx(local[0].logprob, abs=1e-3)


async def test_vllm_scores_from_prompt_logprobs_or_refuses_a_lora_server(vllm_url: str) -> None:
    from nesy.errors import LLMConstraintError

    async with OpenAICompatibleLLM(vllm_url, model="smollm2") as llm:
        models = await llm.models()
        if any(m.get("parent") for m in models):
            # The CI server serves the shipped adapter; prompt logprobs would kill its engine.
            with pytest.raises(LLMConstraintError, match="vllm#16668"):
                await llm.score(QUESTION, CANDIDATES)
            out = await llm.chat(list(QUESTION), max_tokens=4)  # the server is still alive
            assert out.text.strip()
            return
        scores = await llm.score(QUESTION, CANDIDATES)
        assert llm.dialect == "vllm"
        assert [s.text for s in sorted(scores[:3], key=lambda s: -s.logprob)] == ["Paris", "London", "Banana"]
        assert all(s.tokens >= 1 and s.logprob < 0 for s in scores)
        again = await llm.score(QUESTION, CANDIDATES[:2])  # prompt logprobs do not sample
    assert [round(s.logprob, 3) for s in again] == [round(s.logprob, 3) for s in scores[:2]]
