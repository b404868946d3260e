"""Natural language to a logic program with an LLM: the Logic-LM baseline and our mode.

baseline: the whole program at once from one worked example, then self-refinement fed with
the parser's / solver's error message (Logic-LM's prompting, on our language).

ours: (1) declarations, their names constrained to words of the text; (2) for each sentence
a constrained choice of the clause form (fact / negated fact / rule / negative rule /
other), then (3) the content under a grammar admitting only declared symbols in that form,
with similarity-chosen exemplars from seen compositions, linted and repaired.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Collection, Sequence
from functools import lru_cache

from logic.fol import parse_formula, parse_program
from logic.english import article, lemmas, singular
from logic.folio import FolioReader
from logic.postulates import named_of_class, used_postulates, with_postulated
from logic.weaken import implied_parts, premise_sentences
from logic.gbnf import CLAUSE_FORMS, clause_candidates, clause_gbnf, declarations_gbnf, ordering_line_gbnf
from logic.generators import Generated, chain_item, ordering_item
from logic.lint import check, repeated_conjuncts
from logic.phrases import Reader, camel, canonical, entity_phrases
from logic.problem import ProblemParts, content_words, name_candidates, name_joiners
from collections.abc import Awaitable, Callable

from nesy.errors import TranslationError
from nesy.llm.base import BaseLLM, Constraint, Message
from nesy.steps import Engine, Step
from nesy.translate import Exemplar, few_shot_messages, select_exemplars, split_clauses
from nesy.types import Formalization, Trace, TranslateOptions

log = logging.getLogger(__name__)

__all__ = ["translate_baseline", "translate_ours", "exemplar_pool", "SEEN_CHAIN", "SEEN_ORDER"]

# Compositions exemplars may come from; the suites hold the others out.
SEEN_CHAIN = [(d, r) for d in (1, 2, 3) for r in ((), ("neg",), ("and",))]
SEEN_ORDER = [3]

LANGUAGE = (
    "Write first-order logic, one statement per line:\n"
    "const Name1, Name2        (individuals)\n"
    "pred Name/1               (a property or class; /2 for a relation)\n"
    "premise: FORMULA  # the sentence\n"
    "conclusion: FORMULA\n"
    "Formulas: Pred(Name), not F, F and G, F or G, F -> G, F <-> G, F xor G, forall x. F, exists x. F"
)


@lru_cache(maxsize=1)
def _seen_items() -> tuple[Generated, ...]:
    rng = random.Random(1234)
    items = [chain_item(rng, d, r) for d, r in SEEN_CHAIN for _ in range(2)]
    items += [ordering_item(rng, n) for n in SEEN_ORDER for _ in range(3)]
    return tuple(items)


def exemplar_pool(kind: str) -> list[Exemplar]:
    """Exemplars from seen compositions only: ``form`` / ``formula`` / ``constraint`` / ``program``."""
    out: list[Exemplar] = []
    for g in _seen_items():
        is_csp = g.signature.startswith("order")
        if kind == "program" and not is_csp:
            out.append(Exemplar(f"{g.text}\nQuestion: {g.statement}", g.program.replace("\n\n", "\n"), g.signature))
        elif kind == "declarations" and not is_csp:
            out.append(Exemplar(g.text + " " + g.statement, g.declarations, g.signature))
        for a in g.aligned:
            if kind == "form" and not is_csp:
                out.append(Exemplar(a.sentence, a.form, g.signature))
            elif kind == "formula" and not is_csp:
                out.append(Exemplar(a.sentence, a.formula, g.signature))
            elif kind == "constraint" and is_csp:
                out.append(Exemplar(a.sentence, a.formula, g.signature))
    return out


def _problem_text(parts: ProblemParts) -> str:
    q = parts.statement or " ".join(f"{k}) {v}" for k, v in parts.options.items())
    return f"{parts.premises}\nQuestion: {q}"


Parse = Callable[[str], Formalization]  # the backend's parse of a whole program
# premises (1-based) that contradict each other in a program, [] when consistent or undecided
Contradictions = Callable[[str], Awaitable[list[int]]]


async def translate_baseline(parts: ProblemParts, llm: BaseLLM, options: TranslateOptions, trace: Trace,
                             parse: Parse) -> Formalization:
    shots = select_exemplars(_problem_text(parts), exemplar_pool("program"), options.exemplars)
    msgs = few_shot_messages(LANGUAGE + "\nTranslate the problem into a program.", shots, _problem_text(parts))
    # Logic-LM generates unconstrained (it has no grammar); its only correction is the refinement loop.
    engine = Engine(llm, options, trace)
    got = await engine.run(Step("logic.program", msgs, parse, max_tokens=options.max_tokens, source=parts.premises))
    return got.value.model_copy(update={"repairs": engine.repairs})


def _declarations(text: str) -> tuple[dict[str, int], list[str]]:
    """Lenient reading of generated declarations: duplicates and clashes are dropped."""
    preds: dict[str, int] = {}
    consts: list[str] = []
    for line in text.splitlines():
        m = re.match(r"\s*pred\s+([A-Za-z_]\w*)\s*/\s*(\d)", line)
        if m and (p := canonical(m.group(1))) not in preds and m.group(1) not in consts:
            preds[p] = int(m.group(2))
        m = re.match(r"\s*const\s+(.+)", line)
        if m:
            for n in re.split(r"\s*,\s*", m.group(1).strip()):
                if n and n not in preds and n not in consts:
                    consts.append(n)
    return preds, consts


def _camel_words(name: str) -> list[str]:
    return re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name)


def _phrase_pattern(words: Sequence[str]) -> str:
    """A multi-word name's words in the sentence: each perhaps plural or possessive, articles
    and possessive pronouns allowed between them (``HaveLunchInCompany``: "have lunch in the company")."""
    gap = r"(?:'s)?\s+(?:(?:the|a|an|their|his|her|its)\s+)*"
    return r"\b" + gap.join(re.escape(w) + r"(?:s|es)?" for w in words) + r"\b"


def sentence_symbols(sentence: str, preds: dict[str, int], consts: list[str]) -> tuple[dict[str, int], list[str]]:
    """The predicates and constants one sentence's own words name.

    A declared name matches its word or the word's singular, case aside; a content word that
    matches nothing declared becomes a new unary predicate (small models leave most of a long
    text's classes out of the declarations, and then had to write the sentence with the wrong
    ones). Predicates come in the sentence's order; empty when the sentence names none.
    """
    by_lower = {p.lower(): p for p in preds}
    const_lower = {c.lower(): c for c in consts}
    local: dict[str, int] = {}
    named: list[str] = []
    # a constant of several words ("BaldEagle": "the bald eagle") is one individual, not two classes
    for c in consts:
        words = _camel_words(c)
        m = re.search(r"\b" + r"\s+".join(words) + r"\b", sentence, re.I) if len(words) > 1 else None
        if m:
            named.append(c)
            sentence = sentence[:m.start()] + sentence[m.end():]
    # so is a predicate of several words ("SoccerPlayer": "soccer players"), longest first
    for p in sorted((p for p in preds if len(_camel_words(p)) > 1), key=lambda p: -len(_camel_words(p))):
        m = re.search(_phrase_pattern(_camel_words(p)), sentence, re.I)
        if m:
            local[p] = preds[p]
            sentence = sentence[:m.start()] + sentence[m.end():]
    for word, sing in content_words(sentence):
        if word.lower() in const_lower or sing.lower() in const_lower:
            named.append(const_lower.get(word.lower()) or const_lower[sing.lower()])
            continue
        hit = by_lower.get(word.lower()) or by_lower.get(sing.lower())
        if hit:
            local[hit] = preds[hit]
        elif re.fullmatch(r"[A-Z][A-Za-z0-9]*", sing):
            local.setdefault(sing, 1)
    return local, list(dict.fromkeys(named))


_RULE_WORDS = re.compile(r"\b(if|all|every|each|something|someone|things|people|whoever|anyone|anything)\b", re.I)
_NEGATION = re.compile(r"\b(not|no|never|none)\b|n't", re.I)


def clause_forms(sentence: str, names_constant: bool) -> list[str]:
    """The forms a sentence's words allow: words of generality ("if", "all", "something")
    make a rule, else a named individual makes a fact; a negation word the negated one
    (in a rule it may sit in the condition, so both rule forms stay); "other" stays open."""
    negated = bool(_NEGATION.search(sentence))
    if names_constant and not _RULE_WORDS.search(sentence):
        return ["negated fact" if negated else "fact", "other"]
    return ["negative rule", "rule", "other"] if negated else ["rule", "other"]


def form_of(formula: str) -> str:
    """The clause form of a formula the sentence's words decided (see ``logic.phrases``)."""
    if " -> " in formula:
        return "negative rule" if formula.split(" -> ", 1)[1].startswith("not ") else "rule"
    return "negated fact" if formula.startswith("not ") else "fact"


