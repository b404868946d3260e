"""OpenAICompatibleLLM against a real llama.cpp server (python -m llama_cpp.server) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest

from nesy.errors import LLMError, LLMModelNotFoundError, LLMTimeoutError, LLMUnavailableError
from nesy.llm import OpenAICompatibleLLM
from tests.conftest import free_port, start_llama_server, wait_http

FACT_GRAMMAR = r'''root ::= "(on " obj " " obj ")"
obj ::= "a" | "b" | "c"
'''


async def test_plain_chat_and_dialect_detection(llama_server: str) -> None:
    async with OpenAICompatibleLLM(llama_server) as llm:
        out = await llm.chat([{"role": "user", "content": "Say hello."}], max_tokens=12)
        assert llm.dialect == "llama.cpp"
        assert llm.model == "smollm2"
        assert out.text.strip()
        assert out.prompt_tokens > 0 and 0 < out.completion_tokens <= 12


async def test_grammar_constrained_output_parses(llama_server: str) -> None:
    async with OpenAICompatibleLLM(llama_server) as llm:
        out = await llm.chat(
            [{"role": "user", "content": "Block c is on block a. Write it as a PDDL fact."}],
            grammar=FACT_GRAMMAR,
            max_tokens=16,
        )
    assert re.fullmatch(r"\(on [abc] [abc]\)", out.text), out.text


async def test_json_schema_output_validates(llama_server: str) -> None:
    import jsonschema

    schema = {
        "type": "object",
        "properties": {"block": {"type": "string", "enum": ["a", "b"]}, "height": {"type": "integer"}},
        "required": ["block", "height"],
    }
    async with OpenAICompatibleLLM(llama_server) as llm:
        out = await llm.chat([{"role": "user", "content": "Describe block a as JSON."}], json_schema=schema, max_tokens=40)
    jsonschema.validate(json.loads(out.text), schema)


async def test_choices(llama_server: str) -> None:
    async with OpenAICompatibleLLM(llama_server) as llm:
        out = await llm.chat([{"role": "user", "content": "Is fire hot?"}], choices=["yes", "no"], max_tokens=4)
    assert out.text in ("yes", "no")


async def test_concurrency_of_8(llama_server: str) -> None:
    async with OpenAICompatibleLLM(llama_server, concurrency=8) as llm:
        outs = await asyncio.gather(
            *(
                llm.chat([{"role": "user", "content": f"Block {x} is on block a."}], grammar=FACT_GRAMMAR, max_tokens=12)
                for x in "abcabcab"
            )
        )
    assert len(outs) == 8
    assert all(re.fullmatch(r"\(on [abc] [abc]\)", o.text) for o in outs)
    assert llm.usage["requests"] == 8


async def test_n_samples_fan_out(llama_server: str) -> None:
    async with OpenAICompatibleLLM(llama_server) as llm:
        out = await llm.chat([{"role": "user", "content": "Name a colour."}], n=3, temperature=0.9, max_tokens=6)
    assert len(out.texts) == 3


async def test_wrong_model_name(llama_server: str) -> None:
    async with OpenAICompatibleLLM(llama_server, model="no-such-model") as llm:
        with pytest.raises(LLMModelNotFoundError, match="no-such-model"):
            await llm.chat([{"role": "user", "content": "hi"}])


async def test_timeout(llama_server: str) -> None:
    async with OpenAICompatibleLLM(llama_server, timeout=0.05, retries=0) as llm:
        llm.model, llm.dialect, llm._resolved = "smollm2", "llama.cpp", True  # skip discovery under the tiny timeout
        start = time.monotonic()
        with pytest.raises(LLMTimeoutError, match="timed out"):
            await llm.chat([{"role": "user", "content": "Write a long story."}], max_tokens=400)
        assert time.monotonic() - start < 5


async def test_server_down_is_a_clear_error() -> None:
    port = free_port()  # nothing listens here
    async with OpenAICompatibleLLM(f"http://127.0.0.1:{port}", retries=1, backoff=0.01) as llm:
        with pytest.raises(LLMUnavailableError, match="unreachable"):
            await llm.chat([{"role": "user", "content": "hi"}])


async def test_server_killed_mid_run(smollm2_path) -> None:
    """Requests in flight when the server dies end in LLMErrors quickly; nothing hangs."""
    port = free_port()
    proc = start_llama_server(smollm2_path, port)
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/v1/models", proc)
        async with OpenAICompatibleLLM(f"http://127.0.0.1:{port}", retries=1, backoff=0.05, timeout=60) as llm:
            tasks = [
                asyncio.create_task(llm.chat([{"role": "user", "content": "Write a long story about ships."}], max_tokens=300))
                for _ in range(4)
            ]
            await asyncio.sleep(1.0)
            proc.kill()
            start = time.monotonic()
            results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
            assert time.monotonic() - start < 30
        errors = [r for r in results if isinstance(r, Exception)]
        assert errors, "at least the queued requests must fail once the server is gone"
        assert all(isinstance(e, LLMError) for e in errors), errors
    finally:
        proc.kill()
        proc.wait()


async def test_context_too_long(llama_server: str) -> None:
    from nesy.errors import LLMContextLengthError

    async with OpenAICompatibleLLM(llama_server, retries=0) as llm:
        with pytest.raises(LLMContextLengthError, match="context"):
            await llm.chat([{"role": "user", "content": "block " * 6000}], max_tokens=8)
