"""Query -> ranked passages: dense (FAISS), lexical (BM25) and their fusion.

Fusion is weighted reciprocal rank fusion written here in a few lines rather than
llama-index's `QueryFusionRetriever`: that class wraps each retriever in async machinery and
expects an LLM for query generation, while what is needed is one formula over a few ranked
lists, with the document filter and duplicate collapsing applied to all. The lists: BM25 and
dense for the question as asked, and, when it names an acronym or its full form, both again
for the query with the other form added, at a lower weight. Weights were chosen on the three
evaluation sets (`eval --compare`): MiniLM alone ranks worse than BM25 on these documents,
and an expanded query on its own pulls in passages that only share the acronym. Restricting
to chosen documents is the store's (a FAISS ID selector and a mask on the BM25 scores on disk,
a `WHERE` in PostgreSQL).

Deliberately leaves out answer composition (`answer/`) and index building (`ingest.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Literal

import numpy as np

from assistant.chunking import Chunk
from assistant.config import Settings
from assistant.embeddings import Embedder
from assistant.glossary import expand_query
from assistant.lexical import Terms
from assistant.stores import IndexView

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the top ranks
CANDIDATES = 50  # passages taken from each retriever before fusion
DUPLICATE_COSINE = 0.97
SOURCES_SHOWN = 8  # document names an unknown-source error lists
# A question's dense and lexical searches, side by side when the store is a server
# (`IndexView.parallel_search`): their waits overlap. Shared by every retriever.
_SEARCHES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search")


def reciprocal_rank_fusion(rankings: Sequence[tuple[Sequence[int], float]],
                           constant: int = RRF_K) -> dict[int, float]:
    """Each item's weighted sum of 1 / (constant + rank) over the rankings it appears in
    (rank 1 first): agreement between rankings counts, raw scores on different scales don't.
    The one fusion used by first-stage retrieval and by the sentence reranker."""
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        for position, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + weight / (constant + position + 1)
    return fused


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk: 1-based rank, fused score, its cosine with the query (None when
    no dense ranking ran) and its BM25 score for the query (None when no lexical ranking
    ran)."""

    chunk: Chunk
    row: int
    rank: int
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


class Retriever:
    """Hybrid retrieval over one loaded index."""

    def __init__(self, snapshot: IndexView, embedder: Embedder,
                 dense_weight: float = Settings.dense_weight,
                 expanded_weight: float = Settings.expanded_weight) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.expanded_weight = expanded_weight

    @property
    def lexical(self) -> Terms:
        return self.snapshot.lexical

    def sources_for(self, sources: list[str] | None) -> set[str] | None:
        """The document filter, checked against the index (None: every document)."""
        if not sources:
            return None
        wanted = set(sources)
        if unknown := sorted(wanted - set(self.snapshot.documents)):
            from assistant.errors import ConfigError

            raise ConfigError(unknown_sources(unknown, self.snapshot.documents))
        return wanted

    def expand(self, query: str) -> str:
        return expand_query(query, self.snapshot.glossary)

    def dense(self, query: str, n: int, sources: set[str] | None = None,
              vector: np.ndarray | None = None) -> list[tuple[int, float]]:
        if vector is None:
            vector = self.embedder.embed_batch([query])
        return self.snapshot.dense_search(vector, n, sources)

    def lexical_ranked(self, query: str, n: int,
                       sources: set[str] | None = None) -> list[tuple[int, float]]:
        return self.snapshot.lexical_search(query, n, sources)

    def search(self, query: str, k: int, *, sources: list[str] | None = None,
               mode: Mode = "hybrid", expand: bool = True) -> list[Hit]:
        """The `k` best passages for `query`, optionally only from `sources`."""
        if not query.strip() or not self.snapshot.count:
            return []
        chosen = self.sources_for(sources)
        queries = [(query, 1.0)]
        if expand and (expanded := self.expand(query)) != query:
            queries.append((expanded, self.expanded_weight))
        searches: list[Callable[[], list[tuple[int, float]]]] = []
        weights: list[float] = []
        if mode != "lexical" and self.dense_weight > 0:
            vectors = self.embedder.embed_batch([text for text, _ in queries])
            searches += [partial(self.dense, text, CANDIDATES, chosen, vectors[i:i + 1])
                         for i, (text, _) in enumerate(queries)]
            weights += [weight * self.dense_weight for _, weight in queries]
        dense_count = len(searches)
        if mode != "dense":
            searches += [partial(self.lexical_ranked, text, CANDIDATES, chosen)
                         for text, _ in queries]
            weights += [weight for _, weight in queries]
        found = list(_SEARCHES.map(lambda search: search(), searches)) \
            if self.snapshot.parallel_search else [search() for search in searches]
        dense = list(zip(found[:dense_count], weights[:dense_count], strict=True))
        lexical = list(zip(found[dense_count:], weights[dense_count:], strict=True))
        rankings = [(ranking, weight) for ranking, weight in dense + lexical if weight > 0]
        if not rankings:
            return []
        fused = reciprocal_rank_fusion([([row for row, _ in ranking], weight)
                                        for ranking, weight in rankings])
        ordered = sorted(fused, key=lambda row: (-fused[row], row))
        kept = self._collapse_duplicates(ordered, k)
        # Every hit gets its own cosine with the query (its vector is read anyway) and its
        # own BM25 score, even one that only the other rankings found.
        query_vector = vectors[0] if dense else None
        lexical_scores = dict(lexical[0][0]) if lexical else {}
        if lexical and (unlisted := [row for row, _, _ in kept if row not in lexical_scores]):
            lexical_scores |= self.snapshot.lexical_scores(query, unlisted)
        scale = (RRF_K + 1) / sum(weight for _, weight in rankings)  # 1.0 = first everywhere
        return [Hit(chunk, row, rank, round(fused[row] * scale, 6),
                    float(vector @ query_vector) if query_vector is not None else None,
                    lexical_scores[row] if lexical else None)
                for rank, (row, chunk, vector) in enumerate(kept, start=1)]

    def _collapse_duplicates(self, rows: list[int], k: int
                             ) -> list[tuple[int, Chunk, np.ndarray]]:
        """The first `k` rows with their chunks and vectors, skipping any that nearly repeats
        a passage ranked above it. Reads chunks and vectors a batch at a time (one query each
        in PostgreSQL), enough for `k` when few are duplicates."""
        kept: list[tuple[int, Chunk, np.ndarray]] = []
        kept_vectors: list[np.ndarray] = []
        seen_text: set[str] = set()
        for start in range(0, len(rows), 2 * k):
            batch = rows[start:start + 2 * k]
            for row, chunk, vector in zip(batch, self.snapshot.chunks_at(batch),
                                          self.snapshot.vectors(batch), strict=True):
                key = re.sub(r"\W+", " ", chunk.text.lower()).strip()
                if key in seen_text:
                    continue
                if kept_vectors and float(np.max(np.stack(kept_vectors) @ vector)) \
                        >= DUPLICATE_COSINE:
                    continue
                seen_text.add(key)
                kept.append((row, chunk, vector))
                kept_vectors.append(vector)
                if len(kept) == k:
                    return kept
        return kept


def unknown_sources(unknown: list[str], indexed: Iterable[str]) -> str:
    """The error for document names the index does not hold, naming some that it does."""
    names = sorted(indexed)
    shown = ", ".join(names[:SOURCES_SHOWN]) + (", …" if len(names) > SOURCES_SHOWN else "")
    return f"not in the index: {', '.join(unknown)} (indexed: {shown or 'nothing yet'})"
