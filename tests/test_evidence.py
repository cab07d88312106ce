import pytest

from assistant.evidence import focus, has_kind, question_kind, split_sentences


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
])
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_has_kind_and_focus():
    assert has_kind("number", "eight neighbourhood teams")
    assert not has_kind("date", "no date in this sentence")
    assert has_kind("money", "about £3m of funding") and has_kind(None, "anything")
    assert focus("What does the plan say about women's health?") == "women's health?"
    assert focus("Tell me about pledge 4") == "pledge 4"
