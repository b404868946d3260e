"""Rewrite PDDL that others write into the dialect unified-planning's reader accepts.

Each repair is a text edit with a note that says what was changed, so that a caller can see
exactly what was solved. Where a construct has no faithful rewrite the repair raises a
``TranslationError`` that names it (probabilistic effects, derived predicates used negatively), rather than
letting the reader fail with an unrelated syntax error.

- ``(either a b)`` types become a fresh common supertype ``either-a-b`` declared under the
  members' shared parent (so every object of type a or b is one of it, and nothing else is);
- problem sections in a non-standard order (``:goal`` before ``:init``) are put in order;
- a problem name that is not an identifier (``(problem 0)``) gets a prefix;
- derived predicates become actions (``planners.derived``) where they are used only positively;
- an object named like a predicate, action or type (pddlgym's footwear: object and predicate
  ``home``) is renamed (``home-obj``) in the problem; plans name it as the problem did;
- constants used but declared nowhere are declared with the type their uses imply, where
  every use implies the same type (or a chain of subtypes, whose most specific member wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nesy.errors import TranslationError

__all__ = ["Atom", "SList", "read_sexprs", "repair_domain", "repair_problem", "domain_symbols", "DomainSymbols",
           "object_renames", "OBJECT_SUFFIX"]


@dataclass
class Atom:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass
class SList:
    items: list[Atom | SList]
    start: int  # offset of "("
    end: int  # offset after ")"

    def head(self) -> str:
        return self.items[0].low if self.items and isinstance(self.items[0], Atom) else ""


_TOKEN = re.compile(r"\s+|;[^\n]*|\(|\)|[^\s();]+")


def read_sexprs(text: str) -> list[Atom | SList]:
    """The top-level s-expressions of ``text`` with offsets; comments skipped; unbalanced input raises."""
    stack: list[SList] = [SList([], 0, len(text))]
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isspace() or tok[0] == ";":
            continue
        if tok == "(":
            stack.append(SList([], m.start(), -1))
        elif tok == ")":
            if len(stack) == 1:
                line = text.count("\n", 0, m.start()) + 1
                raise TranslationError("unbalanced ')' in PDDL", line=line, symbol=")")
            done = stack.pop()
            done.end = m.end()
            stack[-1].items.append(done)
        else:
            stack[-1].items.append(Atom(tok, m.start(), m.end()))
    if len(stack) > 1:
        line = text.count("\n", 0, stack[-1].start) + 1
        raise TranslationError("a '(' in the PDDL is never closed", line=line, symbol="(")
    return stack[0].items


def _walk(node: Atom | SList):
    yield node
    if isinstance(node, SList):
        for item in node.items:
            yield from _walk(item)


def _define(text: str, kind: str) -> SList | None:
    for top in read_sexprs(text):
        if isinstance(top, SList) and top.head() == "define" and len(top.items) > 1:
            second = top.items[1]
            if isinstance(second, SList) and second.head() == kind:
                return top
    return None


def _section(define: SList, name: str) -> SList | None:
    for item in define.items[2:]:
        if isinstance(item, SList) and item.head() == name:
            return item
    return None


def _typed_list(items: list[Atom | SList]) -> list[tuple[list[str], str | SList | None]]:
    """``a b - t c - (either x y) d`` -> [([a, b], t), ([c], SList), ([d], None)]."""
    groups: list[tuple[list[str], str | SList | None]] = []
    names: list[str] = []
    i = 0
    while i < len(items):
        it = items[i]
        if isinstance(it, Atom) and it.text == "-" and i + 1 < len(items):
            t = items[i + 1]
            groups.append((names, t.low if isinstance(t, Atom) else t))
            names, i = [], i + 2
            continue
        if isinstance(it, Atom):
            names.append(it.low)
        i += 1
    if names:
        groups.append((names, None))
    return groups


def _edit(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# -- what a domain declares -----------------------------------------------------------------------


@dataclass
class DomainSymbols:
    types: dict[str, str]  # type -> parent ("object" at the top)
    predicates: dict[str, list[str]]  # name -> parameter types ("object" when untyped)
    constants: dict[str, str]
    actions: set[str] = field(default_factory=set)
    typing: bool = False

    def ancestors(self, t: str) -> list[str]:
        out, seen = [t], {t}
        while out[-1] in self.types and self.types[out[-1]] not in seen:
            out.append(self.types[out[-1]])
            seen.add(out[-1])
        if out[-1] != "object":
            out.append("object")
        return out


def _type_of(t: str | SList | None) -> str:
    return t if isinstance(t, str) else "object"


def domain_symbols(domain: str) -> DomainSymbols:
    d = _define(domain, "domain")
    syms = DomainSymbols({}, {}, {})
    if d is None:
        return syms
    types = _section(d, ":types")
    if types is not None:
        syms.typing = True
        for names, parent in _typed_list(types.items[1:]):
            for n in names:
                syms.types.setdefault(n, _type_of(parent))
    consts = _section(d, ":constants")
    if consts is not None:
        for names, t in _typed_list(consts.items[1:]):
            for n in names:
                syms.constants[n] = _type_of(t)
    preds = _section(d, ":predicates")
    if preds is not None:
        for p in preds.items[1:]:
            if isinstance(p, SList) and p.head():
                syms.predicates[p.head()] = [_type_of(t) for names, t in _typed_list(p.items[1:]) for _ in names]
    for item in d.items[2:]:
        if isinstance(item, SList) and item.head() == ":action" and len(item.items) > 1 and isinstance(item.items[1], Atom):
            syms.actions.add(item.items[1].low)
    return syms


# -- either -------------------------------------------------------------------------------------------


def _either_sets(nodes: list[Atom | SList]) -> list[SList]:
    return [n for top in nodes for n in _walk(top) if isinstance(n, SList) and n.head() == "either"]


def _reduced(members: list[str], syms: DomainSymbols) -> tuple[str, ...]:
    """The members without those that are subtypes of another member (they add nothing)."""
    return tuple(m for m in members if not any(o != m and o in syms.ancestors(m) for o in members))


def _compile_either(domain: str, notes: list[str]) -> tuple[str, dict[tuple[str, ...], str]]:
    """Replace every ``(either ...)`` of the domain by a fresh common supertype."""
    d = _define(domain, "domain")
    if d is None:
        return domain, {}
    found = _either_sets([d])
    if not found:
        return domain, {}
    types = _section(d, ":types")
    if types is None:
        raise TranslationError("domain PDDL uses (either ...) types but declares no :types", symbol="either", part="domain")
    if _either_sets([types]):
        raise TranslationError(
            "domain PDDL declares a type as a subtype of (either ...): unified-planning has single inheritance only",
            symbol="either", part="domain",
        )
    syms = domain_symbols(domain)
    parent = dict(syms.types)
    order = list(parent)
    fresh: dict[tuple[str, ...], str] = {}
    keys: set[tuple[str, ...]] = set()
    for node in found:
        members = sorted({m.low for m in node.items[1:] if isinstance(m, Atom)})
        for m in members:
            if m not in parent and m != "object":
                raise TranslationError(f"(either ...) names the undeclared type {m!r}", symbol=m, part="domain")
        keys.add(_reduced(members, syms))
    members_of: dict[str, set[str]] = {}  # fresh type -> the declared types under it
    # smallest sets first: nested sets ({a b} inside {a b c}) nest their supertypes
    for key in sorted((k for k in keys if len(k) > 1), key=len):
        tops: set[str] = set()
        for m in key:
            top = m
            while parent.get(top) in members_of:
                top = parent[top]
            tops.add(top)
        for t in tops & set(members_of):
            if not members_of[t] <= set(key):
                raise TranslationError(
                    f"(either {' '.join(key)}) overlaps (either {' '.join(sorted(members_of[t]))}) without containing "
                    "it: single inheritance cannot give their shared types both supertypes", symbol="either", part="domain",
                )
        parents = {parent.get(t, "object") for t in tops}
        if "object" in key or len(parents) != 1:
            raise TranslationError(
                f"(either {' '.join(key)}) joins types with different parents "
                f"({', '.join(m + ' - ' + parent.get(m, 'object') for m in key)}); unified-planning's single "
                "inheritance has no common supertype for exactly these", symbol="either", part="domain",
            )
        name = "either-" + "-".join(key)
        while name in parent or name in syms.predicates:
            name += "-t"
        fresh[key] = name
        (shared,) = parents
        parent[name] = shared
        members_of[name] = set(key)
        order.insert(min(order.index(t) for t in tops), name)
        for t in tops:
            parent[t] = name
        notes.append(f"(either {' '.join(key)}) was compiled to a new common supertype {name!r} (under {shared})")
    edits: list[tuple[int, int, str]] = []
    for node in found:
        key = _reduced(sorted({m.low for m in node.items[1:] if isinstance(m, Atom)}), syms)
        edits.append((node.start, node.end, fresh.get(key, key[0])))
    # every type with its parent: a bare name before "- t" would be read as a subtype of t
    body = "\n    ".join(f"{t} - {parent[t]}" for t in order)
    edits.append((types.start, types.end, f"(:types\n    {body})"))
    return _edit(domain, edits), fresh


# -- problems -------------------------------------------------------------------------------------

_PROBLEM_ORDER = [":domain", ":requirements", ":situation", ":objects", ":init", ":goal", ":constraints", ":metric", ":length"]
_IDENT = re.compile(r"[A-Za-z][\w-]*")


def _reorder_problem(problem: str, notes: list[str]) -> str:
    p = _define(problem, "problem")
    if p is None:
        return problem
    name = p.items[1]
    edits: list[tuple[int, int, str]] = []
    assert isinstance(name, SList)
    if len(name.items) > 1 and isinstance(name.items[1], Atom) and not _IDENT.fullmatch(name.items[1].text):
        new = "problem-" + re.sub(r"[^\w-]", "_", name.items[1].text)
        notes.append(f"the problem name {name.items[1].text!r} is not a PDDL name; read as {new!r}")
        edits.append((name.items[1].start, name.items[1].end, new))
    sections = [s for s in p.items[2:] if isinstance(s, SList)]
    rank = [_PROBLEM_ORDER.index(s.head()) if s.head() in _PROBLEM_ORDER else len(_PROBLEM_ORDER) for s in sections]
    if rank != sorted(rank) and len(sections) == len(p.items) - 2:
        ordered = [s for _, s in sorted(zip(rank, sections), key=lambda x: x[0])]
        moved = [s.head() for s, o in zip(sections, ordered) if s is not o]
        notes.append(f"problem sections were put in the standard order ({', '.join(dict.fromkeys(moved))} moved)")
        start, end = sections[0].start, sections[-1].end
        joined = "\n  ".join(problem[s.start : s.end] for s in ordered)
        # the name edit lies before the sections, so both edits compose
        edits.append((start, end, joined))
    return _edit(problem, edits)


def _uses(nodes: list[Atom | SList], syms: DomainSymbols) -> dict[str, list[str]]:
    """Non-variable arguments of atoms of known predicates, with the parameter type at each use."""
    out: dict[str, list[str]] = {}
    for top in nodes:
        for n in _walk(top):
            if not isinstance(n, SList):
                continue
            head = n.head()
            args = [a for a in n.items[1:]]
            if head in syms.predicates and all(isinstance(a, Atom) for a in args):
                ptypes = syms.predicates[head]
                for i, a in enumerate(args):
                    if not a.text.startswith("?"):  # type: ignore[union-attr]
                        out.setdefault(a.low, []).append(ptypes[i] if i < len(ptypes) else "object")  # type: ignore[union-attr]
            elif head == "=" and all(isinstance(a, Atom) for a in args):
                for a in args:
                    if not a.text.startswith("?"):  # type: ignore[union-attr]
                        out.setdefault(a.low, []).append("object")  # type: ignore[union-attr]
    return out


def _infer(name: str, types: list[str], syms: DomainSymbols) -> str | None:
    """The most specific of ``types`` when they form one chain of subtypes; None if ambiguous."""
    distinct = sorted(set(types), key=lambda t: -len(syms.ancestors(t)))
    best = distinct[0]
    if all(t in syms.ancestors(best) for t in distinct):
        return best
    return None


def _declare(text: str, define: SList, section: str, after: list[str], decls: dict[str, str], typed: bool) -> str:
    body = " ".join(f"{n} - {t}" if typed and t != "object" else n for n, t in decls.items())
    existing = _section(define, section)
    if existing is not None:
        return _edit(text, [(existing.end - 1, existing.end - 1, f" {body}")])
    anchor = None
    for item in define.items[2:]:
        if isinstance(item, SList) and item.head() in after:
            anchor = item
    pos = anchor.end if anchor is not None else define.items[1].end
    return _edit(text, [(pos, pos, f"\n  ({section} {body})")])


def _undeclared_constants(domain: str, notes: list[str]) -> str:
    """Constants the domain's actions use but never declare: declared with their implied type."""
    d = _define(domain, "domain")
    if d is None:
        return domain
    syms = domain_symbols(domain)
    actions = [n for n in d.items[2:] if isinstance(n, SList) and n.head() == ":action"]
    uses = _uses(actions, syms)
    new: dict[str, str] = {}
    for name, types in uses.items():
        if name in syms.constants or name in syms.types:
            continue
        t = _infer(name, types, syms)
        if t is None:
            continue  # ambiguous: the reader's own error names it
        new[name] = t
    if not new:
        return domain
    notes.append(
        "constants used in the domain but declared nowhere were declared: "
        + ", ".join(f"{n} - {t}" for n, t in new.items())
    )
    return _declare(domain, d, ":constants", [":requirements", ":types"], new, syms.typing)


