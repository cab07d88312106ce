import pytest
from conftest import FakeEmbedder

from assistant.chunking import HEADER_MAX_TOKENS, Chunk, chunk_document
from assistant.documents import Block, Document


def _doc(*blocks: Block) -> Document:
    return Document(path=None, title="Plan", kind="markdown", pages=1, blocks=list(blocks))


@pytest.mark.parametrize("text", ["x", "One sentence.", "é" * 10, "日本語。" * 50,
                                  "word " * 5000, "A" * 20000])
def test_every_chunk_fits_the_size_and_keeps_its_block(text):
    embedder = FakeEmbedder()
    chunks = chunk_document(_doc(Block(text, page=7, section="S")), "a.pdf", 64, 8,
                            embedder.tokenize)
    assert chunks, "non-empty text must give at least one chunk"
    assert all(c.page == 7 and c.section == "S" and c.source == "a.pdf" for c in chunks)
    assert all(embedder.count_tokens(c.text) <= 64 for c in chunks)


def test_blocks_never_share_a_chunk_and_ids_are_stable():
    doc = _doc(Block("First page text.", page=1), Block("Second page text.", page=2))
    tokenize = FakeEmbedder().tokenize
    first = chunk_document(doc, "d.pdf", 64, 8, tokenize)
    assert [(c.page, c.text) for c in first] == [(1, "First page text."),
                                                  (2, "Second page text.")]
    assert first == chunk_document(doc, "d.pdf", 64, 8, tokenize)
    assert len({c.id for c in first}) == 2


def test_empty_blocks_give_no_chunks():
    assert chunk_document(_doc(Block("   ")), "a.md", 64, 8, FakeEmbedder().tokenize) == []


def test_embedding_text_prefixes_a_header_trimmed_to_fit():
    embedder = FakeEmbedder()
    chunk = Chunk("i", "a.md", "LLR plan", None, "Mental health", "Eight teams.")
    assert chunk.embedding_text(embedder.count_tokens) == "LLR plan › Mental health\nEight teams."
    long = Chunk("i", "a.md", "word " * 200, None, None, "Body.")
    header = long.embedding_text(embedder.count_tokens).split("\n")[0]
    assert 0 < embedder.count_tokens(header) <= HEADER_MAX_TOKENS
