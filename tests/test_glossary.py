import pytest

from assistant.glossary import build_glossary, expand_query, find_definitions


@pytest.mark.parametrize(("text", "expected"), [
    ("run by the Integrated Care Board (ICB) for", ("ICB", "Integrated Care Board")),
    ("University Hospitals of Leicester (UHL) runs", ("UHL", "University Hospitals of Leicester")),
    ("and Leicestershire Partnership NHS Trust (LPT).",
     ("LPT", "Leicestershire Partnership NHS Trust")),
    ("services for children and young people (CYP)", ("CYP", "children and young people")),
    ("25 primary care networks (PCNs) form", ("PCNs", "primary care networks")),
])
def test_definitions_are_found(text, expected):
    assert list(find_definitions(text)) == [expected]


@pytest.mark.parametrize("text", ["a figure (2023) here", "see the note (A) below",
                                  "the plan (which was approved) says", "", "(ICB)"])
def test_non_definitions_are_ignored(text):
    assert list(find_definitions(text)) == []


def test_glossary_folds_plurals_and_expands_both_ways():
    glossary = build_glossary(["25 primary care networks (PCNs) cover the area.",
                               "The Integrated Care Board (ICB) met."])
    assert glossary == {"ICB": "Integrated Care Board", "PCN": "primary care network"}
    assert expand_query("How many PCNs are there?", glossary) == \
        "How many PCNs are there? (primary care network)"
    assert expand_query("Who chairs the integrated care board?", glossary) == \
        "Who chairs the integrated care board? (ICB)"
    assert expand_query("Nothing to expand", glossary) == "Nothing to expand"


def test_an_undefined_acronym_is_matched_to_the_question_words_it_abbreviates():
    from assistant.glossary import spelled_in

    question = "In how many primary care networks will diagnostics be introduced?"
    assert spelled_in(question, "Diagnostics in 13 PCNs.") == "primary care networks"
    assert spelled_in(question, "The ICB met.") == ""
    assert spelled_in("Who chairs the board?", "The NHS met.") == ""
