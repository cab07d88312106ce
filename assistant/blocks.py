"""What every loader returns and shares: a `Document` of `Block`s, each with its page or
section, and the pieces the loaders have in common.

A section is named by its path of headings (`HeadingPath`); sections too short to be found
on their own are read with a neighbour (`merge_small`); a page or section whose text is empty
or garbled is left out with a warning (`keep_page`); a file's bytes become text by the first
encoding that reads them (`decode_text`); sections become a document (`sectioned_document`),
titled from the file's name when nothing better is found (`title_from_filename`). Leaves out
reading any file format: the PDF and Markdown loaders have modules of their own, the rest
live in `documents.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.cleaning import clean_text, garbled_reason
from assistant.structure import CAPTION, SECTION_SEPARATOR

MIN_BLOCK_WORDS = 50  # a section shorter than this is read with its neighbour


@dataclass(frozen=True)
class Block:
    """A stretch of cleaned text with where it came from: a PDF page, or a section."""

    text: str
    page: int | None = None
    section: str | None = None
    breaks: tuple[int, ...] = ()  # PDF: lines of `text` where the layout starts a paragraph
    headings: tuple[int, ...] = ()  # PDF: lines of `text` set as headings


@dataclass(frozen=True)
class PageWarning:
    """A page (or the whole file, page None) indexed incompletely, and why."""

    page: int | None
    warning: str


@dataclass
class Document:
    """A loaded file. `pages` counts PDF pages; other formats count as one page."""

    path: Path
    title: str
    kind: str
    pages: int
    blocks: list[Block]
    warnings: list[PageWarning] = field(default_factory=list)


def title_from_filename(path: Path) -> str:
    """"llr-plan_pledges.md" -> "Llr plan pledges": a title when the file gives none."""
    words = re.sub(r"[_\-]+", " ", path.stem).strip()
    return (words[:1].upper() + words[1:]) if words else path.name


def keep_page(page: int | None, text: str, warnings: list[PageWarning]) -> str:
    """Return the text when usable; otherwise record a warning and return ''."""
    if not text.strip():
        warnings.append(PageWarning(page, "no extractable text (scanned image?)"))
        return ""
    if reason := garbled_reason(text):
        warnings.append(PageWarning(page, f"skipped: {reason}"))
        return ""
    return text


def merge_small(blocks: list[tuple[str | None, list[str]]]) -> list[tuple[str | None, list[str]]]:
    """Blocks of fewer than `MIN_BLOCK_WORDS` words joined to a neighbour (a heading on its
    own or a section's introduction to the text after it, a scrap of text to the text before
    it): a chunk of a caption or a lone figure finds nothing, and infographic pages set many
    labels as headings. The joined block keeps the section of its larger part."""
    merged: list[tuple[str | None, list[str]]] = []
    for section, rows in blocks:  # a caption is read with the table or figure after it
        last = next((row for row in reversed(merged[-1][1]) if row), "") if merged else ""
        if CAPTION.match(last):
            merged[-1][1].extend(rows)
        else:
            merged.append((section, list(rows)))

    def words(index: int) -> int:
        return sum(len(row.split()) for row in merged[index][1])

    while len(merged) > 1:
        small = min(range(len(merged)), key=words)
        if words(small) >= MIN_BLOCK_WORDS:
            break
        rows = [row for row in merged[small][1] if row]
        forward = small + 1 < len(merged) and (small == 0 or len(rows) <= 2
                                                or _introduces(merged[small], merged[small + 1]))
        other = small + 1 if forward else small - 1
        first, second = sorted((small, other))
        section = merged[first][0] if words(first) >= words(second) else merged[second][0]
        merged[first:second + 1] = [(section, merged[first][1] + merged[second][1])]
    joined: list[tuple[str | None, list[str]]] = []
    for section, rows in merged:
        if joined and joined[-1][0] == section:
            joined[-1][1].extend(rows)
        else:
            joined.append((section, rows))
    return joined


def _introduces(block: tuple[str | None, list[str]], after: tuple[str | None, list[str]]) -> bool:
    """The block opens with its own heading (or that heading's first line) and the block after
    it is a subsection of it: a section's few lines of introduction above its first
    subsection ("Summary of the process" over "Summary of the process › Screening")."""
    section, rows = block
    first = next((row.strip() for row in rows if row.strip()), "")
    name = section.split(SECTION_SEPARATOR)[-1].strip() if section else ""
    return bool(first and section and (after[0] or "").startswith(section + SECTION_SEPARATOR)
                and (name == first or name.startswith(first + " ")))


class HeadingPath:
    """The chain of headings above the current line. A section is named by its path below
    the document's title ("The partners › NHS organisations"), so a passage under a
    subheading still matches a question about its parent section."""

    def __init__(self) -> None:
        self._levels: list[tuple[int, str]] = []

    def enter(self, level: int, heading: str) -> str:
        while self._levels and self._levels[-1][0] >= level:
            self._levels.pop()
        self._levels.append((level, heading))
        return self._path()

    def extend(self, words: str) -> str:
        """The current heading continued by the next heading line: a converter broke it
        over lines and levels ("## Resetting the", "### foundations: a", "## model")."""
        level, heading = self._levels[-1]
        self._levels[-1] = (level, f"{heading} {words}")
        return self._path()

    @property
    def current(self) -> str:
        return self._levels[-1][1] if self._levels else ""

    def _path(self) -> str:
        below_title = [text for lvl, text in self._levels if lvl > 1] or [self._levels[-1][1]]
        return SECTION_SEPARATOR.join(below_title)


def decode_text(data: bytes) -> str:
    """UTF-16 when its byte-order mark says so (Notepad's "Unicode"), UTF-8 (with or without
    BOM), then cp1252, then the detected encoding, then latin-1.

    cp1252 goes before detection because short English text in cp1252 is often mistaken for
    another code page ('£' read as 'Ł'), and Windows exports are the usual non-UTF-8 case here.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("latin-1")


def sectioned_document(path: Path, kind: str, title: str | None,
                       sections: list[tuple[str | None, list[str]]]) -> Document:
    """A document of one block per (section path, lines) pair, its text cleaned; sections
    whose text is empty or garbled are left out with a warning."""
    warnings: list[PageWarning] = []
    blocks = []
    for heading, lines in sections:
        text = clean_text("\n".join(lines))
        if text and (kept := keep_page(None, text, warnings)):
            blocks.append(Block(kept, section=heading))
    return Document(path, title or title_from_filename(path), kind, 1, blocks, warnings)
