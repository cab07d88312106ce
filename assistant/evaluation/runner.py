"""Runs a Q&A set through the `Pipeline` and turns the results into figures.

Each question is answered once with refusals switched off, keeping its evidence strength, so
the refusal decision at any threshold is known exactly without re-running: that gives the
default-threshold figures and the whole precision/recall sweep from one pass.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from assistant.evaluation import metrics
from assistant.evaluation.qa import QAItem
from assistant.pipeline import Pipeline
from assistant.question import analyse
from assistant.stores import IndexView

RETRIEVE_K = 10


@dataclass
class Record:
    """One question's outcome, kept whole for the report's failure list."""

    item: QAItem
    answer: dict
    strength: float
    latency_ms: float
    retrieved: list[dict]
    gold: list[str]
    retrieval: dict[str, float]
    cited_evidence: bool
    scores: dict[str, float] = field(default_factory=dict)
    open_threshold: float | None = None  # open questions' own bar (Settings)

    def answered(self, threshold: float) -> bool:
        """Answered at `threshold`, the fact questions' bar; an open question keeps its own."""
        bar = threshold if self.open_threshold is None else self.open_threshold
        return bool(self.answer["citations"]) and self.strength >= bar


def gold_ids(item: QAItem, snapshot: IndexView, root: Path) -> list[str]:
    """Chunks that contain an evidence quote, found by text on the quoted source and page."""
    found = []
    for chunk in snapshot.iter_chunks():
        for evidence in item.evidence:
            if (evidence.page in (None, chunk.page)
                    and metrics.same_source(evidence.source, chunk.source, root)
                    and metrics.quote_in_passage(evidence.quote, chunk.text)):
                found.append(chunk.id)
                break
    return found


def _progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, disable=not enabled,
                leave=False)


def run(pipeline: Pipeline, items: list[QAItem], *, show_progress: bool = True,
        desc: str = "evaluating") -> list[Record]:
    records = []
    root = pipeline.settings.root
    with _progress(len(items), desc, show_progress) as bar:
        for item in items:
            gold = gold_ids(item, pipeline.snapshot, root)
            answer = pipeline.ask(item.question, refusal_threshold=0.0)
            query = answer.query or item.question
            retrieved = pipeline.retrieve(query, RETRIEVE_K,  # what `ask` reads
                                          sources=answer.named or None, question=analyse(query),
                                          naming=pipeline.naming(query)[1] if answer.named
                                          else frozenset())
            data = answer.to_json()
            cited = {c["id"]: c["text"] for c in data["citations"]}
            scores = metrics.citation_support(data["answer"], cited) if cited else {}
            if item.answerable:
                text = metrics.strip_markers(data["answer"])
                scores |= {"key_fact_recall": metrics.key_fact_recall(text, item.answer),
                           "token_f1": metrics.token_f1(text, item.answer)}
            gold_set = set(gold)
            records.append(Record(
                item=item, answer=data, strength=answer.strength or 0.0,
                latency_ms=data["timings_ms"]["total"],
                retrieved=[{"rank": h.rank, "source": h.chunk.source, "page": h.chunk.page,
                            "text": h.chunk.text, "gold": h.chunk.id in gold_set}
                           for h in retrieved],
                gold=gold,
                retrieval=metrics.retrieval_scores(gold, [h.chunk.id for h in retrieved]),
                cited_evidence=any(c.hit.chunk.id in gold_set for c in answer.citations),
                scores=scores,
                open_threshold=pipeline.settings.open_refusal_threshold
                if analyse(answer.query or item.question).open else None,
            ))
            bar.update(1)
    return records


def _mean(values: list[float]) -> float:
    return round(float(np.mean(values)), 4) if values else 0.0


def summarise(records: list[Record], threshold: float, embedder=None) -> dict:
    """The contract's eval JSON (every figure in [0, 1] but latency) plus extra detail."""
    answerable = [r for r in records if r.item.answerable]
    answered = [r for r in records if r.answered(threshold)]
    correctness = [r.scores.get("key_fact_recall", 0.0) if r.answered(threshold) else 0.0
                   for r in answerable]
    summary = {
        "n": len(records),
        "retrieval": {key: _mean([r.retrieval[key] for r in answerable])
                      for key in ("hit@1", "hit@5", "mrr", "ndcg@10")},
        "answer": {
            "correctness": _mean(correctness),
            "faithfulness": _mean([r.scores["faithfulness"] for r in answered]),
            "citation_precision": _mean([r.scores["citation_precision"] for r in answered]),
            "citation_recall": _mean([r.scores["citation_recall"] for r in answered]),
            "token_f1": _mean([r.scores.get("token_f1", 0.0) if r.answered(threshold) else 0.0
                               for r in answerable]),
            "cited_evidence": _mean([float(r.cited_evidence and r.answered(threshold))
                                     for r in answerable]),
        },
        "refusal": {k: round(v, 4) for k, v in metrics.refusal_scores(
            [r.item.answerable for r in records],
            [r.answered(threshold) for r in records]).items()},
        "latency_ms": {"p50": round(metrics.percentile([r.latency_ms for r in records], 50), 2),
                       "p95": round(metrics.percentile([r.latency_ms for r in records], 95), 2)},
        "threshold": threshold,
    }
    if embedder is not None:
        summary["answer"]["similarity"] = _similarity(answerable, threshold, embedder)
    return summary


