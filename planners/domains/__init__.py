"""Bundled PDDL domains with the little knowledge the linter and verbalizer use.

``exclusive`` rules name fact pairs that cannot hold together; ``unique`` rules name
argument positions that determine the rest (a block sits on one thing only). Both are
facts about the domain a human would state; they let the linter reject contradictory
translations before a planner wastes time on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nesy.errors import UnknownResourceError

__all__ = ["BundledDomain", "DOMAINS", "bundled_domain", "Exclusive", "Unique"]

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Unique:
    """For ``predicate``, the argument at ``key`` determines the argument at ``value``."""

    predicate: str
    key: int
    value: int


@dataclass(frozen=True)
class Exclusive:
    """``a`` and ``b`` facts cannot both hold when a[pos_a] == b[pos_b] (None: always)."""

    a: str
    pos_a: int | None
    b: str
    pos_b: int | None
    why: str


@dataclass(frozen=True)
class BundledDomain:
    name: str
    file: str
    # action name -> sentence template over its parameter names (without "?")
    templates: dict[str, str] = field(default_factory=dict)
    unique: tuple[Unique, ...] = ()
    exclusive: tuple[Exclusive, ...] = ()

    @property
    def pddl(self) -> str:
        return (_HERE / self.file).read_text()


DOMAINS: dict[str, BundledDomain] = {
    "blocksworld": BundledDomain(
        "blocksworld",
        "blocksworld.pddl",
        templates={
            "pick-up": "Pick up block {x} from the table.",
            "put-down": "Put block {x} down on the table.",
            "stack": "Stack block {x} on top of block {y}.",
            "unstack": "Unstack block {x} from block {y}.",
        },
        unique=(Unique("on", 0, 1), Unique("on", 1, 0)),
        exclusive=(
            Exclusive("ontable", 0, "on", 0, "a block on the table is not on another block"),
            Exclusive("clear", 0, "on", 1, "a block with another block on it is not clear"),
            Exclusive("holding", 0, "on", 0, "a held block is not on another block"),
            Exclusive("holding", 0, "ontable", 0, "a held block is not on the table"),
            Exclusive("holding", None, "handempty", None, "the hand cannot be empty while holding a block"),
            Exclusive("holding", 0, "on", 1, "a held block has nothing on it"),
        ),
    ),
    "gripper": BundledDomain(
        "gripper",
        "gripper.pddl",
        templates={
            "move": "Move the robot from room {from} to room {to}.",
            "pick": "Pick up ball {b} in room {r} with the {g} gripper.",
            "drop": "Drop ball {b} in room {r} from the {g} gripper.",
        },
        unique=(Unique("at", 0, 1), Unique("carry", 0, 1), Unique("carry", 1, 0)),
        exclusive=(
            Exclusive("at", 0, "carry", 0, "a carried ball is not in a room"),
            Exclusive("free", 0, "carry", 1, "a gripper that carries a ball is not free"),
        ),
    ),
    "logistics": BundledDomain(
        "logistics",
        "logistics.pddl",
        templates={
            "load-truck": "Load package {pkg} into truck {truck} at {loc}.",
            "load-airplane": "Load package {pkg} into airplane {airplane} at {loc}.",
            "unload-truck": "Unload package {pkg} from truck {truck} at {loc}.",
            "unload-airplane": "Unload package {pkg} from airplane {airplane} at {loc}.",
            "drive-truck": "Drive truck {truck} from {from} to {to} in city {city}.",
            "fly-airplane": "Fly airplane {airplane} from {from} to {to}.",
        },
        unique=(Unique("at", 0, 1), Unique("in", 0, 1), Unique("in-city", 0, 1)),
        exclusive=(Exclusive("at", 0, "in", 0, "a package inside a vehicle is not at a place"),),
    ),
}


def bundled_domain(name: str) -> BundledDomain:
    try:
        return DOMAINS[name.lower()]
    except KeyError:
        raise UnknownResourceError(
            f"unknown planning domain {name!r}; bundled: {', '.join(sorted(DOMAINS))} "
            "(or pass the domain PDDL text as context['domain_pddl'])",
            resource="domain",
        ) from None
