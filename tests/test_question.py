"""Question analysis: the form read from the question's grammar, the focus without framing."""

import pytest

from assistant.question import analyse, nouns, question_form


@pytest.mark.parametrize(("question", "form"), [
    ("What is Core20PLUS5?", "definition"),
    ("What are integrated care boards?", "definition"),
    ("What does LLR stand for?", "definition"),
    ("What are the plan's pledges on GP access?", "list"),
    ("Who are the partners in the integrated care system?", "list"),
    ("How does the individual funding request process work?", "steps"),
    ("What happens when a clinician does not reply?", "steps"),
    ("What is the plan doing about mental health?", "overview"),
    ("What's the plan doing about mental health?", "overview"),  # "what's" is "what is"
    ("What’s Core20PLUS5?", "definition"),
    ("How will the plan reduce health inequalities?", "overview"),
    ("Summarise the dementia strategy", "overview"),
    ("Why is the ICB changing urgent care?", "reason"),
    ("When was the plan approved?", "fact"),
    ("How many pledges are there?", "fact"),
    ("Who chairs the ICB?", "fact"),
    ("What is the title of the plan's third section?", "fact"),
    ("What is the LLR-wide GP appointment plan for 2025/26?", "fact"),
    ("In the dementia strategy, why do carers matter?", "reason"),  # a frame comes first
    ("Under the IFR policy, how does the panel work?", "steps"),
    ("In 2024, how many people waited?", "fact"),
    ("When the panel weighs up a request, what does it look at?", "overview"),  # a frame
    ("When was the plan approved, who approved it?", "fact"),  # a question, not a frame
    ("What are ICBs and trusts expected to do to get their plans signed off?", "overview"),
    ("If the panel agrees, how does the funding work?", "steps"),  # "if" opens no question
    ("When exactly will the hubs open, what will they cost?", "fact"),  # a question opens it
    ("What's changed since the last plan?", "fact"),  # "'s" is "has" before a participle
    ("", "fact"),
])
def test_the_form_comes_from_the_question_grammar(question, form):
    assert analyse(question).form == form


def test_focus_words_leave_out_framing_and_document_words():
    question = analyse("What does the plan say about mental health services?")
    assert question.focus_words == ("mental", "health", "services")
    among = analyse("How will the plan reduce falls among older people?")
    assert among.focus_words == ("reduce", "falls", "older", "people")  # "among" frames
    assert analyse("What is Core20PLUS5?").subject == "Core20PLUS5"


def test_a_frame_asks_for_no_kind_of_value():
    assert analyse("When the hub opens, what services will it offer?").kind is None
    assert analyse("When will the hub open?").kind == "date"
    framed = "In Rutland, when the hubs open, how many staff will they need?"  # two frames
    assert analyse(framed).kind == "number" and question_form(framed) == ("fact", None)


def test_a_question_asking_two_things_is_compound():
    assert analyse("What are care navigators, and how many will practices take on?").compound
    assert not analyse("How many care navigators will practices take on?").compound
    assert not analyse("What do navigators and GPs do?").compound
    assert analyse("What are zyxophobia hubs and how many are there?").compound
    assert not analyse("When will the hub open, and how much will it cost?").compound


def test_the_analysis_is_frozen():
    question = analyse("Why?")
    with pytest.raises(AttributeError):
        question.form = "list"  # type: ignore[misc]


@pytest.mark.parametrize(("question", "form", "subject"), [
    ("What is pledge 13?", "definition", "pledge 13"),
    ("What is the 2023/24 deficit?", "fact", None),
    ("What are pledges 1 and 13 each about?", "fact", None),
    ("What role do integrated care boards play in planning?", "overview", None),
    ("What role did Andy Gill hold among the compilers?", "fact", None),
    ("How is a personal health budget different from an individual funding request?",
     "overview", None),
])
def test_named_items_roles_and_comparisons(question, form, subject):
    assert question_form(question) == (form, subject)


