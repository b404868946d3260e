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

The phrases (a name, a class, a verb phrase, a subject) are read by ``logic.folio_phrases.PhraseReader``,
which ``FolioReader`` extends; the word lists and word forms are ``logic.english``'s.
"""

from __future__ import annotations

import re

from logic.english import (
    AUX, DROP, FUNCTION_WORDS, HEDGE, KIND_VERBS, MODAL, NEG_AUX, NUMBERS, OPEN, PERSON, PREPOSITIONS,
    PRONOUN, QUANT_START, THING, article, is_bare_verb, is_base_verb, is_nominal, is_participle,
    is_plural_noun, is_verb_s, lemma, lemmas, normalize_phrase, third_person, to_ascii,
)
from logic.folio_phrases import PhraseReader, constant_name
from logic.formula_text import forall, group, neg
from logic.phrases import IRREGULAR_PAST, is_past
from logic.problem import singular_word

__all__ = ["FolioReader"]


class FolioReader(PhraseReader):
    """Reads one sentence into a formula; ``name`` names predicates, ``constants`` maps
    lower-case phrases to constant names (shared with ``logic.phrases.Reader``)."""

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
        s = re.sub(r"\b(?:has|have|had) never ([a-z]+)\b", lambda m: f"does not {lemma(m.group(1), verb_first=True)}"
                   if is_participle(m.group(1)) or is_past(m.group(1)) else m.group(0), s)  # "has never flown": did not fly
        s = re.sub(r"\bnever ([a-z]+)\b", _not_verb, s)
        s = re.sub(r"\b(is|was) one of the ([a-z]+s)\b", lambda m: f"{m.group(1)} {article(m.group(2))} {singular_word(m.group(2))}"
                   if is_plural_noun(m.group(2)) else m.group(0), s)  # "Nora is one of the pilots": a pilot
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
        if not s or "?" in s or ":" in s or ";" in s or '"' in s or HEDGE.search(s) \
                or re.search(r", (?:while|whereas|although|though) |^(?:Although|Though|Whereas) ", s):  # two sentences: ``weaken`` splits them
            return None  # a question, a list, a quotation, or a hedge ("usually"): no one formula
        if (m := re.fullmatch(r"(.+?),? and ((?:all|every|each|no|some) [a-z].+)", s)) and re.match(r"(?:All|Every|Each|No|Some) ", s):
            a, b = self.read(m.group(1)), self.read(m.group(2)[0].upper() + m.group(2)[1:])
            return None if a is None or b is None else f"({a}) and ({b})"  # "All A are B, and all C are D"
        if m := re.fullmatch(r"It is not (?:true|the case) that (.+)", s):
            inner = self._facts(m.group(1))
            return None if inner is None else neg(group(inner))
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
                said = third_person(said)  # "A pilot is brave if they fly jets": a pilot flies jets
            return self._conditional(f"{subject} {said}", f"{m.group(2)} {g[1]}")
        if m and m.group(2) != "they" and (a := self._fact(m.group(1))) is not None and (c := _subject_of(a)) \
                and "x" not in re.findall(r"\b\w+\b", a) and (b := self.verb_phrase(m.group(3), c)) is not None:
            return f"{group(b)} -> {group(a)}"  # "Mia purrs if she is happy"
        m = re.fullmatch(r"(Everyone|Everybody|Nobody|No one) ((?!who\b|that\b)[a-z].+)", s)
        if m and re.fullmatch(r"(?!is |are |was |were )\S.* (?:is|are|was|were) .+", m.group(2)):
            # "No one trained by Ada is lazy": a class ("people trained by Ada"), then its copula
            return self._quantified("no" if m.group(1).lower() in ("nobody", "no one") else "all", "people " + m.group(2))
        if m and (body := self.verb_phrase(m.group(2), "x")) is not None:  # "No one gets flu."
            return forall([], neg(body) if m.group(1).lower() in ("nobody", "no one") else body)
        m = re.fullmatch(r"(Everything|Everyone|Anything|Anyone) ((?:in|on|at|from) .+)", s)
        if m and (got := self._placed(m.group(2))) is not None:  # "Everything on the Bachelor portrays ..."
            return got
        if m := re.fullmatch(r"Only ([a-z].+)", s):  # "Only pilots fly planes": who flies planes is a pilot
            words = m.group(1).split()
            readings = {(tuple(conds), vp) for i in range(1, len(words))
                        if is_plural_noun(words[i - 1]) and (words[i] in ("are", "do", "can", "have") or is_base_verb(words[i]))
                        and (conds := self.noun_group(" ".join(words[:i])))
                        and (vp := self.verb_phrase(" ".join(words[i:]), "x")) is not None}
            if len(readings) != 1:
                return None
            conds, vp = readings.pop()
            return forall([vp], " and ".join(conds))
        if s.startswith("Only "):
            return None  # "Only Nora owns a boat": no one else does, which no fact of hers says
        s = re.sub(r"^None of the ", "No ", s)  # "None of the sailors are lazy"
        # "All birds can fly except penguins": all birds that are not penguins can fly
        s = re.sub(r"^(All|No) ([a-z]+s) (.+?),? except (?:for )?([a-z]+s)$", lambda m: f"{m.group(1)} {m.group(2)} that are "
                   f"not {m.group(4)} {m.group(3)}" if is_plural_noun(m.group(4)) else m.group(0), s)
        s = re.sub(r"^(.+ either .+ or .+?),? but not both$", r"\1", s)  # "either" is exclusive already
        if (m := re.fullmatch(r"((?!.*\beither\b).+ or .+?),? but not both", s)) and (got := self.read(m.group(1))):
            # "Ola is a pilot or a sailor, but not both": the one "or" is exclusive
            return got.replace(" or ", " xor ") if got.count(" or ") == 1 else None
        s = re.sub(r"^((?!.*\beither\b).+ or .+?),? or both$", r"\1", s)  # "A or B, or both": "or" is inclusive
        s = re.sub(r"^There are (?:some )?([a-z]+s) (who|that) ", lambda m: f"There is {article(m.group(1))} "
                   f"{singular_word(m.group(1))} {m.group(2)} " if is_plural_noun(m.group(1)) else m.group(0), s)  # "There are pilots who ..."
        if re.match(r"There (?:is|are|exists?) ", s):
            return self._there(s)
        if m := re.fullmatch(r"Not (?:all|every) (.+)", s):  # "Not all pilots are brave": some are not
            inner = self._quantified("all", m.group(1))
            g = re.fullmatch(r"forall x\. (.+?) -> (.+)", inner or "")
            return f"exists x. {g.group(1)} and {neg(group(g.group(2)))}" if g else None
        m = re.fullmatch(r"(All|No) ([a-z]+s) and ([a-z]+s) (.+)", s)
        if m and is_plural_noun(m.group(2)) and is_plural_noun(m.group(3)):  # "All pilots and sailors are brave": each
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
        if m and (m.group(1) == "People" or is_plural_noun(m.group(1))
                  or not any(is_past(w.lower()) and "ADJ" not in lemmas(w.lower()) for w in s.split())):
            return self._quantified("all", re.sub(r"^(?:A|An) ", "", s[0].lower() + s[1:]))
        m = re.fullmatch(r"(.+?) can be (?:categorized|classified|divided|grouped) (?:as|into) "
                         r"(either .+|[^,]+(?:, [^,]+)+,? (?:or|and) [^,]+)", s)
        if m and is_plural_noun(m.group(1).split()[-1]) and m.group(1).lower() not in self.constants:
            # "Tasks can be categorized as either A or B", "... as A, B, and C": each is one of them
            kinds = re.sub(r",? and ([^,]+)$", r", or \1", m.group(2))
            kinds = kinds if kinds.startswith("either ") or "," not in kinds else "either " + kinds
            return self._quantified("all", f"{m.group(1).lower()} are {kinds}")
        m = re.fullmatch(r"([A-Z][a-z]+s) and ([a-z]+s) ((?:are|do|can|have|will|[a-z]+(?<![se]d)(?<!s)\b) .+)", s)
        if m and is_plural_noun(m.group(1).lower()) and is_plural_noun(m.group(2)) and m.group(1).lower() not in self.constants:
            return self.read(f"All {m.group(1).lower()} and {m.group(2)} {m.group(3)}")  # "Pilots and sailors are brave."
        # a plural class word before an auxiliary or a base-form verb ("Composers write ...")
        m = re.fullmatch(r"([A-Z][a-z]+s) ((?:are|do|does|can|have|will|[a-z]+(?<![se]d)(?<!s)\b)(?: .+)?)", s)
        if m and singular_word(m.group(1).lower()) != m.group(1).lower() and m.group(1).lower() not in self.constants:
            return self._quantified("all", s[0].lower() + s[1:])  # "Strikers are soccer players."
        m = re.fullmatch(r"([A-Z][a-z]+s|People) (in|at|on|from|of|with) (.+)", s)
        if m and (m.group(1) == "People" or is_plural_noun(m.group(1))) and m.group(1).lower() not in self.constants \
                and (got := self._quantified("all", s[0].lower() + s[1:])) is not None:
            return got  # "Students at Harvard work hard."
        m = re.fullmatch(r"([A-Z][a-z]+s) ([a-z]+) ([a-z]+) .+", s)
        if m and singular_word(m.group(1).lower()) != m.group(1).lower() and is_participle(m.group(2)) \
                and m.group(3) in PREPOSITIONS and m.group(1).lower() not in self.constants:
            return self._quantified("all", s[0].lower() + s[1:])  # "Companies based in Boston pay well."
        m = re.fullmatch(r"([A-Z][a-z]+) ([a-z]+s) (?:are|do|can|have|will|[a-z]+(?<![se]d)(?<!s)\b)(?: .+)?", s)
        if m and "ADJ" in lemmas(m.group(1).lower()) and is_plural_noun(m.group(2)) \
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
        if m and (c := self.individual(m["whose"])) is not None and not is_plural_noun(m["part"].split()[-1]) \
                and (got := self.unary(f"{m['part']} {m['what']}", c)) is not None:  # "The pilots of SAS": many
            return neg(got) if m["neg"] else got
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
            return forall(conds, body)
        return self._facts(s) or self._either_kind(s)

    def _unless(self, then: str, cond: str) -> str | None:
        """"Nora flies jets unless she is tired", "Pilots fly jets unless they are tired": what
        holds where the condition does not, of one individual or of any one of a class."""
        p = re.fullmatch(r"(?:he|she|it|they) (.+)", cond)
        g = self.generic(then[0].lower() + then[1:]) if p else None
        if g is not None and g[0] is not None and (cond.startswith("they") == is_plural_noun(then.split()[0])):
            body, unless = self.verb_phrase(g[1], "x"), self.verb_phrase(p.group(1), "x")  # type: ignore[union-attr]
            return None if body is None or unless is None else forall([*g[0], neg(group(unless))], body)
        a = self._facts(then)
        c = _subject_of(a or "")
        if a is None or c is None or "x" in re.findall(r"\b\w+\b", a):
            return None
        b = self.verb_phrase(p.group(1), c) if p else self._facts(cond)
        return None if b is None or "x" in re.findall(r"\b\w+\b", b) else f"{neg(group(b))} -> {group(a)}"

    def _episode(self, s: str) -> str | None:
        """"A private research university moved to New Haven.": in the past tense, "a" tells of
        one thing that did it, not of each thing of the class ("A pilot flies jets" is generic)."""
        words = s.split()
        if len(words) < 3 or words[0] not in ("A", "An"):
            return None
        for k in range(2, min(len(words), 7)):
            w = words[k].lower()
            if not is_past(w) or "ADJ" in lemmas(w):  # "A red-haired man", "A skilled pilot"
                continue
            if AUX.isdisjoint(words[1:k]) and not {"who", "that", "which", ","} & {x.lower() for x in words[1:k]}:
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
                    or set(words) & (AUX | MODAL | {"is", "are", "was", "were", "has", "have", "had"}):
                return None  # a name, an individual, or a verb: a fact, not a class
            if not (conds := self.noun_group(part)):
                return None
            groups.append(conds)
        return forall([], " xor ".join(group(" and ".join(c)) for c in groups))  # "either": one, not both

    def _types(self, count: str, kind: str, listed: str) -> str | None:
        """Each thing of ``kind`` is of one of the listed types, where the list names as many
        as the sentence counts ("six types ...: " and six names; fewer would leave some out).
        That each type is a kind of it the name postulates say, where a type's name ends with
        the kind's."""
        types = [t.strip() for t in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", listed) if t.strip()]
        n = NUMBERS.index(count.lower()) if count.lower() in NUMBERS else int(count) if count.isdigit() else -1
        got = [self.unary(t, "x") for t in types]
        whole = self.unary(kind, "x")
        if n != len(types) or len(got) < 2 or None in got or whole is None:
            return None
        return forall([whole], "(" + " or ".join(got) + ")")  # type: ignore[arg-type]

    def _placed(self, rest: str) -> str | None:
        """"on the Bachelor portrays the lives of real people": where it is, then what it does;
        the place ends at the verb (one cut only: two readings leave it to the model)."""
        words = rest.split()
        got = set()
        for i in range(2, len(words)):
            if words[i - 1].lower() not in OPEN and (words[i] in ("is", "are", "does", "do", "can", "will", "has") or (
                    re.fullmatch(r"[a-z]+[^s]s", words[i]) and "VERB" in lemmas(words[i]))):
                where, does = self.verb_phrase("is " + " ".join(words[:i]), "x"), self.verb_phrase(" ".join(words[i:]), "x")
                if where is not None and does is not None:
                    got.add(forall([where], does))
        return got.pop() if len(got) == 1 else None

    def _facts(self, s: str) -> str | None:
        """One fact, or two about different individuals joined by "and"/"or" ("Rose is a human
        or Jerry is a manager")."""
        for op in (" and ", " or ", ", but ", ", so ", " because "):  # "Nora likes Ada, but Ada does not like her": both
            parts = s.split(op)
            if len(parts) == 2 and re.match(r"[A-Z]", parts[1]):
                a, b = self._fact(parts[0].rstrip(",")), self._fact(parts[1])
                if a is not None and b is not None:
                    return f"{group(a)} {op.strip()} {group(b)}" if op == " or " else f"{a} and {b}"
        if (m := re.fullmatch(r"Either ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) or ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) (is|was|does|has|[a-z]+s) (.+)", s)) \
                and (a := self._fact(f"{m.group(1)} {m.group(3)} {m.group(4)}")) is not None \
                and (b := self._fact(f"{m.group(2)} {m.group(3)} {m.group(4)}")) is not None:
            return f"({group(a)} xor {group(b)})"  # "Either Nora or Ada is a pilot"
        if (m := re.fullmatch(r"Neither ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) nor ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) (is|was|does|has|[a-z]+s) (.+)", s)) \
                and (a := self._fact(f"{m.group(1)} {m.group(3)} {m.group(4)}")) is not None \
                and (b := self._fact(f"{m.group(2)} {m.group(3)} {m.group(4)}")) is not None:
            return f"{neg(group(a))} and {neg(group(b))}"  # "Neither Nora nor Ada is a pilot"
        if (m := re.fullmatch(r"Either ([A-Z].+?),? or ([A-Z].+)", s)) \
                and (a := self._fact(m.group(1))) is not None and (b := self._fact(m.group(2))) is not None:
            return f"({group(a)} xor {group(b)})"  # "Either Nora is a pilot or Ada is a sailor"
        if (m := re.fullmatch(r"(.+?),? (and|or|but|so|because) (?:he|she|it|they) (.+)", s)) and (a := self._fact(m.group(1))) \
                and (c := _subject_of(a)) and (b := self.verb_phrase(m.group(3), c)):
            # "Nora is a pilot, and she is brave": the pronoun is the one the first clause names
            return f"({group(a)} or {group(b)})" if m.group(2) == "or" else f"{a} and {b}"
        got = self._fact(s)
        if got is None and (m := re.fullmatch(r"([A-Z][\w' -]*?), (?:who|which) ([^,]+), (.+)", s)) \
                and (c := self.individual(m.group(1))) is not None:
            # "Nora, who is a pilot, flies jets": both are said of her
            a, b = self.verb_phrase(m.group(2), c), self.verb_phrase(m.group(3), c)
            return None if a is None or b is None else f"{a} and {b}"
        if got is None and (m := re.fullmatch(r"([A-Z][\w' -]*?), ((?:a|an) [a-z][\w -]*?|[a-z]+ [\w -]+?), ((?:is|was|has|does|can|[a-z]+s) .+)", s)) \
                and (m.group(2).split()[0] in ("a", "an") or is_participle(m.group(2).split()[0])) \
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
                and (m.group(2).startswith(("do not ", "don't ")) or is_base_verb(m.group(2).split()[0])) \
                and (names := self._names(m.group(1))):
            # "Linda and Tom work at Acme": the same said of each named one
            said = [self.verb_phrase(m.group(2), c) for c in names]
            if None not in said:
                return " and ".join(said)  # type: ignore[arg-type]
        return got

    def _fact(self, s: str) -> str | None:
        words = s.split()
        low = to_ascii(s).lower()
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
        if k == 1 and not known and "ADJ" in lemmas(words[0].lower()) and is_plural_noun(nxt):
            return None  # "Brave pilots fly jets": an adjective before a class, no name
        if k == 1 and (kind := self._kind(words)) is not None:
            k = kind  # "Machine translation is ...": a kind named without an article is one thing
            nxt = words[k].lower()
        elif words[0] == "The" and k > 1 and k + 2 < len(words) and re.fullmatch(r"[a-z]+", nxt) \
                and not is_plural_noun(nxt) and is_nominal(nxt) and (words[k + 1] in ("is", "was", "has", "does", "can")
                                                                   or is_verb_s(words[k + 1])):
            k += 1  # "The Arctic fox is ...", "The Arctic fox lives ...": a kind named, one thing
            nxt = words[k].lower()
            self.constants.setdefault(to_ascii(" ".join(words[1:k])).lower(), constant_name(" ".join(words[1:k])))
        elif k + 1 < len(words) and words[k + 1].lower() in AUX - {"either", "neither", "both", "not"} \
                and nxt not in AUX:
            return None  # "Dried Thai chilies are ...": the name goes on in lower case
        # "Employees will ...", "Plungers suck.": a class, not a name; a verb that agrees with one
        # subject ("James has ...", "Billings is ...", "Steinhauer participated ...") follows a name
        singular_verb = nxt in {"is", "was", "has", "had", "does"} | IRREGULAR_PAST or bool(re.fullmatch(r"[a-z]+(?:[^s]s|ed)", nxt))
        if k == 1 and not singular_verb and not known \
                and (singular_word(words[0].lower()) != words[0].lower() or nxt not in AUX):
            return None
        if words[0] == "The" and not (singular_verb or nxt in AUX or (words[k - 1].endswith("s") and is_base_verb(nxt))):
            return None  # "The Machine Learning algorithm ...": the name modifies a noun ("The ... Islands include")
        c = self.individual(" ".join(words[:k]))
        if c is None:
            return None
        m = re.fullmatch(r"(does not |doesn't |do not |don't )?([a-z]+) (?:anyone|everyone|anybody|everybody|anything|everything"
                         r"|people|all people) (?:who|that) (.+)", " ".join(words[k:]))
        if m and "VERB" in lemmas(m.group(2)) and (cond := self.verb_phrase(m.group(3), "x")) is not None:
            rel = f"{self.name(normalize_phrase(m.group(2)), 2)}({c}, x)"  # "Ola dislikes anyone who is rude": each such one
            return forall([cond], neg(rel) if m.group(1) else rel)
        m = re.fullmatch(r"(does not |doesn't |do not |don't )?([a-z]+) (everybody|everyone|everything|nobody|no one|nothing)",
                         " ".join(words[k:]))
        if m and not m.group(1) and "VERB" in lemmas(m.group(2)):  # "Nora likes everybody", "... nobody": each one
            rel = f"{self.name(normalize_phrase(m.group(2)), 2)}({c}, x)"
            return forall([], neg(rel) if m.group(3).startswith("no") else rel)
        m = re.fullmatch(r"(does not |doesn't |do not |don't )?([a-z]+) (?:all|every|any) ([a-z][\w -]*)", " ".join(words[k:]))
        if m and "VERB" in lemmas(m.group(2)) and (cls := self.unary(m.group(3), "x")) is not None:
            # "Nora likes all boats": each boat; "does not like any boats": none
            rel = f"{self.name(normalize_phrase(m.group(2)), 2)}({c}, x)"
            return forall([cls], neg(rel) if m.group(1) else rel)
        return self.verb_phrase(" ".join(words[k:]), c)

    def _kind(self, words: list[str]) -> int | None:
        """"Machine translation is ...", "Unsupervised learning doesn't ...": a singular noun
        phrase with no article before a verb that agrees with one subject names one thing (a
        kind, a field, a disease), as a name would. How many words it has; None otherwise."""
        j = next((i for i, w in enumerate(words[1:4], 1) if w.lower() in KIND_VERBS), 0)
        if not j or not re.fullmatch(r"[A-Z][a-z-]+", words[0]) or QUANT_START.match(words[0]) \
                or words[0].lower() in DROP:  # "His dad ..."
            return None
        phrase = [w.lower() for w in words[:j]]
        last = phrase[-1]
        if any(not re.fullmatch(r"[a-z][a-z-]*", w) or w in OPEN | FUNCTION_WORDS | DROP | AUX
               for w in phrase[1:]) or lemmas(last).get("NOUN", (last,))[0] != last:
            return None  # a function word, or a plural ("Dried chilies are ...")
        name = to_ascii(" ".join(phrase))
        self.constants.setdefault(name, constant_name(name))
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
        return neg(atom) if negated else atom

    def _repeated_subject(self, cond: str, then: str) -> None:
        """A phrase both halves of a conditional begin with, before a verb, names one thing
        ("If dried Thai chilies are spicy, then dried Thai chilies are ..."): a constant."""
        a, b = cond.lower().split(), then.lower().split()
        n = next((i for i in range(_common_prefix(a, b) + 1) if i < min(len(a), len(b)) and a[i] in AUX), 0)
        if 0 < n and b[n] in AUX and not QUANT_START.match(cond) \
                and not set(a[:n]) & (PERSON | THING | OPEN):
            phrase = to_ascii(" ".join(a[:n]))
            self.constants.setdefault(phrase, constant_name(phrase))

    def _quantified(self, q: str, rest: str) -> str | None:
        words = rest.split()
        rel = next((i + 2 for i, w in enumerate(words) if w in ("who", "that", "which")), 1)
        clause_verb = rel - 1 if rel > 1 else None  # "who flies": the word after it is its object
        # "boats that Ola built | float": a named one's clause ends after its verb, where a verb follows
        named_end = rel + 1 if rel > 1 and rel + 1 < len(words) and words[rel - 1][0].isupper() \
            and (is_past(words[rel]) or is_verb_s(words[rel])) \
            and (is_bare_verb(words[rel + 1]) or is_verb_s(words[rel + 1]) or words[rel + 1] in ("is", "are")) else None
        # "who are (not) brave": the clause ends after its one adjective, where a verb follows
        adj = rel + (rel < len(words) and words[rel] == "not")
        adjective_end = adj + 1 if clause_verb is not None and adj + 1 < len(words) and words[clause_verb] in ("is", "are") \
            and "ADJ" in lemmas(words[adj]) and (is_bare_verb(words[adj + 1]) or is_verb_s(words[adj + 1])) else None
        # where the class ends and what is said of it begins, by guesses in turn: the first that
        # finds a place decides (trying the next where it reads nothing misreads: "... have people
        # who have parents who are busy with their jobs" cut at "jobs")
        guesses = [
            # at a copula or an auxiliary (a relative clause's own copula comes first: every one
            # is tried, and only one leaves both sides readable), or a verb the text uses
            lambda: [i for i, w in enumerate(words) if i > 0 and re.fullmatch(
                r"are|is|were|was|do|does|don't|doesn't|can|cannot|will|have|has", w.lower())
                or lemma(w) in self.verbs and i != clause_verb  # the clause's own verb ends no class
                or i in (adjective_end, named_end)  # "pilots who are (not) brave | fly jets"
                or w.lower() in ("either", "neither") and is_plural_noun(words[i - 1])],  # "pilots either fly ..."
            # "people born in Oslo speak ...": where a participle goes on with the class (below);
            # before the next guess, which takes "sells well" for a plural and a verb
            lambda: [i for i in range(1, len(words) - 1) if is_participle(words[i].lower())
                     and words[i + 1].lower() in PREPOSITIONS and i != clause_verb],  # "that premiered at ..." is the clause's
            # "All birds fly", "No managers work ...": a plural class word, then a base-form verb
            lambda: [i for i in range(1, len(words)) if is_plural_noun(words[i - 1]) and is_base_verb(words[i])][:1],
            # "All players at Roland Garros lost to ...": a past tense after the class
            lambda: [i for i in range(1, len(words)) if is_past(words[i].lower()) and i != clause_verb],
            # "students at Harvard work hard": a plural class, where it is, then a base-form verb
            lambda: [j for j in range(3, len(words)) if (words[0].lower() == "people" or is_plural_noun(words[0]))
                     and words[1] in PREPOSITIONS
                     and is_base_verb(words[j]) and not is_base_verb(words[j - 1])][:1],
            # "Everyone who speaks Norwegian lives in Norway", "Every member of the club plays
            # chess": a verb agreeing with one, after the relative clause's own (not its object)
            lambda: [j for j in range(rel, len(words)) if is_verb_s(words[j])
                     and words[j - 1].lower() not in ("and", "or", "but") and j - 1 != clause_verb],
        ]
        readings: set[tuple[tuple[str, ...], str]] = set()
        for guess in guesses:
            if not (cuts := guess()):
                continue
            # "Every boat built by Ada floats": a participle after the class goes on with it, up
            # to a verb that agrees with it
            reduced = [i for i in cuts if i + 2 < len(words) and is_participle(words[i].lower())
                       and words[i + 1].lower() in PREPOSITIONS]
            plural = words[0].lower() == "people" or is_plural_noun(words[0])  # "boats built by Ada float"
            # ("people" stands for "everyone" too, whose verb agrees with one: "Everyone who ... lives")
            agree = [j for j in range(3, len(words)) if ((is_base_verb(words[j]) or words[0].lower() == "people"
                                                          and is_verb_s(words[j])) if plural else is_verb_s(words[j]))
                     and any(i + 1 < j for i in reduced)]
            if agree:
                cuts = [i for i in cuts if i not in reduced] + agree[:1]
            for i in cuts:
                if words[i - 1].lower() in AUX | MODAL:
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
            return forall(conds, neg(pred))
        return forall(conds, pred)

    def _conditional(self, cond: str, then: str, iff: bool = False) -> str | None:
        arrow = "<->" if iff else "->"
        m = re.fullmatch(r"the ([a-z]+(?: [a-z]+)?) of (?:a|an) (.+?) (?:is|are) (not )?(.+)", cond)
        t = re.fullmatch(r"(?:it|they) (.+)", then)
        if m and t:  # "If the output of a task is a text sequence, then it is ...": said of the task
            cls, part = self.unary(m.group(2), "x"), self.unary(f"{m.group(1)} {m.group(4)}", "x")
            head = self.verb_phrase(t.group(1), "x")
            if cls is None or part is None or head is None:
                return None
            return forall([cls, neg(part) if m.group(3) else part], head, arrow)
        if (got := self._class_object(cond, then, arrow)) is not None:
            return got  # "If a player left a team, they do not play for that team": two things
        g = self.generic(cond)
        if g is not None and g[0] is not None and not re.match(r"(?i)the\b", cond):
            conds, rest = g
            body = self.verb_phrase(rest, "x")
            tw = then.split()
            plural = is_plural_noun(cond.split()[0])
            # the class's own words: "a design by Max is timeless" -> "design by max"
            noun = re.sub(r"^(?:a|an|the)\s+", "", cond[:len(cond) - len(rest)].strip().lower())
            for k in (4, 3, 2, 1):  # "they ...", "he/she ...", "the person ...", "the koala ...", "a design by Max"
                said = " ".join(tw[:k]).lower()
                bare = re.sub(r"^(?:the|a|an) ", "", said)
                if plural and said not in ("they", "them"):
                    continue  # "If roses are given out during X, then it is ...": "it" is not the roses
                if bare == "person" and noun not in PERSON and re.search(r"\b(?:a|some) person\b", rest):
                    return None  # "If a book is written by a person, then the person is ...": not the book
                if said in PRONOUN or (bare != said and bare == noun):
                    # the longest repeat is the subject: a shorter one ("a design" of "a design
                    # by Max") would cut the class in two
                    head = self.verb_phrase(" ".join(tw[k:]), "x")
                    return None if body is None or head is None else forall([*conds, body], head, arrow)
            m = re.fullmatch(r"(?:its|their|his|her) ([a-z]+(?: [a-z]+)?) (?:is|are) (not )?([a-z]+)", then)
            if m and body is not None and (part := self.unary(f"{m.group(1)} {m.group(3)}", "x")) is not None:
                return forall([*conds, body], neg(part) if m.group(2) else part, arrow)  # "its survival rate is low"
            if (m := re.fullmatch(r"(.+) (?:it|them)", then)) and body is not None:
                head = self._relation_to(m.group(1), "x")  # "..., Karen will binge-watch it."
                if head is not None:
                    return forall([*conds, body], head, arrow)
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
        return None if b is None else f"{group(a)} {arrow} {group(b)}"

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
        return forall([cls, body], head, arrow)


    def _class_object(self, cond: str, then: str, arrow: str) -> str | None:
        """"If a player left a team, they do not play for that team": any one of a class, its
        relation to any one of another, and what follows of the two (x and y)."""
        m = re.fullmatch(r"(?:(?:a|an) ([a-z][\w-]*(?: [a-z][\w-]*)?)|someone|somebody) ([a-z]+) (?:a|an|any) ([a-z][\w-]*(?: [a-z][\w-]*)?)", cond)
        if not m or "VERB" not in lemmas(m.group(2)) or not (m.group(2).endswith("s") or is_past(m.group(2))):
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
        return f"forall x y. {' and '.join([*conds, body])} {arrow} {neg(head) if negated else head}"  # type: ignore[list-item]


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _not_verb(m: re.Match[str]) -> str:
    """"no longer plays", "never sails" -> "does not play", "does not sail" (a verb, else as is)."""
    w = m.group(1)
    return f"{'does' if w.endswith('s') else 'do'} not {lemma(w, verb_first=True)}" if "VERB" in lemmas(w) else m.group(0)


def _relation_words(said: str, tail: str, end_preposition: bool = False) -> tuple[str, bool] | None:
    """A relation's name words from "does not play for" (+ a tail: "share it to Lisa") and
    whether it is denied; None past three words or ending open ("play for" only with
    ``end_preposition``: "... play for that team")."""
    negated = bool(re.match(NEG_AUX + r" ", said))
    said = re.sub(r"^(?:" + NEG_AUX + r"|will|would|can|does|do) ", "", said)
    verb = normalize_phrase(f"{said} {tail}")
    last = verb.split()[-1] if verb else ""
    if not verb or len(verb.split()) > 3 or (last in OPEN and not (end_preposition and last in PREPOSITIONS)):
        return None
    return verb, negated


def _subject_of(fact: str) -> str | None:
    """The one individual a fact is about (the first argument of each of its atoms), which a
    pronoun after it names ("Nora owns a boat, and she ..."); None where it names two."""
    names = set(re.findall(r"\w+\((\w+)[,)]", fact))
    return names.pop() if len(names) == 1 else None
