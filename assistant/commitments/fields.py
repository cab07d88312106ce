"""The who, where and target of a commitment, read from its own words.

Each field is copied from the text, never inferred: `who` only when the sentence names the
body (a bare "we" gives None, even where the author is obvious), `where` when it names a place
or an area ("across LLR", "LLR-wide"), `target` when it states a figure with what it counts
("13 primary care networks", "£650m", "90 per cent").

Leaves out the time expression (`when.py`).
"""

from __future__ import annotations

import re

_NAME_WORD = r"(?:[A-Z][\w&’'.-]*|[A-Z]{2,})"
_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:of|and|for|the|&)?\s*{_NAME_WORD})*")
_NOT_NAMES = frozenset("""The This That These Those It We Our They Their By In On At For
With Working Through Thr ough According Together""".split())
_POSSESSIVE_NAME = re.compile(rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})*)['’]s\s+"
                              r"(?:commitment|pledge|aim|ambition|plan)")
_PLACE = re.compile(rf"\b(?:across|throughout|in|at|within)\s+(?:the\s+)?(?P<place>"
                    rf"{_NAME_WORD}(?:\s+{_NAME_WORD})*)|\b(?P<wide>[A-Z]{{2,}}-wide)\b")
_NOT_PLACES = re.compile(r"^(?:January|February|March|April|May|June|July|August|September|"
                         r"October|November|December|Q[1-4]|NHS|The|This|Our)$")
_COUNT = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
         r"twenty|thirty|fifty|hundreds|thousands|millions)"
_TARGET = re.compile(
    r"£\s?\d[\d,.]*\s?(?:m|bn|k|million|billion)?\b|"
    r"\b\d[\d,.]*\s?(?:%|per\s?cent\b|percent\b)|"
    rf"(?<!the )(?<!\w)(?P<count>{_COUNT})\s+(?:of\s+)?(?:[a-z][\w-]*\s+){{0,3}}?[a-z][\w-]*s\b",
    re.I)
_TIME_UNITS = re.compile(r"\b(?:years?|months?|weeks?|days?|decades?|hours?|minutes?)$")


def who(subject: str | None, text: str) -> str | None:
    """The body a commitment names as its doer: its subject's name, or "X's commitment"."""
    if subject:
        names = [n for n in (_strip(m.group()) for m in _NAME.finditer(subject)) if n]
        if names:
            return max(names, key=len)
    possessive = _POSSESSIVE_NAME.search(text)
    return possessive["name"] if possessive else None


def _strip(name: str) -> str | None:
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    return " ".join(words) if words and not (len(words) == 1 and len(words[0]) < 2) else None


def where(what: str) -> tuple[int, int] | None:
    """Where in `what` it names a place or an area: "across LLR", "LLR-wide"."""
    for m in _PLACE.finditer(what):
        if m["wide"]:
            return m.span("wide")
        if not _NOT_PLACES.match(m["place"].split()[0]):
            return m.span()
    return None


def target(what: str, time_span: tuple[int, int] | None) -> tuple[int, int] | None:
    """Where in `what` it states a figure it aims at, with its unit, outside its time."""
    searched = what
    if time_span:
        a, b = time_span
        searched = what[:a] + " " * (b - a) + what[b:]
    for m in _TARGET.finditer(searched):
        found = m.group().strip()
        if m["count"] and (_TIME_UNITS.search(found) or re.fullmatch(r"(?:19|20)\d\d", m["count"])):
            continue
        return m.start(), m.start() + len(found)
    return None
