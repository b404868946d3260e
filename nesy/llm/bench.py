"""LLM-layer benchmark (not a test): ``python -m nesy.llm.bench``.

Prints prompt and generation tokens/s of the embedded model with and without a grammar,
and the HTTP client's throughput against a real llama.cpp server at several concurrencies.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from nesy.llm.base import Constraint, LLMRequest, Message
from nesy.llm.embedded import EmbeddedLLM, default_model_path
from nesy.llm.llama_server import free_port, start_llama_server, wait_http
from nesy.llm.openai_compat import OpenAICompatibleLLM

GRAMMAR = r'''root ::= fact (" " fact)*
fact ::= "(" pred " " obj ")" | "(on " obj " " obj ")"
pred ::= "clear" | "ontable" | "holding"
obj ::= "a" | "b" | "c" | "d"
'''
PROMPT = "Translate to PDDL facts: block a is on block b, block b is on the table, c is clear and the hand holds d."


def _request(constrained: bool, i: int = 0) -> LLMRequest:
    return LLMRequest(
        messages=(Message(role="user", content=f"{PROMPT} (case {i})"),),
        max_tokens=48,
        constraint=Constraint(grammar=GRAMMAR) if constrained else None,
    )


def bench_embedded(threads: int, reps: int) -> None:
    llm = EmbeddedLLM(threads=threads)
    lc = llm._llama_cpp
    for constrained in (False, True):
        p_tok = p_ms = g_tok = g_ms = 0.0
        for i in range(reps):
            lc.llama_perf_context_reset(llm._llm.ctx)
            llm._llm.reset()  # no prefix reuse: measure prompt processing honestly
            llm.generate_sync(_request(constrained, i))
            d = lc.llama_perf_context(llm._llm.ctx)
            p_tok += d.n_p_eval
            p_ms += d.t_p_eval_ms
            g_tok += d.n_eval
            g_ms += d.t_eval_ms
        label = "grammar" if constrained else "free   "
        print(
            f"embedded threads={threads} {label}: prompt {1000 * p_tok / max(p_ms, 1e-9):7.1f} tok/s, "
            f"generation {1000 * g_tok / max(g_ms, 1e-9):6.1f} tok/s ({int(g_tok)} tokens in {reps} calls)"
        )


async def bench_server(concurrencies: list[int], requests: int) -> None:
    port = free_port()
    proc = start_llama_server(default_model_path(), port)
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/v1/models", proc)
        for c in concurrencies:
            async with OpenAICompatibleLLM(f"http://127.0.0.1:{port}", concurrency=c) as llm:
                await llm.generate(_request(True))  # warm-up and discovery
                start = time.perf_counter()
                outs = await asyncio.gather(*(llm.generate(_request(True, i)) for i in range(requests)))
                secs = time.perf_counter() - start
            toks = sum(o.completion_tokens for o in outs)
            print(
                f"server concurrency={c:2d}: {requests / secs:5.2f} req/s, {toks / secs:6.1f} generated tok/s "
                f"({requests} grammar-constrained requests in {secs:.1f} s)"
            )
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--requests", type=int, default=16)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    args = ap.parse_args()
    for t in args.threads:
        bench_embedded(t, args.reps)
    asyncio.run(bench_server(args.concurrency, args.requests))


if __name__ == "__main__":
    main()
