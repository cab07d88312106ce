"""BM25 over the chunks (bm25s): built at ingest, saved beside the vectors, memory-mapped on load.

Tokenising and indexing a million chunks takes minutes, so the index is built once when the
store saves a generation and loaded with bm25s's memory mapping afterwards; a process touches
only the postings of the terms it is asked about.

Leaves out fusion with the dense ranking (`retrieval.py`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.chunking import Chunk
from assistant.stopwords import search_stopwords

TOKENIZE_BATCH = 50_000  # chunks tokenised at a time: bounds memory at a million chunks
TERMS_CACHE = 100_000  # texts (sentences, questions, words) whose terms are kept
SCORES_CACHE = 4  # queries whose BM25 scores over every chunk are kept (4 bytes a chunk each)
# bm25s's defaults (Lucene's BM25), written out because the PostgreSQL store scores with them
K1 = 1.5
B = 0.75


@lru_cache(maxsize=TERMS_CACHE)
def stem(word: str) -> str:
    """A word's Snowball stem, as the index terms have them ("priorities" -> "prioriti",
    as "priority")."""
    return _snowball().stemWord(word.lower().replace("’", "'"))


@lru_cache(maxsize=1)
def _snowball():  # the PyStemmer type has no stubs to name
    import Stemmer

    return Stemmer.Stemmer("english")


def indexed_text(chunk: Chunk) -> str:
    """What BM25 indexes for a chunk: its title/section header and its text."""
    return f"{chunk.header}\n{chunk.text}"


def lucene_idf(chunks: int, document_frequency: int) -> float:
    return math.log((chunks - document_frequency + 0.5) / (document_frequency + 0.5) + 1)


class Terms:
    """Index terms and their rarity: English stop words dropped, Snowball stems.

    Shared by both stores' lexical sides (`LexicalIndex` here, the PostgreSQL store's
    postings), so a question is cut into the same terms whichever store holds the index.
    Subclasses say how many chunks there are and how many use a term.
    """

    def __init__(self) -> None:
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        self._stopwords = sorted(search_stopwords())
        # Memoised per index (lru_cache is thread-safe): evidence scoring asks for the same
        # sentences' terms on every question, and bm25s.tokenize costs ~130 µs a call.
        self.terms = lru_cache(maxsize=TERMS_CACHE)(self._terms)
        self.idf = lru_cache(maxsize=TERMS_CACHE)(self._idf)

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        """The terms of each text, in order, repeats kept (what BM25 counts)."""
        import bm25s

        return bm25s.tokenize(texts, stopwords=self._stopwords, stemmer=self._stemmer,
                              return_ids=False, show_progress=False)

    def _terms(self, text: str) -> tuple[str, ...]:
        """The stemmed index terms of `text`, stop words dropped (as `terms`, memoised)."""
        return tuple(token for token in self.tokenize([text])[0] if token)

    @property
    def chunk_count(self) -> int:
        raise NotImplementedError

    def document_frequency(self, term: str) -> int:
        """How many chunks use the term (0 for a term the corpus never uses)."""
        raise NotImplementedError

    def _idf(self, term: str) -> float:
        """BM25's IDF; a term the corpus never uses gets the highest value."""
        return lucene_idf(max(self.chunk_count, 1), self.document_frequency(term))


class LexicalIndex(Terms):
    """BM25 over chunk text and its title/section header (bm25s), in memory or memory-mapped."""

    def __init__(self, bm25=None) -> None:
        import bm25s

        super().__init__()
        self._bm25 = bm25 if bm25 is not None else bm25s.BM25()
        # A search and the scores of the passages only the other rankings found
        # (`Store.lexical_scores`) read the same query's scores: one BM25 pass, not two.
        self.scores = lru_cache(maxsize=SCORES_CACHE)(self._scores)

    @classmethod
    def build(cls, chunks: Iterable[Chunk]) -> LexicalIndex:
        import bm25s

        index = cls()
        vocabulary: dict[str, int] = {}
        documents: list[list[int]] = []
        batch: list[str] = []

        def flush() -> None:
            documents.extend([vocabulary.setdefault(t, len(vocabulary)) for t in doc]
                             for doc in index.tokenize(batch))
            batch.clear()

        for chunk in chunks:
            batch.append(indexed_text(chunk))
            if len(batch) == TOKENIZE_BATCH:
                flush()
        if batch:
            flush()
        if documents:
            index._bm25.index(bm25s.tokenization.Tokenized(ids=documents, vocab=vocabulary),
                              show_progress=False)
        return index

    def save(self, folder: Path) -> None:
        """bm25s's own folder of named files (JSON vocabulary and parameters, numpy arrays)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._indexed:
            self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        if not any(folder.iterdir()):
            return cls()
        return cls(bm25s.BM25.load(str(folder), mmap=True, show_progress=False))

    @property
    def _indexed(self) -> bool:
        return bool(getattr(self._bm25, "vocab_dict", None))

    @property
    def chunk_count(self) -> int:
        return int(self._bm25.scores["num_docs"]) if self._indexed else 0

    def document_frequency(self, term: str) -> int:
        """How many chunks use the term (0 for a term the corpus never uses)."""
        vocab = self._bm25.vocab_dict if self._indexed else {}
        if term not in vocab:
            return 0
        indptr = self._bm25.scores["indptr"]  # CSC over terms: column length = df
        return int(indptr[vocab[term] + 1] - indptr[vocab[term]])

    def _scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query term is in the vocabulary), read
        only: `scores` shares it between callers."""
        vocab = self._bm25.vocab_dict if self._indexed else {}
        known = [term for term in self.terms(query) if term in vocab]
        scores = np.zeros(self._bm25.scores["num_docs"] if vocab else 0, dtype=np.float32) \
            if not known else np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        scores.setflags(write=False)
        return scores

    def search(self, query: str, n: int, rows: np.ndarray | None = None
               ) -> list[tuple[int, float]]:
        """The `n` best (row, BM25 score) with a score above 0, only from `rows` when given."""
        from assistant.vector_index import top_n

        scores = self.scores(query)
        if not len(scores):
            return []
        if rows is not None:
            masked = np.full_like(scores, -1.0)
            masked[rows] = scores[rows]
            scores = masked
        return [(int(r), float(scores[r])) for r in top_n(scores, n) if scores[r] > 0]