_IRREGULAR_PLURAL = {"gentlemen": "gentleman", "men": "man", "women": "woman", "children": "child"}


def read_sentences(texts: Sequence[str], preds: dict[str, int], consts: list[str],
                   premises: Collection[str] = ()) -> tuple[dict[str, str], dict[str, int], list[str]]:
    """What the words decide: each sentence's formula where its shape is one ``Reader`` reads,
    and the declarations reconciled with it — an individual ("the cow", "Bob") is a constant
    and never a predicate, a verb between two individuals a two-place relation.

    A sentence no reader reads whole is read from the shorter sentences it says
    (``weaken.implied_parts``); one of ``premises`` may stand on those of its parts that read.

    Returns (sentence -> formula, predicates, constants); the model's declarations keep their
    order, and what the reading adds comes after them.
    """
    by_lower = {p.lower(): p for p in preds}
    used: dict[str, int] = {}

    def name(words: str, arity: int) -> str:
        w = words.lower()
        if arity == 1:
            # an irregular plural, or the phrase with its last word singular (a name's keeps its s)
            w, one = (_IRREGULAR_PLURAL[w],) * 2 if w in _IRREGULAR_PLURAL else (w, singular(words))
            hit = by_lower.get(w) or by_lower.get(one)
            n = hit or camel(one)
        else:
            n = camel(words)
            n = by_lower.get(n.lower(), n)
        if used.setdefault(n, arity) != arity:  # one word as a class and as a relation: keep both apart
            n = f"{n}{arity}"
            used.setdefault(n, arity)
        return n

    phrases = entity_phrases(" ".join(texts))
    for c in consts:  # the model's constants that are words of the text
        phrases.setdefault(c.lower(), c)
    reader = Reader(phrases, name)
    # text people wrote: whole phrases as predicates, where the template reader reads nothing
    folio = FolioReader(reader.constants, reader.used_constants, name)

    def read_one(t: str) -> str | None:
        return _safely(reader.read, t) or _safely(folio.read, t)

    def read_split(t: str, weaker: bool, depth: int = 0) -> str | None:
        got = read_one(t)
        if got is not None or depth == 3 or (split := implied_parts(t)) is None:
            return got
        parts, complete = split
        said = [r for p in parts if (r := read_split(p, weaker, depth + 1)) is not None]
        if not said or (not weaker and (not complete or len(said) < len(parts))):
            return None
        return said[0] if len(said) == 1 else " and ".join(f"({r})" for r in said)

    for t in texts:  # the first pass learns the individuals named only as subjects before a verb
        read_split(t, t in premises)
    _short_names(reader.constants, " ".join(texts))
    said_as = _pronoun_subjects(texts, reader.constants)
    used.clear()
    reader.used_constants.clear()
    read = {t: r for t in texts if said_as.get(t) != "" and (r := read_split(said_as.get(t, t), t in premises)) is not None}
    clash = set(used) & set(reader.used_constants)
    for c in sorted(clash):
        # "If the restaurant is listed ..., then the restaurant ..." beside "All restaurants ...":
        # the text speaks of any restaurant, so the sentence is read with "a restaurant"
        phrase = next((p for p, n in reader.constants.items() if n == c), None)
        if phrase is None:
            continue
        # so is "Bile duct cancer is a severe cancer" beside "... is a bile duct cancer"
        kind = rf"|^(?i:{re.escape(phrase)})\b" if phrase in folio.kinds else ""
        the = re.compile(rf"\b[Tt]he {re.escape(phrase)}\b{kind}")
        # "Silent Fjord is a drama film ... The film premiered in Berlin" beside "Every film ...":
        # where the text names one film, "the film" is that one
        the_one = re.compile(rf"\b[Tt]he {re.escape(phrase)}\b(?! of\b)")  # not "the city of Pierre", "Lung disease"
        said = [t for t in texts if the.search(t)]
        if said and all(the_one.search(t) for t in said) and (one := _the_one_named(c, read, " ".join(texts))) is not None:
            again = {t: _safely(folio.read, the_one.sub(one, t)) for t in said}
            if again and None not in again.values():
                read.update(again)  # type: ignore[arg-type]
                clash.discard(c)
                reader.used_constants.pop(c, None)
                continue
        a = article(phrase)
        again = {t: _safely(folio.read, the.sub(lambda m: f"{a if m.group(0)[:3].lower() == 'the' else a.capitalize()} {phrase}",
                                       t, count=1)) for t in texts if the.search(t)}
        kept = dict(read)
        for t, r in again.items():  # a failed re-read keeps the reading where it names no such individual
            if r is not None:
                kept[t] = r
            elif t in kept and re.search(rf"\b{c}\b(?!\()", kept[t]):
                del kept[t]
        if not any(re.search(rf"\b{c}\b(?!\()", r) for r in kept.values()):  # no individual left
            read = kept
            clash.discard(c)
            reader.used_constants.pop(c, None)
    for c in sorted(clash):
        # one name as a class and as an individual: where most sentences say which (two or more, and
        # more than the others), the few that say otherwise are misreadings ("Brave pilots fly
        # jets" as a fact of someone named Brave beside "Nora is brave"), left to the model
        as_class = {t for t, r in read.items() if re.search(rf"\b{c}\(", r)}
        as_name = {t for t, r in read.items() if re.search(rf"\b{c}\b(?!\()", r)}
        if (len(as_class) >= 2 or not as_name) and len(as_class) > len(as_name):  # none: a discarded try's name
            read = {t: r for t, r in read.items() if t not in as_name}
            reader.used_constants.pop(c, None)
            clash.discard(c)
        elif len(as_name) >= 2 and len(as_name) > len(as_class):
            read = {t: r for t, r in read.items() if t not in as_class}
            used.pop(c, None)
            clash.discard(c)
    if clash:  # one name as a class and as an individual ("the restaurant"): the words do not decide it
        read = {t: r for t, r in read.items() if not any(re.search(rf"\b{c}\b", r) for c in clash)}
        for c in clash:
            used.pop(c, None)
            reader.used_constants.pop(c, None)
    read = _split_compounds(read)
    new_consts = list(reader.used_constants)
    out_consts = [c for c in consts if c not in used] + [c for c in new_consts if c not in consts]
    out_preds = {p: used.get(p, a) for p, a in preds.items() if p not in reader.used_constants}
    # names a discarded try of a reading made (``FolioReader`` tries several cuts) are not declared
    named = set(re.findall(r"\b([A-Za-z_]\w*)\(", " ".join(read.values())))
    out_preds.update({p: a for p, a in used.items() if p not in out_preds and p in named})
    # a name a re-read made a class while another sentence keeps it an individual ("a city of
    # Pierre" beside "the city of Pierre"): those readings are left to the model
    for c in set(out_preds) & set(out_consts):
        read = {t: r for t, r in read.items() if not re.search(rf"\b{c}\(", r)}
        out_preds.pop(c)
    return read, out_preds, out_consts


