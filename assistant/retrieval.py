"""Query -> ranked passages: dense (FAISS), lexical (BM25) and their fusion.

Fusion is reciprocal rank fusion written here in a few lines rather than llama-index's
`QueryFusionRetriever`: that class wraps each retriever in async machinery and expects an LLM
for query generation, while what is needed is one formula over two ranked lists, with the
document filter and duplicate collapsing applied to both. Restricting to chosen documents uses
a FAISS ID selector (exact, no over-fetch) and a mask on the BM25 scores.

Deliberately leaves out answer composition (`answer/`) and index building (`ingest.py`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from assistant.chunking import Chunk
from assistant.embeddings import Embedder
from assistant.glossary import expand_query
from assistant.store import IndexSnapshot

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the top ranks
CANDIDATES = 50  # passages taken from each retriever before fusion
DUPLICATE_COSINE = 0.97
# bm25s's 33 English stop words plus question words and auxiliaries, which carry no topic:
# without them "How many..." matches every passage that says "how" or "many".
QUESTION_WORDS = """what which who whom whose when where why how many much does did do done
doing have has had having been being were would could can should shall may might must its our
we you your he she his her him them those than so about also any each please tell give me
i my""".split()


def stopwords() -> list[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return sorted(set(STOPWORDS_EN) | set(QUESTION_WORDS))


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk: 1-based rank, fused score, and each retriever's own score."""

    chunk: Chunk
    row: int
    rank: int
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


class LexicalIndex:
    """BM25 over chunk text and its title/section header, English stop words, Snowball stems."""

    def __init__(self, chunks: list[Chunk]) -> None:
        import bm25s
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        self._stopwords = stopwords()
        self._bm25 = bm25s.BM25()
        if chunks:
            tokens = bm25s.tokenize([f"{c.header}\n{c.text}" for c in chunks],
                                    stopwords=self._stopwords, stemmer=self._stemmer,
                                    show_progress=False)
            self._bm25.index(tokens, show_progress=False)

    def terms(self, text: str) -> list[str]:
        import bm25s

        tokens = bm25s.tokenize([text], stopwords=self._stopwords, stemmer=self._stemmer,
                                return_ids=False, show_progress=False)[0]
        return [token for token in tokens if token]

    def idf(self, term: str) -> float:
        """BM25's IDF; a term the corpus never uses gets the highest value."""
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        n = self._bm25.scores["num_docs"] if vocab else 1
        df = 0
        if term in vocab:  # the score matrix is CSC over terms: column length = df
            indptr = self._bm25.scores["indptr"]
            df = int(indptr[vocab[term] + 1] - indptr[vocab[term]])
        return math.log((n - df + 0.5) / (df + 0.5) + 1)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query term is in the vocabulary)."""
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        known = [term for term in self.terms(query) if term in vocab]
        if not known:
            return np.zeros(self._bm25.scores["num_docs"] if vocab else 0, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)


class Retriever:
    """Hybrid retrieval over one loaded index."""

    def __init__(self, snapshot: IndexSnapshot, embedder: Embedder) -> None:
        self.snapshot = snapshot
        self.embedder = embedder

    @cached_property
    def lexical(self) -> LexicalIndex:
        return LexicalIndex(self.snapshot.chunks)

    def rows_for(self, sources: list[str] | None) -> np.ndarray | None:
        if not sources:
            return None
        wanted = set(sources)
        if unknown := sorted(wanted - set(self.snapshot.documents)):
            from assistant.errors import ConfigError

            raise ConfigError(f"not in the index: {', '.join(unknown)} (use the source names "
                              "that `ingest --json` reports, e.g. corpus/file.pdf)")
        return np.array([i for i, c in enumerate(self.snapshot.chunks) if c.source in wanted],
                        dtype=np.int64)

    def expand(self, query: str) -> str:
        return expand_query(query, self.snapshot.glossary)

    def dense(self, query: str, n: int, rows: np.ndarray | None = None,
              vector: np.ndarray | None = None) -> list[tuple[int, float]]:
        import faiss

        if vector is None:
            vector = self.embedder.embed_batch([query])
        limit = len(self.snapshot.chunks) if rows is None else len(rows)
        if limit == 0:
            return []
        params = None if rows is None else faiss.SearchParameters(
            sel=faiss.IDSelectorBatch(rows))
        scores, found = self.snapshot.faiss_index().search(
            np.ascontiguousarray(vector, dtype=np.float32), min(n, limit), params=params)
        return [(int(r), float(s)) for s, r in zip(scores[0], found[0], strict=True) if r >= 0]

    def lexical_ranked(self, query: str, n: int,
                       rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        scores = self.lexical.scores(query)
        if not len(scores):
            return []
        if rows is not None:
            masked = np.full_like(scores, -1.0)
            masked[rows] = scores[rows]
            scores = masked
        top = np.argsort(-scores, kind="stable")[:n]
        return [(int(r), float(scores[r])) for r in top if scores[r] > 0]

    def search(self, query: str, k: int, *, sources: list[str] | None = None,
               mode: Mode = "hybrid", expand: bool = True) -> list[Hit]:
        """The `k` best passages for `query`, optionally only from `sources`."""
        if not query.strip() or not self.snapshot.chunks:
            return []
        text = self.expand(query) if expand else query
        rows = self.rows_for(sources)
        dense = self.dense(text, CANDIDATES, rows) if mode != "lexical" else []
        lexical = self.lexical_ranked(text, CANDIDATES, rows) if mode != "dense" else []
        fused: dict[int, float] = {}
        for ranking in (dense, lexical):
            for position, (row, _) in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + position + 1)
        dense_scores, lexical_scores = dict(dense), dict(lexical)
        ordered = sorted(fused, key=lambda row: (-fused[row], row))
        scale = (RRF_K + 1) / (1 if mode != "hybrid" else 2)  # 1.0 = first in every list
        return [Hit(self.snapshot.chunks[row], row, rank, round(fused[row] * scale, 6),
                    dense_scores.get(row), lexical_scores.get(row))
                for rank, row in enumerate(self._collapse_duplicates(ordered, k), start=1)]

    def _collapse_duplicates(self, rows: list[int], k: int) -> list[int]:
        """The first `k` rows, skipping any that nearly repeats a passage ranked above it."""
        kept: list[int] = []
        seen_text: set[str] = set()
        vectors = self.snapshot.embeddings
        for row in rows:
            key = re.sub(r"\W+", " ", self.snapshot.chunks[row].text.lower()).strip()
            if key in seen_text:
                continue
            if kept and float(np.max(vectors[kept] @ vectors[row])) >= DUPLICATE_COSINE:
                continue
            seen_text.add(key)
            kept.append(row)
            if len(kept) == k:
                break
        return kept
