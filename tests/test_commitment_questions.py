from datetime import date

from assistant.commitments import Citation, Commitment, When
from assistant.commitments.questions import RegisterQuery, matching, register_query


def test_register_questions_are_read_for_year_topic_and_when():
    assert register_query("What is due in 2025?") == RegisterQuery(2025, (), False)
    assert register_query("What will be done in 2024/25?") == RegisterQuery(2025, (), False)
    assert register_query("What has the ICB committed to on the workforce?") == \
        RegisterQuery(None, ("workforce",), False)  # who committed is not the topic
    assert register_query("When will the hubs be in place?") == \
        RegisterQuery(None, ("hub",), True)
    assert register_query("What has the ICB committed to on mental health cafés?") == \
        RegisterQuery(None, ("mental", "health", "café"), False)  # one word, not "caf"


def test_other_questions_are_not_the_registers():
    for question in ("When was the plan approved?", "What are the plan's pledges on GP access?",
                     "How many people live in Leicester?", "What happened in 2023?"):
        assert register_query(question) is None, question


def _record(what: str, end: date | None) -> Commitment:
    return Commitment("id", what, None, When("by then" if end else None, None, end), None,
                      None, "firm", "Plans", Citation("plan.md", "Plan", None, None, what))


def test_matching_needs_the_year_every_topic_word_and_a_date_for_when():
    hubs = _record("roll out all community hubs", date(2028, 12, 31))
    nurses = _record("recruit 300 more nurses", date(2027, 3, 31))
    carers = _record("publish a carers' strategy", None)
    register = [hubs, nurses, carers]
    assert matching(RegisterQuery(2027, (), False), register) == [nurses]
    assert matching(RegisterQuery(None, ("hub",), True), register) == [hubs]
    assert matching(RegisterQuery(None, ("carer",), True), register) == []  # no date
    assert matching(RegisterQuery(None, ("carer", "strategy"), False), register) == [carers]