def _similarity(records: list[Record], threshold: float, embedder) -> float:
    """Mean cosine between each answer and its reference (0 for refusals)."""
    pairs = [(metrics.strip_markers(r.answer["answer"]), r.item.answer) for r in records
             if r.answered(threshold)]
    if not pairs:
        return 0.0
    a = embedder.embed([p[0] for p in pairs])
    b = embedder.embed([p[1] for p in pairs])
    cosines = np.clip(np.sum(a * b, axis=1), 0, 1)
    return round(float(np.sum(cosines)) / len(records), 4)


def threshold_sweep(records: list[Record], thresholds: np.ndarray | None = None) -> list[dict]:
    """Refusal precision/recall and the share of answerable questions answered with their
    evidence cited, at each threshold."""
    grid = np.round(np.arange(0.2, 0.81, 0.025), 3) if thresholds is None else thresholds
    out = []
    answerable = [r for r in records if r.item.answerable]
    for threshold in grid:
        refusal = metrics.refusal_scores([r.item.answerable for r in records],
                                         [r.answered(threshold) for r in records])
        good = sum(r.answered(threshold) and r.cited_evidence for r in answerable)
        out.append({"threshold": float(threshold), **refusal,
                    "answered_with_evidence": good / len(answerable) if answerable else 0.0})
    return out


def retrieval_modes(pipeline: Pipeline, items: list[QAItem]) -> list[dict]:
    """Retrieval figures for lexical, dense and hybrid, each with and without expansion,
    hybrid with the dense ranking weighted as much as BM25's (the weights' justification),
    hybrid reranked by best sentence (`rerank.py`), and the default: that, with open-form
    questions in the open order (`rerank.rerank_open`)."""
    from assistant.retrieval import Retriever

    answerable = [i for i in items if i.answerable]
    root = pipeline.settings.root
    gold = {i.id: gold_ids(i, pipeline.snapshot, root) for i in answerable}
    equal = Retriever(pipeline.snapshot, pipeline.embedder, dense_weight=1.0,
                      expanded_weight=pipeline.settings.expanded_weight)
    runs: list[tuple[str, Callable[[str], list]]] = [
        (f"{mode}{' + acronyms' if expand else ''}",
         partial(pipeline.retrieve, k=RETRIEVE_K, mode=mode, expand=expand, reranked=False))
        for mode in ("lexical", "dense", "hybrid") for expand in (False, True)]
    runs.append(("hybrid + acronyms, dense weighted as BM25",
                 partial(equal.search, k=RETRIEVE_K)))
    runs.append((f"hybrid + acronyms, best {pipeline.settings.rerank_pool} by sentence",
                 partial(pipeline.retrieve, k=RETRIEVE_K)))
    runs.append((f"hybrid + acronyms, best {pipeline.settings.rerank_pool} by sentence, "
                 "open questions in the open order (default)",
                 lambda query: pipeline.retrieve(query, RETRIEVE_K, question=analyse(query))))
    rows = []
    for name, search in runs:
        started = time.perf_counter()
        scores = [metrics.retrieval_scores(gold[item.id],
                                           [h.chunk.id for h in search(item.question)])
                  for item in answerable]
        elapsed = (time.perf_counter() - started) * 1000 / max(1, len(answerable))
        rows.append({"config": name, **{k: _mean([s[k] for s in scores]) for k in scores[0]},
                     "ms_per_query": round(elapsed, 2)})
    return rows


def chunk_size_runs(pipeline: Pipeline, items: list[QAItem], sizes: list[int],
                    workdir: Path, show_progress: bool = True) -> list[dict]:
    """Re-index the same documents at each chunk size and evaluate each, same model."""
    from assistant.ingest import ingest

    root = pipeline.settings.root
    paths = [Path(s) if Path(s).is_absolute() else root / s for s in pipeline.documents]
    rows = []
    for size in sizes:
        settings = pipeline.settings.with_overrides(
            index=workdir / f"chunk-{size}", store="", chunk_size=size,
            chunk_overlap=max(8, size * 15 // 100))
        report = ingest(paths, settings, pipeline.embedder, show_progress=False)
        other = Pipeline(settings, embedder=pipeline.embedder)
        records = run(other, items, show_progress=show_progress, desc=f"chunk size {size}")
        summary = summarise(records, pipeline.settings.refusal_threshold)
        rows.append({"config": f"chunk {size} / overlap {settings.chunk_overlap}",
                     "chunks": report.chunks, **summary["retrieval"],
                     "correctness": summary["answer"]["correctness"],
                     "cited_evidence": summary["answer"]["cited_evidence"],
                     "refusal_recall": summary["refusal"]["recall"],
                     "p50_ms": summary["latency_ms"]["p50"]})
    return rows
