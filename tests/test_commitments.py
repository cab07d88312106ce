"""The commitments register: extraction on small texts, the JSON shape of the contract, the
rules' reasons, and a gate on the dev half of eval/commitments.jsonl."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from conftest import REALDOCS, ROOT, make_pdf

from assistant.commitments import Commitment, extract
from assistant.commitments.actions import split_actions
from assistant.commitments.rules import judge
from assistant.commitments.units import with_layout_breaks
from assistant.documents import Block, Document, load_document, page_text
from assistant.evaluation.commitments import evaluate_commitments, load_gold, what_overlap


def _markdown(tmp_path: Path, text: str) -> list[Commitment]:
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    return extract(load_document(path), "plan.md")


def _sentences(tmp_path: Path, *sentences: str) -> list[Commitment]:
    return _markdown(tmp_path, "# Plan\n\n## Section\n\n" + "\n\n".join(sentences) + "\n")


def _pdf_page(text: str, page: int = 3) -> Document:
    return Document(Path("plan.pdf"), "Plan", "pdf", page, [Block(text, page=page)])


def _found_on_page(text: str) -> list[Commitment]:
    return extract(_pdf_page(text), "plan.pdf")


def test_items_under_a_what_we_will_do_heading_are_firm_commitments(tmp_path):
    found = _markdown(tmp_path, """# Plan

## What we will do

- Open two new community diagnostic centres by March 2026.
- Recruit 50 more mental health practitioners in 2024/25.
- Review access to GP services across Rutland.
""")
    assert [c.what for c in found] == [
        "Open two new community diagnostic centres by March 2026",
        "Recruit 50 more mental health practitioners in 2024/25",
        "Review access to GP services across Rutland"]
    assert {c.strength for c in found} == {"firm"}
    assert found[0].when.end == date(2026, 3, 31) and found[0].when.start is None
    assert (found[1].when.start, found[1].when.end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert found[1].target == "50 more mental health practitioners"
    assert found[2].where == "across Rutland"
    assert found[0].topic == "What we will do"


def test_we_will_with_a_deadline(tmp_path):
    (found,) = _sentences(tmp_path, "We will reduce waiting times for planned care by March 2026.")
    assert found.what == "reduce waiting times for planned care by March 2026"
    assert found.strength == "firm"
    assert found.when.text == "by March 2026"
    assert found.when.end == date(2026, 3, 31)
    assert found.who is None  # a bare "we" names no body


@pytest.mark.parametrize(("sentence", "whats"), [
    ("Through joining up our efforts, we look to realise better outcomes for our residents and "
     "make the most effective use of our combined resources.",
     ["realise better outcomes for our residents",
      "make the most effective use of our combined resources"]),
    ("We seek to improve the health of local people, and in particular address the health "
     "inequalities in our county.",
     ["improve the health of local people", "address the health inequalities in our county"]),
    ("This Strategy aims to improve outcomes for the overall population however, we know some "
     "people need intensive support.", ["improve outcomes for the overall population"]),
])
def test_aims_end_where_their_clause_does(tmp_path, sentence, whats):
    assert [c.what for c in _sentences(tmp_path, sentence)] == whats


def test_what_a_commitment_includes_continues_it(tmp_path):
    found = _sentences(tmp_path, "We will support parents to maintain good mental wellbeing.",
                       "This includes helping our children to thrive and encouraging healthy "
                       "lifestyles such as physical activity.")
    assert [c.what for c in found] == [
        "support parents to maintain good mental wellbeing", "helping our children to thrive",
        "encouraging healthy lifestyles such as physical activity"]
    assert _sentences(tmp_path, "Parents matter.", "This includes helping children to thrive.") \
        == []


def test_a_sentence_listing_what_the_one_before_names(tmp_path):
    found = _sentences(tmp_path, "At the launch the trust listed some of the pledges.",
                       "They include easier access to GP practices; shorter waits for "
                       "ambulances; fairer health, including in mental health services; "
                       "and growing the workforce.")
    assert [c.what for c in found] == [
        "easier access to GP practices", "shorter waits for ambulances",
        "fairer health, including in mental health services", "growing the workforce"]
    assert _sentences(tmp_path, "The trust met the council.", "They include three members.") \
        == []


def test_the_areas_of_work_a_plan_is_split_into_are_its_work(tmp_path):
    found = _markdown(tmp_path, """# Plan

## How the plan is organised

Apart from the pledges, the plan is split into nine areas of work:

1. Mental health – reorganising services into eight neighbourhood teams.
2. Women's health – agreeing how women's health hubs will work locally.
""")
    assert len(found) == 2 and found[0].target == "eight neighbourhood teams"


def test_words_second_level_o_bullets_are_items(tmp_path):
    found = _markdown(tmp_path, """# Guidance

## Priorities

