"""PDF files -> `Document`s: pages read with pypdf, cut into sections by the headings their
type sets apart (`pdf_layout.py`), each block keeping its 1-based page number.

Leaves out other file formats (`documents.py`) and reading the layout itself
(`pdf_layout.py`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.blocks import (
    Block,
    Document,
    PageWarning,
    keep_page,
    merge_small,
    title_from_filename,
)
from assistant.cleaning import clean_text, strip_running_lines
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
from assistant.structure import SECTION_SEPARATOR

# pypdf logs what it repairs or cannot read ("EOF marker not found") on stderr; a file it
# cannot read gets this module's own message, naming the file and the reason, instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _sniff_not_pdf(data: bytes) -> str | None:
    head = data.lstrip()[:8]
    if head.startswith(b"%PDF"):
        return None
    if head.startswith(b"PK"):
        return "not a PDF (starts with PK: a ZIP file, e.g. DOCX, renamed?)"
    if head[:1] in (b"<", b"{"):
        return "not a PDF (looks like HTML, XML or JSON text)"
    return "not a PDF (no %PDF header)"


def load_pdf(path: Path, data: bytes) -> Document:
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
        if (kept := keep_page(number, text, warnings))
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
    for section, rows in merge_small(blocks):
        span = range(first, first + len(rows))
        out.append(Block("\n".join(rows), page=page, section=section,
                         breaks=tuple(n - first for n in sorted(breaks) if n in span[1:]),
                         headings=tuple(n - first for n in sorted(headings) if n in span)))
        first += len(rows)
    return out
