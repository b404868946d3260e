"""Answers in words, with the premises of the unsat core as the reason."""

from __future__ import annotations

import re

from nesy.types import Solution, Status

__all__ = ["verbalize", "negate_sentence"]


def _clean(s: str) -> str:
    return s.strip().rstrip(".?!").strip()


def negate_sentence(s: str) -> str:
    """'Max is sour' -> 'Max is not sour' (and back); otherwise 'it is not the case that ...'."""
    s = _clean(s)
    for verb in (" is ", " are "):
        if f"{verb}not " in s:
            return s.replace(f"{verb}not ", verb, 1)
        if verb in s:
            return s.replace(verb, f"{verb}not ", 1)
    return f"it is not the case that {s[0].lower() + s[1:]}" if s else s


def _as_statement(question: str) -> str:
    """'Is Max sour?' -> 'Max is sour'."""
    m = re.match(r"^(is|are)\s+(\S+)\s+(.*?)\??$", question.strip(), re.I)
    if m:
        return f"{m.group(2)} {m.group(1).lower()} {m.group(3)}"
    return _clean(question)


def _reason(s: Solution) -> str:
    core = [_clean(p) for p in s.certificate.get("unsat_core", [])]
    return "; ".join(core)


def verbalize(s: Solution, *, statement: str = "", options: dict[str, str] | None = None) -> str:
    options = options or {}
    goal = _as_statement(statement) if statement else _clean(s.certificate.get("goal_texts", {}).get("conclusion", ""))
    if s.status == Status.UNSOLVABLE:
        return f"The premises are inconsistent: {_reason(s) or 'they contradict each other'}."
    if not s.status.solved:
        return f"Undetermined: {s.message or s.status.value}."
    if s.answer == "True":
        return f"True: {goal}, because: {_reason(s)}."
    if s.answer == "False":
        return f"False: {negate_sentence(goal)}, because: {_reason(s)}."
    if s.answer == "Unknown":
        return (f"Unknown: the premises neither prove nor refute that {goal}; "
                "each is consistent with them.")
    if s.answer in ("sat", "unsat"):
        return "The premises are satisfiable." if s.answer == "sat" else f"The premises are unsatisfiable: {_reason(s)}."
    text = options.get(str(s.answer)) or s.certificate.get("goal_texts", {}).get(str(s.answer), "")
    return f"{s.answer}) {_clean(text)}, because: {_reason(s)}."