For 2025/26 we ask ICBs and providers to focus on:
o reducing demand through new neighbourhood models
o making full use of digital tools
""")
    assert [c.what for c in found] == ["reducing demand through new neighbourhood models",
                                       "making full use of digital tools"]


def test_o_bullets_run_into_one_line_are_items_too(tmp_path):
    found = _markdown(tmp_path, """# Guidance

## Priorities

We will reduce long waits in A&E through: o maximising the use of crisis alternatives o robust system oversight of mental health beds
""")  # noqa: E501 - the converter's one long line is the point
    assert [c.what for c in found][-2:] == ["maximising the use of crisis alternatives",
                                            "robust system oversight of mental health beds"]


def test_a_lone_o_in_letter_spaced_text_is_not_a_bullet(tmp_path):
    found = _markdown(tmp_path, """# Plan

## Priorities

We will make full use o f the digital tools we have.
""")
    assert [c.what for c in found] == ["make full use o f the digital tools we have"]


def test_a_headings_list_set_as_lines_without_bullets(tmp_path):
    found = _markdown(tmp_path, """# Guidance

## Success measures

Reduce average length of stay in adult acute mental health beds.

Close the activity gap against pre-Covid levels.

Demand rose last year.
""")
    assert [(c.what, c.strength) for c in found] == [
        ("Reduce average length of stay in adult acute mental health beds", "aim"),
        ("Close the activity gap against pre-Covid levels", "aim")]


def test_a_sentence_with_two_actions_gives_two_records_citing_it(tmp_path):
    found = _sentences(tmp_path, "We will invest in research, forge closer links with "
                                 "universities and recruit 20 new researchers.")
    assert [c.what for c in found] == ["invest in research", "forge closer links with "
                                       "universities", "recruit 20 new researchers"]
    assert len({c.citation.text for c in found}) == 1
    assert len({c.id for c in found}) == 3


@pytest.mark.parametrize("sentence", [
    "Last year we opened three new hubs and reduced waiting lists by a quarter.",
    "Since 2019 the partnership has recruited 300 nurses.",
    "NHS England has set a national target that 92% of patients should wait no longer than "
    "18 weeks by March 2026.",
    "The national target is for 75% of patients to be diagnosed within 28 days by March 2026.",
    "Providers must reduce agency spend by 2025.",
    "We need to recruit more staff and we should listen to patients.",
    "Our clinical staff will need new digital skills.",
    "This programme will help reduce admissions to hospital.",
    "By 2030, more than 150,000 people aged over 65 will be living in the city.",
    "This strategy sets out how we will improve care.",
    "We have made five commitments which will close the gap on health inequalities.",
    "Partners can share data where it helps patients.",
    "If we fail to act, waiting lists will grow.",
    "The Government has committed to delivering 40 new hospitals by 2030.",
    "NHS England will publish new guidance in 2025.",
    "We expect demand to rise by 20% by 2030.",
    "We would like to thank our partners.",
    "The targets at the time were to have nobody waiting more than 104 weeks by March 2023.",
    "In future, health and care will be increasingly driven by data.",
    "Professionals looking to progress into senior roles lack a career pathway.",
    "Staff shortages mean there is a case for an action plan to address the need for more staff.",
    "We look to partners for support.",
    "The Clinical and Operational Excellence Programme will support organisations to deliver.",
    "We expect that ICBs and trusts will wish to refresh their plans.",
])
def test_statements_that_are_not_commitments_give_nothing(tmp_path, sentence):
    assert _sentences(tmp_path, sentence) == []


@pytest.mark.parametrize(("sentence", "strength", "what"), [
    ("We aim to halve smoking rates by 2030.", "aim", "halve smoking rates by 2030"),
    ("Our vision is to make Leeds the best city for health.", "aspiration",
     "make Leeds the best city for health"),
    ("The ICB has agreed to publish its waiting times every month.", "firm",
     "publish its waiting times every month"),
    ("Progress on these priorities will be reviewed and published annually.", "firm",
     "Progress on these priorities will be reviewed and published annually"),
    ("The Board will monitor the plan through a set of indicators.", "firm",
     "The Board will monitor the plan through a set of indicators"),
    ("We want every child to have the best start in life.", "aspiration",
     "every child to have the best start in life"),
    ("Our ambition is for every resident to see a GP within two weeks.", "aspiration",
     "every resident to see a GP within two weeks"),
    ("All the hubs are meant to be in place by 2028.", "aim",
     "All the hubs are meant to be in place by 2028"),
    ("COVID-19 vaccine trials will begin in late 2020.", "firm",
     "COVID-19 vaccine trials will begin in late 2020"),
    ("The next step will be to standardise job descriptions for these roles.", "firm",
     "standardise job descriptions for these roles"),
    ("Recommendation 3: Review the financial reward structures for the digital workforce.",
     "aim", "Review the financial reward structures for the digital workforce"),
    ("Over the longer term, UHL intends acute services to be based at two sites.", "aim",
     "acute services to be based at two sites"),
])
def test_strength_follows_the_wording(tmp_path, sentence, strength, what):
    (found,) = _sentences(tmp_path, sentence)
    assert (found.strength, found.what) == (strength, what)


def test_items_of_a_committing_lead_in_count_whatever_their_grammar(tmp_path):
    found = _markdown(tmp_path, """# Plan

