"""A passage's text -> its units: sentences, list items, list lead-ins, headings, table rows, noise.

Documents carry meaning in their layout as much as in their words: "The strategy has five
priorities:" followed by five bullets is one answer to "What are the priorities?", a table row
is a record rather than a sentence, and a contents line, a figure caption or an e-mail address
is something no answer should quote. This module reads that layout back from the extracted
text (bullets, a line ending in a colon, table cells, short capitalised lines), so every stage
downstream works on typed units, whatever the file format. It also owns how a section path is
written and read ("Our priorities › Starting Well"), and which sections are the document's
apparatus (references, contents), whose lines name topics without saying anything about them.

Leaves out scoring units against a question (`evidence.py`) and composing answers (`answer/`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from assistant.stopwords import FUNCTION_WORDS

Role = Literal["sentence", "item", "lead", "heading", "row", "noise"]

SECTION_SEPARATOR = " › "  # between the headings of a section path
# A document's apparatus: "References", "7. Bibliography", "Appendix B - References and
# further reading", "About this report".
_BACK_MATTER = re.compile(
    r"(?:appendix\s+\w{1,3}\s*[-–:.]?\s*)?(?:references?|reference list|bibliography|"
    r"acknowledge?ments|useful links|further reading|endnotes|footnotes)"
    r"(?:\s+and\s+further reading)?$", re.IGNORECASE)
# A section "About this report", or a paragraph opening "About this document. This is…" or
# "About this guide: it was…", says who wrote the document and why: apparatus, not the
# subject ("About this report: the ICB will open…" goes on about the subject).
_ABOUT = r"about this (?:document|report|guide|summary|publication)"
_ABOUT_HEADING = re.compile(rf"{_ABOUT}$", re.IGNORECASE)
_ABOUT_LABEL = re.compile(rf"{_ABOUT}\s*[.:]\s*(?:this|it)\b", re.IGNORECASE)
_HEADING_NUMBER = re.compile(r"^(?:\d{1,3}[.)]?|\S{1,4}[.)])\s+(?=\w)")  # "3. ", "7 ", "B) "

_BULLET = re.compile(r"^\s*(?:[-•*·–▪◦●○■□➢➤✓]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bNo)(?<!\bDr)(?<!\bMr)(?<!\bMrs)"
    r"(?<!\bMs)(?<!\bSt)(?<=[.!?])[\"”’)]?\s+(?=[\"“(£]?[A-Z0-9])"
)
_LABEL = re.compile(r"^(?:Q|A|Question|Answer)\s*[:.]\s*", re.IGNORECASE)
CONTENTS_LINE = re.compile(r"(?:…|\.\s?\.\s?\.)\s*\d{1,3}\b")
CONTENTS_HEADING = re.compile(r"(?:table of )?contents$", re.IGNORECASE)  # lasts one page
CONTENTS_ENTRY_WORDS = 20  # a contents list's lines are this short...
_PAGE_NUMBER_END = re.compile(r"(?:^|\s)\d{1,3}$")  # ...and end on a page number
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"”’)]*$")
CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|graph|diagram|image|photo|map|source|"
                      r"sources|note|notes)\s*\d*[a-z]?\s*[:.–-]", re.IGNORECASE)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+|https?://\S+|\bwww\.\S+|"
                      r"\b(?:tel|telephone|phone|email|e-mail)\s*:", re.IGNORECASE)
# Capitalised function words that open a sentence and never stand in its middle.
_OPENERS = (r"(?:The|We|This|These|Our|It|Its|They|There|However|In|At|As|For|From|By|On|To|"
            r"With|When|While|If|But|Each|All|Many|Most|Some)")
_OPENER_INSIDE = re.compile(rf"\b[a-z][\w'’-]*,?\s{_OPENERS}\s[a-z]")  # "…we will At its core"
_PAGE_MARK = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """One unit of a passage. `group` numbers the lists of the passage: the items of one
    list and the lead-in that introduces it share it; -1 for everything else. `starts` marks
    the first sentence of a bullet (an item may run to several sentences)."""

    text: str
    role: Role
    group: int = -1
    starts: bool = False


def _is_heading(current: str, line: str) -> bool:
    """A short line without a final stop above a capitalised line: "7. Mental health" above
    its paragraph."""
    return (len(current.split()) <= 6 and current[-1:].isalnum() and line[:1].isupper()
            and current.split()[-1].lower() not in FUNCTION_WORDS)


def _blocks(text: str) -> list[tuple[str, bool]]:
    """Paragraph lines joined back into (block, is_bullet) pairs: PDF line wraps undone,
    bullets, table rows, lines ending in a colon and headings kept apart."""
    blocks: list[tuple[str, bool]] = []
    for paragraph in re.split(r"\n\s*\n", text):
        current, bullet = "", False
        for line in paragraph.split("\n"):
            line = line.strip()
            if not line:
                continue
            starts_item = bool(_BULLET.match(line))
            if (starts_item or "|" in line or "|" in current or current.endswith(":")
                    or not current or _is_heading(current, line)):
                if current:
                    blocks.append((current, bullet))
                current, bullet = _BULLET.sub("", line), starts_item
            else:
                current = f"{current} {line}"
        if current:
            blocks.append((current, bullet))
    return blocks


def _role(text: str, bullet: bool) -> Role:
    words = len(text.split())
    if (CONTENTS_LINE.search(text) or CAPTION.match(text) or _PAGE_MARK.match(text)
            or (_CONTACT.search(text) and words <= 25)):
        return "noise"
    if "|" in text:
        return "row"
    if text.rstrip().endswith(":"):
        return "lead"
    if bullet:
        return "item"
    if words <= 6 and (text.rstrip()[-1:] not in ".!;)\"”’?" or _title_case(text)):
        return "heading"
    return "sentence"


def _contents_blocks(blocks: list[str]) -> set[int]:
    """The blocks of a contents list without dot leaders: from a "Contents" heading to the
    last of the short lines after it that ends on a page number ("Section 2. Main findings
    6", an entry broken over lines: "Area of change: workforce development and",
    "professionalisation 11"). A heading or list after the contents stays what it is."""
    found: set[int] = set()
    for start, block in enumerate(blocks):
        if not CONTENTS_HEADING.match(block.strip()):
            continue
        end = start
        for n in range(start + 1, len(blocks)):
            text = blocks[n].strip()
            if len(text.split()) > CONTENTS_ENTRY_WORDS or _ENDS_SENTENCE.search(text):
                break
            if _PAGE_NUMBER_END.search(text):
                end = n
        found.update(range(start, end + 1))
    return found


def _title_case(text: str) -> bool:
    """A label such as "LLR System Health Inequalities Framework." or "Core20PLUS5.": most
    words capitalised, so a name standing for a heading rather than a sentence."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.75


