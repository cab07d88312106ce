"""PDF pages -> lines with their type size, weight and position -> the headings of each line.

pypdf's plain extraction gives the words of a page in content-stream order but says nothing
about which lines are headings, and design tools often write a heading after the paragraphs
it stands above. This module reads the same extraction through pypdf's text visitor (the
pieces it hands the visitor concatenate to exactly the extracted text), so every line keeps
its text unchanged and gains the size, weight and place it is printed at. Headings are the
short lines set larger than the document's body text, or bold at body size on a line of
their own; each line belongs under the nearest heading printed above it in the same column.

Leaves out cleaning (`cleaning.py`) and turning lines into blocks (`pdf_document.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.cleaning import clean_text
from assistant.stopwords import FUNCTION_WORDS
from assistant.structure import CONTENTS_HEADING, CONTENTS_LINE

_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]{3,}")
# A heading's number: "6. ", "II. ", "b) "
HEADING_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*|[IVX]{1,4}|[A-Za-z])[.)]\s+")
_SENTENCE_END = re.compile(r"[.!?:][\"”’)]?$")
HEADING_SCALE = 1.15  # a line this much larger than body text is a heading
_PLACEHOLDER_TITLES = frozenset({"untitled", "title", "document", "pdf"})
COVER_SPREAD = 0.8  # cover lines this close to the largest type belong to the title
COVER_WORDS = 25  # a longer "title" is a cover's text, not its title
_A_SENTENCE = re.compile(r"[a-z]{2,}[.!?](?:\s|$)")
COVER_PAGE_WORDS = 80  # a page with more words is content, not a cover (covers: 9-27)
COVER_GAP = 1.75  # a gap wider than this many type sizes parts a cover's lines
CHAPTER_SCALE = 1.5  # and this much larger, a chapter heading
COLUMN_SLACK = 72.0  # points: a heading's left edge within an inch of its text's
PARAGRAPH_GAP = 1.6  # a drop between lines beyond this many type sizes is a paragraph break
INDENT_SLACK = 3.0  # and so is a sideways move beyond this many (a bullet's hanging indent is less)


@dataclass(frozen=True)
class Line:
    """One extracted line: its cleaned text, type size (points, as printed), whether all of
    it is bold, and where it starts on the page (PDF user space, y grows upwards)."""

    text: str
    size: float
    bold: bool
    x: float
    y: float


def _is_bold(font: object) -> bool:
    if not isinstance(font, dict):
        return False
    if _BOLD_NAME.search(str(font.get("/BaseFont", ""))):
        return True
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if hasattr(descriptor, "get_object") else descriptor
    if isinstance(descriptor, dict):
        weight = descriptor.get("/FontWeight")
        return bool((isinstance(weight, (int, float)) and weight >= 600)
                    or int(descriptor.get("/Flags", 0) or 0) & (1 << 18))
    return False


def read_page(page: object) -> tuple[str, list[Line]]:
    """A page's extracted text (what `extract_text` returns) and its lines."""
    runs: list[tuple[str, float, bool, float, float]] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        # The text's vertical unit vector through both matrices scales the font size.
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        runs.append((text, round(abs(size) * (c * c + d * d) ** 0.5, 1), _is_bold(font), x, y))

    text = page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return text or "", _lines(runs)


def _lines(runs: list[tuple[str, float, bool, float, float]]) -> list[Line]:
    """Cut the runs at newlines; a line takes the size of the run holding most of its
    letters, starts where its first run does, and is bold when every letter is."""
    lines: list[Line] = []
    parts: list[tuple[str, float, bool, float, float]] = []

    def close() -> None:
        text = clean_text("".join(part[0] for part in parts))
        if text:
            weights = Counter()
            for part in parts:
                weights[part[1:]] += sum(ch.isalnum() for ch in part[0])
            size, _, _, y = max(weights, key=weights.__getitem__)
            x = parts[0][3]
            bold = all(part[2] for part in parts if any(ch.isalnum() for ch in part[0]))
            lines.append(Line(text, size, bold, x, y))
        parts.clear()

    for text, size, bold, x, y in runs:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                close()
            if piece:
                parts.append((piece, size, bold, x, y))
    close()
    return lines


