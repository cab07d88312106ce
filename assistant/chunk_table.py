"""The chunk table on disk: one SQLite file whose row numbers are the FAISS row numbers.

Why SQLite rather than one JSON Lines file: at a million chunks, parsing JSON Lines into
objects takes tens of seconds and gigabytes at every start, while SQLite opens at once and
fetches a row by number in microseconds, so an index loads in constant time and only the
chunks a question touches are ever read. The file stays inspectable with standard tools
(`sqlite3 chunks.sqlite 'select * from chunks limit 3'`).

Leaves out everything about vectors (`vector_index.py`) and the manifest (`store.py`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.chunking import Chunk

COLUMNS = ("id", "source", "title", "page", "section", "text")
ROW_CACHE = 8192  # chunks kept decoded: a few hundred questions' worth of passages
BATCH = 10_000


def write_chunks(path: Path, chunks: Iterable[Chunk]) -> None:
    """Write `chunks` in order (row 0 first) to a new SQLite file at `path`."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")  # the store fsyncs the finished file
        connection.execute(
            "CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL, source TEXT NOT "
            "NULL, title TEXT NOT NULL, page INTEGER, section TEXT, text TEXT NOT NULL)")
        connection.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((row, c.id, c.source, c.title, c.page, c.section, c.text)
             for row, c in enumerate(chunks)))
        connection.execute("CREATE INDEX chunks_by_source ON chunks (source, row)")
        connection.commit()
    finally:
        connection.close()


class ChunkTable(Sequence[Chunk]):
    """Read-only, lazily read chunks: `table[row]`, `len(table)`, iteration in row order.

    Safe to share between threads (the UI answers two questions at once).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._connection = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                           check_same_thread=False)
        self._lock = threading.Lock()
        (self._length,) = self._query("SELECT count(*) FROM chunks")[0]
        self._fetch = lru_cache(maxsize=ROW_CACHE)(self._read_row)

    def _query(self, sql: str, parameters: Sequence = ()) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchall()

    def _read_row(self, row: int) -> Chunk:
        found = self._query(f"SELECT {', '.join(COLUMNS)} FROM chunks WHERE row = ?", (row,))
        if not found:
            raise IndexError(row)
        return Chunk(*found[0])

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, row: int) -> Chunk:  # type: ignore[override]
        if not isinstance(row, int | np.integer):
            raise TypeError("chunk rows are integers")
        row = int(row) + (self._length if row < 0 else 0)
        if not 0 <= row < self._length:
            raise IndexError(row)
        return self._fetch(row)

    def __iter__(self) -> Iterator[Chunk]:
        for start in range(0, self._length, BATCH):
            for values in self._query(
                    f"SELECT {', '.join(COLUMNS)} FROM chunks WHERE row >= ? AND row < ? "
                    "ORDER BY row", (start, start + BATCH)):
                yield Chunk(*values)

    def rows_of(self, sources: set[str]) -> np.ndarray:
        """Row numbers of every chunk from `sources`, ascending (uses the source index)."""
        marks = ", ".join("?" * len(sources))
        found = self._query(f"SELECT row FROM chunks WHERE source IN ({marks}) ORDER BY row",
                            sorted(sources))
        return np.fromiter((r for (r,) in found), dtype=np.int64, count=len(found))
