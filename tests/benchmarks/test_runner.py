"""Runner plumbing: broken items are recorded without sinking the run; sampling and voting."""

from __future__ import annotations

from pathlib import Path

from benchmarks.runner import RunConfig, arun_benchmark
from nesy.suite import Item
from nesy.types import Gold, Problem
from tests.benchmarks.toy import ToyLLM, toy_registry, toy_suite


async def test_bad_items_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    suite = toy_suite(4)
    bad = [
        Item(id="unknown-kb", problem=Problem(text="What is 1 plus 2 in the unknown KB?", kind="logic"),
             gold=Gold(answer=3), signature="add/small", split="seen"),
        Item(id="crash", problem=Problem(text="What is 999 plus 1?", kind="logic"),
             gold=Gold(answer=1000), signature="add/big", split="seen"),
    ]
    suite = suite.model_copy(update={"items": [bad[0], *suite.items[:2], bad[1], *suite.items[2:]]})
    for workers in (0, 1):
        out = await arun_benchmark(
            RunConfig(suite="toy", llm="toy", workers=workers), tmp_path / str(workers), suite=suite,
            llm=ToyLLM(), registry_factory=toy_registry, progress=False,
        )
        by_id = {r["id"]: r for r in out.records}
        assert len(by_id) == 6
        assert by_id["unknown-kb"]["error"]["type"] == "not_found" and by_id["unknown-kb"]["status"] is None
        assert by_id["crash"]["error"] == {"type": "RuntimeError", "message": "backend bug", "stage": "solve"}
        assert all(by_id[f"toy-{i:03d}"]["scores"] == {"accuracy": 1.0} for i in range(4))
        seen = out.summary["summary"]["formalisms"]["logic"]["splits"]["seen"]["accuracy"]
        assert seen["n"] == 4 and seen["mean"] == 0.5  # the two failures count as misses


async def test_samples_are_voted(tmp_path: Path) -> None:
    out = await arun_benchmark(
        RunConfig(suite="toy", llm="toy", samples=3, workers=0), tmp_path, suite=toy_suite(3), llm=ToyLLM(),
        registry_factory=toy_registry, progress=False,
    )
    assert all(r["translated"] == 3 and r["vote_share"] == 1.0 for r in out.records)
    assert out.llm_calls >= 9


async def test_a_translation_that_fails_still_counts_its_tokens(tmp_path: Path) -> None:
    """The model was asked (and repaired) before the translation failed: its tokens are the item's."""
    from nesy.llm.base import Completion, LLMRequest

    class Wrong(ToyLLM):
        async def generate(self, request: LLMRequest) -> Completion:
            self.calls += 1
            return Completion(texts=["no sum here"], model="toy", prompt_tokens=10, completion_tokens=3)

    llm = Wrong()
    out = await arun_benchmark(RunConfig(suite="toy", llm="toy", workers=0), tmp_path, suite=toy_suite(1), llm=llm,
                               registry_factory=toy_registry, progress=False)
    (record,) = out.records
    assert record["error"] and record["translated"] == 0
    assert record["tokens"] == {"prompt": 10 * llm.calls, "completion": 3 * llm.calls} and llm.calls >= 2