def _the_one_named(c: str, read: dict[str, str], text: str) -> str | None:
    """The name, as the text spells it, of the one individual the readings put in the class
    ``c`` ("Silent Fjord" of NorwegianDramaFilm(SilentFjord), for "the film"); None unless one."""
    named = named_of_class(c, " ".join(read.values()))
    if len(named) != 1:
        return None
    m = re.search(r"\b" + r"\s+".join(re.findall(r"[A-Z][a-z]*|[0-9]+", named.pop())) + r"\b", text)
    return m.group(0) if m else None


def _short_names(constants: dict[str, str], text: str) -> None:
    """A name's one word is that name, where the text names one such ("Holm was born in Oslo"
    after "Nils Holm is a footballer"): the same person, not a second individual. A full name
    is written capitalised ("the monkeypox virus" is no name of "Monkeypox")."""
    full = [p for p in constants if re.fullmatch(r"[a-z][a-z'-]+(?: [a-z][a-z'-]+){1,2}", p)
            and re.search(r"\b" + " ".join(w[0].upper() + re.escape(w[1:]) for w in p.split()) + r"\b", text)]
    for short in [p for p in constants if " " not in p]:
        # the name's other words are names too ("Vik" is not "Vik Harbour", a harbour)
        names = {constants[p] for p in full if short in (p.split()[0], p.split()[-1])
                 and not any(lemmas(w) for w in p.split() if w != short)}
        if len(names) == 1:
            constants[short] = names.pop()


