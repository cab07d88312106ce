"""Metric functions: pure, on plain values, each with the definition it implements.

Retrieval metrics reuse llama-index's `HitRate`, `MRR` and `NDCG`. The support judgement
(faithfulness, citation precision/recall) is a lexical proxy, not an NLI model: a sentence is
supported by passages when it occurs in them verbatim, or when one span of one passage holds
its figures (each beside the same words), names, most of its content words and any negation
it states (`assistant.answer.validation.supports`, the same check LLM answers get). It cannot
see changed relations between the same words; the report says so.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from assistant.answer.validation import supports
from assistant.stopwords import FUNCTION_WORDS
from assistant.structure import split_sentences

_TOKEN = re.compile(r"[a-z0-9£%]+(?:[.,][0-9]+)*")
_KEY = re.compile(r"£?\d[\d,.]*%?|\b[A-Z][A-Za-z'’-]+\b")
_MARKERS = re.compile(r"\s*\[\d+\]")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def quote_in_passage(quote: str, passage: str) -> bool:
    """The quote is in the passage, or (when a chunk boundary cuts it) at least 60% of it is,
    as its start or its end."""
    quote, passage = normalise(quote), normalise(passage)
    if quote in passage:
        return True
    cut = int(len(quote) * 0.6)
    return cut >= 25 and (quote[:cut] in passage or quote[-cut:] in passage)


def same_source(qa_source: str, chunk_source: str, root: Path) -> bool:
    a = (root / qa_source).resolve() if not Path(qa_source).is_absolute() else Path(qa_source)
    b = (root / chunk_source).resolve() if not Path(chunk_source).is_absolute() \
        else Path(chunk_source)
    return a == b or a.name == b.name


def retrieval_scores(expected: list[str], retrieved: list[str]) -> dict[str, float]:
    from llama_index.core.evaluation.retrieval.metrics import MRR, NDCG, HitRate

    if not expected:
        return {"hit@1": 0.0, "hit@5": 0.0, "mrr": 0.0, "ndcg@10": 0.0}
    return {
        "hit@1": HitRate().compute(expected_ids=expected, retrieved_ids=retrieved[:1]).score,
        "hit@5": HitRate().compute(expected_ids=expected, retrieved_ids=retrieved[:5]).score,
        "mrr": MRR().compute(expected_ids=expected, retrieved_ids=retrieved[:10]).score,
        "ndcg@10": NDCG().compute(expected_ids=expected, retrieved_ids=retrieved[:10]).score,
    }


def strip_markers(text: str) -> str:
    return _MARKERS.sub("", text)


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in FUNCTION_WORDS]


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = Counter(tokens(prediction)), Counter(tokens(reference))
    common = sum((pred & ref).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def key_facts(reference: str) -> list[str]:
    """Figures and capitalised names in the reference; its content words when it has none."""
    facts = [k.strip(".,").lower() for k in _KEY.findall(reference)]
    facts = [f for f in facts if f and f not in FUNCTION_WORDS and len(f) > 1]
    return facts or tokens(reference)


def key_fact_recall(prediction: str, reference: str) -> float:
    facts = key_facts(reference)
    if not facts:
        return 0.0
    answer = normalise(prediction).replace(",", "")
    return sum(f.replace(",", "") in answer for f in facts) / len(facts)


def citation_support(answer: str, passages: dict[int, str]) -> dict[str, float]:
    """Faithfulness and ALCE-style citation recall/precision for one answer.

    recall: a sentence's citations together support it. precision: a citation supports its
    sentence on its own, or the others no longer do without it.
    """
    sentences = [s for s in split_sentences(answer) if strip_markers(s).strip()]
    if not sentences:
        return {"faithfulness": 0.0, "citation_recall": 0.0, "citation_precision": 0.0}
    supported_n = recalled = precise = total = 0
    for sentence in sentences:
        ids = [int(n) for n in re.findall(r"\[(\d+)\]", sentence) if int(n) in passages]
        claim = strip_markers(sentence)
        texts = [passages[i] for i in ids]
        together = bool(ids) and (any(normalise(claim).rstrip(".") in normalise(t)
                                      for t in texts) or supports(claim, texts))
        supported_n += together
        recalled += together
        for i in ids:
            total += 1
            alone = supports(claim, [passages[i]]) or normalise(claim).rstrip(".") in \
                normalise(passages[i])
            rest = [passages[j] for j in ids if j != i]
            precise += together and (alone or not (rest and supports(claim, rest)))
    return {"faithfulness": supported_n / len(sentences),
            "citation_recall": recalled / len(sentences),
            "citation_precision": precise / total if total else 0.0}


def refusal_scores(answerable: list[bool], answered: list[bool]) -> dict[str, float]:
    """Refusal as the positive class: precision among refusals, recall among unanswerable."""
    refused_unanswerable = sum(not a and not d for a, d in zip(answerable, answered,
                                                                strict=True))
    refused = sum(not d for d in answered)
    unanswerable = sum(not a for a in answerable)
    return {"precision": refused_unanswerable / refused if refused else 1.0,
            "recall": refused_unanswerable / unanswerable if unanswerable else 1.0}


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0
