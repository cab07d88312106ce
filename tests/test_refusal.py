"""The refusal decision: one function, with its reasons; missing words found by the index."""

import re

from conftest import FakeEmbedder

from assistant.ingest import ingest
from assistant.question import analyse
from assistant.refusal import (
    CARRIED_FLOOR,
    AskedOf,
    carried_meaning,
    decide,
    focal_share,
    lemma,
    missing_notice,
    missing_terms,
    missing_words,
)
from assistant.service import Assistant


def test_the_decision_gives_its_reasons():
    question = analyse("What does the plan say about menopause?")
    refused = decide(question, 0.3, 0.48, ["menopause"], 0.6, True)
    assert not refused.answered and refused.missing == ("menopause",)
    assert any("below" in r for r in refused.reasons)
    assert any("never mention menopause" in r for r in refused.reasons)
    side = decide(analyse("What does the plan say about hubs, menopause care included?"), 0.7,
                  0.48, ["menopause"], 0.1, True)
    assert side.answered and side.reasons == () and side.missing == ("menopause",)
    assert not decide(question, 0.9, 0.48, [], 0.0, False).answered


def test_a_missing_word_naming_what_the_question_asks_about_refuses_it():
    """"navigators" is a small share of the focus, but the question asks what they do."""
    question = analyse("What role will care navigators play in optimising triage to services?")
    refused = decide(question, 0.6, 0.48, ["navigators"], 0.2, True)
    assert not refused.answered and any("asks about" in r for r in refused.reasons)
    side = analyse("What role will the hubs play in optimising triage to services?")
    assert decide(side, 0.6, 0.48, ["optimising"], 0.2, True).answered


def test_a_missing_word_that_carries_little_of_the_question_does_not_refuse_it():
    """...unless it is the head of what the question asks about: the vector barely feels
    "associates" beside "physician", but the question is about the associates."""
    question = analyse("How will the plan help people make sure they are seen sooner?")
    assert decide(question, 0.9, 0.48, ["sure"], 0.6, True, carried=0.2).answered is False
    slight = decide(question, 0.9, 0.48, ["sure"], 0.6, True, carried=0.01)
    assert slight.answered and slight.missing == () and slight.reasons == ()
    head = analyse("What role will physician associates play in the new centres?")
    assert not decide(head, 0.9, 0.48, ["associates"], 0.17, True, carried=0.04).answered
    modifier = analyse("What role will former physician leads play in the new centres?")
    assert decide(modifier, 0.9, 0.48, ["former"], 0.17, True, carried=0.04).answered


def test_a_word_of_what_the_question_asks_about_needs_a_closer_neighbour():
    """Real vectors: "meals" (cosine about 0.63) stands in for "breakfast" as a side word, but
    not in a question about breakfast clubs, whether the clubs are the subject or, after a
    document as subject, the verb's object."""
    from assistant.chunking import Chunk
    from assistant.config import Settings
    from assistant.embeddings import make_embedder
    from assistant.evidence import EvidenceScorer
    from assistant.lexical import LexicalIndex
    from assistant.retrieval import Hit

    settings = Settings()
    chunks = [Chunk(id=f"c{n}", source="doc.md", title="Doc", page=None, section=None,
                    text=text) for n, text in enumerate([
                        "The city will improve school meals and sports clubs for every child.",
                        "Healthy food matters to families across the city."])]
    scorer = EvidenceScorer(make_embedder(settings.model, settings.embedding_backend),
                            LexicalIndex.build(chunks))
    hits = [Hit(chunk, n, n + 1, 1.0) for n, chunk in enumerate(chunks)]
    subject = analyse("What part do school breakfast clubs play in healthy food?")
    assert missing_words(subject, hits, scorer) == ["breakfast"]
    obj = analyse("How will the food strategy support breakfast clubs in schools?")
    assert obj.asked_about == ("breakfast", "clubs")
    assert missing_words(obj, hits, scorer) == ["breakfast"]
    purpose = analyse("How will the food strategy use breakfast to feed children?")
    assert missing_words(purpose, hits, scorer) == ["breakfast"]  # not a verb before "to"
    side = analyse("How will the city improve healthy food, breakfast included?")
    assert "breakfast" not in side.asked_about and missing_words(side, hits, scorer) == []


