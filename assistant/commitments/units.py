"""A document -> its units (sentences, list items, leads, headings) placed on their page and
section, each with its verbatim text.

`assistant.structure` reads the layout of a passage; a PDF page also needs the paragraph
breaks that its text extraction drops. Two layout facts give them back: a line that stops short
of its column before a capitalised line ends a paragraph ("2. Support research ... that has
impact" above "We will support ..."), and a change of line width marks a new region of the
page (a quotation's attribution above a column of text). The unit keeps `flat`, the text as
`structure` joined it (one space between words), for the rules to read, and `text`, the same
words as they stand in the page, for the citation.

Leaves out deciding what a unit commits to (`rules.py`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, pairwise

from assistant.blocks import Document
from assistant.stopwords import FUNCTION_WORDS
from assistant.structure import SECTION_SEPARATOR, Role, Unit, passage_units

# Lines this much shorter than the lines around them stop short of their column.
SHORT_LINE = 0.8
# A run of lines whose width differs from the run before by this much is a new region.
REGION_CHANGE = 0.7
_WINDOW = 3
BOX_WORDS = 25  # a box of its own this short is a list item (longer ones are paragraphs)
_SENTENCE_STOP = ".!?:;,"
# "We" opens a sentence wherever it stands: the line before it ended a paragraph.
_RUN = re.compile(r"\S+")
_FIRST_PERSON = re.compile(r"^W ?e\b")
# Word's second-level bullet as text extraction leaves it ("o reducing demand ..."): an item.
# Read so for the register only; answers keep their passage units as they were.
_WORD_SUB_BULLET = re.compile(r"(?m)^(\s*)o(?=\s+[a-z])")
# ... and where a converter ran the items into one line ("through: o maximising ... o robust"),
# known by a colon before the first or by two of them: a lone " o " is letter-spaced text
# ("the use o f the").
_RUN_IN_SUB_BULLET = re.compile(r"(?<=[a-z,:;]) o (?=[a-z])")
_RUN_IN_SUB_BULLETS = re.compile(r": o [a-z]|(?: o [a-z].*){2}")
_STARTS_BLOCK = re.compile(r"^(?:[A-Z0-9“\"‘(£•▪●✓-]|W e\b)")


@dataclass(frozen=True)
class PlacedUnit:
    """One unit of a document. `starts`: the first sentence of a list item; `block` numbers
    the document's blocks."""

    flat: str
    text: str
    role: Role
    starts: bool
    page: int | None
    section: str | None
    block: int


def _width(lines: list[str]) -> int:
    return max((len(line) for line in lines), default=0)


def _breaks_after(lines: list[str], i: int) -> bool:
    """Whether a paragraph ends after line `i` (the next line starts with a capital)."""
    line, following = lines[i].rstrip(), lines[i + 1].strip()
    if not line.strip() or not following or not _STARTS_BLOCK.match(following):
        return False
    before = _width(lines[max(0, i - _WINDOW + 1): i + 1])
    after = _width(lines[i + 1: i + 1 + _WINDOW])
    if min(before, after) < REGION_CHANGE * max(before, after):
        return True
    if line[-1] not in _SENTENCE_STOP and _FIRST_PERSON.match(following):
        return True
    last = line.split()[-1]
    local = _width(lines[max(0, i - _WINDOW): i + _WINDOW + 1])
    return (line[-1] not in _SENTENCE_STOP and len(line.strip()) < SHORT_LINE * local
            and last[:1].islower() and last.lower() not in FUNCTION_WORDS)


def with_layout_breaks(text: str, starts: tuple[int, ...] = ()) -> str:
    """A PDF page's text with a blank line wherever its layout ends a paragraph: where the
    type, the spacing or the place on the page says so (`starts`, from the PDF itself), or
    where the lines' lengths do."""
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i + 1 < len(lines) and (i + 1 in starts or _breaks_after(lines, i)):
            out.append("")
    return "\n".join(out)


