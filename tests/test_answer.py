"""Extractive answers, refusals and the contract's marker rule, on a small real index."""

import re

import pytest

from assistant.answer import Draft, finalise
from assistant.ingest import ingest
from assistant.service import Assistant


def assert_marker_rule(answer: dict) -> None:
    """Every [n] refers to a listed citation; every citation is marked; ids run 1..n."""
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])}
    ids = [c["id"] for c in answer["citations"]]
    assert ids == list(range(1, len(ids) + 1))
    assert markers == set(ids)
    if not answer["answered"]:
        assert ids == [] and markers == set()


@pytest.fixture
def assistant(settings, small_corpus, fake_embedder) -> Assistant:
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    return Assistant(settings.with_overrides(refusal_threshold=0.3), embedder=fake_embedder)


def test_answer_is_the_documents_own_sentence_with_its_citation(assistant):
    answer = assistant.ask("Where is the second community diagnostic centre planned?").to_json()
    assert answer["answered"] is True
    assert "Hinckley" in answer["answer"]
    assert_marker_rule(answer)
    cited = answer["citations"][0]
    assert cited["source"] == "corpus/digest.pdf" and cited["page"] == 2
    assert cited["quote"] in cited["text"]
    assert answer["answer"].split(" [1]")[0] in cited["text"]
    assert set(answer["timings_ms"]) == {"retrieve", "answer", "total"}
    assert answer["backend"] == "extractive"


def test_unsupported_question_is_refused_without_claims(assistant):
    answer = assistant.ask("Which football club sponsors the orchestra?").to_json()
    assert answer["answered"] is False
    assert answer["answer"].startswith("The documents don't cover this")
    assert_marker_rule(answer)


def test_restricting_to_a_document_only_cites_that_document(assistant):
    answer = assistant.ask("What does the plan say?", sources=["corpus/notes.txt"]).to_json()
    assert {c["source"] for c in answer["citations"]} <= {"corpus/notes.txt"}


def test_a_question_naming_a_document_is_asked_of_it(assistant):
    """"the digest" names one document of the library: only its passages are read, and the
    JSON says which document was named; a question naming none reads them all."""
    named = assistant.ask("What does the digest say about women's health hubs?").to_json()
    assert named["documents_named"] == ["corpus/digest.pdf"]
    assert named["answered"] and {c["source"] for c in named["citations"]} == {
        "corpus/digest.pdf"}
    unnamed = assistant.ask("When did the board approve the plan?").to_json()
    assert unnamed["documents_named"] == []
    assert {c["source"] for c in unnamed["citations"]} == {"corpus/overview.md"}


def test_follow_up_uses_the_history(assistant):
    first = assistant.ask("Where is the second community diagnostic centre planned?")
    follow = assistant.ask("And that centre?", history=[first.query or first.question])
    assert follow.query and "diagnostic" in follow.query


def test_finalise_renumbers_by_first_use_and_drops_unknown_markers(assistant):
    hits = assistant.retrieve("plan", k=3)
    text, citations = finalise(Draft("B [3]. A [1]. Ghost [9]. B again [3].", "x"), hits)
    assert text == "B [1]. A [2]. Ghost. B again [1]."
    assert [c.hit for c in citations] == [hits[2], hits[0]]


def test_unknown_document_filter_is_an_error_naming_it(assistant):
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match=r"not in the index: nope\.md"):
        assistant.ask("What does the plan say?", sources=["nope.md"])


