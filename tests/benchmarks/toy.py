"""A tiny arithmetic backend, suite and LLM for *plumbing* tests of the runner.

Resume, caching, atomic output and reports do not depend on what is being solved; these
tests use this toy so they run in seconds. The real formalisms and the real SmolLM2 are
exercised end to end in test_quick_e2e.py and test_vllm.py.
"""

from __future__ import annotations

import asyncio
import re

from nesy.backend import Context, Registry, load_backends
from nesy.errors import TranslationError, UnknownResourceError
from nesy.llm.base import BaseLLM, Completion, Constraint, LLMRequest, Message
from nesy.suite import Item, Suite
from nesy.steps import Engine, Step
from nesy.types import Formalization, Gold, Problem, Solution, Status, Trace, TranslateOptions

_SUM = re.compile(r"^\s*(\d+)\s*\+\s*(\d+)\s*$")


class ArithBackend:
    """Problems "What is A plus B?"; formal language "A+B"; answer the sum. Registered as "logic"
    only because Problem.kind admits the three real formalisms."""

    name = "logic"

    def available(self) -> tuple[bool, str]:
        return True, ""

    def detect(self, problem: Problem) -> float:
        return 1.0

    def context(self, problem: Problem) -> Context:
        if "unknown" in problem.text:  # stands for an item naming a domain / KB that does not exist
            raise UnknownResourceError(f"no such thing in {problem.text!r}")
        return Context(kind="logic", problem=problem)

    def grammar(self, ctx: Context) -> str:
        return 'root ::= [0-9]+ "+" [0-9]+\n'

    def parse(self, text: str, ctx: Context) -> Formalization:
        m = _SUM.match(text)
        if not m:
            raise TranslationError(f"expected A+B, got {text!r}", line=1, col=1)
        return Formalization(kind="logic", text=text.strip(), parsed=(int(m[1]), int(m[2])), language="arith")

    async def translate(self, ctx: Context, llm: BaseLLM, options: TranslateOptions, trace: Trace) -> Formalization:
        msgs = (
            Message(role="system", content="Write the sum the question asks for as A+B, nothing else."),
            Message(role="user", content=ctx.problem.text),
        )
        engine = Engine(llm, options, trace)
        got = await engine.run(Step("toy.sum", msgs, lambda t: self.parse(t, ctx),
                                    constraint=Constraint(grammar=self.grammar(ctx)), max_tokens=12,
                                    label="translate"))
        return got.value.model_copy(update={"repairs": engine.repairs})

    def solve(self, f: Formalization, ctx: Context, *, timeout: float) -> Solution:
        a, b = f.parsed
        if a == 999:
            raise RuntimeError("backend bug")  # stands for a crash inside a solver wrapper
        return Solution(status=Status.SOLVED, answer=a + b, backend="logic", engine="arith")

    def verbalize(self, s: Solution, ctx: Context) -> str:
        return f"The sum is {s.answer}."

    def score(self, f: Formalization | None, s: Solution | None, gold: Gold, ctx: Context) -> dict[str, float]:
        return {"accuracy": float(s is not None and s.answer == gold.answer)}


def toy_registry() -> Registry:
    """Picklable registry factory: solver processes call it to build their own backend."""
    return load_backends(only=[], extra={"logic": ArithBackend()})


def toy_suite(n: int = 12) -> Suite:
    items = []
    for i in range(n):
        a, b = i + 1, 2 * i + 3
        split = "seen" if i % 3 else "held_out"
        sig = f"add/{'big' if b >= 10 else 'small'}" + ("" if split == "seen" else "/h")
        items.append(
            Item(
                id=f"toy-{i:03d}",
                problem=Problem(text=f"What is {a} plus {b}?", kind="logic"),
                gold=Gold(answer=a + b),
                signature=sig,
                split=split,
            )
        )
    return Suite(name="toy", kind="logic", items=items, seen=["add/small", "add/big"], held_out=["add/small/h", "add/big/h"])


class ToyLLM(BaseLLM):
    """Reads the two numbers off the question; every third item it gets wrong ("A-B") first,
    so the repair loop runs; optional delay to make runs slow enough to interrupt."""

    name = "toy-llm"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0

    async def generate(self, request: LLMRequest) -> Completion:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        assert request.messages is not None
        question = request.messages[1].content
        a, b = re.findall(r"\d+", question)[:2]
        repairing = len(request.messages) > 2
        text = f"{a}-{b}" if int(a) % 3 == 0 and not repairing else f"{a}+{b}"
        return Completion(texts=[text], model="toy", prompt_tokens=10, completion_tokens=3)