class _Locator:
    """Finds units' words back in the block text, in order, whatever whitespace joins them:
    the text is searched with its whitespace squeezed out, and a squeezed offset is mapped
    back through the run of non-space characters it falls in."""

    def __init__(self, text: str) -> None:
        self.text = text
        runs = [(m.start(), m.group()) for m in _RUN.finditer(text)]
        self.squeezed = "".join(run for _, run in runs)
        self.run_starts = [at for at, _ in runs]
        self.squeezed_starts = list(accumulate((len(run) for _, run in runs), initial=0))
        self.cursor = 0

    def _original(self, squeezed_at: int) -> int:
        run = bisect_right(self.squeezed_starts, squeezed_at) - 1
        return self.run_starts[run] + squeezed_at - self.squeezed_starts[run]

    def verbatim(self, flat: str) -> str:
        needle = "".join(flat.split())
        at = self.squeezed.find(needle, self.cursor)
        if at < 0 or not needle:
            return flat
        self.cursor = at + len(needle)
        return self.text[self._original(at): self._original(at + len(needle) - 1) + 1]


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _layout_role(unit: Unit, paragraphs: set[str], headings: set[str]) -> tuple[Role, bool]:
    """A PDF unit's role as the layout sets it: a line set as a heading is a heading; a
    short paragraph or box of its own (set apart by the type, spacing or place on the page,
    not only by line lengths) without a closing stop ("Good mental health for all
    children" in a row of boxes under "Our priorities") is an item of the list the boxes
    make, though no bullet marks it."""
    squeezed = _squeezed(unit.text)
    if squeezed in headings:
        return "heading", False
    if (unit.role in ("sentence", "heading") and squeezed in paragraphs
            and 3 <= len(unit.text.split()) <= BOX_WORDS and unit.text.rstrip()[-1:] != "."):
        return "item", True
    return unit.role, unit.starts


def document_units(document: Document) -> Iterator[PlacedUnit]:
    """Every unit of the document, in reading order."""
    for number, block in enumerate(document.blocks):
        pdf = document.kind == "pdf"
        prepared = with_layout_breaks(block.text, block.breaks) if pdf else block.text
        prepared = _WORD_SUB_BULLET.sub(r"\1•", prepared)
        if _RUN_IN_SUB_BULLETS.search(prepared):
            prepared = _RUN_IN_SUB_BULLET.sub("\n• ", prepared)
        rows = block.text.split("\n")
        cuts = [0, *block.breaks, len(rows)]
        paragraphs = {_squeezed("".join(rows[a:b])) for a, b in pairwise(cuts)}
        headings = {_squeezed(rows[i]) for i in block.headings}
        headings |= {_squeezed(rows[i] + rows[i + 1]) for i in block.headings
                     if i + 1 in block.headings}
        locator = _Locator(block.text)
        leaf = (block.section or "").rsplit(SECTION_SEPARATOR, 1)[-1].strip()
        for unit in passage_units(prepared):
            role, starts = _layout_role(unit, paragraphs, headings) if pdf \
                else (unit.role, unit.starts)
            if not pdf and unit.text.strip() == leaf:  # a long heading kept in its text
                role = "heading"  # ("Reduce the time people wait for elective care")
            yield PlacedUnit(unit.text, locator.verbatim(unit.text), role, starts,
                             block.page, block.section, number)


def verbatim_span(flat: str, text: str, start: int, end: int) -> str:
    """The part of `text` (verbatim) that holds `flat[start:end]`: the same characters, with
    the page's own whitespace between them."""
    kept = [i for i, char in enumerate(text) if not char.isspace()]
    before = sum(1 for char in flat[:start] if not char.isspace())
    inside = sum(1 for char in flat[start:end] if not char.isspace())
    if inside == 0 or before + inside > len(kept):
        return flat[start:end]
    return text[kept[before]: kept[before + inside - 1] + 1]
