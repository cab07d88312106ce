"""What an index records about its documents, and the change one ingest makes to it.

Shared by both stores (`store.py` on disk, `pg_store.py` in PostgreSQL) and by ingest, which
builds the `Update` that a store commits in one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.chunking import Chunk


@dataclass
class DocumentRecord:
    """What the index knows about one ingested file."""

    source: str
    sha256: str
    title: str
    kind: str
    pages: int
    chunks: int
    ingested_at: str
    warnings: list[dict] = field(default_factory=list)
    extractor: int = 0  # documents.EXTRACTOR_VERSION that produced the chunks
    register: int = 0  # commitments.REGISTER_VERSION that produced `commitments` (0: none)
    commitments: list[dict] = field(default_factory=list)  # the register, as Commitment JSON


@dataclass
class Update:
    """One ingest's change: the documents kept as they are and the ones (re)read, with the
    vectors of the new chunks in order and, when computed, the vectors of each new chunk's
    sentences (`evidence.passage_sentences` order). Every other document leaves the index."""

    model: str
    backend: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    index_kind: str
    kept: dict[str, DocumentRecord]
    added: dict[str, tuple[DocumentRecord, list[Chunk]]]
    vectors: np.ndarray
    rebuild: bool = False
    sentence_vectors: list[np.ndarray] | None = None  # per new chunk, float16

    @property
    def new_chunks(self) -> list[Chunk]:
        return [chunk for _, chunks in self.added.values() for chunk in chunks]
