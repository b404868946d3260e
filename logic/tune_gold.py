"""Gold for the tuning parts of the public logic sets, aligned sentence by sentence.

Only the ``tune`` part of each dev set (``logic.suites.split_part``) is ever loaded here:
the reporting parts are neither read for gold nor used for training. For every tune item
this gives a ``TuneGold`` — the whole program, its declarations, and one (sentence,
formula) per sentence the translator asks about — or the reason there is none:

- ProntoQA / ProofWriter: ``logic.gold.convert_rules_text`` (its templates only);
- FOLIO: the hand-written ``logic/gold/<id>.logic`` (one premise per sentence, the
  sentence as the line's comment);
- LogicalDeduction: built from ``logic.translation.ordering_reading`` with no model: the
  puzzle's own list of objects, and each clue and option read from its direction words.

A sentence is the one ``nesy.translate.split_clauses`` cuts from the premises (what the
translator sends); gold whose comments do not match those sentences is refused, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from logic.datasets import PublicItem, default_path, load_public
from logic.gold import GOLD_DIR, convert_rules_text
from logic.problem import ProblemParts, normalize_answer, split_problem
from logic.suites import split_part
from nesy.translate import split_clauses
from nesy.types import Problem

__all__ = ["TuneGold", "Aligned", "tune_items", "item_parts", "gold_for", "ordering_gold", "folio_gold",
           "solves_to_label", "CONVERTED", "PUBLIC_TUNE", "FOLIO_NO_GOLD"]

PUBLIC_TUNE = ("ProntoQA", "ProofWriter", "FOLIO", "LogicalDeduction")
CONVERTED = ("ProntoQA", "ProofWriter")  # template sets: gold from logic.gold.convert_rules_text


@dataclass(frozen=True)
class Aligned:
    sentence: str  # exactly as the translator sends it
    formula: str  # a FOL formula, or a constraint of the CSP form


@dataclass(frozen=True)
class TuneGold:
    item: PublicItem
    dataset: str
    program: str  # the whole gold program (FOL line language or the constraint form)
    declarations: list[str]  # "const Name" / "pred Name/k" lines, or the CSP domain/var/distinct lines
    aligned: list[Aligned] = field(default_factory=list)  # premises/clues, then conclusion or options
    csp: bool = False

    @property
    def objects(self) -> list[str]:
        """A CSP program's variables, in declaration order."""
        line = next((d for d in self.declarations if d.startswith("var ")), "")
        return [o.strip() for o in line.removeprefix("var ").split(":")[0].split(",") if o.strip()]


def tune_items(name: str, path: str | Path | None = None) -> list[PublicItem]:
    """The tuning part of a public dev set (never the reporting part)."""
    return split_part(name, load_public(path or default_path(name)), "tune")


def item_parts(item: PublicItem) -> ProblemParts:
    """The parts the backend reads from the item (as ``logic.suites.public_suite`` builds it)."""
    return split_problem(Problem(text=f"{item.context}\n{item.question}", kind="logic", id=item.id,
                                 context={"options": item.options, "premises": item.context,
                                          "question": item.question}))


_LINE = re.compile(r"^(premise|conclusion|option [A-Z]|constraint)\s*:\s*(.+?)\s*(?:#\s*(.*))?$")


