"""GBNF grammars for constrained decoding, generated per context so that a model can write
only declared symbols with their declared arities. Every string these grammars admit parses
with fol.lark / csp.lark (tests/logic/test_gbnf.py samples them to check).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = [
    "literal", "formula_rules", "formula_gbnf", "program_gbnf", "clause_gbnf", "declarations_gbnf",
    "csp_line_gbnf", "CLAUSE_FORMS", "GENERIC_FOL_GBNF", "VARIABLES",
]

VARIABLES = ("x", "y", "z")
# Clause forms the translator first chooses between (a constrained choice), then fills in.
CLAUSE_FORMS = ("fact", "negated fact", "rule", "negative rule", "other")

_GENERIC_NAME = "[A-Z] [a-zA-Z0-9_]*"


def literal(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _alts(names: Sequence[str]) -> str:
    return " | ".join(literal(n) for n in names)


def _atom_rules(preds: Mapping[str, int] | None, term: str = "term") -> str:
    if not preds:  # generic: any capitalised name with any number of arguments
        return f'pname ::= {_GENERIC_NAME}\natom ::= pname "(" {term} (", " {term})* ")"\n'
    alts = []
    for name, arity in sorted(preds.items()):
        if arity == 0:
            alts.append(literal(name))
        else:
            alts.append(literal(name + "(") + f" {term}" + f' ", " {term}' * (arity - 1) + ' ")"')
    return "atom ::= " + " | ".join(alts) + "\n"


def _term_rules(consts: Sequence[str] | None, variables: Sequence[str] = VARIABLES) -> str:
    if consts is None:
        return f"term ::= var | const\nconst ::= {_GENERIC_NAME}\nvar ::= {_alts(variables)}\n"
    if not consts:
        return f"term ::= var\nvar ::= {_alts(variables)}\n"
    return f"term ::= var | const\nconst ::= {_alts(sorted(consts))}\nvar ::= {_alts(variables)}\n"


def formula_rules(preds: Mapping[str, int] | None, consts: Sequence[str] | None) -> str:
    """Rules for ``formula`` over the declared symbols (None: any well-formed name)."""
    return (
        'formula ::= quant | "not " quant | iff\n'
        'quant ::= ("forall " | "exists ") var (" " var)* ". " formula\n'
        'iff ::= imp ((" <-> " | " xor ") imp)*\n'
        'imp ::= disj (" -> " (imp | quant))?\n'
        'disj ::= conj (" or " conj)*\n'
        'conj ::= unary (" and " unary)*\n'
        'unary ::= "not " unary | "(" formula ")" | atom | term " = " term | term " != " term\n'
        + _atom_rules(preds)
        + _term_rules(consts)
    )


def formula_gbnf(preds: Mapping[str, int] | None = None, consts: Sequence[str] | None = None) -> str:
    return "root ::= formula\n" + formula_rules(preds, consts)


def program_gbnf(preds: Mapping[str, int] | None = None, consts: Sequence[str] | None = None) -> str:
    """A whole program: declarations, premises (with an optional gloss comment), a conclusion."""
    if preds is None:
        decls = (
            'decl ::= "const " const (", " const)* | "pred " pname "/" [0-3]\n'
        )
    else:
        decl_lines = [literal(f"pred {n}/{a}") for n, a in sorted(preds.items())]
        if consts:
            decl_lines.append(literal("const " + ", ".join(sorted(consts))))
        decls = "decl ::= " + " | ".join(decl_lines) + "\n"
    return (
        'root ::= (decl "\\n")+ ("premise: " formula gloss? "\\n")+ "conclusion: " formula "\\n"?\n'
        'gloss ::= "  # " [^\\n#]*\n'
        + decls
        + formula_rules(preds, consts)
    )


def clause_gbnf(form: str, preds: Mapping[str, int], consts: Sequence[str], head: str | None = None) -> str:
    """The content grammar for one clause form: only the shape the chosen form allows.

    A fact may join literals about individuals ("The squirrel is big and not red."); a rule's
    body literals may be negated ("If something is quiet and not nice then ..."), its
    conclusion may join literals, and a rule about individuals only ("If the cow is blue then
    the cow likes the squirrel.") has no quantifier. ``head`` fixes a rule's conclusion (the
    class the sentence names last), leaving the body to the other predicates.
    """
    ground = _atom_rules(preds, "const").replace("atom ::=", "gatom ::=")
    ground += f"const ::= {_alts(sorted(consts))}\n" if consts else 'const ::= "x"\n'
    ground += 'glit ::= "not "? gatom\n'
    fixed = head in preds and preds[head] == 1 and len(preds) > 1  # a rule whose conclusion is given
    body = {p: a for p, a in preds.items() if p != head} if fixed else preds
    over_x = _atom_rules(body, "xterm").replace("atom ::=", "xbatom ::=")
    over_x += "xterm ::= " + _alts(["x", *sorted(consts)]) + "\n" + 'xlit ::= "not "? xbatom\n'
    if form == "fact":
        return 'root ::= gatom (" and " glit)*\n' + ground
    if form == "negated fact":
        return 'root ::= "not " gatom (" and " glit)*\n' + ground
    if form in ("rule", "negative rule"):
        neg = '"not " ' if form == "negative rule" else ""
        if fixed:
            return (f'root ::= "forall x. " xlit (" and " xlit)* " -> " {neg}{literal(f"{head}(x)")} (" and " xlit)*\n'
                    + over_x)
        over_x += _atom_rules(preds, "xterm").replace("atom ::=", "xatom ::=")
        root = f'root ::= "forall x. " xlit (" and " xlit)* " -> " {neg}xatom (" and " xlit)*'
        if not consts:
            return root + "\n" + over_x
        # a rule about named individuals only: "If the cow is blue then the cow likes the squirrel."
        return root + f' | glit (" and " glit)* " -> " {neg}gatom (" and " glit)*\n' + over_x + ground
    return formula_gbnf(preds, consts)


MAX_CANDIDATES = 48  # past this many, a clause is generated under its grammar instead of ranked


def clause_candidates(form: str, preds: Mapping[str, int], consts: Sequence[str], head: str | None = None,
                      reading: str | None = None) -> tuple[str, ...]:
    """Every formula of a clause form over the sentence's symbols, for ranking by likelihood.

    A subset of what ``clause_gbnf`` admits for the same arguments: facts over the constants,
    rules with one or two body atoms over ``x``. Empty for "other" (free form) and when the
    choice is too wide to rank. ``reading``: the formula the sentence's words decide
    (``logic.phrases``: relations with their argument order, negations, individuals) is then
    the only candidate — the words left nothing to rank.
    """
    if reading is not None:
        return (reading,)
    def ground(p: str, a: int) -> list[str]:
        if a == 0:
            return [p]
        if a == 1:
            return [f"{p}({c})" for c in consts]
        return [f"{p}({c}, {d})" for c in consts for d in consts if c != d] if a == 2 else []

    out: list[str] = []
    if form in ("fact", "negated fact"):
        neg = "not " if form == "negated fact" else ""
        out = [neg + g for p, a in sorted(preds.items()) for g in ground(p, a)]
    elif form in ("rule", "negative rule"):
        neg = "not " if form == "negative rule" else ""
        unary = sorted(p for p, a in preds.items() if a == 1)
        fixed = head in preds and preds[head] == 1 and len(preds) > 1
        heads = [head] if fixed else unary
        for h in heads:
            body = [p for p in unary if p != h]
            bodies = [[b] for b in body] + [[b, c] for i, b in enumerate(body) for c in body[i + 1:]]
            out += [f"forall x. {' and '.join(f'{b}(x)' for b in bs)} -> {neg}{h}(x)" for bs in bodies]
    return tuple(out) if 0 < len(out) <= MAX_CANDIDATES else ()


def declarations_gbnf(names: Sequence[str], max_arity: int = 2, joiners: Sequence[str] = ()) -> str:
    """Declarations whose names are words of the text: ``pred Name/1`` and ``const Name`` lines.

    ``joiners`` (the text's other words, capitalised) may follow a first word, so a name can be a
    phrase of the text: ``HaveLunchInCompany``, ``BlackMirror`` (FOLIO's multi-word predicates).
    """
    name = "name ::= word\n" if not joiners else "name ::= word part*\npart ::= word | joiner\n"
    name += "word ::= " + _alts(sorted(set(names))) + "\n"
    if joiners:
        name += "joiner ::= " + _alts(sorted(set(joiners) - set(names))) + "\n"
    return (
        'root ::= (decl "\\n")+\n'
        f'decl ::= "pred " name "/" [1-{max_arity}] | "const " name\n' + name
    )


def csp_line_gbnf(variables: Sequence[str], values: Sequence[str] = (), lo: int = 1, hi: int = 7) -> str:
    """One ``constraint:`` body over the declared variables (and enumeration values)."""
    nums = _alts([str(i) for i in range(lo, hi + 1)])
    refs = _alts(sorted(set(variables) | set(values)))
    return (
        "root ::= expr\n"
        'expr ::= conj (" or " conj)*\n'
        'conj ::= unary (" and " unary)*\n'
        'unary ::= "not " unary | "(" expr ")" | cmp\n'
        'cmp ::= sum (" == " | " != " | " < " | " <= " | " > " | " >= ") sum\n'
        'sum ::= value ((" + " | " - ") value)*\n'
        'value ::= ref | num | "abs(" sum ")"\n'
        f"ref ::= {refs}\nnum ::= {nums}\n"
    )


def ordering_line_gbnf(objects: Sequence[str], n: int, mentioned: Sequence[str] = (),
                       positions: Sequence[int] = ()) -> str:
    """One clue of an ordering puzzle: an object compared with another object or a position.

    Narrower than ``csp_line_gbnf`` on purpose: a small model given the whole expression
    language wrote clues such as ``abs(1) == 1`` that mention no object at all. The objects
    the sentence itself names, in its order, fix the sides: two named objects leave only the
    order to choose, one leaves the comparison and the position.
    """
    op = '(" == " | " != " | " < " | " > ")'
    num = f"num ::= {_alts([str(i) for i in sorted(set(positions)) or range(1, n + 1)])}\n"
    if len(mentioned) >= 2:  # distinct objects: only which one comes first is left to say
        return f'root ::= "{mentioned[0]}" (" < " | " > ") "{mentioned[1]}"\n'
    if len(mentioned) == 1:
        return f'root ::= "{mentioned[0]}" {op} num\n' + num
    return f"root ::= ref {op} (ref | num)\nref ::= {_alts(sorted(set(objects)))}\n" + num


GENERIC_FOL_GBNF = program_gbnf(None, None)
