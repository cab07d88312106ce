"""Files -> `Document`s: the only module that knows file formats.

Each loader returns the document's title and its text as blocks that carry a page (PDF) or a
section (Markdown, HTML, DOCX headings). Pages that yield no text, or text that looks garbled,
are left out and reported as warnings: a document is never indexed with silent garbage.
Unreadable files raise `DocumentError` with a reason a person understands.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.cleaning import (
    clean_text,
    garbled_reason,
    lost_ligatures,
    mend_converted_text,
    restore_ligatures,
    restore_slipped_letters,
    slipped_letters,
    strip_running_lines,
)
from assistant.errors import DocumentError
from assistant.pdf_layout import (
    Line,
    PageLayout,
    body_size,
    cover_title,
    page_layouts,
    pdf_title,
    read_page,
)
from assistant.stopwords import FUNCTION_WORDS
from assistant.structure import CAPTION, CONTENTS_HEADING, SECTION_SEPARATOR

# Bumped whenever loading or cleaning changes what text a file yields, so that the next ingest
# re-reads files whose bytes did not change.
EXTRACTOR_VERSION = 19
MIN_BLOCK_WORDS = 50  # a PDF section shorter than this is read with its neighbour

SUPPORTED_SUFFIXES = {
    ".pdf": "pdf",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}


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


def load_document(path: Path) -> Document:
    """Load one supported file, or raise `DocumentError` saying why it can't be read."""
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise DocumentError(f"unsupported file type '{path.suffix}' (supported: {supported})")
    try:
        data = path.read_bytes()
    except PermissionError as exc:
        raise DocumentError("permission denied: the file is not readable") from exc
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise DocumentError("empty file")
    document = _repaired(_LOADERS[kind](path, data))
    if not any(block.text.strip() for block in document.blocks):
        if kind == "pdf":
            raise DocumentError("no extractable text on any page (scanned images? run OCR first)")
        raise DocumentError("no text found in the file")
    return document


def _repaired(document: Document) -> Document:
    """The document with its "ll" ligatures put back, when its converter lost them all
    ("wil be", "col aboration"), and with the letters its font printed as quotes put back
    ("Strate’y", "e‘‘icient"), in its title, sections and text: the register, lexical search
    and answers need the words."""
    text = "\n".join(block.text for block in document.blocks)
    from assistant.lexicon import is_word

    repairs: list[Callable[[str], str]] = []
    if lost_ligatures(text):
        repairs.append(lambda part: restore_ligatures(part, is_word))
    if letters := slipped_letters(text, is_word):
        repairs.append(lambda part: restore_slipped_letters(part, letters, is_word))
    if not repairs:
        return document

    def repaired(part: str) -> str:
        for repair in repairs:
            part = repair(part)
        return part

    document.title = repaired(document.title)
    document.blocks = [replace(block, text=repaired(block.text),
                               section=block.section and repaired(block.section))
                       for block in document.blocks]
    return document


def title_from_filename(path: Path) -> str:
    words = re.sub(r"[_\-]+", " ", path.stem).strip()
    return (words[:1].upper() + words[1:]) if words else path.name


def _keep_page(page: int | None, text: str, warnings: list[PageWarning]) -> str:
    """Return the text when usable; otherwise record a warning and return ''."""
    if not text.strip():
        warnings.append(PageWarning(page, "no extractable text (scanned image?)"))
        return ""
    if reason := garbled_reason(text):
        warnings.append(PageWarning(page, f"skipped: {reason}"))
        return ""
    return text


# --- PDF ---------------------------------------------------------------------------------

def _sniff_not_pdf(data: bytes) -> str | None:
    head = data.lstrip()[:8]
    if head.startswith(b"%PDF"):
        return None
    if head.startswith(b"PK"):
        return "not a PDF (starts with PK: a ZIP file, e.g. DOCX, renamed?)"
    if head[:1] in (b"<", b"{"):
        return "not a PDF (looks like HTML, XML or JSON text)"
    return "not a PDF (no %PDF header)"


