"""The CPU fine-tuning loop: LoRA (default) or full, deterministic in the seed.

Determinism is what lets the shipped adapter be reproduced bit for bit: a fixed seed for
every RNG (LoRA init, shuffling), deterministic torch kernels, and a fixed thread count
(CPU reductions may split differently with another count).
"""

from __future__ import annotations

import math
import random
from pathlib import Path
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nesy.errors import ConfigError
from train.data import IGNORE, Encoded, batches, encode
from train.pairs import Pair

__all__ = ["TrainConfig", "TrainResult", "LORA_TARGETS", "train"]

# Every linear map in the blocks; embeddings (tied with the LM head) stay frozen.
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")

ProgressFn = Callable[[int, int, float], None]  # step, total steps, loss


class TrainConfig(BaseModel):
    model_config = ConfigDict(frozen=True)
    method: Literal["lora", "full"] = "lora"
    rank: int = Field(16, ge=1, description="LoRA rank (also the rank a full fine-tune is exported at)")
    alpha: float = 32.0
    dropout: float = 0.0
    lr: float | None = None  # default: 1e-3 for LoRA, 5e-5 for full
    epochs: float = Field(1.0, gt=0)
    batch_size: int = Field(8, ge=1)
    max_len: int = Field(512, ge=16)
    warmup: float = 0.05  # share of steps
    weight_decay: float = 0.0
    seed: int = 0
    threads: int = Field(1, ge=1)  # 2 on a quiet 2-core machine: 7.8 s/step vs 13.6 with 1; 1 when shared
    # bf16 autocast: ~2x faster matmuls where the CPU has bf16 instructions, fp32 master weights;
    # emulated elsewhere, and then ~8x *slower* (measured: 90 vs 11 s/step on an AVX2-only EPYC).
    bf16: bool = True
    max_steps: int | None = None
    device: str = "cpu"  # "cpu" or "cuda"; bit-for-bit only on the same device, software and threads

    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else (1e-3 if self.method == "lora" else 5e-5)


@dataclass
class TrainResult:
    model: Any  # the trained model (a PeftModel for LoRA)
    config: TrainConfig
    steps: int
    losses: list[float]
    seconds: float
    tokens: int
    pairs: int
    meta: dict[str, Any] = field(default_factory=dict)

    def first_last_loss(self, window: int = 5) -> tuple[float, float]:
        w = max(1, min(window, len(self.losses) // 2 or 1))
        return sum(self.losses[:w]) / w, sum(self.losses[-w:]) / w


def native_bf16() -> bool:
    """Whether this CPU computes bf16 in hardware (AVX512-BF16 or AMX); Linux flags, else False."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(f in flags.split() for f in ("avx512_bf16", "amx_bf16"))


def _seed_everything(seed: int, threads: int) -> None:
    import os

    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def _prepare(model: Any, cfg: TrainConfig) -> Any:
    if cfg.method == "full":
        for p in model.parameters():
            p.requires_grad_(True)
        return model
    from peft import LoraConfig, get_peft_model

    lcfg = LoraConfig(
        r=cfg.rank,
        lora_alpha=cfg.alpha,
        lora_dropout=cfg.dropout,
        target_modules=list(LORA_TARGETS),
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lcfg)


def _target_loss(model: Any, batch: dict[str, Any]) -> Any:
    """Mean next-token loss on the target tokens, projecting to the vocabulary only there.

    Prompts are ~90% of every pair; skipping the 49k-way LM head on them saves about a
    fifth of the compute of a step.
    """
    import torch

    causal = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = causal.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
    labels = batch["labels"][:, 1:]
    keep = labels != IGNORE
    logits = causal.lm_head(hidden[:, :-1][keep]).float()
    return torch.nn.functional.cross_entropy(logits, labels[keep])


def train(
    model: Any,
    tokenizer: Any,
    pairs: Sequence[Pair],
    cfg: TrainConfig,
    progress: ProgressFn | None = None,
) -> TrainResult:
    """Fine-tune ``model`` on ``pairs``; the loss covers the target tokens only."""
    import torch

    if not pairs:
        raise ConfigError("no training pairs")
    _seed_everything(cfg.seed, cfg.threads)
    encoded: list[Encoded] = [encode(tokenizer, p, cfg.max_len) for p in pairs]
    model = _prepare(model.to(cfg.device), cfg)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.learning_rate(), weight_decay=cfg.weight_decay)
    per_epoch = math.ceil(len(encoded) / cfg.batch_size)
    total = max(1, math.ceil(per_epoch * cfg.epochs))
    # max_steps cuts the run short without changing the schedule, so a smoke run's first steps are
    # exactly the first steps of the full run (the shipped-adapter test checks them)
    stop = total if cfg.max_steps is None else min(total, cfg.max_steps)
    warm = max(1, int(total * cfg.warmup))
    # linear warmup, then cosine decay to 10% of the peak
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: (s + 1) / warm if s < warm else 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, total - warm))),
    )
    use_bf16 = cfg.bf16 and (cfg.device != "cpu" or native_bf16())
    rng = random.Random(cfg.seed)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    losses: list[float] = []
    n_tokens = 0
    step = 0
    start = time.perf_counter()
    while step < stop:
        for batch in batches(encoded, cfg.batch_size, rng, pad):
            if step >= stop:
                break
            batch = {k: v.to(cfg.device) for k, v in batch.items()}
            with torch.autocast(cfg.device.split(":")[0], dtype=torch.bfloat16, enabled=use_bf16):
                loss = _target_loss(model, batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            losses.append(float(loss.detach()))
            n_tokens += int(batch["attention_mask"].sum())
            step += 1
            if progress is not None:
                progress(step, stop, losses[-1])
    model.eval()
    model.to("cpu")
    return TrainResult(
        model=model,
        config=cfg,
        steps=step,
        losses=losses,
        seconds=time.perf_counter() - start,
        tokens=n_tokens,
        pairs=len(pairs),
        meta={"bf16": use_bf16},
    )