def _pronoun_subjects(texts: Sequence[str], constants: dict[str, str]) -> dict[str, str]:
    """Sentences that open with "He", "She" or "It", said with the name the sentence before
    opened with ("Nils Holm is a footballer. He joined Brann in 2019."): a pronoun is never an
    individual of its own. Those without a named one just before them map to "" (left unread)."""
    out: dict[str, str] = {}
    last = None  # the name the sentence before opened with (or stood for, by its pronoun)
    for t in texts:
        m = re.match(r"(He|She|It) (?=[a-z])(?!is (?:not )?(?:true|false|the case)\b)", t)
        if m:
            if last:  # no name just before: the pronoun's one is not known, and the sentence is left unread
                out[t] = f"{last} {t[m.end():]}"
            else:
                out[t] = ""
            continue
        m = re.match(r"((?:[A-Z][\w'-]*)(?: (?:of |the )?[A-Z][\w'-]*)*) (?=[a-z])", t)
        low = t.lower()
        # the name the sentence opens with: a capitalised one, or one the text knows ("The Arctic fox")
        known = max((len(p) + (4 if low.startswith("the ") else 0) for p in constants
                     if low.startswith((p + " ", "the " + p + " "))), default=0)
        last = m.group(1) if m and m.group(1).lower() in constants else t[:known] if known else None
    return out