def _load_pdf(path: Path, data: bytes) -> Document:
    import io

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    if reason := _sniff_not_pdf(data):
        raise DocumentError(reason)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("encrypted PDF: no password (save an unprotected copy first)")
        read = [_read_page(page) for page in reader.pages]
        meta_title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except DocumentError:
        raise
    except FileNotDecryptedError as exc:
        raise DocumentError("encrypted PDF: no password (save an unprotected copy first)") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, NotImplementedError) as exc:
        raise DocumentError(f"damaged or truncated PDF ({type(exc).__name__}: {exc})") from exc
    if not read:
        raise DocumentError("PDF has no pages")
    cleaned = strip_running_lines([clean_text(text) for text, _ in read])
    pages = [lines for _, lines in read]
    body = body_size(pages)
    layouts = page_layouts(pages, body)
    title = pdf_title(meta_title, cleaned[0], cover_title(read[0][1], body)) \
        or title_from_filename(path)
    warnings: list[PageWarning] = []
    blocks = [
        block
        for number, (text, (_, lines), layout) in enumerate(
            zip(cleaned, read, layouts, strict=True), start=1)
        if (kept := _keep_page(number, text, warnings))
        for block in _page_blocks(kept, number, lines, layout, title)
    ]
    return Document(path, title, "pdf", len(read), blocks, warnings)


def _read_page(page: object) -> tuple[str, list[Line]]:
    try:
        return read_page(page)
    except Exception:  # one bad page must not sink the document
        return "", []


def _page_blocks(text: str, page: int, lines: list[Line], layout: PageLayout,
                 title: str) -> list[Block]:
    """A cleaned page cut where the section changes. Cleaned lines are matched back to the
    extracted ones in order (cleaning may join or drop lines: an unmatched line stays in the
    block before it), and joining the blocks with newlines gives the page text back. The
    document's title set as a heading is left out of section paths (passages carry it)."""
    sections = [SECTION_SEPARATOR.join(p for p in path if p.casefold() != title.casefold())
                or None for path in layout.paths]
    blocks: list[tuple[str | None, list[str]]] = []
    breaks: set[int] = set()
    headings: set[int] = set()
    position = 0
    for number, row in enumerate(text.split("\n")):
        section = blocks[-1][0] if blocks else (sections[0] if sections else None)
        if row:
            match = next((k for k in range(position, min(position + 8, len(lines)))
                          if lines[k].text == row), None)
            if match is not None:
                section, position = sections[match], match + 1
                if layout.starts[match]:
                    breaks.add(number)
                if match in layout.headings:
                    headings.add(number)
        if blocks and (section == blocks[-1][0] or not row):
            blocks[-1][1].append(row)
        else:
            blocks.append((section, [row]))
    out, first = [], 0
    for section, rows in _merge_small(blocks):
        span = range(first, first + len(rows))
        out.append(Block("\n".join(rows), page=page, section=section,
                         breaks=tuple(n - first for n in sorted(breaks) if n in span[1:]),
                         headings=tuple(n - first for n in sorted(headings) if n in span)))
        first += len(rows)
    return out


def _merge_small(blocks: list[tuple[str | None, list[str]]]) -> list[tuple[str | None, list[str]]]:
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


