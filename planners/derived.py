"""Derived predicates (``:derived``) compiled into actions, where that is sound.

unified-planning's reader has no axioms. A derived predicate that every precondition, rule body
and goal uses only positively can be replaced by *derive actions*: one per disjunct of its rule
(``derive-above-2 ?x ?y ?z``: if ``(on ?x ?z)`` and ``(above ?z ?y)`` then ``(above ?x ?y)``),
while every original action deletes all derived facts (they may no longer follow from the new
state). A derived fact can then be added only when its rule holds in the current state, and any
fact the rule derives can be added: plans of the compiled domain are the original plans with
derive steps in between (which plans show, and which make a plan's length differ from the
original's). A derived predicate used under ``not`` (or through ``forall``) has no such
compilation and is refused by name.
"""

from __future__ import annotations

import itertools
import re

from nesy.errors import TranslationError

from planners.pddl_repair import Atom, SList, _define, _edit, _typed_list, _walk, read_sexprs

__all__ = ["DERIVE_PREFIX", "NOTE", "compile_derived", "derived_names", "check_goal"]

DERIVE_PREFIX = "derive-"
NOTE = "derived predicates"  # how the domain's note starts: plans of such a domain are never called optimal
MAX_DISJUNCTS = 32  # a rule whose body expands to more disjuncts is refused (the domain would explode)

Literal = str  # PDDL text of one literal
Conjunct = tuple[list[tuple[str, str]], list[Literal]]  # (extra (variable, type) pairs, literals)


def _text(node: Atom | SList, src: str) -> str:
    return src[node.start : node.end]


def _refuse(message: str, symbol: str) -> TranslationError:
    return TranslationError(f"domain PDDL has derived predicates (:derived) that cannot be compiled away: {message}",
                            symbol=symbol, part="domain")


_MARK = re.compile(r"^; compiled derived predicates: (.*)$", re.MULTILINE)


def derived_names(domain: str) -> list[str]:
    """The derived predicates of a domain, or of one compiled here (its comment names them)."""
    mark = _MARK.search(domain)
    if mark:
        return mark.group(1).split()
    d = _define(domain, "domain")
    if d is None:
        return []
    return [r.items[1].head() for r in d.items[2:]
            if isinstance(r, SList) and r.head() == ":derived" and len(r.items) == 3 and isinstance(r.items[1], SList)]


def _negative_uses(node: Atom | SList, names: set[str], positive: bool = True) -> list[str]:
    """Derived predicates used where a false value matters (under not, an imply's premise, forall)."""
    if not isinstance(node, SList):
        return []
    head = node.head()
    if head in names:
        return [] if positive else [head]
    if head == "not":
        return [n for c in node.items[1:] for n in _negative_uses(c, names, not positive)]
    if head == "imply" and len(node.items) == 3:
        return _negative_uses(node.items[1], names, not positive) + _negative_uses(node.items[2], names, positive)
    if head == "forall":  # a universal condition over a derived fact needs its falsity everywhere
        return [n.head() for n in _walk(node) if isinstance(n, SList) and n.head() in names]
    return [n for c in node.items[1:] for n in _negative_uses(c, names, positive)]


def _dnf(node: Atom | SList, src: str, names: set[str], fresh: itertools.count) -> list[Conjunct]:
    """A rule body as a disjunction of conjunctions of literals; exists-variables become parameters."""
    if not isinstance(node, SList):
        raise _refuse(f"unexpected {node.text!r} in a rule", node.text)
    head = node.head()
    if head == "and":
        out: list[Conjunct] = [([], [])]
        for c in node.items[1:]:
            parts = _dnf(c, src, names, fresh)
            out = [(v1 + v2, l1 + l2) for (v1, l1), (v2, l2) in itertools.product(out, parts)]
            if len(out) > MAX_DISJUNCTS:
                raise _refuse(f"a rule has more than {MAX_DISJUNCTS} disjuncts", "or")
        return out
    if head == "or":
        return [c for item in node.items[1:] for c in _dnf(item, src, names, fresh)]
    if head == "exists" and len(node.items) == 3 and isinstance(node.items[1], SList):
        body = _text(node.items[2], src)
        params: list[tuple[str, str]] = []
        for vs, t in _typed_list(node.items[1].items):
            for v in vs:
                # a fresh name: the same variable may be bound again by another exists
                new = f"{v}-{next(fresh)}"
                body = _rename_var(body, v, new)
                params.append((new, t if isinstance(t, str) else "object"))
        inner = read_sexprs(body)[0]
        return [(params + vs, lits) for vs, lits in _dnf(inner, body, names, fresh)]
    if head == "not" and len(node.items) == 2 and isinstance(node.items[1], SList):
        if node.items[1].head() in names:
            raise _refuse(f"a rule negates the derived predicate {node.items[1].head()!r}", node.items[1].head())
        if node.items[1].head() in ("and", "or", "exists", "forall", "imply", "not"):
            raise _refuse("a rule negates a compound condition", "not")
        return [([], [_text(node, src)])]
    if head in ("forall", "imply", "when"):
        raise _refuse(f"a rule uses {head!r}", head)
    return [([], [_text(node, src)])]


