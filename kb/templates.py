"""Natural-language question templates, several paraphrases per query structure.

Slots ``{r1}``… are relation phrases (``location_of`` → "location of"), ``{s1}``… entity
names in readable form. Each atom r(x, y) reads "x r y", which suits relation names
such as UMLS's ``affects``/``part_of`` and is still understandable for opaque ones.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from kb.store import readable

__all__ = ["TEMPLATES", "render_question"]

TEMPLATES: dict[str, tuple[str, ...]] = {
    "1p": (
        "What does {s1} {r1}?",
        "Which entities are {r1}-linked from {s1}?",
        "List every x such that {s1} {r1} x.",
    ),
    "2p": (
        "What does something that {s1} {r1} {r2}?",
        "Which entities are reached from {s1} by {r1} and then {r2}?",
        "Find x such that {s1} {r1} some y and y {r2} x.",
    ),
    "3p": (
        "What is reached from {s1} by {r1}, then {r2}, then {r3}?",
        "Find x such that {s1} {r1} some y, y {r2} some z, and z {r3} x.",
        "Follow {r1} from {s1}, then {r2}, then {r3}: which entities do you reach?",
    ),
    "2i": (
        "What do both {s1} {r1} and {s2} {r2}?",
        "Which entities are such that {s1} {r1} them and {s2} {r2} them?",
        "Find x such that {s1} {r1} x and {s2} {r2} x.",
    ),
    "3i": (
        "What do {s1} {r1}, {s2} {r2} and {s3} {r3}?",
        "Which entities are such that {s1} {r1} them, {s2} {r2} them and {s3} {r3} them?",
        "Find x such that {s1} {r1} x, {s2} {r2} x and {s3} {r3} x.",
    ),
    "pi": (
        "What does something that {s1} {r1} {r2}, that {s2} also {r3}?",
        "Find x such that {s1} {r1} some y, y {r2} x, and {s2} {r3} x.",
        "Which entities are reached from {s1} by {r1} then {r2}, and also {r3}-linked from {s2}?",
    ),
    "ip": (
        "What does something that both {s1} {r1} and {s2} {r2} {r3}?",
        "Find x such that {s1} {r1} some y, {s2} {r2} y, and y {r3} x.",
        "Take what {s1} {r1} and {s2} {r2}; what does it {r3}?",
    ),
    "2u": (
        "What does {s1} {r1} or {s2} {r2}?",
        "Find x such that {s1} {r1} x or {s2} {r2} x.",
        "Which entities are {r1}-linked from {s1}, or {r2}-linked from {s2}?",
    ),
    "up": (
        "What does something that {s1} {r1} or {s2} {r2} {r3}?",
        "Find x such that some y has ({s1} {r1} y or {s2} {r2} y) and y {r3} x.",
        "Take what {s1} {r1} or what {s2} {r2}; what does it {r3}?",
    ),
    "2in": (
        "What does {s1} {r1} but {s2} does not {r2}?",
        "Find x such that {s1} {r1} x and not {s2} {r2} x.",
        "Which entities are {r1}-linked from {s1} but not {r2}-linked from {s2}?",
    ),
    "3in": (
        "What do {s1} {r1} and {s2} {r2}, but {s3} does not {r3}?",
        "Find x such that {s1} {r1} x, {s2} {r2} x, and not {s3} {r3} x.",
        "Which entities are {r1}-linked from {s1} and {r2}-linked from {s2} but not {r3}-linked from {s3}?",
    ),
    "inp": (
        "What does something that {s1} {r1} but {s2} does not {r2} {r3}?",
        "Find x such that {s1} {r1} some y, not {s2} {r2} y, and y {r3} x.",
        "Take what {s1} {r1} but {s2} does not {r2}; what does it {r3}?",
    ),
    "pin": (
        "What does something that {s1} {r1} {r2}, that {s2} does not {r3}?",
        "Find x such that {s1} {r1} some y, y {r2} x, and not {s2} {r3} x.",
        "Which entities are reached from {s1} by {r1} then {r2} but not {r3}-linked from {s2}?",
    ),
    "pni": (
        "What does {s2} {r3} that something {s1} {r1} does not {r2}?",
        "Find x such that {s1} {r1} some y, not y {r2} x, and {s2} {r3} x.",
        "Which entities does {s2} {r3} that are not {r2}-linked from some y that {s1} {r1}?",
    ),
    "2il": (
        "What does {s1} {r1} that something {r2}?",
        "Find x such that {s1} {r1} x and some y {r2} x.",
        "Which entities are {r1}-linked from {s1} and {r2}-linked from anything?",
    ),
    "3il": (
        "What do {s1} {r1} and {s2} {r2}, that something {r3}?",
        "Find x such that {s1} {r1} x, {s2} {r2} x and some y {r3} x.",
        "Which entities are {r1}-linked from {s1}, {r2}-linked from {s2}, and {r3}-linked from anything?",
    ),
    "2m": (
        "What does something that {s1} {r1} both {r2} and {r3}?",
        "Find x such that {s1} {r1} some y, y {r2} x and y {r3} x.",
        "Take what {s1} {r1}; what does it {r2} and also {r3}?",
    ),
    "2nm": (
        "What does something that {s1} {r1} {r2} but not {r3}?",
        "Find x such that {s1} {r1} some y, y {r2} x and not y {r3} x.",
        "Take what {s1} {r1}; what does it {r2} without {r3}?",
    ),
    "3mp": (
        "What is reached from {s1} by {r1}, then by both {r2} and {r3}, then {r4}?",
        "Find x such that {s1} {r1} y, y {r2} z, y {r3} z, and z {r4} x.",
        "Follow {r1} from {s1}, then a step that is both {r2} and {r3}, then {r4}: what do you reach?",
    ),
    "3pm": (
        "What is reached from {s1} by {r1}, then {r2}, then by both {r3} and {r4}?",
        "Find x such that {s1} {r1} y, y {r2} z, z {r3} x and z {r4} x.",
        "Follow {r1} from {s1}, then {r2}, then a step that is both {r3} and {r4}: what do you reach?",
    ),
    "im": (
        "What does something that both {s1} {r1} and {s2} {r2} both {r3} and {r4}?",
        "Find x such that {s1} {r1} y, {s2} {r2} y, y {r3} x and y {r4} x.",
        "Take what {s1} {r1} and {s2} {r2}; what does it {r3} and also {r4}?",
    ),
    "3c": (
        "Find x such that {s1} {r1} y, y {r2} x, {s2} {r3} z, z {r4} x, and y {r5} z.",
        "What is {r2}-linked from something {s1} {r1} and {r4}-linked from something {s2} {r3}, where the first {r5} the second?",
        "Which entities does some y that {s1} {r1} {r2}, and some z that {s2} {r3} {r4}, with y {r5} z?",
    ),
    "3cm": (
        "Find x such that {s1} {r1} y, y {r2} x, y {r6} x, {s2} {r3} z, z {r4} x, and y {r5} z.",
        "What is {r2}- and {r6}-linked from something {s1} {r1}, and {r4}-linked from something {s2} {r3}, where the first {r5} the second?",
        "Which entities does some y that {s1} {r1} both {r2} and {r6}, and some z that {s2} {r3} {r4}, with y {r5} z?",
    ),
}


def render_question(structure: str, grounding: Mapping[str, str], rng: random.Random) -> str:
    """A random paraphrase of the structure with relation and entity names filled in."""
    template = rng.choice(TEMPLATES[structure])
    return template.format(**{k: readable(v) for k, v in grounding.items()})