def test_bracketed_numbers_in_documents_never_pose_as_markers(settings, tmp_path,
                                                             fake_embedder):
    corpus = tmp_path / "brackets"
    corpus.mkdir()
    (corpus / "beds.md").write_text(
        "# Hospital beds [2]\n\n## Capacity [1]\n\nThe ward holds forty patients [7]. "
        "A new ward opened in 2021 [1]. See the annual report [2023].\n")
    ingest([corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings.with_overrides(refusal_threshold=0.0),
                          embedder=fake_embedder)
    for question in ("How many patients does the ward hold?", "When did the new ward open?"):
        assert_marker_rule(assistant.ask(question).to_json())
    refused = Assistant(settings.with_overrides(refusal_threshold=1.0),
                        embedder=fake_embedder).ask("Price of tea?").to_json()
    assert_marker_rule(refused)
    assert "Hospital beds (2)" in refused["answer"]


def _evidence(question: str, texts_and_scores: list[tuple[str, float]]):
    import numpy as np

    from assistant.answer import Evidence
    from assistant.chunking import Chunk
    from assistant.evidence import Sentence
    from assistant.retrieval import Hit

    hit = Hit(Chunk("c1", "doc.md", "Doc", None, None, " ".join(t for t, _ in texts_and_scores)),
              row=0, rank=1, score=1.0)
    sentences = [Sentence(text, 0, i) for i, (text, _) in enumerate(texts_and_scores)]
    scores = np.array([s for _, s in texts_and_scores])
    return Evidence(question, [hit], sentences, scores, scores, 1.0)


def test_a_when_question_is_answered_by_a_sentence_with_a_date():
    from assistant.answer.extractive import ExtractiveBackend

    evidence = _evidence("When was the care board set up?", [
        ("Delivery actions from the care board's joint forward plan for the area", 0.80),
        ("The care board was formed in July 2022 to plan local services.", 0.70),
    ])
    picked = ExtractiveBackend().select(evidence)
    assert picked[0].text.startswith("The care board was formed in July 2022")


def test_a_quoted_answer_names_its_speaker_from_the_same_passage():
    from assistant.answer.extractive import ExtractiveBackend

    lead = "Jane Smith, chief executive of the trust, said:"
    evidence = _evidence("What did the chief executive say about vacancies?", [
        (f"{lead} “We are proud of our plan.", 0.40),
        ("We are working hard to fill our vacancies.”", 0.90),
    ])
    evidence.speakers = [lead, lead]
    text = ExtractiveBackend().draft(evidence).text
    assert text == f"{lead} “We are working hard to fill our vacancies” [1]."
    evidence.speakers = ["", ""]  # no speaker known: the sentence as written
    assert ExtractiveBackend().draft(evidence).text == (
        "We are working hard to fill our vacancies [1].”")


def test_further_sentences_for_a_typed_question_must_hold_that_kind_too():
    from assistant.answer.extractive import ExtractiveBackend

    evidence = _evidence("When was the care board set up?", [
        ("The care board was formed in July 2022 to plan local services.", 0.80),
        ("The care board plans local services for the whole area.", 0.79),
        ("The care board met again in March 2023 to agree its plan.", 0.75),
    ])
    picked = [s.text for s in ExtractiveBackend().select(evidence)]
    assert picked == ["The care board was formed in July 2022 to plan local services.",
                      "The care board met again in March 2023 to agree its plan."]


def test_a_far_weaker_typed_sentence_does_not_lead():
    from assistant.answer.extractive import ExtractiveBackend

    evidence = _evidence("When was the care board set up?", [
        ("The care board plans services for the whole area and its people.", 0.80),
        ("Something unrelated happened in 2019 somewhere else entirely.", 0.30),
    ])
    picked = ExtractiveBackend().select(evidence)
    assert [s.text for s in picked] == [
        "The care board plans services for the whole area and its people."]


def test_a_figure_for_somewhere_else_is_not_evidence(assistant):
    """The same figure question about a place its passage never names is a near miss."""
    plain = "How many neighbourhood teams will mental health be organised into?"
    elsewhere = "How many neighbourhood teams will mental health be organised into in Rutland?"
    about_area = assistant.gather(plain, assistant.retrieve(plain))
    about_rutland = assistant.gather(elsewhere, assistant.retrieve(elsewhere))
    assert about_area.grounded and not about_rutland.grounded
    assert about_rutland.strength < 0.6 * about_area.strength
    threshold = 0.6 * about_area.strength
    assert assistant.ask(plain, refusal_threshold=threshold).answered
    assert not assistant.ask(elsewhere, refusal_threshold=threshold).answered


def test_coverage_comes_from_a_sentence_about_the_place_asked(settings, small_corpus,
                                                               fake_embedder):
    """A well-covered answer about Bristol must not lend its coverage to a Leicester passage
    that only names someone."""
    (small_corpus / "bristol.md").write_text(
        "# Bristol news\n\nThe new health hub was opened by Jane Smith last spring.\n",
        encoding="utf-8")
    (small_corpus / "leicester.md").write_text(
        "# Leicester council\n\nIn Leicester, John Brown chairs the council.\n",
        encoding="utf-8")
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    anywhere = "Who opened the new health hub?"
    in_leicester = "Who opened the new health hub in Leicester?"
    general = assistant.gather(anywhere, assistant.retrieve(anywhere))
    local = assistant.gather(in_leicester, assistant.retrieve(in_leicester))
    assert general.typed_coverage > 0.8
    assert local.grounded and local.typed_coverage < 0.5 * general.typed_coverage


def test_a_quotation_counts_its_speaker_named_sentences_earlier(tmp_path, monkeypatch):
    """'What did Jane Smith say…' is answered by a quoted sentence that never names her."""
    from assistant.config import Settings
    from assistant.embeddings import make_embedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "launch.md").write_text(
        "# Plan launch news\n\nThe trust launched its five-year plan this week.\n\n"
        "Jane Smith, chief executive of the trust, said: “We are proud to launch the plan "
        "and thank everyone who took part. We want people to get care close to home.\n\n"
        "“Our staff work with great dedication, and we are working hard to fill the large "
        "number of vacancies which affects our ability to meet demand.”\n\n"
        "The plan will be reviewed every year.\n", encoding="utf-8")
    settings = Settings(root=tmp_path, index=tmp_path / "index", corpus=corpus)
    embedder = make_embedder(settings.model, settings.embedding_backend)
    ingest([corpus], settings, embedder, show_progress=False)
    assistant = Assistant(settings, embedder=embedder)
    question = "What problem did Jane Smith say affects the ability to meet demand?"
    attributed = assistant.ask(question, refusal_threshold=0.0)
    monkeypatch.setattr(Assistant, "_speakers",
                        lambda self, hit: [""] * len(assistant.scorer.sentences([hit])))
    unattributed = assistant.ask(question, refusal_threshold=0.0)
    assert attributed.strength > unattributed.strength + 0.05  # the speaker's name counts
    assert "vacancies" in attributed.text and "Jane Smith" in attributed.text


