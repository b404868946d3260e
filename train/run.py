"""One training run end to end: pairs → fine-tune → both exports → a manifest.

``nesy train`` is a thin CLI over ``run_training``; tests call it with a few steps.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from train.pairs import Pair, make_pairs
from train.trainer import ProgressFn, TrainConfig, TrainResult, train

__all__ = ["ADAPTER_NAME", "default_output", "pairs_digest", "run_training", "RunOutput"]

ADAPTER_NAME = "smollm2-nesy-lora"


def default_output() -> Path:
    """nesy/adapters/, where ``nesy.llm.embedded.default_lora_path`` looks (the adapter ships with nesy)."""
    import nesy

    return Path(nesy.__file__).resolve().parent / "adapters"


def pairs_digest(pairs: Sequence[Pair]) -> str:
    h = hashlib.sha256()
    for p in pairs:
        h.update(json.dumps([[m.role, m.content] for m in p.messages] + [p.target]).encode())
    return h.hexdigest()


def _device_name(device: str) -> str:
    import torch

    return torch.cuda.get_device_name() if device.startswith("cuda") else platform.processor() or "cpu"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class RunOutput:
    gguf: Path
    peft_dir: Path
    manifest: Path
    result: TrainResult
    pair_seconds: float


def run_training(
    formalisms: Sequence[str],
    cfg: TrainConfig,
    *,
    n_pairs: int,
    output: Path,
    suite: str | None = None,
    pairs: Sequence[Pair] | None = None,
    progress: ProgressFn | None = None,
    on_pairs: Any = None,
    exemplars_by: str = "problem",
    public_tune: Path | None = None,
    public_tune_per_set: int | None = None,
) -> RunOutput:
    """``public_tune``: also draw logic pairs from the public sets' tuning parts under this
    folder (``train.sources.public_logic``), after the generated pairs; the manifest records
    the command and both parts' digests, so a reproduction without the data still checks the
    generated part."""
    from train.base_model import base_gguf, hf_base_dir, load_base, load_tokenizer
    from train.export import lora_from_full, lora_from_peft, write_gguf_lora, write_peft_dir

    t0 = time.perf_counter()
    public: list[Pair] = []
    from train.sources.public_logic import is_public_pair, public_tune_pairs

    if pairs is not None:  # given (a saved run's pairs hold their public part already)
        public = [p for p in pairs if is_public_pair(p)]
        generated = [p for p in pairs if not is_public_pair(p)]
    else:
        pairs = generated = make_pairs(list(formalisms), n_pairs, cfg.seed, suite, exemplars_by)
    generated_digest = pairs_digest(generated)
    if public_tune is not None and not public:
        public = public_tune_pairs(public_tune, exemplars_by=exemplars_by, per_set=public_tune_per_set, seed=cfg.seed,
                                   report=None)
        pairs = [*pairs, *public]
    pair_seconds = time.perf_counter() - t0
    if on_pairs is not None:
        on_pairs(pairs)
    base_dir = hf_base_dir()
    tokenizer = load_tokenizer(base_dir)
    model = load_base(base_dir)
    result = train(model, tokenizer, pairs, cfg, progress)
    if cfg.method == "lora":
        weights = lora_from_peft(result.model)
    else:
        weights = lora_from_full(load_base(base_dir), result.model, cfg.rank)
    output.mkdir(parents=True, exist_ok=True)
    gguf = write_gguf_lora(weights, output / f"{ADAPTER_NAME}.gguf", base_gguf())
    peft_dir = write_peft_dir(weights, output / f"{ADAPTER_NAME}-peft")
    first, last = result.first_last_loss()
    manifest = {
        "command": "nesy train " + " ".join(
            [f"--formalism {f}" for f in formalisms]
            + [f"--pairs {n_pairs}", f"--epochs {cfg.epochs:g}", f"--method {cfg.method}", f"--rank {cfg.rank}",
               f"--seed {cfg.seed}", f"--threads {cfg.threads}", f"--batch-size {cfg.batch_size}",
               f"--lr {cfg.learning_rate():g}", f"--device {cfg.device}"]
            + ([f"--max-steps {cfg.max_steps}"] if cfg.max_steps is not None else [])
            + [f"--exemplars-by {exemplars_by}"]
            + ([f"--public-tune {public_tune}"] if public_tune is not None else [])
            + ([f"--public-tune-per-set {public_tune_per_set}"]
               if public_tune is not None and public_tune_per_set is not None else [])
        ),
        "exemplars_by": exemplars_by,
        "config": cfg.model_dump(),
        "formalisms": list(formalisms),
        "suite": suite,
        "pairs": len(generated),
        "pairs_total": len(pairs),
        "pairs_sha256": pairs_digest(pairs),
        "generated_pairs_sha256": generated_digest,
        "public_tune": None if public_tune is None else {
            "per_set": public_tune_per_set, "pairs": len(public), "pairs_sha256": pairs_digest(public),
            "datasets": {d: sum(p.meta.get("dataset") == d for p in public)
                         for d in dict.fromkeys(p.meta.get("dataset") for p in public)}},
        "signatures": sorted({p.signature for p in pairs}),
        "steps": result.steps,
        "tokens": result.tokens,
        "loss_first": first,
        "loss_last": last,
        "losses": [round(x, 5) for x in result.losses],
        "train_seconds": round(result.seconds, 1),
        "pair_seconds": round(pair_seconds, 1),
        "gguf_sha256": _sha256(gguf),
        "gguf_bytes": gguf.stat().st_size,
        "peft_sha256": _sha256(peft_dir / "adapter_model.safetensors"),
        "versions": {p: version(p) for p in ("torch", "transformers", "peft", "gguf", "safetensors")},
        "device": _device_name(cfg.device),
        "python": platform.python_version(),
    }
    path = output / f"{ADAPTER_NAME}.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return RunOutput(gguf, peft_dir, path, result, pair_seconds)
