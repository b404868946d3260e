"""OpenAICompatibleLLM against the real vLLM server that scripts/test.sh starts."""

from __future__ import annotations

import json
import re

from nesy.llm import OpenAICompatibleLLM

GRAMMAR = r'''root ::= "(on " obj " " obj ")"
obj ::= "a" | "b" | "c"
'''


async def test_vllm_dialect_and_structured_outputs(vllm_url: str) -> None:
    async with OpenAICompatibleLLM(vllm_url) as llm:
        out = await llm.chat([{"role": "user", "content": "Block c is on block b."}], grammar=GRAMMAR, max_tokens=12)
        assert llm.dialect == "vllm"
        assert re.fullmatch(r"\(on [abc] [abc]\)", out.text), out.text
        out = await llm.chat([{"role": "user", "content": "Is ice cold?"}], choices=["yes", "no"], max_tokens=4)
        assert out.text in ("yes", "no")
        schema = {"type": "object", "properties": {"answer": {"enum": ["yes", "no"]}}, "required": ["answer"]}
        out = await llm.chat([{"role": "user", "content": "Is ice cold? Answer as JSON."}], json_schema=schema, max_tokens=40)
        assert json.loads(out.text)["answer"] in ("yes", "no")
        out = await llm.complete("(define (problem p) (:domain", regex=r" [a-z]{3,8}\)", max_tokens=10)
        assert re.fullmatch(r" [a-z]{3,8}\)", out.text), out.text


async def test_vllm_n_samples(vllm_url: str) -> None:
    async with OpenAICompatibleLLM(vllm_url) as llm:
        out = await llm.chat([{"role": "user", "content": "Name an animal."}], n=3, temperature=1.0, max_tokens=5, seed=1)
    assert len(out.texts) == 3


async def test_vllm_bad_grammar_and_context_errors(vllm_url: str) -> None:
    import pytest

    from nesy.errors import LLMConstraintError, LLMContextLengthError

    async with OpenAICompatibleLLM(vllm_url, retries=0) as llm:
        with pytest.raises(LLMConstraintError):
            await llm.chat([{"role": "user", "content": "x"}], grammar="root ::= (unclosed", max_tokens=4)
        with pytest.raises(LLMContextLengthError):
            await llm.chat([{"role": "user", "content": "block " * 6000}], max_tokens=8)


async def test_vllm_serves_the_shipped_adapter_exactly_when_one_is_shipped(vllm_url: str) -> None:
    """scripts/vllm.sh serves nesy/adapters/smollm2-nesy-lora-peft as model 'nesy' (vllm serve --lora-modules)."""
    from pathlib import Path

    peft = Path(__file__).resolve().parents[2] / "nesy" / "adapters" / "smollm2-nesy-lora-peft"
    shipped = (peft / "adapter_config.json").is_file()
    async with OpenAICompatibleLLM(vllm_url, model="smollm2") as llm:
        ids = [m["id"] for m in await llm.models()]
    assert ("nesy" in ids) == shipped, (ids, shipped)
    if shipped:
        async with OpenAICompatibleLLM(vllm_url, model="nesy") as llm:
            out = await llm.chat([{"role": "user", "content": "Block c is on block b."}], grammar=GRAMMAR, max_tokens=12)
        assert re.fullmatch(r"\(on [abc] [abc]\)", out.text), out.text
