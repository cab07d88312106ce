"""Query -> ranked passages. Dense retrieval over the FAISS index.

Deliberately leaves out answer composition (the answerers) and index building (`ingest.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.chunking import Chunk
from assistant.embeddings import Embedder
from assistant.store import IndexSnapshot


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its 1-based rank and similarity score."""

    chunk: Chunk
    score: float
    rank: int


class DenseRetriever:
    """Cosine similarity between the query's embedding and every chunk's (exact search)."""

    def __init__(self, snapshot: IndexSnapshot, embedder: Embedder) -> None:
        self.snapshot = snapshot
        self.embedder = embedder

    def search(self, query: str, k: int) -> list[Hit]:
        if not query.strip() or not self.snapshot.chunks:
            return []
        vector = self.embedder.embed_batch([query])
        scores, rows = self.snapshot.faiss_index().search(
            np.ascontiguousarray(vector, dtype=np.float32), min(k, len(self.snapshot.chunks))
        )
        return [
            Hit(self.snapshot.chunks[row], float(score), rank)
            for rank, (score, row) in enumerate(zip(scores[0], rows[0], strict=True), start=1)
            if row >= 0
        ]
