"""Document -> Chunks: token-bounded passages that remember their source, page and section.

Splitting is llama-index's `SentenceSplitter`, counting tokens with the embedding model's own
tokenizer so no chunk is silently truncated by the model's 256-token window. Each chunk also
gets a short context header (title › section) that is embedded with it but not shown as text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant.blocks import Document
from assistant.structure import SECTION_SEPARATOR

HEADER_MAX_TOKENS = 30  # room left for the header within the model window (see Settings)


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage. `id` is stable for the same source, position and text."""

    id: str
    source: str
    title: str
    page: int | None
    section: str | None
    text: str

    @property
    def section_key(self) -> tuple:
        """The section this passage is read with: its top-level heading, or its page."""
        top = self.section.split(SECTION_SEPARATOR)[0] if self.section else None
        return self.source, top if top is not None else self.page

    @property
    def header(self) -> str:
        return " › ".join(part for part in (self.title, self.section) if part)

    def embedding_text(self, token_count: Callable[[str], int] | None = None) -> str:
        """The header plus the text: what is embedded (the header is trimmed to fit)."""
        header = self.header
        if token_count is not None:
            while header and token_count(header) > HEADER_MAX_TOKENS:
                header = header[: int(len(header) * 0.8)].rstrip()
        return f"{header}\n{self.text}" if header else self.text


@lru_cache(maxsize=8)
def make_splitter(chunk_size: int, chunk_overlap: int, tokenizer: Callable[[str], list]):
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        tokenizer=tokenizer,
        paragraph_separator="\n\n",
    )


def chunk_document(
    document: Document,
    source: str,
    chunk_size: int,
    chunk_overlap: int,
    tokenizer: Callable[[str], list],
) -> list[Chunk]:
    """Split every block of a document into chunks; blocks never share a chunk, so each
    chunk has exactly one page and one section."""
    splitter = make_splitter(chunk_size, chunk_overlap, tokenizer)
    chunks: list[Chunk] = []
    for block in document.blocks:
        for piece in splitter.split_text(block.text):
            text = piece.strip()
            if not text:
                continue
            digest = hashlib.sha1(
                f"{source}\x00{block.page}\x00{block.section}\x00{len(chunks)}\x00{text}".encode()
            ).hexdigest()[:16]
            chunks.append(Chunk(digest, source, document.title, block.page, block.section, text))
    return chunks
