"""Hostile inputs, generated here (no committed binaries): every bad file gets a clear
per-file reason, the good files beside it are indexed, and no traceback reaches the user."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import make_pdf

from assistant.documents import load_document
from assistant.errors import DocumentError
from assistant.ingest import ingest
from assistant.store import IndexStore


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<xml/>")
    return buffer.getvalue()


def _encrypted(tmp: Path, name: str, user: str, owner: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    source = make_pdf(tmp / f"plain-{name}", ["Owner-protected page with readable text."])
    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user, owner_password=owner)
    writer.write(tmp / name)
    source.unlink()
    return tmp / name


def _image_only_pdf(path: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    picture = path.with_suffix(".png")
    Image.new("RGB", (200, 120), (90, 140, 200)).save(picture)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(picture), x=10, y=10, w=120)
    pdf.output(str(path))
    picture.unlink()
    return path


@pytest.fixture
def torture(tmp_path: Path) -> Path:
    folder = tmp_path / "torture"
    folder.mkdir()
    (folder / "zero.pdf").write_bytes(b"")
    good = make_pdf(tmp_path / "whole.pdf", ["Page one of a real PDF.", "Page two of it."])
    (folder / "truncated.pdf").write_bytes(good.read_bytes()[:350])
    _encrypted(folder, "owner-only.pdf", user="", owner="owner-secret")
    _encrypted(folder, "user-password.pdf", user="user-secret", owner="owner-secret")
    _image_only_pdf(folder / "scan.pdf")
    (folder / "renamed-zip.pdf").write_bytes(_zip())
    (folder / "latin1.txt").write_bytes("Café costs £5 in Rutland\n".encode("cp1252"))
    (folder / "scripts.html").write_text(
        "<html><head><style>body{}</style><script>steal()</script></head><body><h1>Real</h1>"
        "<p>Visible words about the plan.</p><script>more()</script><noscript>x</noscript>"
        "</body></html>")
    (folder / "one-line.txt").write_text("word " * 1_000_000)  # a single 5 MB line
    (folder / "with spaces é.md").write_text("# Spaces\n\nA file name with spaces and é.")
    (folder / "-leading-dash.md").write_text("# Dash\n\nA file name that starts with a dash.")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    (folder / "good.md").write_text("# Good\n\nThis file is fine and must be indexed.")
    return folder


EXPECTED_FAILURES = {
    "zero.pdf": "empty file",
    "truncated.pdf": "damaged or truncated PDF",
    "user-password.pdf": "encrypted PDF: no password",
    "scan.pdf": "no extractable text",
    "renamed-zip.pdf": "starts with PK",
    "loop.pdf": "cannot read file",
}


def test_torture_folder_reports_each_bad_file_and_indexes_the_rest(torture, settings,
                                                                   fake_embedder):
    report = ingest([torture], settings, fake_embedder, show_progress=False)
    failed = {Path(f["source"]).name: f["error"] for f in report.failed}
    assert set(failed) == set(EXPECTED_FAILURES)
    for name, reason in EXPECTED_FAILURES.items():
        assert reason in failed[name], (name, failed[name])
    indexed = {Path(s).name for s in IndexStore(settings.index).load().documents}
    assert indexed == {"owner-only.pdf", "latin1.txt", "scripts.html", "one-line.txt",
                       "with spaces é.md", "-leading-dash.md", "good.md"}
    chunks = IndexStore(settings.index).load().chunks
    html = " ".join(c.text for c in chunks if c.source.endswith("scripts.html"))
    assert "steal" not in html and "Visible words" in html
    assert any("Café costs £5" in c.text for c in chunks)


def test_cli_exit_status_and_no_traceback(torture, tmp_path):
    (torture / "one-line.txt").unlink()  # 5,000 chunks: too slow to embed with the real model
    result = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(torture),
                             "--index", str(tmp_path / "idx"), "--json", "--quiet"],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PLAN_ASSISTANT_MODEL":
                                 "sentence-transformers/all-MiniLM-L6-v2"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert len(report["failed"]) == len(EXPECTED_FAILURES) and report["documents"] == 6


def test_two_thousand_page_pdf(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    topics = ["access", "waiting lists", "prevention", "workforce", "estates", "digital"]
    for number in range(1, 2001):
        pdf.add_page()
        pdf.cell(0, 10, f"Annex {number}: notes on {topics[number % 6]} for service "
                        f"{number * 7} in district {number % 13}.")
    pdf.output(str(tmp_path / "big.pdf"))
    document = load_document(tmp_path / "big.pdf")
    assert document.pages == 2000 and len(document.blocks) == 2000
    assert "service 14000" in document.blocks[-1].text


def test_garbled_pages_are_flagged_not_indexed(tmp_path):
    glyphs = " ".join(["/two.tab /zero.tab /one.tab /three.lf /g123 /uni00A0"] * 10)
    path = make_pdf(tmp_path / "glyphs.pdf", ["A normal first page of prose.", glyphs])
    document = load_document(path)
    assert [b.page for b in document.blocks] == [1]
    assert "glyph names" in document.warnings[0].warning


def test_unreadable_docx_with_tables(tmp_path):
    import docx

    word = docx.Document()
    table = word.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"cell {r}{c}"
    word.save(tmp_path / "tables.docx")
    assert "cell 10 | cell 11" in load_document(tmp_path / "tables.docx").blocks[0].text
    (tmp_path / "broken.docx").write_bytes(_zip())
    with pytest.raises(DocumentError, match="DOCX"):
        load_document(tmp_path / "broken.docx")


def test_malformed_docx_internals_are_a_per_file_failure(tmp_path, settings, fake_embedder):
    folder = tmp_path / "docx"
    folder.mkdir()
    for name, types in (("a.docx", "<Types/>"), ("b.docx", "garbage<")):
        with zipfile.ZipFile(folder / name, "w") as archive:
            archive.writestr("[Content_Types].xml", types)
    (folder / "good.md").write_text("# Good\n\nIndexed despite the broken neighbours.")
    report = ingest([folder], settings, fake_embedder, show_progress=False)
    assert {Path(f["source"]).name for f in report.failed} == {"a.docx", "b.docx"}
    assert all("not a valid DOCX" in f["error"] for f in report.failed)
    assert report.documents == 1
