"""Does a request's constraint admit a training target? Asked of llama.cpp's own grammar sampler.

A pair whose target the recorded grammar forbids teaches the adapter an answer that
constrained decoding can never produce (the planning 'none' bug was one). The check feeds
the target's tokens one by one through the same GBNF sampler the embedded model decodes
with, then asks whether end-of-generation is allowed, so it agrees with inference exactly.
Only the vocabulary of the embedded GGUF is loaded (no weights).
"""

from __future__ import annotations

import ctypes
import threading
from functools import lru_cache
from typing import Any

from nesy.errors import ConfigError
from nesy.llm.base import Constraint, LLMRequest, choices_grammar

__all__ = ["admits", "constraint_admits", "request_admits"]

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _vocab_model() -> Any:
    try:
        import llama_cpp
    except ImportError as e:  # pragma: no cover - depends on the install
        raise ConfigError("checking grammars needs llama-cpp-python") from e
    from train.base_model import base_gguf

    return llama_cpp.Llama(model_path=str(base_gguf()), vocab_only=True, verbose=False)


def _step_allowed(lc: Any, sampler: Any, token: int) -> bool:
    data = (lc.llama_token_data * 1)(lc.llama_token_data(token, 0.0, 0.0))
    arr = lc.llama_token_data_array(data=ctypes.cast(data, ctypes.POINTER(lc.llama_token_data)), size=1,
                                    selected=-1, sorted=False)
    lc.llama_sampler_apply(sampler, ctypes.byref(arr))
    return data[0].logit != float("-inf")


def admits(gbnf: str, text: str) -> bool:
    """Whether llama.cpp's sampler under ``gbnf`` can generate exactly ``text`` and stop."""
    import llama_cpp as lc

    llm = _vocab_model()
    vocab = llm._model.vocab
    tokens = llm.tokenize(text.encode(), add_bos=False, special=False)
    with _lock:
        sampler = lc.llama_sampler_init_grammar(vocab, gbnf.encode(), b"root")
        if not sampler:
            raise ConfigError("llama.cpp rejected the grammar: it does not parse")
        try:
            for t in tokens:
                if not _step_allowed(lc, sampler, t):
                    return False
                lc.llama_sampler_accept(sampler, t)
            return _step_allowed(lc, sampler, llm.token_eos())
        finally:
            lc.llama_sampler_free(sampler)


def constraint_admits(c: Constraint | None, text: str) -> bool:
    if c is None:
        return True
    if c.choices is not None:
        return admits(choices_grammar(c.choices), text)  # the grammar the embedded model decodes with
    if c.grammar is not None:
        return admits(c.grammar, text)
    if c.json_schema is not None:
        import llama_cpp

        return admits(llama_cpp.LlamaGrammar.from_json_schema(__import__("json").dumps(c.json_schema),
                                                              verbose=False)._grammar, text)
    raise ConfigError("cannot check a regex constraint: the embedded model decodes with grammars only")


def request_admits(request: LLMRequest | None, text: str) -> bool:
    """Whether the request's constraint admits ``text`` and neither a stop string nor
    ``max_tokens`` cuts it short."""
    if request is not None and any(s and s in text for s in (request.stop or ())):
        return False
    if request is not None and request.max_tokens and len(
            _vocab_model().tokenize(text.encode(), add_bos=False, special=False)) > request.max_tokens:
        return False
    return constraint_admits(request.constraint if request is not None else None, text)
