"""Export a trained adapter for both inference paths.

* llama.cpp (the embedded default): a GGUF LoRA adapter, as llama.cpp's own
  ``convert_lora_to_gguf.py`` writes it: ``general.type=adapter``, ``adapter.type=lora``,
  ``adapter.lora.alpha``, and per base tensor ``<name>.lora_a`` ([rank, in]) and
  ``<name>.lora_b`` ([out, rank]) named after the base GGUF's tensors. llama.cpp stores
  Q and K rows permuted for its RoPE layout, so ``lora_b`` of q/k gets that permutation.
* vLLM: a PEFT directory (``adapter_config.json`` + ``adapter_model.safetensors``) for
  ``vllm serve MODEL --enable-lora --lora-modules nesy=DIR``.

A full fine-tune is exported the same way, as the best rank-r approximation (SVD) of each
weight's change, so both paths stay adapters on the unchanged base model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nesy.errors import ConfigError

__all__ = ["LoraWeights", "lora_from_peft", "lora_from_full", "write_gguf_lora", "write_peft_dir", "HF_BASE_ID"]

HF_BASE_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"

# HF module → llama.cpp tensor name inside blk.{i}
GGUF_NAMES = {
    "q_proj": "attn_q",
    "k_proj": "attn_k",
    "v_proj": "attn_v",
    "o_proj": "attn_output",
    "gate_proj": "ffn_gate",
    "up_proj": "ffn_up",
    "down_proj": "ffn_down",
}
_PARENT = {"q_proj": "self_attn", "k_proj": "self_attn", "v_proj": "self_attn", "o_proj": "self_attn",
           "gate_proj": "mlp", "up_proj": "mlp", "down_proj": "mlp"}


@dataclass
class LoraWeights:
    """W' = W + (alpha / rank) · B @ A for every (layer, module)."""

    a: dict[tuple[int, str], Any]  # [rank, in] fp32 tensors
    b: dict[tuple[int, str], Any]  # [out, rank]
    rank: int
    alpha: float
    n_head: int
    n_head_kv: int

    @property
    def modules(self) -> list[str]:
        return sorted({m for _, m in self.a}, key=list(GGUF_NAMES).index)


def _heads(config: Any) -> tuple[int, int]:
    return int(config.num_attention_heads), int(getattr(config, "num_key_value_heads", config.num_attention_heads))


def lora_from_peft(model: Any) -> LoraWeights:
    """Collect A and B from a PeftModel (LoRA, one adapter named 'default')."""
    cfg = model.peft_config["default"]
    a: dict[tuple[int, str], Any] = {}
    b: dict[tuple[int, str], Any] = {}
    for name, module in model.named_modules():
        if not hasattr(module, "lora_A") or "default" not in getattr(module, "lora_A", {}):
            continue
        parts = name.split(".")
        layer = int(parts[parts.index("layers") + 1])
        a[(layer, parts[-1])] = module.lora_A["default"].weight.detach().float().clone()
        b[(layer, parts[-1])] = module.lora_B["default"].weight.detach().float().clone()
    if not a:
        raise ConfigError("the model has no LoRA layers to export")
    n_head, n_kv = _heads(model.config)
    return LoraWeights(a, b, int(cfg.r), float(cfg.lora_alpha), n_head, n_kv)


def lora_from_full(base: Any, tuned: Any, rank: int) -> LoraWeights:
    """Rank-``rank`` SVD of (tuned − base) for every projection: B = U·S, A = Vᵀ, alpha = rank."""
    import torch

    base_sd = base.state_dict()
    a: dict[tuple[int, str], Any] = {}
    b: dict[tuple[int, str], Any] = {}
    for name, w in tuned.state_dict().items():
        parts = name.split(".")
        if "layers" not in parts or len(parts) < 2 or parts[-2] not in GGUF_NAMES or parts[-1] != "weight":
            continue
        delta = (w.float() - base_sd[name].float()).double()
        u, s, vh = torch.linalg.svd(delta, full_matrices=False)
        layer = int(parts[parts.index("layers") + 1])
        b[(layer, parts[-2])] = (u[:, :rank] * s[:rank]).float().contiguous()
        a[(layer, parts[-2])] = vh[:rank].float().contiguous()
    n_head, n_kv = _heads(tuned.config)
    return LoraWeights(a, b, rank, float(rank), n_head, n_kv)


def _permute_rows(w: Any, n_head: int) -> Any:
    """llama.cpp's convert_hf_to_gguf ``permute`` on the output rows (for Q and K)."""
    out = w.shape[0]
    return w.reshape(n_head, 2, out // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_gguf_lora(lw: LoraWeights, path: Path, base_gguf: Path, *, dtype: str = "f16", name: str = "nesy") -> Path:
    """Write ``lw`` as a llama.cpp LoRA adapter; tensor names and shapes checked against ``base_gguf``."""
    import gguf
    import numpy as np

    reader = gguf.GGUFReader(str(base_gguf))
    base_shapes = {t.name: tuple(int(x) for x in t.shape) for t in reader.tensors}  # ggml order: (in, out)
    arch = reader.fields["general.architecture"].contents()
    np_dtype = {"f16": np.float16, "f32": np.float32}[dtype]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    writer = gguf.GGUFWriter(str(tmp), arch)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(lw.alpha))
    writer.add_name(name)
    for layer, module in sorted(lw.a, key=lambda k: (k[0], list(GGUF_NAMES).index(k[1]))):
        tname = f"blk.{layer}.{GGUF_NAMES[module]}.weight"
        if tname not in base_shapes:
            raise ConfigError(f"base model {base_gguf.name} has no tensor {tname}")
        a = lw.a[(layer, module)]
        b = lw.b[(layer, module)]
        if module == "q_proj":
            b = _permute_rows(b, lw.n_head)
        elif module == "k_proj":
            b = _permute_rows(b, lw.n_head_kv)
        if base_shapes[tname] != (a.shape[1], b.shape[0]):
            raise ConfigError(f"{tname}: adapter {tuple(b.shape)}x{tuple(a.shape)} does not fit base {base_shapes[tname]}")
        writer.add_tensor(tname + ".lora_a", a.numpy().astype(np_dtype))
        writer.add_tensor(tname + ".lora_b", b.numpy().astype(np_dtype))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)
    return path


def write_peft_dir(lw: LoraWeights, out: Path, *, base_model: str = HF_BASE_ID, dtype: str = "f16") -> Path:
    """A PEFT LoRA directory that ``vllm serve --enable-lora --lora-modules`` and PEFT load."""
    import torch
    from safetensors.torch import save_file

    tdtype = {"f16": torch.float16, "f32": torch.float32}[dtype]
    out.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for (layer, module), a in sorted(lw.a.items()):
        key = f"base_model.model.model.layers.{layer}.{_PARENT[module]}.{module}"
        tensors[f"{key}.lora_A.weight"] = a.to(tdtype).contiguous()
        tensors[f"{key}.lora_B.weight"] = lw.b[(layer, module)].to(tdtype).contiguous()
    save_file(tensors, str(out / "adapter_model.safetensors"), metadata={"format": "pt"})
    config = {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": base_model,
        "r": lw.rank,
        "lora_alpha": lw.alpha,
        "lora_dropout": 0.0,
        "target_modules": lw.modules,
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "modules_to_save": None,
        "use_rslora": False,
        "use_dora": False,
    }
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    return out
