"""Build the PDF sample document of the Plan Assistant corpus from its Markdown source.

Why this exists: the corpus needs at least one real PDF so that the PDF path of the
ingester (text extraction, removal of running headers and footers, page handling) is
exercised. Rather than keeping a hand-made binary whose content cannot be reviewed, the
PDF is rendered from a reviewed Markdown file (docs/corpus-sources/) by this script, and
the output is byte-for-byte reproducible so a rebuild can be checked with a plain diff.

Only the Markdown subset used by that source is understood: one "# " title, "## "
headings, "- " bullet items and paragraphs separated by blank lines. Every "## " heading
after the first starts a new page, each page carries a running header line and a
"Page N of M" footer, and the text uses the core Helvetica font (so the source must be
Latin-1). Determinism comes from a fixed creation date: fpdf2 derives the PDF file
identifier from the document bytes and that date, so nothing else varies between runs.

Usage: python scripts/build_corpus_pdf.py [--source PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT / "docs" / "corpus-sources" / "llr-plan-sections-digest.md"
DEFAULT_OUT = REPO_ROOT / "corpus" / "llr-plan-sections-digest.pdf"

RUNNING_HEADER = "LLR five-year plan - unofficial sections digest"
# Fixed so that repeated builds are byte-identical; it is not the date of any event.
CREATION_DATE = datetime(2024, 1, 1, tzinfo=UTC)

FONT = "Helvetica"
MARGIN_MM = 18.0
BODY_SIZE = 10.5
BODY_LINE_MM = 5.2
HEADING_SIZE = 14.0
TITLE_SIZE = 17.0
BULLET_INDENT_MM = 5.0
BULLET_GAP_MM = 0.6
MIN_FONT_SIZE = 6.0


@dataclass(frozen=True)
class Block:
    """One rendered unit of the source: a title, heading, bullet item or paragraph."""

    kind: str
    text: str


def parse_markdown(source: str) -> list[Block]:
    """Split the supported Markdown subset into blocks, joining wrapped lines."""
    blocks: list[Block] = []
    kind = ""
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(Block(kind, " ".join(lines)))
            lines.clear()

    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("# "):
            flush()
            blocks.append(Block("title", line[2:].strip()))
        elif line.startswith("## "):
            flush()
            blocks.append(Block("heading", line[3:].strip()))
        elif line.startswith("- "):
            flush()
            kind = "bullet"
            lines.append(line[2:].strip())
        else:
            if not lines:
                kind = "paragraph"
            lines.append(line)
    flush()
    return blocks


class DigestPDF(FPDF):
    """FPDF with the running header and the "Page N of M" footer on every page."""

    def header(self) -> None:
        self.set_font(FONT, "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, RUNNING_HEADER, align="L")
        self.ln(6)
        self.set_draw_color(170, 170, 170)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(6)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        # fpdf2 replaces the alias with the total page count when the file is written.
        self.cell(0, 5, f"Page {self.page_no()} of {self.str_alias_nb_pages}", align="C")
        self.set_text_color(0, 0, 0)

    def fitted_size(self, text: str, width: float, size: float, style: str = "") -> float:
        """Shrink the font until the longest word fits the width (long URLs must not
        be split across lines, or their text would be broken apart on extraction)."""
        longest = max(text.split(), key=len, default="")
        while size > MIN_FONT_SIZE:
            self.set_font(FONT, style, size)
            if self.get_string_width(longest) <= width:
                break
            size -= 0.5
        return size

    def write_block(self, text: str, size: float, style: str, line_mm: float) -> None:
        """Write left-aligned wrapped text at the current position."""
        width = self.w - self.r_margin - self.l_margin
        fitted = self.fitted_size(text, width, size, style)
        self.set_font(FONT, style, fitted)
        self.multi_cell(0, line_mm * fitted / size, text, align="L")

    def render(self, blocks: list[Block]) -> None:
        headings_seen = 0
        for block in blocks:
            if block.kind == "title":
                self.set_title(block.text)
                self.write_block(block.text, TITLE_SIZE, "B", 8.0)
                self.ln(4)
            elif block.kind == "heading":
                headings_seen += 1
                if headings_seen > 1:
                    self.add_page()
                else:
                    self.ln(2)
                self.write_block(block.text, HEADING_SIZE, "B", 7.0)
                self.ln(2)
            elif block.kind == "bullet":
                self.set_font(FONT, "", BODY_SIZE)
                self.cell(BULLET_INDENT_MM, BODY_LINE_MM, "-")
                self.set_left_margin(MARGIN_MM + BULLET_INDENT_MM)
                self.write_block(block.text, BODY_SIZE, "", BODY_LINE_MM)
                self.set_left_margin(MARGIN_MM)
                self.ln(BULLET_GAP_MM)
            else:
                self.write_block(block.text, BODY_SIZE, "", BODY_LINE_MM)
                self.ln(2.5)


def build_pdf(source: Path, out: Path) -> int:
    """Render ``source`` to ``out`` and return the number of pages written."""
    blocks = parse_markdown(source.read_text(encoding="utf-8"))
    if not blocks or blocks[0].kind != "title":
        raise ValueError(f"{source} must start with a '# ' title line")
    pdf = DigestPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_author("Plan Assistant project (unofficial summary, not an ICB publication)")
    pdf.set_lang("en-GB")
    pdf.add_page()
    pdf.render(blocks)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return pdf.page_no()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help=f"Markdown source (default: {DEFAULT_SOURCE.relative_to(REPO_ROOT)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"PDF to write (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})",
    )
    args = parser.parse_args()
    pages = build_pdf(args.source, args.out)
    print(f"wrote {args.out} ({pages} pages)")


if __name__ == "__main__":
    main()
