"""Files on disk -> the index: discovery, change detection, loading, chunking, embedding.

Incremental by content hash: unchanged files keep their chunks and vectors, changed files
replace theirs, files gone from a re-ingested folder are pruned. A file that fails to load is
reported and, if an earlier version was indexed, that version is kept. All writing goes through
`IndexStore.save`, so a crash or a bad file never leaves a half-written index.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.chunking import Chunk, chunk_document
from assistant.config import Settings
from assistant.documents import (
    EXTRACTOR_VERSION,
    SUPPORTED_SUFFIXES,
    Document,
    load_document,
)
from assistant.embeddings import Embedder
from assistant.errors import DocumentError, IndexMismatchError
from assistant.glossary import build_glossary
from assistant.store import DocumentRecord, IndexSnapshot, IndexStore, file_sha256


@dataclass
class IngestReport:
    """The contract's ingest JSON: totals for the index, the rest for this run."""

    index: str
    documents: int = 0
    pages: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def source_name(path: Path, root: Path) -> str:
    """The path as given, relative to the project root when inside it (else absolute)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def discover(paths: list[Path], root: Path) -> tuple[dict[str, Path], list[dict], list[str]]:
    """Supported files under `paths` by source name, failures for missing paths, and the
    folders scanned (whose vanished files are pruned). Hidden files and symlinked folders
    are not followed, which also keeps symlink loops out."""
    files: dict[str, Path] = {}
    failures: list[dict] = []
    folders: list[str] = []
    for given in paths:
        if given.is_dir():
            folders.append(source_name(given, root))
            for current, dirs, names in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                        path = Path(current) / name
                        files[source_name(path, root)] = path
        elif given.exists() or given.is_symlink():
            files[source_name(given, root)] = given
        else:
            failures.append({"source": str(given), "error": "no such file or folder"})
    return files, failures, folders


def _sha256(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None  # load_document reports the reason


def _under(source: str, folder: str) -> bool:
    return folder in ("", ".") or source == folder or source.startswith(folder.rstrip("/") + "/")


def _progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="file" if desc == "reading" else "chunk",
                file=sys.stderr, disable=not enabled or total == 0, leave=False)


def ingest(paths: list[Path], settings: Settings, embedder: Embedder, *, rebuild: bool = False,
           show_progress: bool = True) -> IngestReport:
    """Bring the index at `settings.index` up to date with the files under `paths`."""
    started = time.perf_counter()
    store = IndexStore(settings.index)
    report = IngestReport(index=str(settings.index))
    with store.write_lock():
        old = (store.load(embedder.name) if store.exists() and not rebuild
               else IndexSnapshot.empty(embedder.name, embedder.dimension,
                                        settings.chunk_size, settings.chunk_overlap))
        if (old.chunk_size, old.chunk_overlap) != (settings.chunk_size, settings.chunk_overlap):
            raise IndexMismatchError(
                f"index at {settings.index} was chunked with chunk_size={old.chunk_size}, "
                f"chunk_overlap={old.chunk_overlap}; the settings now say "
                f"{settings.chunk_size}/{settings.chunk_overlap}: re-chunk everything with "
                "`plan-assistant ingest --rebuild`, or restore the settings"
            )
        files, report.failed, folders = discover(paths, settings.root)
        kept: dict[str, DocumentRecord] = {}
        loaded: dict[str, tuple[Document, list[Chunk], str]] = {}
        with _progress(len(files), "reading", show_progress) as bar:
            for source, path in files.items():
                bar.update(1)
                digest = _sha256(path)
                record = old.documents.get(source)
                if record and record.sha256 == digest and record.extractor == EXTRACTOR_VERSION:
                    kept[source] = record
                    report.unchanged += 1
                    continue
                try:
                    document = load_document(path)
                except Exception as exc:  # one file's failure must not stop the others
                    reason = str(exc) if isinstance(exc, DocumentError) else \
                        f"unexpected error reading the file ({type(exc).__name__}: {exc})"
                    report.failed.append({"source": source, "error": reason[:300]})
                    if record:  # keep the last good version
                        kept[source] = record
                    continue
                chunks = chunk_document(document, source, settings.chunk_size,
                                        settings.chunk_overlap, embedder.tokenize)
                loaded[source] = (document, chunks, digest or "")
                report.warnings += [{"source": source, "page": w.page, "warning": w.warning}
                                    for w in document.warnings]
        for source, record in old.documents.items():
            if source in kept or source in loaded:
                continue
            if source not in files and any(_under(source, folder) for folder in folders):
                report.removed += 1
            else:
                kept[source] = record  # not part of this run: untouched
        report.added = sum(source not in old.documents for source in loaded)
        report.updated = len(loaded) - report.added
        snapshot = old
        if loaded or report.removed or rebuild:
            snapshot = _assemble(old, kept, loaded, settings, embedder, show_progress)
            store.save(snapshot)
    report.documents = len(snapshot.documents)
    report.pages = snapshot.pages
    report.chunks = len(snapshot.chunks)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _assemble(old: IndexSnapshot, kept: dict[str, DocumentRecord],
              loaded: dict[str, tuple[Document, list[Chunk], str]], settings: Settings,
              embedder: Embedder, show_progress: bool) -> IndexSnapshot:
    """The new snapshot: kept documents' rows reused, loaded documents' chunks embedded."""
    rows = old.rows_of(set(kept))
    new_chunks = [chunk for _, chunks, _ in loaded.values() for chunk in chunks]
    texts = [chunk.embedding_text(embedder.count_tokens) for chunk in new_chunks]
    with _progress(len(texts), "embedding", show_progress) as bar:
        vectors = embedder.embed(texts, settings.batch_size, progress=bar.update)
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    documents = dict(kept)
    for source, (document, chunks, digest) in loaded.items():
        documents[source] = DocumentRecord(
            source=source, sha256=digest, title=document.title, kind=document.kind,
            pages=document.pages, chunks=len(chunks), ingested_at=now,
            warnings=[{"page": w.page, "warning": w.warning} for w in document.warnings],
            extractor=EXTRACTOR_VERSION,
        )
    chunks = [old.chunks[i] for i in rows] + new_chunks
    return IndexSnapshot(
        model=embedder.name, dimension=embedder.dimension, chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap, documents=dict(sorted(documents.items())),
        chunks=chunks,
        embeddings=np.concatenate([old.embeddings[rows], vectors]).astype(np.float32),
        glossary=build_glossary(chunk.text for chunk in chunks),
        index_kind=settings.vector_index,
    )


def remove(sources: list[str], settings: Settings, embedder: Embedder) -> IngestReport:
    """Take documents out of the index (their files are not touched)."""
    started = time.perf_counter()
    store = IndexStore(settings.index)
    report = IngestReport(index=str(settings.index))
    with store.write_lock():
        old = store.load(embedder.name)
        gone = set(sources) & set(old.documents)
        kept = {s: r for s, r in old.documents.items() if s not in gone}
        snapshot = old
        if gone:
            snapshot = _assemble(old, kept, {}, settings, embedder, show_progress=False)
            store.save(snapshot)
    report.removed = len(gone)
    report.failed = [{"source": s, "error": "not in the index"} for s in sources
                     if s not in gone]
    report.documents, report.pages = len(snapshot.documents), snapshot.pages
    report.chunks = len(snapshot.chunks)
    report.seconds = round(time.perf_counter() - started, 3)
    return report
