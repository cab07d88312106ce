"""The index on disk: vectors, a FAISS index, a chunk table and a manifest, saved atomically.

Layout of an index folder:

    manifest.json          the commit point: format version, model and the backend that ran it,
                           chunk settings, index kind, documents (content hash, pages, chunks,
                           warnings) and a checksum and size per data file
    data-<generation>/     vectors.npy (the exact unit vectors, memory-mapped on load),
                           vectors.faiss (the search index: exact, HNSW or IVF-PQ by size, see
                           vector_index.py), chunks.sqlite (one row per chunk, row number =
                           FAISS id), lexical/ (the BM25 index, memory-mapped),
                           sentences.npy and sentence_offsets.npy (float16 vectors of each
                           chunk's sentences, so an answer reads them instead of embedding
                           them) and glossary.json (acronyms found in the corpus)
    .lock                  held by the one process allowed to write

Why not llama-index's `FaissVectorStore`: it cannot delete vectors, has no metadata, and
persists in place (a crash mid-write leaves a broken store). Documents change, so every save
writes a complete new generation beside the old one and then swaps `manifest.json` with an
atomic rename; readers always see either the old or the new generation. The exact vectors are
kept, so an update reuses them for unchanged documents instead of re-embedding.

Loading is constant-time in the corpus size: nothing is parsed up front, vectors and BM25
postings are memory-mapped and chunks are read from SQLite when asked for. Files up to
`VERIFY_FULLY_BELOW` bytes are checked against their SHA-256 at every load; larger ones
(hundreds of MB at a million chunks) by size, which catches truncation, the common damage.
Older formats are still read, and the next save rewrites them in format 4: format 1 kept
chunks.jsonl and a flat FAISS index only; formats 1 and 2 named the embedding backend in the
model name ("...all-MiniLM-L6-v2#onnx-int8"; no suffix meant torch), format 3 records it in
its own field; format 4 adds the sentence vectors (an older index has none, and its answers
embed sentences as they meet them until the documents are read again).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from assistant import vector_index
from assistant.chunk_table import ChunkTable, write_chunks
from assistant.chunking import Chunk
from assistant.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)
from assistant.glossary import build_glossary
from assistant.records import DocumentRecord, Update

FORMAT_VERSION = 4  # 4: sentence vectors stored
READABLE_VERSIONS = (1, 2, 3, 4)
VERIFY_FULLY_BELOW = 64 * 2**20
_GENERATION = re.compile(r"(\.tmp-)?data-\d{8}T\d{6}-[0-9a-f]{8}")
MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
FAISS_INDEX = "vectors.faiss"
CHUNKS = "chunks.sqlite"
LEXICAL = "lexical"
GLOSSARY = "glossary.json"
SENTENCES = "sentences.npy"
SENTENCE_OFFSETS = "sentence_offsets.npy"
V1_CHUNKS = "chunks.jsonl"


@dataclass
class IndexSnapshot:
    """A complete index: chunks[i] is FAISS row i and embeddings[i] its exact vector.

    Built in memory by ingest (lists and arrays) or loaded from disk (a lazy `ChunkTable`,
    memory-mapped vectors); code reading it cannot tell the difference.
    """

    model: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    documents: dict[str, DocumentRecord]
    chunks: Sequence[Chunk]
    embeddings: np.ndarray
    glossary: dict[str, str] = field(default_factory=dict)
    index_kind: str = "auto"  # requested at save; the kind actually built is in the manifest
    backend: str = "custom"  # what ran `model` (an `embeddings.BACKENDS` name)
    generation: str = ""  # the store's change mark when this was loaded (`Store.generation`)
    # chunk i's sentence vectors (float16) are sentence_matrix[offsets[i]:offsets[i + 1]];
    # None for an index saved before they were stored
    sentence_offsets: np.ndarray | None = None
    sentence_matrix: np.ndarray | None = None
    parallel_search: ClassVar[bool] = False  # searches run here, on this process's cores

    @classmethod
    def empty(cls, model: str, backend: str, dimension: int, chunk_size: int,
              chunk_overlap: int) -> IndexSnapshot:
        return cls(model, dimension, chunk_size, chunk_overlap, {}, [],
                   np.zeros((0, dimension), dtype=np.float32), backend=backend)

    # The read side every store offers (`stores.IndexView`): chunks by row, the document
    # filter, dense and lexical search. Rows are FAISS ids here: 0..count-1, one document's
    # chunks consecutive.

    @property
    def count(self) -> int:
        return len(self.chunks)

    def chunk(self, row: int) -> Chunk | None:
        return self.chunks[row] if 0 <= row < len(self.chunks) else None

    def chunks_at(self, rows: Sequence[int]) -> list[Chunk]:
        return [self.chunks[row] for row in rows]

    def iter_chunks(self) -> Iterator[Chunk]:
        return iter(self.chunks)

    def neighbours(self, row: int) -> tuple[Chunk | None, Chunk | None]:
        """The chunks just before and after `row` in the same document, for context."""
        source = self.chunks[row].source
        before = self.chunks[row - 1] if row > 0 else None
        after = self.chunks[row + 1] if row + 1 < len(self.chunks) else None
        return (before if before and before.source == source else None,
                after if after and after.source == source else None)

    def run(self, row: int, reach: int) -> list[tuple[int, Chunk]]:
        """The chunks of `row`'s document from `reach` rows before it to `reach` after."""
        source = self.chunks[row].source
        window = range(max(0, row - reach), min(len(self.chunks), row + reach + 1))
        return [(r, chunk) for r in window if (chunk := self.chunks[r]).source == source]

    def rows_of(self, sources: set[str]) -> np.ndarray:
        """Rows of every chunk from `sources`, ascending."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.rows_of(sources)
        return np.array([i for i, c in enumerate(self.chunks) if c.source in sources],
                        dtype=np.int64)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The exact unit vectors of `rows`, in that order."""
        return np.asarray(self.embeddings[list(rows)], dtype=np.float32)

    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        """Each row's stored sentence vectors (float16, one per `passage_sentences` entry;
        none for an index saved before they were stored)."""
        if self.sentence_offsets is None or self.sentence_matrix is None:
            return [np.zeros((0, self.dimension), dtype=np.float16) for _ in rows]
        offsets, matrix = self.sentence_offsets, self.sentence_matrix
        return [np.asarray(matrix[offsets[row]:offsets[row + 1]]) for row in rows]

    def dense_search(self, vector: np.ndarray, n: int,
                     sources: set[str] | None = None) -> list[tuple[int, float]]:
        """The `n` rows nearest `vector` (inner product), only from `sources` when given."""
        rows = self.rows_of(sources) if sources else None
        if not self.count or (rows is not None and not len(rows)):
            return []
        return vector_index.search(self.faiss_index(), self.embeddings, vector, n, rows)

    def lexical_search(self, query: str, n: int,
                       sources: set[str] | None = None) -> list[tuple[int, float]]:
        """The `n` best rows by BM25, only from `sources` when given."""
        return self.lexical.search(query, n, self.rows_of(sources) if sources else None)

    def lexical_scores(self, query: str, rows: Sequence[int]) -> dict[int, float]:
        """The BM25 score of each of `rows` (0 for one that holds no term of `query`)."""
        scores = self.lexical.scores(query)
        return {row: float(scores[row]) if len(scores) else 0.0 for row in rows}

    @property
    def lexical(self):
        """The BM25 index (the one read from disk, when loaded)."""
        if getattr(self, "_lexical", None) is None:
            from assistant.lexical import LexicalIndex

            self._lexical = LexicalIndex.build(self.chunks)
        return self._lexical

    @property
    def pages(self) -> int:
        return sum(doc.pages for doc in self.documents.values())

    def faiss_index(self):
        """The FAISS search index (the one read from disk, when loaded)."""
        if getattr(self, "_faiss", None) is None:
            kind = vector_index.choose_kind(len(self.embeddings), self.index_kind)
            self._faiss = vector_index.build(self.embeddings, kind)
        return self._faiss