def test_list_items_end_as_sentences_and_topics_do_not_repeat_titles():
    from assistant.answer import refusal_text, with_marker
    from assistant.chunking import Chunk
    from assistant.retrieval import Hit

    assert with_marker("improve continuity of care;", 2) == "Improve continuity of care [2]."
    same = Hit(Chunk("a", "a.md", "Plan overview", None, "Plan overview", "x"), 0, 1, 1.0)
    other = Hit(Chunk("b", "b.md", "Digest", None, "Workforce", "y"), 1, 2, 0.5)
    text = refusal_text("q", [same, other])
    assert "Plan overview; Digest › Workforce." in text and "overview ›" not in text


def _passages_evidence(question: str, texts: list[str], scores: list[float]):
    """Evidence over whole passages, one sentence per unit as `passage_units` reads them."""
    import numpy as np

    from assistant.answer import Evidence
    from assistant.chunking import Chunk
    from assistant.evidence import Sentence
    from assistant.retrieval import Hit
    from assistant.structure import passage_units

    hits = [Hit(Chunk(f"c{n}", "doc.md", "Doc", None, None, text), row=n, rank=n + 1,
                score=1.0) for n, text in enumerate(texts)]
    sentences = [Sentence(u.text, n, i) for n, text in enumerate(texts)
                 for i, u in enumerate(passage_units(text))]
    values = np.array(scores)
    return Evidence(question, hits, sentences, values, values, 1.0)


