import pytest

from assistant import library
from assistant.errors import DocumentError


@pytest.mark.parametrize(("name", "safe"), [
    ("../../x.pdf", "x.pdf"), ("..\\..\\evil.PDF", "evil.pdf"), ("-rf.md", "rf.md"),
    (".hidden.txt", "hidden.txt"), ("Plan é 2024.docx", "Plan e 2024.docx"),
    ("a/b/c<script>.html", "c_script_.html"), ("", "document"), ("noext", "noext"),
])
def test_safe_filename(name, safe):
    assert library.safe_filename(name) == safe


def test_store_upload_sanitises_and_never_overwrites(tmp_path):
    upload = tmp_path / "tmpupload"
    upload.write_text("hello")
    corpus = tmp_path / "corpus"
    first = library.store_upload(upload, "../../notes.txt", corpus)
    second = library.store_upload(upload, "notes.txt", corpus)
    assert first == corpus / "uploads" / "notes.txt"
    assert second == corpus / "uploads" / "notes-1.txt"
    assert library.is_upload(first, corpus) and not library.is_upload(upload, corpus)


def test_disallowed_types_and_oversize_are_rejected(tmp_path, monkeypatch):
    upload = tmp_path / "f"
    upload.write_bytes(b"x" * 2048)
    with pytest.raises(DocumentError, match="not accepted"):
        library.store_upload(upload, "payload.exe", tmp_path / "corpus")
    monkeypatch.setattr(library, "MAX_UPLOAD_BYTES", 1024)
    with pytest.raises(DocumentError, match="upload limit"):
        library.store_upload(upload, "big.pdf", tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "uploads").exists() or \
        not any((tmp_path / "corpus" / "uploads").iterdir())


def test_an_upload_that_fails_to_read_is_not_kept(settings, tmp_path, fake_embedder):
    """It would fail every later re-index of the corpus folder, without a name to act on."""
    from assistant.service import Assistant

    bad, good = tmp_path / "tmp-bad", tmp_path / "tmp-good"
    bad.write_bytes(b"%PDF-1.4 not really a PDF")
    good.write_text("# Clinic note\n\nThe walk-in clinic opens on Tuesdays.", encoding="utf-8")
    report, refused = Assistant(settings, embedder=fake_embedder).upload(
        [(bad, "bad.pdf"), (good, "note.md")])
    assert refused == [] and [f["source"] for f in report.failed] == ["corpus/uploads/bad.pdf"]
    uploads = settings.corpus / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["note.md"]


def test_a_document_is_named_by_a_path_to_its_file_even_once_moved(settings, fake_embedder):
    from assistant.ingest import ingest
    from assistant.service import Assistant

    note = settings.root / "corpus" / "note.md"
    note.parent.mkdir(parents=True)
    note.write_text("# Clinic note\n\nThe walk-in clinic opens on Tuesdays.", encoding="utf-8")
    ingest([note], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    assert assistant.source_named(str(note)) == "corpus/note.md"
    note.rename(settings.root / "moved.md")
    assert assistant.source_named(str(note)) == "corpus/note.md"
    assert assistant.source_named("no/such.md") == "no/such.md"
