"""Logic pairs: what ``translate_ours`` asks (declarations, clause form, formula; for ordering
puzzles the objects and each constraint), answered with the generators' gold alignment.

Problems come from ``logic.generators`` for the seen compositions (``SEEN_CHAIN``,
``SEEN_ORDER``) only; held-out pairs (``HELD_OUT_CHAIN``, ``HELD_OUT_ORDER``) exist for
evaluation. The prompts are recorded from ``LogicBackend.translate`` itself (see
``train.oracle``). A problem counts only when every sentence got its gold answer
(translate() silently leaves out a premise it cannot translate, so the answers are
counted), the logic parser and linter accept every formula and the assembled program,
Z3 decides it to the generator's answer, and llama.cpp's sampler under each recorded
grammar admits the gold answer.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

from nesy.errors import NesyError
from nesy.llm.base import LLMRequest
from nesy.translate import split_clauses
from nesy.types import Gold, Problem, Trace, TranslateOptions
from train.grammar_check import request_admits
from train.oracle import NoGold, OracleLLM
from train.pairs import Pair
from train.sources import BackendPairs
from train.sources.planning import EVAL_SEED_BASE, TRAIN_SEED_BASE, _round_robin

__all__ = ["LogicPairs", "Composition"]

Composition = tuple[str, int, tuple[str, ...]]  # ("chain", depth, rules) | ("order", n, ())


def _generate(comp: Composition, seed: int):  # -> logic.generators.Generated
    from logic.generators import chain_item, ordering_item

    kind, a, rules = comp
    rng = random.Random(seed)
    return chain_item(rng, a, rules) if kind == "chain" else ordering_item(rng, a)


def _problem(g, name: str) -> Problem:  # the same Problem as logic.suites builds for its items
    return Problem(text=f"{g.text} {g.question}", kind="logic", id=name,
                   context={"options": g.options, "premises": g.text, "question": g.question})


def _step(req: LLMRequest) -> str:
    """The step that sent the request, by its declared name ("logic.form" -> "form")."""
    formalism, _, step = req.step.partition(".")
    if formalism != "logic" or step not in ("declarations", "objects", "form", "constraint", "formula"):
        raise NoGold(f"unexpected logic request from step {req.step!r}")
    return step


def _gold_answerer(g) -> Callable[[LLMRequest], str] | None:
    """Answers by step and sentence; None when one sentence has two different gold answers."""
    is_csp = g.signature.startswith("order")
    by_sentence: dict[str, tuple[str, str]] = {}
    for a in g.aligned:
        if by_sentence.setdefault(a.sentence, (a.form, a.formula)) != (a.form, a.formula):
            return None
    objects = g.declarations.splitlines()[1].removeprefix("var ").split(" : ")[0] if is_csp else ""

    def answer(req: LLMRequest) -> str:
        step = _step(req)
        query = req.messages[-1].content
        if step == "declarations":
            return g.declarations + "\n"  # the declarations grammar ends every line with a newline
        if step == "objects":
            return objects
        if query not in by_sentence:
            raise NoGold(f"no gold answer for {query[:80]!r}")
        form, formula = by_sentence[query]
        return form if step == "form" else formula

    return answer


class LogicPairs(BackendPairs):
    formalism = "logic"
    default_suite = "logic"

    def __init__(self, options: TranslateOptions | None = None, backend: Any = None) -> None:
        if backend is None:  # the entry point passes itself (built with the Settings)
            from logic.backend import LogicBackend

            backend = LogicBackend()
        super().__init__(backend, options)

    @staticmethod
    def compositions(held_out: bool) -> list[Composition]:
        from logic.suites import HELD_OUT_CHAIN, HELD_OUT_ORDER
        from logic.translation import SEEN_CHAIN, SEEN_ORDER

        chain, order = (HELD_OUT_CHAIN, HELD_OUT_ORDER) if held_out else (SEEN_CHAIN, SEEN_ORDER)
        return [("chain", d, tuple(r)) for d, r in chain] + [("order", n, ()) for n in order]

    def seen_signatures(self, suite: str) -> list[str]:
        return sorted({_signature(c) for c in self.compositions(held_out=False)})

    def pairs(self, suite: str, n: int, seed: int) -> list[Pair]:
        return self._draw(self.compositions(held_out=False), n, TRAIN_SEED_BASE + seed)

    def held_out_pairs(self, suite: str, n: int, seed: int) -> list[Pair]:
        return self._draw(self.compositions(held_out=True), n, EVAL_SEED_BASE + seed)

    def eval_problems(self, held_out: bool, n: int, seed: int = 0) -> list[tuple[Problem, Gold, str]]:
        comps = self.compositions(held_out)
        rng = random.Random(EVAL_SEED_BASE + 7 + seed)
        rng.shuffle(comps)
        out = []
        for i in range(n):
            g = _generate(comps[i % len(comps)], EVAL_SEED_BASE + 500 + seed + i)
            out.append((_problem(g, f"{g.signature}#{i}"), Gold(formal=g.program, answer=g.answer), g.signature))
        return out

    def problem_pairs(self, g) -> list[Pair]:  # g: logic.generators.Generated
        """All pairs of one generated problem, or [] when anything about its gold fails a check."""
        from logic.problem import normalize_answer

        answer = _gold_answerer(g)
        if answer is None:
            return []
        oracle = OracleLLM(answer)
        ctx = self.backend.context(_problem(g, g.signature))
        try:
            formal = asyncio.run(self.backend.translate(ctx, oracle, self.options, Trace()))
            solution = self.backend.solve(formal, ctx, timeout=10.0)
        except NesyError:
            return []
        recorded = oracle.take()
        csp = g.signature.startswith("order")
        # one request per sentence (two outside ordering puzzles: form, then formula) plus declarations
        expected = 1 + len(g.aligned) * (1 if csp else 2)
        labels = ctx.data.get("labels") or {}
        if (len(recorded) != expected or formal.notes
                or normalize_answer(solution.answer, labels) != normalize_answer(g.answer, labels)
                or not all(request_admits(r.request, r.answer) for r in recorded)):
            return []
        if not csp:  # clauses run concurrently: put each problem's pairs in text order, form before formula
            parts = ctx.data["parts"]
            place = {s: i for i, s in enumerate([*split_clauses(parts.premises), parts.statement])}
            step_order = {"declarations": 0, "form": 1, "formula": 2}
            recorded.sort(key=lambda r: (place.get(r.messages[-1].content, -1), step_order[_step(r.request)]))
        return [Pair(r.messages, r.answer, "logic", g.signature, r.messages[-1].content, {"step": _step(r.request)},
                     r.request) for r in recorded]

    def _draw(self, comps: list[Composition], n: int, seed: int) -> list[Pair]:
        rng = random.Random(seed)
        out: list[Pair] = []
        keys: set[tuple[str, str]] = set()
        for i in _round_robin(len(comps), rng):
            if len(out) >= n or i > 50 * max(n, 1):
                break
            for p in self.problem_pairs(_generate(comps[i % len(comps)], seed + i)):
                # the same sentence under the same instruction teaches nothing twice
                key = (p.messages[0].content + p.source, p.target)
                if key not in keys and len(out) < n:
                    keys.add(key)
                    out.append(p)
        return out


def _signature(c: Composition) -> str:
    from logic.generators import chain_signature

    kind, a, rules = c
    return chain_signature(a, rules) if kind == "chain" else f"order/n{a}"
