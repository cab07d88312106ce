"""Time expressions -> normalised start and end dates (assistant/commitments/when.py)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.commitments.when import NO_WHEN, When, find_times, month_end, parse_when

D = date


@pytest.mark.parametrize(("text", "expected"), [
    # a year as a deadline: 31 December, no start
    ("roll out all hubs by 2028", When("by 2028", None, D(2028, 12, 31))),
    ("is set for 2028, which", When("for 2028", None, D(2028, 12, 31))),
    ("no later than 2030", When("no later than 2030", None, D(2030, 12, 31))),
    # a calendar year as a period
    ("during 2024", When("during 2024", D(2024, 1, 1), D(2024, 12, 31))),
    ("in 2027", When("in 2027", D(2027, 1, 1), D(2027, 12, 31))),
    # NHS financial years run 1 April to 31 March
    ("2024/25", When("2024/25", D(2024, 4, 1), D(2025, 3, 31))),
    ("open a centre in 2024/25", When("in 2024/25", D(2024, 4, 1), D(2025, 3, 31))),
    ("during 2023/24", When("during 2023/24", D(2023, 4, 1), D(2024, 3, 31))),
    ("in 2025-26", When("in 2025-26", D(2025, 4, 1), D(2026, 3, 31))),
    ("in 2024/2025", When("in 2024/2025", D(2024, 4, 1), D(2025, 3, 31))),
    ("by 2029/30", When("by 2029/30", None, D(2030, 3, 31))),
    ("in 1999/00", When("in 1999/00", D(1999, 4, 1), D(2000, 3, 31))),
    # months and days
    ("by March 2026", When("by March 2026", None, D(2026, 3, 31))),
    ("by the end of March 2026", When("by the end of March 2026", None, D(2026, 3, 31))),
    ("by Feb 2028", When("by Feb 2028", None, D(2028, 2, 29))),
    ("in September 2025", When("in September 2025", D(2025, 9, 1), D(2025, 9, 30))),
    ("from April 2024", When("from April 2024", D(2024, 4, 1), None)),
    ("by 31 March 2023", When("by 31 March 2023", None, D(2023, 3, 31))),
    ("by 30th June 2023", When("by 30th June 2023", None, D(2023, 6, 30))),
    # quarters: calendar, or of a financial year when written with one
    ("Q3 2025", When("Q3 2025", D(2025, 7, 1), D(2025, 9, 30))),
    ("by Q1 2026", When("by Q1 2026", None, D(2026, 3, 31))),
    ("in Q4 2025/26", When("in Q4 2025/26", D(2026, 1, 1), D(2026, 3, 31))),
    ("in Q1 2025/26", When("in Q1 2025/26", D(2025, 4, 1), D(2025, 6, 30))),
    ("the third quarter of 2025",
     When("the third quarter of 2025", D(2025, 7, 1), D(2025, 9, 30))),
    # parts of a year and seasons: a deadline at the end of the part
    ("trials will begin in late 2020", When("in late 2020", None, D(2020, 12, 31))),
    ("early 2025", When("early 2025", None, D(2025, 4, 30))),
    ("by mid-2026", When("by mid-2026", None, D(2026, 8, 31))),
    ("by the end of 2025", When("by the end of 2025", None, D(2025, 12, 31))),
    ("in spring 2025", When("in spring 2025", D(2025, 3, 1), D(2025, 5, 31))),
    ("by autumn 2024", When("by autumn 2024", None, D(2024, 11, 30))),
    ("in winter 2025", When("in winter 2025", D(2025, 12, 1), D(2026, 2, 28))),
    # ranges
    ("2023-2028", When("2023-2028", D(2023, 1, 1), D(2028, 12, 31))),
    ("strategy 2020 – 2030", When("2020 – 2030", D(2020, 1, 1), D(2030, 12, 31))),
    ("from 2023 to 2028", When("from 2023 to 2028", D(2023, 1, 1), D(2028, 12, 31))),
    ("2023/24 to 2027/28", When("2023/24 to 2027/28", D(2023, 4, 1), D(2028, 3, 31))),
])
def test_expressions_normalise(text: str, expected: When):
    assert parse_when(text) == expected


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("within five years", D(2023, 7, 13), When("within five years", None, D(2028, 7, 13))),
    ("within 18 months", D(2024, 1, 31), When("within 18 months", None, D(2025, 7, 31))),
    ("over the next year", D(2024, 2, 29),
     When("over the next year", D(2024, 2, 29), D(2025, 2, 28))),
    ("in the coming decade", D(2020, 10, 1),
     When("in the coming decade", D(2020, 10, 1), D(2030, 10, 1))),
    ("over the next three years", D(2020, 1, 1),
     When("over the next three years", D(2020, 1, 1), D(2023, 1, 1))),
])
def test_relative_expressions_count_from_the_document_date(text, today, expected):
    assert parse_when(text, today) == expected


@pytest.mark.parametrize("text", ["within five years", "over the next year",
                                  "during those five years"])
def test_relative_expressions_without_a_document_date_keep_only_their_text(text):
    when = parse_when(text)
    assert when.text == text
    assert when.start is None and when.end is None


@pytest.mark.parametrize("text", [
    "", "no date here", "since 2012 the unit has grown", "the 2019 report",
    "over the years", "NHS 111", "page 2024", "in 2024/27",  # years that do not follow on
    "£2028 million",
])
def test_text_without_a_date_gives_nothing_dated(text):
    when = parse_when(text)
    assert when.start is None and when.end is None


def test_no_date_is_the_empty_when():
    assert parse_when("nothing") == NO_WHEN
    assert NO_WHEN.to_json() == {"text": None, "start": None, "end": None}


def test_a_financial_year_is_not_also_read_as_a_calendar_year():
    found = find_times("in 2024/25 and by 2028")
    assert [t.when.text for t in found] == ["in 2024/25", "by 2028"]


def test_matches_give_their_offsets_in_the_text():
    text = "We will open the hub by March 2026 and review it in 2027."
    found = find_times(text)
    assert [text[t.begin:t.finish] for t in found] == ["by March 2026", "in 2027"]


def test_json_uses_iso_dates():
    assert parse_when("in 2024/25").to_json() == {
        "text": "in 2024/25", "start": "2024-04-01", "end": "2025-03-31"}


def test_start_never_follows_end():
    for text in ["Q4 2025/26", "in winter 2025", "2023/24 to 2027/28", "in 2024/25"]:
        when = parse_when(text)
        assert when.start is None or when.end is None or when.start <= when.end


def test_month_end_knows_leap_years():
    assert month_end(2024, 2) == D(2024, 2, 29)
    assert month_end(2025, 2) == D(2025, 2, 28)


def test_non_ascii_and_line_breaks_around_an_expression():
    assert parse_when("will begin\nin late 2020 – “soon”").end == D(2020, 12, 31)


@pytest.mark.parametrize(("text", "expected"), [
    ("in quarter 1 2025", When("in quarter 1 2025", D(2025, 1, 1), D(2025, 3, 31))),
    ("by quarter two of 2025/26", When("by quarter two of 2025/26", None, D(2025, 9, 30))),
    # no year: the next such quarter of an NHS year ending after the document's date
    ("during the first half of quarter four",
     When("during the first half of quarter four", D(2026, 1, 1), D(2026, 2, 15))),
    ("by Q2", When("by Q2", None, D(2025, 9, 30))),
    ("in quarter one", When("in quarter one", D(2026, 4, 1), D(2026, 6, 30))),
])
def test_quarters_written_out_and_quarters_of_the_documents_year(text, expected):
    assert parse_when(text, D(2025, 9, 8)) == expected


def test_a_quarter_without_a_year_needs_the_documents_date():
    assert parse_when("during quarter four") == NO_WHEN
