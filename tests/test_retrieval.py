"""Weighted fusion of BM25 and dense rankings, with the acronym-expanded query as extra
lists, on a small real index."""

from __future__ import annotations

import pytest

from assistant.ingest import ingest
from assistant.retrieval import Retriever
from assistant.service import Assistant


@pytest.fixture
def assistant(settings, small_corpus, fake_embedder) -> Assistant:
    (small_corpus / "glossary.md").write_text(
        "# Terms\n\nPrimary care networks (PCNs) group GP practices together.\n\n"
        "# Later\n\nEach PCN shares staff across its practices.\n", encoding="utf-8")
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    return Assistant(settings, embedder=fake_embedder)


def _rows(retriever: Retriever, query: str, **kwargs) -> list[int]:
    return [hit.row for hit in retriever.search(query, 5, **kwargs)]


def test_zero_dense_weight_ranks_as_bm25_alone(assistant):
    lexical_only = Retriever(assistant.snapshot, assistant.embedder, dense_weight=0.0)
    query = "community diagnostic centre"
    assert _rows(lexical_only, query) == _rows(assistant.retriever, query, mode="lexical")


def test_the_expanded_query_adds_passages_that_only_spell_the_acronym_out(assistant):
    retriever = assistant.retriever
    plain = retriever.search("What does a PCN share?", 5, expand=False)
    expanded = retriever.search("What does a PCN share?", 5)
    spelled = [h for h in expanded if "Primary care networks" in h.chunk.text]
    assert spelled and not any("Primary care networks" in h.chunk.text for h in plain[:1])
    assert expanded[0].chunk.text == plain[0].chunk.text  # the plain lists still lead


def test_fused_scores_are_scaled_to_one_for_first_everywhere(assistant):
    hits = assistant.retriever.search("community diagnostic centre Hinckley", 5)
    assert 0 < hits[0].score <= 1.0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_every_hit_carries_its_own_cosine_and_a_bm25_score(assistant):
    """A passage that only the dense or the expanded query's rankings found still gets its
    cosine with the query, read from its stored vector, and its own BM25 score."""
    retriever = assistant.retriever
    hits = retriever.search("What does a PCN share?", 5)
    query = retriever.embedder.embed_batch(["What does a PCN share?"])[0]
    vectors = assistant.snapshot.vectors([hit.row for hit in hits])
    assert [hit.dense_score for hit in hits] == pytest.approx((vectors @ query).tolist(),
                                                              abs=1e-5)
    everyone = assistant.snapshot.lexical_scores("What does a PCN share?",
                                                 range(assistant.snapshot.count))
    assert [hit.lexical_score for hit in hits] == [everyone[hit.row] for hit in hits]
    assert 0.0 in (hit.lexical_score for hit in hits)  # found by the vector alone
    assert all(hit.dense_score is None for hit in retriever.search("PCN", 3, mode="lexical"))
