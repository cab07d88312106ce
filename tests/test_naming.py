"""Which documents a question names: titles and file names matched by their rarer words."""

import pytest

from assistant.naming import LibraryNames, Name, mentioned_names, name_words

LIBRARY = LibraryNames({
    "pdf/leeds__SharedRIStrategy_Contents_Final.pdf": "Shared research and innovation strategy",
    "text/Healthy-Leeds-Plan-Executive-Summary.md": "Healthy Leeds Plan Executive Summary",
    "text/leeds_health_wellbeing_strategy_2023-2030.md": "part of a range of organisations",
    "pdf/westsussex__dementia-strategy-2020-2023-v14.pdf": "Westsussex dementia strategy",
    "pdf/westsussex__JHWB-strategy-cost-of-living-addendum.pdf": "Cost of living addendum",
    "pdf/westsussex__Final-JHWS-2019-2024.pdf": "Westsussex Final JHWS 2019 2024",
    "pdf/nhsengland__Commissioning-policy-individual-funding-requests-v3.pdf":
        "Commissioning policy: individual funding requests",
    "text/medium-term-planning-framework-2026-27-to-2028-29.md": "Framework",
})
LEEDS_RI = "pdf/leeds__SharedRIStrategy_Contents_Final.pdf"
DEMENTIA = "pdf/westsussex__dementia-strategy-2020-2023-v14.pdf"
ADDENDUM = "pdf/westsussex__JHWB-strategy-cost-of-living-addendum.pdf"
IFR = "pdf/nhsengland__Commissioning-policy-individual-funding-requests-v3.pdf"


@pytest.mark.parametrize(("question", "named"), [
    ("What five commitments does the Leeds R&I strategy make?", [LEEDS_RI]),
    ("What does the dementia strategy say about carers?", [DEMENTIA]),
    ("What are the dementia strategy's aims?", [DEMENTIA]),
    ("How does NHS England's IFR policy handle cosmetic procedures?", [IFR]),
    ("How does the addendum define the cost of living squeeze?", [ADDENDUM]),
    ("How will the West Sussex cost of living addendum help households?", [ADDENDUM]),
    ("What is the purpose of IFR policy?", [IFR]),  # the name after "of"
    ("What does the NHS medium-term framework ask of mental health services?",
     ["text/medium-term-planning-framework-2026-27-to-2028-29.md"]),
    ("Which groups does the West Sussex strategy say fare worst?",  # every West Sussex one
     [DEMENTIA, ADDENDUM, "pdf/westsussex__Final-JHWS-2019-2024.pdf"]),
    ("Compare the dementia strategy with the Leeds R&I strategy.", [LEEDS_RI, DEMENTIA]),
])
def test_a_named_document_is_found_by_its_title_or_file_name(question, named):
    assert sorted(LIBRARY.named(question)) == sorted(named)


@pytest.mark.parametrize("question", [
    "What does the plan say about mental health?",  # a document word alone, in many names
    "What local plans are there for continuity of care?",  # a plural names a kind
    "What is a funding policy?",  # so does "a"
    "Which care plan applies to older people?",  # and "which"
    "What does the final strategy recommend?",  # "Final" is in two file names
    "What does the final report recommend?",  # nor does a report that is no document's
    "What does the Leeds strategy say about housing?",  # Leeds: three documents
    "How will the board keep track of progress on the strategy and report on it?",
    "How does the planning process for the 2026/27 to 2030/31 plans run?",
    "What does the Integrated Health article report?",  # half a name is no name
    "", "???", "Qu'en dit la Stratégie Médicale ?",
])
def test_no_document_is_chosen_without_a_name_that_picks_one(question):
    assert LIBRARY.named(question) == []


def test_words_every_document_shares_choose_nothing():
    library = LibraryNames({
        "corpus/llr-plan-pledges.md": "The 13 pledges in the LLR five-year plan",
        "corpus/llr-plan-digest.pdf": "LLR five-year plan: a digest"})
    assert library.named("Why was the LLR five-year plan written?") == []
    assert library.named("What does the digest say about GP access?") == [
        "corpus/llr-plan-digest.pdf"]
    assert LibraryNames({"a.md": "The dementia strategy"}).named(
        "What does the dementia strategy say?") == []  # a library of one


def test_names_are_read_from_file_names_and_initials():
    words = name_words("pdf/nhsengland__Commissioning-policy-individual-funding-requests.pdf",
                       "Nhsengland Commissioning policy")
    assert {"nhsengland", "commissioning", "individual", "funding", "request", "ifr"} <= words
    assert {"shared", "ri", "strategy"} <= name_words("leeds__SharedRIStrategy.pdf", "")
    (name,) = mentioned_names("What is the West Sussex dementia strategy?")
    assert name == Name(("west", "sussex", "dementia"), kind="strategy")
    assert name.joined == ("westsussex", "sussexdementia")