def test_a_list_item_is_quoted_after_its_lead_in():
    from assistant.answer.extractive import ExtractiveBackend
    from assistant.structure import passage_units

    text = ("Several things about the plan could not be found in public sources:\n\n"
            "- the name of the board chair at the time of approval;\n"
            "- the plan's own budget.")
    assert [u.role for u in passage_units(text)] == ["lead", "item", "item"]
    evidence = _passages_evidence("Who chairs the board?", [text], [0.2, 0.9, 0.3])
    assert ExtractiveBackend().draft(evidence).text == (
        "Several things about the plan could not be found in public sources [1]:\n"
        "- The name of the board chair at the time of approval [1].")
    evidence.scores[2] = 0.85  # two items of one list: one lead-in
    assert ExtractiveBackend().draft(evidence).text == (
        "Several things about the plan could not be found in public sources [1]:\n"
        "- The name of the board chair at the time of approval [1].\n- The plan's own budget [1].")


def test_a_heading_is_no_antecedent_for_a_pointing_sentence():
    from assistant.answer.extractive import ExtractiveBackend

    evidence = _evidence("Does the policy fund experimental treatments?", [
        ("Experimental and unproven treatments", 0.50),
        ("This part of the policy explains when experimental treatments can be funded.", 0.90),
        ("The board funded experimental treatments for nobody last year at all.", 0.10),
    ])
    picked = [s.text for s in ExtractiveBackend().select(evidence)]
    assert picked == ["This part of the policy explains when experimental treatments can be "
                      "funded."]
    evidence = _evidence("Does the policy fund experimental treatments?", [
        ("The panel funds experimental treatments only within a research trial.", 0.50),
        ("This keeps experimental treatments under review by the panel.", 0.90),
    ])
    assert len(ExtractiveBackend().select(evidence)) == 2  # a claim before "This" comes too


def test_an_items_further_sentence_stays_on_its_bullet_and_a_lead_in_returns_after_prose():
    from assistant.answer.extractive import ExtractiveBackend

    text = ("The hubs the board agreed to open are:\n\n"
            "- a hub in Oakham for the east. It opens on weekdays.\n"
            "- a hub in Melton for the north.")
    prose = "Every hub in the county will be run by the community team."
    evidence = _passages_evidence("Where will the hubs open?", [text, prose],
                                  [0.1, 0.9, 0.85, 0.1, 0.1])
    sentences = evidence.sentences
    assert ExtractiveBackend().draft(evidence).text == (
        "The hubs the board agreed to open are [1]:\n"
        "- A hub in Oakham for the east [1]. It opens on weekdays [1].")
    ordered = [sentences[1], sentences[4], sentences[3]]  # prose between two items of one list
    lines = ExtractiveBackend()._lines(ordered, evidence)
    assert [(line.text, line.bullet) for line in lines] == [
        ("The hubs the board agreed to open are:", ""), ("a hub in Oakham for the east.", "-"),
        (prose, ""), ("The hubs the board agreed to open are:", ""),
        ("a hub in Melton for the north.", "-")]


def test_a_fact_answer_quotes_no_cross_reference_and_no_lead_in_across_a_paragraph():
    from assistant.answer.extractive import ExtractiveBackend
    from assistant.structure import passage_units

    text = ("Our aims for 2025 are:\n\n- cut waits for planned operations.\n\n"
            "See the separate waiting list document for more detail.\n\n"
            "- the council runs public health services in the city.")
    assert [(u.role, u.group) for u in passage_units(text)] == [
        ("lead", 0), ("item", 0), ("sentence", -1), ("item", 0)]
    evidence = _passages_evidence("Who runs public health services?", [text],
                                  [0.1, 0.2, 0.95, 0.9])
    assert ExtractiveBackend().draft(evidence).text == (
        "The council runs public health services in the city [1].")


def test_prose_after_a_bullet_is_its_own_paragraph():
    from assistant.answer.compose import Line, render

    assert render([Line("Our aims are:", 1), Line("cut waits.", 1, "-"),
                   Line("Waits fell last year.", 2)]) == (
        "Our aims are [1]:\n- Cut waits [1].\n\nWaits fell last year [2].")