def test_an_accented_word_is_one_word_and_stands_for_its_plain_spelling():
    """Real vectors: "cafés" is not cut to "caf", and the documents' "cafes" stands in for it."""
    from assistant.chunking import Chunk
    from assistant.config import Settings
    from assistant.embeddings import make_embedder
    from assistant.evidence import EvidenceScorer
    from assistant.lexical import LexicalIndex
    from assistant.retrieval import Hit

    settings = Settings()
    chunk = Chunk(id="c0", source="doc.md", title="Doc", page=None, section=None,
                  text="Mental health cafes opened in every neighbourhood.")
    scorer = EvidenceScorer(make_embedder(settings.model, settings.embedding_backend),
                            LexicalIndex.build([chunk]))
    question = analyse("What does the plan say about mental health cafés?")
    assert "cafés" in question.focus_words
    assert missing_words(question, [Hit(chunk, 0, 1, 1.0)], scorer) == []


def test_the_bundled_model_tells_a_side_word_from_the_subject():
    """Real vectors: 'sure' in 'make sure' carries little of the question, a clinical
    subject a lot, though both have the top IDF of a word no document uses."""
    from types import SimpleNamespace

    from assistant.config import Settings
    from assistant.embeddings import make_embedder

    settings = Settings()
    embedder = make_embedder(settings.model, settings.embedding_backend)
    scorer = SimpleNamespace(embed_sentences=embedder.embed_each)
    side = analyse("How will section 3 make sure patients reach the right service?")
    subject = analyse("Will the new diagnostic centre offer endoscopy?")
    assert carried_meaning(side, ["sure"], scorer) < CARRIED_FLOOR
    assert carried_meaning(subject, ["endoscopy"], scorer) > 2 * CARRIED_FLOOR
    assert carried_meaning(subject, [], scorer) == 0.0
    carers = analyse("Will the plan support carers' assessments?")  # a word ending in "'"
    assert carried_meaning(carers, ["carers'"], scorer) > CARRIED_FLOOR
    hyphened = analyse("What does the plan say about end-of-life care?")
    assert carried_meaning(hyphened, ["life"], scorer) == 0.0  # only whole words go

    def named(text: str, missing: list[str]) -> list[str]:
        return missing_terms(analyse(text), missing, scorer)

    assert named("Why does the plan prioritise sickle cell services for Leicester's diverse "
                 "communities?", ["sickle", "cell", "diverse"]) == ["sickle cell"]
    assert named("Does pledge 1 include specific help for armed forces veterans?",
                 ["armed", "forces", "veterans"]) == ["armed forces veterans"]
    assert named("What role will care navigators play in triage?",
                 ["navigators", "play"]) == ["navigators"]


def test_missing_notice_names_the_words():
    assert missing_notice(["menopause"]) == "The documents don't mention menopause."
    assert missing_notice(["a", "b", "c"]) == "The documents don't mention a, b or c."


