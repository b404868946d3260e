"""What every input language compiles to: named premises and goals as Z3 terms."""

from __future__ import annotations

from dataclasses import dataclass, field

import z3

__all__ = ["Premise", "Encoded"]


@dataclass(frozen=True)
class Premise:
    name: str
    expr: z3.BoolRef
    text: str  # what verbalization quotes: the sentence (gloss) or else the formula
    formal: str = ""


@dataclass
class Encoded:
    ctx: z3.Context
    premises: list[Premise]
    conclusion: z3.BoolRef | None
    options: dict[str, z3.BoolRef]
    language: str  # "fol" | "csp" | "smtlib"
    goal_texts: dict[str, str] = field(default_factory=dict)
    background: list[z3.BoolRef] = field(default_factory=list)  # untracked axioms, e.g. variable domains
