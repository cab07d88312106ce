"""Passage units: lists keep their lead-in, and noise is told apart from claims."""

import pytest

from assistant.structure import (
    in_apparatus,
    passage_units,
    runs_together,
    split_sentences,
    split_units,
)

LIST = """The main local commitments were to:
- ease the pressure of the 8am rush for appointments;
- improve continuity of care, so people see the same clinician;
- work more closely with community pharmacies.

Later figures show how access developed."""


def test_a_list_keeps_its_lead_in_and_its_items_together():
    units = split_units(LIST)
    assert [u.role for u in units] == ["lead", "item", "item", "item", "sentence"]
    assert {u.group for u in units[:4]} == {0} and units[4].group == -1
    assert all(u.starts for u in units[1:4])


def test_an_item_of_two_sentences_starts_once():
    units = split_units("Aims:\n• Cut waits. Then keep them low.\n• Grow the workforce.")
    assert [(u.role, u.starts) for u in units] == [
        ("lead", False), ("item", True), ("item", False), ("item", True)]


def test_a_lead_in_run_on_to_the_last_item_still_leads_the_next_list():
    """PDF text often has no blank line between a list's last item and the next lead-in."""
    units = split_units("Key actions:\n- Explore a strategy.\n- Deliver programmes on risk "
                        "factors.\nBackground from other sources:\n- One topic was equity.")
    assert [(u.role, u.group, u.starts) for u in units] == [
        ("lead", 0, False), ("item", 0, True), ("item", 0, True), ("lead", 1, False),
        ("item", 1, True)]
    assert units[2].text == "Deliver programmes on risk factors."


def test_a_paragraph_between_bullets_does_not_end_their_list():
    """Guidance explains a bullet in a paragraph below it; the next bullet is still an item
    of the same list. A heading or a new lead-in ends it."""
    units = split_units("The national priorities are:\n\n- reduce the time people wait.\n\n"
                        "Systems are expected to improve cancer performance.\n\n"
                        "- improve A&E waiting times.\n\n## Finance\n\n- balance the books.\n\n"
                        "Our values are:\n\n- kindness.")
    assert [(u.role, u.group) for u in units] == [
        ("lead", 0), ("item", 0), ("sentence", -1), ("item", 0), ("heading", -1), ("item", 1),
        ("lead", 2), ("item", 2)]
    two_paragraphs = split_units("Our aims are:\n\n- cut waits.\n\nOne paragraph.\n\n"
                                 "Another paragraph.\n\n- publish minutes online.")
    assert [u.group for u in two_paragraphs] == [0, 0, -1, -1, 1]
    no_lead = split_units("- cut waits.\n\nOne paragraph.\n\n- publish minutes online.")
    assert [u.group for u in no_lead] == [0, -1, 1]
    run_on = split_units("Our aims are:\n\n- cut waits.\n\nOne paragraph.\n\n"
                         "- open two hubs. Our partners are:\n\n- the council.")
    assert [(u.role, u.group) for u in run_on] == [
        ("lead", 0), ("item", 0), ("sentence", -1), ("item", 0), ("lead", 1), ("item", 1)]
    after_noise = split_units("Our aims are:\n\n- cut waits.\n\nPage 15\n\n- open hubs.")
    assert [u.group for u in after_noise] == [0, 0, -1, 1]


@pytest.mark.parametrize("line", [
    "Figure 3: Life expectancy by ward",
    "Contents … 12",
    "Email: enquiries@example.nhs.uk",
    "Page 15",
    "Source: ONS 2021",
])
def test_captions_contents_contacts_and_page_marks_are_noise(line):
    assert [u.role for u in split_units(line)] == ["noise"]


def test_a_contents_list_without_dot_leaders_is_noise_up_to_the_text_after_it():
    """Entries end on a page number, or are pieces of one broken over lines; the first
    sentence that ends ends the list."""
    units = split_units("Contents\n\nSection 1. Background 6\n• Area of change: workforce "
                        "development and\nprofessionalisation\n11\nSection 4. Next steps 13"
                        "\n\nThe report sets out what the NHS needs. It has three parts.")
    assert [u.role for u in units][-2:] == ["sentence", "sentence"]
    assert {u.role for u in units[:-2]} == {"noise"} and "Next steps" in units[-3].text
    assert split_units("Table of contents")[0].role == "noise"
    after = split_units("Contents\n\nIntroduction 3\n\nOur vision 5\n\nOur priorities\n"
                        "- Cut waits for planned care\n- Open two hubs\n\nWe will do it.")
    assert [u.role for u in after] == ["noise"] * 3 + ["heading", "item", "item", "sentence"]
    assert [u.role for u in split_units("Our contents\n\nWe will cut waits by 2026.")] == [
        "heading", "sentence"]


def test_a_note_about_the_document_is_apparatus_not_the_subject():
    """"About this document." opening a paragraph, or a section of that name, says who wrote
    the document and why."""
    units = split_units("About this document. This is an unofficial summary. It carries no "
                        "standing.\n\nThe plan has thirteen pledges.")
    assert [u.role for u in units] == ["noise", "sentence"]
    assert [u.role for u in split_units("About this guide: it was written for staff.")] == [
        "noise"]
    assert in_apparatus("Our plan › About this report") and not in_apparatus("About us")
    assert not in_apparatus("About this report › Our priorities")  # its subsections are not
    assert [u.role for u in split_units("About this report: the ICB will open three hubs.")] \
        == ["sentence"]  # a label that goes on about the subject


def test_table_rows_and_headings_are_not_sentences():
    units = split_units("Our priorities\nWe will cut waits for planned care.\n\nA | B | C")
    assert [u.role for u in units] == ["heading", "sentence", "row"]


@pytest.mark.parametrize("text", ["", " ", "ü", "word", "x" * 5000])
def test_edge_inputs(text):
    assert split_sentences(text) == [u.text for u in passage_units(text)]


@pytest.mark.parametrize(("text", "together"), [
    ("We will At its core, the neighbourhood health service get upstream of ill-health.", True),
    ("Individuals, families and communities are connected Our goals What we mean.", True),
    ("The hubs open in 2027. The teams follow in 2028.", False),
    ("It was published by The King's Fund in 2023.", False),
    ("Leicester, Leicestershire and Rutland (LLR) In brief", False),
])
def test_a_sentence_opening_in_the_middle_of_a_unit_is_layout_run_together(text, together):
    assert runs_together(text) is together