We commit to:

- expanding diagnostic capacity;
- a single front door for urgent care;
- reduce agency spend.

The pressures we face are:

- rising demand;
- long waits.
""")
    assert [c.what for c in found] == ["expanding diagnostic capacity",
                                       "a single front door for urgent care",
                                       "reduce agency spend"]


def test_a_pledge_counts_only_when_it_says_what_will_change(tmp_path):
    found = _markdown(tmp_path, """# Plan

## Our pledges

- Pledge 1 is about access to GP services.
- Pledge 2 is about the workforce: keeping more staff and growing our own.
""")
    assert [c.what for c in found] == ["keeping more staff", "growing our own"]


def test_a_time_outside_the_actions_dates_them_all(tmp_path):
    found = _sentences(tmp_path, "By March 2027, the partnership will roll out virtual wards "
                                 "across Rutland and increase capacity to 400 beds.")
    assert [c.what for c in found] == ["the partnership will roll out virtual wards across "
                                       "Rutland", "increase capacity to 400 beds"]
    assert {c.when.end for c in found} == {date(2027, 3, 31)}
    assert found[1].target == "400 beds"


def test_a_time_closing_a_sentence_dates_the_actions_joined_to_the_last(tmp_path):
    found = _sentences(tmp_path, "Regional teams will lead on the review of these plans and "
                                 "work with partners to conclude the process by March 2027.")
    assert [c.what for c in found] == [
        "Regional teams will lead on the review of these plans",
        "work with partners to conclude the process by March 2027"]
    assert [c.when.end for c in found] == [date(2027, 3, 31)] * 2
    earlier = _sentences(tmp_path, "Regional teams will lead on the review of these plans and "
                                   "work with partners to conclude the process by March 2027 "
                                   "in every region.")  # the time does not close the sentence
    assert [c.when.end for c in earlier] == [None, date(2027, 3, 31)]
    others = _sentences(tmp_path, "We will continue to fund the service, and providers will "
                                  "open a new hub in 2027.")  # another subject's time
    assert [c.when.end for c in others] == [None, date(2027, 12, 31)]
    baseline = _sentences(tmp_path, "We will expand the service and recruit more staff than "
                                    "in 2023/24.")  # a comparison, not a deadline
    assert baseline[0].when.end is None
    restored = _sentences(tmp_path, "We will increase the workforce and restore activity to "
                                    "the level achieved in 2019.")
    assert restored[0].when.end is None


def test_a_list_asked_for_inside_its_lead_in_goes_on_in_the_lines_without_bullets(tmp_path):
    """The conversion dropped the bullets: the first item runs into the lead-in's sentence,
    the others are lines opening with an "-ing" verb or imperative; one other sentence
    between them does not end the list, a second one does."""
    found = _sentences(
        tmp_path, "During the first phase, we are asking you to focus on: setting up your "
                  "planning team.",
        "assessing your capability against this framework.",
        "Gaps should be discussed with your regional team.",
        "Build your cost improvement plans by identifying opportunities.",
        "reviewing your estates plans.",
        "The timetable is tight.", "It was agreed last year.",
        "reviewing the plans of others.")
    assert [c.what for c in found] == [
        "setting up your planning team", "assessing your capability against this framework",
        "Build your cost improvement plans by identifying opportunities",
        "reviewing your estates plans"]
    assert {c.strength for c in found} == {"firm"}
    labelled = _sentences(tmp_path, "Recommendation 5: Commission a programme for data chiefs.",
                          "Work also needs to be undertaken in developing job roles.")
    assert [c.what for c in labelled] == ["Commission a programme for data chiefs"]
    prose = _sentences(tmp_path, "We know change must happen: waiting lists are long and staff "
                                 "are tired.", "reviewing the plans, the board found gaps.")
    assert prose == []  # prose necessity before a colon asks nothing
    assert _sentences(tmp_path, "We are asking a lot of the system: staff are tired and "
                                "budgets are tight.", "Patients are expected to benefit: "
                                "waiting times will fall.") == []
    asked = _sentences(tmp_path, "ICBs must: reduce elective waits in every trust; improve "
                                 "access to urgent dental care; and cut agency spending.")
    assert [c.what for c in asked] == ["reduce elective waits in every trust",
                                       "improve access to urgent dental care",
                                       "cut agency spending"]


def test_a_run_in_heading_kept_in_its_text_is_no_commitment(tmp_path):
    found = _markdown(tmp_path, "# Guidance\n\n**Delivering our priorities**\n\n**Reduce the "
                                "time people wait for elective care** We will publish "
                                "an elective reform plan.\n")
    assert [c.what for c in found] == ["publish an elective reform plan"]


def test_a_sentence_listing_its_aims_after_a_colon(tmp_path):
    found = _sentences(tmp_path, "The plan has four big aims: better care; smaller gaps in "
                                 "health; support for staff; and a more secure financial "
                                 "footing.")
    assert [c.what for c in found] == ["better care", "smaller gaps in health",
                                       "support for staff", "a more secure financial footing"]
    assert {c.strength for c in found} == {"aim"}


def test_figures_alone_name_no_action(tmp_path):
    """A colon in a pledges section lists numbers, not what the pledges commit to."""
    found = _markdown(tmp_path, "# Plan\n\n## Our pledges\n\nOnly four pledges can be "
                                "matched to their number: 1, 2, 4 and 13.\n")
    assert found == []


def test_background_sections_give_nothing(tmp_path):
    assert _markdown(tmp_path, "# Plan\n\n## Background\n\nThe ICB will open three hubs "
                               "by 2022.\n") == []


def test_case_studies_give_nothing(tmp_path):
    assert _markdown(tmp_path, "# Plan\n\n## Case study\n\nThis aims to support people "
                               "living with dementia to stay independent.\n") == []


def test_a_noun_series_ending_in_plans_is_not_an_aim(tmp_path):
    assert _sentences(tmp_path, "The Board reviews commissioning strategies and plans to "
                                "ensure that they take this strategy into account.") == []


def test_headings_in_a_row_name_the_items_under_them_together():
    """A PDF table's column heads ("Our goals" beside "What we mean") come out as headings
    in a row: the goals under them are the list that "Our goals" names, until the next
    heading ("Key initiatives")."""
    text = ("STARTING WELL\n\nOur goals\n\nWhat we mean\n\n"
            "• Children grow in a safe and healthy home environment\n\n"
            "Parenting is critical to what happens later in life.\n\n"
            "• Children leaving care are healthy and independent\n\n"
            "Key initiatives\n\n• Family Assist: digital support for families")
    found = _found_on_page(text)
    assert [(c.what, c.strength) for c in found] == [
        ("Children grow in a safe and healthy home environment", "aim"),
        ("Children leaving care are healthy and independent", "aim")]


def test_a_tables_first_row_read_above_its_heads_is_one_of_its_items():
    text = ("LIVING AND WORKING WELL\n\n• Individuals, families and communities are connected\n\n"
            "Our goals\n\nWhat we mean\n\n"
            "Communities have a vital contribution to make.\n\n"
            "• People are able to look after their own health")
    assert [c.what for c in _found_on_page(text)] == [
        "Individuals, families and communities are connected",
        "People are able to look after their own health"]


def test_we_coordinated_with_another_body_speaks_for_the_authors(tmp_path):
    """"We and government will ...": the clause opens at "and", but the subject is both."""
    (found,) = _sentences(tmp_path, "We and government will stand behind local leaders to "
                                    "make the best choices for their populations.")
    assert found.what.startswith("stand behind local leaders")
    assert not _sentences(tmp_path, "Costs and demand will rise over the coming years.")
    assert not _sentences(tmp_path, "Government funding for our hospices will rise by 5% next "
                                    "year.")  # another body's, though it names "our"


def test_named_body_is_who(tmp_path):
    (found,) = _sentences(tmp_path, "The ICB will open a women's health hub in Hinckley in 2025.")
    assert found.who == "ICB"
    assert found.where == "in Hinckley"
    assert found.when.end == date(2025, 12, 31)


def test_a_pdf_item_and_its_explanation_are_cut_apart_and_cited_verbatim():
    text = ("our organisations commit to work together to:\n"
            "1. Support research which brings about\n"
            "transformative change and invest in\n"
            "research that has impact\n"
            "We will support research which has the greatest\n"
            "ability to address the causes of inequalities.")
    found = _found_on_page(text)
    assert [c.what for c in found] == [
        "Support research which brings about\ntransformative change",
        "invest in\nresearch that has impact",
        "support research which has the greatest\nability to address the causes of inequalities"]
    for commitment in found:
        assert commitment.what in commitment.citation.text
        assert commitment.citation.text in text
        assert commitment.citation.page == 3


def test_a_real_pdf_with_an_action_list_and_a_background_section(tmp_path):
    path = make_pdf(tmp_path / "plan.pdf", [
        "Key delivery actions\n"
        "- Open a second diagnostic centre at Hinckley during 2024/25.\n"
        "- Recruit 20 new district nurses by March 2026.",
        "Background\n"
        "The previous plan said the ICB will open three hubs by 2022.",
    ], title="Plan")
    found = extract(load_document(path), "plan.pdf")
    assert [(c.what, c.citation.page, c.when.end) for c in found] == [
        ("Open a second diagnostic centre at Hinckley during 2024/25", 1, date(2025, 3, 31)),
        ("Recruit 20 new district nurses by March 2026", 1, date(2026, 3, 31))]
    assert found[1].target == "20 new district nurses"


def test_layout_breaks_end_a_short_line_before_a_capital():
    text = "Adopt an approach that brings about real\nchange for people\nWe will act."
    assert with_layout_breaks(text) == ("Adopt an approach that brings about real\n"
                                        "change for people\n\nWe will act.")


def test_a_lead_set_after_its_list_reaches_back_to_imperatives():
    text = ("Champion research that closes the gap on\nhealth inequalities by investing in it.\n"
            "Embed research into our local\ncommunities by supporting involvement.\n"
            "We will:")
    found = _found_on_page(text)
    assert [c.what.split("\n")[0] for c in found] == ["Champion research that closes the gap on",
                                                     "Embed research into our local"]


def test_the_rules_say_why_not():
    assert "necessity" in judge("Our staff will need new skills.", "sentence", None).reasons
    assert "relative clause" in judge("We made pledges which will close gaps.", "sentence",
                                      None).reasons
    assert judge("Case study:", "lead", None).actions == ()


def test_empty_and_non_ascii_documents(tmp_path):
    assert _markdown(tmp_path, "# Plan\n\nNothing is promised here.\n") == []
    (found,) = _sentences(tmp_path, "We will open the café at St Gemma’s Hospice by 2027.")
    assert found.what == "open the café at St Gemma’s Hospice by 2027"


# --- the JSON shape of CONTRACT.md ----------------------------------------------------------

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_json_is_the_contract_object(tmp_path):
    (found,) = _sentences(tmp_path, "We will reduce waiting times by March 2026.")
    record = found.to_json()
    assert list(record) == ["id", "what", "who", "when", "where", "target", "strength", "topic",
                            "citation"]
    assert list(record["when"]) == ["text", "start", "end"]
    assert list(record["citation"]) == ["source", "title", "page", "section", "text"]
    assert record["when"] == {"text": "by March 2026", "start": None, "end": "2026-03-31"}
    assert record["citation"]["source"] == "plan.md"
    assert record["citation"]["title"] == "Plan"
    assert record["citation"]["page"] is None
    assert record["citation"]["section"] == "Section"
    assert record["what"] in record["citation"]["text"]
    assert record["strength"] in {"firm", "aim", "aspiration"}


def test_ids_are_stable_and_distinct(tmp_path):
    first = _sentences(tmp_path, "We will invest in research and recruit more staff by 2027.")
    again = _sentences(tmp_path, "We will invest in research and recruit more staff by 2027.")
    assert [c.id for c in first] == [c.id for c in again]


# --- the gold set ---------------------------------------------------------------------------

def _dev_sources() -> list[str]:
    return [g.source for g in load_gold(ROOT / "eval" / "commitments.jsonl") if g.split == "dev"]


@pytest.mark.parametrize("source", _dev_sources())
def test_every_record_quotes_its_page(source):
    path = ROOT / source
    if not path.exists():
        pytest.skip(f"{source} is not here")
    document = load_document(path)
    for commitment in extract(document, source):
        json = commitment.to_json()
        assert json["what"] in json["citation"]["text"]
        assert json["citation"]["text"] in page_text(document, commitment.citation.page)
        assert json["when"]["text"] is None or json["when"]["text"] in json["citation"]["text"]
        for key in ("start", "end"):
            assert json["when"][key] is None or ISO.match(json["when"][key])


def test_what_overlap_counts_shared_words_over_the_longer_span():
    assert what_overlap("invest in research", "invest in research") == 1.0
    assert what_overlap("invest in research", "invest in research and people") == 0.6
    assert what_overlap("", "") == 0.0


@pytest.mark.realdocs
@pytest.mark.skipif(not REALDOCS.exists(), reason="needs ../shared/data/realdocs")
@pytest.mark.parametrize("split", ["dev", "test"])
def test_figures_hold_their_gate(split):
    """Precision, recall and deadline accuracy on each half stay at or above the measured
    figures in eval/thresholds.toml ([commitments.dev], [commitments.test]); the issue's
    targets (0.85 / 0.80) are above them and tracked there, not here."""
    gate = tomllib.loads((ROOT / "eval" / "thresholds.toml").read_text())["commitments"][split]
    figures = evaluate_commitments(ROOT, splits=(split,))["splits"][split]
    for key, minimum in gate.items():
        assert figures[key] is not None and figures[key] >= minimum, f"{key}: {figures[key]}"


@pytest.mark.parametrize(("text", "actions"), [
    ("growing up in a safe home with supporting and nurturing parents and carers", 1),
    ("reducing smoking and improving diet across the county", 2),
])
def test_two_ing_words_modifying_one_noun_are_one_action(text, actions):
    assert len(split_actions(text, 0, len(text), "gerund")) == actions


@pytest.mark.parametrize(("text", "actions"), [
    ("reduce in size and reprioritise resources to support frontline services", 2),
    ("champion prevention and support targeted action towards those at risk", 2),
    ("make new capital available and support the expansion of SDEC capacity", 2),
    ("create a clear pathway and support mechanisms for carers", 1),
    ("provide information and support tailored to carers' needs", 1),
    ("improve hospital discharge and transfer of care", 1),
    ("respond with agility and leverage technological advancements", 1),
    ("develop and deliver a new model of care", 1),
])
def test_a_short_verb_phrase_before_a_bare_and_is_an_action_when_a_verb_follows(text, actions):
    """"and" opens a second action after a short one only when what follows is plainly a
    verb: one that is rarely a noun (and not before "of"), or a verb by the article, or the
    participle and its noun, after it."""
    assert len(split_actions(text, 0, len(text), "verb")) == actions


@pytest.mark.parametrize(("text", "form", "actions"), [
    # a verb's complement "to" is not a purpose clause: the action after "and" is its own
    ("continue to support modern general practice and target support to practices", "verb", 2),
    # a purpose clause still owns what follows it
    ("support carers to stay well and care for the person they look after", "verb", 1),
    # members of nothing but verbs share the object after the last one
    ("Continue to expand, evaluate and roll out the graduate digital scheme", "verb", 1),
    ("achieve and maintain compliance with the policy", "verb", 1),
    # an item that opens with a gerund may go on with a base-form verb
    ("conducting a robust review of establishment growth and reduce spend on support", "list",
     2),
    # ... unless a purpose clause owns what follows, in a list item as in a sentence
    ("reviewing the plans of every partner to make sure they offer care and support that fits",
     "list", 1),
    ("ensure that we listen to residents and respond to their concerns", "verb", 1),
    ("develop, test and evaluate new models of care", "verb", 1),
])
def test_where_a_coordinated_verb_opens_a_new_action(text, form, actions):
    assert len(split_actions(text, 0, len(text), form)) == actions


def test_a_purpose_lead_in_takes_the_imperative_sentences_after_it():
    """A PDF list without bullets: the sentences after "The purpose of the Strategy is to:"
    that open with a verb are its items; the first that does not ends the list."""
    text = ("Purpose of the Strategy\n\n"
            "The Strategy is a tool for the board and its partners.\n\n"
            "The purpose of the Strategy is to:\n"
            "Provide a context and overall focus for improving health.\n"
            "Support effective partnership working across the county.\n"
            "The board meets four times a year.")
    found = _found_on_page(text)
    assert [(c.what, c.strength) for c in found] == [
        ("Provide a context and overall focus for improving health", "aim"),
        ("Support effective partnership working across the county", "aim")]


def test_a_goals_heading_claims_the_items_its_page_lays_out_in_other_blocks():
    """A table page's reading order splits its list: goals after other text of the page are
    still the goals; in the heading's own block, items after "Key initiatives" are not."""
    first = ("STARTING WELL\n\nOur goals\n\nWhat we mean\n\n"
             "• Children grow in a safe and healthy home environment\n\n"
             "Key initiatives\n\n• Family Assist: digital support for families")
    second = ("Mental wellbeing in early years protects against poor mental health later.\n\n"
              "• Children leaving care are healthy and independent\n\n"
              "• Families have good emotional wellbeing")
    page = Document(Path("plan.pdf"), "Plan", "pdf", 15,
                    [Block(first, page=15), Block(second, page=15)])
    assert [(c.what, c.strength) for c in extract(page, "plan.pdf")] == [
        ("Children grow in a safe and healthy home environment", "aim"),
        ("Children leaving care are healthy and independent", "aim"),
        ("Families have good emotional wellbeing", "aim")]