def repair_domain(domain: str) -> tuple[str, list[str]]:
    """The domain text the reader accepts, and notes on each change; raises on what cannot be read."""
    notes: list[str] = []
    d = _define(domain, "domain")
    if d is None:
        return domain, notes
    for n in _walk(d):
        if isinstance(n, Atom) and n.low == "probabilistic":
            raise TranslationError(
                "domain PDDL has probabilistic effects (PPDDL): neither unified-planning nor Fast Downward "
                "plans with them", symbol="probabilistic", part="domain",
            )
    # unified-planning's reader has no :derived: compiled into actions where sound, else refused by name
    from planners.derived import compile_derived

    domain, notes = compile_derived(domain)
    domain, _ = _compile_either(domain, notes)
    domain = _undeclared_constants(domain, notes)
    return domain, notes


def _drop_redeclared_constants(
    problem: str, p: SList, objects: SList, syms: DomainSymbols, notes: list[str]
) -> tuple[str, SList, SList]:
    """Objects that repeat a domain constant of a compatible type: the constant is the object."""
    groups = _typed_list(objects.items[1:])
    dup = [n for names, t in groups for n in names if n in syms.constants and (
        syms.constants[n] in syms.ancestors(_type_of(t)) or _type_of(t) in syms.ancestors(syms.constants[n]))]
    if not dup:
        return problem, p, objects
    notes.append(f"objects that repeat the domain's constants were read as those constants: {', '.join(dup)}")
    kept = [([n for n in names if n not in dup], t) for names, t in groups]
    body = " ".join(" ".join(ns) + (f" - {_type_of(t)}" if t is not None else "") for ns, t in kept if ns)
    problem = _edit(problem, [(objects.start, objects.end, f"(:objects {body})")])
    p = _define(problem, "problem")
    assert p is not None
    objects = _section(p, ":objects")
    assert objects is not None
    return problem, p, objects