@pytest.mark.parametrize(("question", "about"), [
    ("What role will care navigators play in optimising triage?", ("care", "navigators")),
    ("How does the trust decide which requests to fund?", ("trust",)),
    ("How will warm spaces in libraries support residents?", ("warm", "spaces")),
    # a document as subject: the question asks about the verb's object
    ("How will the Leeds strategy support kinship carers who raise a relative's children?",
     ("kinship", "carers")),
    ("How will the Leeds strategy use parkrun to get more people active?", ("parkrun",)),
    ("How will the plan reduce health inequalities?", ("health", "inequalities")),
    ("How often does the guidance say the plan must be revisited?", ()),  # a clause
    ("What does the plan say about mental health?", ("mental", "health")),  # its object
    ("What does the pledge 4 report mean by care navigators?", ("care", "navigators")),
    ("What does the HEE report expect automation to do?", ("automation",)),  # "report" is
    ("Why does the strategy pay particular attention to carers?", ()),  # a light verb's object
    ("Why does the framework say speeding up care matters?", ()),  # "say" + a clause
    ("What does the joint health and wellbeing strategy mean by green spaces?",
     ("green", "spaces")),  # "wellbeing" names the strategy: no verb
    ("What will the New Hospitals Programme money pay for?",
     ("New", "Hospitals", "Programme", "money")),  # a programme is no document here
    ("How do carers report hoarding?", ("carers",)),  # "report" after a plural is a verb
    ("How will the strategy and plan support carers?", ("carers",)),  # "and" is no verb
    ("What role will state schools play in prevention?", ("state", "schools")),
    ("How will the strategy also help carers?", ("carers",)),  # the adverb is skipped
    ("What will the Leeds plan take forward?", ()),  # a particle is part of the verb
    ("Who will explain the changes?", ()),  # the wh-word is the subject
    ("How will the support strategy support hoarders?", ("hoarders",)),  # the verb, not
    # the same word earlier in the name
    ("Which bodies will fund the hubs?", ()),  # the wh-phrase is the subject
    ("What are the priorities?", ("priorities",)),
    ("In the dementia strategy, what role will memory clinics play?", ("memory", "clinics")),
    ("Will care navigators triage calls?", ()),  # a yes/no question has no wh-phrase
    ("What’s the plan for GP access?", ()),
    ("What role will social prescribing workers play?",  # "-ing" words after a modal
     ("social", "prescribing", "workers")),  # belong to the subject
    ("What opening hours will the health and wellbeing hubs have?",
     ("health", "wellbeing", "hubs")),
    ("How can patients book hearing tests?",  # the verb unknown, "hearing" is no verb:
     ("patients", "book", "hearing", "tests")),  # every word stays open to the check
    ("", ()),
    ("Tell me about the plan.", ()),
])
def test_what_a_question_asks_about_is_its_subject_after_the_auxiliary(question, about):
    assert analyse(question).asked_about == about


@pytest.mark.parametrize(("question", "listed"), [
    ("Which prevention goals must ICB five-year plans support?", ("prevention", "goals")),
    ("What five commitments does the Leeds strategy make?", ("commitments",)),  # no number
    ("What 3 shifts will the plan make?", ("shifts",)),
    ("Which of the HEE report's recommendations are about supply?", ("recommendations",)),
    ("What are the plan's pledges?", ()),  # the auxiliary right after "what"
    ("What other national priorities will the ICB deliver?", ("national", "priorities")),
    ("What else does the plan say?", ()),
    ("Which three areas of health did the chief executive single out?", ("areas", "health")),
    ("What kind of support is offered?", ("support",)),
    ("What, according to the plan, are the priorities?", ()),  # punctuation ends the phrase
    ("What about mental health — what is planned?", ()),
    ("How will the plan cut waits?", ()),
    ("", ()),
])
def test_the_kind_of_thing_listed_is_the_noun_phrase_after_which_or_what(question, listed):
    assert analyse(question).listed == listed


@pytest.mark.parametrize(("words", "named"), [
    (("five", "strategic", "initiatives"), ("strategic", "initiatives")),  # no number
    (("13", "pledges"), ("pledges",)),
    (("other", "key", "priorities", "plan"), ("priorities",)),
    (("planned", "prevention", "goals"), ("prevention", "goals")),
])
def test_a_list_is_named_by_nouns_not_numbers_qualifiers_or_document_words(words, named):
    assert nouns(words) == named


@pytest.mark.parametrize(("question", "verb"), [
    ("Did LLR beat its planned number of GP appointments?", "beat"),  # before a determiner
    ("What role will care navigators play in optimising triage?", "play"),
    ("How will warm spaces support residents?", "support"),  # a known verb
    ("How will warm spaces in libraries help?", None),  # "spaces" is plural: not the verb
    ("Which bodies will fund the hubs?", None),
    ("What are the priorities?", None),  # "be" has no verb after its subject
    ("How do ICBs report progress?", "report"),  # an acronym names no document
    ("What does the HEE report expect automation to do?", "expect"),  # "report" is its head
    ("How will the strategy also reduce visits?", "reduce"),  # an adverb is no verb
    ("Does the board mention zyxophobia?", "mention"),  # a verb questions ask with
    ("What will Rutland's report recommend for carers?", "recommend"),  # a possessive name
    ("How will the plan link workers in the hubs?", "link"),
    ("What is the ICB doing about waits?", "doing"),  # after "be", the "-ing" verb
])
def test_the_verb_after_the_subject_is_not_a_topic(question, verb):
    assert analyse(question).verb == verb
