"""Files -> `Document`s: the one door to reading files, and the loaders of plain text, HTML
and DOCX (PDF and Markdown have modules of their own: `pdf_document.py`,
`markdown_document.py`).

Each loader returns the document's title and its text as blocks that carry a page (PDF) or a
section (Markdown, HTML, DOCX headings). Pages that yield no text, or text that looks garbled,
are left out and reported as warnings: a document is never indexed with silent garbage.
Unreadable files raise `DocumentError` with a reason a person understands.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from assistant.blocks import (
    Block,
    Document,
    HeadingPath,
    PageWarning,
    decode_text,
    keep_page,
    sectioned_document,
    title_from_filename,
)
from assistant.cleaning import (
    clean_text,
    lost_ligatures,
    mend_converted_text,
    restore_ligatures,
    restore_slipped_letters,
    slipped_letters,
)
from assistant.errors import DocumentError
from assistant.markdown_document import load_markdown
from assistant.pdf_document import load_pdf

# Bumped whenever loading or cleaning changes what text a file yields, so that the next ingest
# re-reads files whose bytes did not change.
EXTRACTOR_VERSION = 26

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


def _load_text(path: Path, data: bytes) -> Document:
    text = clean_text(mend_converted_text(decode_text(data)))
    warnings: list[PageWarning] = []
    kept = keep_page(None, text, warnings)
    first_line = next((ln for ln in text.split("\n") if ln.strip()), "")
    title = first_line if 3 <= len(first_line) <= 120 else title_from_filename(path)
    return Document(path, title, "text", 1, [Block(kept)] if kept else [], warnings)


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
    return sectioned_document(path, "html", page_title or first_heading, sections)


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
    return sectioned_document(path, "docx", title, sections)


_LOADERS: dict[str, Callable[[Path, bytes], Document]] = {
    "pdf": load_pdf,
    "markdown": load_markdown,
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
