"""The embedding model behind one small interface, and the registry of backends that run it.

    base.py   `Embedder` (the interface: `embed_batch` to write, `embed` to call) and
              `LocalModel` (model folder, tokenizer, dimension) that the backends share
    torch.py  "torch": sentence-transformers as published, the reference
    onnx.py   "onnx-fp32" and "onnx-int8" (the default): ONNX Runtime, exported locally

A backend module imports its heavy library (torch, onnxruntime) only when it first embeds.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from assistant.embeddings.base import Embedder, LocalModel, resolve_model_path
from assistant.embeddings.onnx import OnnxEmbedder
from assistant.embeddings.torch import SentenceTransformerEmbedder
from assistant.errors import ConfigError

DEFAULT_BACKEND = "onnx-int8"
BACKENDS: dict[str, Callable[[str], Embedder]] = {
    "onnx-int8": partial(OnnxEmbedder, variant="int8"),
    "onnx-fp32": partial(OnnxEmbedder, variant="fp32"),
    "torch": SentenceTransformerEmbedder,
}

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "Embedder", "LocalModel", "OnnxEmbedder",
           "SentenceTransformerEmbedder", "make_embedder", "resolve_model_path"]


def make_embedder(model: str, backend: str = DEFAULT_BACKEND) -> Embedder:
    """The embedder for `model` run by `backend` (a name in `BACKENDS`)."""
    if backend not in BACKENDS:
        raise ConfigError(f"embedding_backend={backend!r}: choose one of "
                          f"{', '.join(BACKENDS)}")
    return BACKENDS[backend](model)
