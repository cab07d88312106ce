"""Second-stage ranking by best sentence, with the real bundled model: a passage that answers
in one sentence rises above passages that only scatter the question's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embeddings import make_embedder
from assistant.errors import ConfigError
from assistant.ingest import ingest
from assistant.question import analyse
from assistant.rerank import best_sentence_scores, open_signals, rerank, rerank_open
from assistant.service import Assistant

QUESTION = "What workforce problem limits the ability to meet demand?"
ANSWERING = ("The chief executive said this was the board's first five-year plan and thanked "
             "partners in councils, charities and other public services. The plan sets out how "
             "services will work together to keep people healthy and independent for longer. "
             "Colleagues were praised for their dedication and professionalism. We are working "
             "hard to fill the large number of vacancies, which limits our ability to meet "
             "demand. The launch event was held in the city centre and attended by local "
             "leaders.")
SCATTERED = [  # every question word, but no sentence that answers
    "Workforce planning is a problem. Demand rises. Ability varies. Meeting targets is hard. "
    "Workforce matters.",
    "The workforce team met. Demand was discussed. The problem list grew. Ability to meet was "
    "noted.",
    "Problem solving sessions ran. Workforce leads attended. Demand modelling continued. "
    "Ability scores rose.",
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("rerank")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "launch.md").write_text(f"# Plan launch\n\n{ANSWERING}\n", encoding="utf-8")
    for number, text in enumerate(SCATTERED):
        (corpus / f"note{number}.md").write_text(f"# Workforce note {number}\n\n{text}\n",
                                                 encoding="utf-8")
    settings = Settings(root=root, index=root / "index", corpus=corpus)
    ingest([corpus], settings, make_embedder(settings.model, settings.embedding_backend),
           show_progress=False)
    return settings


@pytest.fixture(scope="module")
def assistant(settings) -> Assistant:
    return Assistant(settings)


def _names(hits) -> list[str]:
    return [Path(hit.chunk.source).name for hit in hits]


def test_the_answering_passage_rises_above_scattered_word_matches(assistant):
    first_stage = _names(assistant.retriever.search(QUESTION, 4))
    reranked = _names(assistant.retrieve(QUESTION, 4))
    assert first_stage.index("launch.md") == 3  # BM25 and the chunk vector put it last
    assert reranked.index("launch.md") < first_stage.index("launch.md")
    assert sorted(reranked) == sorted(first_stage)  # reordered, nothing lost or added


def test_best_sentence_scores_put_the_answering_passage_first(assistant):
    pool = assistant.retriever.search(QUESTION, 4)
    scores = best_sentence_scores(QUESTION, pool, assistant.scorer)
    assert _names(pool)[int(scores.argmax())] == "launch.md"


def test_reranked_hits_are_renumbered_and_scored_one_for_first_in_both(assistant):
    pool = assistant.retriever.search(QUESTION, 4)
    hits = rerank(QUESTION, pool, assistant.scorer, 3)
    assert [hit.rank for hit in hits] == [1, 2, 3]
    assert all(0 < hit.score <= 1.0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    alone = rerank(QUESTION, pool[:1], assistant.scorer, 3)
    assert alone == pool[:1] and rerank(QUESTION, [], assistant.scorer, 3) == []


def test_pool_zero_is_first_stage_retrieval(settings):
    plain = Assistant(settings.with_overrides(rerank_pool=0))
    assert _names(plain.retrieve(QUESTION, 4)) == _names(plain.retriever.search(QUESTION, 4))


def test_ask_and_search_see_the_same_reranked_passages(assistant):
    answer = assistant.ask(QUESTION)
    searched = assistant.retrieve(QUESTION)
    assert answer.citations and answer.citations[0].hit.chunk.id in {h.chunk.id for h in searched}
    assert "vacancies" in answer.text


def test_a_negative_pool_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="rerank_pool=-1"):
        Settings(root=tmp_path, rerank_pool=-1)


OPEN_QUESTION = "What are the strategy's priorities?"
PRIORITIES = """# Our priorities

The strategy sets five priorities for the next five years:

- Giving every child a healthy start, with more support for parents in the early years.
- Helping people with long-term conditions to manage them at home, close to their families.
- Joining up mental health care between GPs, hospitals and community teams.
- Cutting the gap in healthy life expectancy between the richest and poorest areas.
- Making the county a good place to work in health and care, so that staff stay.
"""
BOARD_NOTE = """# Board meeting

The board discussed the strategy's priorities.
"""


@pytest.fixture(scope="module")
def open_assistant(tmp_path_factory) -> Assistant:
    root = tmp_path_factory.mktemp("rerank-open")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "priorities.md").write_text(PRIORITIES, encoding="utf-8")
    (corpus / "board.md").write_text(BOARD_NOTE, encoding="utf-8")
    settings = Settings(root=root, index=root / "index", corpus=corpus)
    ingest([corpus], settings, make_embedder(settings.model, settings.embedding_backend),
           show_progress=False)
    return Assistant(settings)


def test_an_open_question_reads_the_passage_that_lists_its_answer_first(open_assistant):
    question = analyse(OPEN_QUESTION)
    pool = open_assistant.retriever.search(OPEN_QUESTION, 4)
    fused = rerank(OPEN_QUESTION, pool, open_assistant.scorer, 2)
    opened = rerank_open(question, pool, open_assistant.scorer, 2)
    assert _names(fused)[0] == "board.md"  # its one sentence matches the question best
    assert _names(opened) == ["priorities.md", "board.md"]
    assert [hit.rank for hit in opened] == [1, 2]
    assert _names(open_assistant.retrieve(OPEN_QUESTION, 2, question=question)) == \
        _names(opened)


def test_open_signals_see_the_heading_and_the_length(open_assistant):
    question = analyse(OPEN_QUESTION)
    hits = open_assistant.retriever.search(OPEN_QUESTION, 2)
    by_name = dict(zip(_names(hits), open_signals(question, hits, [0.0, 0.0],
                                                  open_assistant.scorer), strict=True))
    assert by_name["priorities.md"][4] > by_name["board.md"][4] == 0.0  # heading coverage
    assert by_name["priorities.md"][6] > 2 * by_name["board.md"][6]  # length
    assert all(row[5] == 1 for row in by_name.values())  # each alone in its section


def test_fewer_passages_are_the_first_of_those_an_open_question_reads(open_assistant):
    question = analyse(OPEN_QUESTION)
    read = open_assistant.retrieve(OPEN_QUESTION, 2, question=question)
    assert open_assistant.retrieve(OPEN_QUESTION, 1, question=question) == read[:1]
    searched = open_assistant.search(OPEN_QUESTION, 1).results  # what `search` shows
    assert [Path(result.source).name for result in searched] == _names(read[:1])
    assert rerank_open(question, open_assistant.retriever.search(OPEN_QUESTION, 2),
                       open_assistant.scorer, 0) == []


def test_open_rerank_off_keeps_the_best_sentence_order(open_assistant):
    plain = Assistant(open_assistant.settings.with_overrides(open_rerank=False))
    question = analyse(OPEN_QUESTION)
    assert _names(plain.retrieve(OPEN_QUESTION, 2, question=question)) == \
        _names(plain.retrieve(OPEN_QUESTION, 2)) == ["board.md", "priorities.md"]