def test_a_block_that_opens_with_its_own_heading_keeps_its_items():
    """A section that starts part-way down the page ("Key initiatives") is a block of its
    own: its items are its own list, not the page's goals."""
    first = ("STARTING WELL\n\nOur goals\n\nWhat we mean\n\n"
             "• Children grow in a safe and healthy home environment")
    second = ("Key initiatives\n\n• Family Assist: digital support for families\n\n"
              "• Healthy start vouchers for young families")
    page = Document(Path("plan.pdf"), "Plan", "pdf", 15,
                    [Block(first, page=15), Block(second, page=15)])
    assert [c.what for c in extract(page, "plan.pdf")] == [
        "Children grow in a safe and healthy home environment"]


def test_a_lead_in_giving_examples_commits_in_its_own_words(tmp_path):
    found = _markdown(tmp_path, """# Plan

## Monitoring

To monitor progress, the Board will use local and national indicators, for example:

- smoking rates in pregnancy
- excess weight in children
""")
    assert [c.what for c in found] == [
        "the Board will use local and national indicators, for example"]


def test_a_list_of_what_named_bodies_must_do_is_a_list_of_asks(tmp_path):
    found = _markdown(tmp_path, """# Guidance

## Elective care

All systems must:

- validate patients on the waiting list every 12 weeks
- make 70% of appointments available through the app by March 2026

Providers must reduce agency spend.
""")
    assert [c.what for c in found] == [
        "validate patients on the waiting list every 12 weeks",
        "make 70% of appointments available through the app by March 2026"]
    assert found[1].when.end == date(2026, 3, 31)


