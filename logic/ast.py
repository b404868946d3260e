"""Syntax tree of the first-order language. Every node keeps the line/column of its source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "Pos", "Term", "Atom", "Eq", "BoolConst", "Not", "And", "Or", "Implies", "Iff", "Xor",
    "Quant", "Formula", "Statement", "Program", "DEFAULT_SORT",
]

DEFAULT_SORT = "Thing"


@dataclass(frozen=True)
class Pos:
    line: int
    col: int


@dataclass(frozen=True)
class Term:
    name: str
    pos: Pos


@dataclass(frozen=True)
class Atom:
    pred: str
    args: tuple[Term, ...]
    pos: Pos


@dataclass(frozen=True)
class Eq:
    left: Term
    right: Term
    negated: bool
    pos: Pos


@dataclass(frozen=True)
class BoolConst:
    value: bool


@dataclass(frozen=True)
class Not:
    arg: "Formula"


@dataclass(frozen=True)
class And:
    args: tuple["Formula", ...]


@dataclass(frozen=True)
class Or:
    args: tuple["Formula", ...]


@dataclass(frozen=True)
class Implies:
    left: "Formula"
    right: "Formula"


@dataclass(frozen=True)
class Iff:
    left: "Formula"
    right: "Formula"


@dataclass(frozen=True)
class Xor:
    left: "Formula"
    right: "Formula"


@dataclass(frozen=True)
class Quant:
    kind: str  # "forall" | "exists"
    binders: tuple[tuple[str, str], ...]  # (variable, sort)
    body: "Formula"
    pos: Pos


Formula = Union[Atom, Eq, BoolConst, Not, And, Or, Implies, Iff, Xor, Quant]


@dataclass(frozen=True)
class Statement:
    """A premise, the conclusion or an option: the formula, its source and its gloss."""

    name: str
    formula: Formula
    text: str  # the formula as written
    gloss: str  # the trailing comment: usually the sentence it translates
    line: int


@dataclass
class Program:
    sorts: dict[str, Pos] = field(default_factory=dict)
    consts: dict[str, tuple[str, Pos]] = field(default_factory=dict)  # name -> (sort, where)
    preds: dict[str, tuple[tuple[str, ...], Pos]] = field(default_factory=dict)  # name -> (arg sorts, where)
    premises: list[Statement] = field(default_factory=list)
    conclusion: Statement | None = None
    options: dict[str, Statement] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def goals(self) -> list[Statement]:
        return ([self.conclusion] if self.conclusion else []) + list(self.options.values())
