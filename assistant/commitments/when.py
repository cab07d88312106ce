"""Time expressions in plan text -> a `When` with its verbatim text and normalised start/end.

Plans date their commitments in a few recurring shapes: a deadline year ("by 2028"), an NHS
financial year that runs 1 April to 31 March ("2024/25"), a month ("by March 2026"), a quarter
("Q3 2025", "quarter one of 2026/27"; "quarter four" alone is the next one after the
document's date), a part of a year ("late 2020"), a range ("2023-2028") and a span from the
document's own date ("within five years"). `end` is the deadline; `start` is set only when the
expression is itself a period ("in 2024/25", "during 2024"), never for "by ...".

Leaves out deciding which commitment an expression belongs to (`extract.py`) and guessing a
document's date: a relative expression without one keeps its text and no dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18,
                "twenty": 20, "a": 1}
# The months a part of a year ends with: "late 2020" is due by 31 December.
PART_ENDS = {"early": 4, "mid": 8, "late": 12, "spring": 5, "summer": 8, "autumn": 11,
             "winter": 2, "end": 12, "the end": 12}
SEASON_STARTS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}

_YEAR = r"(?:19[89]\d|20\d\d)"
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DEADLINE = r"(?:by|before|no later than|until|till|up to|for|ahead of)"
_PERIOD = r"(?:in|during|throughout|over|across|within)"
_PART = r"(?:early|mid|late|the end of|end of|spring|summer|autumn|winter)"
_NUMBER = r"(?:\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(
        rf"\b(?:(?:from|between)\s+)?(?P<a>{_YEAR})(?:/(?P<a2>\d\d))?\s*(?:-|–|—|to|and)\s*"
        rf"(?P<b>{_YEAR})(?:/(?P<b2>\d\d))?\b", re.I)),
    ("quarter", re.compile(
        rf"\b(?:(?P<prep>{_DEADLINE}|{_PERIOD})\s+)?(?:the\s+)?(?:Q(?P<q>[1-4])|"
        rf"quarter\s+(?P<qn>one|two|three|four|[1-4])|"
        rf"(?P<qw>first|second|third|fourth|final)\s+quarter\s+of)\s*(?:of\s+)?(?:the\s+)?"
        rf"(?:FY\s*)?(?P<y>{_YEAR})(?:\s*/\s*(?P<y2>\d\d))?\b", re.I)),
    ("quarter_of_year", re.compile(
        rf"\b(?:(?P<prep>{_DEADLINE}|{_PERIOD})\s+)?(?:the\s+)?(?:(?P<half>first|second)\s+half"
        rf"\s+of\s+)?(?:quarter\s+(?P<qn>one|two|three|four|[1-4])|Q(?P<q>[1-4]))\b"
        rf"(?!\s*(?:of\s+)?(?:the\s+)?(?:FY\s*)?(?:/|{_YEAR})|\s+(?:years?|months?|weeks?|days?)\b)",
        re.I)),
    ("financial", re.compile(
        rf"\b(?:(?P<prep>{_DEADLINE}|{_PERIOD}|the end of)\s+)?(?:the\s+)?(?:financial year\s+)?"
        rf"(?P<y>{_YEAR})\s*(?:/\s*(?P<y2>\d\d(?:\d\d)?)|[-–]\s*(?P<y3>\d\d))(?!\d)", re.I)),
    ("day", re.compile(
        rf"\b(?:(?P<prep>{_DEADLINE}|on|from)\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+"
        rf"(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b", re.I)),
    ("month", re.compile(
        rf"\b(?:(?P<prep>{_DEADLINE}|{_PERIOD}|from)\s+)?(?:(?P<part>the end of|end of|"
        rf"early|mid|late)\s+)?(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b", re.I)),
    ("part", re.compile(
        rf"\b(?:(?P<prep>{_DEADLINE}|{_PERIOD})\s+)?(?P<part>{_PART})[\s-]+(?P<y>{_YEAR})\b",
        re.I)),
    ("year", re.compile(
        rf"\b(?P<prep>{_DEADLINE}|{_PERIOD}|from|after)\s+(?:the\s+(?:year\s+)?)?"
        rf"(?P<y>{_YEAR})\b(?!\s*[/–-]\s*\d)", re.I)),
    ("relative", re.compile(
        rf"\b(?P<prep>within|over|in|during|by the end of)\s+(?:(?:the|those|these|its)\s+)?"
        rf"(?:(?:next|coming|first)\s+)?(?P<n>{_NUMBER})?\s*"
        r"(?P<unit>years?|months?|decade)\b", re.I)),
]


@dataclass(frozen=True)
class When:
    """A time expression as written and what it means; `start` only for periods."""

    text: str | None = None
    start: date | None = None
    end: date | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"text": self.text,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> When:
        start, end = data.get("start"), data.get("end")
        return cls(data.get("text"), date.fromisoformat(start) if start else None,
                   date.fromisoformat(end) if end else None)


@dataclass(frozen=True)
class TimeMatch:
    """A `When` and where its text sits in the searched string."""

    when: When
    begin: int
    finish: int


NO_WHEN = When()


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _second_year(first: int, second: str) -> int | None:
    """The end year of "2024/25" or "2024/2025"; None when the two do not follow on."""
    value = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    if len(second) == 2 and value < first:  # "1999/00"
        value += 100
    return value if value == first + 1 else None


def _financial_year(first: int, second: str, prep: str | None) -> tuple[date | None, date] | None:
    if (end_year := _second_year(first, second)) is None:
        return None
    start = date(first, 4, 1) if _is_period(prep) else None
    return start, date(end_year, 3, 31)


def _is_period(prep: str | None) -> bool:
    """Bare "2024/25", "in 2024/25" and "during 2024" are periods; "by 2028" is a deadline."""
    return prep is None or prep.lower() in {"in", "during", "throughout", "over", "across",
                                             "within", "due in"}


def _dates(kind: str, m: re.Match[str], today: date | None) -> tuple[date | None, date | None]:
    """(start, end) for one match; (None, None) when the text does not fix a date."""
    groups = m.groupdict()
    prep = (groups.get("prep") or "").lower() or None
    if kind == "range":
        start_year = int(m["a"])
        end_year = int(m["b"])
        if m["b2"] and (second := _second_year(end_year, m["b2"])):
            return date(start_year, 4, 1), date(second, 3, 31)
        return date(start_year, 1, 1), date(end_year, 12, 31)
    if kind == "financial":
        found = _financial_year(int(m["y"]), m["y2"] or m["y3"], prep)
        return found if found else (None, None)
    if kind == "quarter":
        quarter = _quarter_number(m)
        year = int(m["y"])
        if m["y2"]:  # a quarter of a financial year: Q1 is April to June
            first_month = (quarter * 3 + 1) % 12 or 12
            year += quarter == 4
        else:
            first_month = quarter * 3 - 2
        end = month_end(year, first_month + 2)
        return (date(year, first_month, 1) if _is_period(prep) else None), end
    if kind == "quarter_of_year":
        return _quarter_after(m, prep, today)
    if kind == "day":
        year, month = int(m["y"]), MONTHS[m["m"].lower().rstrip(".")]
        day = min(int(m["d"]), calendar.monthrange(year, month)[1]) or 1
        return (date(year, month, day) if prep == "from" else None), date(year, month, day)
    if kind == "month":
        year, month = int(m["y"]), MONTHS[m["m"].lower().rstrip(".")]
        if prep == "from":
            return date(year, month, 1), None
        period = _is_period(prep) and not m["part"]
        return (date(year, month, 1) if period else None), month_end(year, month)
    if kind == "part":
        return _part_dates(m["part"].lower(), int(m["y"]), prep)
    if kind == "year":
        year = int(m["y"])
        if prep in {"from", "after"}:
            return date(year, 1, 1), None
        return (date(year, 1, 1) if _is_period(prep) else None), date(year, 12, 31)
    return _relative(m, today)


def _quarter_number(m: re.Match[str]) -> int:
    """1-4 from "Q3", "quarter three", "quarter 3" or "the third quarter of"."""
    word = (m["q"] or m["qn"] or m.groupdict().get("qw") or "").lower().replace("final", "fourth")
    if word.isdigit():
        return int(word)
    return (["one", "two", "three", "four"].index(word) if word in {"one", "two", "three", "four"}
            else ["first", "second", "third", "fourth"].index(word)) + 1


def _quarter_after(m: re.Match[str], prep: str | None,
                   today: date | None) -> tuple[date | None, date | None]:
    """"quarter four" with no year: the next such quarter of an NHS financial year (Q1 is
    April to June) ending on or after the document's date; "the first half of" it ends
    mid-quarter. Nothing without a document date."""
    if today is None:
        return None, None
    quarter = _quarter_number(m)
    first_month = (quarter * 3 + 1) % 12 or 12
    year = today.year
    while month_end(year, first_month + 2) < today:
        year += 1
    start, end = date(year, first_month, 1), month_end(year, first_month + 2)
    if m["half"]:
        middle = date(year, first_month + 1, 15)
        start, end = (start, middle) if m["half"].lower() == "first" else (middle, end)
    return (start if _is_period(prep) else None), end


def _part_dates(part: str, year: int, prep: str | None) -> tuple[date | None, date]:
    part = part.removesuffix(" of")
    end_month = PART_ENDS[part]
    if part == "winter":  # winter 2025 runs December 2025 to February 2026
        return (date(year, 12, 1) if prep and _is_period(prep) else None), month_end(year + 1, 2)
    if part in SEASON_STARTS and prep and _is_period(prep):
        return date(year, SEASON_STARTS[part], 1), month_end(year, end_month)
    return None, month_end(year, end_month)


def _relative(m: re.Match[str], today: date | None) -> tuple[date | None, date | None]:
    """"within five years" from the document's date; nothing without one."""
    if today is None:
        return None, None
    word = (m["n"] or "a").lower()
    count = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)
    unit = m["unit"].lower()
    months = count * (120 if unit == "decade" else 12 if unit.startswith("year") else 1)
    total = today.year * 12 + today.month - 1 + months
    year, month = divmod(total, 12)
    end = date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
    deadline = m["prep"].lower() in {"within", "by the end of"}
    return (None if deadline else today), end


def find_times(text: str, today: date | None = None) -> list[TimeMatch]:
    """Every time expression of `text`, leftmost first, none overlapping another.

    Earlier patterns win ties, so "2024/25" is a financial year before "2024" is a year."""
    found: list[TimeMatch] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            if kind == "relative" and not (m["n"] or m["unit"].lower() == "decade"
                                           or "next" in m[0].lower() or "coming" in m[0].lower()):
                continue
            start, end = _dates(kind, m, today)
            if kind != "relative" and start is None and end is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(TimeMatch(When(m[0], start, end), m.start(), m.end()))
    return sorted(found, key=lambda t: t.begin)


def parse_when(text: str, today: date | None = None) -> When:
    """The first dated time expression of `text` (else the first undated one), or `NO_WHEN`."""
    times = find_times(text, today)
    dated = [t for t in times if t.when.end or t.when.start]
    chosen = dated or times
    return chosen[0].when if chosen else NO_WHEN
