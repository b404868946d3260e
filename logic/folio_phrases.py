"""The phrases of a FOLIO-style sentence read into formulas over a term: a named individual,
a class ("a wild turkey"), what follows a copula, a verb phrase, a generic subject ("an
employee ..."), the class of "All NP ...". ``logic.folio.FolioReader`` reads whole sentences
with them."""

from __future__ import annotations

import re
from collections.abc import Callable

from logic.english import (
    AUX, DROP, FUNCTION_WORDS, NEG_AUX, OPEN, PERSON, PREPOSITIONS, QUANT_START, THING, article, is_bare_verb,
    is_base_verb, is_nominal, is_participle, is_plural_noun, is_verb_s, lemma, lemmas, normalize_phrase,
    progressive, to_ascii,
)
from logic.formula_text import group, neg
from logic.phrases import camel, is_past

__all__ = ["Namer", "PhraseReader", "constant_name"]

Namer = Callable[[str, int], str]


# "neither A nor B", "either A or B" (exclusive, as FOLIO means it), "both A and B"
_CONNECTIVES: tuple[tuple[str, str, Callable[[str, str], str]], ...] = (
    ("neither", "nor", lambda a, b: f"{neg(a)} and {neg(b)}"),
    ("either", "or", lambda a, b: f"({group(a)} xor {group(b)})"),
    ("both", "and", lambda a, b: f"{a} and {b}"),
)


def _connected(phrase: str, read: Callable[[str], str | None]) -> tuple[bool, str | None]:
    """(whether a two-part connective opens the phrase, the joined reading of its parts or None).

    Every place of the second word is tried ("either both a twin or triplet and ..., or
    neither ..."): the reading is the one cut whose two sides both read, never a guess between two."""
    for opener, sep, join in _CONNECTIVES:
        if not phrase.startswith(opener + " "):
            continue
        body = phrase[len(opener) + 1:]
        got = set()
        for m in re.finditer(rf",? {sep} ", body):
            a, b = read(body[:m.start()]), read(body[m.end():])
            if a is not None and b is not None:
                got.add(join(a, b))
        return True, got.pop() if len(got) == 1 else None
    return False, None