def _lines(program: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(declaration lines, (role, formula, comment) per premise/conclusion/constraint/option line)."""
    decls, body = [], []
    for raw in program.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m:
            body.append((m.group(1), m.group(2).strip(), (m.group(3) or "").strip()))
        else:
            decls.append(line)
    return decls, body


def _norm(s: str) -> str:  # comments may differ from the text in spacing only
    return " ".join(s.split())


def _align_fol(item: PublicItem, program: str) -> list[Aligned]:
    """One formula per ``split_clauses`` sentence and the statement, matched by the line comments."""
    parts = item_parts(item)
    _, body = _lines(program)
    premises = [(f, c) for role, f, c in body if role == "premise"]
    conclusions = [f for role, f, _ in body if role == "conclusion"]
    sentences = split_clauses(parts.premises)
    if len(premises) != len(sentences) or [_norm(c) for _, c in premises] != [_norm(s) for s in sentences]:
        raise ValueError(f"{item.id}: the gold's premise comments are not the {len(sentences)} sentences "
                         "split_clauses cuts from the premises")
    if len(conclusions) != 1:
        raise ValueError(f"{item.id}: the gold has {len(conclusions)} conclusions")
    aligned = [Aligned(s, f) for s, (f, _) in zip(sentences, premises)]
    return aligned + [Aligned(parts.statement, conclusions[0])]


def _fol_decls(decls: list[str]) -> list[str]:
    """``const A, B`` split one name per line, as the declarations step writes them."""
    out: list[str] = []
    for d in decls:
        if d.startswith("const "):
            out += [f"const {n.strip()}" for n in d.removeprefix("const ").split(",") if n.strip()]
        else:
            out.append(d)
    return out


# FOLIO tune items left without gold, and why (a faithful program would not give the label, or
# the translator's sentences cannot each carry one formula)
FOLIO_NO_GOLD = {
    "FOLIO_dev_36": "split_clauses cuts 'Symphony No. 9' into the sentences 'Symphony No.' and '9 ...'",
    "FOLIO_dev_37": "split_clauses cuts 'Symphony No. 9' into the sentences 'Symphony No.' and '9 ...'",
    "FOLIO_dev_85": "the label (True) needs 'Some restaurants that do not provide take-out' read as 'All'",
    "FOLIO_dev_107": "the label (False) needs an applicant who proves hardship, which no sentence states",
    # issue 4's hand-written programs: tuning items now (read closely), but not one formula per sentence
    **{f"FOLIO_dev_{n}": "issue 4's hand-written program is not aligned one formula per sentence"
       for n in (12, 13, 14, 15, 16, 18)},
}


def folio_gold(item: PublicItem, gold_dir: Path = GOLD_DIR) -> TuneGold:
    path = gold_dir / f"{item.id}.logic"
    if not path.is_file() or item.id in FOLIO_NO_GOLD:
        raise ValueError(f"{item.id}: {FOLIO_NO_GOLD.get(item.id, 'no hand-written gold')} ({path.name})")
    program = path.read_text()
    decls, _ = _lines(program)
    return TuneGold(item, "FOLIO", program, _fol_decls(decls), _align_fol(item, program))


def converted_gold(item: PublicItem, dataset: str) -> TuneGold:
    parts = item_parts(item)
    program = convert_rules_text(item.context, parts.statement)  # ValueError outside its templates
    decls, _ = _lines(program)
    return TuneGold(item, dataset, program, _fol_decls(decls), _align_fol(item, program))


def ordering_gold(item: PublicItem) -> TuneGold:
    """A LogicalDeduction item's CSP program from ``ordering_reading`` alone (no model).

    Objects are the puzzle's own enumerated list; every clue the translator asks about (the
    sentences that are not preamble) and every option must be decided by its words.
    """
    from logic.translation import enumerated_objects, ordering_clues, ordering_reading

    parts = item_parts(item)
    objs = enumerated_objects(parts.premises)
    if objs is None:
        raise ValueError(f"{item.id}: the puzzle lists no objects with a count")
    n = len(objs)
    decls = [f"domain pos = 1..{n}", f"var {', '.join(objs)} : pos", f"distinct {', '.join(objs)}"]
    clues = ordering_clues(parts.premises)
    targets = [(s, "constraint") for s in clues] + [(t, f"option {k}") for k, t in parts.options.items()]
    aligned, lines = [], []
    for sentence, role in targets:
        reading = ordering_reading(sentence, objs, n)
        if reading is None:
            raise ValueError(f"{item.id}: ordering_reading does not decide {sentence!r}")
        aligned.append(Aligned(sentence, reading))
        lines.append(f"{role}: {reading}  # {sentence}")
    return TuneGold(item, "LogicalDeduction", "\n".join(decls + lines) + "\n", decls, aligned, csp=True)


def gold_for(dataset: str, item: PublicItem, gold_dir: Path = GOLD_DIR) -> TuneGold:
    """The gold of one tune item; ValueError says why there is none."""
    if dataset in CONVERTED:
        return converted_gold(item, dataset)
    if dataset == "FOLIO":
        return folio_gold(item, gold_dir)
    if dataset == "LogicalDeduction":
        return ordering_gold(item)
    raise ValueError(f"no tune gold for dataset {dataset!r}")


def solves_to_label(program: str, item: PublicItem, timeout: float = 10.0) -> tuple[bool, str]:
    """Parse with the backend and let Z3 decide in its sandbox: (answer == the item's label, what Z3 said)."""
    from nesy.errors import NesyError

    backend = _backend()
    parts = item_parts(item)
    ctx = backend.context(Problem(text="", context={"premises": item.context, "question": item.question,
                                                    "options": item.options}))
    try:
        s = backend.solve(backend.parse(program, ctx), ctx, timeout=timeout)
    except NesyError as e:
        return False, f"{type(e).__name__}: {e}"
    got = normalize_answer(s.answer, parts.labels)
    return got == normalize_answer(item.answer, parts.labels), f"{s.status.value} {got}"


_BACKEND = None


def _backend():  # one backend (and one pool of sandboxed Z3 workers) per process
    global _BACKEND
    if _BACKEND is None:
        from logic.backend import LogicBackend

        _BACKEND = LogicBackend()
    return _BACKEND
