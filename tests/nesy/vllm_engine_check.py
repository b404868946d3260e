"""Run inside the vLLM venv by test_vllm_engine.py: VLLMEngine with a grammar, in-process."""

import asyncio, re, sys
from nesy.errors import LLMError
from nesy.llm.base import Message
from nesy.llm.vllm_engine import VLLMEngine

async def main(eng):
    out = await eng.chat([{"role": "user", "content": "Block c is on block b."}],
                         grammar='root ::= "(on " [abc] " " [abc] ")"', max_tokens=12)
    print("RESULT", repr(out.text), out.prompt_tokens, out.completion_tokens)
    assert re.fullmatch(r"\(on [abc] [abc]\)", out.text)
    q = (Message(role="system", content="Answer with one word."),
         Message(role="user", content="What is the capital of France?"))
    scores = await eng.score(q, ["Paris", "London", "Banana"])
    print("SCORES", [(s.text, round(s.logprob, 3), s.tokens) for s in scores])
    assert [s.text for s in sorted(scores, key=lambda s: -s.logprob)] == ["Paris", "London", "Banana"]

if __name__ == "__main__":
    eng = VLLMEngine(sys.argv[1], enforce_eager=True, max_model_len=2048, dtype="bfloat16")
    try:
        asyncio.run(main(eng))
    finally:
        asyncio.run(eng.aclose())
    try:
        asyncio.run(eng.chat([{"role": "user", "content": "Hello"}], max_tokens=2))
    except LLMError as e:
        print("CLOSED", e, flush=True)
