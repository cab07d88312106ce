"""Unit vectors -> a FAISS index chosen by corpus size, and top-n search over it.

Below `HNSW_FROM` vectors the index is exact (`IndexFlatIP`): a scan is fast enough there and
nothing is lost. Above it a scan grows linearly (about 14 ms per 100k vectors on 2 cores), so
the index becomes an HNSW graph over 8-bit scalar-quantised vectors; its candidates are
re-scored against the exact float vectors the store keeps anyway, which removes the
quantisation error from the ranking. IVF-PQ is available for memory-bound sites (codes of 48
bytes a vector instead of 1,536), with the same exact re-scoring. The figures behind these
choices are in docs/benchmarks.md (benchmarks/scale.py).

A document filter either scans just the chosen rows exactly (when they are few) or passes a
FAISS ID selector to the index.

Leaves out the chunk table and the files on disk (`chunk_table.py`, `store.py`).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

Kind = Literal["flat", "hnsw", "ivfpq"]
KINDS: tuple[str, ...] = ("auto", "flat", "hnsw", "ivfpq")
HNSW_FROM = 100_000
HNSW_M = 32  # graph degree; recall is then bought with efSearch, which costs milliseconds
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 2048  # recall@10 0.66 at 128, 0.85 at 512, 0.92 at 1024 on the 1M benchmark
IVF_PQ_BYTES = 48  # product-quantiser sub-vectors of 8 bits: 48 bytes a vector
IVF_NPROBE = 64
RESCORE_FACTOR = 4  # approximate candidates fetched per wanted result, then re-scored
RESCORE_MIN = 100  # ...and never fewer: re-scoring 100 vectors costs microseconds
EXACT_SUBSET = 20_000  # a filter selecting fewer rows than this is scanned exactly
IVF_MIN_VECTORS = 39 * 256  # what training 256 product-quantiser centroids needs


def choose_kind(count: int, requested: str = "auto") -> Kind:
    """The index type for `count` vectors: `requested`, or by size when it is "auto"."""
    if requested not in KINDS:
        from assistant.errors import ConfigError

        raise ConfigError(f"vector_index={requested!r}: choose one of {', '.join(KINDS)}")
    if requested == "ivfpq" and count < IVF_MIN_VECTORS:
        return "flat"  # too few vectors to train the quantiser; exact costs nothing here
    if requested != "auto":
        return requested  # type: ignore[return-value]
    return "hnsw" if count >= HNSW_FROM else "flat"


def build(vectors: np.ndarray, kind: Kind):
    """A FAISS inner-product index of `kind` holding `vectors` (row i = FAISS id i)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    count, dimension = vectors.shape
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif kind == "hnsw":
        index = faiss.IndexHNSWSQ(dimension, faiss.ScalarQuantizer.QT_8bit, HNSW_M,
                                  faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    elif kind == "ivfpq":
        lists = max(1, min(2 ** round(math.log2(4 * math.sqrt(max(count, 1)))), count // 39))
        quantizer = faiss.IndexFlatIP(dimension)
        sub_vectors = max(m for m in range(1, min(IVF_PQ_BYTES, dimension) + 1)
                          if dimension % m == 0)
        index = faiss.IndexIVFPQ(quantizer, dimension, lists, sub_vectors, 8,
                                 faiss.METRIC_INNER_PRODUCT)
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    if not index.is_trained and count:
        sample = vectors[np.random.default_rng(0).permutation(count)[:max(256 * 39, 100_000)]]
        index.train(sample)
    if count:
        index.add(vectors)
    return index


def kind_of(index) -> Kind:
    import faiss

    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(index, faiss.IndexIVF):
        return "ivfpq"
    return "flat"


def search(index, vectors: np.ndarray, query: np.ndarray, n: int,
           rows: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The `n` best (row, inner product) for one query vector, best first, equal scores by
    row (as the PostgreSQL store orders them).

    `vectors` are the exact stored vectors (row i of the index); `rows`, when given,
    restricts the search to those rows.
    """
    query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
    if rows is not None and len(rows) <= EXACT_SUBSET:
        scores = np.asarray(vectors[rows] @ query[0], dtype=np.float32)
        return [(int(rows[i]), float(scores[i])) for i in top_n(scores, n)]
    fetch = max(n * RESCORE_FACTOR, RESCORE_MIN)
    params = _params(index, rows, fetch)
    if kind_of(index) == "flat":
        scores, found = index.search(query, min(n, index.ntotal), params=params)
        return sorted(((int(r), float(s)) for s, r in zip(scores[0], found[0], strict=True)
                       if r >= 0), key=lambda pair: (-pair[1], pair[0]))
    _, found = index.search(query, min(fetch, index.ntotal), params=params)
    candidates = np.sort(found[0][found[0] >= 0])  # ascending rows read the map in order
    scores = np.asarray(vectors[candidates] @ query[0], dtype=np.float32)
    return [(int(candidates[i]), float(scores[i])) for i in top_n(scores, n)]


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the `n` highest scores, best first, ties by position.

    A partial sort: sorting a million scores in full costs about 80 ms.
    """
    top = np.argpartition(-scores, n - 1)[:n] if len(scores) > n else np.arange(len(scores))
    return top[np.lexsort((top, -scores[top]))]


def _params(index, rows: np.ndarray | None, fetch: int):
    import faiss

    selector = None if rows is None else faiss.IDSelectorBatch(rows)
    kind = kind_of(index)
    if kind == "hnsw":
        return faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, fetch))
    if kind == "ivfpq":
        return faiss.SearchParametersIVF(sel=selector, nprobe=IVF_NPROBE)
    return None if selector is None else faiss.SearchParameters(sel=selector)
