"""Which documents a question names: titles and file names matched by their rarer words."""

import pytest

from assistant.naming import mentioned_names, name_words, named_documents

LIBRARY = {
    "pdf/leeds__SharedRIStrategy_Contents_Final.pdf": "Shared research and innovation strategy",
    "text/Healthy-Leeds-Plan-Executive-Summary.md": "Healthy Leeds Plan Executive Summary",
    "text/leeds_health_wellbeing_strategy_2023-2030.md": "part of a range of organisations",
    "pdf/westsussex__dementia-strategy-2020-2023-v14.pdf": "Westsussex dementia strategy",
    "pdf/westsussex__JHWB-strategy-cost-of-living-addendum.pdf": "Cost of living addendum",
    "pdf/westsussex__Final-JHWS-2019-2024.pdf": "Westsussex Final JHWS 2019 2024",
    "pdf/nhsengland__Commissioning-policy-individual-funding-requests-v3.pdf": "IFR policy",
    "text/medium-term-planning-framework-2026-27-to-2028-29.md": "Framework",
}


@pytest.mark.parametrize(("question", "named"), [
    ("What five commitments does the Leeds R&I strategy make?",
     ["pdf/leeds__SharedRIStrategy_Contents_Final.pdf"]),
    ("What does the dementia strategy say about carers?",
     ["pdf/westsussex__dementia-strategy-2020-2023-v14.pdf"]),
    ("How does NHS England's IFR policy handle cosmetic procedures?",
     ["pdf/nhsengland__Commissioning-policy-individual-funding-requests-v3.pdf"]),
    ("How does the addendum define the cost of living squeeze?",
     ["pdf/westsussex__JHWB-strategy-cost-of-living-addendum.pdf"]),
    ("What does the NHS medium-term framework ask of mental health services?",
     ["text/medium-term-planning-framework-2026-27-to-2028-29.md"]),
    ("Which groups does the West Sussex strategy say fare worst?",  # every West Sussex one
     ["pdf/westsussex__dementia-strategy-2020-2023-v14.pdf",
      "pdf/westsussex__JHWB-strategy-cost-of-living-addendum.pdf",
      "pdf/westsussex__Final-JHWS-2019-2024.pdf"]),
])
def test_a_named_document_is_found_by_its_title_or_file_name(question, named):
    assert sorted(named_documents(question, LIBRARY)) == sorted(named)


@pytest.mark.parametrize("question", [
    "What does the plan say about mental health?",  # a document word alone, in many names
    "What local plans are there for continuity of care?",  # a plural names a kind
    "How will the board keep track of progress on the strategy and report on it?",
    "How does the planning process for the 2026/27 to 2030/31 plans run?",
    "What does the Integrated Health article report?",  # half a name is no name
])
def test_no_document_is_chosen_without_a_name_that_picks_one(question):
    assert named_documents(question, LIBRARY) == []


def test_words_every_document_shares_choose_nothing():
    library = {"corpus/llr-plan-pledges.md": "The 13 pledges in the LLR five-year plan",
               "corpus/llr-plan-digest.pdf": "LLR five-year plan: a digest"}
    assert named_documents("Why was the LLR five-year plan written?", library) == []
    assert named_documents("What does the digest say about GP access?", library) == [
        "corpus/llr-plan-digest.pdf"]


def test_names_are_read_from_file_names_and_initials():
    words = name_words("pdf/nhsengland__Commissioning-policy-individual-funding-requests.pdf",
                       "Nhsengland Commissioning policy")
    assert {"nhsengland", "commissioning", "individual", "funding", "request", "ifr"} <= words
    assert {"shared", "ri", "strategy"} <= name_words("leeds__SharedRIStrategy.pdf", "")
    assert mentioned_names("What is the West Sussex dementia strategy?") == [
        ["west", "sussex", "dementia", "westsussex", "sussexdementia"]]