def test_an_action_and_the_means_its_list_gives_both_count(tmp_path):
    found = _markdown(tmp_path, """# Plan

## Urgent care

Reduce length of stay in hospital by:

- increasing the share of patients discharged by day 7
- working with councils to cut discharge delays
""")
    assert [c.what for c in found] == [
        "Reduce length of stay in hospital by",
        "increasing the share of patients discharged by day 7",
        "working with councils to cut discharge delays"]


def test_examples_after_including_stay_with_their_action(tmp_path):
    found = _markdown(tmp_path, """# Plan

## What we will do

- maximising care for low-risk patients, including FIT in lower GI pathways, low-risk pathways
  for bleeding, and breast pain only pathways
""")
    assert len(found) == 1


def test_a_national_body_writing_its_own_guidance_speaks_for_itself(tmp_path):
    national = ("NHS England will publish new guidance in 2025.",
                "NHS England will support systems with a leadership programme.",
                "NHS England will make new capital available for urgent treatment centres.")
    assert len(_sentences(tmp_path, *national)) == 3
    assert _sentences(tmp_path, national[0], "We will open two hubs.")[0].what == \
        "open two hubs"


def test_a_national_voice_is_read_through_an_acronym_in_brackets_not_any_bracket():
    from assistant.commitments.triggers import national_voice

    own = " ".join(["The Department of Health and Social Care \\(DHSC\\) will issue guidance.",
                    "NHS England and DHSC will work together.",
                    "The Department of Health and Social Care (DHSC) will publish a plan."])
    assert national_voice(own)
    local = " ".join([f"Our ICB ({how} NHS England) will expand {what}." for how, what in (
        ("working with", "hubs"), ("supported by", "clinics"), ("funded by", "services"))])
    assert not national_voice(local)


