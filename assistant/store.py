"""The index on disk: a FAISS index, a chunk table and a manifest, saved atomically.

Layout of an index folder:

    manifest.json          the commit point: format version, model, chunk settings, documents
                           (content hash, pages, chunks, warnings) and a checksum per data file
    data-<generation>/     vectors.faiss (inner product on unit vectors), chunks.jsonl
                           (one chunk a line, in FAISS row order: readable with any editor)
                           and glossary.json (acronyms found in the corpus)
    .lock                  held by the one process allowed to write

Why not llama-index's `FaissVectorStore`: it cannot delete vectors, has no metadata, and
persists in place (a crash mid-write leaves a broken store). Documents change, so every save
writes a complete new generation beside the old one and then swaps `manifest.json` with an
atomic rename; readers always see either the old or the new generation. The flat index holds
the exact vectors, so an update reuses them for unchanged documents instead of re-embedding.
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
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.chunking import Chunk
from assistant.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)

FORMAT_VERSION = 1
_GENERATION = re.compile(r"(\.tmp-)?data-\d{8}T\d{6}-[0-9a-f]{8}")
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
CHUNKS = "chunks.jsonl"
GLOSSARY = "glossary.json"


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


@dataclass
class IndexSnapshot:
    """A complete index in memory: chunks[i] is FAISS row i and embeddings[i] its vector."""

    model: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    documents: dict[str, DocumentRecord]
    chunks: list[Chunk]
    embeddings: np.ndarray
    glossary: dict[str, str] = field(default_factory=dict)

    @classmethod
    def empty(cls, model: str, dimension: int, chunk_size: int, chunk_overlap: int):
        return cls(model, dimension, chunk_size, chunk_overlap, {}, [],
                   np.zeros((0, dimension), dtype=np.float32))

    def neighbours(self, row: int) -> tuple[Chunk | None, Chunk | None]:
        """The chunks just before and after `row` in the same document, for context."""
        source = self.chunks[row].source
        before = self.chunks[row - 1] if row > 0 else None
        after = self.chunks[row + 1] if row + 1 < len(self.chunks) else None
        return (before if before and before.source == source else None,
                after if after and after.source == source else None)

    @property
    def pages(self) -> int:
        return sum(doc.pages for doc in self.documents.values())

    def faiss_index(self):
        """The FAISS index over `embeddings` (the one read from disk, when loaded)."""
        if getattr(self, "_faiss", None) is None:
            import faiss

            index = faiss.IndexFlatIP(self.dimension)
            if len(self.embeddings):
                index.add(np.ascontiguousarray(self.embeddings, dtype=np.float32))
            self._faiss = index
        return self._faiss


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
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"index at {self.directory} has format version {manifest.get('format_version')}"
                f", this version reads {FORMAT_VERSION}: rebuild it with "
                "`plan-assistant ingest --rebuild`"
            )
        missing = {"model", "generation", "files", "documents", "chunking"} - set(manifest)
        if missing:
            raise IndexCorruptError(
                f"{self.manifest_path} lacks {', '.join(sorted(missing))}: rebuild the index "
                "with `plan-assistant ingest --rebuild`"
            )
        return manifest

    def load(self, expect_model: str | None = None) -> IndexSnapshot:
        """Load and verify the current generation; check it was built by `expect_model`."""
        manifest = self.read_manifest()
        model = manifest["model"]
        if expect_model is not None and model["name"] != expect_model:
            raise IndexMismatchError(
                f"index at {self.directory} was built with embedding model '{model['name']}' "
                f"({model['dimension']} dims) but the configured model is '{expect_model}': "
                "rebuild it with `plan-assistant ingest --rebuild`, or configure the model "
                "and embedding_backend it was built with (a name ending '#onnx-int8' means "
                "embedding_backend = \"onnx-int8\"; no suffix means \"torch\")"
            )
        data_dir = self.directory / manifest["generation"]
        for name, expected in manifest["files"].items():
            path = data_dir / name
            if not path.is_file() or file_sha256(path) != expected:
                raise IndexCorruptError(
                    f"index file {path} is missing or fails its checksum (truncated or "
                    "modified): rebuild with `plan-assistant ingest --rebuild`"
                )
        try:
            snapshot = self._read_generation(manifest, data_dir)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorruptError(
                f"index at {self.directory} cannot be read ({type(exc).__name__}: {exc}): "
                "rebuild with `plan-assistant ingest --rebuild`"
            ) from exc
        return snapshot

    def _read_generation(self, manifest: dict, data_dir: Path) -> IndexSnapshot:
        model = manifest["model"]
        import faiss

        vectors = faiss.read_index(str(data_dir / VECTORS))
        with (data_dir / CHUNKS).open(encoding="utf-8") as handle:
            chunks = [Chunk(**json.loads(line)) for line in handle if line.strip()]
        if vectors.ntotal != len(chunks):
            raise IndexCorruptError(
                f"index at {self.directory} has {vectors.ntotal} vectors for {len(chunks)} "
                "chunks: rebuild with `plan-assistant ingest --rebuild`"
            )
        embeddings = (vectors.reconstruct_n(0, vectors.ntotal) if vectors.ntotal
                      else np.zeros((0, model["dimension"]), dtype=np.float32))
        documents = {d["source"]: DocumentRecord(**d) for d in manifest["documents"]}
        chunking = manifest["chunking"]
        glossary = json.loads((data_dir / GLOSSARY).read_text(encoding="utf-8"))
        snapshot = IndexSnapshot(model["name"], model["dimension"], chunking["chunk_size"],
                                 chunking["chunk_overlap"], documents, chunks, embeddings,
                                 glossary)
        snapshot._faiss = vectors
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

    def save(self, snapshot: IndexSnapshot) -> None:
        """Write a new generation beside the current one and switch to it atomically.

        The caller must hold `write_lock()`. The previous generation is kept so a reader that
        has just read the old manifest can still open its files.
        """
        generation = f"data-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        staging = self.directory / f".tmp-{generation}"
        staging.mkdir(parents=True)
        import faiss

        faiss.write_index(snapshot.faiss_index(), str(staging / VECTORS))
        with (staging / CHUNKS).open("w", encoding="utf-8") as handle:
            for chunk in snapshot.chunks:
                handle.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
        (staging / GLOSSARY).write_text(json.dumps(snapshot.glossary, indent=2,
                                                   ensure_ascii=False), encoding="utf-8")
        files = {}
        for name in (VECTORS, CHUNKS, GLOSSARY):
            with (staging / name).open("rb") as handle:
                os.fsync(handle.fileno())
            files[name] = file_sha256(staging / name)
        _fsync_dir(staging)
        staging.rename(self.directory / generation)
        manifest = {
            "format_version": FORMAT_VERSION,
            "generation": generation,
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "model": {"name": snapshot.model, "dimension": snapshot.dimension},
            "chunking": {"chunk_size": snapshot.chunk_size,
                         "chunk_overlap": snapshot.chunk_overlap},
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