# --- text and Markdown -------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), then cp1252, then the detected encoding, then latin-1.

    cp1252 goes before detection because short English text in cp1252 is often mistaken for
    another code page ('£' read as 'Ł'), and Windows exports are the usual non-UTF-8 case here.
    """
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


def _load_text(path: Path, data: bytes) -> Document:
    text = clean_text(mend_converted_text(decode_text(data)))
    warnings: list[PageWarning] = []
    kept = _keep_page(None, text, warnings)
    first_line = next((ln for ln in text.split("\n") if ln.strip()), "")
    title = first_line if 3 <= len(first_line) <= 120 else title_from_filename(path)
    return Document(path, title, "text", 1, [Block(kept)] if kept else [], warnings)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")


def _plain_markdown(line: str) -> str:
    return _MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", line))


_MD_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\1).)+?)\1\s*$")
BOLD_HEADING_LEVEL = 7  # below every "#" level
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
    if not match:
        return None
    text = " ".join(_plain_markdown(match.group("text")).split())
    if not 1 <= len(text.split()) <= BOLD_HEADING_WORDS or text[-1] in ".,;:!?" \
            or not re.search(r"[A-Za-z]{2}", text) or _PAGE_REFERENCE.fullmatch(text):
        return None
    return text


def _load_markdown(path: Path, data: bytes) -> Document:
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
    sections = _merge_small(reader.sections) if reader.guessed else reader.sections
    title, cover_title = reader.title, " ".join(heading for _, heading in reader.cover)
    if len(cover_title.split()) <= COVER_WORDS and \
            _shared_with_file_name(cover_title, path) > (
                _shared_with_file_name(title, path) if title else 0):
        title = cover_title
    return _sectioned_document(path, "markdown", title, sections)


class _MarkdownReader:
    """Markdown lines -> sections, the first "#" heading and the cover, one line at a time
    (`_load_markdown`). It holds what reading a line depends on: an open bold heading, a
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
        match = None if self._in_code else _MD_HEADING.match(line)
        hashed = _plain_markdown(match.group(2)).strip() if match else ""
        if _PAGE_HEADING.fullmatch(hashed):
            return
        pseudo = None if self._in_code or match else _bold_heading(line)
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
        elif not re.fullmatch(r"\s*\|?\s*:?-{3,}.*", line):
            self._text(line)

    def close_bold(self) -> None:
        """The bold lines read so far become one heading, and stay in its section's text."""
        if not self._bold:
            return
        self.guessed = True
        heading = " ".join(self._bold)
        if self.covering and (self.cover or not self.sections[-1][0]):
            self.cover.append((BOLD_HEADING_LEVEL, heading))
        self.sections.append((self._headings.enter(BOLD_HEADING_LEVEL, heading),
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
        self.covering = self.covering and not re.search(r"\w", _plain_markdown(line))  # "** **"
        if line.strip().startswith("|"):  # a table row: "a | b", one row a line
            line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        self.sections[-1][1].append(_plain_markdown(line))


def _shared_with_file_name(title: str, path: Path) -> int:
    """How many words of the file's name `title` holds ("for" and "the" do not count)."""
    named = set(re.findall(r"[a-z0-9]+", title_from_filename(path).lower())) - FUNCTION_WORDS
    return len(set(re.findall(r"[a-z0-9]+", title.lower())) & named)


def _sectioned_document(path: Path, kind: str, title: str | None,
                        sections: list[tuple[str | None, list[str]]]) -> Document:
    warnings: list[PageWarning] = []
    blocks = []
    for heading, lines in sections:
        text = clean_text("\n".join(lines))
        if text and (kept := _keep_page(None, text, warnings)):
            blocks.append(Block(kept, section=heading))
    return Document(path, title or title_from_filename(path), kind, 1, blocks, warnings)


# --- HTML and DOCX -----------------------------------------------------------------------

_HTML_BLOCKS = ("p", "li", "tr", "div", "section", "article", "br", "pre", "blockquote", "dd",
                "dt", "caption")


_HEADING_MARK = re.compile(r"^\x00([1-6])(.*)$")  # NULs are removed from the text first


def _load_html(path: Path, data: bytes) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data).replace("\x00", ""), "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg", "iframe"]):
        tag.decompose()
    page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    if soup.head:
        soup.head.decompose()
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" | ")
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    first_heading: str | None = None
    body = soup.body or soup
    for heading in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        heading.replace_with(f"\n\x00{heading.name[1]}{heading.get_text(' ', strip=True)}\n")
    headings = HeadingPath()
    for line in body.get_text().split("\n"):
        if marked := _HEADING_MARK.match(line):
            level, heading = int(marked.group(1)), marked.group(2)
            first_heading = first_heading or heading
            sections.append((headings.enter(level, heading), []))
        else:
            sections[-1][1].append(line.rstrip(" |").strip())
    return _sectioned_document(path, "html", page_title or first_heading, sections)


def _load_docx(path: Path, data: bytes) -> Document:
    import io

    import docx

    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx surfaces zip, XML and attribute errors alike
        raise DocumentError(f"not a valid DOCX file ({type(exc).__name__})") from exc
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    first_heading: str | None = None
    headings = HeadingPath()
    for item in word.iter_inner_content():
        if isinstance(item, docx.table.Table):
            for row in item.rows:
                cells = dict.fromkeys(cell.text.strip() for cell in row.cells)  # merged cells
                sections[-1][1].append(" | ".join(cells))
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if (style.startswith("Heading") or style == "Title") and item.text.strip():
            first_heading = first_heading or item.text.strip()
            level = int(style[-1]) if style[-1:].isdigit() else 1
            sections.append((headings.enter(level, item.text.strip()), []))
        else:
            sections[-1][1].append(item.text)
    title = (word.core_properties.title or "").strip() or first_heading
    return _sectioned_document(path, "docx", title, sections)


_LOADERS: dict[str, Callable[[Path, bytes], Document]] = {
    "pdf": _load_pdf,
    "markdown": _load_markdown,
    "text": _load_text,
    "html": _load_html,
    "docx": _load_docx,
}


def page_text(document: Document, page: int | None) -> str:
    """The extracted text of one page (PDF) or, for page None, of the whole document.

    This is the text that evaluation quotes must be exact substrings of.
    """
    text, last = "", None
    for block in document.blocks:
        if page is None or block.page == page:
            joint = "\n" if block.page is not None and block.page == last else "\n\n"
            text = f"{text}{joint}{block.text}" if text else block.text
            last = block.page
    return text
