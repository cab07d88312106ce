"""`Assistant`: the single entry point that the CLI, the UI and the evaluation all call.

Holds the loaded index and the embedding model for the life of the process, so repeated
questions pay neither cost again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

from assistant.config import Settings
from assistant.embeddings import Embedder, SentenceTransformerEmbedder
from assistant.retrieval import DenseRetriever, Hit
from assistant.store import IndexSnapshot, IndexStore


@dataclass
class SearchResponse:
    query: str
    hits: list[Hit]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "results": [
                {"rank": hit.rank, "source": hit.chunk.source, "title": hit.chunk.title,
                 "page": hit.chunk.page, "section": hit.chunk.section, "text": hit.chunk.text,
                 "score": round(hit.score, 6)}
                for hit in self.hits
            ],
            "timings_ms": self.timings_ms,
        }


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


class Assistant:
    """Search (and, later, answers) over one index with one embedding model."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or SentenceTransformerEmbedder(self.settings.model)

    @cached_property
    def snapshot(self) -> IndexSnapshot:
        return IndexStore(self.settings.index).load(expect_model=self.embedder.name)

    @cached_property
    def retriever(self) -> DenseRetriever:
        return DenseRetriever(self.snapshot, self.embedder)

    def search(self, query: str, k: int | None = None) -> SearchResponse:
        start = time.perf_counter()
        hits = self.retriever.search(query, k or self.settings.k)
        return SearchResponse(query, hits, {"retrieve": _ms(start), "total": _ms(start)})
