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
short).

An open question is answered from the passage that carries a section's worth of its subject,
not from the one with the best-matching sentence: "What are the strategy's priorities?" is
answered by the passage that lists them. `rerank_open` reorders the fused order's first
`OPEN_K` by seven signals, each divided by its spread over the passages the open set's dev
half reads (`scripts/open_signal_spread.py`) and summed with equal weights (a linear model
fitted on them did no better across documents): the best sentence, the passage's cosine
with the question, its BM25 score over the best one's, the IDF-weighted share of the
question's focus words in the passage and in its heading path, how many of the eight share
its section, and its length up to `FULL_PASSAGE_WORDS` (a heading, a caption or a stray line
answers little). On that dev half the first passage then holds 48% of a question's key
points on average, against 41% in the fused order (65% for the best of the eight).

Deliberately leaves out first-stage retrieval (`retrieval.py`).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import replace

import numpy as np

from assistant.evidence import EvidenceScorer
from assistant.naming import names_the_document
from assistant.question import Question
from assistant.retrieval import Hit, reciprocal_rank_fusion

RERANK_RRF_K = 5
OPEN_K = 8  # passages an open question reads (its points are spread over more of them)
FULL_PASSAGE_WORDS = 200  # a passage this long counts as a full one
# The spread (standard deviation) of each of `open_signals`' columns over the passages the
# open set's dev half reads (scripts/open_signal_spread.py); dividing by it gives each signal
# the same say.
OPEN_SIGNAL_SPREAD = np.array([0.1066, 0.1334, 0.2162, 0.2542, 0.1532, 1.6781, 0.2105])


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
    return _fused(pool, best_sentence_scores(question, pool, scorer), k)


def _fused(pool: list[Hit], best: np.ndarray, k: int) -> list[Hit]:
    """The first `k` of `pool` by fused first-stage and best-sentence rank (`best`: each
    one's best sentence score), renumbered and rescored."""
    by_sentence = np.argsort(-best, kind="stable")
    fusion = reciprocal_rank_fusion([(range(len(pool)), 1.0), (by_sentence.tolist(), 1.0)],
                                    RERANK_RRF_K)
    fused = np.array([fusion[i] for i in range(len(pool))])
    order = np.argsort(-fused, kind="stable")[:k]
    scale = (RERANK_RRF_K + 1) / 2
    return [replace(pool[i], rank=rank, score=round(float(fused[i]) * scale, 6))
            for rank, i in enumerate(order, start=1)]


def rerank_open(question: Question, pool: list[Hit], scorer: EvidenceScorer, k: int,
                naming: AbstractSet[str] = frozenset()) -> list[Hit]:
    """The first `k` of `pool` (in first-stage order) for an open question: `open_window`'s
    passages, reordered by the sum of their spread-scaled signals, then the rest of the fused
    order; renumbered, each keeping its fused score (which no longer falls with the rank).
    So `search` and the evaluation show, of the same documents, the passages `ask` reads in
    its order, whatever their `k`."""
    if len(pool) < 2 or k < 1:
        return pool[:k]
    fused, signals = open_window(question, pool, scorer, max(k, OPEN_K), naming)
    window = fused[:OPEN_K]
    order = np.argsort(-(signals / OPEN_SIGNAL_SPREAD).sum(axis=1), kind="stable")
    ranked = [window[i] for i in order] + fused[OPEN_K:]
    return [replace(hit, rank=rank) for rank, hit in enumerate(ranked[:k], start=1)]


def open_window(question: Question, pool: list[Hit], scorer: EvidenceScorer, k: int = OPEN_K,
                naming: AbstractSet[str] = frozenset()) -> tuple[list[Hit], np.ndarray]:
    """The fused order's first `k` of `pool`, and the `open_signals` of its first `OPEN_K`
    (the passages an open question reads). `naming`: words of a document name in the
    question, which say where to look, not what about."""
    best = best_sentence_scores(question.text, pool, scorer)
    fused = _fused(pool, best, k)
    best_of = dict(zip((hit.row for hit in pool), best.tolist(), strict=True))
    window = fused[:OPEN_K]
    return fused, open_signals(question, window, [best_of[hit.row] for hit in window], scorer,
                               naming)


def open_signals(question: Question, hits: list[Hit], best: list[float],
                 scorer: EvidenceScorer, naming: AbstractSet[str] = frozenset()) -> np.ndarray:
    """One row per hit (`best`: each one's best sentence score): best sentence, cosine with
    the question, BM25 score over the best of `hits`, IDF-weighted share of the focus words
    in the text and in the heading path, how many of `hits` share its section (its
    top-level heading, else its page, else its document), length."""
    lexical = scorer.lexical
    weights = {term: lexical.idf(term) for word in question.focus_words
               if not names_the_document(word, naming) for term in lexical.terms(word)}
    total = sum(weights.values()) or 1.0

    def coverage(text: str) -> float:
        terms = set(lexical.terms(text))
        return sum(weight for term, weight in weights.items() if term in terms) / total

    top_lexical = max((hit.lexical_score or 0.0) for hit in hits) or 1.0
    sections = [hit.chunk.section_key for hit in hits]
    return np.array([[best[i], hit.dense_score or 0.0, (hit.lexical_score or 0.0) / top_lexical,
                      coverage(hit.chunk.text), coverage(hit.chunk.section or ""),
                      sections.count(hit.chunk.section_key),
                      min(len(hit.chunk.text.split()), FULL_PASSAGE_WORDS) / FULL_PASSAGE_WORDS]
                     for i, hit in enumerate(hits)])
