"""What a rule-based text's words decide: individuals vs classes, relations and their
argument order, negation, and the shape of a sentence (fact, rule, "if ... then").

Small models turned "The cat needs the tiger." into ``Cat(Tiger)`` and "The cow is young."
into a rule about cows. Those choices are not the model's to make: "the cow" as the subject
of a fact is an individual, "needs" between two individuals is a two-place relation whose
first argument is the one before the verb, and "does not" negates it. ``Reader`` reads the
sentence shapes of ProntoQA / ProofWriter-style texts into one formula over names the
translator supplies; a sentence outside those shapes reads as ``None`` and is left to the
model's ranked or generated translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from logic.problem import singular_word

__all__ = ["Reader", "Literal", "entity_phrases", "camel", "VARIABLE_WORDS"]

VARIABLE_WORDS = {"something", "someone", "it", "they", "he", "she", "them", "everyone", "everything"}
_QUANT = {"all", "every", "each", "if", "some", "no", "a", "an", "the", "there", "any", "none", "most", "nobody",
          "everybody", "somebody", "anybody", "anyone"}
# words that are never a relation's verb nor part of a name
_FUNCTION = {"is", "are", "was", "were", "be", "does", "do", "not", "and", "or", "then", "if", "the", "a", "an",
             "that", "who", "which", "also", "things", "people", "thing", "person"} | VARIABLE_WORDS
_COPULA = r"(?:is|are|was|were)"
_OBJECT_END = r"(?=\s+(?:is|are|was|were|does|do|and|then)\b|\s*[,.?!]|\s*$)"


def camel(words: str) -> str:
    """``bald eagle`` -> ``BaldEagle``; an acronym is one word like any other (``reality TV
    show`` -> ``RealityTvShow``), so that a name is spelled one way however a sentence cases it."""
    return "".join(p.capitalize() if len(p) > 1 and p.isupper() else p[:1].upper() + p[1:]
                   for p in re.split(r"[\s_-]+", words.strip()) if p)


def canonical(name: str) -> str:
    """A name spelled as ``camel`` spells it: ``RealityTVShow`` -> ``RealityTvShow``."""
    return re.sub(r"[A-Z]{2,}(?=[A-Z][a-z]|[0-9]|$)", lambda m: m.group(0).capitalize(), name)


@lru_cache(maxsize=4096)
def _adjective(word: str) -> bool:
    from lemminflect import getAllLemmas

    return "ADJ" in getAllLemmas(word)


_CONNECTIVE = {"either", "neither", "both"}  # open a sentence ("Either pilots or ..."), never name one


def entity_phrases(text: str) -> dict[str, str]:
    """The individuals a text names, as lower-case phrase -> constant name.

    Names are capitalised words used as a subject or an object (not sentence-initial
    quantifiers, not plural class words before "are"); "the X" phrases are individuals when
    the words fix where the phrase ends: before a copula/auxiliary, "and", "then" or the end
    of a clause ("The cow is young.", "... likes the bald eagle."). A phrase that is only ever
    a subject before a verb ("The bald eagle chases ...") is found by ``Reader`` in context.
    """
    found: dict[str, str] = {}
    for m in re.finditer(r"\b[Tt]he ((?:[a-z]+ ){0,2}[a-z]+)" + _OBJECT_END, text):
        words = m.group(1)
        if not set(words.split()) & _FUNCTION:
            found.setdefault(words, camel(words))
    for sentence in re.split(r"(?<=[.?!])\s+|\n+", text):
        sentence = re.sub(r"^\[[A-Z]+\]\s*", "", sentence)  # FOLIO's "[BG]" (background) marker opens no name
        toks = re.findall(r"[A-Za-z][A-Za-z'-]*", sentence)
        for i, w in enumerate(toks):
            if not w[0].isupper() or w.lower() in _QUANT or w.lower() in _FUNCTION | _CONNECTIVE:
                continue
            nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
            if i == 0 and nxt not in ("is", "was", "does", "has") and (not re.fullmatch(r"[a-z]+s", nxt)
                                                                     or nxt in ("always", "sometimes", "perhaps")):
                continue  # "Yumpuses are ...", "Round people are ...": a class, not a name
            if i == 0 and nxt not in ("is", "was", "does", "has") and _adjective(w.lower()) \
                    and not re.search(rf"(?<![.?!]\s)(?<!^)\b{w}\b", text):
                continue  # "Brave pilots fly jets": an adjective, where the text never names "Brave" mid-sentence
            if i == 0 and nxt == "is" and w.lower() != singular_word(w.lower()) and w.lower().endswith("es"):
                continue
            found.setdefault(w.lower(), w[0].upper() + w[1:])
    return found


# past tenses that do not end in -ed: "Beethoven wrote ...", "Harry read ..."
IRREGULAR_PAST = {"wrote", "made", "took", "gave", "won", "lost", "sold", "left", "led", "ran", "saw", "became",
                   "began", "grew", "held", "built", "bought", "taught", "found", "got", "went", "came", "knew",
                   "met", "read", "said", "told", "spent", "drove", "ate", "flew", "fought", "brought", "chose"}

@dataclass(frozen=True)
class Literal:
    words: str  # the predicate's words: "young", "chases", "left of"
    args: tuple[str, ...]  # constant names or "x"
    negated: bool = False


# name(words, arity) -> the predicate's declared name
Namer = Callable[[str, int], str]


class Reader:
    """Reads sentences into formulas; ``constants`` maps lower-case phrases to names."""

    def __init__(self, constants: dict[str, str], name: Namer) -> None:
        self.constants = dict(constants)
        self.name = name
        self.used_constants: dict[str, None] = {}  # in the order the text first names them
        self.relations: set[str] = set()  # the words of two-place predicates met so far

    # -- terms -------------------------------------------------------------------------

    def term(self, phrase: str) -> str | None:
        """A constant's name, ``x`` for "something"/"it", or None when the phrase names no individual."""
        p = phrase.strip().strip(",")
        low = p.lower()
        if low in VARIABLE_WORDS:
            return "x"
        low = re.sub(r"^the\s+", "", low)
        if low in self.constants:
            self.used_constants.setdefault(self.constants[low])
            return self.constants[low]
        # "the bald eagle" (lower case: "The Nile flows" is no phrase), not "the city of" before a name
        if p.lower().startswith("the ") and re.fullmatch(r"[a-z]+(?: [a-z]+){0,2}", p[4:]) \
                and low.split()[-1] not in ("of", "in", "at", "on", "from", "to", "for", "with", "by") \
                and not set(low.split()) & _FUNCTION and not (len(low.split()) > 1 and _verb_form(low.split()[-1])):
            # (not "the film premiered", "the band plays": a subject, then its verb)
            self.constants[low] = camel(low)  # "the bald eagle" as a subject before a verb
            self.used_constants.setdefault(self.constants[low])
            return self.constants[low]
        return None

    # -- one clause: subject + what is said of it ---------------------------------------

    def predicate(self, subject: str, phrase: str) -> list[Literal] | None:
        p = phrase.strip().rstrip(".").strip()
        m = re.fullmatch(_COPULA + r"\s+(not\s+)?(?:an?\s+)?([a-z]+)", p)
        if m:
            return [Literal(m.group(2), (subject,), bool(m.group(1)))]
        # "is (not) (to the) left of the cat", "is older than Bob": a two-place relation
        m = re.fullmatch(_COPULA + r"\s+(not\s+)?(?:to the\s+|on the\s+|the\s+|an?\s+)?([a-z]+(?: [a-z]+)?\s+(?:of|than|to))\s+(.+)", p)
        if m and (obj := self.term(m.group(3))) is not None:
            return [Literal(m.group(2), (subject, obj), bool(m.group(1)))]
        m = re.fullmatch(r"(?:does|do)\s+not\s+([a-z]+)\s+(.+)", p) or re.fullmatch(r"(?:doesn't|don't)\s+([a-z]+)\s+(.+)", p)
        if m and m.group(1) not in _FUNCTION and (obj := self.term(m.group(2))) is not None:
            self.relations.add(_verb(m.group(1)))
            return [Literal(_verb(m.group(1)), (subject, obj), True)]
        m = re.fullmatch(r"([a-z]+)\s+(.+)", p)
        if m and m.group(1) not in _FUNCTION and (obj := self.term(m.group(2))) is not None:
            self.relations.add(_verb(m.group(1)))
            return [Literal(_verb(m.group(1)), (subject, obj), False)]
        return None

    def clause(self, text: str, inherit: str | None) -> tuple[str, list[Literal]] | None:
        """One clause; a bare "young" / "not red" / "chases the cat" keeps the previous subject."""
        t = text.strip().strip(",").strip()
        words = t.split()
        # the subject is the shortest prefix naming an individual or a variable that leaves a predicate
        for k in range(1, min(len(words), 5)):
            subj = self.term(" ".join(words[:k]))
            if subj is None:
                continue
            lits = self.predicate(subj, " ".join(words[k:]))
            if lits is not None:
                return subj, lits
        if inherit is None:
            return None
        for phrase in (t, "is " + t):
            lits = self.predicate(inherit, phrase)
            if lits is not None:
                return inherit, lits
        return None

    def conjunction(self, text: str, inherit: str | None = None) -> list[Literal] | None:
        out: list[Literal] = []
        subj = inherit
        for part in re.split(r",?\s+and\s+|,\s+", text.strip()):
            got = self.clause(part, subj)
            if got is None:
                return None
            subj, lits = got
            out += lits
        return out

    # -- one sentence ------------------------------------------------------------------

    def literals(self, sentence: str) -> tuple[list[Literal], list[Literal]] | None:
        """(body, head) of a sentence; the body is empty for a fact. None: not a shape read here."""
        s = re.sub(r"^(?:based on the above information, )?(?:is the following statement true.*?\?\s*)", "",
                   sentence.strip(), flags=re.I).rstrip(".?!").strip()
        m = re.fullmatch(r"[Ii]f (.+?),? then (.+)", s)
        if m:
            body = self.conjunction(m.group(1))
            head = self.conjunction(m.group(2), "x" if body and any("x" in b.args for b in body) else None)
            named = {b.args[0] for b in body or []}
            if head and len(named) == 1 and "x" not in named and not any("x" in b.args for b in body or []):
                # "If Nora is lazy, then she is tired": the pronoun is the one the condition names
                one = named.pop()
                head = [Literal(h.words, tuple(one if a == "x" else a for a in h.args), h.negated) for h in head]
            return (body, head) if body and head else None
        m = re.fullmatch(r"(?:[Ee]ach|[Ee]very) ([a-z]+) that is ([a-z]+) is (.+)", s)
        if m:
            head = self.predicate("x", "is " + m.group(3))
            return ([Literal(m.group(1), ("x",)), Literal(m.group(2), ("x",))], head) if head else None
        m = re.fullmatch(r"(?:[Ee]ach|[Ee]very) ([a-z]+) ((?:is|does)\b.+|[a-z]+ .+)", s)
        if m and not is_past(m.group(2).split()[0]):  # "Every boat built by Ada floats": the class goes on
            head = self.conjunction(m.group(2), "x")
            return ([Literal(m.group(1), ("x",))], head) if head else None
        m = re.fullmatch(r"(?:[Aa]ll )?([A-Za-z]+(?:,? (?:and )?[a-z]+)*) (?:things|people|ones) are (.+)", s)
        if m and m.group(1).split()[0].lower() not in _QUANT - {"all"}:  # "No rich people ...": not a class
            adjs = [a for a in re.split(r",\s*|\s+and\s+|\s+", m.group(1)) if a]
            head = self.conjunction("they are " + m.group(2))
            return ([Literal(a.lower(), ("x",)) for a in adjs], head) if head else None
        m = re.fullmatch(r"(?:[Aa]ll )?([A-Za-z]+) are (.+)", s)
        if m and m.group(1).lower() not in self.constants and m.group(1).lower() not in _FUNCTION:
            head = self.conjunction("they are " + m.group(2))
            return ([Literal(singular_word(m.group(1).lower()), ("x",))], head) if head else None
        facts = self.conjunction(s)
        if not facts or any("x" in f.args for f in facts):
            return None  # a "fact" about no one is not a shape read here
        return [], facts

    def read(self, sentence: str) -> str | None:
        """The sentence as one formula, or None when its shape is not one read here."""
        got = self.literals(sentence)
        if got is None:
            return None
        body, head = got
        head_text = " and ".join(dict.fromkeys(self._lit(h) for h in head))  # no conjunct twice
        if not body:
            return head_text
        body_text = " and ".join(dict.fromkeys(self._lit(b) for b in body))
        formula = f"{body_text} -> {head_text}"
        return f"forall x. {formula}" if any("x" in lit.args for lit in [*body, *head]) else formula

    def _lit(self, lit: Literal) -> str:
        name = self.name(lit.words, len(lit.args))
        return f"{'not ' if lit.negated else ''}{name}({', '.join(lit.args)})"


def _verb(word: str) -> str:
    """The verb's words as the relation is named by: "chases"/"chase"/"chased" -> "chase",
    "teaches" -> "teach"."""
    if is_past(word):
        return past_lemma(word)
    return word[:-2] if re.search(r"(?:ch|sh|ss|x|z)es$", word) and len(word) > 4 else singular_word(word)


def _verb_form(word: str) -> bool:
    """A past tense, or a verb agreeing with one ("plays"; not "lions")."""
    from lemminflect import getAllLemmas

    return is_past(word) or (word.endswith("s") and "VERB" in getAllLemmas(word))


def is_past(word: str) -> bool:
    w = word.lower()
    return w in IRREGULAR_PAST or (len(w) > 4 and w.endswith("ed") and not w.endswith("eed"))


@lru_cache(maxsize=4096)
def past_lemma(word: str) -> str:
    """A past tense's base form from lemminflect's word lists ("wrote" -> "write"); the word
    itself when they have none."""
    from lemminflect import getLemma

    got = getLemma(word.lower(), upos="VERB")
    return got[0] if got and got[0] else word.lower()
