"""Planning pairs: sentence → ``init: (...)`` / ``goal: (...)`` / ``none``, and text → objects.

Problems come from ``planners.generators`` for the seen goal combinations
(``SEEN_GOALS``) at seen sizes (≤ ``MAX_SEEN_OBJECTS``) only; held-out pairs (other
combinations or more objects) exist for evaluation. The prompts are recorded from
``PlanningBackend.translate`` itself (see ``train.oracle``), and a problem counts only
when every gold clause passes the backend's clause check, the assembled problem parses, and
llama.cpp's sampler under each recorded grammar admits the gold answer.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from typing import Any

from nesy.errors import NesyError
from nesy.llm.base import LLMRequest
from nesy.types import Gold, Problem, Trace, TranslateOptions
from train.grammar_check import request_admits
from train.oracle import NoGold, OracleLLM
from train.pairs import Pair
from train.sources import BackendPairs

__all__ = ["PlanningPairs"]

# Far from the seeds of exemplars (100_000+) and suites (small integers).
TRAIN_SEED_BASE = 1_000_000
EVAL_SEED_BASE = 2_000_000


class PlanningPairs(BackendPairs):
    formalism = "planning"
    default_suite = "generated"

    def __init__(self, options: TranslateOptions | None = None, backend: Any = None) -> None:
        if backend is None:  # the entry point passes itself (built with the Settings)
            from planners.backend import PlanningBackend

            backend = PlanningBackend()
        super().__init__(backend, options)

    @staticmethod
    def compositions(held_out: bool) -> list[tuple[str, str, int]]:
        """(domain, goal combo, size) triples of one split."""
        from planners.generators import GOAL_COMBOS, MAX_SEEN_OBJECTS, SEEN_GOALS

        out = []
        for domain, combos in GOAL_COMBOS.items():
            lo = 3 if domain == "blocksworld" else 2
            for combo in combos:
                for n in range(lo, MAX_SEEN_OBJECTS[domain] + 2):
                    seen = combo in SEEN_GOALS[domain] and n <= MAX_SEEN_OBJECTS[domain]
                    if seen != held_out:
                        out.append((domain, combo, n))
        return out

    def seen_signatures(self, suite: str) -> list[str]:
        return sorted({f"{d}:{c}/n{n}" for d, c, n in self.compositions(held_out=False)})

    def pairs(self, suite: str, n: int, seed: int) -> list[Pair]:
        return self._draw(self.compositions(held_out=False), n, TRAIN_SEED_BASE + seed)

    def held_out_pairs(self, suite: str, n: int, seed: int) -> list[Pair]:
        return self._draw(self.compositions(held_out=True), n, EVAL_SEED_BASE + seed)

    def eval_problems(self, held_out: bool, n: int, seed: int = 0) -> list[tuple[Problem, Gold, str]]:
        return eval_problems(held_out, n, seed)

    def problem_pairs(self, problem: object) -> list[Pair]:
        """All pairs of one generated problem, or [] when the backend rejects its gold."""
        from planners.generators import GeneratedProblem

        assert isinstance(problem, GeneratedProblem)
        gold = {c.text: c.target for c in problem.clauses}
        gold[problem.text] = problem.objects_target

        def answer(req: LLMRequest) -> str:
            query = req.messages[-1].content if req.messages else ""
            if query not in gold:
                raise NoGold(f"no gold answer for {query[:80]!r}")
            return gold[query]

        oracle = OracleLLM(answer)
        ctx = self.backend.context(Problem(text=problem.text, kind="planning", context={"domain": problem.domain}))
        try:
            formal = asyncio.run(self.backend.translate(ctx, oracle, self.options, Trace()))
        except NesyError:
            return []
        # translate() drops a sentence it cannot check instead of failing, so compare the
        # assembled problem with the gold one: every recorded answer must have been accepted.
        scores = self.backend.score(formal, None, Gold(formal=problem.pddl), ctx)
        if scores.get("translation_exact") != 1.0 or formal.dropped:
            return []
        recorded = oracle.take()
        # the grammar recorded with each request must admit its gold answer, or constrained
        # decoding could never produce what the pair teaches (a grammar bug, not a model one)
        if not all(request_admits(r.request, r.answer) for r in recorded):
            return []
        return [
            Pair(r.messages, r.answer, "planning", problem.signature, r.messages[-1].content,
                 {"step": r.request.step.removeprefix("planning.")}, r.request)
            for r in recorded
        ]

    def _draw(self, comps: list[tuple[str, str, int]], n: int, seed: int) -> list[Pair]:
        from planners.generators import generate

        rng = random.Random(seed)
        out: list[Pair] = []
        keys: set[tuple[str, str]] = set()
        for i in _round_robin(len(comps), rng):
            if len(out) >= n or i > 50 * max(n, 1):
                break
            domain, combo, size = comps[i % len(comps)]
            for p in self.problem_pairs(generate(domain, size, combo, seed + i)):
                # the same sentence under the same prompt teaches nothing twice
                key = (p.messages[0].content + p.source, p.target)
                if key not in keys and len(out) < n:
                    keys.add(key)
                    out.append(p)
        return out


def _round_robin(k: int, rng: random.Random) -> Iterable[int]:
    """0, 1, 2, ... with each block of ``k`` visiting every composition once, in random order."""
    i = 0
    while True:
        block = list(range(k))
        rng.shuffle(block)
        for j in block:
            yield i * k + j
        i += 1


def eval_problems(held_out: bool, n: int, seed: int = 0) -> list[tuple[Problem, Gold, str]]:
    """Whole problems for end-to-end scoring, one composition after another."""
    from planners.generators import generate

    comps = PlanningPairs.compositions(held_out)
    rng = random.Random(EVAL_SEED_BASE + 7 + seed)
    rng.shuffle(comps)
    out = []
    for i in range(n):
        domain, combo, size = comps[i % len(comps)]
        p = generate(domain, size, combo, EVAL_SEED_BASE + 500 + seed + i)
        out.append((Problem(text=p.text, kind="planning", context={"domain": domain}, id=p.name),
                    Gold(formal=p.pddl), p.signature))
    return out
