"""A small GBNF reader and random-derivation sampler, to check that what a grammar admits
also parses with our lark grammars. It reads the subset our generated grammars use:
rules ``name ::= ...``, literals, character classes, groups, ``|``, ``?``, ``*``, ``+``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

Node = tuple  # ("lit", s) | ("cls", chars, negated) | ("ref", name) | ("seq", [..]) | ("alt", [..]) | ("rep", node, lo, hi)


@dataclass
class Grammar:
    rules: dict[str, Node]


_TOKEN = re.compile(r'\s*(?:(?P<lit>"(?:\\.|[^"\\])*")|(?P<cls>\[(?:\\.|[^\]\\])*\])|(?P<name>[a-zA-Z][a-zA-Z0-9_-]*)|(?P<op>[()|?*+]))')


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def _class_chars(body: str) -> tuple[list[str], bool]:
    neg = body.startswith("^")
    body = _unescape(body[1:] if neg else body)
    chars: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            chars.extend(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            chars.append(body[i])
            i += 1
    return chars, neg


def parse_gbnf(text: str) -> Grammar:
    rules: dict[str, Node] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, body = line.partition("::=")
        toks = [(m.lastgroup, m.group(m.lastgroup)) for m in _TOKEN.finditer(body) if m.lastgroup]
        node, rest = _alt(toks)
        assert not rest, f"unparsed GBNF tail in {line!r}: {rest}"
        rules[name.strip()] = node
    return Grammar(rules)


def _alt(toks: list) -> tuple[Node, list]:
    seqs = []
    seq, toks = _seq(toks)
    seqs.append(seq)
    while toks and toks[0] == ("op", "|"):
        seq, toks = _seq(toks[1:])
        seqs.append(seq)
    return ("alt", seqs), toks


def _seq(toks: list) -> tuple[Node, list]:
    items = []
    while toks and toks[0] not in (("op", "|"), ("op", ")")):
        kind, val = toks[0]
        toks = toks[1:]
        if kind == "lit":
            node: Node = ("lit", _unescape(val[1:-1]))
        elif kind == "cls":
            chars, neg = _class_chars(val[1:-1])
            node = ("cls", chars, neg)
        elif kind == "name":
            node = ("ref", val)
        elif val == "(":
            node, toks = _alt(toks)
            assert toks and toks[0] == ("op", ")")
            toks = toks[1:]
        else:
            raise AssertionError(f"unexpected {val!r}")
        while toks and toks[0] in (("op", "?"), ("op", "*"), ("op", "+")):
            op = toks[0][1]
            node = ("rep", node, 1 if op == "+" else 0, 1 if op == "?" else 3)
            toks = toks[1:]
        items.append(node)
    return ("seq", items), toks


_PRINTABLE = [chr(c) for c in range(32, 127)]


def sample(g: Grammar, rng: random.Random, start: str = "root", max_depth: int = 12) -> str:
    out: list[str] = []

    def go(node: Node, depth: int) -> None:
        kind = node[0]
        if kind == "lit":
            out.append(node[1])
        elif kind == "cls":
            chars, neg = node[1], node[2]
            pool = [c for c in _PRINTABLE if c not in chars] if neg else chars
            out.append(rng.choice(pool))
        elif kind == "ref":
            go(g.rules[node[1]], depth + 1)
        elif kind == "seq":
            for n in node[1]:
                go(n, depth)
        elif kind == "alt":
            options = node[1]
            if depth > max_depth:  # deep: take the alternative with the shortest derivation
                options = [min(options, key=lambda n: _height(g, n, heights))]
            go(rng.choice(options), depth)
        elif kind == "rep":
            lo, hi = node[2], node[3]
            n = lo if depth > max_depth else rng.randint(lo, hi)
            for _ in range(n):
                go(node[1], depth)

    heights = _heights(g)
    go(g.rules[start], 0)
    return "".join(out)


INF = 10**9


def _height(g: Grammar, node: Node, heights: dict[str, int]) -> int:
    """Shortest derivation depth of ``node`` given the rules' current heights."""
    kind = node[0]
    if kind in ("lit", "cls"):
        return 0
    if kind == "ref":
        h = heights.get(node[1], INF)
        return INF if h >= INF else h + 1
    if kind == "seq":
        return max((_height(g, n, heights) for n in node[1]), default=0)
    if kind == "alt":
        return min(_height(g, n, heights) for n in node[1])
    if kind == "rep":
        return 0 if node[2] == 0 else _height(g, node[1], heights)
    raise AssertionError(kind)


def _heights(g: Grammar) -> dict[str, int]:
    heights = {name: INF for name in g.rules}
    changed = True
    while changed:
        changed = False
        for name, node in g.rules.items():
            h = _height(g, node, heights)
            if h < heights[name]:
                heights[name] = h
                changed = True
    return heights
