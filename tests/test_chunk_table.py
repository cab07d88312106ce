import threading

import numpy as np
import pytest

from assistant.chunk_table import ChunkTable, write_chunks
from assistant.chunking import Chunk


def _chunks(n: int) -> list[Chunk]:
    return [Chunk(f"id{i}", f"doc{i % 3}.pdf", "Tïtle", i + 1 if i % 2 else None,
                  None if i % 4 else "Séction", f"text {i} – “quoted”") for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 7])
def test_round_trip_by_row_and_in_order(tmp_path, n):
    chunks = _chunks(n)
    write_chunks(tmp_path / "c.sqlite", chunks)
    table = ChunkTable(tmp_path / "c.sqlite")
    assert len(table) == n and bool(table) == (n > 0)
    assert list(table) == chunks
    assert [table[i] for i in range(n)] == chunks
    if n:
        assert table[-1] == chunks[-1] and table[np.int64(0)] == chunks[0]


def test_out_of_range_rows_raise_index_error(tmp_path):
    write_chunks(tmp_path / "c.sqlite", _chunks(2))
    table = ChunkTable(tmp_path / "c.sqlite")
    for row in (2, -3, 100):
        with pytest.raises(IndexError):
            table[row]


def test_rows_of_sources_uses_row_numbers(tmp_path):
    chunks = _chunks(9)
    write_chunks(tmp_path / "c.sqlite", chunks)
    rows = ChunkTable(tmp_path / "c.sqlite").rows_of({"doc1.pdf", "doc2.pdf"})
    assert rows.tolist() == [i for i, c in enumerate(chunks) if c.source != "doc0.pdf"]
    assert ChunkTable(tmp_path / "c.sqlite").rows_of({"other"}).tolist() == []


def test_many_threads_read_one_table(tmp_path):
    chunks = _chunks(200)
    write_chunks(tmp_path / "c.sqlite", chunks)
    table = ChunkTable(tmp_path / "c.sqlite")
    wrong: list[int] = []

    def read(offset: int) -> None:
        for row in range(offset, 200, 4):
            if table[row] != chunks[row]:
                wrong.append(row)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