def test_a_target_table_row_with_a_figure_and_a_date_is_an_aim(tmp_path):
    (found,) = _sentences(
        tmp_path, "Improve performance against the 62-day cancer standard to 75% by March 2026.",
        "Improve the experience of patients.")
    assert (found.strength, found.target, found.when.end) == ("aim", "75%", date(2026, 3, 31))


def test_the_deadline_is_the_latest_date_not_the_baseline(tmp_path):
    (found,) = _sentences(tmp_path, "We will improve A&E waiting times compared to 2024/25, with "
                                    "78% of patients seen within 4 hours in March 2026.")
    assert found.when.end == date(2026, 3, 31)


def test_what_a_policy_undertakes_to_do_when_a_condition_holds_counts(tmp_path):
    found = _sentences(
        tmp_path, "If the panel supports the request, funding will be back-dated to the date of "
                  "the application.",
        "If the Review Panel finds an error, the Review Panel will require the panel to "
        "reconsider the decision.",
        "If we get this right, demand for hospital beds will fall.")
    assert [c.what for c in found] == [
        "funding will be back-dated to the date of the application",
        "the Review Panel will require the panel to reconsider the decision"]


def test_panels_groups_and_their_members_are_bodies_that_undertake(tmp_path):
    found = _sentences(tmp_path, "The screening group will decide whether a case is exceptional.",
                       "Panel members will consider the benefit to the patient.",
                       "The results will surprise many.")
    assert [c.what for c in found] == ["The screening group will decide whether a case is "
                                       "exceptional", "Panel members will consider the benefit "
                                                      "to the patient"]


