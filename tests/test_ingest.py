import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import make_pdf

import assistant.ingest as ingest_module
from assistant.errors import IngestRefusedError
from assistant.ingest import ingest, source_name
from assistant.store import IndexStore

READ_FILE = ingest_module.read_file


def _index_state(index: Path) -> dict[str, bytes]:
    return {str(p.relative_to(index)): p.read_bytes() for p in sorted(index.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def test_first_ingest_indexes_every_format_with_pages(settings, small_corpus, fake_embedder):
    report = ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assert (report.added, report.documents, report.failed) == (4, 4, [])
    assert report.pages == 3 + 1 + 1 + 1
    snapshot = IndexStore(settings.index).load(fake_embedder.name)
    assert report.chunks == len(snapshot.chunks) >= 6
    pdf_pages = sorted(c.page for c in snapshot.chunks if c.source == "corpus/digest.pdf")
    assert pdf_pages == [1, 2, 3]
    assert all(c.page is None for c in snapshot.chunks if c.source != "corpus/digest.pdf")
    assert not any("secret" in c.text for c in snapshot.chunks)
    sections = {c.section for c in snapshot.chunks if c.source == "corpus/overview.md"}
    assert {"Mental health", "Workforce"} <= sections


def test_every_chunk_keeps_the_vectors_of_its_sentences(settings, small_corpus, fake_embedder):
    from assistant.evidence import passage_sentences

    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    snapshot = IndexStore(settings.index).load(fake_embedder.name)
    stored = snapshot.sentence_vectors(range(snapshot.count))
    for chunk, vectors in zip(snapshot.chunks, stored, strict=True):
        sentences = list(passage_sentences(chunk.text))
        assert vectors.dtype == np.float16 and len(vectors) == len(sentences) > 0
        np.testing.assert_allclose(vectors, fake_embedder.embed(sentences), atol=1e-3)


def test_sentence_vectors_can_be_left_out_of_ingest(settings, small_corpus, fake_embedder):
    ingest([small_corpus], settings.with_overrides(sentence_vectors=False), fake_embedder,
           show_progress=False)
    snapshot = IndexStore(settings.index).load(fake_embedder.name)
    assert fake_embedder.embedded == snapshot.count  # the chunks only
    assert all(len(v) == 0 for v in snapshot.sentence_vectors(range(snapshot.count)))


def test_rerun_reports_unchanged_and_embeds_nothing(settings, small_corpus, fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    before = _index_state(settings.index)
    embedded = fake_embedder.embedded
    report = ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assert (report.unchanged, report.added, report.updated, report.removed) == (4, 0, 0, 0)
    assert fake_embedder.embedded == embedded
    assert _index_state(settings.index) == before


def test_changed_file_replaces_its_chunks_and_others_are_reused(settings, small_corpus,
                                                                fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    old = IndexStore(settings.index).load()
    (small_corpus / "notes.txt").write_text("Explainer notes\n\nPharmacies now take referrals.")
    embedded = fake_embedder.embedded
    report = ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assert (report.updated, report.unchanged) == (1, 3)
    new = IndexStore(settings.index).load()
    notes = [c.text for c in new.chunks if c.source == "corpus/notes.txt"]
    assert notes == ["Explainer notes\n\nPharmacies now take referrals."]
    assert fake_embedder.embedded - embedded == 1 + 2  # the one new chunk and its 2 sentences
    kept = {c.id for c in old.chunks if c.source != "corpus/notes.txt"}
    assert kept <= {c.id for c in new.chunks}


def test_removed_file_is_pruned(settings, small_corpus, fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    (small_corpus / "context.html").unlink()
    report = ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assert (report.removed, report.documents) == (1, 3)
    assert "corpus/context.html" not in IndexStore(settings.index).load().documents


def test_ingesting_one_file_leaves_other_documents_alone(settings, small_corpus, tmp_path,
                                                         fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    extra = tmp_path / "elsewhere" / "extra.md"
    extra.parent.mkdir()
    extra.write_text("# Extra\n\nA separate paper about dementia diagnosis rates.")
    report = ingest([extra], settings, fake_embedder, show_progress=False)
    assert (report.added, report.removed, report.documents) == (1, 0, 5)


def test_bad_files_fail_clearly_and_leave_the_index_exactly_as_it_was(settings, small_corpus,
                                                                       tmp_path, fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    before = _index_state(settings.index)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    good = make_pdf(tmp_path / "g.pdf", ["Words on the first page.", "And the second page."])
    (bad / "truncated.pdf").write_bytes(good.read_bytes()[:400])
    report = ingest([bad], settings, fake_embedder, show_progress=False)
    reasons = {f["source"]: f["error"] for f in report.failed}
    assert set(reasons) == {"bad/empty.pdf", "bad/truncated.pdf"}
    assert reasons["bad/empty.pdf"] == "empty file"
    assert "truncated" in reasons["bad/truncated.pdf"] or "no extractable" in \
        reasons["bad/truncated.pdf"]
    assert _index_state(settings.index) == before


def test_a_file_that_turns_bad_keeps_its_last_good_version(settings, small_corpus,
                                                           fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    (small_corpus / "digest.pdf").write_bytes(b"%PDF-1.7 broken")
    report = ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assert [f["source"] for f in report.failed] == ["corpus/digest.pdf"]
    assert report.documents == 4 and report.removed == 0
    snapshot = IndexStore(settings.index).load()
    assert any(c.source == "corpus/digest.pdf" for c in snapshot.chunks)


def test_rebuild_starts_from_empty(settings, small_corpus, fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    other = small_corpus.parent / "other"
    other.mkdir()
    (other / "only.md").write_text("# Only\n\nOne document.")
    report = ingest([other], settings, fake_embedder, rebuild=True, show_progress=False)
    assert (report.added, report.documents) == (1, 1)


def test_a_rebuild_that_would_lose_documents_is_not_applied(settings, small_corpus,
                                                            fake_embedder):
    """A mistyped path, or a file indexed before that fails to read now, leaves the index as
    it was; a rebuild that drops documents counts them as removed."""
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    before = IndexStore(settings.index).load().documents
    with pytest.raises(IngestRefusedError, match="corpsu"):
        ingest([small_corpus.parent / "corpsu"], settings, fake_embedder, rebuild=True,
               show_progress=False)
    (small_corpus / "notes.txt").write_bytes(b"")
    with pytest.raises(IngestRefusedError, match=r"notes\.txt"):
        ingest([small_corpus], settings, fake_embedder, rebuild=True, show_progress=False)
    assert IndexStore(settings.index).load().documents == before
    empty = small_corpus.parent / "empty"  # a corpus folder found empty (a drive not mounted)
    empty.mkdir()
    with pytest.raises(IngestRefusedError, match="nothing could be read"):
        ingest([empty], settings, fake_embedder, rebuild=True, show_progress=False)
    assert IndexStore(settings.index).load().documents == before
    (small_corpus / "notes.txt").unlink()
    report = ingest([small_corpus], settings, fake_embedder, rebuild=True, show_progress=False)
    assert (report.documents, report.added, report.updated, report.removed) == (3, 0, 3, 1)


def test_a_folder_that_cannot_be_listed_is_a_failure_and_keeps_its_documents(
        settings, small_corpus, fake_embedder, monkeypatch):
    (small_corpus / "sub").mkdir()
    (small_corpus / "sub" / "extra.md").write_text("# Extra\n\nThe narwhal clinic opens.")
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    walk = os.walk

    def failing_walk(top, onerror=None, **kwargs):  # as os.walk does for an unreadable folder
        for current, dirs, names in walk(top, onerror=onerror, **kwargs):
            if Path(current).name == "sub":
                onerror(PermissionError(13, "Permission denied", current))
                continue
            yield current, dirs, names

    monkeypatch.setattr(ingest_module.os, "walk", failing_walk)
    report = ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assert report.removed == 0 and report.documents == 5
    assert report.failed == [{"source": "corpus/sub",
                              "error": "cannot list the folder: permission denied"}]


def test_missing_path_is_a_failure_not_a_crash(settings, tmp_path, fake_embedder):
    report = ingest([tmp_path / "nope"], settings, fake_embedder, show_progress=False)
    assert report.failed == [{"source": str(tmp_path / "nope"), "error": "no such file or folder"}]


def test_warnings_name_the_page(settings, tmp_path, fake_embedder):
    make_pdf(tmp_path / "corpus" / "gap.pdf", ["Page one has words.", "", "Page three."])
    report = ingest([tmp_path / "corpus"], settings, fake_embedder, show_progress=False)
    assert report.warnings == [{"source": "corpus/gap.pdf", "page": 2,
                                "warning": "no extractable text (scanned image?)"}]
    manifest = json.loads(IndexStore(settings.index).manifest_path.read_text())
    assert manifest["documents"][0]["warnings"][0]["page"] == 2


def test_source_name_is_relative_inside_root_and_absolute_outside(tmp_path):
    root = tmp_path / "project"
    assert source_name(root / "corpus" / "a.pdf", root) == "corpus/a.pdf"
    assert source_name(tmp_path / "x" / "b.pdf", root) == (tmp_path / "x" / "b.pdf").as_posix()


def test_a_new_extractor_version_rereads_unchanged_files(settings, small_corpus, fake_embedder,
                                                         monkeypatch):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    monkeypatch.setattr(ingest_module, "EXTRACTOR_VERSION", 999)
    report = ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assert (report.updated, report.unchanged) == (4, 0)
    records = IndexStore(settings.index).load().documents.values()
    assert {r.extractor for r in records} == {999}


def _pdfs(folder: Path) -> Path:
    """PDFs of different sizes (read largest first, so they finish out of discovery order)."""
    for number, pages in enumerate((1, 9, 3, 6)):
        make_pdf(folder / f"paper{number}.pdf",
                 [f"Paper {number}, page {page}: the plan for clinic {number * 10 + page}."
                  for page in range(pages)])
    (folder / "notes.md").write_text("# Notes\n\nRead in the main process meanwhile.")
    return folder


def test_reading_in_workers_gives_the_index_reading_here_gives(tmp_path, settings,
                                                             fake_embedder, monkeypatch):
    corpus = _pdfs(tmp_path / "corpus")
    ingest([corpus], settings, fake_embedder, show_progress=False)
    in_workers = IndexStore(settings.index).load()
    monkeypatch.setattr(ingest_module, "READ_IN_WORKERS", set())
    here = settings.with_overrides(index=tmp_path / "here")
    ingest([corpus], here, fake_embedder, show_progress=False)
    in_process = IndexStore(here.index).load()
    assert list(in_workers.chunks) == list(in_process.chunks)
    assert list(in_workers.documents) == list(in_process.documents) == sorted(
        in_process.documents)
    np.testing.assert_array_equal(in_workers.embeddings, in_process.embeddings)


def _read_or_die(path: Path):
    """Runs in a worker: a file named dies.pdf kills its reader, as an out-of-memory kill
    would."""
    if path.name == "dies.pdf":
        os._exit(1)
    return READ_FILE(path)


def test_a_file_that_kills_its_reader_fails_alone(tmp_path, settings, fake_embedder,
                                                  monkeypatch):
    corpus = _pdfs(tmp_path / "corpus")
    make_pdf(corpus / "dies.pdf", ["Never read."])
    monkeypatch.setattr(ingest_module, "read_file", _read_or_die)
    report = ingest([corpus], settings, fake_embedder, show_progress=False)
    assert report.failed == [{"source": "corpus/dies.pdf", "error": "the process reading the "
                              "file stopped (out of memory, or killed)"}]
    assert report.documents == 5
