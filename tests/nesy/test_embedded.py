"""The embedded llama.cpp model: constrained generation and prompt-prefix reuse."""

from __future__ import annotations

import json
import re

import pytest

from nesy.errors import LLMConstraintError
from nesy.llm import Constraint, LLMRequest, Message

GRAMMAR = r'''root ::= "(" pred " " obj ")"
pred ::= "clear" | "ontable" | "holding"
obj ::= "a" | "b" | "c"
'''


async def test_grammar_is_obeyed(embedded_llm) -> None:
    for text in ["Block a has nothing on it.", "Block c lies on the table.", "The hand holds b."]:
        out = await embedded_llm.chat([{"role": "user", "content": text}], grammar=GRAMMAR, max_tokens=12)
        assert re.fullmatch(r"\((clear|ontable|holding) [abc]\)", out.text), out.text


async def test_json_schema_and_choices(embedded_llm) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "boolean"}}, "required": ["answer"]}
    out = await embedded_llm.chat([{"role": "user", "content": "Is water wet? Answer in JSON."}], json_schema=schema, max_tokens=20)
    assert isinstance(json.loads(out.text)["answer"], bool)
    out = await embedded_llm.chat([{"role": "user", "content": "True or false?"}], choices=["True", "False"], max_tokens=3)
    assert out.text in ("True", "False")


async def test_prefix_reuse_evaluates_only_the_new_tokens(embedded_llm) -> None:
    """llama.cpp's own counters: the second call with the same long prefix evaluates far fewer tokens."""
    prefix = "You translate English sentences about blocks into PDDL facts. " * 15
    req = lambda q: LLMRequest(  # noqa: E731
        messages=(Message(role="system", content=prefix), Message(role="user", content=q)),
        max_tokens=8,
        constraint=Constraint(grammar=GRAMMAR),
    )
    await embedded_llm.generate(req("Unrelated warm-up that changes the cache."))
    await embedded_llm.generate(LLMRequest(prompt="Different prefix entirely.", max_tokens=2))
    first = await embedded_llm.generate(req("Block a is clear."))
    second = await embedded_llm.generate(req("Block b is on the table."))
    assert first.cached_prompt_tokens < 5, first
    assert second.prompt_tokens > 150
    assert second.cached_prompt_tokens >= second.prompt_tokens - 20, second


async def test_bad_grammar_is_a_constraint_error(embedded_llm) -> None:
    with pytest.raises(LLMConstraintError, match="rejected"):
        await embedded_llm.chat([{"role": "user", "content": "x"}], grammar="root ::= (unclosed", max_tokens=4)


async def test_regex_is_refused_clearly(embedded_llm) -> None:
    with pytest.raises(LLMConstraintError, match="regex"):
        await embedded_llm.generate(LLMRequest(prompt="x", constraint=Constraint(regex="[a-z]+")))