def test_a_word_no_chunk_uses_is_missing_and_verbs_are_not(settings, small_corpus,
                                                          fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    question = analyse("What is the diagnostic centre doing about zyxophobia?")
    hits = assistant.retrieve(question.text, 5)
    assert missing_words(question, hits, assistant.scorer) == ["zyxophobia"]
    verbs = analyse("Why were the diagnostic centres quuxified?")
    assert missing_words(verbs, assistant.retrieve(verbs.text, 5), assistant.scorer) == []
    for text in ("Which diagnostic centres does the plan quuxify?",
                 "Which diagnostic centres does it quuxify?"):
        after_subject = analyse(text)
        assert missing_words(after_subject, assistant.retrieve(text, 5),
                             assistant.scorer) == []


def test_a_qualifier_the_documents_never_use_is_not_missing(settings, small_corpus,
                                                           fake_embedder):
    """"What are the key risks?" of documents that never say "key" still asks about risks."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    for text in ("What are the key zyxophobia risks?", "What are the main zyxophobia plans?",
                 "What are the headline zyxophobia actions?"):
        question = analyse(text)
        missing = missing_words(question, assistant.retrieve(text, 5), assistant.scorer)
        assert "zyxophobia" in missing and not {"key", "main", "headline"} & set(missing)


def test_a_subject_after_an_inverted_auxiliary_and_the_object_of_have_are_no_verbs(
        settings, small_corpus, fake_embedder):
    """"What role will zyxophobia testing play…": the auxiliary follows the wh-phrase, so
    the subject comes next; "people who have zyxophobia" has "have" as a main verb. A
    participle is still a verb ("were quuxified", "have taught"), and so is a word before an
    article ("Which centres will quuxify the referrals?": the wh-phrase is the subject) or
    after a wh-word that is the subject ("What quuxifies the centre?")."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    for text, word, missing in (
            ("What role will zyxophobia testing play at the diagnostic centre?", "zyxophobia",
             True),
            ("What support will people who have zyxophobia get at the diagnostic centre?",
             "zyxophobia", True),
            ("Which diagnostic centres were quuxified in 2024?", "quuxified", False),
            ("Which diagnostic centres have taught staff since 2024?", "taught", False),
            ("Which diagnostic centres will quuxify the referrals?", "quuxify", False),
            ("What quuxifies the diagnostic centre?", "quuxifies", False),  # wh-word subject
            ("What zyxophobia services does the diagnostic centre offer?", "zyxophobia",
             True)):
        question = analyse(text)
        found = missing_words(question, assistant.retrieve(text, 5), assistant.scorer)
        assert (word in found) is missing, (text, found)


def test_a_value_asked_after_another_question_does_not_skip_the_check(
        settings, small_corpus, fake_embedder):
    """"How many…?" alone is left to the strength rule; after "What are zyxophobia hubs," the
    question asks about something no document mentions."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings.with_overrides(refusal_threshold=0.0), embedder=fake_embedder)
    answer = assistant.ask("What are zyxophobia hubs, and how many?").to_json()
    assert answer["answered"] is False and answer["missing"] == ["zyxophobia"]
    assert assistant.ask("How many zyxophobia hubs are there?").to_json()["missing"] == []


def test_an_open_question_about_an_unmentioned_thing_is_refused_naming_it(
        settings, small_corpus, fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings.with_overrides(refusal_threshold=0.0), embedder=fake_embedder)
    answer = assistant.ask("What is the plan doing about zyxophobia?").to_json()
    assert answer["answered"] is False and answer["form"] == "refusal"
    assert answer["missing"] == ["zyxophobia"] and answer["citations"] == []
    assert "don't mention zyxophobia" in answer["answer"]


def test_the_kind_of_answer_a_which_phrase_asks_for_is_not_a_missing_topic(
        settings, small_corpus, fake_embedder):
    """'Which national quuxative…' asks for something of that kind, which the documents need
    not call by that name; 'What zyxophobia support…' asks about zyxophobia."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    for text, missing in (("Which national quuxative was the diagnostic centre part of?", []),
                          ("What zyxophobia support will the diagnostic centre offer?",
                           ["zyxophobia"]),
                          ("Besides the diagnostic centre, what opened?", []),
                          ("What will zyxophobes do at the diagnostic centre?", ["zyxophobes"])):
        question = analyse(text)
        assert missing_words(question, assistant.retrieve(text, 5), assistant.scorer) == missing