def _rename_var(text: str, old: str, new: str) -> str:
    edits = [(n.start, n.end, new) for n in _walk(read_sexprs(text)[0]) if isinstance(n, Atom) and n.low == old.lower()]
    return _edit(text, edits)


def compile_derived(domain: str) -> tuple[str, list[str]]:
    """The domain with every ``:derived`` rule turned into derive actions (see the module's docstring)."""
    d = _define(domain, "domain")
    rules = [r for r in (d.items[2:] if d is not None else []) if isinstance(r, SList) and r.head() == ":derived"]
    if d is None or not rules:
        return domain, []
    names = set(derived_names(domain))
    decl: dict[str, list[tuple[str, str]]] = {}
    preds = next((s for s in d.items[2:] if isinstance(s, SList) and s.head() == ":predicates"), None)
    for p in preds.items[1:] if preds is not None else []:
        if isinstance(p, SList) and p.head() in names:
            decl[p.head()] = [(v, t if isinstance(t, str) else "object")
                              for vs, t in _typed_list(p.items[1:]) for v in vs]
    actions = [a for a in d.items[2:] if isinstance(a, SList) and a.head() == ":action"]
    used = {a.items[1].low for a in actions if len(a.items) > 1 and isinstance(a.items[1], Atom)}
    for node in [*actions, *(r.items[2] for r in rules if len(r.items) == 3)]:
        bad = _negative_uses(node, names)
        if bad:
            raise _refuse(f"{bad[0]!r} is used negatively (a derive action can add it, never take it back)", bad[0])
    fresh = itertools.count(1)
    new_actions: list[str] = []
    for r in rules:
        if len(r.items) != 3 or not isinstance(r.items[1], SList):
            raise _refuse("a :derived rule is not (:derived (p ?x ...) condition)", ":derived")
        head = r.items[1]
        pred = head.head()
        if pred not in decl:
            raise _refuse(f"{pred!r} is not declared under :predicates", pred)
        args = [a.text for a in head.items[1:] if isinstance(a, Atom)]
        types = [t for _, t in decl[pred]]  # by position: the head may name its variables differently
        for k, (extra, lits) in enumerate(_dnf(r.items[2], domain, names, fresh), 1):
            name = f"{DERIVE_PREFIX}{pred}-{k}"
            while name in used:
                name += "-x"
            used.add(name)
            params = " ".join(f"{v} - {t}" for v, t in [*zip(args, types), *extra])
            pre = "(and " + " ".join(lits) + ")" if lits else "(and)"
            new_actions.append(f"  (:action {name}\n    :parameters ({params})\n    :precondition {pre}\n"
                               f"    :effect ({pred} {' '.join(args)}))")
    # every original action forgets what was derived: the next state derives it afresh
    resets = []
    for pred, params in decl.items():
        vs = [f"?d{i}" for i in range(len(params))]
        neg = f"(not ({pred}{''.join(' ' + v for v in vs)}))"
        resets.append(f"(forall ({' '.join(f'{v} - {t}' for v, (_, t) in zip(vs, params))}) {neg})" if vs else neg)
    edits: list[tuple[int, int, str]] = [(r.start, r.end, "") for r in rules]
    reqs = next((s for s in d.items[2:] if isinstance(s, SList) and s.head() == ":requirements"), None)
    # the reader does not know this requirement, and the compiled domain no longer needs it
    edits += [(a.start, a.end, "") for a in (reqs.items[1:] if reqs else []) if isinstance(a, Atom)
              and a.low == ":derived-predicates"]
    for a in actions:
        i = next((j for j, x in enumerate(a.items) if isinstance(x, Atom) and x.low == ":effect"), None)
        if i is None or i + 1 >= len(a.items):
            edits.append((a.end - 1, a.end - 1, f" :effect (and {' '.join(resets)})"))
            continue
        eff = a.items[i + 1]
        if isinstance(eff, SList) and eff.head() == "and":
            edits.append((eff.end - 1, eff.end - 1, " " + " ".join(resets)))
        else:
            edits.append((eff.start, eff.end, f"(and {_text(eff, domain)} {' '.join(resets)})"))
    edits.append((d.end - 1, d.end - 1, "\n" + "\n".join(new_actions) + "\n"))
    # a compiled text still says what was derived: a problem's goal is checked against it later
    edits.append((d.start, d.start, f"; compiled derived predicates: {' '.join(sorted(names))}\n"))
    notes = [f"{NOTE} ({', '.join(sorted(names))}) were compiled into actions named {DERIVE_PREFIX}*: "
             "plans show where a derived fact is derived, and their length counts those steps"]
    return _edit(domain, edits), notes


def check_goal(problem: str, names: list[str]) -> None:
    """A goal that needs a derived fact to be false cannot be planned for in the compiled domain
    (a derived fact that is never derived would count as false): refused by name."""
    p = _define(problem, "problem")
    sections = p.items[2:] if p is not None else []
    goal = next((s for s in sections if isinstance(s, SList) and s.head() == ":goal"), None)
    bad = _negative_uses(goal, set(names)) if goal is not None else []
    if bad:
        raise TranslationError(f"the goal needs the derived predicate {bad[0]!r} to be false, which the "
                               "compilation of derived predicates cannot express", symbol=bad[0], part="problem")