def test_an_adverb_between_will_and_its_verb_is_skipped(tmp_path):
    found = _sentences(tmp_path, "A review of the decision will automatically be triggered by "
                                 "a legal challenge.", "The trust will comply.")
    assert [c.what for c in found] == [
        "A review of the decision will automatically be triggered by a legal challenge",
        "The trust will comply"]  # "comply" is the verb, not an adverb


def test_a_lead_in_ending_in_a_condition_lists_cases_not_actions(tmp_path):
    found = _markdown(tmp_path, """# Policy

## Experimental treatments

The panel will consider a request for an unproven treatment where there is either:

- evidence from small case reports;
- evidence of short-term outcomes only.

We will:

- publish the panel's decisions
""")
    assert [c.what for c in found] == [
        "The panel will consider a request for an unproven treatment where there is either",
        "publish the panel's decisions"]


@pytest.mark.realdocs
@pytest.mark.skipif(not REALDOCS.exists(), reason="needs ../shared/data/realdocs")
def test_numbered_recommendations_of_a_real_report_and_nothing_from_its_contents():
    """HEE's digital workforce report: eleven 'Recommendation N:' paragraphs; its contents page
    lists 'Next steps 13' and 'Figures and Tables', chapter titles that commit to nothing."""
    report = (REALDOCS / "pdf"
              / "nhsnav__Data_Driven_Healthcare_in_2030_-_Summary_report_-_Mar_21.pdf")
    found = extract(load_document(report), report.name)
    labelled = [c for c in found if c.citation.text.startswith("Recommendation")]
    assert len({c.citation.text for c in labelled}) == 11
    assert {c.strength for c in labelled} == {"aim"}
    assert not [c for c in found if c.citation.page == 5]
    assert "Next steps" not in {c.what for c in found}