def test_a_document_is_named_by_its_initials_after_the_words_of_its_name():
    """"the West Sussex JHWS" is the JHWS; initials no document is known by name something
    else ("the West Sussex NHS trust"), and initials alone name nothing."""
    assert LIBRARY.named("What does the West Sussex JHWS say about vaping?") == [
        "pdf/westsussex__Final-JHWS-2019-2024.pdf"]
    assert LIBRARY.named("Is the West Sussex NHS trust a partner?") == []
    assert LIBRARY.named("What does the JHWS say about vaping?") == []
    assert LIBRARY.named("What does the Westsussex Dementia PLAN say?") == [DEMENTIA]
    assert mentioned_names("WHAT DOES THE WESTSUSSEX DEMENTIA STRATEGY SAY ABOUT CARERS?") == [
        Name(("westsussex", "dementia"), kind="strategy")]  # no initials in capitals
    assert mentioned_names("What does NHS England's IFR policy say?") == [
        Name(("nhs", "england", "ifr"), kind="policy")]


def test_a_document_word_that_one_document_alone_carries_names_it():
    """"the 2025/26 planning guidance": its other words match no title, but the library holds
    one guidance; "strategy" and "plan" are what users call any document."""
    library = LibraryNames({
        "text/priorities-and-operational-planning-guidance-january-2025.md":
            "Priorities and operational planning guidance january 2025",
        "text/NHS_England___Planning_framework.md": "NHS England Planning framework",
        "text/medium-term-planning-framework.md": "Medium Term Planning Framework",
        "pdf/westsussex__dementia-strategy.pdf": "Westsussex dementia strategy"})
    guidance = ["text/priorities-and-operational-planning-guidance-january-2025.md"]
    assert library.named("What does the 2025/26 guidance expect of ICBs?") == guidance
    assert library.naming("What does the 2025/26 planning guidance say on digital?") == (
        guidance, {"2025", "26", "planning"})
    assert library.named("What does the 2025/26 framework say?") == []  # two frameworks
    assert library.named("What does the Leeds strategy say?") == []
    assert library.named("What does the Leeds guidance say?") == []  # not its name
    assert mentioned_names("What does the 2025/26 guidance say?") == [
        Name(("2025", "26"), kind="guidance")]
    assert library.named("What does the 2024/25 planning guidance say?") == []  # another year
    assert library.named("What does the NHS England 2025/26 planning guidance say?") == []
    # a name ending in "guidance" is no framework's, though "NHS England" is in its name


def test_a_name_may_join_its_words_with_and():
    """"the joint health and wellbeing strategy": "and" and "&" join the name's words but
    are none of them, so titles holding "and" are not picked by it."""
    library = LibraryNames({
        "pdf/westsussex__Final-JHWS.pdf": "West Sussex Joint Health and Wellbeing Strategy",
        "text/leeds_health_wellbeing_strategy.md": "The Leeds Health and Wellbeing Strategy",
        "pdf/leeds__SharedRIStrategy.pdf": "Shared research and innovation strategy"})
    assert library.named("What does the West Sussex joint health and wellbeing strategy "
                         "say about carers?") == ["pdf/westsussex__Final-JHWS.pdf"]
    assert library.naming("What does the Leeds Health & Wellbeing strategy say?") == (
        ["text/leeds_health_wellbeing_strategy.md"], {"leed", "health", "wellbeing"})
    assert library.named("What does the Leeds and York strategy say?") == []


def test_naming_gives_the_words_of_the_names_that_picked_a_document():
    assert LIBRARY.naming("How will the dementia strategy help families with carers?") == (
        [DEMENTIA], {"dementia"})
    assert LIBRARY.naming("What does the plan say about carers?") == ([], set())


def test_the_words_that_name_a_document_leave_out_its_topic():
    """"the penalties of NHS England's IFR policy": "of" joins the name, but only the words
    the document's name holds say where to look; "penalties" is what the question asks."""
    assert LIBRARY.naming("What are the penalties of NHS England's IFR policy?") == (
        [IFR], {"nhs", "england", "ifr"})
    assert LIBRARY.naming("What are the goals of cost of living addendum?") == (
        [ADDENDUM], {"cost", "living"})


def test_the_name_after_of_is_tried_before_the_words_before_it():
    """"the research and innovation priorities of Healthy Leeds Plan": the topic before "of"
    matches another document's name, which is not asked of."""
    assert LIBRARY.naming("What are the research and innovation priorities of Healthy Leeds "
                          "Plan?") == (["text/Healthy-Leeds-Plan-Executive-Summary.md"],
                                       {"healthy", "leed"})
    assert LIBRARY.named("What are the health and wellbeing aims of Leeds R&I strategy?") == \
        [LEEDS_RI]


def test_a_name_word_the_title_lacks_still_says_where_to_look():
    """"the Sussex ICB dementia strategy": "ICB" is in no file name, but it stands inside the
    name, after a word that matched; it is not a topic the document must mention."""
    library = LibraryNames({"pdf/westsussex__dementia-strategy.pdf": "West Sussex dementia "
                            "strategy", "text/leeds-plan.md": "Leeds plan"})
    assert library.naming("What does the Sussex ICB dementia strategy say about diagnosis?") \
        == (["pdf/westsussex__dementia-strategy.pdf"], {"sussex", "icb", "dementia"})