def _safely(read: Callable[[str], str | None], text: str) -> str | None:
    """A reader's reading, or None where the reader fails on a shape it half-knows: one such
    sentence must not fail the request; it is left to the model like any unread sentence."""
    try:
        return read(text)
    except (IndexError, KeyError, ValueError, RecursionError) as e:
        log.warning("reader failed on %r: %s: %s", text[:200], type(e).__name__, e)
        return None


def _split_compounds(read: dict[str, str]) -> dict[str, str]:
    """A one-place name that is two others of the same readings run together ("a popular Netflix
    show" -> PopularNetflixShow, where "is popular" and "a Netflix show" give Popular and
    NetflixShow) is said as both, so that the sentences chain."""
    text = " ".join(read.values())
    unary = set(re.findall(r"\b([A-Z]\w*)\(\w+\)", text)) - set(re.findall(r"\b([A-Z]\w*)\(\w+, ", text))
    parts = {}
    for p in unary:
        cuts = [(p[:i], p[i:]) for i in range(1, len(p)) if p[:i] in unary and p[i:] in unary]
        if len(cuts) == 1:
            parts[p] = cuts[0]
    if not parts:
        return read
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, parts)) + r")\((\w+)\)")

    def split(f: str) -> str:
        said = pattern.sub(lambda m: "({0}({2}) and {1}({2}))".format(*parts[m.group(1)], m.group(2)), f)
        # "Animal(x) and BigAnimal(x)" would say Animal(x) twice: that formula keeps its name
        return f if repeated_conjuncts(parse_formula(said)) else said

    return {t: split(f) for t, f in read.items()}


def words_declarations(texts: Sequence[str], premises: Collection[str] = ()) -> str | None:
    """The declarations the reader's own names make, when it reads every one of ``texts``;
    None when any sentence is left to the model (its declarations are then asked for)."""
    read, preds, consts = read_sentences(texts, {}, [], premises)
    if not preds or any(t not in read for t in texts):
        return None
    return _decl_text(preds, consts) + "\n"


def _decl_text(preds: dict[str, int], consts: list[str]) -> str:
    lines = ([f"const {', '.join(consts)}"] if consts else []) + [f"pred {p}/{a}" for p, a in preds.items()]
    return "\n".join(lines)


async def translate_ours(parts: ProblemParts, llm: BaseLLM, options: TranslateOptions, trace: Trace,
                         parse: Parse, contradictions: Contradictions | None = None) -> Formalization:
    engine = Engine(llm, options, trace)
    if parts.format == "csp":
        text = await _ours_csp(parts, engine)
    else:
        text = await _ours_fol(parts, engine, contradictions)
    return parse(text).model_copy(update={"repairs": engine.repairs, "dropped": list(engine.dropped)})


