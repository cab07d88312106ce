"""The fast backends: the model exported to ONNX and run with ONNX Runtime, fp32 or int8.

Built locally on first use and cached (never downloaded, never committed): the transformer,
mean pooling and L2 normalisation are exported as one graph with `torch.onnx.export`, ONNX
Runtime's transformer optimiser fuses attention, GELU and layer norm, and dynamic int8
quantisation shrinks the matrix multiplications. torch is imported only to export, never to
run. sentence-transformers' `backend="onnx"` is not used: it needs optimum, whose releases
don't import with transformers 5. Batching is the base class's (`Embedder.embed`).
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.embeddings.base import LocalModel, available_cores

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


def _export_fp32(model_dir: Path, target: Path) -> None:
    """The transformer with mean pooling and normalisation as one fused ONNX graph."""
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
    raw = target.parent / f".raw-{os.getpid()}.onnx"
    torch.onnx.export(
        Pooled(), (dummy, dummy, torch.zeros_like(dummy)), str(raw), dynamo=False,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["embedding"], opset_version=17,
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in
                      ("input_ids", "attention_mask", "token_type_ids")}
        | {"embedding": {0: "batch"}})
    from onnxruntime.transformers.optimizer import optimize_model

    config = transformer.config
    optimised = optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                               hidden_size=config.hidden_size)
    tmp = target.parent / f".fp32-{os.getpid()}.onnx"
    optimised.save_model_to_file(str(tmp))
    tmp.rename(target)
    raw.unlink(missing_ok=True)


def _quantise(fp32: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.parent / f".int8-{os.getpid()}.onnx"
    # Only the MatMuls, per tensor: quantising the fused attention and the embedding lookup as
    # well was 5% faster but cost 1.3 points of hybrid hit@5 on eval/qa.jsonl
    # (benchmarks/embedding.py). The fused operators have no ONNX shape inference; their
    # outputs are float.
    quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=False,
                     op_types_to_quantize=["MatMul"],
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    tmp.rename(target)


def export(model_dir: Path, variant: str, target: Path) -> Path:
    """The ONNX file for `variant`, built if missing. Each file is written under a temporary
    name and renamed into place, so concurrent first uses never see a partial model."""
    target.mkdir(parents=True, exist_ok=True)
    fp32 = target / "model-fp32.onnx"
    if not fp32.is_file():
        _export_fp32(model_dir, fp32)
    if variant == "fp32":
        return fp32
    int8 = target / "model-int8-matmul.onnx"
    if not int8.is_file():
        _quantise(fp32, int8)
    return int8


class OnnxEmbedder(LocalModel):
    """Same model, same tokenizer, ONNX Runtime inference on `threads` cores (default: all
    this process may use; ingest reads files in other processes only before embedding)."""

    def __init__(self, model: str, variant: str = "int8", threads: int | None = None) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}")
        super().__init__(model)
        self.variant = variant
        self.backend = f"onnx-{variant}"
        self.threads = threads or available_cores()
        # int8 quantises activations with one scale per batch, padding included: the same
        # text embedded beside different texts comes out slightly different (cosine 0.98-0.99)
        self.batch_invariant = variant != "int8"

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
        """The tokenizer as the model reads: special tokens added, cut at the window."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tokenizer.enable_truncation(self.window)
        tokenizer.no_padding()
        return tokenizer

    def load(self) -> None:
        self._session  # noqa: B018 - exporting (first use) and opening the model is the point

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self._encoder.encode_batch(texts)
        ids = np.zeros((len(texts), max(len(e.ids) for e in encodings)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        vectors = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                           "token_type_ids": np.zeros_like(ids)})[0]
        return np.asarray(vectors, dtype=np.float32)
