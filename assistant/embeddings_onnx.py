"""The fast embedding path: the bundled model exported to ONNX and run with ONNX Runtime.

Built locally on first use and cached (never downloaded, never committed): the transformer,
mean pooling and L2 normalisation are exported as one graph with `torch.onnx.export`, ONNX
Runtime's transformer optimiser fuses attention, GELU and layer norm, and dynamic int8
quantisation shrinks the matrix multiplications. Batches are bucketed by length, so short
passages are not padded to the longest one in the corpus. sentence-transformers'
`backend="onnx"` is not used: it needs optimum, whose releases don't import with
transformers 5.
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.embeddings import SentenceTransformerEmbedder

MAX_TOKENS = 256
VARIANTS = ("fp32", "int8")


def cache_dir() -> Path:
    base = os.environ.get("PLAN_ASSISTANT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "plan-assistant")
    return Path(base) / "onnx"


def _fingerprint(model_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        path = model_dir / name
        if path.is_file():
            digest.update(name.encode())
            digest.update(str(path.stat().st_size).encode())
            with path.open("rb") as handle:
                digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:16]


def export(model_dir: Path, variant: str, target: Path) -> Path:
    """Export, optimise and (for int8) quantise; each file is written under a temporary name
    and renamed into place, so concurrent first uses never see a partial model."""
    target.mkdir(parents=True, exist_ok=True)
    fp32 = target / "model-fp32.onnx"
    if not fp32.is_file():  # torch is imported only to build the model, never to run it
        import torch
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        transformer = st[0].auto_model.eval()

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.transformer = transformer

            def forward(self, input_ids, attention_mask, token_type_ids):
                hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                          token_type_ids=token_type_ids).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, p=2, dim=1)

        dummy = torch.ones((2, 16), dtype=torch.long)
        raw = target / f".raw-{os.getpid()}.onnx"
        torch.onnx.export(
            Pooled(), (dummy, dummy, torch.zeros_like(dummy)), str(raw), dynamo=False,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["embedding"], opset_version=17,
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in
                          ("input_ids", "attention_mask", "token_type_ids")}
            | {"embedding": {0: "batch"}})
        from onnxruntime.transformers.optimizer import optimize_model

        config = transformer.config
        optimised = optimize_model(str(raw), model_type="bert",
                                   num_heads=config.num_attention_heads,
                                   hidden_size=config.hidden_size)
        tmp = target / f".fp32-{os.getpid()}.onnx"
        optimised.save_model_to_file(str(tmp))
        tmp.rename(fp32)
        raw.unlink(missing_ok=True)
    if variant == "fp32":
        return fp32
    int8 = target / "model-int8-matmul.onnx"
    if not int8.is_file():
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = target / f".int8-{os.getpid()}.onnx"
        # Only the MatMuls, per tensor: quantising the fused attention and the embedding
        # lookup as well was 5% faster but cost 1.3 points of hybrid hit@5 on eval/qa.jsonl
        # (benchmarks/embedding.py). The fused operators have no ONNX shape inference; their
        # outputs are float.
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=False,
                         op_types_to_quantize=["MatMul"],
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        tmp.rename(int8)
    return int8


class OnnxEmbedder(SentenceTransformerEmbedder):
    """Same model, same tokenizer, ONNX Runtime inference. The name records the variant, so
    an index built with one variant is never queried with another."""

    def __init__(self, model: str, variant: str = "int8", threads: int | None = None,
                 batch_size: int = 32) -> None:
        super().__init__(model)
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}")
        self.variant = variant
        self.name = f"{model}#onnx-{variant}"
        self.threads = threads or os.cpu_count() or 1
        self.batch_size = batch_size

    @cached_property
    def _session(self):
        import onnxruntime as ort

        path = export(self.path, self.variant, cache_dir() / _fingerprint(self.path))
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    @cached_property
    def _encoder(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        return tokenizer

    def _run(self, encodings: list) -> np.ndarray:
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                        "token_type_ids": np.zeros_like(ids)})[0]

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts, self.batch_size)

    def embed(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        """Length-bucketed over all texts: sort by token count, run in batches of similar
        length, restore the order."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self._encoder.encode_batch(texts)
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._run([encodings[i] for i in rows])
            if progress:
                progress(len(rows))
        return out
