"""Shared fixtures: a deterministic fake embedder, settings pointing at temp folders, and
small real documents (PDFs made with fpdf2) written on the fly."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.embeddings import Embedder

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REALDOCS = SHARED / "data" / "realdocs"


class FakeEmbedder(Embedder):
    """Hashed bag of words: fast, deterministic, and similar texts get similar vectors."""

    name = "fake-hashing-embedder"

    def __init__(self, dimension: int = 128) -> None:
        self._dimension = dimension
        self.embedded = 0

    @property
    def dimension(self) -> int:
        return self._dimension

    def tokenize(self, text: str) -> list[int]:
        return [zlib.crc32(word.encode()) for word in re.findall(r"\w+|[^\w\s]", text.lower())]

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in self.tokenize(text):
                out[row, token % self._dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def write_versioned_corpus(folder: Path, version: int, documents: int) -> None:
    """`documents` Markdown files of 120 sentences; version 2 drops the first and adds one,
    so an update replaces every document, removes one and adds one (crash-safety tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(documents):
        text = " ".join(f"Topic {number} sentence {i} of version {version}." for i in range(120))
        (folder / f"doc{number:02d}.md").write_text(f"# Document {number}\n\n{text}\n")
    if version == 2:
        (folder / "doc00.md").unlink()
        (folder / "new.md").write_text("# New\n\nA document added in version two.")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(root=tmp_path, index=tmp_path / "index", corpus=tmp_path / "corpus")


def make_pdf(path: Path, pages: list[str], title: str | None = None,
             header: str | None = None) -> Path:
    """A real text PDF, one string a page, optionally with a running header and page footer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
    for number, text in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        if header:
            pdf.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, text)
        if header:
            pdf.set_y(-20)
            pdf.cell(0, 8, f"Page {number} of {len(pages)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Four small documents in four formats about made-up but plausible plan topics."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "overview.md").write_text(
        "# Overview of the plan\n\nThe board approved the plan in July 2023.\n\n"
        "## Mental health\n\nMental health teams will be organised into eight neighbourhood "
        "teams across the area.\n\n## Workforce\n\nThe plan aims to grow the local workforce "
        "and reduce agency spending.\n", encoding="utf-8")
    (corpus / "notes.txt").write_text(
        "Explainer notes\n\nGP practices will offer more appointments in the evening and at "
        "weekends.\n", encoding="utf-8")
    (corpus / "context.html").write_text(
        "<html><head><title>Local context</title><style>p{color:red}</style></head><body>"
        "<h1>Places</h1><p>The area serves about 1.1 million people.</p>"
        "<script>var secret = 'not document text';</script></body></html>", encoding="utf-8")
    make_pdf(corpus / "digest.pdf", [
        "Prevention. The plan looks at a system-wide prevention strategy.",
        "Elective care. A second community diagnostic centre is planned at Hinckley.",
        "Women's health. Local models for women's health hubs will be agreed.",
    ], title="Sections digest", header="Unofficial digest")
    return corpus
