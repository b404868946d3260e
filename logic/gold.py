"""Gold formalizations: a deterministic converter for ProntoQA / ProofWriter templates, and
hand-written programs for a few FOLIO and LogicalDeduction items (logic/gold/*.logic).

The converter knows the datasets' sentence templates only; a sentence outside them raises
``ValueError`` so coverage is reported rather than guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

from logic.problem import singular_word

__all__ = ["convert_rules_text", "hand_written", "GOLD_DIR"]

GOLD_DIR = Path(__file__).with_name("gold")
_VERBS = {"chases", "chase", "eats", "eat", "likes", "like", "needs", "need", "sees", "see", "visits", "visit"}
_VAR_WORDS = {"something", "someone", "it", "they", "he", "she"}


def _cap(w: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[\s_-]+", w) if p)


class _Conv:
    def __init__(self) -> None:
        self.preds: dict[str, int] = {}
        self.consts: list[str] = []

    def pred(self, word: str, arity: int) -> str:
        name = _cap(singular_word(word.lower())) if arity == 1 else _cap(word.lower().removesuffix("s"))
        if self.preds.setdefault(name, arity) != arity:
            raise ValueError(f"{name} used with two arities")
        return name

    def term(self, words: str) -> str:
        w = words.strip()
        if w.lower() in _VAR_WORDS:
            return "x"
        w = re.sub(r"^(the|The)\s+", "", w)
        if not re.fullmatch(r"[A-Za-z ]+", w):
            raise ValueError(f"not an entity: {words!r}")
        name = _cap(w)
        if name not in self.consts:
            self.consts.append(name)
        return name

    def predicate(self, subj: str, phrase: str) -> str:
        """``is not a yumpus`` / ``are cold`` / ``sees the cat`` / ``does not eat the cow`` -> a literal."""
        p = phrase.strip().rstrip(".")
        m = re.fullmatch(r"(?:is|are)\s+(not\s+)?(?:an?\s+)?([a-z]+)", p)
        if m:
            return f"{'not ' if m.group(1) else ''}{self.pred(m.group(2), 1)}({subj})"
        m = re.fullmatch(r"(?:does|do)\s+not\s+([a-z]+)\s+(.+)", p)
        if m and m.group(1) in _VERBS:
            return f"not {self.pred(m.group(1), 2)}({subj}, {self.term(m.group(2))})"
        m = re.fullmatch(r"([a-z]+)\s+(.+)", p)
        if m and m.group(1) in _VERBS:
            return f"{self.pred(m.group(1), 2)}({subj}, {self.term(m.group(2))})"
        raise ValueError(f"unknown predicate phrase {phrase!r}")

    def clause(self, text: str, inherit: str | None) -> tuple[str, str]:
        """A clause with its subject; a bare ``young`` / ``not red`` inherits the previous subject."""
        t = text.strip()
        m = re.match(r"^(.*?)\s+((?:is|are|does|do)\b.*|(?:%s)\b.*)$" % "|".join(_VERBS), t)
        if m and m.group(1):
            subj = self.term(m.group(1))
            return subj, self.predicate(subj, m.group(2))
        if inherit is None:
            raise ValueError(f"clause without a subject: {text!r}")
        return inherit, self.predicate(inherit, "is " + t)

    def conds(self, text: str) -> list[str]:
        out, subj = [], None
        for part in re.split(r"\s+and\s+", text):
            subj, lit = self.clause(part, subj)
            out.append(lit)
        return out

    def sentence(self, s: str) -> str:
        s = s.strip().rstrip(".")
        m = re.fullmatch(r"If (.+?),? then (.+)", s)
        if m:
            body = f"{' and '.join(self.conds(m.group(1)))} -> {' and '.join(self.conds(m.group(2)))}"
            return f"forall x. {body}" if re.search(r"\bx\b", body) else body
        m = re.fullmatch(r"(?:Each|Every) ([a-z]+) that is ([a-z]+) is (.+)", s)
        if m:
            return (f"forall x. {self.pred(m.group(1), 1)}(x) and {self.pred(m.group(2), 1)}(x) -> "
                    f"{self.predicate('x', 'is ' + m.group(3))}")
        m = re.fullmatch(r"(?:Each|Every) ([a-z]+) (is .+)", s)
        if m:
            return f"forall x. {self.pred(m.group(1), 1)}(x) -> {self.predicate('x', m.group(2))}"
        m = re.fullmatch(r"(?:All )?([A-Za-z]+(?:,? [a-z]+)*) (?:things|people) are (.+)", s)
        if m:
            adjs = [a for a in re.split(r",\s*|\s+and\s+|\s+", m.group(1)) if a]
            cond = " and ".join(f"{self.pred(a, 1)}(x)" for a in adjs)
            return f"forall x. {cond} -> {self.predicate('x', 'is ' + m.group(2))}"
        m = re.fullmatch(r"(?:All )?([A-Z]?[a-z]+(?:es|s)) are (not )?([a-z]+)", s)
        if m and not (m.group(1)[0].isupper() and m.group(1) in self.consts):
            cls = self.pred(m.group(1), 1)
            return f"forall x. {cls}(x) -> {'not ' if m.group(2) else ''}{self.pred(m.group(3), 1)}(x)"
        subj, lit = self.clause(s, None)
        if subj == "x":
            raise ValueError(f"a fact about no one: {s!r}")
        return lit


def _sentences(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=\.)\s+", text.strip()) if p]


def convert_rules_text(context: str, statement: str) -> str:
    """ProntoQA / ProofWriter context + statement -> a gold program (raises ValueError)."""
    c = _Conv()
    lines = [f"premise: {c.sentence(s)}  # {s}" for s in _sentences(context)]
    conclusion = f"conclusion: {c.sentence(statement)}  # {statement}"
    decls = ([f"const {', '.join(c.consts)}"] if c.consts else []) + [f"pred {p}/{a}" for p, a in c.preds.items()]
    return "\n".join(decls + lines + [conclusion]) + "\n"


def hand_written() -> dict[str, str]:
    """Item id -> program, from logic/gold/<id>.logic (FOLIO) and <id>.csp (LogicalDeduction)."""
    return {p.stem: p.read_text() for p in sorted(GOLD_DIR.glob("*")) if p.suffix in (".logic", ".csp")}
