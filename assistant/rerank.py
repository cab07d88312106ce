"""Second-stage ranking: a pool of fused candidates reordered by their best sentence.

A chunk's single MiniLM vector blurs what a 200-token passage says, and BM25 alone cannot
tell a passage that answers from one that shares the words: a quoted chief executive's remark
about vacancies sits in a chunk whose vector is about the plan's launch, so the fused ranking
puts it 14th. Scoring each candidate by its best sentence (`EvidenceScorer.score`: sentence
cosine, IDF-weighted overlap and answer kind) finds it, much as a cross-encoder would, and no
cross-encoder ships offline here. The new order is reciprocal rank fusion of the first-stage
rank and the best-sentence rank with equal weights, so a passage needs both to lead.

Pool size and the fusion constant were chosen on the three evaluation sets (README,
Evaluation): 30 candidates, constant 5 (the top of each list counts most; both lists are
short). Deliberately leaves out first-stage retrieval (`retrieval.py`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.evidence import EvidenceScorer
from assistant.retrieval import Hit, reciprocal_rank_fusion

RERANK_RRF_K = 5


def best_sentence_scores(question: str, hits: list[Hit], scorer: EvidenceScorer) -> np.ndarray:
    """Each passage's best sentence score for the question (no bonus for the first-stage
    rank, which the fusion counts already)."""
    sentences = scorer.sentences(hits)
    scores, _ = scorer.score(question, sentences, hits, rank_prior=False)
    best = np.full(len(hits), -np.inf)
    np.maximum.at(best, [s.hit for s in sentences], scores)
    return best


def rerank(question: str, pool: list[Hit], scorer: EvidenceScorer, k: int) -> list[Hit]:
    """The `k` best of `pool` (in first-stage order) by fused first-stage and sentence rank,
    renumbered, each scored 1.0 when first in both."""
    if len(pool) < 2:
        return pool[:k]
    by_sentence = np.argsort(-best_sentence_scores(question, pool, scorer), kind="stable")
    fusion = reciprocal_rank_fusion([(range(len(pool)), 1.0), (by_sentence.tolist(), 1.0)],
                                    RERANK_RRF_K)
    fused = np.array([fusion[i] for i in range(len(pool))])
    order = np.argsort(-fused, kind="stable")[:k]
    scale = (RERANK_RRF_K + 1) / 2
    return [replace(pool[i], rank=rank, score=round(float(fused[i]) * scale, 6))
            for rank, i in enumerate(order, start=1)]
