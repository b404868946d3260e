"""Pairs → token ids with the loss on the answer only, rendered exactly as at inference.

The prompt is the model's own chat template with the generation prompt appended (what
llama.cpp's ``create_chat_completion`` renders from the GGUF's template), the target is
tokenized separately (as llama.cpp generates it after the prompt) and closed with the
end-of-turn token, so the model learns to stop where inference stops.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from nesy.errors import ConfigError
from train.pairs import Pair

__all__ = ["Encoded", "render_prompt", "encode", "batches"]

IGNORE = -100


@dataclass(frozen=True)
class Encoded:
    input_ids: tuple[int, ...]
    labels: tuple[int, ...]  # IGNORE on the prompt

    def __len__(self) -> int:
        return len(self.input_ids)


def render_prompt(tokenizer: Any, messages: Sequence[Any]) -> str:
    msgs = [m if isinstance(m, dict) else m.model_dump() for m in messages]
    return tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)


def encode(tokenizer: Any, pair: Pair, max_len: int) -> Encoded:
    prompt = tokenizer(render_prompt(tokenizer, pair.messages), add_special_tokens=False).input_ids
    target = tokenizer(pair.target, add_special_tokens=False).input_ids + [tokenizer.eos_token_id]
    if len(prompt) + len(target) > max_len:
        # Cutting the prompt would train on a prompt inference never sends: refuse instead.
        raise ConfigError(
            f"pair of {len(prompt) + len(target)} tokens exceeds max_len={max_len}: "
            f"{pair.source[:60]!r}; raise --max-len or use fewer exemplars"
        )
    return Encoded(tuple(prompt + target), tuple([IGNORE] * len(prompt) + target))


def batches(items: Sequence[Encoded], batch_size: int, rng: random.Random, pad_id: int) -> Iterator[dict[str, Any]]:
    """Shuffled batches, each padded on the right to its longest member.

    Examples of similar length are grouped (sorted inside windows of 16 batches) to
    waste less compute on padding; the window order stays random.
    """
    import torch

    order = list(range(len(items)))
    rng.shuffle(order)
    window = batch_size * 16
    groups: list[list[int]] = []
    for w in range(0, len(order), window):
        chunk = sorted(order[w : w + window], key=lambda i: len(items[i]))
        groups.extend(chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size))
    rng.shuffle(groups)
    for g in groups:
        width = max(len(items[i]) for i in g)
        ids = torch.full((len(g), width), pad_id, dtype=torch.long)
        labels = torch.full((len(g), width), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(g), width), dtype=torch.long)
        for row, i in enumerate(g):
            n = len(items[i])
            ids[row, :n] = torch.tensor(items[i].input_ids)
            labels[row, :n] = torch.tensor(items[i].labels)
            mask[row, :n] = 1
        yield {"input_ids": ids, "labels": labels, "attention_mask": mask}
