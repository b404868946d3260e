"""Run the toy suite in a subprocess (so a test can kill it midway): OUT N DELAY WORKERS."""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.runner import RunConfig, run_benchmark
from tests.benchmarks.toy import ToyLLM, toy_registry, toy_suite


def main() -> None:
    out, n, delay, workers = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    config = RunConfig(suite="toy", llm="toy", concurrency=4, workers=workers)
    outcome = run_benchmark(
        config, out, suite=toy_suite(n), llm=ToyLLM(delay), registry_factory=toy_registry, progress=False
    )
    print(f"done {len(outcome.records)} calls {outcome.llm_calls} hits {outcome.cache_hits}")


if __name__ == "__main__":
    main()
