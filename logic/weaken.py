"""The shorter sentences a long one says, for sentences no reader reads whole.

"Ola is brave; she flies jets" says "Ola is brave" and "Ola flies jets", and so does "Ola is
brave, while she flies jets". A split of this kind says all the sentence says (``complete``),
and a conclusion may be read from its parts. Other splits leave something out: a parenthesis,
a leading "In 2008,", a trailing ", which ..." or ", including ...". What is left is still said
by the sentence, so a premise may stand on it: the premises say less, never something else.
"""

from __future__ import annotations

import re

from logic.english import article
from nesy.translate import split_clauses

# words that join two sentences and say nothing of either ("However, ...")
_DISCOURSE = ("However|Moreover|Furthermore|Also|Additionally|In addition|Besides|Therefore|Thus|Hence|"
              "Consequently|Meanwhile|Indeed|In fact|Likewise|Similarly|As a result|Of course|Notably|"
              "Nevertheless|Still|Then|So|And|But|Currently|Today|Now|Presently|Nowadays")
# a leading adverbial: when or where the rest holds, which the readings do not tell apart
_LEADING = (r"(?:In|On|At|During|Since|After|Before|By|From|Until|Throughout|Within|Over|"
            r"Recently|Historically|Originally|Later|Eventually|Once)\b[^,]{0,40}")
_ADVERBIAL = re.compile(_LEADING + r", (.+)")
# a trailing phrase that adds to the sentence before it: ", which ...", ", including ..." (not
# ", with the exception of ...", which takes away)
_TRAILING = re.compile(r"(.+?), (?:which|where|whose|including|such as|especially|particularly|mainly|"
                       r"mostly|making|becoming|beating|leading|after|before|during|since|"
                       r"according to) .+")
# two sentences joined: both hold ("A, while B"; "A, but B"; "Although A, B")
_JOINED = re.compile(r"(.+?), (?:while|whereas|but|yet|and|although|though) "
                     r"((?:[A-Z]\w*|he|she|it|they|the|this|there|if|when) .+)")
_CONCESSIVE = re.compile(r"(?:Although|Though|While|Whereas) ([^,]+), (.+)")
# an apposition naming what a possessive phrase speaks of ("Her first novel, The Long Winter, ...")
_POSSESSED = re.compile(r"(?:Her|His|Its|Their|[A-Z][\w-]*(?: [A-Z][\w-]*)*'s) ([a-z][a-z -]*?), "
                        r"([A-Z][\w'-]*(?: (?:of |the )?[A-Z][\w'-]*)*), ([a-z].+)")
_PRONOUN = re.compile(r"^(?:he|she|it|they)\b", re.I)
_NAME_SUBJECT = re.compile(r"^((?:The )?[A-Z][\w'-]*(?: (?:of |the )?[A-Z][\w'-]*)*) (?=[a-z])")


def premise_sentences(text: str) -> list[str]:
    """The text's sentences, where a semicolon joins, not ends, one: "Per is a sailor; he lives in
    Bergen" stays one sentence, so that its second part knows whom "he" names."""
    out: list[str] = []
    for piece in split_clauses(text):
        if out and out[-1].endswith(";"):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _clause(text: str) -> bool:
    """Whether a text has a verb after its first word or two (not a list's last item, "Bergen in 2010")."""
    return bool(re.match(r"\S+(?: \S+){0,3}? (?:is|are|was|were|has|have|had|does|do|did|can|could|will|would|may|must|"
                         r"should|[a-z]+ed|[a-z]+[^s']s)\b", text))


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + "."


def _resolved(first: str, second: str) -> str:
    """The second clause with a leading pronoun replaced by the first one's named subject."""
    first = re.sub(rf"^(?:(?:{_DISCOURSE}),|{_LEADING},) ", "", first)  # "Currently, Ola is ..."
    m = _NAME_SUBJECT.match(first)
    if m and _PRONOUN.match(second) and not re.match(r"(?:All|Every|Each|No|Some|If|When)\b", first):
        subject = m.group(1)
        second = _PRONOUN.sub(subject, second, count=1)
        # "they are" after a singular name would now be "Ola are"
        second = re.sub(rf"^{re.escape(subject)} (are|were|have|do)\b",
                        lambda v: f"{subject} {dict(are='is', were='was', have='has', do='does')[v.group(1)]}",
                        second) if not second.startswith("They") else second
    return second


def _named(parts: list[str]) -> tuple[list[str], bool]:
    """The parts as sentences; one that still opens with a pronoun ("she flies jets", whose
    "she" no name before it says) is left out, and the parts then say less than the whole."""
    kept = [_sentence(p) for p in parts if not _PRONOUN.match(p)]
    return kept, len(kept) == len(parts)


def implied_parts(sentence: str) -> tuple[list[str], bool] | None:
    """The sentences ``sentence`` says, and whether together they say all of it; None where no
    split applies."""
    s = re.sub(r"^\[BG\]\s*", "", sentence.strip()).rstrip(".!").strip()
    if not s or "?" in s:
        return None
    if s.endswith((";", ",")):  # a sentence cut before its next part: what it says so far
        return [_sentence(s[:-1])], True
    if ";" in s:
        pieces = [p.strip() for p in s.split(";") if p.strip()]
        if len(pieces) > 1:
            return _named([pieces[0]] + [_resolved(pieces[0], p) for p in pieces[1:]])
    if m := re.fullmatch(rf"(?:{_DISCOURSE}),? (.+)", s):
        return [_sentence(m.group(1))], True
    if m := _CONCESSIVE.fullmatch(s):
        return _named([m.group(1), _resolved(m.group(1), m.group(2))])
    if (m := _JOINED.fullmatch(s)) and _clause(m.group(2)) and (
            # after "If A, then B", ", and C" may be the consequent's (C only if A): only a second
            # "if" begins a sentence of its own
            not re.match(r"(?:If|When|Whenever|Unless)\b", s) or re.match(r"(?:if|when)\b", m.group(2))):
        return _named([m.group(1), _resolved(m.group(1), m.group(2))])
    if m := _POSSESSED.fullmatch(s):  # "Her first novel, The Long Winter, was published ...": the novel is named
        return [_sentence(f"{m.group(2)} is {article(m.group(1))} {m.group(1)}"), _sentence(f"{m.group(2)} {m.group(3)}")], False
    if "(" in s and (shorter := re.sub(r"\s*\([^()]*\)", "", s)) != s:
        return [_sentence(shorter)], False
    if m := _ADVERBIAL.fullmatch(s):
        return [_sentence(m.group(1))], False
    if m := _TRAILING.fullmatch(s):
        return [_sentence(m.group(1))], False
    return None
