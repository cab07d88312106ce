from assistant.outline import find_outline, headings, subsections, word_lemmas


def _passages(*sections: str) -> list[tuple[int, str]]:
    return list(enumerate(sections))


def test_a_heading_names_a_list_when_it_holds_every_word_as_written():
    assert headings("Plan › Our strategic initiatives › Frailty") == [
        "Plan", "Our strategic initiatives", "Frailty"]
    assert {"strategic", "initiativ"} <= word_lemmas("Our strategic initiatives")
    # the index's stems make these one term; a list of recommendations is not read from
    # "Recommended further reading", nor initiatives from "Initial steps"
    assert not word_lemmas("Recommendations") <= word_lemmas("Recommended further reading")
    assert not word_lemmas("initiatives") <= word_lemmas("Initial steps")


def test_subsections_are_the_headings_right_below_with_their_first_passage_in_order():
    sections = _passages("Plan › Initiatives", "Plan › Initiatives › Frailty",
                         "Plan › Initiatives › Frailty", "Plan › Initiatives › End of life › Data",
                         "Plan › Next steps", "Plan › Initiatives › HomeFirst")
    assert subsections(("Plan", "Initiatives"), sections) == [
        ("Frailty", 1), ("End of life", 3), ("HomeFirst", 5)]
    assert subsections(("Plan", "Next steps"), sections) == []


def test_an_outline_is_found_below_the_heading_that_names_the_list():
    passages = _passages("Plan › Introduction", "Plan › Our initiatives",
                         "Plan › Our initiatives › Frailty", "Plan › Our initiatives › Carers",
                         "Plan › Next steps")
    found = find_outline("Plan › Our initiatives › Frailty", word_lemmas("initiatives"),
                         passages, set())
    assert found is not None and found.prefix == ("Plan", "Our initiatives")
    assert found.children == [("Frailty", 2), ("Carers", 3)]
    # a subsection the question singles out: it asks about that one
    assert find_outline("Plan › Our initiatives", word_lemmas("initiatives"), passages,
                        word_lemmas("carers")) is None
    # the section runs to a cut edge of the passages read: it may go on, so no outline
    assert find_outline("Plan › Our initiatives", word_lemmas("initiatives"), passages[:4],
                        set(), whole=(True, False)) is None


def test_a_heading_that_names_one_item_or_recurs_under_other_parents_names_no_list():
    items = _passages("Plan › Priority 1: Starting well › Why it matters",
                      "Plan › Priority 1: Starting well › What we will do",
                      "Plan › Priority 2: Living well › Why it matters",
                      "Plan › Priority 2: Living well › What we will do")
    assert find_outline("Plan › Priority 1: Starting well › Why it matters",
                        word_lemmas("priorities"), items, set()) is None
    titled = _passages("Partners and governance", "The partners", "The partners › NHS bodies",
                       "The partners › Councils", "Three levels of the system")
    assert find_outline("The partners › NHS bodies", word_lemmas("partners"), titled, set(),
                        title="Partners and governance").children == [
        ("NHS bodies", 2), ("Councils", 3)]  # the title's section is no sibling item
    recurring = _passages("Plan › Living well › Actions › In the first year",
                          "Plan › Living well › Actions › By 2030",
                          "Plan › Ageing well › Actions › In the first year",
                          "Plan › Ageing well › Actions › By 2030")
    assert find_outline("Plan › Living well › Actions › By 2030", word_lemmas("actions"),
                        recurring, set()) is None