def pack_sentences(per_chunk: list[np.ndarray], dimension: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-chunk sentence vectors as one float16 matrix and the offsets of each chunk's rows."""
    offsets = np.zeros(len(per_chunk) + 1, dtype=np.int64)
    np.cumsum([len(vectors) for vectors in per_chunk], out=offsets[1:])
    matrix = np.concatenate([np.asarray(v, dtype=np.float16).reshape(-1, dimension)
                             for v in per_chunk]) if per_chunk else \
        np.zeros((0, dimension), dtype=np.float16)
    return offsets, matrix


def built_with(model: dict) -> tuple[str, str]:
    """(model name, backend) from a manifest's "model" entry, of any readable format."""
    if "backend" in model:
        return model["name"], model["backend"]
    name, _, backend = model["name"].partition("#")  # formats 1 and 2: "name#onnx-int8"
    return name, backend or "torch"


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class IndexStore:
    """Reads and writes one index folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def manifest_path(self) -> Path:
        return self.directory / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    @property
    def location(self) -> str:
        return str(self.directory)

    shared = False  # only this process writes here, and it reloads after it does

    def close(self) -> None:
        """Nothing to release: files are opened per load."""

    def generation(self) -> str:
        """A mark that changes whenever a save lands: the manifest file's identity (every save
        replaces it), so checking costs one stat, not a read of the manifest."""
        try:
            stat = self.manifest_path.stat()
        except OSError:
            return ""
        return f"{stat.st_ino}:{stat.st_mtime_ns}"

    def read_manifest(self) -> dict:
        if not self.exists():
            raise IndexMissingError(
                f"no index at {self.directory}: build one with `plan-assistant ingest` "
                "(or pass --index DIR)"
            )
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise IndexCorruptError(
                f"{self.manifest_path} is unreadable ({exc}): rebuild the index with "
                "`plan-assistant ingest --rebuild`"
            ) from exc
        if manifest.get("format_version") not in READABLE_VERSIONS:
            raise IndexMismatchError(
                f"index at {self.directory} has format version {manifest.get('format_version')}"
                f", this version reads {READABLE_VERSIONS}: rebuild it with "
                "`plan-assistant ingest --rebuild`"
            )
        missing = {"model", "generation", "files", "documents", "chunking"} - set(manifest)
        if missing:
            raise IndexCorruptError(
                f"{self.manifest_path} lacks {', '.join(sorted(missing))}: rebuild the index "
                "with `plan-assistant ingest --rebuild`"
            )
        return manifest

    def load(self, expect_model: str | None = None,
             expect_backend: str | None = None) -> IndexSnapshot:
        """Load and verify the current generation; check it was embedded by `expect_model`
        run by `expect_backend` (either unchecked when None)."""
        generation = self.generation()
        manifest = self.read_manifest()
        self._check_model(manifest, expect_model, expect_backend)
        data_dir = self.directory / manifest["generation"]
        for name, expected in manifest["files"].items():
            self._verify(data_dir / name, expected)
        try:
            snapshot = self._read_generation(manifest, data_dir)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorruptError(
                f"index at {self.directory} cannot be read ({type(exc).__name__}: {exc}): "
                "rebuild with `plan-assistant ingest --rebuild`"
            ) from exc
        snapshot.generation = generation
        return snapshot

    def _check_model(self, manifest: dict, expect_model: str | None,
                     expect_backend: str | None) -> None:
        model, backend = built_with(manifest["model"])
        if expect_model in (None, model) and expect_backend in (None, backend):
            return
        asked = f" on the {expect_backend} backend" if expect_backend else ""
        raise IndexMismatchError(
            f"index at {self.directory} was embedded with model '{model}' on the {backend} "
            f"backend ({manifest['model']['dimension']} dims), but the settings ask for model "
            f"'{expect_model or model}'{asked}: rebuild it with "
            "`plan-assistant ingest --rebuild`, or set model = "
            f"\"{model}\" and embedding_backend = \"{backend}\" to use it as it was built"
        )

    @staticmethod
    def _verify(path: Path, expected: str | dict) -> None:
        """Size always, SHA-256 too for files small enough to hash quickly (format 1: hash)."""
        digest, size = (expected, None) if isinstance(expected, str) else \
            (expected["sha256"], expected["bytes"])
        try:
            actual = path.stat().st_size if path.is_file() else -1
            intact = actual == size if size is not None else actual >= 0
            if intact and (size is None or size < VERIFY_FULLY_BELOW):
                intact = file_sha256(path) == digest
        except OSError:
            intact = False
        if not intact:
            raise IndexCorruptError(
                f"index file {path} is missing or fails its checksum (truncated or "
                "modified): rebuild with `plan-assistant ingest --rebuild`"
            )

    def _read_generation(self, manifest: dict, data_dir: Path) -> IndexSnapshot:
        import faiss

        model, chunking = manifest["model"], manifest["chunking"]
        if manifest["format_version"] == 1:
            vectors = faiss.read_index(str(data_dir / FAISS_INDEX))
            with (data_dir / V1_CHUNKS).open(encoding="utf-8") as handle:
                chunks = [Chunk(**json.loads(line)) for line in handle if line.strip()]
            embeddings = (vectors.reconstruct_n(0, vectors.ntotal) if vectors.ntotal
                          else np.zeros((0, model["dimension"]), dtype=np.float32))
            lexical = None
        else:
            from assistant.lexical import LexicalIndex

            vectors = faiss.read_index(str(data_dir / FAISS_INDEX))
            chunks = ChunkTable(data_dir / CHUNKS)
            embeddings = np.load(data_dir / VECTORS, mmap_mode="r")
            lexical = LexicalIndex.load(data_dir / LEXICAL)
        offsets = matrix = None
        if manifest["format_version"] >= 4:
            offsets = np.load(data_dir / SENTENCE_OFFSETS)
            matrix = np.load(data_dir / SENTENCES, mmap_mode="r")
            if len(offsets) != len(chunks) + 1 or offsets[-1] != len(matrix):
                raise IndexCorruptError(
                    f"index at {self.directory} has sentence vectors for {len(offsets) - 1} "
                    f"chunks of {len(chunks)}: rebuild with `plan-assistant ingest --rebuild`")
        if not vectors.ntotal == len(chunks) == len(embeddings):
            raise IndexCorruptError(
                f"index at {self.directory} has {vectors.ntotal} indexed vectors and "
                f"{len(embeddings)} stored ones for {len(chunks)} chunks: rebuild with "
                "`plan-assistant ingest --rebuild`"
            )
        documents = {d["source"]: DocumentRecord(**d) for d in manifest["documents"]}
        glossary = json.loads((data_dir / GLOSSARY).read_text(encoding="utf-8"))
        name, backend = built_with(model)
        snapshot = IndexSnapshot(name, model["dimension"], chunking["chunk_size"],
                                 chunking["chunk_overlap"], documents, chunks, embeddings,
                                 glossary, manifest.get("vector_index", {}).get("requested",
                                                                                 "auto"),
                                 backend)
        snapshot.sentence_offsets, snapshot.sentence_matrix = offsets, matrix
        snapshot._faiss = vectors
        snapshot._lexical = lexical
        return snapshot

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive right to write; a second writer fails at once with a clear message."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle = (self.directory / ".lock").open("a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IndexBusyError(
                    f"index at {self.directory} is being updated by another process; "
                    "wait for it to finish and run the command again"
                ) from exc
            yield
        finally:
            handle.close()

    def commit(self, old: IndexSnapshot, update: Update) -> IndexSnapshot:
        """Save the updated index: kept documents' rows and vectors reused, the new chunks
        appended (one document's rows stay consecutive). The caller holds `write_lock()`."""
        rows = old.rows_of(set(update.kept)) if update.kept else np.zeros(0, dtype=np.int64)
        chunks = [old.chunks[i] for i in rows] + update.new_chunks
        offsets, matrix = pack_sentences(
            old.sentence_vectors(rows.tolist()) + (update.sentence_vectors or [
                np.zeros((0, update.dimension), dtype=np.float16)] * len(update.new_chunks)),
            update.dimension)
        documents = {**update.kept, **{s: record for s, (record, _) in update.added.items()}}
        snapshot = IndexSnapshot(
            model=update.model, backend=update.backend, dimension=update.dimension,
            chunk_size=update.chunk_size, chunk_overlap=update.chunk_overlap,
            documents=dict(sorted(documents.items())), chunks=chunks,
            embeddings=np.concatenate([old.vectors(rows.tolist()).reshape(-1, update.dimension),
                                       update.vectors]).astype(np.float32),
            glossary=build_glossary(chunk.text for chunk in chunks),
            index_kind=update.index_kind,
            sentence_offsets=offsets, sentence_matrix=matrix,
        )
        self.save(snapshot)
        snapshot.generation = self.generation()
        return snapshot

    def save(self, snapshot: IndexSnapshot) -> None:
        """Write a new generation beside the current one and switch to it atomically.

        The caller must hold `write_lock()`. The previous generation is kept so a reader that
        has just read the old manifest can still open its files.
        """
        generation = f"data-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        staging = self.directory / f".tmp-{generation}"
        staging.mkdir(parents=True)
        import faiss

        np.save(staging / VECTORS, np.ascontiguousarray(snapshot.embeddings, dtype=np.float32))
        index = snapshot.faiss_index()
        faiss.write_index(index, str(staging / FAISS_INDEX))
        write_chunks(staging / CHUNKS, snapshot.chunks)
        offsets, matrix = (snapshot.sentence_offsets, snapshot.sentence_matrix) \
            if snapshot.sentence_offsets is not None else (
                np.zeros(snapshot.count + 1, dtype=np.int64),
                np.zeros((0, snapshot.dimension), dtype=np.float16))
        np.save(staging / SENTENCE_OFFSETS, np.asarray(offsets, dtype=np.int64))
        np.save(staging / SENTENCES, np.asarray(matrix, dtype=np.float16))
        snapshot.lexical.save(staging / LEXICAL)
        (staging / GLOSSARY).write_text(json.dumps(snapshot.glossary, indent=2,
                                                   ensure_ascii=False), encoding="utf-8")
        files = {}
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
            files[path.relative_to(staging).as_posix()] = {
                "sha256": file_sha256(path), "bytes": path.stat().st_size}
        _fsync_dir(staging / LEXICAL)
        _fsync_dir(staging)
        staging.rename(self.directory / generation)
        manifest = {
            "format_version": FORMAT_VERSION,
            "generation": generation,
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "model": {"name": snapshot.model, "backend": snapshot.backend,
                      "dimension": snapshot.dimension},
            "chunking": {"chunk_size": snapshot.chunk_size,
                         "chunk_overlap": snapshot.chunk_overlap},
            "vector_index": {"requested": snapshot.index_kind,
                             "kind": vector_index.kind_of(index)},
            "counts": {"documents": len(snapshot.documents), "pages": snapshot.pages,
                       "chunks": len(snapshot.chunks)},
            "files": files,
            "documents": [asdict(doc) for doc in snapshot.documents.values()],
        }
        previous = self._current_generation()
        tmp = self.directory / f".{MANIFEST}.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.manifest_path)
        _fsync_dir(self.directory)
        self._remove_stale({generation, previous})

    def _current_generation(self) -> str | None:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8")).get("generation")
        except (OSError, ValueError, AttributeError):
            return None

    def _remove_stale(self, keep: set[str | None]) -> None:
        """Delete this index's own old generations and staging folders, nothing else."""
        for entry in self.directory.iterdir():
            match = _GENERATION.fullmatch(entry.name)
            if entry.is_dir() and match and (match.group(1) or entry.name not in keep):
                shutil.rmtree(entry, ignore_errors=True)
