"""The LLM response cache: re-scoring and resuming never regenerate (plumbing: toy LLM)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from benchmarks.llm_cache import CachedLLM, LLMCache
from benchmarks.runner import RunConfig, arun_benchmark
from nesy.llm.base import LLMRequest, Message
from tests.benchmarks.toy import ToyLLM, toy_registry, toy_suite


async def test_rescore_makes_zero_llm_calls(tmp_path: Path) -> None:
    config = RunConfig(suite="toy", llm="toy", concurrency=4, workers=0)
    llm = ToyLLM()
    first = await arun_benchmark(config, tmp_path, suite=toy_suite(9), llm=llm, registry_factory=toy_registry, progress=False)
    assert llm.calls == first.llm_calls > 0
    again = ToyLLM()
    second = await arun_benchmark(
        config, tmp_path, suite=toy_suite(9), llm=again, registry_factory=toy_registry, progress=False, rescore=True
    )
    assert again.calls == 0 and second.llm_calls == 0
    assert second.cache_hits == first.llm_calls
    assert [r["answer"] for r in second.records] == [r["answer"] for r in first.records]
    assert [r["id"] for r in second.records] == [f"toy-{i:03d}" for i in range(9)]
    assert list(tmp_path.glob("results.*.jsonl")), "rescore keeps the previous results file"


async def test_repeated_request_gets_a_new_sample_but_the_same_on_replay(tmp_path: Path) -> None:
    cache = LLMCache(tmp_path / "c.sqlite")
    llm = ToyLLM()
    req = LLMRequest(
        messages=(Message(role="system", content="Sum as A+B."), Message(role="user", content="What is 3 plus 4?")),
        temperature=0.7,
    )
    wrapped = CachedLLM(llm, cache, "toy")
    item = wrapped.scope("item-1")
    await item.generate(req)
    await item.generate(req)  # the second sample of the same item is not served the first one
    assert llm.calls == 2 and len(cache) == 2
    replay = CachedLLM(ToyLLM(), cache, "toy").scope("item-1")
    await replay.generate(req)
    await replay.generate(req)
    assert replay.stats == {"calls": 0, "hits": 2}
    other_model = CachedLLM(ToyLLM(), cache, "another-model").scope("item-1")
    await other_model.generate(req)
    assert other_model.stats == {"calls": 1, "hits": 0}


async def test_resume_with_different_settings_is_refused(tmp_path: Path) -> None:
    import pytest

    from nesy.errors import ConfigError

    config = RunConfig(suite="toy", llm="toy", workers=0)
    await arun_benchmark(config, tmp_path, suite=toy_suite(3), llm=ToyLLM(), registry_factory=toy_registry, progress=False)
    with pytest.raises(ConfigError, match="different settings"):
        await arun_benchmark(
            config.model_copy(update={"repairs": 0}), tmp_path, suite=toy_suite(3), llm=ToyLLM(),
            registry_factory=toy_registry, progress=False,
        )


def test_a_retrained_adapter_is_another_model(tmp_path: Path) -> None:
    """The adapter keeps its file name when it is retrained; the run identity and cache keys must
    change with its content, or a rerun resumes from the old adapter's answers."""
    import os
    from types import SimpleNamespace

    from benchmarks.llm_cache import model_identity

    lora = tmp_path / "smollm2-nesy-lora.gguf"
    lora.write_bytes(b"old adapter")
    llm = SimpleNamespace(name="embedded:m.gguf+smollm2-nesy-lora.gguf", lora_path=lora)
    before = asyncio.run(model_identity(llm))  # type: ignore[arg-type]
    lora.write_bytes(b"new adapter")
    os.utime(lora, ns=(1, 2))  # a new mtime, as a rewrite gives
    after = asyncio.run(model_identity(llm))  # type: ignore[arg-type]
    assert before.startswith(llm.name + "@") and after.startswith(llm.name + "@") and before != after
    assert asyncio.run(model_identity(SimpleNamespace(name="embedded:m.gguf", lora_path=None))) == "embedded:m.gguf"  # type: ignore[arg-type]


async def test_the_default_run_folder_of_a_retrained_adapter_is_a_new_one(tmp_path: Path) -> None:
    """``make run`` after a retrain: the default folder is the adapter's own, so the run starts
    fresh instead of refusing the old adapter's folder; an --out the user names stays as named."""
    import os

    from nesy.settings import Settings

    lora = tmp_path / "smollm2-nesy-lora.gguf"
    lora.write_bytes(b"old adapter")
    config = RunConfig(suite="toy", llm="toy", concurrency=4, workers=0)
    settings = Settings(cache_dir=tmp_path / "cache")

    def run(**kw):  # type: ignore[no-untyped-def]
        llm = ToyLLM()
        llm.lora_path = lora  # type: ignore[attr-defined]
        return arun_benchmark(config, suite=toy_suite(3), llm=llm, registry_factory=toy_registry, progress=False,
                              settings=settings, **kw)

    first = await run()
    lora.write_bytes(b"new adapter, same file name")
    os.utime(lora, ns=(1, 2))  # a new mtime, as a rewrite gives
    second = await run()
    assert first.out_dir != second.out_dir and first.out_dir.parent == second.out_dir.parent
    named = await run(out_dir=tmp_path / "mine")
    assert named.out_dir == tmp_path / "mine"
