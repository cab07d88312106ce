import pytest

from assistant.followup import CARRIED_WORDS, condense, needs_context


@pytest.mark.parametrize(("question", "expected"), [
    ("When will that happen?", True), ("And for children?", True),
    ("What about Rutland?", True), ("Hinckley?", True),
    ("When did the ICB board approve the five-year plan?", False),
])
def test_needs_context(question, expected):
    assert needs_context(question) is expected


def test_condense_carries_the_previous_topic():
    history = ["When will the community health and wellbeing hubs be rolled out?"]
    assert condense("And for children?", history) == \
        "And for children? (community health wellbeing hubs rolled out)"


def test_standalone_questions_and_empty_history_are_untouched():
    assert condense("Who runs UHL?", ["Anything"]) == "Who runs UHL?"
    assert condense("When will that happen?", []) == "When will that happen?"


def test_a_follow_up_of_a_follow_up_carries_the_topic_not_the_last_verb():
    first = "When was the five-year plan approved?"
    second = condense("When will that happen?", [first])
    assert condense("Who approved it?", [first, second]) == "Who approved it? (five-year)"
    third = condense("And for children?", ["What is the plan doing about mental health?"])
    assert condense("What about their waiting times?", [third]).endswith(
        "(children mental health)")


def test_a_long_conversations_topic_does_not_keep_growing_nor_forget_the_last_turn():
    history = ["When was the five-year plan approved?"]
    for question in ("When will that happen?", "Who approved it?", "Who signed it off?",
                     "How much was spent on it?", "What about the budget?"):
        history.append(condense(question, history))
    carried = condense("What did they say about it?", history).split("(")[1]
    assert len(carried.split()) <= CARRIED_WORDS and carried.startswith("budget")
    history = ["What is the plan doing about mental health?"]
    for question in ("And for children?", "What about their waiting times?"):
        history.append(condense(question, history))
    assert condense("How long are they?", history).endswith(
        "(waiting times children mental health)")