OBJECT_SUFFIX = "-obj"


def object_renames(domain: str, problem: str) -> dict[str, str]:
    """Problem objects that share a name with a predicate, action or type -> a fresh name.

    unified-planning's reader takes such an object for the predicate, even with relaxed names."""
    p = _define(problem, "problem")
    objects = _section(p, ":objects") if p is not None else None
    if objects is None:
        return {}
    syms = domain_symbols(domain)
    taken = set(syms.predicates) | syms.actions | set(syms.types)
    names = [n for ns, _ in _typed_list(objects.items[1:]) for n in ns]
    out: dict[str, str] = {}
    for n in names:
        if n in taken:
            new = n + OBJECT_SUFFIX
            while new in taken or new in names:
                new += "_"
            out[n] = new
    return out


def _rename_objects(problem: str, renames: dict[str, str], notes: list[str]) -> str:
    p = _define(problem, "problem")
    assert p is not None
    edits: list[tuple[int, int, str]] = []
    for sec in p.items[2:]:
        if not isinstance(sec, SList) or sec.head() in (":domain", ":requirements"):
            continue
        if sec.head() == ":objects":  # names, never the types after "-"
            items = sec.items[1:]
            after_dash = {i + 1 for i, a in enumerate(items) if isinstance(a, Atom) and a.text == "-"}
            edits += [(a.start, a.end, renames[a.low]) for i, a in enumerate(items)
                      if isinstance(a, Atom) and a.low in renames and i not in after_dash]
            continue
        for node in _walk(sec):  # arguments, never the head of an atom
            if isinstance(node, SList):
                edits += [(a.start, a.end, renames[a.low]) for a in node.items[1:]
                          if isinstance(a, Atom) and a.low in renames]
    notes.append("objects named like a predicate, action or type were renamed (plans use the problem's names): "
                 + ", ".join(f"{o} -> {n}" for o, n in renames.items()))
    return _edit(problem, edits)