class PhraseReader:
    """Reads the phrases of a sentence into formulas over a term; ``name`` names predicates,
    ``constants`` maps lower-case phrases to constant names (shared with ``logic.phrases.Reader``)."""

    def __init__(self, constants: dict[str, str], used_constants: dict[str, None], name: Namer) -> None:
        self.constants = constants
        self.used_constants = used_constants
        self.name = name
        self.verbs: set[str] = set()  # base forms of the verbs the read phrases begin with
        self.kinds: set[str] = set()  # phrases ``_kind`` made constants ("machine translation")

    # -- terms -----------------------------------------------------------------------------

    def individual(self, phrase: str) -> str | None:
        """A named individual: a known constant, a capitalised name, or a quoted title."""
        p = phrase.strip().strip(",").strip('"“”')
        p = re.sub(r"^[Tt]he (?=[A-Z0-9])", "", p)  # "The Legend of Zelda", "the South Shetland Islands"
        low = to_ascii(p).lower()
        if low.startswith("the ") and low[4:] in self.constants:  # "the film", an individual the text knows
            low = low[4:]
        if low in self.constants:
            c = self.constants[low]
        elif re.fullmatch(r"(?:[A-Z0-9][\w’'.-]*)(?: (?:[A-Z0-9][\w’'.-]*|of|de|du|von|van))*", to_ascii(p)) \
                and not QUANT_START.match(p) and not p.endswith(("’s", "'s")):
            c = constant_name(p)
            self.constants[low] = c
        else:
            return None
        self.used_constants.setdefault(c)
        return c

    def _names(self, phrase: str) -> list[str] | None:
        """"Snow Island, Greenwich Island, and Deception Island" -> their constants; None unless
        every item is a named individual."""
        items = [x for x in re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase.strip()) if x]
        if len(items) < 2 or not all(re.match(r"(?:the )?[A-Z0-9]", x) for x in items):
            return None
        got = [self.individual(re.sub(r"^the ", "", x)) for x in items]
        return None if None in got else got  # type: ignore[return-value]

    # -- phrases ---------------------------------------------------------------------------

    def unary(self, phrase: str, term: str) -> str | None:
        words = normalize_phrase(phrase)
        if not set(words.split()) & FUNCTION_WORDS:  # "a grumpy person" (not "the lives of real people")
            words = re.sub(r"(?<=.) (?:person|people|thing|one)$", "", words)
        if not words or words.split()[-1] in OPEN or words in PERSON | THING or words[0].isdigit():
            return None
        return f"{self.name(words, 1)}({term})"

    def complement(self, phrase: str, term: str) -> str | None:
        """What follows a copula: "a wild turkey", "not evil", "kind or a CEO", "neither A nor B"."""
        p = re.sub(r",? but not ", " and not ", phrase.strip())  # "a pilot but not a sailor"
        p = re.sub(r",? as well as ", " and ", p)  # "a pilot as well as a sailor"
        # "a type of sailboat" is a sailboat ("a kind of", "a form of", "a breed of")
        p = re.sub(r"^(not )?(?:a|an|one) (?:type|kind|sort|form|variety|species|breed) of ([a-z][a-z -]*)$",
                   lambda m: f"{m.group(1) or ''}{article(m.group(2))} {m.group(2)}", p)
        p = re.sub(r"^not (an? [a-z]+(?: [a-z]+)?),? but (an? [a-z]+(?: [a-z]+)?)$", r"\2 and not \1", p)  # "not a dog but a cat"
        if m := re.fullmatch(r"not (.+)", p):
            inner = self.complement(m.group(1), term)
            return None if inner is None else neg(inner)
        if m := re.fullmatch(r"an? ((?:1[5-9]|20)\d\d) ([A-Za-z][a-z]+(?: .+)?)", p):  # "a 2015 film": a film, from 2015
            what = self.complement(f"{article(m.group(2))} {m.group(2)}", term)
            return None if what is None else f"{what} and {self.name('from ' + m.group(1), 1)}({term})"
        if m := re.fullmatch(r"(?:either )?([^,]+(?:, [^,]+)+),? (or|and) ([^,]+)", p):
            # "kayaks, canoes, or yachts": one of them (each listed the same way; "either" over
            # three is still "one of them", not a chain of two-way xors)
            items = [*m.group(1).split(", "), m.group(3)]
            if any(len(x.split()) > 5 or re.search(r"\b(?:who|that|or|and)\b", x) for x in items):
                return None
            got = [self.complement(x, term) for x in items]
            if None in got:
                return None
            return " and ".join(got) if m.group(2) == "and" else "(" + " or ".join(group(g) for g in got) + ")"
        matched, got = _connected(p, lambda x: self.complement(x, term))
        if matched:
            return got
        for op in (" or ", " and "):
            if op in p:
                parts = p.split(op)
                # "kind or a CEO": each part a short complement of its own (up to four words, or
                # five between "or"s: "not a Merriam's wild turkey or a Rio Grande wild turkey"),
                # or each a class with its clause ("a pilot who flies jets or a sailor who sails")
                relative = [re.search(r"\b(?:who|that)\b", x) is not None for x in parts]
                if any(relative) and not all(re.fullmatch(r"an? \w.* (?:who|that) .+", x) for x in parts):
                    return None  # "a pilot who flies jets or boats": the "or" may join inside the clause
                if any(relative) or all(1 <= len(x.split()) <= (5 if op == " or " else 4) for x in parts):
                    got = [self.complement(x, term) for x in parts]
                    if None in got:
                        return None
                    if op == " and ":
                        return " and ".join(got)
                    return "(" + " or ".join(f"({g})" if " and " in g else g for g in got) + ")"
                return None
        if (m := re.fullmatch(r"([^,]+), (\w+ .+)", p)) and is_past(m.group(2).split()[0]) \
                and "," not in m.group(2):  # "a wrestling stable, formed in WWE": both are said of it
            a, b = self.complement(m.group(1), term), self.complement(m.group(2), term)
            return None if a is None or b is None else f"{a} and {b}"
        if re.search(r"\b(?:who|that|which)\b", p):  # "people who have a child", "a student who works ..."
            conds = self.noun_group(p, term)
            return None if not conds else " and ".join(conds)
        if re.search(r"\b(?:when|because|if|whose)\b", p):
            return None  # "a sailor whose boat is red": what is said is of another thing
        m = re.fullmatch(r"([a-z]+) by ([A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*)", p)
        if m and is_participle(m.group(1)) and (c := self.individual(m.group(2))) is not None:
            return f"{self.name(normalize_phrase(m.group(1)), 2)}({c}, {term})"  # "loved by Nora": Nora loves it
        if (verb := progressive(p)) is not None:  # "is taking the course": "takes the course"
            return self.verb_phrase(verb, term)
        # "a student working in the lab": the class, and what it does
        if (conds := self.participle(p, term) or self.located(p, term)) is not None:
            return " and ".join(conds)
        if re.fullmatch(r"[a-z]+", p) and is_past(p) and "ADJ" in lemmas(p):
            return f"{self.name(p, 1)}({term})"  # "is tired" names Tired, as every reader names it
        return self.unary(p, term)

    def located(self, phrase: str, term: str) -> list[str] | None:
        """"an animal from Australia", "a city in Montana": the class, and where it is from or in,
        each said on its own so that "is in the Top 10 list" chains with "games in the Top 10 list"."""
        m = re.fullmatch(r"(?:(?:a|an) )?([a-z][\w-]*(?: [a-z][\w-]*){0,2}) (in|from|at|on) (.+)", phrase)
        if not m or any(not is_nominal(w) for w in m.group(1).split()):
            return None
        cls, where = self.unary(m.group(1), term), self.unary(f"{m.group(2)} {m.group(3)}", term)
        return None if cls is None or where is None else [cls, where]

    def participle(self, phrase: str, term: str) -> list[str] | None:
        """"a student working in the lab": the class, and what it does. Only with a preposition
        or an article after the -ing word ("a professional wrestling stable" is one class), or
        after a plural class ("lakes containing silica")."""
        m = re.fullmatch(r"(?:(?:a|an) )?([a-z]+) (\w+ing) ((\w+).*)", phrase)
        # (or a plural class, an -ing word that is no noun, and its object: "lakes containing silica")
        plain = m is not None and (m.group(1) == "people" or is_plural_noun(m.group(1))) and "NOUN" not in lemmas(m.group(2))
        if m and (m.group(4) in OPEN | FUNCTION_WORDS or plain) and (verb := progressive(
                f"{m.group(2)} {m.group(3)}", before_preposition=m.group(4) in PREPOSITIONS)):
            does = self.verb_phrase(verb, term)
            if m.group(1) in PERSON | THING and does is not None:
                return [does]  # "people living in Bergen": anyone who lives there
            cls = self.unary(m.group(1), term)
            if cls is not None and does is not None:
                return [cls, does]
        # a past participle the same way: "a novel written in 2003" is a novel, written in 2003
        # (and "a football team based in Oslo": a class of nouns)
        # (and an adjective with its preposition after the class: "a small fox native to the Arctic")
        words = re.sub(r"^(?:a|an) ", "", phrase).split()
        k = next((k for k in (1, 2, 3) if k + 2 <= len(words) and re.fullmatch(r"[a-z]+", words[k])
                  and (is_participle(words[k]) and words[k + 1] in OPEN | FUNCTION_WORDS
                       or "ADJ" in lemmas(words[k]) and words[k + 1] in PREPOSITIONS
                       and is_nominal(words[k - 1]) and "ADJ" not in lemmas(words[k - 1]))), None)
        # (the first word may be a capitalised adjective before a noun: "a Norwegian drama film")
        if k is not None and all(re.fullmatch(r"[a-z]+" if i or k == 1 else r"[A-Za-z][a-z]+", w) for i, w in enumerate(words[:k])) \
                and all(is_nominal(w) for w in words[:k - 1]):
            cls = self.unary(" ".join(words[:k]), term)
            done = self.complement(" ".join(words[k:]), term)
            if cls is not None and done is not None:
                return [cls, done]
        return None

    def verb_phrase(self, phrase: str, term: str) -> str | None:
        """A predicate said of ``term``: "is a manager", "does not teach", "leads Diamond Mine",
        "either studies or teaches", "neither teaches nor is a manager"."""
        p = re.sub(r"\s+", " ", phrase.strip().strip(",").rstrip(".")).strip()
        # "will either have ...", "must be happy": the modal says nothing; nor does "therefore"
        p = re.sub(r"^(?:will|would|must|shall|should|can|often|always|also) (?!not\b)", "", p)
        p = re.sub(r"^(is|are|was|were|does|do) (?:therefore|thus|hence|consequently|accordingly),? ", r"\1 ", p)
        p = re.sub(r"^(?:therefore|thus|hence|consequently|accordingly),? ", "", p)
        p = re.sub(r"^(?:has|have) no (?=[a-z])", "does not have a ", p)  # "has no boat": does not have one
        if (m := re.match(r"(?:has|have|had) (\w+)\b", p)) and m.group(1) != "been" \
                and (is_past(m.group(1)) or is_participle(m.group(1))):
            p = p[p.index(" ") + 1:]  # "has won the race" says it won the race
        if not p:
            return None
        if (m := re.fullmatch(r"(.+?),? (and|or|but) (?:they|he|she|it) (.+)", p)) \
                and (a := self.verb_phrase(m.group(1), term)) is not None \
                and (b := self.verb_phrase(m.group(3), term)) is not None:  # "is not a sailor and they are brave"
            return f"({group(a)} or {group(b)})" if m.group(2) == "or" else f"{group(a)} and {group(b)}"
        if m := re.fullmatch(r"(?:is|are) (either [^,]+(?:, [^,]+)+,? or [^,]+)", p):
            return self.complement(m.group(1), term)  # "are either kayaks, canoes, or yachts": a list
        if m := re.fullmatch(r"(?:is|are) ((?:either|neither|both) .+)", p):
            return self._mixed(m.group(1), term)  # "is either a manager and appears ... or neither ..."
        if (got := self._coordinated(p, term)) is not None:
            return got
        matched, got = _connected(p, lambda x: self.verb_phrase(x, term))
        if matched:
            return got
        for op in (" and ", " or "):  # before a negation: "does not travel ... and does not have ..."
            split = self._verb_split(p, op)
            if split and (cop := re.match(r"(?:is|are|was|were) ", split[0])) and split[1].startswith("not "):
                split[1] = cop.group(0) + split[1]  # "is a pilot and not brave": is not brave
            if split:
                got = [self.verb_phrase(x, term) for x in split]
                if None in got:
                    return None
                return "(" + " or ".join(got) + ")" if op == " or " else " and ".join(got)
        if m := re.fullmatch(r"(?:is|are|am|was|were|be) (.+)", p):  # "be": "will be selected ..."
            return self.complement(m.group(1), term)
        if m := re.fullmatch(NEG_AUX + r" (.+)", p):
            inner = self.verb_phrase(m.group(1), term)
            return None if inner is None else neg(inner)
        if m := re.fullmatch(r"(?:do|does) (.+)", p):
            return self.verb_phrase(m.group(1), term)
        # "created a podcast called Family Secrets", "sails the yacht Blue Heron": the relation to
        # the named one, and the class the words before its name say
        # ("created the game the Legend of Zelda"; "read the book Walden by Henry Thoreau": the
        # book, whoever wrote it)
        m = re.fullmatch(r"([a-z]+) (?:(?:a|an|the) ([a-z][a-z -]*?) (?:called|named|titled) |the ([a-z]+) (?:the )?)"
                         r"([A-Z].*?)(?: by [A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*)?", p)
        if m and m.group(1) not in AUX | OPEN and (c := self.individual(m.group(4))) is not None:
            cls = self.unary(m.group(2) or m.group(3), c)
            return None if cls is None else f"{self.name(normalize_phrase(m.group(1)), 2)}({term}, {c}) and {cls}"
        # "includes Snow Island, Greenwich Island, and Deception Island": one fact per object
        # ("includes the cities of Butte, Helena, and Missoula": each one is a city too)
        first, _, objects = p.partition(" ")
        kind = re.fullmatch(r"the ([a-z]+(?: [a-z]+)?) of (.+)", objects)
        if re.fullmatch(r"[a-z]+", first) and first not in AUX | OPEN \
                and (objs := self._names(kind.group(2) if kind else objects)) is not None:
            said = [f"{self.name(normalize_phrase(first), 2)}({term}, {c})" for c in objs]
            classes = [self.unary(kind.group(1), c) for c in objs] if kind else []
            return None if None in classes else " and ".join(said + classes)  # type: ignore[arg-type]
        # "lives in Norway or Sweden": the one relation to either ("either ... or": to one only)
        m = re.fullmatch(r"([a-z]+(?: (?:in|at|to|for|with|from|on))?) (either )?([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) or "
                         r"([A-Z][\w'-]*(?: [A-Z][\w'-]*)*)", p)
        if m and m.group(1).split()[0] not in AUX | OPEN and "VERB" in lemmas(m.group(1).split()[0]) \
                and (a := self.individual(m.group(3))) is not None and (b := self.individual(m.group(4))) is not None:
            r = self.name(normalize_phrase(m.group(1)), 2)
            return f"({r}({term}, {a}) {'xor' if m.group(2) else 'or'} {r}({term}, {b}))"
        # an object's own relative clause with a copula ("have siblings who are the same age") is part of the phrase
        plain = re.sub(r"^(\w+ (?:[a-z-]+ ){1,3})(?:who|that) (?:is|are) ([a-z -]+)$", r"\1 \2", p)
        if re.search(r"\b(?:or|nor|who|that|which|when|because|if|not|n't)\b|[,;:]", plain) or any(
                lemma(w) in self.verbs | AUX for w in re.findall(r"\band (\w+)", p)):
            return None  # words that join or qualify clauses: not one predicate
        words = p.split()
        if words[0].lower() in OPEN or words[0].lower() in ("be", "have"):
            if words[0].lower() != "have" or len(words) < 2:
                return None
        # a verb whose object is a named individual: a relation ("leads Diamond Mine")
        if len(words) >= 2 and re.fullmatch(r"[a-z]+", words[0]):
            for k in (1, 2):
                obj = " ".join(words[k:])
                if obj and obj[0].isupper() and (c := self.individual(obj)) is not None:
                    verb = normalize_phrase(" ".join(words[:k]))
                    return f"{self.name(verb, 2)}({term}, {c})" if verb else None
            # "shares Stranger Things to Lisa": the named object, then a short prepositional tail
            # that joins the verb's name (the same relation as "... share it to Lisa")
            for end in range(len(words) - 1, 1, -1):
                tail = words[end:]
                if words[1][0].isupper() and tail[0] in ("to", "for", "with", "from") and len(tail) <= 3 \
                        and (c := self.individual(" ".join(words[1:end]))) is not None:
                    verb = normalize_phrase(" ".join([words[0], *tail]))
                    return f"{self.name(verb, 2)}({term}, {c})"
        got = self.unary(plain, term)
        if got is not None:
            self.verbs.add(lemma(words[0]))  # a verb of the text: it may end a class in "All ... who ..."
        return got

    def _coordinated(self, p: str, term: str) -> str | None:
        """One verb and two objects ("likes cats or dogs", "likes neither cats nor dogs"), or two
        verbs alone ("sings and dances"): what is said of each, joined as the words join them."""
        m = re.fullmatch(r"(either |neither |both )?([a-z]+) (either |neither |both )?((?:an? |the )?[a-z]+) (or|and|nor) ((?:an? |the )?[a-z]+)", p)
        if m and not (m.group(1) and m.group(3)) and "VERB" in lemmas(m.group(2)) \
                and m.group(2) not in (AUX - {"has", "have", "had"}) | {"be", "am", "been"} \
                and not {m.group(4), m.group(6)} & FUNCTION_WORDS:
            conn, verb, op = (m.group(1) or m.group(3) or "").strip(), m.group(2), m.group(5)
            parts = [self.verb_phrase(f"{verb} {m.group(4)}", term), self.verb_phrase(f"{verb} {m.group(6)}", term)]
        elif (m := re.fullmatch(r"(either |neither |both )?([a-z]+) (or|and|nor) ([a-z]+)", p)) \
                and all(m.group(2).endswith("s") == w.endswith("s") and "VERB" in lemmas(w) and w not in AUX
                        for w in (m.group(2), m.group(4))):
            conn, op = (m.group(1) or "").strip(), m.group(3)
            parts = [self.verb_phrase(m.group(2), term), self.verb_phrase(m.group(4), term)]
        else:
            return None
        if None in parts:
            return None
        a, b = parts
        joined = {("", "or"): f"({a} or {b})", ("", "and"): f"{a} and {b}", ("either", "or"): f"({a} xor {b})",
                  ("both", "and"): f"{a} and {b}", ("neither", "nor"): f"{neg(a)} and {neg(b)}"}
        return joined.get((conn, op))

    def _mixed(self, phrase: str, term: str) -> str | None:
        """A part of a connective after a copula, where complements and verb phrases mix:
        "a manager and appears in the company today", "he neither is a twin or triplet nor ..."."""
        p = re.sub(r"^(?:he|she|it|they|he/she) ", "", phrase.strip().strip(","))
        matched, got = _connected(p, lambda x: self._mixed(x, term))
        if matched:
            return got
        for op in (" and ", " or "):
            parts = p.split(op)
            # after a verb phrase the other side is one too: "enjoys meals and recipes" is one phrase
            if len(parts) == 2 and not (self._verb_like(parts[0]) and not self._verb_like(parts[1])):
                a, b = self._mixed(parts[0], term), self._mixed(parts[1], term)
                if a is not None and b is not None:
                    return f"({group(a)} or {group(b)})" if op == " or " else f"{group(a)} and {group(b)}"
        return self.verb_phrase(p, term) if self._verb_like(p) else self.complement(p, term)

    @staticmethod
    def _verb_like(phrase: str) -> bool:
        first = phrase.split()[0].lower() if phrase.split() else ""
        return first in AUX or bool(re.fullmatch(r"[a-z]+[^s]s", first))

    def _verb_split(self, p: str, op: str) -> list[str] | None:
        """Split "works in X and needs Y" at an ``op`` where both sides begin like verbs of
        the same inflection ("works" / "needs") or the right side with an auxiliary or a verb
        the text uses elsewhere; "meals and recipes", "hosted X and Y Games" stay one phrase."""
        if re.match(r"(?:either|neither|both)\b", p):  # "either ... or ...": one connective
            return None
        at = [m.start() for m in re.finditer(re.escape(op), p)]
        for i in at:
            left, right = p[:i], p[i + len(op):]
            if left.endswith(",") or not left or not right:
                continue
            a, b = left.split()[0], right.split()[0]
            if not re.fullmatch(r"[a-z']+", b) or not re.fullmatch(r"[a-z']+", a):
                continue
            if b in AUX - {"either", "neither", "both"}:
                return [left, right]
            if re.fullmatch(r"[a-z]+[^s]s", b) and lemma(b) in self.verbs and len(right.split()) >= 2:
                return [left, right]  # "is not a picky eater and spends ...": a verb the text uses elsewhere
            rb = right.split()
            if len(at) == 1 and a in ("is", "are", "was", "were") and re.fullmatch(r"[a-z]+[^s]s", b) \
                    and "VERB" in lemmas(b) and len(rb) >= 2 and ("NOUN" not in lemmas(b) or rb[1] in PREPOSITIONS
                                                                  or rb[1] in ("a", "an", "the") or rb[1][0].isupper()):
                return [left, right]  # "is a pilot and lives in Oslo": a copula's phrase, then a verb's
            if a in OPEN | DROP or b in OPEN | DROP or len(left.split()) < 2 or len(right.split()) < 2:
                continue
            if len(at) == 1 and a.endswith("s") and b.endswith("s") and not b.endswith("ss"):
                return [left, right]
            if len(at) == 1 and a not in AUX and is_bare_verb(a) and is_bare_verb(b) \
                    and ("NOUN" not in lemmas(b) or lemma(b) in self.verbs or rb[1] in ("a", "an", "the")):
                return [left, right]  # after a plural: "tidy their rooms and enjoy the process of cleaning"
        return None

    # -- subjects ----------------------------------------------------------------------------

    def generic(self, phrase: str) -> tuple[list[str], str] | None:
        """A generic subject ("people", "someone", "an employee", "a cartoon character") as its
        conditions over x, with the verb phrase after it; None when not generic or unsure."""
        p = phrase.strip()
        words = p.split()
        low = [w.lower() for w in words]
        if not low:
            return None
        if low[0] in ("people", "someone", "somebody", "something", "everyone", "everything", "anyone", "anything"):
            return [], " ".join(words[1:])
        if len(low) > 2 and (low[1] in ("are", "do", "have", "can", "will") or is_base_verb(low[1])) \
                and is_plural_noun(words[0]) and words[0].islower() and low[0] not in self.constants:
            cond = self.unary(low[0], "x")  # "If animals are loved by tourists, ...": any animal
            return None if cond is None else ([cond], " ".join(words[1:]))
        if low[0] not in ("a", "an"):
            return None
        found = []
        for k in (1, 2, 3):  # the class's words end where a singular verb phrase begins
            if len(low) > k + 1 and (low[k + 1] in AUX or re.fullmatch(r"[a-z]+[^s]s", low[k + 1])):
                found.append(k)
        if not found:
            return None
        k = found[0]  # the first verb-like word ends the class ("A person either swims ...")
        noun = " ".join(low[1:k + 1])
        rest = " ".join(words[k + 1:])
        if noun in PERSON | THING or re.match(r"(?:is |are )?either\b", rest.lower()):
            return [], rest  # "An animal is either a rabbit or a squirrel.": the class is the domain spoken of
        cond = self.unary(noun, "x")
        return None if cond is None else ([cond], rest)

    def noun_group(self, phrase: str, term: str = "x") -> list[str] | None:
        """The subject of "All NP ..."/"No NP ..."/"Some NP ...": a class, maybe with
        adjectives, "who/that" + a verb phrase, or "with"/"in"/"at"/"of" + words."""
        p = phrase.strip()
        m = re.fullmatch(r"(.+?) (?:who|that|which) (.+)", p)
        head, rel = (m.group(1), m.group(2)) if m else (p, None)
        head_low = head.lower()
        if not head_low.split() or re.search(r"\b(?:n?either|n?or)\b", head_low):
            return None  # "All people who people run ...": a cut left no class; "either": a cut too late
        if m := re.fullmatch(r"(?:one|people|person|thing|things) with (.+)", head_low):
            conds = [self.unary("have " + m.group(1), term)]  # "No one with a cold ..." has a cold
            if None in conds:
                return None
        elif (m := re.fullmatch(r"(?:one|people|person|thing|things) ((\w+)\b.+)", head_low)) \
                and (m.group(2) in ("nice", "in", "from", "at", "on", "of") or is_participle(m.group(2))):
            conds = [self.complement(m.group(1), term)]  # "No one nice to animals ...", "people in Paris", "people born in Oslo"
            if None in conds:
                return None
        elif (m := re.fullmatch(r"([a-z]+(?: [a-z]+)?) with (.+)", head_low)) and m.group(1).split()[-1] not in OPEN:
            conds = [self.unary(m.group(1), term), self.unary("have " + m.group(2), term)]  # "restaurants with a rating ..."
            if None in conds:
                return None
        elif re.sub(r"^an? ", "", head_low) in PERSON | THING or head_low in ("people", "things", "ones"):
            conds: list[str] = []
        else:
            words = head_low.split()
            kept = head[:1].lower() + head[1:]  # names inside keep their capitals ("at Roland Garros")
            if (got := self.participle(kept, term) or self.located(kept, term)) is not None:
                conds = got  # type: ignore[assignment]  # "shows portraying the lives of real people"
            elif words[-1] in ("people", "person", "things", "thing", "ones", "one") and len(words) > 1:
                # "evil people": each adjective one class (as "All smart, kind things" in Reader)
                got = [self.unary(w, term) for w in words[:-1]]
                if None in got:
                    return None
                conds = got  # type: ignore[assignment]
            else:
                u = self.unary(head, term)
                if u is None:
                    return None
                conds = [u]
        if rel is not None and (o := re.fullmatch(r"([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) ([a-z]+)", rel)) \
                and (is_verb_s(o.group(2)) or is_past(o.group(2))) and (c := self.individual(o.group(1))) is not None:
            conds.append(f"{self.name(normalize_phrase(o.group(2)), 2)}({c}, {term})")  # "a pilot that Per admires"
            return conds
        if rel is not None:
            r = self.verb_phrase(rel, term)
            if r is None:
                return None
            conds.append(r)
        return conds


def constant_name(phrase: str) -> str:
    """"Roderick Strong" -> RoderickStrong; a name must begin with a letter: "1984" -> C1984."""
    c = camel(re.sub(r"[^A-Za-z0-9 ]", "", to_ascii(phrase)))
    return c if c[:1].isalpha() else "C" + c