def body_size(pages: list[list[Line]]) -> float:
    """The type size most letters of the document are set in."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[round(line.size * 2) / 2] += sum(ch.isalpha() for ch in line.text)
    return max(sizes, key=sizes.__getitem__) if sizes else 0.0


def cover_title(lines: list[Line], body: float) -> str | None:
    """The title a cover page displays: its lines set in the largest type (within a fifth of
    it, so a subtitle like "Cost of Living Pressures Addendum" under a 28-point title joins
    it), top to bottom, in runs broken where a gap is wider than the largest type allows;
    the run of most words ("INTERIM REPORT" and the programme's name stand apart from the
    four-line title between them). None when the page is no cover (it has a sentence, more
    words than a cover or no display type) or the title runs long."""
    text = "\n".join(line.text for line in lines)
    if not body or not _WORD.search(text) or len(text.split()) > COVER_PAGE_WORDS \
            or _A_SENTENCE.search(text):
        return None
    largest = max(line.size for line in lines if _WORD.search(line.text))
    if largest < body * HEADING_SCALE:
        return None
    shown = sorted((line for line in lines if line.size >= largest * COVER_SPREAD),
                   key=lambda line: (-line.y, line.x))
    runs: list[list[Line]] = []
    for line in shown:
        if runs and runs[-1][-1].y - line.y <= COVER_GAP * largest:
            runs[-1].append(line)
        else:
            runs.append([line])
    words = max((re.sub(r"(?<=[a-z])- (?=[a-z])", "", " ".join(line.text for line in run))
                 .split() for run in runs), key=len)
    return " ".join(words) if 2 <= len(words) <= COVER_WORDS else None


def pdf_title(metadata: object, first_page: str, cover: str | None) -> str | None:
    """The metadata title when the first page shows it; else the title the cover displays
    (metadata is often a template's: "Report template", "Untitled"); else the metadata, unless
    it is a template's or a placeholder."""
    title = None
    if isinstance(metadata, str):
        title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", metadata.strip())
        title = re.sub(r"\.(docx?|pptx?|pdf)$", "", title, flags=re.I).strip()
        if len(_letters(title)) < 4 or title.lower() in _PLACEHOLDER_TITLES \
                or re.search(r"\btemplate\b", title, re.I):
            title = None
    if title and _letters(title) in _letters(first_page):
        return title
    return cover or title


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text.casefold())


def heading_style(line: Line, body: float) -> tuple[float, bool] | None:
    """The (size, bold) style of a heading line, or None for any other line."""
    words = line.text.split()
    letters = sum(ch.isalpha() for ch in line.text)
    if (not body or not 1 <= len(words) <= 14 or not _WORD.search(line.text)
            or letters < 0.5 * sum(not ch.isspace() for ch in line.text)
            or line.text[-1:] in ",;"
            or re.search(r"[.!?]\s+\S", HEADING_NUMBER.sub("", line.text))):
        return None
    if line.size >= body * HEADING_SCALE:
        return round(line.size * 2) / 2, line.bold
    if line.bold and line.size >= body * 0.95 and len(words) <= 10 and line.text[-1:] != ".":
        return round(line.size * 2) / 2, True
    return None


@dataclass(frozen=True)
class PageLayout:
    """What the type and places of a page's lines say, line by line: the heading path each
    sits under, which lines are headings, and where paragraphs (or boxes) start."""

    paths: list[tuple[str, ...]]
    headings: frozenset[int]
    starts: list[bool]


def page_layouts(pages: list[list[Line]], body: float) -> list[PageLayout]:
    """Each page's layout. A line's heading path is (chapter, parent, heading), from the
    headings printed above it.

    A chapter heading is set at least `CHAPTER_SCALE` times the body size and holds until
    the next one; a heading's parent is the nearest heading above it in its column that is
    set more prominently ("Our priorities" over "Starting Well"); other text belongs under
    the heading printed nearest above it in its column (under the heading before it in the
    text when none is). A heading of several lines is one name. The path changes only at a
    heading or after a line that ends a sentence, so no sentence is ever cut in two: a
    paragraph goes where most of it points. `body`: the document's `body_size`.
    """
    layouts: list[PageLayout] = []
    chapter: str | None = None
    current: tuple[str, ...] = ()
    in_text: tuple[str, ...] = ()  # the path of the last heading read, in text order
    for lines in pages:
        names = _heading_names(lines, body)
        headings = [(i, line) for i, line in enumerate(lines) if i in names]
        page_chapter = next((names[i] for i, line in headings
                             if line.size >= body * CHAPTER_SCALE
                             and not CONTENTS_HEADING.match(names[i])), None)
        paths = {}
        for i, line in headings:
            if line.size >= body * CHAPTER_SCALE:
                paths[i] = (names[i],)
                continue
            above = [(j, h) for j, h in headings
                     if _prominence(h, body) > _prominence(line, body)]
            parent = heading_above(line, [h for _, h in above])
            parent_name = names[above[parent][0]] if parent is not None else None
            paths[i] = _path(page_chapter or chapter, parent_name, names[i])
        pointed: list[tuple[str, ...]] = []
        for i, line in enumerate(lines):
            if i in names:
                if line.size >= body * CHAPTER_SCALE:
                    chapter = None if CONTENTS_HEADING.match(names[i]) else names[i]
                current = in_text = paths[i]
            elif (above := heading_above(line, [h for _, h in headings])) is not None:
                current = paths[headings[above][0]]
            else:  # no heading above it in its column: the last heading before it
                current = in_text
            pointed.append(current)
        layouts.append(PageLayout(_by_paragraph(lines, pointed, set(names)),
                                  frozenset(names), paragraph_starts(lines)))
    return layouts