def repair_problem(domain: str, problem: str, declare_undeclared: bool = True) -> tuple[str, list[str]]:
    """``domain`` is the repaired domain; the problem text the reader accepts, with notes.

    ``declare_undeclared=False`` for what a model wrote: an unknown object there is an error to
    repair (a typo, a missing declaration), not something to guess."""
    notes: list[str] = []
    problem = _reorder_problem(problem, notes)
    p = _define(problem, "problem")
    if p is None:
        return problem, notes
    renames = object_renames(domain, problem)
    if renames:
        problem = _rename_objects(problem, renames, notes)
        p = _define(problem, "problem")
        assert p is not None
    if _either_sets(p.items[2:]):
        raise TranslationError("problem PDDL uses (either ...) for an object's type; give each object one type",
                               symbol="either", part="problem")
    syms = domain_symbols(domain)
    objects = _section(p, ":objects")
    declared = set(syms.constants)
    if objects is not None:
        declared |= {n for names, _ in _typed_list(objects.items[1:]) for n in names}
    if objects is not None:
        problem, p, objects = _drop_redeclared_constants(problem, p, objects, syms, notes)
    parts = [s for s in p.items[2:] if isinstance(s, SList) and s.head() in (":init", ":goal")]
    new: dict[str, str] = {}
    for name, types in _uses(parts, syms).items():
        if name in declared:
            continue
        t = _infer(name, types, syms)
        if t is not None:
            new[name] = t
    if new and declare_undeclared:
        notes.append(
            "objects used in the problem but declared nowhere were declared: "
            + ", ".join(f"{n} - {t}" for n, t in new.items())
        )
        problem = _declare(problem, p, ":objects", [":domain", ":requirements"], new, syms.typing)
    return problem, notes