def split_units(text: str) -> list[Unit]:
    """The units of a passage, in order. A list is the run of bullets after a lead-in (or
    without one); a bulleted item of several sentences gives one unit per sentence, all
    items of the same list. One paragraph printed between two bullets of a list with a
    lead-in does not end it (guidance explains a bullet below it); a second paragraph, a
    heading or a new lead-in does."""
    units: list[Unit] = []
    group = -1
    in_list = False
    resumes = False  # one paragraph after a led list's bullet: the next bullet goes on it
    led = False  # the current list has a lead-in
    blocks = _blocks(text)
    contents = _contents_blocks([block for block, _ in blocks])
    for n, (block, bullet) in enumerate(blocks):
        if n in contents or _ABOUT_LABEL.match(block):
            units.append(Unit(block, "noise"))
            resumes = False
            continue
        pieces = [p for s in _SENTENCE_END.split(block) if len(p := _LABEL.sub("", s.strip())) > 1]
        role = _role(block, bullet)
        if role == "lead":
            if bullet and len(pieces) > 1:
                # the next list's lead-in run on to the last item, no blank line between
                # ("- Deliver programmes ... diabetes." / "Background from other sources:")
                if not (in_list or resumes) and not (units and units[-1].role == "lead"):
                    group += 1
                units += [Unit(p, "item", group, i == 0) for i, p in enumerate(pieces[:-1])]
            else:
                units += [Unit(p, "sentence") for p in pieces[:-1]]
            group += 1
            in_list = resumes = False
            led = True
            units.append(Unit(pieces[-1] if pieces else block, "lead", group))
            continue
        if role == "item":
            if not (in_list or resumes) and not (units and units[-1].role == "lead"):
                group += 1
                led = False
            in_list = True
            units += [Unit(p, "heading" if _role(p, False) == "heading" and len(pieces) > 1
                           else "item", group, i == 0) for i, p in enumerate(pieces)]
            continue
        resumes = led and in_list and role == "sentence" and all(
            _role(p, False) == "sentence" for p in pieces)
        in_list = False
        if role in ("sentence", "row"):
            units += [Unit(p, _role(p, False) if role == "sentence" else role)
                      for p in pieces]
        else:
            units += [Unit(p, role) for p in pieces]
    return units


@lru_cache(maxsize=20_000)
def passage_units(text: str) -> tuple[Unit, ...]:
    """`split_units`, memoised: the same passages come back for many questions."""
    return tuple(split_units(text))


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, with PDF line wraps joined back together."""
    return [unit.text for unit in split_units(text)]


def runs_together(text: str) -> bool:
    """A unit with a sentence's opening in its middle ("We will At its core, the neighbourhood
    health service get upstream…", "…communities are connected Our goals What we mean…"): two
    columns of a page interleaved line by line, or a label run into its paragraph, as
    converted text may hold them."""
    return bool(_OPENER_INSIDE.search(text))


def section_headings(section: str | None) -> list[str]:
    """The headings of a section path without their numbers ("3. Ensuring access" ->
    "ensuring access"), folded for comparison."""
    return [_HEADING_NUMBER.sub("", part.strip()).strip(" .:").casefold()
            for part in (section or "").split(SECTION_SEPARATOR) if part.strip()]


def in_apparatus(section: str | None) -> bool:
    """A section of the document's apparatus (references, acknowledgements, useful links,
    contents, a note about the document itself): it lists other works and people or says
    who wrote it and why, nothing about the subject."""
    headings = section_headings(section)
    return any(_BACK_MATTER.match(name) or CONTENTS_HEADING.match(name) for name in headings) \
        or bool(headings and _ABOUT_HEADING.match(headings[-1]))  # not its subsections