def test_a_contents_page_lists_chapter_titles_not_commitments():
    chapters = "• Champion research that closes the gap on health inequalities"
    for heads, found in (("Contents\n\nForeword\n\nOur vision", 0),
                         ("Foreword\n\nOur vision", 1)):
        page = Document(Path("plan.pdf"), "Plan", "pdf", 2,
                        [Block(heads, page=2), Block(chapters, page=2)])
        assert len(extract(page, "plan.pdf")) == found


def test_boxes_under_a_priorities_heading_are_its_items(tmp_path):
    """An infographic's boxes carry no bullets: the layout (a box of its own, set apart on
    the page) makes each an item of the list its heading names."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Our priorities", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for x, y, text in ((10, 40, "Good mental health for all children"),
                       (75, 52, "Fewer older people feel lonely"),
                       (140, 64, "Homes that promote good health")):
        pdf.set_xy(x, y)  # boxes side by side on one baseline would extract as one line
        pdf.multi_cell(55, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(10, 90)
    pdf.multi_cell(0, 6, "The board chose these with residents over two years of meetings "
                         "and surveys across the county. " * 3)
    path = tmp_path / "boxes.pdf"
    pdf.output(str(path))
    found = extract(load_document(path), "boxes.pdf")
    assert [(c.what.replace("\n", " "), c.strength, c.topic) for c in found] == [
        ("Good mental health for all children", "aim", "Our priorities"),
        ("Fewer older people feel lonely", "aim", "Our priorities"),
        ("Homes that promote good health", "aim", "Our priorities")]


@pytest.mark.realdocs
@pytest.mark.skipif(not REALDOCS.exists(), reason="needs ../shared/data/realdocs")
def test_the_report_gives_each_half_and_document_with_its_misses():
    from assistant.evaluation.commitments import commitments_report

    figures = evaluate_commitments(ROOT, splits=("dev",))
    report = commitments_report(figures)
    dev_records = sum(len(d.commitments) for d in load_gold(ROOT / "eval" / "commitments.jsonl")
                      if d.split == "dev")
    assert dev_records > 400 and f"| dev | {dev_records} |" in report
    for source, scores in figures["documents"].items():
        assert f"dev: {Path(source).name}" in report
        assert all(missed in report for missed in scores["missed"])


def test_a_run_of_imperative_lines_under_any_heading_is_a_list(tmp_path):
    found = _markdown(tmp_path, "# Roles\n\n**Regions**\n\n"
                      "Support ICBs and providers to plan across the region.\n\n"
                      "Lead planning where a regional response is required.\n\n"
                      "Work closely with national teams on planning products.\n\n"
                      "**Notes**\n\nPlanning is a shared task.\n\n"
                      "Review the plan each year.\n\nAgree the budget with partners.\n")
    assert [c.what for c in found] == [
        "Support ICBs and providers to plan across the region",
        "Lead planning where a regional response is required",
        "Work closely with national teams on planning products"]


def test_a_short_line_of_another_column_does_not_end_a_run_of_imperatives(tmp_path):
    """A converted table runs its other column into the list; a heading ends the run, and
    what follows it needs a run of its own."""
    found = _markdown(tmp_path, "# Roles\n\nReduce waits for planned care to 18 weeks.\n\n"
                      "1% of the waiting list by March 2026\n\n"
                      "Improve cancer diagnosis within 28 days.\n\n"
                      "Increase urgent dental appointments.\n\n**Notes**\n\n"
                      "Planning is a shared task.\n\nReview the plan each year.\n\n"
                      "Agree the budget with partners.\n")
    assert [c.what for c in found] == [
        "Reduce waits for planned care to 18 weeks", "Improve cancer diagnosis within 28 days",
        "Increase urgent dental appointments"]
    advice = _markdown(tmp_path, "# Winter\n\nReview your medicines with a pharmacist. "
                       "Increase heating in cold weather. This is important. Agree a plan "
                       "with your family.\n")
    assert advice == []  # a sentence of its own between them ends the run


def test_an_aim_named_as_a_reference_point_is_part_of_the_action(tmp_path):
    found = _markdown(tmp_path, "# Plan\n\n## Our priorities\n\nWe will:\n\n"
                      "- expand support teams consistent with the government's aim of reaching "
                      "full coverage by 2029/30\n")
    assert [(c.what, c.when.end) for c in found] == [
        ("expand support teams consistent with the government's aim of reaching full coverage "
         "by 2029/30", date(2030, 3, 31))]
