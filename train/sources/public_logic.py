"""Logic pairs from the tuning parts of the public dev sets (ProntoQA, ProofWriter, FOLIO,
LogicalDeduction): the prompts ``LogicBackend.translate`` sends for a real item, answered
from that item's gold (``logic.tune_gold``).

Only ``tune`` items are used (``logic.suites.split_part``); the reporting parts stay unseen.
The recording works as in ``train.sources.logic``: ``OracleLLM`` sits in the model's seat,
and a problem contributes pairs only when every sentence got its gold answer (the count of
requests matches), no parse warning was raised, Z3 decides the assembled program to the
item's label, and llama.cpp's sampler under each recorded grammar admits each gold answer.
Opt-in only (``nesy train --public-tune``): the default pairs, and the shipped adapter's
``pairs_sha256``, do not depend on this module.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nesy.errors import NesyError
from nesy.llm.base import LLMRequest
from nesy.translate import split_clauses
from nesy.types import Problem, Trace, TranslateOptions
from train.grammar_check import request_admits
from train.oracle import NoGold, OracleLLM
from train.pairs import Pair
from train.sources import BackendPairs
from train.sources.logic import _step

__all__ = ["PublicTunePairs", "clause_form", "is_public_pair", "public_tune_pairs"]

# shapes of ``logic.gbnf.clause_gbnf``: a formula in one of them may take that form, else "other"
_ARGS = r"\((?:[A-Za-z]\w*)(?:, [A-Za-z]\w*)*\)"
_GATOM = r"[A-Z]\w*\((?:[A-Z]\w*)(?:, [A-Z]\w*)*\)"
_GLIT = rf"(?:not )?{_GATOM}"
_XATOM = rf"[A-Z]\w*{_ARGS}"
_XLIT = rf"(?:not )?{_XATOM}"
_SHAPES = [
    ("fact", rf"{_GATOM}(?: and {_GLIT})*"),
    ("negated fact", rf"not {_GATOM}(?: and {_GLIT})*"),
    ("negative rule", rf"forall x\. {_XLIT}(?: and {_XLIT})* -> not {_XATOM}(?: and {_XLIT})*"
                      rf"|{_GLIT}(?: and {_GLIT})* -> not {_GATOM}(?: and {_GLIT})*"),
    ("rule", rf"forall x\. {_XLIT}(?: and {_XLIT})* -> {_XATOM}(?: and {_XLIT})*"
             rf"|{_GLIT}(?: and {_GLIT})* -> {_GATOM}(?: and {_GLIT})*"),
]


def is_public_pair(pair: Pair) -> bool:
    """Whether a pair came from a public tuning part (``problem_pairs`` signs them ``<dataset>-tune``)."""
    return pair.signature.endswith("-tune")


def clause_form(formula: str, allowed: Sequence[str]) -> str | None:
    """The clause form to answer for a gold formula: the first of the step's allowed forms
    whose shape the formula has, else "other" where allowed (its grammar is the free one)."""
    for form, shape in _SHAPES:
        if form in allowed and re.fullmatch(shape, formula):
            return form
    return "other" if "other" in allowed else None


def _answerer(gold: Any, whole: str) -> Callable[[LLMRequest], str] | None:
    """Answers each request by step and sentence from ``gold`` (a ``logic.tune_gold.TuneGold``);
    None when one sentence has two different gold formulas."""
    from logic.problem import name_candidates, name_joiners

    by_sentence: dict[str, str] = {}
    for a in gold.aligned:
        if by_sentence.setdefault(a.sentence, a.formula) != a.formula:
            return None
    # the declarations step names phrases of the text (``logic.gbnf.declarations_gbnf``) that the
    # formulas use; what the grammar cannot name (a number first) the reader or a clause adds
    first = "|".join(map(re.escape, sorted(name_candidates(whole), key=len, reverse=True)))
    rest = "|".join(map(re.escape, sorted({*name_candidates(whole), *name_joiners(whole)}, key=len, reverse=True)))
    used = set(re.findall(r"[A-Za-z]\w*", " ".join(a.formula for a in gold.aligned)))
    decls = [d for d in gold.declarations
             if (n := re.split(r"[ /]", d)[1]) in used and re.fullmatch(f"(?:{first})(?:{rest})*", n)]

    def answer(req: LLMRequest) -> str:
        step = _step(req)
        if step == "declarations":
            return "".join(d + "\n" for d in decls)  # the grammar ends every line with a newline
        if step == "objects":
            return ", ".join(gold.objects)
        query = req.messages[-1].content
        if query not in by_sentence:
            raise NoGold(f"no gold answer for {query[:80]!r}")
        if step == "form":
            allowed = tuple(req.constraint.choices if req.constraint and req.constraint.choices else ())
            # one allowed form: the words decided it (a reader's formula); the formula step checks the gold
            form = allowed[0] if len(allowed) == 1 else clause_form(by_sentence[query], allowed)
            if form is None:
                raise NoGold(f"the words of {query[:80]!r} allow no form of its gold formula")
            return form
        return by_sentence[query]

    return answer


class PublicTunePairs(BackendPairs):
    """Pairs from public tune items; ``stats`` counts problems kept and why others were not."""

    formalism = "logic"
    default_suite = "public-tune"

    def __init__(self, options: TranslateOptions | None = None, backend: Any = None,
                 data_root: str | Path | None = None) -> None:
        if backend is None:
            from logic.backend import LogicBackend

            backend = LogicBackend()
        super().__init__(backend, options)
        self.data_root = Path(data_root) if data_root is not None else None
        self.stats: dict[str, Counter[str]] = {}

    def path(self, dataset: str) -> Path:
        from logic.datasets import default_path

        return self.data_root / dataset / "dev.json" if self.data_root else default_path(dataset)

    def problem_pairs(self, gold: Any) -> tuple[list[Pair], str]:
        """All pairs of one tune item, or ([], why) when any check of its gold fails."""
        from logic.problem import normalize_answer

        it = gold.item
        problem = Problem(text=f"{it.context}\n{it.question}", kind="logic", id=it.id,
                          context={"options": it.options, "premises": it.context, "question": it.question})
        ctx = self.backend.context(problem)
        parts = ctx.data["parts"]
        answer = _answerer(gold, parts.premises + " " + parts.statement)
        if answer is None:
            return [], "one sentence with two gold formulas"
        oracle = OracleLLM(answer)
        try:
            formal = asyncio.run(self.backend.translate(ctx, oracle, self.options, Trace()))
            solution = self.backend.solve(formal, ctx, timeout=10.0)
        except NesyError as e:
            return [], f"translate: {type(e).__name__}"
        recorded = oracle.take()
        # declarations (or objects), then one request per clue, or two per sentence (form, formula)
        expected = 1 + len(gold.aligned) * (1 if gold.csp else 2)
        labels = ctx.data.get("labels") or {}
        if len(recorded) != expected:
            return [], "a sentence did not get its gold answer"
        # a name the reader declared that the gold does not use is harmless; any other warning is not
        if [n for n in formal.notes if "is declared but never used" not in str(n)]:
            return [], "parse warnings"
        if normalize_answer(solution.answer, labels) != normalize_answer(it.answer, labels):
            return [], "the recorded program does not solve to the label"
        if not all(request_admits(r.request, r.answer) for r in recorded):
            return [], "a recorded grammar forbids the gold answer"
        if not gold.csp:  # clauses run concurrently: text order, form before formula
            place = {s: i for i, s in enumerate([*split_clauses(parts.premises), parts.statement])}
            order = {"declarations": 0, "form": 1, "formula": 2}
            recorded.sort(key=lambda r: (place.get(r.messages[-1].content, -1), order[_step(r.request)]))
        sig = f"{gold.dataset.lower()}-tune"
        return [Pair(r.messages, r.answer, "logic", sig, r.messages[-1].content,
                     {"step": _step(r.request), "item": it.id, "dataset": gold.dataset}, r.request)
                for r in recorded], ""

    def dataset_pairs(self, dataset: str, limit: int | None = None, seed: int = 0) -> list[Pair]:
        """The verified pairs of the dataset's tune items, each (prompt, target) once.

        ``limit``: stop after the item that reaches this many pairs, items taken in a seeded
        order (whole problems, so no item is cut); None takes every tune item in file order.
        """
        from logic.tune_gold import gold_for, tune_items

        stats = self.stats.setdefault(dataset, Counter())
        out: list[Pair] = []
        keys: set[tuple[str, ...]] = set()
        items = tune_items(dataset, self.path(dataset))
        if limit is not None:
            random.Random(seed).shuffle(items)
        for it in items:
            if limit is not None and len(out) >= limit:
                break
            stats["items"] += 1
            try:
                gold = gold_for(dataset, it)
            except ValueError:
                stats["no gold"] += 1
                continue
            got, why = self.problem_pairs(gold)
            stats["kept" if got else f"dropped: {why}"] += 1
            for p in got:
                # the same sentence under the same prompt teaches nothing twice
                key = (*(m.content for m in p.messages), p.target)
                if key not in keys:
                    keys.add(key)
                    out.append(p)
                    stats[f"pairs {p.meta['step']}"] += 1
        return out

    def all_pairs(self, datasets: Sequence[str], per_set: int | None = None, seed: int = 0) -> list[Pair]:
        return [p for d in datasets for p in self.dataset_pairs(d, per_set, seed)]


def public_tune_pairs(data_root: str | Path | None = None, datasets: Sequence[str] | None = None,
                      exemplars_by: str = "problem", per_set: int | None = None, seed: int = 0,
                      report: Callable[[str], Any] | None = print) -> list[Pair]:
    """Public tune pairs, recorded with ``exemplars_by`` (as ``nesy train --exemplars-by``);
    at most about ``per_set`` per dataset. Reports counts per dataset and step."""
    from logic.tune_gold import PUBLIC_TUNE

    src = PublicTunePairs(data_root=data_root)
    src.options = src.options.model_copy(update={"exemplars_by": exemplars_by})
    try:
        pairs = src.all_pairs(datasets or PUBLIC_TUNE, per_set, seed)
    finally:
        src.backend.close()
    if report is not None:
        for name, c in src.stats.items():
            report(f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    return pairs


if __name__ == "__main__":  # python -m train.sources.public_logic [DATA_ROOT] [--save PATH]
    import argparse

    from train.pairs import save_pairs

    ap = argparse.ArgumentParser(description="Public tune pairs: counts per dataset and step.")
    ap.add_argument("data_root", nargs="?", default=None, help="folder holding <Dataset>/dev.json")
    ap.add_argument("--dataset", action="append", help="only these datasets (repeat)")
    ap.add_argument("--exemplars-by", default="problem")
    ap.add_argument("--per-set", type=int, default=None, help="about this many pairs per set")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save", type=Path, default=None, help="write the pairs here (JSON lines)")
    a = ap.parse_args()
    ps = public_tune_pairs(a.data_root, a.dataset, a.exemplars_by, a.per_set, a.seed)
    print(f"{len(ps)} pairs")
    if a.save:
        save_pairs(ps, a.save)
