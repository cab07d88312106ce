"""The store seam: what the pipeline reads from an index and what ingest writes to one.

Two stores implement it. The on-disk store (`store.IndexStore`, the default) keeps an index
in a folder: FAISS, a SQLite chunk table and bm25s, one writer at a time. The PostgreSQL store
(`pg_store.PostgresStore`) keeps it in a database with pgvector, so several app replicas share
one index and see each other's uploads. `--store URL` / `$PLAN_ASSISTANT_STORE` / `store =` in
the settings file choose PostgreSQL; nothing chooses the folder.

Everything above this line talks to `Store` and `IndexView` only; rows are whatever integers
the store gives its chunks (FAISS ids on disk, a never-reused counter in PostgreSQL), with one
document's chunks on consecutive rows in reading order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import numpy as np

from assistant.chunking import Chunk
from assistant.config import Settings
from assistant.lexical import Terms
from assistant.records import DocumentRecord, Update
from assistant.store import IndexStore


class IndexView(Protocol):
    """One loaded index, as questions read it."""

    model: str
    backend: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    documents: dict[str, DocumentRecord]
    glossary: dict[str, str]
    generation: str
    parallel_search: bool  # whether a question's searches may run side by side (a server's)

    @property
    def count(self) -> int: ...
    @property
    def pages(self) -> int: ...
    @property
    def lexical(self) -> Terms: ...
    def chunk(self, row: int) -> Chunk | None: ...
    def chunks_at(self, rows: Sequence[int]) -> list[Chunk]: ...
    def iter_chunks(self) -> Iterator[Chunk]: ...
    def neighbours(self, row: int) -> tuple[Chunk | None, Chunk | None]: ...
    def run(self, row: int, reach: int) -> list[tuple[int, Chunk]]: ...
    def rows_of(self, sources: set[str]) -> np.ndarray: ...
    def vectors(self, rows: Sequence[int]) -> np.ndarray: ...
    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]: ...
    def dense_search(self, vector: np.ndarray, n: int,
                     sources: set[str] | None = None) -> list[tuple[int, float]]: ...
    def lexical_search(self, query: str, n: int,
                       sources: set[str] | None = None) -> list[tuple[int, float]]: ...
    def lexical_scores(self, query: str, rows: Sequence[int]) -> dict[int, float]: ...


class Store(Protocol):
    """Where an index lives: load it, lock it for writing, commit an update atomically."""

    shared: bool  # whether other processes change the index while this one reads it

    @property
    def location(self) -> str: ...
    def close(self) -> None: ...
    def exists(self) -> bool: ...
    def generation(self) -> str: ...
    def load(self, expect_model: str | None = None,
             expect_backend: str | None = None) -> IndexView: ...
    def write_lock(self) -> AbstractContextManager[None]: ...
    def commit(self, old: IndexView, update: Update) -> IndexView: ...


def open_store(settings: Settings) -> Store:
    """The PostgreSQL store when the settings name one, else the index folder."""
    if settings.store:
        from assistant.pg_store import PostgresStore

        return PostgresStore(settings.store)
    return IndexStore(settings.index)


def migrate(directory, target: Store, *, replace: bool = False) -> tuple[int, int, int]:
    """Copy the on-disk index at `directory` into `target` with its vectors (no
    re-embedding); (documents, pages, chunks) copied. Refuses to overwrite an index
    `target` already holds unless `replace`."""
    from assistant.errors import ConfigError, IndexCorruptError

    source = IndexStore(directory).load()
    added: dict[str, tuple[DocumentRecord, list[Chunk]]] = {
        name: (record, []) for name, record in source.documents.items()}
    order: list[str] = []
    for chunk in source.iter_chunks():  # row order: each document's chunks consecutive
        if not order or order[-1] != chunk.source:
            if chunk.source in order:  # vectors would be paired with the wrong chunks
                raise IndexCorruptError(
                    f"index at {directory} interleaves the chunks of {chunk.source}: rebuild "
                    "it with `plan-assistant ingest --rebuild` before migrating")
            order.append(chunk.source)
        added[chunk.source][1].append(chunk)
    with target.write_lock():
        if target.exists() and not replace:
            held = target.load()
            raise ConfigError(
                f"{target.location} already holds an index ({len(held.documents)} documents): "
                "pass --replace to overwrite it with the one at "
                f"{directory}")
        update = Update(source.model, source.backend, source.dimension, source.chunk_size,
                        source.chunk_overlap, source.index_kind, {},
                        {name: added[name] for name in order + sorted(set(added) - set(order))},
                        np.asarray(source.embeddings, dtype=np.float32), rebuild=True,
                        sentence_vectors=source.sentence_vectors(range(source.count)))
        copied = target.commit(source, update)
    return len(copied.documents), copied.pages, copied.count
