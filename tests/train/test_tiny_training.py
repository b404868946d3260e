"""A tiny real training run: the loss falls, and the exported GGUF adapter loads in llama.cpp
and makes the embedded model answer what it was trained on."""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("peft", reason="training needs: pip install transformers peft gguf safetensors")
pytest.importorskip("unified_planning", reason="planning pairs need the planners package's dependencies")

from train.pairs import make_pairs  # noqa: E402
from train.run import ADAPTER_NAME, run_training  # noqa: E402
from train.trainer import TrainConfig  # noqa: E402


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    # 4 pairs whose answer is a fact (not 'none'), seen 4 times each: enough to memorize. This
    # checks the export path, so the prompts are the per-clause ones (exemplars picked per
    # sentence): per-problem prompts differ only in the last sentence, and 8 steps of rank 4
    # then mix two pairs up.
    pairs = [p for p in make_pairs(["planning"], 40, seed=5, exemplars_by="clause")
             if p.target != "none" and p.meta["step"] == "clause"][:4]
    assert len(pairs) == 4
    cfg = TrainConfig(rank=4, alpha=8, lr=5e-3, batch_size=2, epochs=4, seed=1, warmup=0.0)
    out = tmp_path_factory.mktemp("adapter")
    return pairs, run_training(["planning"], cfg, n_pairs=4, output=out, pairs=pairs)


def test_loss_falls(tiny_run) -> None:
    _, res = tiny_run
    assert res.result.steps == 8
    first, last = res.result.first_last_loss(window=2)
    assert last < 0.5 * first, res.result.losses


def test_exports_and_manifest(tiny_run) -> None:
    import gguf

    _, res = tiny_run
    reader = gguf.GGUFReader(str(res.gguf))
    assert reader.fields["general.type"].contents() == "adapter"
    assert reader.fields["adapter.type"].contents() == "lora"
    assert reader.fields["adapter.lora.alpha"].contents() == pytest.approx(8.0)
    names = {t.name for t in reader.tensors}
    assert {"blk.0.attn_q.weight.lora_a", "blk.29.ffn_down.weight.lora_b"} <= names
    assert len(names) == 30 * 7 * 2
    config = json.loads((res.peft_dir / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA" and config["r"] == 4 and config["lora_alpha"] == 8
    assert (res.peft_dir / "adapter_model.safetensors").is_file()
    manifest = json.loads(res.manifest.read_text())
    assert manifest["pairs"] == 4 and manifest["steps"] == 8 and res.gguf.name == f"{ADAPTER_NAME}.gguf"


def test_peft_dir_loads_in_peft(tiny_run) -> None:
    """The vLLM form is a standard PEFT adapter: PEFT itself loads it onto the base model."""
    from peft import PeftModel

    from train.base_model import load_base

    _, res = tiny_run
    model = PeftModel.from_pretrained(load_base(), str(res.peft_dir))
    assert sum(1 for n, _ in model.named_parameters() if "lora_A" in n) == 30 * 7


def test_gguf_adapter_loads_in_llama_cpp_and_answers_the_trained_pairs(tiny_run) -> None:
    pytest.importorskip("llama_cpp")
    from nesy.llm.embedded import EmbeddedLLM

    pairs, res = tiny_run
    llm = EmbeddedLLM(lora_path=res.gguf, threads=1, n_ctx=2048)
    assert llm.name.endswith(f"+{ADAPTER_NAME}.gguf")

    async def answers() -> list[str]:
        return [(await llm.generate(p.request.model_copy(update={"temperature": 0.0}))).text.strip() for p in pairs]

    got = asyncio.run(answers())
    assert got == [p.target for p in pairs]


def test_lora_from_full_is_the_best_low_rank_delta() -> None:
    """A full fine-tune exports as the rank-r SVD of each weight's change (tiny random Llama)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from train.export import lora_from_full

    torch.manual_seed(0)
    cfg = LlamaConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                      num_key_value_heads=2, vocab_size=50)
    base, tuned = LlamaForCausalLM(cfg), LlamaForCausalLM(cfg)
    tuned.load_state_dict(base.state_dict())
    w = tuned.model.layers[1].mlp.up_proj.weight
    delta = torch.randn(64, 2) @ torch.randn(2, 32)  # an exact rank-2 change
    with torch.no_grad():
        w += delta
    lw = lora_from_full(base, tuned, rank=2)
    approx = lw.b[(1, "up_proj")] @ lw.a[(1, "up_proj")] * (lw.alpha / lw.rank)
    assert torch.allclose(approx, delta, atol=1e-4)
    assert lw.b[(0, "q_proj")].abs().max() < 1e-6  # unchanged weights give a zero adapter
