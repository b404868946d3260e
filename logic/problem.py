"""Reading a logic problem: premises, the statement asked about, options, answer format."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nesy.types import Problem

__all__ = ["ProblemParts", "split_problem", "normalize_answer", "name_candidates", "name_joiners", "LABELS",
           "singular_word"]

LABELS = {"true": "True", "false": "False", "unknown": "Unknown", "uncertain": "Unknown"}
_LEAD = re.compile(
    r"^(?:based on the above information, )?(?:is the following statement true(?:,)? (?:or )?false"
    r"(?:,? or (?:unknown|uncertain))?\?\s*)", re.I)
_OPTION = re.compile(r"^\s*([A-G])\)\s*(.*)$")


@dataclass(frozen=True)
class ProblemParts:
    premises: str
    statement: str  # the sentence whose truth is asked ("" for multiple choice)
    options: dict[str, str]  # letter -> option text
    labels: dict[str, str]  # letter -> True/False/Unknown where the options are those labels
    format: str  # "entailment" | "choice" | "csp"


def split_problem(problem: Problem) -> ProblemParts:
    ctx = problem.context or {}
    text = problem.text
    premises, question = ctx.get("premises"), ctx.get("question")
    if premises is None or question is None:
        if "Question:" in text:
            premises, _, question = text.partition("Question:")
        else:
            parts = re.split(r"(?<=[.!?])\s+", text.strip())
            premises, question = " ".join(parts[:-1]), parts[-1] if parts else ""
    question = question.strip()
    statement = _LEAD.sub("", question).strip()
    options: dict[str, str] = {}
    for o in ctx.get("options") or []:
        m = _OPTION.match(o)
        if m:
            options[m.group(1)] = m.group(2).strip()
    labels = {k: LABELS[v.lower().rstrip(".")] for k, v in options.items() if v.lower().rstrip(".") in LABELS}
    if options and len(labels) < len(options):
        fmt = ctx.get("format") or ("csp" if re.search(r"fixed order|in a row|from the (left|right)", text, re.I)
                                    else "choice")
        statement = ""
    else:
        fmt = ctx.get("format") or "entailment"
    return ProblemParts(premises.strip(), statement, options, labels, fmt)


def normalize_answer(answer: object, labels: dict[str, str]) -> str | None:
    """Letters become their label where options are True/False/Unknown; Uncertain is Unknown."""
    if answer is None:
        return None
    a = str(answer).strip().rstrip(".")
    if a in labels:
        return labels[a]
    return LABELS.get(a.lower(), a)


_STOP = {
    "the", "a", "an", "is", "are", "and", "or", "not", "if", "then", "it", "they", "every", "each", "all", "that",
    "something", "someone", "of", "to", "be", "was", "were", "either", "both", "neither", "nor", "who", "which",
    "things", "people", "thing", "this", "there", "in", "on", "at", "for", "with", "as", "by", "also", "does",
    "do", "no", "none", "some", "any", "following", "statement", "true", "false", "question", "based",
}


def singular_word(w: str) -> str:
    """A word's singular by its ending alone ("foxes" -> "fox", "ponies" -> "pony")."""
    if w.endswith("uses"):
        return w[:-2]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("xes", "shes", "sses", "ches", "zzes")) and len(w) > 4:  # "foxes", "coaches"
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us")) and len(w) > 3:
        return w[:-1]
    return w


def content_words(text: str) -> list[tuple[str, str]]:
    """The text's content words in order, each as (word, singular), both capitalised."""
    out: list[tuple[str, str]] = []
    for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text):
        w = w.replace("'", "").replace("-", "")
        if w and w.lower() not in _STOP:
            sing = singular_word(w)
            out.append((w[0].upper() + w[1:], sing[0].upper() + sing[1:]))
    return out


def name_candidates(text: str) -> list[str]:
    """Names a declaration may use: the text's content words, capitalised, also singularised."""
    return list(dict.fromkeys(form for pair in content_words(text) for form in pair))


def name_joiners(text: str) -> list[str]:
    """The words a multi-word name may continue with besides the content words: the text's
    other words and numbers, capitalised ("In" of ``LunchInCompany``, "1984")."""
    return list(dict.fromkeys(w[0].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", text)))
