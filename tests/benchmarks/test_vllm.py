"""The benchmark runner against the real vLLM server (SmolLM2 served as "smollm2").

The server is shared with other tests, so its "death" is simulated by killing a TCP
proxy in front of it. Runs that need many items use the toy arithmetic backend: what
is under test here is the transport, concurrency and resume, not a formalism.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from benchmarks.runner import RunAborted, RunConfig, arun_benchmark
from nesy.llm.base import LLMRequest, Message
from nesy.llm.openai_compat import OpenAICompatibleLLM
from tests.benchmarks.tcp_proxy import TCPProxy
from tests.benchmarks.toy import toy_registry, toy_suite

pytestmark = pytest.mark.vllm

# Nothing a model writes unprompted: only a grammar can make it produce this shape.
ODD_GRAMMAR = 'root ::= "zq" [0-9] [0-9] [0-9] "xv" (";" [a-c])?\n'
ODD = re.compile(r"zq[0-9]{3}xv(;[a-c])?")


def _proxy_for(url: str) -> TCPProxy:
    u = urlparse(url)
    return TCPProxy(u.hostname or "127.0.0.1", u.port or 80)


async def test_structured_outputs_grammar_is_honored(vllm_url: str) -> None:
    llm = OpenAICompatibleLLM(vllm_url, model="smollm2", retries=1)
    try:
        out = await llm.chat(
            [{"role": "user", "content": "Tell me about the weather."}], grammar=ODD_GRAMMAR, max_tokens=16
        )
        assert llm.dialect == "vllm"  # so the grammar travelled as structured_outputs
        assert ODD.fullmatch(out.text.strip()), out.text
    finally:
        await llm.aclose()


async def test_sixteen_concurrent_requests(vllm_url: str) -> None:
    proxy = await _proxy_for(vllm_url).start()
    llm = OpenAICompatibleLLM(proxy.url, model="smollm2", concurrency=16, retries=1)
    try:
        reqs = [
            LLMRequest(
                messages=(Message(role="user", content=f"Item {i}: answer with a code."),),
                max_tokens=12,
                constraint={"grammar": ODD_GRAMMAR},
            )
            for i in range(16)
        ]
        outs = await asyncio.gather(*(llm.generate(r) for r in reqs))
        assert all(ODD.fullmatch(o.text.strip()) for o in outs), [o.text for o in outs]
        assert proxy.peak == 16, f"only {proxy.peak} requests were in flight at once"
    finally:
        await llm.aclose()
        await proxy.kill()


async def test_runner_at_concurrency_16_with_grammar(vllm_url: str, tmp_path: Path) -> None:
    proxy = await _proxy_for(vllm_url).start()
    llm = OpenAICompatibleLLM(proxy.url, model="smollm2", concurrency=16, retries=1)
    try:
        config = RunConfig(suite="toy", llm=proxy.url, concurrency=16, workers=1, repairs=0)
        outcome = await arun_benchmark(
            config, tmp_path, suite=toy_suite(16), llm=llm, registry_factory=toy_registry, progress=False
        )
    finally:
        await llm.aclose()
        await proxy.kill()
    assert len(outcome.records) == 16
    assert all(re.fullmatch(r"\d+\+\d+", r["formal"] or "") for r in outcome.records)  # grammar held everywhere
    assert proxy.peak >= 8, proxy.peak
    assert json.loads((tmp_path / "summary.json").read_text())["model"] == "openai-compatible:smollm2"


async def test_server_death_gives_clear_error_and_resumable_run(vllm_url: str, tmp_path: Path) -> None:
    n = 20
    proxy = await _proxy_for(vllm_url).start()
    port = proxy.port
    results = tmp_path / "results.jsonl"
    config = RunConfig(suite="toy", llm=proxy.url, concurrency=2, workers=0, repairs=1)

    llm = OpenAICompatibleLLM(proxy.url, model="smollm2", concurrency=2, retries=2, backoff=0.1)
    run = asyncio.create_task(
        arun_benchmark(config, tmp_path, suite=toy_suite(n), llm=llm, registry_factory=toy_registry, progress=False)
    )
    try:
        for _ in range(1200):
            if results.exists() and len(results.read_text().splitlines()) >= 4 or run.done():
                break
            await asyncio.sleep(0.05)
        assert not run.done(), "the run finished before the server could die"
        await proxy.kill()
        with pytest.raises(RunAborted) as info:
            await asyncio.wait_for(run, 60)
    finally:
        await llm.aclose()
    msg = str(info.value)
    assert "unreachable" in msg and "rerun the same command to resume" in msg, msg
    saved = [json.loads(line)["id"] for line in results.read_text().splitlines()]
    assert 4 <= len(saved) < n and len(set(saved)) == len(saved)

    proxy = await TCPProxy(*_proxy_for(vllm_url).upstream, port=port).start()  # the server is back
    llm = OpenAICompatibleLLM(proxy.url, model="smollm2", concurrency=2, retries=2)
    try:
        outcome = await arun_benchmark(
            config, tmp_path, suite=toy_suite(n), llm=llm, registry_factory=toy_registry, progress=False
        )
    finally:
        await llm.aclose()
        await proxy.kill()
    ids = [json.loads(line)["id"] for line in results.read_text().splitlines()]
    assert sorted(ids) == sorted(f"toy-{i:03d}" for i in range(n)) and len(ids) == n
    assert ids[: len(saved)] == saved
    assert outcome.llm_calls <= 2 * (n - len(saved))  # finished items were not asked again
