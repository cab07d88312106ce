"""Markdown files -> `Document`s: sections from "#" headings and from the bold lines that
converters from PDF write for headings (on a line of their own, or run into the paragraph
they head), with the title read from the first heading or the cover.

Leaves out other file formats (`documents.py`).
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.blocks import (
    Document,
    HeadingPath,
    decode_text,
    merge_small,
    sectioned_document,
    title_from_filename,
)
from assistant.cleaning import mend_converted_text
from assistant.commitments.grammar import DETERMINERS
from assistant.stopwords import FUNCTION_WORDS
from assistant.structure import CONTENTS_HEADING

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")
# A blockquote's markers ("> ", ">> ", a lone ">"), not a figure's (">50% of adults").
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>(?=\s|>|$)\s?)+")


# A backslash escape of ASCII punctuation ("\\(DHSC\\)" from converters that escape every bracket)
# stands for the character itself.
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


# The pairs of asterisks a converter's broken bold leaves between words ("model * * by * *
# continuing", "position *. * NHS England"), once its "**" are gone; not a bullet's "* " or
# "2 * 3".
_MD_BROKEN_BOLD = re.compile(r"(?<=\S) \*( ?[.,;:!?]) \*(?= )| \* \*(?= )")
# Italics: a pair of single asterisks around words ("*We will be the best city*"), and what a
# converter leaves of them at a line's ends ("*We will be the best city *", "… by: * *"); a
# lone asterisk against a word or a figure ("Providers*", "10%*") is a footnote's mark, and
# one between spaces a bullet's or a product's ("* cut waits", "2 * 3").
_MD_ITALIC = re.compile(r"(?<![^\s(\[“‘\"'])\*(?=[\w“‘\"'])([^*\n]*?[\w.,;:!?”’\"')])\*"
                        r"(?![\w*])")
_MD_ITALIC_END = re.compile(r"(?:\s+\*)+\s*$")
_MD_ITALIC_START = re.compile(r"^(\s*)\*(?=\w[^*]*$)")
_THEMATIC_BREAK = re.compile(r"\s*(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")


def _plain_markdown(line: str) -> str:
    plain = _MD_BROKEN_BOLD.sub(r"\1", _MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", line)))
    plain = _MD_ITALIC_START.sub(r"\1", _MD_ITALIC_END.sub("", _MD_ITALIC.sub(r"\1", plain)))
    return _MD_ESCAPE.sub(r"\1", plain)


_MD_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\1).)+?)\1\s*$")
# A bold phrase opening a paragraph: "**Reduce the time people wait for elective care** NHS
# England has published ...", a heading the converter ran into the text below it.
_MD_BOLD_RUN_IN = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\1).)+?)\1\s+(?P<rest>[A-Z].*)$")
# The same run into the end of the paragraph before it: "... prostate cancer pathway **Improve A&E
# waiting times and ambulance response times** Urgent and emergency care ...".
# After a full stop, a bold phrase is the next sentence's emphasis ("... 2 components. **First,
# we must get** ..."); after a function word it is a name in the sentence ("work with **NHS
# England** North West", "the ICBs’ **Joint Forward Plan** The plan"); after a list marker, a
# quote's or a table's it is a label.
_MD_BOLD_INSIDE = re.compile(r"(?<=[\w)%”\"])\s+(?=(\*\*|__)[A-Z](?:(?!\1).)+?\1\s+[A-Z])")
_LIST_MARKER = re.compile(r"\s*(?:[-*+•>o]\s*)*"
                          r"(?:\(?(?:\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[ivxlc]+)[.)]?)?\s*$")
# Bold broken where the PDF's line broke: "**Improve access to general practice and** **urgent
# dental care**" is one bold phrase.
_BOLD_SEAM = re.compile(r"(?<=[a-z,])\s*\*\*\s+\*\*(?=[a-z])")
BOLD_HEADING_LEVEL = 7  # below every "#" level
RUN_IN_LEVEL = 8  # below a bold line: a run-in heading is the lowest a page prints
BOLD_HEADING_WORDS = 12
COVER_WORDS = 16  # a title longer than this is a cover's other lines run on
_PAGE_REFERENCE = re.compile(r"p\.?\s*\d+", re.I)  # "**p.8**": where a contents entry is
_PAGE_HEADING = re.compile(r"p\.\s?\d{1,3}")  # "## **p.36**": one set as a heading


def _continues(before: str, line: str, continuing: bool) -> bool:
    """Whether the heading line `line` carries on the heading `before`, which a converter
    broke over lines and levels ("Resetting the" / "foundations: a" / "new operating" /
    "model"; "Mental health, learning disabilities" / "and autism"). It opens on a word in
    lower case (not a list marker: "i. Reduce smoking", "a) Prevention"), and `before`
    stops on a function word or a comma, or `line` opens on one, or `before` is itself
    carried on (`continuing`)."""
    first, last = line.split()[:1], before.split()[-1:]
    if not first or not last or not re.fullmatch(r"[a-z][a-z'’]*[,:]?", first[0]):
        return False
    return (continuing or last[0].lower().strip(",:") in FUNCTION_WORDS
            or last[0].endswith(",") or first[0].strip(",:") in FUNCTION_WORDS)


def _bold_heading(line: str) -> str | None:
    """The text of a line that is bold throughout, short and not a sentence: how converters
    from PDF to Markdown write a heading whose rank they could not tell ("**Our priorities**").
    Page references ("**p.8**") and run-in labels ending in a colon are not headings."""
    match = _MD_BOLD_LINE.match(line)
    return _heading_text(match.group("text")) if match else None


def _run_in_heading(line: str) -> tuple[str, str] | None:
    """A bold heading that opens a paragraph, and the paragraph after it: a phrase that
    `_bold_heading` would take on a line of its own, followed by a sentence."""
    match = _MD_BOLD_RUN_IN.match(line)
    if not match or not (heading := _heading_text(match.group("text"))) \
            or heading.split()[0].lower() in FUNCTION_WORDS | DETERMINERS:
        return None  # "**By March 2026** ICBs will…", "**Every** ICB must…": a sentence
    return heading, match.group("rest")


def _split_at_headings(line: str) -> list[str]:
    """A line cut before each run-in heading run into the paragraph before it (no full
    stop, list marker or function word before it; not in a table row): the paragraph,
    then each heading with its text."""
    if line.lstrip().startswith("|"):
        return [line]
    cuts = [match.start() for match in _MD_BOLD_INSIDE.finditer(line)
            if _run_in_heading(line[match.end():]) and not _LIST_MARKER.match(line[:match.start()])
            and line[:match.start()].rsplit(maxsplit=1)[-1].lower() not in FUNCTION_WORDS]
    return [line[start:end].strip() for start, end in zip([0, *cuts], [*cuts, len(line)],
                                                          strict=True)]


def _heading_text(bold: str) -> str | None:
    text = " ".join(_plain_markdown(bold).split())
    if not 1 <= len(text.split()) <= BOLD_HEADING_WORDS or text[-1] in ".,;:!?" \
            or not re.search(r"[A-Za-z]{2}", text) or _PAGE_REFERENCE.fullmatch(text):
        return None
    return text


def load_markdown(path: Path, data: bytes) -> Document:
    """Sections from "#" headings, and from bold lines standing alone (see `_bold_heading`);
    consecutive bold lines are one heading broken over lines ("**Medium Term**",
    "**Planning Framework**"). A bold heading stays in its section's text as well, as a PDF's
    headings do: it was printed as a line of the page.

    The title is the first "#" heading, unless the text opens with a bold heading and the
    headings before its first line of text (its cover) name the file better: a converter
    split the cover's title over lines and heading levels ("**Medium Term**", "**Planning**",
    "## **Framework**" in "medium-term-planning-framework.md"), or the first "#" heading comes
    pages later ("part of a range of organisations"). The cover ends at a "#" heading below
    or beside one already read, at a contents heading, and at a level-1 heading (then the
    title itself); at most `COVER_WORDS` words."""
    reader = _MarkdownReader()
    for line in mend_converted_text(decode_text(data)).splitlines():
        reader.read(line)
    reader.close_bold()
    # guessed headings: bold table cells and run-in phrases leave scraps of sections
    sections = merge_small(reader.sections) if reader.guessed else reader.sections
    title, cover_title = reader.title, " ".join(heading for _, heading in reader.cover)
    if len(cover_title.split()) <= COVER_WORDS and \
            _shared_with_file_name(cover_title, path) > (
                _shared_with_file_name(title, path) if title else 0):
        title = cover_title
    return sectioned_document(path, "markdown", title, sections)


class _MarkdownReader:
    """Markdown lines -> sections, the first "#" heading and the cover, one line at a time
    (`load_markdown`). It holds what reading a line depends on: an open bold heading, a
    heading the next line may carry on, a code block, whether the cover is still being read."""

    def __init__(self) -> None:
        self.sections: list[tuple[str | None, list[str]]] = [(None, [])]
        self.title: str | None = None
        self.cover: list[tuple[int, str]] = []  # (level, heading) before any text
        self.covering = True  # the cover's headings are still being read
        self.guessed = False  # a bold line was taken for a heading
        self._headings = HeadingPath()
        self._bold: list[str] = []  # a bold heading's lines, until the text under it starts
        self._bold_lines: list[str] = []  # ...as they read, blank lines too: they stay in text
        self._in_code = False
        self._heading_open = False  # the last line that was not blank is a "#" heading...
        self._continuing = False  # ...carried on by the line after it

    def read(self, line: str) -> None:
        if line.lstrip().startswith("```"):
            self.close_bold()
            self._in_code, self._heading_open = not self._in_code, False
            return
        if not self._in_code:
            line = _BOLD_SEAM.sub(" ", line)
        match = None if self._in_code else _MD_HEADING.match(line)
        hashed = _plain_markdown(match.group(2)).strip() if match else ""
        if _PAGE_HEADING.fullmatch(hashed):
            return
        pseudo = None if self._in_code or match else _bold_heading(line)
        if not (self._in_code or match or pseudo):
            if len(parts := _split_at_headings(line)) > 1:
                for part in parts:
                    self.read(part)  # each part holds at most one heading: no deeper recursion
                return
            if run_in := _run_in_heading(line):
                self.close_bold()  # the heading on its own line, then its paragraph
                self.covering = False  # a heading over text: the cover is over
                self._bold, self._bold_lines = [run_in[0]], [run_in[0], ""]
                self.close_bold(RUN_IN_LEVEL)
                self._heading_open = self._continuing = False
                self._text(run_in[1])
                return
        if match and self._bold and _continues(" ".join(self._bold), hashed, False):
            pseudo = hashed  # "**Mental health, learning disabilities**", "## **and autism**"
        if self._carried_on(hashed or pseudo or "", line, match is not None):
            return
        if pseudo:
            if len(" ".join([*self._bold, pseudo]).split()) > BOLD_HEADING_WORDS:
                self.close_bold()
            self._bold.append(pseudo)
            self._bold_lines.append(pseudo if match else _plain_markdown(line))
            return
        if line.strip():
            self.close_bold()
            self._heading_open, self._continuing = match is not None, False
        elif self._bold:
            self._bold_lines.append(line)
            return
        if match:
            self._heading(len(match.group(1)), hashed)
        elif not re.fullmatch(r"\s*\|?\s*:?-{3,}.*", line) and (
                self._in_code or not _THEMATIC_BREAK.match(line)):
            self._text(line)

    def close_bold(self, level: int = BOLD_HEADING_LEVEL) -> None:
        """The bold lines read so far become one heading, and stay in its section's text."""
        if not self._bold:
            return
        self.guessed = True
        heading = " ".join(self._bold)
        if self.covering and (self.cover or not self.sections[-1][0]):
            self.cover.append((level, heading))
        self.sections.append((self._headings.enter(level, heading),
                              list(self._bold_lines)))
        self._bold.clear()
        self._bold_lines.clear()

    def _carried_on(self, carried: str, line: str, hashed: bool) -> bool:
        """Whether the heading line `carried` carries on the open "#" heading (`_continues`),
        after the cover; if so it is added to that heading (and to the title, if it is)."""
        current = self._headings.current
        if not (self._heading_open and not self.covering and not self._bold
                and _continues(current, carried, self._continuing)
                and len(f"{current} {carried}".split()) <= COVER_WORDS):
            return False
        self.title = f"{self.title} {carried}" if self.title == current else self.title
        self.sections[-1] = (self._headings.extend(carried), self.sections[-1][1])
        if not hashed:  # a bold line stays in the text, as bold headings do
            self.sections[-1][1].append(_plain_markdown(line))
        self._continuing = True
        return True

    def _heading(self, level: int, heading: str) -> None:
        self.title = self.title or heading
        if self.cover and self.covering:
            if level == 1:  # "# Our plan" after "**Draft**": the title itself
                self.cover[:], self.covering = [(level, heading)], False
            elif all(level < seen for seen, _ in self.cover) and not CONTENTS_HEADING.match(
                    heading):
                self.cover.append((level, heading))
            else:  # the outline or the contents begin
                self.covering = False
        self.sections.append((self._headings.enter(level, heading), []))

    def _text(self, line: str) -> None:
        if self._in_code:  # code is kept as written
            self.sections[-1][1].append(line)
            return
        line = _MD_QUOTE.sub("", line)  # a quoted paragraph is text like any other
        self.covering = self.covering and not re.search(r"\w", _plain_markdown(line))  # "** **"
        if line.strip().startswith("|"):  # a table row: "a | b", one row a line
            line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        self.sections[-1][1].append(_plain_markdown(line))


def _shared_with_file_name(title: str, path: Path) -> int:
    """How many words of the file's name `title` holds ("for" and "the" do not count)."""
    named = set(re.findall(r"[a-z0-9]+", title_from_filename(path).lower())) - FUNCTION_WORDS
    return len(set(re.findall(r"[a-z0-9]+", title.lower())) & named)