async def _ours_fol(parts: ProblemParts, engine: Engine, contradictions: Contradictions | None = None) -> str:
    options = engine.options
    # FOLIO's "[BG]" marks background knowledge: no word of the sentence (it once became a class "BG")
    premises = re.sub(r"\[BG\]\s*", "", parts.premises)
    sentences = premise_sentences(premises)
    whole = premises + " " + parts.statement
    names = name_candidates(whole)
    if not names:
        raise TranslationError("the problem has no words to name constants or predicates with", stage="translate")
    targets = [(s, "premise") for s in sentences] + [(parts.statement, "conclusion")]
    # 1. declarations, names constrained to the words of the text (read leniently: never repaired).
    # When the words read every sentence they decide the declarations too: the reader's are the
    # step's one candidate, taken without a model call (a model that cannot score is still asked)
    shots = select_exemplars(whole, exemplar_pool("declarations"), min(options.exemplars, 2))
    msgs = few_shot_messages(
        "List the individuals (const Name) and the properties or classes (pred Name/1) of the text, "
        "one per line, each name once. Use the singular for classes.", shots, whole)
    words_decide = words_declarations([s for s, _ in targets], sentences) if options.grammar else None
    declared = await engine.run(Step("logic.declarations", msgs, _declarations,
                                     constraint=Constraint(grammar=declarations_gbnf(names, joiners=name_joiners(whole))),
                                     candidates=(words_decide,) if words_decide else (),
                                     max_tokens=min(12 * len(names), 400), source=whole))
    preds, consts = declared.value
    # what the words decide (individuals, relations, the shape of a rule) is not the model's choice
    readings: dict[str, str] = {}
    if options.grammar:
        readings, preds, consts = read_sentences([s for s, _ in targets], preds, consts, sentences)
    if not preds:
        raise TranslationError("the model declared no predicates", stage="translate.declarations")
    decl = _decl_text(preds, consts)
    form_pool, formula_pool = exemplar_pool("form"), exemplar_pool("formula")
    per_problem = options.exemplars_by == "problem"

    def form_step(sentence: str) -> Step[str]:
        # 2. the clause form: a finite choice among those the sentence's words allow
        _, local_consts = sentence_symbols(sentence, preds, consts)
        if sentence in readings:
            forms: tuple[str, ...] = (form_of(readings[sentence]),)
        else:
            forms = tuple(clause_forms(sentence, bool(local_consts)) if options.grammar else CLAUSE_FORMS)
        shots = select_exemplars(whole if per_problem else sentence, form_pool, options.exemplars + 2)
        return Step("logic.form", few_shot_messages("Name the form of the sentence.", shots, sentence),
                    lambda t: t if t in CLAUSE_FORMS else "other", constraint=Constraint(choices=forms),
                    candidates=forms, max_tokens=6, source=sentence)

    def formula_step(sentence: str, role: str, form: str) -> tuple[Step[str], dict[str, int]]:
        # 3. the content under a grammar of declared symbols in that form, linted and repaired
        local_preds, local_consts = sentence_symbols(sentence, preds, consts)
        if per_problem:  # one prompt prefix per form: the clauses of a form share its KV cache
            shots = select_exemplars(whole, [e for e in formula_pool if _form_of(e.output) == form],
                                     options.exemplars) or select_exemplars(whole, formula_pool, options.exemplars)
        else:
            shots = [e for e in select_exemplars(sentence, formula_pool, options.exemplars * 3)
                     if _form_of(e.output) == form][-options.exemplars:] or select_exemplars(
                         sentence, formula_pool, options.exemplars)
        msgs = few_shot_messages(LANGUAGE + "\nDeclared:\n" + decl + "\nTranslate the sentence into one formula.",
                                 shots, sentence)
        # the grammar holds the symbols this sentence names (a rule concludes the one named
        # last); new ones join the declarations
        head = list(local_preds)[-1] if len(local_preds) > 1 else None
        reading = readings.get(sentence) if form == form_of(readings.get(sentence, "")) else None
        if reading is not None:  # the words decided the formula: its own symbols, no fixed head
            local_preds = {p: a for p, a in preds.items() if re.search(rf"\b{p}\(", reading)}
            local_consts = [c for c in consts if re.search(rf"\b{c}\b", reading)]
            head = None
        elif form == "other" or not local_preds:  # free form: everything declared, plus the sentence's words
            local_preds, head = {**preds, **local_preds}, None
        full_decl = _decl_text({**preds, **{p: a for p, a in local_preds.items() if p not in preds}}, consts)

        def parse_one(text: str) -> str:
            formula = parse_formula(text)
            check(parse_program(f"{full_decl}\n{role}: {text}"))
            twice = repeated_conjuncts(formula)
            if twice:
                raise TranslationError(f"{twice[0]} is said twice in one conjunction; write each part once",
                                       stage="lint", symbol=twice[0])
            return text

        symbols = (form, local_preds, local_consts or consts, head)
        return Step("logic.formula", msgs, parse_one, label=f"translate.{role}",
                    constraint=Constraint(grammar=clause_gbnf(*symbols)),
                    candidates=clause_candidates(*symbols, reading=reading),
                    max_tokens=64, stop=("\n",), source=sentence), local_preds

    # the symbols are fixed: the sentences no longer depend on each other. All forms first,
    # then the formulas grouped by form, so that steps sharing a prompt prefix run back to back
    forms = [r.value for r in await engine.gather([engine.run(form_step(s)) for s, _ in targets])]
    order = sorted(range(len(targets)), key=lambda i: forms[i])
    steps = {i: formula_step(*targets[i], forms[i]) for i in order}
    # an untranslatable premise is left out (recorded in ``dropped``); the conclusion is required
    got = await engine.gather([engine.run(steps[i][0]) if targets[i][1] == "conclusion"
                               else engine.optional(steps[i][0]) for i in order])
    by_index = dict(zip(order, got))

    def program() -> tuple[str, list[int]]:
        """The program text, and which target each of its premises came from (in order)."""
        lines: list[str] = []
        used_preds: dict[str, int] = {}
        premise_of: list[int] = []
        for i, (sentence, role) in enumerate(targets):
            if by_index[i] is None:
                continue
            formula, local_preds = by_index[i].value, steps[i][1]
            for p, a in local_preds.items():
                if p not in used_preds and re.search(rf"\b{p}\(", formula):
                    used_preds[p] = a
            lines.append(f"{role}: {formula}  # {sentence}")
            if role == "premise":
                premise_of.append(i)
        declared = {**preds, **{p: a for p, a in used_preds.items() if p not in preds}}
        # what compound names mean and whom the rules are about, after the sentences' premises
        # (a contradiction's core names only those) and before the conclusion
        presumed = used_postulates(declared, "\n".join(lines))
        lines[-1:-1] = [f"premise: {f}  # {why}" for f, why in presumed]
        # declarations: the model's, then the new names the formulas use
        head = _decl_text(declared, with_postulated(consts, presumed))
        return head + "\n" + "\n".join(lines) + "\n", premise_of

    text, premise_of = program()
    # 4. premises that contradict each other are a translation error, not an answer: the least
    # certain premise of the unsat core is translated again, a bounded number of times
    for _ in range(options.repairs if contradictions is not None else 0):
        core = [premise_of[k - 1] for k in await contradictions(text) if 0 < k <= len(premise_of)]
        if not core:
            break
        said = "; ".join(targets[i][0] for i in core)
        error = TranslationError(f"these premises contradict each other: {said}", stage="lint")
        # a generated premise is asked again with the message (a right one comes back unchanged);
        # of ranked ones, only the least certain takes its next candidate
        ranked = [i for i in core if by_index[i].method == "rank"]
        again = [i for i in core if by_index[i].method != "rank"]
        if ranked:
            again.append(min(ranked, key=lambda i: by_index[i].margin or 0.0))
        redone = await engine.gather([engine.rerun(steps[i][0], by_index[i], error) for i in again])
        by_index.update(zip(again, redone))
        text, premise_of = program()
    return text


