import pytest

from assistant.evaluation import metrics


def test_quote_in_passage_tolerates_whitespace_and_chunk_cuts():
    passage = "The ICB Board approved\nthe plan on 13 July 2023. More text."
    assert metrics.quote_in_passage("approved the plan on 13 July 2023", passage)
    long_quote = "the plan on 13 July 2023. More text. And this part is in the next chunk."
    assert not metrics.quote_in_passage(long_quote, passage)
    cut = "approved the plan on 13 July 2023. More text. Next"
    assert metrics.quote_in_passage(cut, passage)


def test_retrieval_scores_use_llama_index_definitions():
    scores = metrics.retrieval_scores(["b"], ["a", "b", "c"])
    assert scores["hit@1"] == 0.0 and scores["hit@5"] == 1.0 and scores["mrr"] == 0.5
    assert 0 < scores["ndcg@10"] < 1
    assert metrics.retrieval_scores([], ["a"]) == {"hit@1": 0.0, "hit@5": 0.0, "mrr": 0.0,
                                                    "ndcg@10": 0.0}


def test_key_facts_and_recall():
    assert metrics.key_facts("13 July 2023.") == ["13", "july", "2023"]
    assert metrics.key_fact_recall("Approved on 13 July 2023 [1].", "13 July 2023.") == 1.0
    assert metrics.key_fact_recall("Approved in July [1].", "13 July 2023.") == pytest.approx(1 / 3)
    assert metrics.token_f1("eight neighbourhood teams", "Eight neighbourhood teams.") == 1.0
    assert metrics.token_f1("", "x") == 0.0


def test_citation_support_alce_style():
    passages = {1: "Hinckley will host the second community diagnostic centre in 2024/25.",
                2: "Mental health care moves to eight neighbourhood teams."}
    good = "Hinckley will host the second community diagnostic centre in 2024/25 [1]."
    assert metrics.citation_support(good, passages) == {
        "faithfulness": 1.0, "citation_recall": 1.0, "citation_precision": 1.0}
    wrong = "Hinckley will host the second community diagnostic centre in 2024/25 [2]."
    assert metrics.citation_support(wrong, passages)["citation_recall"] == 0.0
    extra = "Hinckley will host the second community diagnostic centre in 2024/25 [1][2]."
    assert metrics.citation_support(extra, passages)["citation_precision"] == 0.5
    invented = "Hinckley's centre will cost 90 million [1]."
    assert metrics.citation_support(invented, passages)["faithfulness"] == 0.0


def test_refusal_scores_treat_refusal_as_positive():
    answerable = [True, True, False, False]
    answered = [True, False, False, True]
    assert metrics.refusal_scores(answerable, answered) == {"precision": 0.5, "recall": 0.5}
    assert metrics.refusal_scores([True], [True]) == {"precision": 1.0, "recall": 1.0}
