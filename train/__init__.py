"""Fine-tuning the embedded translator on verified (clause → formal text) pairs.

``nesy train`` builds pairs with the pair source each ``nesy.backends`` entry point
provides (from its formalism's generators, seen compositions only),
fine-tunes SmolLM2-135M-Instruct on CPU with LoRA (or fully), and exports the adapter
twice: as a llama.cpp GGUF LoRA (what the embedded model loads by default) and as a PEFT
directory that ``vllm serve --enable-lora --lora-modules name=DIR`` accepts.

Heavy dependencies (torch, transformers, peft, gguf) are imported inside functions, so
``import train`` stays cheap and the CLI can register without them.
"""

from train.pairs import Pair, PairSource, available_sources, make_pairs

__all__ = ["Pair", "PairSource", "available_sources", "make_pairs"]