def _form_of(formula: str) -> str:
    if formula.startswith("forall x.") and " -> not " in formula:
        return "negative rule"
    if formula.startswith("forall x."):
        return "rule"
    if formula.startswith("not "):
        return "negated fact"
    return "fact" if "(" in formula and " " not in formula else "other"


_COUNTS = {w: i for i, w in enumerate(["two", "three", "four", "five", "six", "seven"], start=2)}
_ENUMERATION = re.compile(r"\b(\d|two|three|four|five|six|seven) [a-z ]*?:\s*([^:.]+?, and [^:.]+)\.", re.I)
_PREAMBLE = re.compile(r"paragraph|\bthere (are|were|is)\b|:", re.I)


def ordering_clues(premises: str) -> list[str]:
    """An ordering puzzle's clue sentences: its premises less the preamble that lists the objects."""
    return [s for s in split_clauses(premises) if not _PREAMBLE.search(s)]


def enumerated_objects(text: str) -> list[str] | None:
    """The objects a puzzle lists itself ("seven golfers: Mel, Rob, ..., and Mya"), as names.

    Only when the list has as many items as its count word says; articles are dropped and
    multi-word objects joined ("a blue jay" -> blue_jay).
    """
    m = _ENUMERATION.search(text)
    if not m:
        return None
    count = m.group(1).lower()
    n = int(count) if count.isdigit() else _COUNTS[count]
    items = [x for x in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(2)) if x.strip()]
    names = ["_".join(w for w in re.findall(r"[a-z0-9]+", x.lower()) if w not in ("a", "an", "the")) for x in items]
    return names if len(names) == n and all(names) and len(set(names)) == n else None


_ORDINALS = {w: i for i, w in enumerate(["first", "second", "third", "fourth", "fifth", "sixth", "seventh"], 1)}


def ordinal_positions(sentence: str, n: int) -> list[int]:
    """Positions an ordinal word allows, from either end ("second-newest": 2 or n-1; "last": 1 or n)."""
    low = sentence.lower()
    ks = {_ORDINALS[w] for w in re.findall(r"[a-z]+", low) if w in _ORDINALS and _ORDINALS[w] <= n}
    if not ks and re.search(r"\b(last|leftmost|rightmost|newest|oldest|cheapest|highest|lowest)\b", low):
        ks.add(1)
    return sorted({p for k in ks for p in (k, n + 1 - k)})


# Position 1 is the leftmost, the first to finish, the oldest, the cheapest (the prompt says
# "positions run 1..n from the left"): each comparison word and its direction.
_BEFORE = r"left of|above|older than|less expensive than|cheaper than"
_AFTER = r"right of|below|newer than|more expensive than|pricier than"
# superlatives and "k-th from ..." counted from position 1 (low) or from position n (high)
_LOW_END = r"from the left|oldest|cheapest|least expensive"
_HIGH_END = r"from the right|newest|most expensive|to-last|to last"


