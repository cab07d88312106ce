"""The sample corpus: reproducible PDF, provenance notes, and clean page-aware extraction."""

import subprocess
import sys

from conftest import ROOT

from assistant.documents import load_document

CORPUS = ROOT / "corpus"
PDF = CORPUS / "llr-plan-sections-digest.pdf"


def test_pdf_is_rebuilt_byte_for_byte_from_its_markdown_source(tmp_path):
    out = tmp_path / "digest.pdf"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_corpus_pdf.py"),
                    "--out", str(out)], check=True)
    assert out.read_bytes() == PDF.read_bytes()


def test_every_document_says_it_is_unofficial_and_names_sources():
    for path in sorted(CORPUS.iterdir()):
        doc = load_document(path)
        opening = " ".join(block.text for block in doc.blocks)[:1500].lower()
        assert "unofficial" in opening, path.name
        assert "https://" in " ".join(block.text for block in doc.blocks), path.name


def test_pdf_pages_keep_numbers_and_lose_running_lines():
    doc = load_document(PDF)
    assert doc.pages >= 8 and sorted({b.page for b in doc.blocks}) == list(range(1, doc.pages + 1))
    assert [b.page for b in doc.blocks] == sorted(b.page for b in doc.blocks)
    assert [b.section for b in doc.blocks if b.page == 9] == ["8. Children and young people"]
    assert doc.warnings == []
    for block in doc.blocks:
        assert "unofficial sections digest" not in block.text
        assert f"Page {block.page} of" not in block.text
    assert any("Hinckley" in block.text for block in doc.blocks)
