"""End to end on the real embedded SmolLM2: generated items through both modes, and the CLI.

A 135M model's answers may be wrong; what must hold is that the pipeline ran, produced a
parsed formalization or a clear TranslationError, that scoring works, and that our mode's
formalization uses only names from the text (the grammar guarantees it; this can fail).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from logic.generators import chain_item
from logic.problem import name_candidates
from nesy.reasoner import Reasoner
from nesy.types import Gold, Problem, Status, TranslateOptions


def _problem(seed: int) -> tuple[Problem, Gold]:
    g = chain_item(random.Random(seed), 1, ())
    return (Problem(text=f"{g.text} {g.question}", kind="logic",
                    context={"options": g.options, "premises": g.text, "question": g.question}),
            Gold(answer=g.answer))


@pytest.mark.slow
@pytest.mark.parametrize("mode,seed", [("ours", 3), ("baseline", 4)])
async def test_pipeline_on_embedded_model(embedded_llm, mode: str, seed: int) -> None:
    problem, gold = _problem(seed)
    reasoner = Reasoner(llm=embedded_llm, backends=["logic"])
    opts = TranslateOptions(mode=mode, repairs=0, exemplars=2, max_tokens=256)
    res = await reasoner.asolve(problem, opts, gold=gold, timeout=10)
    assert [s.name for s in res.trace.stages][0] == "context"
    if res.formalization is None:
        assert res.error is not None and res.error["type"] == "translation_error" and res.error["message"]
        # the Reasoner scores only translated problems; a failed one scores as not executable
        backend = reasoner.backend("logic")
        scores = backend.score(None, None, gold, backend.context(problem))
        assert scores["executable"] == 0.0 and scores["accuracy"] == 0.0
        return
    assert set(res.scores) == {"accuracy", "executable", "repairs"}
    assert res.scores["accuracy"] in (0.0, 1.0) and res.scores["executable"] == 1.0
    assert res.formalization.language == "fol" and res.solution is not None
    assert res.solution.status in (Status.SOLVED, Status.UNSOLVABLE, Status.UNKNOWN)
    assert res.verbalization
    if mode == "ours":
        allowed = set(name_candidates(problem.context["premises"] + " " + problem.text))
        used = set(re.findall(r"\b([A-Z][A-Za-z0-9_]*)\(", res.formalization.text))
        declared = set(re.findall(r"pred (\w+)/", res.formalization.text))
        assert used and used <= declared <= allowed


@pytest.mark.slow
def test_cli_ask_answers_with_a_reason(smollm2_path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "nesy.cli", "ask", "--kind", "logic", "--repairs", "0",
         "Max is a yumpus. Every yumpus is sour. Question: Is Max sour?"],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    answer = out.stdout.strip().splitlines()[-1]
    assert re.match(r"^(True|False|Unknown)\b.*because|^Unknown: |^The premises are inconsistent|^I could not formalize",
                    answer), out.stdout
