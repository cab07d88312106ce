from assistant.lexical import stem
from assistant.outline import headings, named_prefixes, other_words, picks_one, subsections


def _stems(*words: str) -> set[str]:
    return {stem(word) for word in words}


def test_a_heading_names_a_list_when_it_holds_every_word_deepest_first():
    section = "Our plan › Our strategic initiatives › Frailty: Injury / fracture"
    assert headings(section) == ["Our plan", "Our strategic initiatives",
                                 "Frailty: Injury / fracture"]
    assert named_prefixes(section, _stems("strategic", "initiatives")) == [
        ("Our plan", "Our strategic initiatives")]
    assert named_prefixes("Pledges › Pledge 4 – GP access", _stems("pledges")) == [
        ("Pledges", "Pledge 4 – GP access"), ("Pledges",)]
    assert named_prefixes(section, _stems("priorities")) == []
    assert named_prefixes(section, set()) == [] and named_prefixes(None, _stems("plan")) == []


def test_subsections_are_the_headings_right_below_with_their_first_passage_in_order():
    sections = [(1, "Plan › Initiatives"), (2, "Plan › Initiatives › Frailty"),
                (3, "Plan › Initiatives › Frailty"), (4, "Plan › Initiatives › End of life › Data"),
                (5, "Plan › Next steps"), (6, "Plan › Initiatives › HomeFirst")]
    assert subsections(("Plan", "Initiatives"), sections) == [
        ("Frailty", 2), ("End of life", 4), ("HomeFirst", 6)]
    assert subsections(("Plan", "Next steps"), sections) == []


def test_a_subsection_the_question_singles_out_is_asked_about_alone():
    other = other_words(["pledges", "GP", "access", "Leeds"], _stems("pledges"), "Leeds Plan")
    assert other == _stems("GP", "access")  # the list's words and the title's are not others
    assert picks_one(["Pledge 1 – inequalities", "Pledge 4 – GP access"], other)
    assert not picks_one(["Pledge 1 – inequalities", "Pledge 13 – the workforce"], other)
