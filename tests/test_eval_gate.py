"""The quality gate: evaluate the sample corpus with the real model and fail when any figure
falls below `eval/thresholds.toml` (measured values minus a small margin)."""

import tomllib

import pytest
from conftest import ROOT

from assistant.config import Settings
from assistant.embeddings import make_embedder
from assistant.evaluation.open import load_open, open_figures, run_open
from assistant.evaluation.qa import load_qa
from assistant.evaluation.runner import run, summarise
from assistant.ingest import ingest
from assistant.service import Assistant

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> dict:
    """The contract's figures for eval/qa.jsonl, and under "open" the open set's figures for
    its sample-corpus questions (both halves: this is a regression gate, not a report)."""
    settings = Settings(index=tmp_path_factory.mktemp("gate") / "index")
    embedder = make_embedder(settings.model, settings.embedding_backend)
    ingest([ROOT / "corpus"], settings, embedder, show_progress=False)
    assistant = Assistant(settings, embedder=embedder)
    records = run(assistant, load_qa(ROOT / "eval" / "qa.jsonl"), show_progress=False)
    sample = [item for item in load_open(ROOT / "eval" / "open.jsonl")
              if item.sources[0].startswith("corpus/")]
    figures = open_figures(run_open(assistant, sample, show_progress=False))
    return summarise(records, settings.refusal_threshold) | {
        "open": {key: figures[key] for key in ("answer_recall", "cited_recall",
                                               "near_misses_refused")}}


def _minimums() -> list[tuple[str, str, float]]:
    limits = tomllib.loads((ROOT / "eval" / "thresholds.toml").read_text())
    return [(group, key, value) for group, values in limits.items()
            if group != "commitments"  # gated in test_commitments.py
            for key, value in values.items()]


def test_contract_shape_and_ranges(summary):
    assert summary["n"] >= 120
    for group in ("retrieval", "answer", "refusal"):
        assert all(0.0 <= v <= 1.0 for v in summary[group].values()), group
    assert set(summary["retrieval"]) == {"hit@1", "hit@5", "mrr", "ndcg@10"}
    assert {"correctness", "faithfulness", "citation_precision", "citation_recall"} <= \
        set(summary["answer"])
    assert summary["latency_ms"]["p50"] <= summary["latency_ms"]["p95"]


@pytest.mark.parametrize(("group", "key", "minimum"), _minimums(),
                         ids=[f"{g}.{k}" for g, k, _ in _minimums()])
def test_figure_meets_its_threshold(summary, group, key, minimum):
    assert summary[group][key] >= minimum, f"{group}.{key} fell to {summary[group][key]}"