def test_a_fact_question_about_an_unmentioned_thing_is_refused_naming_it(
        settings, small_corpus, fake_embedder):
    """Only questions asking for a value (a date, number, sum or name) skip the check."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings.with_overrides(refusal_threshold=0.0), embedder=fake_embedder)
    question = "What zyxophobia support will the diagnostic centre offer?"
    assert analyse(question).form == "fact" and analyse(question).kind is None
    answer = assistant.ask(question).to_json()
    assert answer["answered"] is False and answer["missing"] == ["zyxophobia"]


def test_the_words_naming_the_document_asked_of_are_not_part_of_the_focus(
        settings, small_corpus, fake_embedder):
    """'the dementia strategy' says where to look: a missing word weighs more of the rest."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    question = analyse("How will the dementia strategy help families arrange a zyxophobia?")
    whole = focal_share(question, ["zyxophobia"], assistant.scorer)
    scoped = focal_share(question, ["zyxophobia"], assistant.scorer, {"dementia"})
    assert 0 < whole < scoped < 1


def test_ask_leaves_the_naming_words_out_with_or_without_a_document_filter(
        settings, small_corpus, fake_embedder):
    """The refusal weighs the same question the same way whether the user also picked the
    document it names."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings.with_overrides(refusal_threshold=0.0),
                          embedder=fake_embedder)
    text = "What does the sections digest say about zyxophobia?"
    digest = [s for s in assistant.documents if s.endswith("digest.pdf")]
    shares = []
    for sources in (None, digest):
        answer = assistant.ask(text, sources=sources).to_json()
        assert answer["missing"] == ["zyxophobia"]
        shares += re.findall(r"\((\d+)% of what the question is about\)",
                             " ".join(answer["refusal_reasons"]))
    whole = focal_share(analyse(text), ["zyxophobia"], assistant.scorer)
    assert len(shares) == 2 and shares[0] == shares[1] and int(shares[0]) > round(whole * 100)


def test_a_word_the_named_document_never_uses_is_missing_though_another_uses_it(
        settings, small_corpus, fake_embedder):
    """'agency' is in the overview, not in the digest the question asks of."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    digest = [s for s in assistant.documents if s.endswith("digest.pdf")]
    question = analyse("What does the sections digest say about agency spending?")
    hits = assistant.retrieve(question.text, 5, sources=digest)
    assert missing_words(question, hits, assistant.scorer) == []
    asked_of = assistant.asked_of(digest, set())
    assert missing_words(question, hits, assistant.scorer, asked_of) == ["agency", "spending"]
    answer = assistant.ask(question.text).to_json()
    assert answer["documents_named"] == digest and answer["missing"] == ["agency", "spending"]


def test_an_acronym_is_missing_unless_the_documents_spell_it_out(
        settings, small_corpus, fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    question = analyse("What will the diagnostic centre tell the DVLA?")
    hits = assistant.retrieve(question.text, 5)
    assert missing_words(question, hits, assistant.scorer) == ["DVLA"]
    assert missing_words(question, hits, assistant.scorer,
                         AskedOf(acronyms=frozenset({"DVLA"}))) == []
    spelled = analyse("What will the second CDC at Hinckley offer?")
    hits = assistant.retrieve(spelled.text, 5)
    assert any("community diagnostic centre" in hit.chunk.text for hit in hits)
    assert missing_words(spelled, hits, assistant.scorer) == []


def test_a_role_is_missing_when_only_its_activity_is_mentioned(settings, small_corpus):
    """The stemmer makes 'navigators' and 'navigation' one term; the documents name the
    activity, never the people. (Wide hashed vectors: no two words share a slot.)"""
    (small_corpus / "navigation.md").write_text(
        "# Navigation\n\nThe diagnostic centre will improve navigation between services.\n",
        encoding="utf-8")
    embedder = FakeEmbedder(dimension=4096)
    ingest([small_corpus], settings, embedder, show_progress=False)
    assistant = Assistant(settings, embedder=embedder)
    question = analyse("How will care navigators improve the diagnostic centre?")
    hits = assistant.retrieve(question.text, 5)
    assert missing_words(question, hits, assistant.scorer) == []
    asked_of = AskedOf(lemmas=assistant.asked_of([], set()).lemmas)
    assert missing_words(question, hits, assistant.scorer, asked_of) == ["navigators"]
    assert lemma("navigators") == "navigator" and lemma("challenging") == lemma("challenges")
