"""Reading the sentence shapes of text people wrote (FOLIO-style), after ``logic.phrases.Reader``.

People write "All employees who ... work remotely from home.", "No managers work remotely
from home.", "If people order takeout, then they work in student jobs.", "Jerry neither
teaches nor is a manager.", "A person either studies or teaches." Here a whole verb or noun
phrase is one predicate, named from its normalized words (articles and possessive pronouns
dropped, every word singular / base form: "schedules meetings with their customers" and
"schedule a meeting with his customers" are one predicate), so that the same phrase in two
sentences chains. Named individuals ("Roderick Strong", "KO") are constants; a verb whose
object is a named individual is a two-place relation.

A sentence whose shape is not one of these, or whose phrases cannot be split with
certainty (a relative clause with no copula to end it, "and" between words that may be
nouns), reads as None and stays with the model: nothing here is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from logic.phrases import IRREGULAR_PAST, camel, is_past, past_lemma
from logic.problem import _singular

__all__ = ["FolioReader", "normalize_phrase", "singular"]

Namer = Callable[[str, int], str]

_PERSON = {"person", "people", "someone", "somebody", "everyone", "everybody", "anyone", "man", "woman", "one",
           "human being"}
_THING = {"something", "everything", "anything", "thing", "things", "object"}
_PRONOUN = {"they", "he", "she", "it", "he/she", "them", "this person", "that person", "the person"}
_DROP = {"a", "an", "the", "their", "his", "her", "its", "my", "our", "your", "will", "would", "can", "could",
         "also", "always", "really"}
_IRREGULAR = {"has": "have", "had": "have", "does": "do", "did": "do", "goes": "go", "is": "be", "are": "be",
              "am": "be", "was": "be", "were": "be", "people": "person", "men": "man", "women": "woman",
              "children": "child", "gentlemen": "gentleman", "feet": "foot", "teeth": "tooth", "mice": "mouse"}
_COPULA = r"(?:is|are|am|was|were)"
# words that begin a verb phrase whatever the subject
_AUX = {"is", "are", "was", "were", "does", "do", "doesn't", "don't", "did", "will", "can", "cannot", "has", "have",
        "either", "neither", "both", "not"}
_MODAL = {"will", "would", "can", "could", "should", "must", "shall"}
_NEG_AUX = r"(?:does not|do not|did not|doesn't|don't|didn't|cannot|can not|can't|will not|won't|never)"
# words after which a phrase cannot end: a split there would cut a phrase in two
_OPEN = {"a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "by", "from", "and", "or", "their", "his",
         "her", "its", "who", "that", "which", "not", "is", "are", "be"}
_FUNCTION_WORDS = {"in", "of", "at", "on", "by", "with", "for", "to", "from", "among", "than", "about", "into", "over",
                   "under", "not", "no", "all", "some", "most", "many", "more", "less", "very"}
_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_KIND_VERBS = {"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "can", "cannot"}
_HEDGE = re.compile(r"\b(?:usually|sometimes|typically|generally|mostly|probably|likely|possibly|may|might|not always)\b"
                    r"|^(?:most|many|several|few|a few)\b", re.I)  # "Most pilots are brave" is no rule
_QUANT_START = re.compile(r"^(?:all|every|each|no|some|if|either|neither|both|there|it|a|an|the|any|most|many|"
                          r"everyone|everything|someone|something|people|nobody|none)\b", re.I)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def singular(phrase: str) -> str:
    """A phrase with its last word singular, unless the word lists say the word already is
    ("major tennis", "the news"): "tennis" is no plural of "tenni"."""
    last = phrase.rsplit(" ", 1)[-1]
    if last[:1].isupper() or (last.endswith("s") and last in _lemmas(last).get("NOUN", ())):
        return phrase.lower()  # a name's word ("Roland Garros"; normalize_phrase keeps their capitals)
    return _singular(phrase.lower())


def _lemma(word: str, verb_first: bool = False) -> str:
    """A word's base form; a phrase's first word is read as a verb where it can be one ("lives in
    Paris": live), a later one as a noun ("the lives of sailors": life)."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if is_past(w):
        return past_lemma(w)  # "Beethoven wrote ..." and "Composers write ...": one verb
    if w.endswith(("en", "wn", "ne")) and w != "been" and (base := _lemmas(w).get("VERB", (w,))[0]) != w:
        return base  # "has written" and "wrote": one verb
    if re.search(r"(?:ch|sh|ss|x|z)es$", w) and len(w) > 4:
        return w[:-2]  # "teaches" -> "teach", "boxes" -> "box"
    if w.endswith("s") and (known := _lemmas(w)):  # "tennis", "news", "lives" -> "life": as the word lists say
        order = ("VERB", "NOUN") if verb_first else ("NOUN", "VERB")
        return (known.get(order[0]) or known.get(order[1]) or (_singular(w),))[0]
    return _singular(w)


@lru_cache(maxsize=8192)
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's lemmas of a word by part of speech ({} for a word its lists lack)."""
    from lemminflect import getAllLemmas

    return getAllLemmas(word.lower())


def _plural_noun(word: str) -> bool:
    w = word.lower()
    return bool(re.fullmatch(r"[a-z]+s", w)) and _singular(w) != w and not w.endswith("ss")


def _base_verb(word: str) -> bool:
    """A verb's base or past form ("love", "premiered"), as after a plural subject; not a function word."""
    w = word.lower()
    if not re.fullmatch(r"[a-z]+", w) or w in _OPEN | _FUNCTION_WORDS | _DROP or w.endswith("s"):
        return False
    return _lemmas(w).get("VERB", ("",))[0] == w or is_past(w)  # "Some orchestras premiered ..."


def _nominal(word: str) -> bool:
    """A word that can name or modify a class: a noun or an adjective, not a verb form."""
    w = word.lower()
    if w in _OPEN | _FUNCTION_WORDS | _DROP | _AUX | {"be", "have"} or is_past(w) or w.endswith("ing"):
        return False
    kinds = _lemmas(w)
    if kinds.get("VERB", (w,))[0] != w:  # an inflected verb ("born", "given"), unless a plural noun ("captains")
        return kinds.get("NOUN", (w,))[0] != w
    return not kinds or bool({"NOUN", "ADJ"} & set(kinds))


_PREPOSITIONS = {"in", "at", "on", "from", "to", "into", "for", "with", "by", "near", "under", "across"}


def _bare_verb(word: str) -> bool:
    """A verb in its base form ("tidy", "enjoy"), as after a plural subject."""
    return _lemmas(word).get("VERB", ())[:1] == (word.lower(),)


def _verb_s(word: str) -> bool:
    """A verb that agrees with one ("flies", "admires")."""
    return bool(re.fullmatch(r"[a-z]+[^s]s", word)) and "VERB" in _lemmas(word)


def _participle(word: str) -> bool:
    """A verb's past participle ("written", "given", "located", "born"), not a noun or a plain adjective."""
    kinds = _lemmas(word)
    return kinds.get("VERB", (word,))[0] != word and kinds.get("NOUN", (word,))[0] == word \
        and (word.endswith(("ed", "en", "wn", "ne", "rn")) or word in IRREGULAR_PAST)


def _progressive(phrase: str, before_preposition: bool = False) -> str | None:
    """"taking the database course" -> "take the database course": a phrase that opens with a
    verb's -ing form, said with the verb's base form; None for other phrases ("morning")."""
    first, _, rest = phrase.partition(" ")
    if not first.endswith("ing") or len(first) < 6:
        return None
    base = _lemmas(first).get("VERB")
    if not base or base[0] == first.lower() or ("ADJ" in _lemmas(first) and not before_preposition):
        return None  # no verb, or an adjective ("interesting", "boring"; but "living in Bergen")
    return f"{base[0]} {rest}".strip()


def _having(word: str) -> str | None:
    """What an adjective made of a modifier and a noun + "-ed" says: "four-sided" -> "have four
    side", "blue-eyed" -> "have blue eye"; so "four-sided things" chain with "have four sides".
    None where the second part is no noun ("well-behaved") or the first no number or adjective
    ("hand-made", "state-owned")."""
    m = re.fullmatch(r"([a-z]+)-([a-z]+)ed", word.lower())
    if m is None:
        return None
    first, stem = m.groups()
    if first not in _NUMBERS and "ADJ" not in _lemmas(first):
        return None
    for noun in (stem + "e", stem, stem[:-1] if re.search(r"([b-df-hj-np-tv-z])\1$", stem) else ""):
        if noun and "NOUN" in _lemmas(noun):
            return f"have {first} {noun}"
    return None


def normalize_phrase(phrase: str) -> str:
    """The words a phrase's predicate is named by: "schedules meetings with their customers" ->
    "schedule meeting with customer"; a lone "four-sided" -> "have four side"."""
    if (having := _having(phrase.strip())) is not None:
        return having
    phrase = re.sub(r"\bat least one\b", "a", phrase)  # "owns at least one boat" owns a boat
    words = re.findall(r"[A-Za-z0-9]+", _ascii(phrase).replace("'s", "").replace("’s", "").replace("'S", ""))
    # a capitalised word after the first is a name's: "Paris", "Roland Garros" keep their letters
    words = [w for w in words if w.lower() not in _DROP]
    return " ".join(w if i and w[0].isupper() else _lemma(w, verb_first=not i) for i, w in enumerate(words))


# "neither A nor B", "either A or B" (exclusive, as FOLIO means it), "both A and B"
_CONNECTIVES: tuple[tuple[str, str, Callable[[str, str], str]], ...] = (
    ("neither", "nor", lambda a, b: f"{_neg(a)} and {_neg(b)}"),
    ("either", "or", lambda a, b: f"({_group(a)} xor {_group(b)})"),
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


class FolioReader:
    """Reads one sentence into a formula; ``name`` names predicates, ``constants`` maps
    lower-case phrases to constant names (shared with ``logic.phrases.Reader``)."""

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
        low = _ascii(p).lower()
        if low.startswith("the ") and low[4:] in self.constants:  # "the film", an individual the text knows
            low = low[4:]
        if low in self.constants:
            c = self.constants[low]
        elif re.fullmatch(r"(?:[A-Z0-9][\w’'.-]*)(?: (?:[A-Z0-9][\w’'.-]*|of|de|du|von|van))*", _ascii(p)) \
                and not _QUANT_START.match(p) and not p.endswith(("’s", "'s")):
            c = _constant_name(p)
            self.constants[low] = c
        else:
            return None
        self.used_constants.setdefault(c)
        return c

    # -- phrases ---------------------------------------------------------------------------

    def unary(self, phrase: str, term: str) -> str | None:
        words = normalize_phrase(phrase)
        if not set(words.split()) & _FUNCTION_WORDS:  # "a grumpy person" (not "the lives of real people")
            words = re.sub(r"(?<=.) (?:person|people|thing|one)$", "", words)
        if not words or words.split()[-1] in _OPEN or words in _PERSON | _THING or words[0].isdigit():
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
            return None if inner is None else _neg(inner)
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
            return " and ".join(got) if m.group(2) == "and" else "(" + " or ".join(_group(g) for g in got) + ")"
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
        if m and _participle(m.group(1)) and (c := self.individual(m.group(2))) is not None:
            return f"{self.name(normalize_phrase(m.group(1)), 2)}({c}, {term})"  # "loved by Nora": Nora loves it
        if (verb := _progressive(p)) is not None:  # "is taking the course": "takes the course"
            return self.verb_phrase(verb, term)
        # "a student working in the lab": the class, and what it does
        if (conds := self.participle(p, term) or self.located(p, term)) is not None:
            return " and ".join(conds)
        if re.fullmatch(r"[a-z]+", p) and is_past(p) and "ADJ" in _lemmas(p):
            return f"{self.name(p, 1)}({term})"  # "is tired" names Tired, as every reader names it
        return self.unary(p, term)

    def located(self, phrase: str, term: str) -> list[str] | None:
        """"an animal from Australia", "a city in Montana": the class, and where it is from or in,
        each said on its own so that "is in the Top 10 list" chains with "games in the Top 10 list"."""
        m = re.fullmatch(r"(?:(?:a|an) )?([a-z][\w-]*(?: [a-z][\w-]*){0,2}) (in|from|at|on) (.+)", phrase)
        if not m or any(not _nominal(w) for w in m.group(1).split()):
            return None
        cls, where = self.unary(m.group(1), term), self.unary(f"{m.group(2)} {m.group(3)}", term)
        return None if cls is None or where is None else [cls, where]

    def participle(self, phrase: str, term: str) -> list[str] | None:
        """"a student working in the lab": the class, and what it does. Only with a preposition
        or an article after the -ing word ("a professional wrestling stable" is one class), or
        after a plural class ("lakes containing silica")."""
        m = re.fullmatch(r"(?:(?:a|an) )?([a-z]+) (\w+ing) ((\w+).*)", phrase)
        # (or a plural class, an -ing word that is no noun, and its object: "lakes containing silica")
        plain = m is not None and (m.group(1) == "people" or _plural_noun(m.group(1))) and "NOUN" not in _lemmas(m.group(2))
        if m and (m.group(4) in _OPEN | _FUNCTION_WORDS or plain) and (verb := _progressive(
                f"{m.group(2)} {m.group(3)}", before_preposition=m.group(4) in _PREPOSITIONS)):
            does = self.verb_phrase(verb, term)
            if m.group(1) in _PERSON | _THING and does is not None:
                return [does]  # "people living in Bergen": anyone who lives there
            cls = self.unary(m.group(1), term)
            if cls is not None and does is not None:
                return [cls, does]
        # a past participle the same way: "a novel written in 2003" is a novel, written in 2003
        # (and "a football team based in Oslo": a class of nouns)
        # (and an adjective with its preposition after the class: "a small fox native to the Arctic")
        words = re.sub(r"^(?:a|an) ", "", phrase).split()
        k = next((k for k in (1, 2, 3) if k + 2 <= len(words) and re.fullmatch(r"[a-z]+", words[k])
                  and (_participle(words[k]) and words[k + 1] in _OPEN | _FUNCTION_WORDS
                       or "ADJ" in _lemmas(words[k]) and words[k + 1] in _PREPOSITIONS
                       and _nominal(words[k - 1]) and "ADJ" not in _lemmas(words[k - 1]))), None)
        # (the first word may be a capitalised adjective before a noun: "a Norwegian drama film")
        if k is not None and all(re.fullmatch(r"[a-z]+" if i or k == 1 else r"[A-Za-z][a-z]+", w) for i, w in enumerate(words[:k])) \
                and all(_nominal(w) for w in words[:k - 1]):
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
                and (is_past(m.group(1)) or _participle(m.group(1))):
            p = p[p.index(" ") + 1:]  # "has won the race" says it won the race
        if not p:
            return None
        if (m := re.fullmatch(r"(.+?),? (and|or|but) (?:they|he|she|it) (.+)", p)) \
                and (a := self.verb_phrase(m.group(1), term)) is not None \
                and (b := self.verb_phrase(m.group(3), term)) is not None:  # "is not a sailor and they are brave"
            return f"({_group(a)} or {_group(b)})" if m.group(2) == "or" else f"{_group(a)} and {_group(b)}"
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
        if m := re.fullmatch(_NEG_AUX + r" (.+)", p):
            inner = self.verb_phrase(m.group(1), term)
            return None if inner is None else _neg(inner)
        if m := re.fullmatch(r"(?:do|does) (.+)", p):
            return self.verb_phrase(m.group(1), term)
        # "created a podcast called Family Secrets", "sails the yacht Blue Heron": the relation to
        # the named one, and the class the words before its name say
        # ("created the game the Legend of Zelda"; "read the book Walden by Henry Thoreau": the
        # book, whoever wrote it)
        m = re.fullmatch(r"([a-z]+) (?:(?:a|an|the) ([a-z][a-z -]*?) (?:called|named|titled) |the ([a-z]+) (?:the )?)"
                         r"([A-Z].*?)(?: by [A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*)?", p)
        if m and m.group(1) not in _AUX | _OPEN and (c := self.individual(m.group(4))) is not None:
            cls = self.unary(m.group(2) or m.group(3), c)
            return None if cls is None else f"{self.name(normalize_phrase(m.group(1)), 2)}({term}, {c}) and {cls}"
        # "includes Snow Island, Greenwich Island, and Deception Island": one fact per object
        # ("includes the cities of Butte, Helena, and Missoula": each one is a city too)
        first, _, objects = p.partition(" ")
        kind = re.fullmatch(r"the ([a-z]+(?: [a-z]+)?) of (.+)", objects)
        if re.fullmatch(r"[a-z]+", first) and first not in _AUX | _OPEN \
                and (objs := self._names(kind.group(2) if kind else objects)) is not None:
            said = [f"{self.name(normalize_phrase(first), 2)}({term}, {c})" for c in objs]
            classes = [self.unary(kind.group(1), c) for c in objs] if kind else []
            return None if None in classes else " and ".join(said + classes)  # type: ignore[arg-type]
        # "lives in Norway or Sweden": the one relation to either ("either ... or": to one only)
        m = re.fullmatch(r"([a-z]+(?: (?:in|at|to|for|with|from|on))?) (either )?([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) or "
                         r"([A-Z][\w'-]*(?: [A-Z][\w'-]*)*)", p)
        if m and m.group(1).split()[0] not in _AUX | _OPEN and "VERB" in _lemmas(m.group(1).split()[0]) \
                and (a := self.individual(m.group(3))) is not None and (b := self.individual(m.group(4))) is not None:
            r = self.name(normalize_phrase(m.group(1)), 2)
            return f"({r}({term}, {a}) {'xor' if m.group(2) else 'or'} {r}({term}, {b}))"
        # an object's own relative clause with a copula ("have siblings who are the same age") is part of the phrase
        plain = re.sub(r"^(\w+ (?:[a-z-]+ ){1,3})(?:who|that) (?:is|are) ([a-z -]+)$", r"\1 \2", p)
        if re.search(r"\b(?:or|nor|who|that|which|when|because|if|not|n't)\b|[,;:]", plain) or any(
                _lemma(w) in self.verbs | _AUX for w in re.findall(r"\band (\w+)", p)):
            return None  # words that join or qualify clauses: not one predicate
        words = p.split()
        if words[0].lower() in _OPEN or words[0].lower() in ("be", "have"):
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
            self.verbs.add(_lemma(words[0]))  # a verb of the text: it may end a class in "All ... who ..."
        return got

    def _coordinated(self, p: str, term: str) -> str | None:
        """One verb and two objects ("likes cats or dogs", "likes neither cats nor dogs"), or two
        verbs alone ("sings and dances"): what is said of each, joined as the words join them."""
        m = re.fullmatch(r"(either |neither |both )?([a-z]+) (either |neither |both )?((?:an? |the )?[a-z]+) (or|and|nor) ((?:an? |the )?[a-z]+)", p)
        if m and not (m.group(1) and m.group(3)) and "VERB" in _lemmas(m.group(2)) \
                and m.group(2) not in (_AUX - {"has", "have", "had"}) | {"be", "am", "been"} \
                and not {m.group(4), m.group(6)} & _FUNCTION_WORDS:
            conn, verb, op = (m.group(1) or m.group(3) or "").strip(), m.group(2), m.group(5)
            parts = [self.verb_phrase(f"{verb} {m.group(4)}", term), self.verb_phrase(f"{verb} {m.group(6)}", term)]
        elif (m := re.fullmatch(r"(either |neither |both )?([a-z]+) (or|and|nor) ([a-z]+)", p)) \
                and all(m.group(2).endswith("s") == w.endswith("s") and "VERB" in _lemmas(w) and w not in _AUX
                        for w in (m.group(2), m.group(4))):
            conn, op = (m.group(1) or "").strip(), m.group(3)
            parts = [self.verb_phrase(m.group(2), term), self.verb_phrase(m.group(4), term)]
        else:
            return None
        if None in parts:
            return None
        a, b = parts
        joined = {("", "or"): f"({a} or {b})", ("", "and"): f"{a} and {b}", ("either", "or"): f"({a} xor {b})",
                  ("both", "and"): f"{a} and {b}", ("neither", "nor"): f"{_neg(a)} and {_neg(b)}"}
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
                    return f"({_group(a)} or {_group(b)})" if op == " or " else f"{_group(a)} and {_group(b)}"
        return self.verb_phrase(p, term) if self._verb_like(p) else self.complement(p, term)

    @staticmethod
    def _verb_like(phrase: str) -> bool:
        first = phrase.split()[0].lower() if phrase.split() else ""
        return first in _AUX or bool(re.fullmatch(r"[a-z]+[^s]s", first))

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
            if b in _AUX - {"either", "neither", "both"}:
                return [left, right]
            if re.fullmatch(r"[a-z]+[^s]s", b) and _lemma(b) in self.verbs and len(right.split()) >= 2:
                return [left, right]  # "is not a picky eater and spends ...": a verb the text uses elsewhere
            rb = right.split()
            if len(at) == 1 and a in ("is", "are", "was", "were") and re.fullmatch(r"[a-z]+[^s]s", b) \
                    and "VERB" in _lemmas(b) and len(rb) >= 2 and ("NOUN" not in _lemmas(b) or rb[1] in _PREPOSITIONS
                                                                   or rb[1] in ("a", "an", "the") or rb[1][0].isupper()):
                return [left, right]  # "is a pilot and lives in Oslo": a copula's phrase, then a verb's
            if a in _OPEN | _DROP or b in _OPEN | _DROP or len(left.split()) < 2 or len(right.split()) < 2:
                continue
            if len(at) == 1 and a.endswith("s") and b.endswith("s") and not b.endswith("ss"):
                return [left, right]
            if len(at) == 1 and a not in _AUX and _bare_verb(a) and _bare_verb(b) \
                    and ("NOUN" not in _lemmas(b) or _lemma(b) in self.verbs or rb[1] in ("a", "an", "the")):
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
        if len(low) > 2 and (low[1] in ("are", "do", "have", "can", "will") or _base_verb(low[1])) \
                and _plural_noun(words[0]) and words[0].islower() and low[0] not in self.constants:
            cond = self.unary(low[0], "x")  # "If animals are loved by tourists, ...": any animal
            return None if cond is None else ([cond], " ".join(words[1:]))
        if low[0] not in ("a", "an"):
            return None
        found = []
        for k in (1, 2, 3):  # the class's words end where a singular verb phrase begins
            if len(low) > k + 1 and (low[k + 1] in _AUX or re.fullmatch(r"[a-z]+[^s]s", low[k + 1])):
                found.append(k)
        if not found:
            return None
        k = found[0]  # the first verb-like word ends the class ("A person either swims ...")
        noun = " ".join(low[1:k + 1])
        rest = " ".join(words[k + 1:])
        if noun in _PERSON | _THING or re.match(r"(?:is |are )?either\b", rest.lower()):
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
                and (m.group(2) in ("nice", "in", "from", "at", "on", "of") or _participle(m.group(2))):
            conds = [self.complement(m.group(1), term)]  # "No one nice to animals ...", "people in Paris", "people born in Oslo"
            if None in conds:
                return None
        elif (m := re.fullmatch(r"([a-z]+(?: [a-z]+)?) with (.+)", head_low)) and m.group(1).split()[-1] not in _OPEN:
            conds = [self.unary(m.group(1), term), self.unary("have " + m.group(2), term)]  # "restaurants with a rating ..."
            if None in conds:
                return None
        elif re.sub(r"^an? ", "", head_low) in _PERSON | _THING or head_low in ("people", "things", "ones"):
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
                and (_verb_s(o.group(2)) or is_past(o.group(2))) and (c := self.individual(o.group(1))) is not None:
            conds.append(f"{self.name(normalize_phrase(o.group(2)), 2)}({c}, {term})")  # "a pilot that Per admires"
            return conds
        if rel is not None:
            r = self.verb_phrase(rel, term)
            if r is None:
                return None
            conds.append(r)
        return conds

    # -- sentences -------------------------------------------------------------------------

    def read(self, sentence: str) -> str | None:
        known = set(self.verbs)
        got = self._read(sentence)
        if got is None:  # the verbs of a sentence no reading took are no verbs of the text
            self.verbs = known
        return got

    def _read(self, sentence: str) -> str | None:
        s = re.sub(r"^\[BG\]\s*", "", sentence.strip()).rstrip(".!").strip()
        s = re.sub(r"\s+", " ", s.replace("’", "'"))
        # "is also not a A, or a B": the adverb says nothing, the commas before "or" nothing either
        s = re.sub(r"\b(is|are|was|were|does|do) (?:also|always)\b", r"\1", re.sub(r", or\b", " or", s))
        s = re.sub(r"(?<=[a-z] )(?<!not )(?:also|always) (?=[a-z])", "", s)  # "Pilots always fly jets"
        # "no longer" is "not" now: "is no longer a pilot", "no longer plays for X" ("does not play")
        s = re.sub(r"\b(is|are|was|were) no longer\b", r"\1 not", s)
        s = re.sub(r"\bno longer ([a-z]+)\b", _not_verb, s)
        # "never" is "not" ("has never flown a jet", "is never late", "never sails")
        s = re.sub(r"\b(is|are|was|were|does|do|did) never\b", r"\1 not", s)
        s = re.sub(r"\b(?:has|have|had) never ([a-z]+)\b", lambda m: f"does not {_lemma(m.group(1), verb_first=True)}"
                   if _participle(m.group(1)) or is_past(m.group(1)) else m.group(0), s)  # "has never flown": did not fly
        s = re.sub(r"\bnever ([a-z]+)\b", _not_verb, s)
        s = re.sub(r"\b(is|was) one of the ([a-z]+s)\b", lambda m: f"{m.group(1)} {article(m.group(2))} {_singular(m.group(2))}"
                   if _plural_noun(m.group(2)) else m.group(0), s)  # "Nora is one of the pilots": a pilot
        s = re.sub(r"^(?:At least one|There is at least one) ", "Some ", s)  # "At least one pilot is brave"
        s = re.sub(r"^Whatever ", "Everything that ", re.sub(r"^Whoever ", "Everyone who ", s))  # "Whatever is a cat purrs"
        s = re.sub(r"^Both ([A-Z][\w'-]*(?: [A-Z][\w'-]*)* and [A-Z])", r"\1", s)  # "Both Tom and Ola are ..."
        # "Tom is a forward, and so is Ola", "..., as is Ola": each is one
        s = re.sub(r"^(.+?) (is|was) (.+?)(?:,? and so|, as) (?:is|was) ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*)$", r"\1 \2 \3, and \4 \2 \3", s)
        # "has been injured since 2020" is "is injured since 2020" (a state that holds now)
        # "coached by her father, Per Lind": by Per Lind (a possessive phrase, then the name it speaks of)
        s = re.sub(r"\b(?:his|her|their|its) [a-z]+(?: [a-z]+)?, ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*)$", r"\1", s)
        s = re.sub(r"\b(?:has|have) been\b(?! to\b)", lambda m: "is" if m.group(0).startswith("has") else "are", s)
        # "The city of Pierre is ...": Pierre, a city (a place's kind before its name, not a part of it)
        s = re.sub(r"^(?:[Tt]he|[Aa]n?) (city|town|village|state|country|island|region|province|county) of ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) "
                   r"(?=is |was |has |does |[a-z]+s )", lambda m: f"{m.group(2)}, {article(m.group(1))} {m.group(1)}, ", s)
        # "Nora is not a pilot, nor is she a sailor": neither one
        s = re.sub(r"^(.+?) (is|are|was) not (.+?),? nor (?:is|are|was) (?:he|she|it|they) (.+)$", r"\1 \2 neither \3 nor \4", s)
        # a quoted title ("Black Mirror", “Walden”) is a name; other quotations stay unread
        s = re.sub(r"[\"“]((?:[A-Z0-9][\w'.:-]*)(?: (?:[A-Z0-9][\w'.:-]*|of|the|a|an|and|in|on))*)[\"”]", r"\1", s)
        m = re.fullmatch(r"There are (\w+) (?:types|kinds|sorts) of ([a-z][\w' -]*): ([^:;?\"]+)", s)
        if m:  # "There are six types of wild turkeys: Eastern wild turkey, ..., and Ocellated wild turkey."
            return self._types(m.group(1), m.group(2), m.group(3))
        m = re.fullmatch(r"(?:A|The) list of ([a-z][\w' -]*?)(?: includes?)?: ([^:;?\"]+)", s)
        if m and (names := self._names(m.group(2))) is not None:  # "A list of colleges at Yale: A, B, and C."
            said = [self.complement(m.group(1), c) for c in names]
            return None if None in said else " and ".join(said)  # type: ignore[arg-type]
        if not s or "?" in s or ":" in s or ";" in s or '"' in s or _HEDGE.search(s) \
                or re.search(r", (?:while|whereas|although|though) |^(?:Although|Though|Whereas) ", s):  # two sentences: ``weaken`` splits them
            return None  # a question, a list, a quotation, or a hedge ("usually"): no one formula
        if (m := re.fullmatch(r"(.+?),? and ((?:all|every|each|no|some) [a-z].+)", s)) and re.match(r"(?:All|Every|Each|No|Some) ", s):
            a, b = self.read(m.group(1)), self.read(m.group(2)[0].upper() + m.group(2)[1:])
            return None if a is None or b is None else f"({a}) and ({b})"  # "All A are B, and all C are D"
        if m := re.fullmatch(r"It is not (?:true|the case) that (.+)", s):
            inner = self._facts(m.group(1))
            return None if inner is None else _neg(_group(inner))
        m = re.fullmatch(r"[Ii]f and only if (.+?),? then (.+)", s) or re.fullmatch(r"[Ii]f and only if ([^,]+), (.+)", s)
        if m:
            return self._conditional(m.group(1), m.group(2), iff=True)
        if m := re.fullmatch(r"(.+?),? if and only if (.+)", s):
            # an equivalence reads the same both ways: whichever order the pronouns allow
            return self._conditional(m.group(2), m.group(1), iff=True) or self._conditional(
                m.group(1), m.group(2), iff=True)
        if (got := self._lettered(s)) is not None:
            return got
        if m := re.fullmatch(r"(.+?),? unless (.+)", s):  # "A unless B": if not B, then A
            return self._unless(m.group(1), m.group(2))
        m = re.fullmatch(r"(?:[Ii]f|[Ww]hen|[Ww]henever) (.+?),? then (.+)", s) \
            or re.fullmatch(r"(?:[Ii]f|[Ww]hen|[Ww]henever) ([^,]+), (.+)", s)
        if m:
            return self._conditional(m.group(1), m.group(2))
        if m := re.fullmatch(r"[Ii]f ([^,]+?) ((?:they|he|she) .+)", s):  # no comma: "If a player left a team they ..."
            return self._conditional(m.group(1), m.group(2))
        # "People feel tired when they get a flu.": the condition after the consequent
        m = re.fullmatch(r"([^,]+?),? (?:if|when|whenever) (they|he|she|it) (.+)", s)
        first = m.group(1)[0].lower() + m.group(1)[1:] if m else ""  # "Sailors sing ..." begins the sentence
        if m and (g := self.generic(first)) is not None:
            subject = first[:len(first) - len(g[1])].strip()
            said = m.group(3)
            if m.group(2) == "they" and re.match(r"(?:a|an|every|each) ", subject):
                said = _third_person(said)  # "A pilot is brave if they fly jets": a pilot flies jets
            return self._conditional(f"{subject} {said}", f"{m.group(2)} {g[1]}")
        if m and m.group(2) != "they" and (a := self._fact(m.group(1))) is not None and (c := _subject_of(a)) \
                and "x" not in re.findall(r"\b\w+\b", a) and (b := self.verb_phrase(m.group(3), c)) is not None:
            return f"{_group(b)} -> {_group(a)}"  # "Mia purrs if she is happy"
        m = re.fullmatch(r"(Everyone|Everybody|Nobody|No one) ((?!who\b|that\b)[a-z].+)", s)
        if m and re.fullmatch(r"(?!is |are |was |were )\S.* (?:is|are|was|were) .+", m.group(2)):
            # "No one trained by Ada is lazy": a class ("people trained by Ada"), then its copula
            return self._quantified("no" if m.group(1).lower() in ("nobody", "no one") else "all", "people " + m.group(2))
        if m and (body := self.verb_phrase(m.group(2), "x")) is not None:  # "No one gets flu."
            return _forall([], _neg(body) if m.group(1).lower() in ("nobody", "no one") else body)
        m = re.fullmatch(r"(Everything|Everyone|Anything|Anyone) ((?:in|on|at|from) .+)", s)
        if m and (got := self._placed(m.group(2))) is not None:  # "Everything on the Bachelor portrays ..."
            return got
        if m := re.fullmatch(r"Only ([a-z].+)", s):  # "Only pilots fly planes": who flies planes is a pilot
            words = m.group(1).split()
            readings = {(tuple(conds), vp) for i in range(1, len(words))
                        if _plural_noun(words[i - 1]) and (words[i] in ("are", "do", "can", "have") or _base_verb(words[i]))
                        and (conds := self.noun_group(" ".join(words[:i])))
                        and (vp := self.verb_phrase(" ".join(words[i:]), "x")) is not None}
            if len(readings) != 1:
                return None
            conds, vp = readings.pop()
            return _forall([vp], " and ".join(conds))
        if s.startswith("Only "):
            return None  # "Only Nora owns a boat": no one else does, which no fact of hers says
        s = re.sub(r"^None of the ", "No ", s)  # "None of the sailors are lazy"
        # "All birds can fly except penguins": all birds that are not penguins can fly
        s = re.sub(r"^(All|No) ([a-z]+s) (.+?),? except (?:for )?([a-z]+s)$", lambda m: f"{m.group(1)} {m.group(2)} that are "
                   f"not {m.group(4)} {m.group(3)}" if _plural_noun(m.group(4)) else m.group(0), s)
        s = re.sub(r"^(.+ either .+ or .+?),? but not both$", r"\1", s)  # "either" is exclusive already
        if (m := re.fullmatch(r"((?!.*\beither\b).+ or .+?),? but not both", s)) and (got := self.read(m.group(1))):
            # "Ola is a pilot or a sailor, but not both": the one "or" is exclusive
            return got.replace(" or ", " xor ") if got.count(" or ") == 1 else None
        s = re.sub(r"^((?!.*\beither\b).+ or .+?),? or both$", r"\1", s)  # "A or B, or both": "or" is inclusive
        s = re.sub(r"^There are (?:some )?([a-z]+s) (who|that) ", lambda m: f"There is {article(m.group(1))} "
                   f"{_singular(m.group(1))} {m.group(2)} " if _plural_noun(m.group(1)) else m.group(0), s)  # "There are pilots who ..."
        if re.match(r"There (?:is|are|exists?) ", s):
            return self._there(s)
        if m := re.fullmatch(r"Not (?:all|every) (.+)", s):  # "Not all pilots are brave": some are not
            inner = self._quantified("all", m.group(1))
            g = re.fullmatch(r"forall x\. (.+?) -> (.+)", inner or "")
            return f"exists x. {g.group(1)} and {_neg(_group(g.group(2)))}" if g else None
        m = re.fullmatch(r"(All|No) ([a-z]+s) and ([a-z]+s) (.+)", s)
        if m and _plural_noun(m.group(2)) and _plural_noun(m.group(3)):  # "All pilots and sailors are brave": each
            a, b = (self._quantified(m.group(1).lower(), f"{c} {m.group(4)}") for c in m.group(2, 3))
            return None if a is None or b is None else f"({a}) and ({b})"
        m = re.fullmatch(r"(All|Every|Each|Any|No|Some)(?: of)? (.+)", s)
        if m:
            return self._quantified(m.group(1).lower(), m.group(2))
        # a class with a relative clause says what holds of each of it: "Sailors who fish at night
        # are brave", "A sailor who fishes at night is brave" (in the present; "A man who lived in
        # Paris wrote it" tells of one man)
        s = re.sub(r"^Those (who|that) ", r"People \1 ", s)  # "Those who fly are brave"
        m = re.fullmatch(r"(People|[A-Z][a-z]+s|(?:A|An) [a-z][\w-]*(?: [a-z][\w-]*){0,2}) (?:who|that) .+", s)
        if m and (m.group(1) == "People" or _plural_noun(m.group(1))
                  or not any(is_past(w.lower()) and "ADJ" not in _lemmas(w.lower()) for w in s.split())):
            return self._quantified("all", re.sub(r"^(?:A|An) ", "", s[0].lower() + s[1:]))
        m = re.fullmatch(r"(.+?) can be (?:categorized|classified|divided|grouped) (?:as|into) "
                         r"(either .+|[^,]+(?:, [^,]+)+,? (?:or|and) [^,]+)", s)
        if m and _plural_noun(m.group(1).split()[-1]) and m.group(1).lower() not in self.constants:
            # "Tasks can be categorized as either A or B", "... as A, B, and C": each is one of them
            kinds = re.sub(r",? and ([^,]+)$", r", or \1", m.group(2))
            kinds = kinds if kinds.startswith("either ") or "," not in kinds else "either " + kinds
            return self._quantified("all", f"{m.group(1).lower()} are {kinds}")
        m = re.fullmatch(r"([A-Z][a-z]+s) and ([a-z]+s) ((?:are|do|can|have|will|[a-z]+(?<![se]d)(?<!s)\b) .+)", s)
        if m and _plural_noun(m.group(1).lower()) and _plural_noun(m.group(2)) and m.group(1).lower() not in self.constants:
            return self.read(f"All {m.group(1).lower()} and {m.group(2)} {m.group(3)}")  # "Pilots and sailors are brave."
        # a plural class word before an auxiliary or a base-form verb ("Composers write ...")
        m = re.fullmatch(r"([A-Z][a-z]+s) ((?:are|do|does|can|have|will|[a-z]+(?<![se]d)(?<!s)\b)(?: .+)?)", s)
        if m and _singular(m.group(1).lower()) != m.group(1).lower() and m.group(1).lower() not in self.constants:
            return self._quantified("all", s[0].lower() + s[1:])  # "Strikers are soccer players."
        m = re.fullmatch(r"([A-Z][a-z]+s|People) (in|at|on|from|of|with) (.+)", s)
        if m and (m.group(1) == "People" or _plural_noun(m.group(1))) and m.group(1).lower() not in self.constants \
                and (got := self._quantified("all", s[0].lower() + s[1:])) is not None:
            return got  # "Students at Harvard work hard."
        m = re.fullmatch(r"([A-Z][a-z]+s) ([a-z]+) ([a-z]+) .+", s)
        if m and _singular(m.group(1).lower()) != m.group(1).lower() and _participle(m.group(2)) \
                and m.group(3) in _PREPOSITIONS and m.group(1).lower() not in self.constants:
            return self._quantified("all", s[0].lower() + s[1:])  # "Companies based in Boston pay well."
        m = re.fullmatch(r"([A-Z][a-z]+) ([a-z]+s) (?:are|do|can|have|will|[a-z]+(?<![se]d)(?<!s)\b)(?: .+)?", s)
        if m and "ADJ" in _lemmas(m.group(1).lower()) and _plural_noun(m.group(2)) \
                and m.group(1).lower() not in self.constants:
            return self._quantified("all", s[0].lower() + s[1:])  # "Brave pilots fly jets."
        m = re.fullmatch(r"(Everyone|Everything|Anyone|Anything|Nobody|No one|Nothing|Someone|Something) (?:who|that) (.+)", s)
        if m:
            return self._quantified({"nobody": "no", "no one": "no", "nothing": "no", "someone": "some",
                                     "something": "some"}.get(m.group(1).lower(), "all"),
                                    "people who " + m.group(2))
        # "The output of X is a text sequence.", "Emma's favorite season is summer.": said of X
        said = r" (?:is|are|was) (?P<neg>not )?(?P<what>(?:a|an) [a-z].*|[a-z]+)"
        m = re.fullmatch(r"[Tt]he (?P<part>[a-z]+(?: [a-z]+)?) of (?P<whose>.+?)" + said, s) \
            or re.fullmatch(r"(?P<whose>[A-Z][\w ]*?)'s (?P<part>[a-z]+(?: [a-z]+)?)" + said, s)
        if m and (c := self.individual(m["whose"])) is not None and not _plural_noun(m["part"].split()[-1]) \
                and (got := self.unary(f"{m['part']} {m['what']}", c)) is not None:  # "The pilots of SAS": many
            return _neg(got) if m["neg"] else got
        m = re.fullmatch(r"[Tt]he ([a-z][\w' -]+?) (is|was) ([A-Z][\w' .-]*)", s)
        if m and (c := self.individual(m.group(3))) is not None:  # "The winner of X was Steinhauer."
            return self.complement("the " + m.group(1), c)
        if (got := self._episode(s)) is not None:
            return got
        if m := re.fullmatch(r"(?:Someone|Somebody|Something) ((?!who\b|that\b)[a-z].+)", s):
            body = self.verb_phrase(m.group(1), "x")  # "Someone loves Ola": one does, not all
            return None if body is None else f"exists x. {body}"
        g = self.generic(s)
        if g is not None and g[0] is not None and not re.match(r"(?i)the\b", s):
            conds, rest = g
            body = self.verb_phrase(rest, "x")
            if body is None or not re.match(r"(?:is |are )?(?:either|neither)\b|is\b|(?:cannot|can't|can not) be\b"
                                            r"|(?:does not|doesn't|cannot|can't|can) [a-z]+|[a-z]+[^s]s\b", rest.lower()):
                return None  # "A man is either kind or evil.", "A podcast is not a novel."; others are unsure
            return _forall(conds, body)
        return self._facts(s) or self._either_kind(s)

    def _unless(self, then: str, cond: str) -> str | None:
        """"Nora flies jets unless she is tired", "Pilots fly jets unless they are tired": what
        holds where the condition does not, of one individual or of any one of a class."""
        p = re.fullmatch(r"(?:he|she|it|they) (.+)", cond)
        g = self.generic(then[0].lower() + then[1:]) if p else None
        if g is not None and g[0] is not None and (cond.startswith("they") == _plural_noun(then.split()[0])):
            body, unless = self.verb_phrase(g[1], "x"), self.verb_phrase(p.group(1), "x")  # type: ignore[union-attr]
            return None if body is None or unless is None else _forall([*g[0], _neg(_group(unless))], body)
        a = self._facts(then)
        c = _subject_of(a or "")
        if a is None or c is None or "x" in re.findall(r"\b\w+\b", a):
            return None
        b = self.verb_phrase(p.group(1), c) if p else self._facts(cond)
        return None if b is None or "x" in re.findall(r"\b\w+\b", b) else f"{_neg(_group(b))} -> {_group(a)}"

    def _episode(self, s: str) -> str | None:
        """"A private research university moved to New Haven.": in the past tense, "a" tells of
        one thing that did it, not of each thing of the class ("A pilot flies jets" is generic)."""
        words = s.split()
        if len(words) < 3 or words[0] not in ("A", "An"):
            return None
        for k in range(2, min(len(words), 7)):
            w = words[k].lower()
            if not is_past(w) or "ADJ" in _lemmas(w):  # "A red-haired man", "A skilled pilot"
                continue
            if _AUX.isdisjoint(words[1:k]) and not {"who", "that", "which", ","} & {x.lower() for x in words[1:k]}:
                cond = self.unary(" ".join(words[1:k]), "x")
                body = self.verb_phrase(" ".join(words[k:]), "x")
                return None if cond is None or body is None else f"exists x. {cond} and {body}"
        return None

    def _lettered(self, s: str) -> str | None:
        """"If A is located in B and B is located in C, then A is located in C": letters name
        any things, so the rule holds of all (x, y, z); "located in B" is a relation to B."""
        letters = sorted(set(re.findall(r"\b([A-Z])\b", s)))
        m = re.fullmatch(r"[Ii]f (.+?),? then (.+)", s)
        if not m or len(letters) < 2 or len(letters) > 3 or not set(letters) - {"A", "I"}:
            return None
        var = {f"thing{x.lower()}": v for x, v in zip(letters, "xyz")}  # a letter's stand-in name -> its variable
        got = self._conditional(*(re.sub(r"\b([A-Z])\b", r"Thing\1", part) for part in m.groups()))
        for low in var:  # the letters' stand-ins are no individuals of the text
            self.used_constants.pop(self.constants.pop(low, ""), None)
        if got is None or re.search(r"\b(?:forall|exists|x)\b", got):
            return None  # read as a rule of its own: the letters were taken for a class

        def relation(r: re.Match[str]) -> str:  # "LocateInThingb(Thinga)" -> "LocateIn(x, y)"
            words = " ".join(re.findall(r"[A-Z][a-z0-9]*", r.group(1))).lower()
            return f"{self.name(words, 2)}({var[r.group(3).lower()]}, {var[r.group(2).lower()]})"

        got = re.sub(r"\b([A-Z]\w*?)(Thing[A-Za-z])\((Thing[A-Za-z])\)", relation, got)
        got = re.sub(r"\bThing[A-Za-z]\b", lambda t: var[t.group(0).lower()], got)
        if "Thing" in got:
            return None
        return f"forall {' '.join(var.values())}. {got}"

    def _there(self, s: str) -> str | None:
        """"There is a sailor who is lazy": one is; "There are no brave pilots": none is."""
        m = re.fullmatch(r"[Tt]here (?:is|are|exists?) (no|a|an|some) ([a-zA-Z].+)", s)
        if not m or (m.group(1) != "no" and not m.group(2)[0].islower()):
            return None
        conds = self.noun_group(m.group(2))
        if not conds:
            return None
        return f"not (exists x. {' and '.join(conds)})" if m.group(1) == "no" else "exists x. " + " and ".join(conds)

    def _either_kind(self, s: str) -> str | None:
        """"Either female players at X or male players at X.": two classes and no verb, which
        says that each thing the text speaks of is of one or the other (not both, as "either" says)."""
        m = re.fullmatch(r"Either (.+?) or (.+)", s)
        if not m:
            return None
        groups = []
        for part in m.groups():
            words = re.sub(r"^[A-Z][\w ]*?'s ", "", part).split()  # "Zaha Hadid's design style"
            if not words or not words[0].islower() or words[0] in ("the", "a", "an") \
                    or set(words) & (_AUX | _MODAL | {"is", "are", "was", "were", "has", "have", "had"}):
                return None  # a name, an individual, or a verb: a fact, not a class
            if not (conds := self.noun_group(part)):
                return None
            groups.append(conds)
        return _forall([], " xor ".join(_group(" and ".join(c)) for c in groups))  # "either": one, not both

    def _types(self, count: str, kind: str, listed: str) -> str | None:
        """Each thing of ``kind`` is of one of the listed types, where the list names as many
        as the sentence counts ("six types ...: " and six names; fewer would leave some out).
        That each type is a kind of it the name postulates say, where a type's name ends with
        the kind's."""
        types = [t.strip() for t in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", listed) if t.strip()]
        n = _NUMBERS.index(count.lower()) if count.lower() in _NUMBERS else int(count) if count.isdigit() else -1
        got = [self.unary(t, "x") for t in types]
        whole = self.unary(kind, "x")
        if n != len(types) or len(got) < 2 or None in got or whole is None:
            return None
        return _forall([whole], "(" + " or ".join(got) + ")")  # type: ignore[arg-type]

    def _placed(self, rest: str) -> str | None:
        """"on the Bachelor portrays the lives of real people": where it is, then what it does;
        the place ends at the verb (one cut only: two readings leave it to the model)."""
        words = rest.split()
        got = set()
        for i in range(2, len(words)):
            if words[i - 1].lower() not in _OPEN and (words[i] in ("is", "are", "does", "do", "can", "will", "has") or (
                    re.fullmatch(r"[a-z]+[^s]s", words[i]) and "VERB" in _lemmas(words[i]))):
                where, does = self.verb_phrase("is " + " ".join(words[:i]), "x"), self.verb_phrase(" ".join(words[i:]), "x")
                if where is not None and does is not None:
                    got.add(_forall([where], does))
        return got.pop() if len(got) == 1 else None

    def _facts(self, s: str) -> str | None:
        """One fact, or two about different individuals joined by "and"/"or" ("Rose is a human
        or Jerry is a manager")."""
        for op in (" and ", " or ", ", but ", ", so ", " because "):  # "Nora likes Ada, but Ada does not like her": both
            parts = s.split(op)
            if len(parts) == 2 and re.match(r"[A-Z]", parts[1]):
                a, b = self._fact(parts[0].rstrip(",")), self._fact(parts[1])
                if a is not None and b is not None:
                    return f"{_group(a)} {op.strip()} {_group(b)}" if op == " or " else f"{a} and {b}"
        if (m := re.fullmatch(r"Either ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) or ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) (is|was|does|has|[a-z]+s) (.+)", s)) \
                and (a := self._fact(f"{m.group(1)} {m.group(3)} {m.group(4)}")) is not None \
                and (b := self._fact(f"{m.group(2)} {m.group(3)} {m.group(4)}")) is not None:
            return f"({_group(a)} xor {_group(b)})"  # "Either Nora or Ada is a pilot"
        if (m := re.fullmatch(r"Neither ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) nor ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) (is|was|does|has|[a-z]+s) (.+)", s)) \
                and (a := self._fact(f"{m.group(1)} {m.group(3)} {m.group(4)}")) is not None \
                and (b := self._fact(f"{m.group(2)} {m.group(3)} {m.group(4)}")) is not None:
            return f"{_neg(_group(a))} and {_neg(_group(b))}"  # "Neither Nora nor Ada is a pilot"
        if (m := re.fullmatch(r"Either ([A-Z].+?),? or ([A-Z].+)", s)) \
                and (a := self._fact(m.group(1))) is not None and (b := self._fact(m.group(2))) is not None:
            return f"({_group(a)} xor {_group(b)})"  # "Either Nora is a pilot or Ada is a sailor"
        if (m := re.fullmatch(r"(.+?),? (and|or|but|so|because) (?:he|she|it|they) (.+)", s)) and (a := self._fact(m.group(1))) \
                and (c := _subject_of(a)) and (b := self.verb_phrase(m.group(3), c)):
            # "Nora is a pilot, and she is brave": the pronoun is the one the first clause names
            return f"({_group(a)} or {_group(b)})" if m.group(2) == "or" else f"{a} and {b}"
        got = self._fact(s)
        if got is None and (m := re.fullmatch(r"([A-Z][\w' -]*?), (?:who|which) ([^,]+), (.+)", s)) \
                and (c := self.individual(m.group(1))) is not None:
            # "Nora, who is a pilot, flies jets": both are said of her
            a, b = self.verb_phrase(m.group(2), c), self.verb_phrase(m.group(3), c)
            return None if a is None or b is None else f"{a} and {b}"
        if got is None and (m := re.fullmatch(r"([A-Z][\w' -]*?), ((?:a|an) [a-z][\w -]*?|[a-z]+ [\w -]+?), ((?:is|was|has|does|can|[a-z]+s) .+)", s)) \
                and (m.group(2).split()[0] in ("a", "an") or _participle(m.group(2).split()[0])) \
                and (c := self.individual(m.group(1))) is not None:
            # "Nora, a sailor, is brave", "Nora, born in Oslo, is brave": the apposition is said of her too
            a, b = self.complement(m.group(2), c), self.verb_phrase(m.group(3), c)
            return None if a is None or b is None else f"{a} and {b}"
        if got is None and (m := re.fullmatch(r"(.+?) are (?:both |all )?(.+)", s)) \
                and not re.search(r"\b(?:same|different|each other|one another)\b", m.group(2)):
            # "Bergen and Oslo are cities in Norway": the same said of each named one
            names = self._names(m.group(1))
            said = [self.complement(m.group(2), c) for c in names or []]
            if len(said) >= 2 and None not in said:
                return " and ".join(said)  # type: ignore[arg-type]
        if got is None and (m := re.fullmatch(r"(.+? and [A-Z][\w' -]*?) ((?:do not |don't )?[a-z]+(?: .+)?)", s)) \
                and (m.group(2).startswith(("do not ", "don't ")) or _base_verb(m.group(2).split()[0])) \
                and (names := self._names(m.group(1))):
            # "Linda and Tom work at Acme": the same said of each named one
            said = [self.verb_phrase(m.group(2), c) for c in names]
            if None not in said:
                return " and ".join(said)  # type: ignore[arg-type]
        return got

    def _names(self, phrase: str) -> list[str] | None:
        """"Snow Island, Greenwich Island, and Deception Island" -> their constants; None unless
        every item is a named individual."""
        items = [x for x in re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase.strip()) if x]
        if len(items) < 2 or not all(re.match(r"(?:the )?[A-Z0-9]", x) for x in items):
            return None
        got = [self.individual(re.sub(r"^the ", "", x)) for x in items]
        return None if None in got else got  # type: ignore[return-value]

    def _fact(self, s: str) -> str | None:
        words = s.split()
        low = _ascii(s).lower()
        # a known individual's words ("the film" where "the film" is one: "The film premiered ...")
        known = [k for k in range(len(words) - 1, 0, -1) if (ph := " ".join(low.split()[:k])) in self.constants
                 or ph.startswith("the ") and ph[4:] in self.constants]
        run = 0
        while run < len(words) - 1 and (re.fullmatch(r"[A-Z0-9][\w'.-]*", words[run]) or (
                run and words[run] == "of" and re.match(r"[A-Z0-9]", words[run + 1]))):  # "Legend of Zelda"
            run += 1
        k = max(known[0] if known else 0, run)
        if k == 0 or not re.fullmatch(r"[a-z][\w'-]*", words[k]) or re.search(r"'s$", words[k - 1]):
            return None  # no name, no verb after it, or a possessive ("Emma's favorite season")
        nxt = words[k].lower()
        if k == 1 and not known and "ADJ" in _lemmas(words[0].lower()) and _plural_noun(nxt):
            return None  # "Brave pilots fly jets": an adjective before a class, no name
        if k == 1 and (kind := self._kind(words)) is not None:
            k = kind  # "Machine translation is ...": a kind named without an article is one thing
            nxt = words[k].lower()
        elif words[0] == "The" and k > 1 and k + 2 < len(words) and re.fullmatch(r"[a-z]+", nxt) \
                and not _plural_noun(nxt) and _nominal(nxt) and (words[k + 1] in ("is", "was", "has", "does", "can")
                                                               or _verb_s(words[k + 1])):
            k += 1  # "The Arctic fox is ...", "The Arctic fox lives ...": a kind named, one thing
            nxt = words[k].lower()
            self.constants.setdefault(_ascii(" ".join(words[1:k])).lower(), _constant_name(" ".join(words[1:k])))
        elif k + 1 < len(words) and words[k + 1].lower() in _AUX - {"either", "neither", "both", "not"} \
                and nxt not in _AUX:
            return None  # "Dried Thai chilies are ...": the name goes on in lower case
        # "Employees will ...", "Plungers suck.": a class, not a name; a verb that agrees with one
        # subject ("James has ...", "Billings is ...", "Steinhauer participated ...") follows a name
        singular_verb = nxt in {"is", "was", "has", "had", "does"} | IRREGULAR_PAST or bool(re.fullmatch(r"[a-z]+(?:[^s]s|ed)", nxt))
        if k == 1 and not singular_verb and not known \
                and (_singular(words[0].lower()) != words[0].lower() or nxt not in _AUX):
            return None
        if words[0] == "The" and not (singular_verb or nxt in _AUX or (words[k - 1].endswith("s") and _base_verb(nxt))):
            return None  # "The Machine Learning algorithm ...": the name modifies a noun ("The ... Islands include")
        c = self.individual(" ".join(words[:k]))
        if c is None:
            return None
        m = re.fullmatch(r"(does not |doesn't |do not |don't )?([a-z]+) (?:anyone|everyone|anybody|everybody|anything|everything"
                         r"|people|all people) (?:who|that) (.+)", " ".join(words[k:]))
        if m and "VERB" in _lemmas(m.group(2)) and (cond := self.verb_phrase(m.group(3), "x")) is not None:
            rel = f"{self.name(normalize_phrase(m.group(2)), 2)}({c}, x)"  # "Ola dislikes anyone who is rude": each such one
            return _forall([cond], _neg(rel) if m.group(1) else rel)
        m = re.fullmatch(r"(does not |doesn't |do not |don't )?([a-z]+) (everybody|everyone|everything|nobody|no one|nothing)",
                         " ".join(words[k:]))
        if m and not m.group(1) and "VERB" in _lemmas(m.group(2)):  # "Nora likes everybody", "... nobody": each one
            rel = f"{self.name(normalize_phrase(m.group(2)), 2)}({c}, x)"
            return _forall([], _neg(rel) if m.group(3).startswith("no") else rel)
        m = re.fullmatch(r"(does not |doesn't |do not |don't )?([a-z]+) (?:all|every|any) ([a-z][\w -]*)", " ".join(words[k:]))
        if m and "VERB" in _lemmas(m.group(2)) and (cls := self.unary(m.group(3), "x")) is not None:
            # "Nora likes all boats": each boat; "does not like any boats": none
            rel = f"{self.name(normalize_phrase(m.group(2)), 2)}({c}, x)"
            return _forall([cls], _neg(rel) if m.group(1) else rel)
        return self.verb_phrase(" ".join(words[k:]), c)

    def _kind(self, words: list[str]) -> int | None:
        """"Machine translation is ...", "Unsupervised learning doesn't ...": a singular noun
        phrase with no article before a verb that agrees with one subject names one thing (a
        kind, a field, a disease), as a name would. How many words it has; None otherwise."""
        j = next((i for i, w in enumerate(words[1:4], 1) if w.lower() in _KIND_VERBS), 0)
        if not j or not re.fullmatch(r"[A-Z][a-z-]+", words[0]) or _QUANT_START.match(words[0]) \
                or words[0].lower() in _DROP:  # "His dad ..."
            return None
        phrase = [w.lower() for w in words[:j]]
        last = phrase[-1]
        if any(not re.fullmatch(r"[a-z][a-z-]*", w) or w in _OPEN | _FUNCTION_WORDS | _DROP | _AUX
               for w in phrase[1:]) or _lemmas(last).get("NOUN", (last,))[0] != last:
            return None  # a function word, or a plural ("Dried chilies are ...")
        name = _ascii(" ".join(phrase))
        self.constants.setdefault(name, _constant_name(name))
        self.kinds.add(name)
        return j

    def _relation_to(self, clause: str, obj: str, tail: str = "") -> str | None:
        """"Karen will binge-watch" + x: a named subject's relation to ``obj``."""
        words = clause.split()
        run = 0
        while run < len(words) - 1 and re.fullmatch(r"[A-Z][\w'.-]*", words[run]):
            run += 1
        rest = " ".join(words[run:])
        if not run or not (c := self.individual(" ".join(words[:run]))):
            return None
        got = _relation_words(rest, tail)  # the tail: "... share it to Lisa"
        if got is None:
            return None
        verb, negated = got
        atom = f"{self.name(verb, 2)}({c}, {obj})"
        return _neg(atom) if negated else atom

    def _repeated_subject(self, cond: str, then: str) -> None:
        """A phrase both halves of a conditional begin with, before a verb, names one thing
        ("If dried Thai chilies are spicy, then dried Thai chilies are ..."): a constant."""
        a, b = cond.lower().split(), then.lower().split()
        n = next((i for i in range(_common_prefix(a, b) + 1) if i < min(len(a), len(b)) and a[i] in _AUX), 0)
        if 0 < n and b[n] in _AUX and not _QUANT_START.match(cond) \
                and not set(a[:n]) & (_PERSON | _THING | _OPEN):
            phrase = _ascii(" ".join(a[:n]))
            self.constants.setdefault(phrase, _constant_name(phrase))

    def _quantified(self, q: str, rest: str) -> str | None:
        words = rest.split()
        rel = next((i + 2 for i, w in enumerate(words) if w in ("who", "that", "which")), 1)
        clause_verb = rel - 1 if rel > 1 else None  # "who flies": the word after it is its object
        # "boats that Ola built | float": a named one's clause ends after its verb, where a verb follows
        named_end = rel + 1 if rel > 1 and rel + 1 < len(words) and words[rel - 1][0].isupper() \
            and (is_past(words[rel]) or _verb_s(words[rel])) \
            and (_bare_verb(words[rel + 1]) or _verb_s(words[rel + 1]) or words[rel + 1] in ("is", "are")) else None
        # "who are (not) brave": the clause ends after its one adjective, where a verb follows
        adj = rel + (rel < len(words) and words[rel] == "not")
        adjective_end = adj + 1 if clause_verb is not None and adj + 1 < len(words) and words[clause_verb] in ("is", "are") \
            and "ADJ" in _lemmas(words[adj]) and (_bare_verb(words[adj + 1]) or _verb_s(words[adj + 1])) else None
        # where the class ends and what is said of it begins, by guesses in turn: the first that
        # finds a place decides (trying the next where it reads nothing misreads: "... have people
        # who have parents who are busy with their jobs" cut at "jobs")
        guesses = [
            # at a copula or an auxiliary (a relative clause's own copula comes first: every one
            # is tried, and only one leaves both sides readable), or a verb the text uses
            lambda: [i for i, w in enumerate(words) if i > 0 and re.fullmatch(
                r"are|is|were|was|do|does|don't|doesn't|can|cannot|will|have|has", w.lower())
                or _lemma(w) in self.verbs and i != clause_verb  # the clause's own verb ends no class
                or i in (adjective_end, named_end)  # "pilots who are (not) brave | fly jets"
                or w.lower() in ("either", "neither") and _plural_noun(words[i - 1])],  # "pilots either fly ..."
            # "people born in Oslo speak ...": where a participle goes on with the class (below);
            # before the next guess, which takes "sells well" for a plural and a verb
            lambda: [i for i in range(1, len(words) - 1) if _participle(words[i].lower())
                     and words[i + 1].lower() in _PREPOSITIONS and i != clause_verb],  # "that premiered at ..." is the clause's
            # "All birds fly", "No managers work ...": a plural class word, then a base-form verb
            lambda: [i for i in range(1, len(words)) if _plural_noun(words[i - 1]) and _base_verb(words[i])][:1],
            # "All players at Roland Garros lost to ...": a past tense after the class
            lambda: [i for i in range(1, len(words)) if is_past(words[i].lower()) and i != clause_verb],
            # "students at Harvard work hard": a plural class, where it is, then a base-form verb
            lambda: [j for j in range(3, len(words)) if (words[0].lower() == "people" or _plural_noun(words[0]))
                     and words[1] in _PREPOSITIONS
                     and _base_verb(words[j]) and not _base_verb(words[j - 1])][:1],
            # "Everyone who speaks Norwegian lives in Norway", "Every member of the club plays
            # chess": a verb agreeing with one, after the relative clause's own (not its object)
            lambda: [j for j in range(rel, len(words)) if _verb_s(words[j])
                     and words[j - 1].lower() not in ("and", "or", "but") and j - 1 != clause_verb],
        ]
        readings: set[tuple[tuple[str, ...], str]] = set()
        for guess in guesses:
            if not (cuts := guess()):
                continue
            # "Every boat built by Ada floats": a participle after the class goes on with it, up
            # to a verb that agrees with it
            reduced = [i for i in cuts if i + 2 < len(words) and _participle(words[i].lower())
                       and words[i + 1].lower() in _PREPOSITIONS]
            plural = words[0].lower() == "people" or _plural_noun(words[0])  # "boats built by Ada float"
            # ("people" stands for "everyone" too, whose verb agrees with one: "Everyone who ... lives")
            agree = [j for j in range(3, len(words)) if ((_base_verb(words[j]) or words[0].lower() == "people"
                                                          and _verb_s(words[j])) if plural else _verb_s(words[j]))
                     and any(i + 1 < j for i in reduced)]
            if agree:
                cuts = [i for i in cuts if i not in reduced] + agree[:1]
            for i in cuts:
                if words[i - 1].lower() in _AUX | _MODAL:
                    continue  # "Employees will either have ...": a class ends before its verb's auxiliary
                conds = self.noun_group(" ".join(words[:i]))
                pred = self.verb_phrase(" ".join(words[i:]), "x")
                if conds and pred is not None:
                    readings.add((tuple(conds), pred))
            break
        if len(readings) != 1:
            return None  # no reading, or two: the words do not decide
        conds_t, pred = readings.pop()
        conds = list(conds_t)
        if q == "some":  # "Some turtles exist.": that there is one
            return "exists x. " + " and ".join([*conds] if pred.startswith(self.name("exist", 1) + "(") else [*conds, pred])
        if q == "no":
            return _forall(conds, _neg(pred))
        return _forall(conds, pred)

    def _conditional(self, cond: str, then: str, iff: bool = False) -> str | None:
        arrow = "<->" if iff else "->"
        m = re.fullmatch(r"the ([a-z]+(?: [a-z]+)?) of (?:a|an) (.+?) (?:is|are) (not )?(.+)", cond)
        t = re.fullmatch(r"(?:it|they) (.+)", then)
        if m and t:  # "If the output of a task is a text sequence, then it is ...": said of the task
            cls, part = self.unary(m.group(2), "x"), self.unary(f"{m.group(1)} {m.group(4)}", "x")
            head = self.verb_phrase(t.group(1), "x")
            if cls is None or part is None or head is None:
                return None
            return _forall([cls, _neg(part) if m.group(3) else part], head, arrow)
        if (got := self._class_object(cond, then, arrow)) is not None:
            return got  # "If a player left a team, they do not play for that team": two things
        g = self.generic(cond)
        if g is not None and g[0] is not None and not re.match(r"(?i)the\b", cond):
            conds, rest = g
            body = self.verb_phrase(rest, "x")
            tw = then.split()
            plural = _plural_noun(cond.split()[0])
            # the class's own words: "a design by Max is timeless" -> "design by max"
            noun = re.sub(r"^(?:a|an|the)\s+", "", cond[:len(cond) - len(rest)].strip().lower())
            for k in (4, 3, 2, 1):  # "they ...", "he/she ...", "the person ...", "the koala ...", "a design by Max"
                said = " ".join(tw[:k]).lower()
                bare = re.sub(r"^(?:the|a|an) ", "", said)
                if plural and said not in ("they", "them"):
                    continue  # "If roses are given out during X, then it is ...": "it" is not the roses
                if bare == "person" and noun not in _PERSON and re.search(r"\b(?:a|some) person\b", rest):
                    return None  # "If a book is written by a person, then the person is ...": not the book
                if said in _PRONOUN or (bare != said and bare == noun):
                    # the longest repeat is the subject: a shorter one ("a design" of "a design
                    # by Max") would cut the class in two
                    head = self.verb_phrase(" ".join(tw[k:]), "x")
                    return None if body is None or head is None else _forall([*conds, body], head, arrow)
            m = re.fullmatch(r"(?:its|their|his|her) ([a-z]+(?: [a-z]+)?) (?:is|are) (not )?([a-z]+)", then)
            if m and body is not None and (part := self.unary(f"{m.group(1)} {m.group(3)}", "x")) is not None:
                return _forall([*conds, body], _neg(part) if m.group(2) else part, arrow)  # "its survival rate is low"
            if (m := re.fullmatch(r"(.+) (?:it|them)", then)) and body is not None:
                head = self._relation_to(m.group(1), "x")  # "..., Karen will binge-watch it."
                if head is not None:
                    return _forall([*conds, body], head, arrow)
            return None
        if (got := self._named_object(cond, then, arrow)) is not None:
            return got
        self._repeated_subject(cond, then)
        a, b = self._facts(cond), self._fact(then)  # "If Mary works ..., then Mary is ..."
        if a is not None and b is None and (m := re.fullmatch(r"(?:he|she|they|it) (.+)", then)) \
                and (c := _subject_of(a)):
            b = self.verb_phrase(m.group(1), c)  # "If Nora owns a boat, then she is ...": Nora
        if a is None or "x" in re.findall(r"\b\w+\b", a):
            return None
        if b is None or "x" in re.findall(r"\b\w+\b", b):
            b = self._there(then)  # "..., then there are no Greyhound planes": closed, x is its own
        return None if b is None else f"{_group(a)} {arrow} {_group(b)}"

    def _named_object(self, cond: str, then: str, arrow: str) -> str | None:
        """"If Karen binge-watches a Netflix show, she will download it": a named subject's
        relation to any thing of a class, and what follows of the same thing ("it")."""
        m = re.fullmatch(r"(.+?) (?:a|an|any) ([A-Za-z][\w -]*)", cond)
        t = re.fullmatch(r"(\w+(?: \w+)*?) (?:it|them)(?: ((?:to|for|with|from|in|at|on|by) .+))?", then)
        if not m or not t:
            return None
        subject = re.match(r"[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*", m.group(1))
        if not subject:
            return None
        # the consequent's pronoun ("she") or the same name is the antecedent's subject
        said = re.sub(r"^(?:he|she|they|he/she) ", subject.group(0) + " ", t.group(1))
        if not said.startswith(subject.group(0) + " "):
            return None
        cls, body = self.unary(m.group(2), "x"), self._relation_to(m.group(1), "x")
        head = self._relation_to(said, "x", t.group(2) or "")
        if cls is None or body is None or head is None:
            return None
        return _forall([cls, body], head, arrow)


    def _class_object(self, cond: str, then: str, arrow: str) -> str | None:
        """"If a player left a team, they do not play for that team": any one of a class, its
        relation to any one of another, and what follows of the two (x and y)."""
        m = re.fullmatch(r"(?:(?:a|an) ([a-z][\w-]*(?: [a-z][\w-]*)?)|someone|somebody) ([a-z]+) (?:a|an|any) ([a-z][\w-]*(?: [a-z][\w-]*)?)", cond)
        if not m or "VERB" not in _lemmas(m.group(2)) or not (m.group(2).endswith("s") or is_past(m.group(2))):
            return None
        obj = m.group(3).split()[-1]
        t = re.fullmatch(rf"(?:they|he|she|it|the {m.group(1) or 'person'}) (.+?) (?:that {re.escape(obj)}|it|them)"
                         r"(?: ((?:to|for|with|from|in|at|on|by) [a-z]+))?", then)
        if not t:
            return None
        got = _relation_words(t.group(1), t.group(2) or "", end_preposition=True)  # "play for" (that team)
        if got is None:
            return None
        verb, negated = got
        conds = [c for c in (self.unary(m.group(1), "x") if m.group(1) else "", self.unary(m.group(3), "y")) if c != ""]
        if None in conds:
            return None
        body = f"{self.name(normalize_phrase(m.group(2)), 2)}(x, y)"
        head = f"{self.name(verb, 2)}(x, y)"
        return f"forall x y. {' and '.join([*conds, body])} {arrow} {_neg(head) if negated else head}"  # type: ignore[list-item]


def _constant_name(phrase: str) -> str:
    """"Roderick Strong" -> RoderickStrong; a name must begin with a letter: "1984" -> C1984."""
    c = camel(re.sub(r"[^A-Za-z0-9 ]", "", _ascii(phrase)))
    return c if c[:1].isalpha() else "C" + c


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _neg(f: str) -> str:
    if re.fullmatch(r"not \w+\([^()]*\)", f):
        return f[4:]
    return f"not {f}" if re.fullmatch(r"\w+\([^()]*\)", f) or _wrapped(f) else f"not ({f})"


def _wrapped(f: str) -> bool:
    """Whether ``f`` is one parenthesised group: its first "(" closes at its end."""
    if not f.startswith("("):
        return False
    depth = 0
    for i, ch in enumerate(f):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i == len(f) - 1
    return False


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _not_verb(m: re.Match[str]) -> str:
    """"no longer plays", "never sails" -> "does not play", "does not sail" (a verb, else as is)."""
    w = m.group(1)
    return f"{'does' if w.endswith('s') else 'do'} not {_lemma(w, verb_first=True)}" if "VERB" in _lemmas(w) else m.group(0)


def _relation_words(said: str, tail: str, end_preposition: bool = False) -> tuple[str, bool] | None:
    """A relation's name words from "does not play for" (+ a tail: "share it to Lisa") and
    whether it is denied; None past three words or ending open ("play for" only with
    ``end_preposition``: "... play for that team")."""
    negated = bool(re.match(_NEG_AUX + r" ", said))
    said = re.sub(r"^(?:" + _NEG_AUX + r"|will|would|can|does|do) ", "", said)
    verb = normalize_phrase(f"{said} {tail}")
    last = verb.split()[-1] if verb else ""
    if not verb or len(verb.split()) > 3 or (last in _OPEN and not (end_preposition and last in _PREPOSITIONS)):
        return None
    return verb, negated


def _third_person(phrase: str) -> str:
    """A verb phrase said of "they" as said of one: "fly jets" -> "flies jets", "are" -> "is"."""
    first, _, rest = phrase.partition(" ")
    fixed = {"are": "is", "do": "does", "have": "has", "were": "was", "don't": "doesn't"}.get(first)
    if fixed is None and _base_verb(first):
        from lemminflect import getInflection

        fixed = (getInflection(first, tag="VBZ") or (first,))[0]
    return f"{fixed or first} {rest}".strip()


def _subject_of(fact: str) -> str | None:
    """The one individual a fact is about (the first argument of each of its atoms), which a
    pronoun after it names ("Nora owns a boat, and she ..."); None where it names two."""
    names = set(re.findall(r"\w+\((\w+)[,)]", fact))
    return names.pop() if len(names) == 1 else None


def _group(f: str) -> str:
    return f if re.fullmatch(r"(?:not )?\w+\([^()]*\)", f) or _wrapped(f) else f"({f})"


def _forall(conds: list[str], head: str, arrow: str = "->") -> str:
    if not conds:
        return f"forall x. {head}"
    return f"forall x. {' and '.join(_group(c) for c in conds)} {arrow} {_group(head)}"