def _prominence(line: Line, body: float) -> tuple[float, bool]:
    """How prominent a heading's type is: its size (to a tenth of the body size), then bold."""
    return round(line.size / body, 1), line.bold


def _path(*names: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name))


def _by_paragraph(lines: list[Line], pointed: list[tuple[str, ...]],
                  headings: set[int]) -> list[tuple[str, ...]]:
    """Each run of text lines between headings and sentence ends takes the path most of its
    letters point to."""
    paths = list(pointed)
    start = 0
    for i in range(len(lines) + 1):
        ends = (i == len(lines) or i in headings or (i - 1) in headings
                or _SENTENCE_END.search(lines[i - 1].text))
        if not ends or i == start:
            continue
        votes: Counter[tuple[str, ...]] = Counter()
        for j in range(start, i):
            votes[pointed[j]] += sum(ch.isalpha() for ch in lines[j].text) + 1
        if start not in headings:
            paths[start:i] = [max(votes, key=votes.__getitem__)] * (i - start)
        start = i
    return paths


def _heading_names(lines: list[Line], body: float) -> dict[int, str]:
    """Heading lines of a page by index, each named by its whole heading: a line set in
    the same style just below a heading line continues it."""
    names: dict[int, str] = {}
    styles = [heading_style(line, body) for line in lines]
    start: int | None = None
    for i, (line, style) in enumerate(zip(lines, styles, strict=True)):
        last = lines[i - 1]
        if style is None:
            start = None
        elif (start is not None and styles[i - 1] == style
              and 0 < last.y - line.y <= 1.6 * line.size
              and abs(last.x - line.x) <= COLUMN_SLACK):
            merged = f"{names[start]} {line.text}"
            names.update(dict.fromkeys(range(start, i + 1), merged))
        else:
            names[i], start = line.text, i
    continued = {i for i in names if i + 1 < len(lines) and i + 1 not in names
                 and lines[i + 1].text[:1].islower()}
    dropped = {name for i, name in names.items() if i in continued or not _plausible(name)}
    return {i: name for i, name in names.items() if name not in dropped}


def _plausible(name: str) -> bool:
    """A heading does not run on: no final function word or colon (that is a list's lead-in),
    no sentence stop after several words, no contents leaders or table bars, at most 16
    words."""
    words = name.split()
    return (len(words) <= 16 and words[-1].lower() not in FUNCTION_WORDS
            and not (len(words) > 3 and name.endswith(".")) and not name.endswith(":")
            and name[-1] not in "-–—&,/(" and " | " not in name
            and not CONTENTS_LINE.search(name))


def heading_above(line: Line, headings: list[Line]) -> int | None:
    """Index of the heading printed nearest above `line` in its column, if any."""
    best, best_gap = None, float("inf")
    for index, heading in enumerate(headings):
        gap = heading.y - line.y
        if 0 < gap < best_gap and abs(heading.x - line.x) <= COLUMN_SLACK:
            best, best_gap = index, gap
    return best


def paragraph_starts(lines: list[Line]) -> list[bool]:
    """For each line, whether the layout starts a new paragraph or box there: a change of
    type size or weight, a gap wider than the leading, a move up the page or across it
    (another column or box), unless the line goes on with the sentence before it (a bold
    opening run, then plain text). Text extraction keeps only the line breaks; this gives
    back the paragraph breaks, without which an infographic's labels run into one
    sentence."""
    starts = []
    for i, line in enumerate(lines):
        if i == 0:
            starts.append(True)
            continue
        last = lines[i - 1]
        size = max(line.size, last.size) or 1.0
        drop = last.y - line.y
        continues = line.text[:1].islower() and not _SENTENCE_END.search(last.text)
        starts.append(not continues and (
            abs(line.size - last.size) > 0.1 * size or line.bold != last.bold
            or not 0 < drop <= PARAGRAPH_GAP * size
            or abs(line.x - last.x) > INDENT_SLACK * size))
    return starts
