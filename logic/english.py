"""English words for the FOLIO readers: word lists (articles, auxiliaries, function words, ...)
and word forms from lemminflect's lists (a word's lemmas and base form, singular, participles,
the normalized words a phrase's predicate is named by, an article)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from logic.phrases import IRREGULAR_PAST, is_past, past_lemma
from logic.problem import singular_word

__all__ = ["AUX", "DROP", "FUNCTION_WORDS", "HEDGE", "KIND_VERBS", "MODAL", "NEG_AUX", "NUMBERS", "OPEN",
           "PERSON", "PREPOSITIONS", "PRONOUN", "QUANT_START", "THING", "article", "is_bare_verb",
           "is_base_verb", "is_nominal", "is_participle", "is_plural_noun", "is_verb_s", "lemma", "lemmas",
           "normalize_phrase", "progressive", "singular", "third_person", "to_ascii"]

PERSON = {"person", "people", "someone", "somebody", "everyone", "everybody", "anyone", "man", "woman", "one",
          "human being"}
THING = {"something", "everything", "anything", "thing", "things", "object"}
PRONOUN = {"they", "he", "she", "it", "he/she", "them", "this person", "that person", "the person"}
DROP = {"a", "an", "the", "their", "his", "her", "its", "my", "our", "your", "will", "would", "can", "could",
        "also", "always", "really"}
_IRREGULAR = {"has": "have", "had": "have", "does": "do", "did": "do", "goes": "go", "is": "be", "are": "be",
              "am": "be", "was": "be", "were": "be", "people": "person", "men": "man", "women": "woman",
              "children": "child", "gentlemen": "gentleman", "feet": "foot", "teeth": "tooth", "mice": "mouse"}
# words that begin a verb phrase whatever the subject
AUX = {"is", "are", "was", "were", "does", "do", "doesn't", "don't", "did", "will", "can", "cannot", "has", "have",
       "either", "neither", "both", "not"}
MODAL = {"will", "would", "can", "could", "should", "must", "shall"}
NEG_AUX = r"(?:does not|do not|did not|doesn't|don't|didn't|cannot|can not|can't|will not|won't|never)"
# words after which a phrase cannot end: a split there would cut a phrase in two
OPEN = {"a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "by", "from", "and", "or", "their", "his",
        "her", "its", "who", "that", "which", "not", "is", "are", "be"}
FUNCTION_WORDS = {"in", "of", "at", "on", "by", "with", "for", "to", "from", "among", "than", "about", "into", "over",
                  "under", "not", "no", "all", "some", "most", "many", "more", "less", "very"}
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
KIND_VERBS = {"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "can", "cannot"}
HEDGE = re.compile(r"\b(?:usually|sometimes|typically|generally|mostly|probably|likely|possibly|may|might|not always)\b"
                   r"|^(?:most|many|several|few|a few)\b", re.I)  # "Most pilots are brave" is no rule
QUANT_START = re.compile(r"^(?:all|every|each|no|some|if|either|neither|both|there|it|a|an|the|any|most|many|"
                         r"everyone|everything|someone|something|people|nobody|none)\b", re.I)


def to_ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def singular(phrase: str) -> str:
    """A phrase with its last word singular, unless the word lists say the word already is
    ("major tennis", "the news"): "tennis" is no plural of "tenni"."""
    last = phrase.rsplit(" ", 1)[-1]
    if last[:1].isupper() or (last.endswith("s") and last in lemmas(last).get("NOUN", ())):
        return phrase.lower()  # a name's word ("Roland Garros"; normalize_phrase keeps their capitals)
    return singular_word(phrase.lower())


def lemma(word: str, verb_first: bool = False) -> str:
    """A word's base form; a phrase's first word is read as a verb where it can be one ("lives in
    Paris": live), a later one as a noun ("the lives of sailors": life)."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if is_past(w):
        return past_lemma(w)  # "Beethoven wrote ..." and "Composers write ...": one verb
    if w.endswith(("en", "wn", "ne")) and w != "been" and (base := lemmas(w).get("VERB", (w,))[0]) != w:
        return base  # "has written" and "wrote": one verb
    if re.search(r"(?:ch|sh|ss|x|z)es$", w) and len(w) > 4:
        return w[:-2]  # "teaches" -> "teach", "boxes" -> "box"
    if w.endswith("s") and (known := lemmas(w)):  # "tennis", "news", "lives" -> "life": as the word lists say
        order = ("VERB", "NOUN") if verb_first else ("NOUN", "VERB")
        return (known.get(order[0]) or known.get(order[1]) or (singular_word(w),))[0]
    return singular_word(w)


@lru_cache(maxsize=8192)
def lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's lemmas of a word by part of speech ({} for a word its lists lack)."""
    from lemminflect import getAllLemmas

    return getAllLemmas(word.lower())


def is_plural_noun(word: str) -> bool:
    w = word.lower()
    return bool(re.fullmatch(r"[a-z]+s", w)) and singular_word(w) != w and not w.endswith("ss")


def is_base_verb(word: str) -> bool:
    """A verb's base or past form ("love", "premiered"), as after a plural subject; not a function word."""
    w = word.lower()
    if not re.fullmatch(r"[a-z]+", w) or w in OPEN | FUNCTION_WORDS | DROP or w.endswith("s"):
        return False
    return lemmas(w).get("VERB", ("",))[0] == w or is_past(w)  # "Some orchestras premiered ..."


def is_nominal(word: str) -> bool:
    """A word that can name or modify a class: a noun or an adjective, not a verb form."""
    w = word.lower()
    if w in OPEN | FUNCTION_WORDS | DROP | AUX | {"be", "have"} or is_past(w) or w.endswith("ing"):
        return False
    kinds = lemmas(w)
    if kinds.get("VERB", (w,))[0] != w:  # an inflected verb ("born", "given"), unless a plural noun ("captains")
        return kinds.get("NOUN", (w,))[0] != w
    return not kinds or bool({"NOUN", "ADJ"} & set(kinds))


PREPOSITIONS = {"in", "at", "on", "from", "to", "into", "for", "with", "by", "near", "under", "across"}


def is_bare_verb(word: str) -> bool:
    """A verb in its base form ("tidy", "enjoy"), as after a plural subject."""
    return lemmas(word).get("VERB", ())[:1] == (word.lower(),)


def is_verb_s(word: str) -> bool:
    """A verb that agrees with one ("flies", "admires")."""
    return bool(re.fullmatch(r"[a-z]+[^s]s", word)) and "VERB" in lemmas(word)


def is_participle(word: str) -> bool:
    """A verb's past participle ("written", "given", "located", "born"), not a noun or a plain adjective."""
    kinds = lemmas(word)
    return kinds.get("VERB", (word,))[0] != word and kinds.get("NOUN", (word,))[0] == word \
        and (word.endswith(("ed", "en", "wn", "ne", "rn")) or word in IRREGULAR_PAST)


def progressive(phrase: str, before_preposition: bool = False) -> str | None:
    """"taking the database course" -> "take the database course": a phrase that opens with a
    verb's -ing form, said with the verb's base form; None for other phrases ("morning")."""
    first, _, rest = phrase.partition(" ")
    if not first.endswith("ing") or len(first) < 6:
        return None
    base = lemmas(first).get("VERB")
    if not base or base[0] == first.lower() or ("ADJ" in lemmas(first) and not before_preposition):
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
    if first not in NUMBERS and "ADJ" not in lemmas(first):
        return None
    for noun in (stem + "e", stem, stem[:-1] if re.search(r"([b-df-hj-np-tv-z])\1$", stem) else ""):
        if noun and "NOUN" in lemmas(noun):
            return f"have {first} {noun}"
    return None


def normalize_phrase(phrase: str) -> str:
    """The words a phrase's predicate is named by: "schedules meetings with their customers" ->
    "schedule meeting with customer"; a lone "four-sided" -> "have four side"."""
    if (having := _having(phrase.strip())) is not None:
        return having
    phrase = re.sub(r"\bat least one\b", "a", phrase)  # "owns at least one boat" owns a boat
    words = re.findall(r"[A-Za-z0-9]+", to_ascii(phrase).replace("'s", "").replace("’s", "").replace("'S", ""))
    # a capitalised word after the first is a name's: "Paris", "Roland Garros" keep their letters
    words = [w for w in words if w.lower() not in DROP]
    return " ".join(w if i and w[0].isupper() else lemma(w, verb_first=not i) for i, w in enumerate(words))


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def third_person(phrase: str) -> str:
    """A verb phrase said of "they" as said of one: "fly jets" -> "flies jets", "are" -> "is"."""
    first, _, rest = phrase.partition(" ")
    fixed = {"are": "is", "do": "does", "have": "has", "were": "was", "don't": "doesn't"}.get(first)
    if fixed is None and is_base_verb(first):
        from lemminflect import getInflection

        fixed = (getInflection(first, tag="VBZ") or (first,))[0]
    return f"{fixed or first} {rest}".strip()
