import numpy as np
import pytest

from assistant.chunking import Chunk
from assistant.config import Settings
from assistant.embeddings import make_embedder
from assistant.evidence import (
    EvidenceScorer,
    focus,
    has_kind,
    question_entities,
    question_kind,
    required_words,
)
from assistant.lexical import LexicalIndex
from assistant.structure import split_sentences


@pytest.mark.parametrize(("text", "expected"), [
    ("One sentence. Another one here.", ["One sentence.", "Another one here."]),
    ("A wrapped PDF line that goes\non to the next line.",
     ["A wrapped PDF line that goes on to the next line."]),
    ("Lead-in:\n- first item here\n- second item here",
     ["Lead-in:", "first item here", "second item here"]),
    ("Q: How much? A: Not found.", ["How much?", "Not found."]),
    ("7. Mental health\nThe seventh section covers it.",
     ["Mental health", "The seventh section covers it."]),
    ("The board of the\nICB met in July.", ["The board of the ICB met in July."]),
    ("Name | Role\nAndy | CEO", ["Name | Role", "Andy | CEO"]),
    ("See e.g. the plan. Dr Smith spoke.", ["See e.g. the plan.", "Dr Smith spoke."]),
    ("", []),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("question", "kind"), [
    ("How many pledges are there?", "number"), ("When was it approved?", "date"),
    ("Who leads LPT?", "name"), ("What is the plan's total budget?", "money"),
    ("How much will the centre cost?", "money"), ("What does the plan say?", None),
    ("What cost-of-living help is there?", None),
    ("What is the average life expectancy in years in Leicester?", "number"),
    ("How long do children wait for an assessment?", "number"),
    ("What is the bowel screening uptake rate?", "number"),
    ("Which construction company is building the centre?", "name"),
    ("What is the name of the chief executive?", "name"),
    ("Apart from Andy Williams, who else led the ICB?", "name"),
    ("Which neighbouring integrated care boards does LLR meet?", "name"),
    ("Which GP practices took part in the trial?", "name"),
    ("Which organisation provides carers' support?", "name"),
    ("Which town will host the centre?", None),  # a one-word place, not a name pair
    ("What is the maximum treatment cost the policy will fund?", "money"),
    ("What is the telephone number of the hub's 24-hour line?", "number"),
    ("From what age are adults offered the health check?", "number"),
    ("How old must a carer be to get the grant?", "number"),
    ("What age-friendly measures does the plan propose?", None),
    ("What age groups does the service cover?", None),
])
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_has_kind_and_focus():
    assert has_kind("number", "eight neighbourhood teams")
    assert not has_kind("date", "no date in this sentence")
    assert has_kind("money", "about £3m of funding") and has_kind(None, "anything")
    assert focus("What does the plan say about women's health?") == "women's health?"
    assert focus("Tell me about pledge 4") == "pledge 4"


@pytest.mark.parametrize(("kind", "text", "question", "expected"), [
    ("number", "The five-year plan has 13 pledges.", "How many pledges are there?", True),
    ("number", "The five-year plan was launched in 2023.", "How many pledges are there?", False),
    ("number", "Diagnostics will come to 13 primary care networks.",
     "Which 13 primary care networks get diagnostics?", False),
    ("number", "A 13-week wait was the norm.", "How many weeks?", False),
    ("name", "A Dementia Strategic Partnership Group will be set up.",
     "Who will chair the Dementia Strategic Partnership Group?", False),
    ("name", "Jane Smith will chair the Dementia Strategic Partnership Group.",
     "Who will chair the Dementia Strategic Partnership Group?", True),
    ("name", "A number of Leicester practices trialled the approach.",
     "Which GP practices took part in the trial?", False),
    ("name", "Carers Support West Sussex is the sole provider.",  # words asked, name new
     "Which organisation gives support to all carers in West Sussex?", True),
])
def test_kind_must_be_news_not_an_echo_of_the_question(kind, text, question, expected):
    assert has_kind(kind, text, question) is expected


@pytest.fixture(scope="module")
def real_scorer() -> EvidenceScorer:
    settings = Settings()
    texts = ["Care is delivered across 132 GP practices in the area.",
             "The football season starts in August.", "Hospitals treat patients."]
    chunks = [Chunk(id=f"c{i}", source="doc.md", title="Doc", page=None, section=None,
                    text=text) for i, text in enumerate(texts)]
    return EvidenceScorer(make_embedder(settings.model, settings.embedding_backend),
                          LexicalIndex.build(chunks))


def test_soft_coverage_credits_paraphrase_but_not_a_missing_subject(real_scorer):
    sentence = "Care is delivered across 132 GP practices in the area."
    exact = real_scorer.soft_coverage("How many GP practices are there?", sentence)
    paraphrase = real_scorer.soft_coverage("How many GP surgeries are there?", sentence)
    unrelated = real_scorer.soft_coverage("How many football clubs are there?", sentence)
    assert exact == pytest.approx(1.0)
    assert unrelated < 0.25 < paraphrase < exact


@pytest.mark.parametrize(("question", "entities"), [
    ("How many GP appointments were delivered in Rutland in 2024/25?", ["Rutland", "2024/25"]),
    ("What was Glenfield Hospital's performance?", ["Glenfield", "Hospital's"]),
    ("What is the key CYP delivery action?", []),  # acronyms may be spelled out elsewhere
    ("What access will GPs get?", []),
    ("Who leads the plan?", []),
    ("Rutland: how many practices?", []),  # the first word is capitalised anyway
])
def test_question_entities(question, entities):
    assert question_entities(question) == entities


@pytest.mark.parametrize(("question", "words"), [
    ("How many GP practices are there in Rutland?", [["practices"]]),
    ("Who chairs the VCSE Alliance?", [["chairs"]]),
    ("What is the name of the chief executive of Healthwatch Rutland?", [["chief"]]),
    ("What does the plan say about dentists?", []),
    ("How many West Sussex care homes specialise in dementia?", [["homes"]]),
    ("Who leads Leicestershire Partnership Trust?",
     [["leads", "leader", "head", "chief", "executive", "director", "chair", "manager",
       "lead"]]),
])
def test_required_words(question, words):
    assert required_words(question) == words


def test_a_count_of_people_in_general_may_name_any_group_of_them():
    """"How many people" is answered by a count of patients or women; "how many children"
    only by children."""
    [people] = required_words("How many people live in Leicester?")
    assert {"people", "patients", "women", "children"} <= set(people)
    assert required_words("How many children were admitted?") == [["children"]]
    people.append("changed")  # the caller's copy, not the module's list
    assert "changed" not in required_words("How many people live in Leicester?")[0]


def test_words_named_elsewhere_in_the_passage_earn_part_credit(real_scorer):
    question = "What ambition did the hospital chief executive describe?"
    sentence = "Our ambition is joined-up care in the right place."
    alone = real_scorer.soft_coverage(question, sentence)
    in_context = real_scorer.soft_coverage(question, sentence,
                                           "The hospital chief executive said this.")
    assert alone < in_context < real_scorer.soft_coverage(
        question, f"The hospital chief executive said: {sentence}")


def test_a_count_stands_next_to_what_it_counts():
    from assistant.evidence import counted_noun, counted_phrase, counts_near

    def term(word: str) -> str:
        return word.lower().rstrip("s")

    assert counted_noun("How many GP practices are there in Rutland?") == "practices"
    assert counted_noun("Who chairs the board?") is None
    phrase = counted_phrase("How many female patients survived?")
    assert phrase[:2] == ["female", "patients"] and "women" in phrase  # a group of people
    assert len(phrase) == len(set(phrase))
    assert counted_phrase("How many beds are there?") == ["beds"]
    assert counted_phrase("With how many local district and borough partnerships for health "
                          "is the board linked?") == ["local", "district", "and", "borough",
                                                      "partnerships"]
    assert counts_near("It works with the six District and Borough Health and Wellbeing "
                       "Partnerships.", {"district", "borough", "partnership"}, term)
    assert not counts_near("It works with the six District and Borough Health and Wellbeing "
                           "Partnerships.", {"partnership"}, term)  # the head alone is far
    assert counts_near("Care is given by 132 GP practices.", {"practice"}, term)
    assert counts_near("Diagnostics in 13 PCNs.", {"network"}, term)
    assert not counts_near("It has nine key sections: prevention, keeping people well.",
                           {"people"}, term)
    assert not counts_near("In 2023 the practices merged.", {"practice"}, term)


def test_caches_stay_consistent_when_threads_share_a_scorer(monkeypatch, fake_embedder):
    """The app answers two questions at once: eviction must never lose a vector mid-call."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    import assistant.evidence as evidence

    monkeypatch.setattr(evidence, "CACHE_SIZE", 8)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so an unlocked eviction would show
    chunk = Chunk(id="c", source="d.md", title="D", page=None, section=None,
                  text="Care homes plan services.")
    scorer = EvidenceScorer(fake_embedder, LexicalIndex.build([chunk]))

    def work(seed: int) -> int:
        for i in range(200):
            texts = [f"sentence {seed} {i} {j}" for j in range(5)]
            assert scorer.embed_sentences(texts).shape == (5, fake_embedder.dimension)
            scorer.term(f"word{seed}{i}")
        return seed

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert sorted(pool.map(work, range(8))) == list(range(8))
    finally:
        sys.setswitchinterval(switch)
    assert len(scorer._cache) <= 8


def test_quoted_sentences_are_attributed_to_their_speaker():
    from assistant.evidence import Quoting, quotation_speakers

    lead = "Jane Smith, chief executive of the trust, said:"
    sentences = [
        "The trust published its plan.",
        f"{lead} “We are proud of the plan.",
        "We will fill our vacancies.",         # same paragraph, still quoted
        "“Our staff are our strength.",        # a new paragraph continues the quotation
        "Thank you to everyone.”",
        "The plan runs for five years.",
        'A "team of teams" ethos is central.',  # scare quotes name no speaker
    ]
    speakers, left = quotation_speakers(sentences)
    assert speakers == ["", lead, lead, lead, lead, "", ""]
    assert left == Quoting("", lead)
    straight = [s.replace("“", '"').replace("”", '"') for s in sentences]
    assert quotation_speakers(straight)[0] == speakers
    # a passage that starts inside a quotation left open by the passage before
    carried, _ = quotation_speakers(["We will recruit more nurses.", "Thanks.”", "Next."],
                                    Quoting(lead, lead))
    assert carried == [lead, lead, ""]


@pytest.mark.parametrize(("text", "expected"), [
    ("A joint approach to dementia … 42 Monitoring delivery and impact … 43", True),
    ("Introduction ... 4 Our priorities ... 9", True),
    ("Children and young people", True), ("Why does it matter?", True),
    ("The split is into:", True), ("Too short.", True),
    ("Eight neighbourhood teams will deliver care.", False),
    ("The plan was approved on 13 July 2023 by the board", False),
    ("The board is chaired by Jane Smith, who was appointed in 2021.", False),
    ("About 1.1 million people live in the area.", False),
])
def test_contents_lines_headings_and_questions_are_not_claims(text, expected):
    from assistant.evidence import not_a_claim

    assert not_a_claim(text) is expected


def test_stored_sentence_vectors_spare_the_embedder(fake_embedder):
    """A passage's sentences come with vectors stored at ingest: only a passage whose stored
    vectors don't match its sentences (split by another version) is embedded."""
    from assistant.evidence import passage_sentences
    from assistant.retrieval import Hit

    chunks = [Chunk(id=f"c{i}", source="d.md", title="D", page=None, section=None,
                    text=f"Care homes {i} plan services. Staff {i} get training.")
              for i in range(2)]
    stored = {0: fake_embedder.embed(list(passage_sentences(chunks[0].text))),
              1: fake_embedder.embed(["only one sentence"])}
    asked: list[list[int]] = []

    def read(rows: list[int]) -> list[np.ndarray]:
        asked.append(rows)
        return [stored[row].astype(np.float16) for row in rows]

    scorer = EvidenceScorer(fake_embedder, LexicalIndex.build(chunks), read)
    hits = [Hit(chunk, row, row + 1, 1.0) for row, chunk in enumerate(chunks)]
    before = fake_embedder.embedded
    sentences = scorer.sentences(hits)
    vectors = scorer.embed_sentences([s.text for s in sentences])
    assert fake_embedder.embedded - before == 2  # the second passage's two sentences only
    np.testing.assert_allclose(vectors[:2], stored[0], atol=1e-3)
    scorer.sentences(hits)
    assert asked == [[0, 1]]  # cached since: the index is not read again


@pytest.mark.parametrize(("text", "expected"), [
    ("See the separate pledges document for more detail.", True),
    ("Please refer to the full version of the plan for further information.", True),
    ("Full details of the £2.3 million investment are set out in Appendix B.", True),
    ("For more information, visit the partnership website.", True),
    ("See more patients in the community every year.", False),
    ("See a pharmacist for further advice if a sore throat lasts for more than a week.", False),
    ("Read the eligibility criteria in section 4 of this policy before applying.", False),
    ("Further information will be published on the ICB website in March 2025.", False),
    ("We will make more information available in community languages by 2025.", False),
])
def test_a_cross_reference_only_sends_the_reader_elsewhere(text, expected):
    from assistant.evidence import CROSS_REFERENCE

    assert (CROSS_REFERENCE.search(text) is not None) is expected
