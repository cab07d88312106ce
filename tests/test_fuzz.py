"""Fuzzing the stages that see untrusted text (bounded: a fixed number of examples, a deadline
per example): loaders, cleaning, sentence splitting and chunking never raise anything but a
`DocumentError`, and never hang."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from conftest import FakeEmbedder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.chunking import chunk_document
from assistant.cleaning import clean_text, garbled_reason, strip_running_lines
from assistant.documents import Block, Document, load_document
from assistant.errors import DocumentError
from assistant.glossary import build_glossary
from assistant.structure import split_sentences

BOUNDED = settings(max_examples=150, deadline=2000,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000)


@BOUNDED
@given(TEXT)
def test_text_stages_never_fail(text):
    cleaned = clean_text(text)
    assert isinstance(cleaned, str)
    garbled_reason(cleaned)
    split_sentences(cleaned)
    build_glossary([cleaned])
    assert len(strip_running_lines([cleaned, cleaned, cleaned])) == 3


@BOUNDED
@given(st.lists(TEXT, min_size=1, max_size=4), st.integers(32, 224))
def test_chunking_never_fails_and_never_yields_empty_chunks(blocks, size):
    document = Document(Path("x.md"), "t", "markdown", 1, [Block(b) for b in blocks])
    chunks = chunk_document(document, "x.md", size, size // 8, FakeEmbedder().tokenize)
    assert all(chunk.text.strip() for chunk in chunks)


@BOUNDED
@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".pdf", ".docx"])
@given(data=st.binary(max_size=4000))
def test_loaders_raise_only_document_errors(tmp_path, suffix, data):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        document = load_document(path)
    except DocumentError:
        return
    assert document.blocks


@BOUNDED
@given(st.binary(max_size=2000))
def test_pdf_like_bytes(tmp_path_factory, tail):
    path = tmp_path_factory.mktemp("pdf") / "f.pdf"
    path.write_bytes(b"%PDF-1.7\n" + tail)
    with contextlib.suppress(DocumentError):
        load_document(path)
