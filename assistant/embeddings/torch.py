"""The reference backend: the model run by sentence-transformers with torch on the CPU.

Slower than ONNX Runtime (see `onnx.py`) but it is the model as published: the ONNX backends
are checked against it. Importing torch takes seconds, so it happens at the first batch.
"""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np

from assistant.embeddings.base import LocalModel


class SentenceTransformerEmbedder(LocalModel):
    """A sentence-transformers model on the CPU, loaded on first use."""

    backend = "torch"

    @cached_property
    def _model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self.path), device="cpu", local_files_only=True)

    def load(self) -> None:
        self._model  # noqa: B018 - building the model is the point

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=len(texts) or 1, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)