def ordering_reading(sentence: str, objects: Sequence[str], n: int) -> str | None:
    """The constraint a clue's direction words decide, or None when they do not decide it.

    "The owl is to the left of the robin." -> ``owl < robin``; "The sedan is the
    second-newest." -> ``sedan == n-1``; "Ana finished third." -> ``ana == 3``.
    """
    low = sentence.lower()
    if re.search(r"\bnot\b|n't", low):
        return None
    named = mentioned_objects(sentence, objects)
    if len(named) == 2:
        before, after = re.search(rf"\b(?:{_BEFORE})\b", low), re.search(rf"\b(?:{_AFTER})\b", low)
        if bool(before) != bool(after):
            return f"{named[0]} {'<' if before else '>'} {named[1]}"
        return None
    if len(named) != 1:
        return None
    ks = [_ORDINALS[w] for w in re.findall(r"[a-z]+", low) if w in _ORDINALS]
    k = ks[0] if len(ks) == 1 else None
    if re.search(r"\b(?:leftmost|oldest|cheapest)\b|least expensive", low) and k is None:
        return f"{named[0]} == 1"
    if re.search(r"\b(?:rightmost|newest)\b|most expensive|\blast\b", low) and k is None and "to-last" not in low \
            and "to last" not in low:
        return f"{named[0]} == {n}"
    if k is None or k > n:
        return None
    high, low_end = re.search(_HIGH_END, low), re.search(_LOW_END, low)
    if high and not low_end:
        return f"{named[0]} == {n + 1 - k}"
    if low_end and not high or re.search(r"\bfinished\b", low):
        return f"{named[0]} == {k}"
    return None


def mentioned_objects(sentence: str, objects: Sequence[str]) -> list[str]:
    """The objects a sentence names, in the order it names them."""
    low = sentence.lower()
    found = [(m.start(), o) for o in objects if (m := re.search(rf"\b{re.escape(o.replace('_', ' '))}\b", low))]
    return [o for _, o in sorted(found)]


async def _ours_csp(parts: ProblemParts, engine: Engine) -> str:
    """Ordering puzzles: objects named from the text, then each clue and option as a constraint."""
    options = engine.options
    # the puzzle's own list of objects, when it has one, is the whole vocabulary of names
    listed = enumerated_objects(parts.premises)
    names = listed or [n.lower() for n in name_candidates(parts.premises)]
    msgs = (Message(role="system", content="List the objects being ordered, separated by commas."),
            Message(role="user", content=parts.premises))
    more = ' (", " name)*' if listed is None else ' ", " name' * (len(listed) - 1)  # exactly the list's count
    grammar = "root ::= name" + more + "\nname ::= " + " | ".join(f'"{n}"' for n in sorted(set(names))) + "\n"
    got = await engine.run(Step("logic.objects", msgs, lambda t: list(dict.fromkeys(n.strip() for n in t.split(",") if n.strip())),
                                constraint=Constraint(grammar=grammar), max_tokens=16 * len(names) if listed else 60,
                                label="translate.declarations", source=parts.premises))
    objs = got.value + [o for o in listed or [] if o not in got.value]  # the model's order, completed from the list
    if len(objs) < 2:
        raise TranslationError("the model named fewer than two objects to order", stage="translate.declarations")
    n = len(objs)
    decl = f"domain pos = 1..{n}\nvar {', '.join(objs)} : pos\ndistinct {', '.join(objs)}"
    pool = exemplar_pool("constraint")
    targets = [(s, "constraint") for s in ordering_clues(parts.premises)]
    targets += [(t, f"option {k}") for k, t in parts.options.items()]
    from logic.csp import parse_csp

    def constraint_step(sentence: str, role: str) -> Step[str]:
        grammar = ordering_line_gbnf(objs, n, mentioned_objects(sentence, objs), ordinal_positions(sentence, n))
        shots = select_exemplars(sentence, pool, options.exemplars)
        msgs = few_shot_messages(f"Positions run 1..{n} from the left. Objects: {', '.join(objs)}. "
                                 "Write the sentence as one constraint.", shots, sentence)

        def parse_one(text: str) -> str:
            parse_csp(f"{decl}\n{role}: {text}")
            return text

        # where the direction words decide the clue (``ordering_reading``) it is the one candidate
        decided = ordering_reading(sentence, objs, n) if options.grammar else None
        return Step("logic.constraint", msgs, parse_one, constraint=Constraint(grammar=grammar), max_tokens=32,
                    stop=("\n",), label=f"translate.{role.split()[0]}", source=sentence,
                    candidates=(decided,) if decided else ())

    # an unreadable clue is left out (recorded); an option is required
    done = await engine.gather([engine.run(constraint_step(s, r)) if r.startswith("option")
                                else engine.optional(constraint_step(s, r)) for s, r in targets])
    lines = [f"{role}: {got.value}  # {sentence}" for (sentence, role), got in zip(targets, done) if got is not None]
    return decl + "\n" + "\n".join(lines) + "\n"
