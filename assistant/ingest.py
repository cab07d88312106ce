"""Files on disk -> the index: discovery, change detection, reading, chunking, embedding.

Incremental by content hash: unchanged files keep their chunks and vectors, changed files
replace theirs, files gone from a re-ingested folder are pruned. A file that fails to load is
reported and, if an earlier version was indexed, that version is kept. All writing goes through
the store's one atomic `commit`, so a crash or a bad file never leaves a half-written index.

PDFs are read in worker processes (pypdf is pure Python and most of the reading time), largest
first, while this process loads the model, reads the other files and chunks each document as it
arrives. Embedding waits for the last chunk on purpose: the new chunks are embedded together,
shortest first (`Embedder.embed`), and an int8 vector depends slightly on the texts that share
its batch, so starting on the files that happened to arrive first would make the index depend
on timing (and, measured, was slower: both cores are busy embedding anyway). Results are taken
in discovery order, so the index is the same however the reads interleave. As with any use of
multiprocessing, a script that calls `ingest` must do so under `if __name__ == "__main__":`.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from assistant.chunking import Chunk, chunk_document
from assistant.commitments import REGISTER_VERSION, extract
from assistant.config import Settings
from assistant.documents import (
    EXTRACTOR_VERSION,
    SUPPORTED_SUFFIXES,
    Document,
    load_document,
)
from assistant.embeddings import Embedder
from assistant.embeddings.base import available_cores
from assistant.errors import (
    DocumentError,
    IndexMismatchError,
    IngestRefusedError,
    PlanAssistantError,
)
from assistant.evidence import passage_sentences
from assistant.records import DocumentRecord, Update
from assistant.store import IndexSnapshot, IndexStore, file_sha256
from assistant.stores import open_store

READ_IN_WORKERS = {".pdf"}
IN_FLIGHT_PER_WORKER = 2  # files handed to each worker ahead: bounds documents held in memory


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


@dataclass
class Discovery:
    """What `discover` found: supported files by source name, failures (missing paths,
    folders that could not be listed), the folders scanned (whose vanished files are pruned)
    and, among them, those not listed whole (whose files are not pruned: unseen, not gone)."""

    files: dict[str, Path] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    def gone(self, source: str) -> bool:
        """A document of a scanned folder whose file is no longer there."""
        return source not in self.files and any(_under(source, f) for f in self.folders) \
            and not any(_under(source, f) for f in self.unlisted)


def discover(paths: list[Path], root: Path) -> Discovery:
    """Supported files under `paths`. Hidden files and symlinked folders are not followed,
    which also keeps symlink loops out. A folder that cannot be listed (permissions, a network
    drive gone) is a failure, and the documents indexed from it stay."""
    found = Discovery()
    files = found.files

    def unlisted(error: OSError) -> None:
        source = source_name(Path(error.filename or ""), root)
        found.unlisted.append(source)
        found.failures.append({"source": source, "error": "cannot list the folder: "
                               f"{(error.strerror or str(error)).lower()}"})

    for given in paths:
        if given.is_dir():
            found.folders.append(source_name(given, root))
            for current, dirs, names in os.walk(given, onerror=unlisted):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                        path = Path(current) / name
                        files[source_name(path, root)] = path
        elif given.exists() or given.is_symlink():
            files[source_name(given, root)] = given
        else:
            found.failures.append({"source": str(given), "error": "no such file or folder"})
    return found


def read_file(path: Path) -> Document | str:
    """The document, or the reason it can't be read. Runs in worker processes too, so a
    failure comes back as the same one-line reason either way, never as a traceback."""
    try:
        return load_document(path)
    except Exception as exc:  # one file's failure must not stop the others
        return _reason(exc)


def _reason(exc: Exception) -> str:
    reason = str(exc) if isinstance(exc, DocumentError) else \
        f"unexpected error reading the file ({type(exc).__name__}: {exc})"
    return reason[:300]


def _start_method() -> multiprocessing.context.BaseContext:
    """Workers start from a fresh interpreter (forkserver, or spawn where there is none), never
    forked from this process, whose ONNX Runtime or torch threads would not survive a fork.
    The forkserver starts once per process and imports the readers once."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "assistant.ingest", "pypdf"])
    return context


def _exit_with(lifeline: Connection) -> None:
    """Worker initialiser: exit once the ingesting process has gone, which closes the other end
    of `lifeline`. A forkserver's workers outlive their parent otherwise, waiting for work."""

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    lifeline, held = multiprocessing.Pipe(duplex=False)
    pool = ProcessPoolExecutor(workers, mp_context=_start_method(), initializer=_exit_with,
                               initargs=(lifeline,))
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)
        held.close()
        lifeline.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def _reading_in_workers(files: dict[str, Path]) -> Iterator[Iterator[tuple[str, Document | str]]]:
    """Start reading `files` in worker processes, largest first (so the last to finish is a
    small one); the iterator yields (source, document or reason) as each finishes."""
    if not files:
        yield iter(())
        return
    waiting = sorted(files, key=lambda source: _size(files[source]), reverse=True)
    workers = min(len(waiting), available_cores())
    running: dict[Future, str] = {}
    with _pool(workers) as pool:

        def submit() -> None:
            while waiting and len(running) < IN_FLIGHT_PER_WORKER * workers:
                source = waiting.pop(0)
                running[pool.submit(read_file, files[source])] = source

        def collect() -> Iterator[tuple[str, Document | str]]:
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    source = running.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:  # a worker died (killed, out of memory): read
                        # the rest one process each, so only a file that kills its reader fails
                        for rest in [source, *running.values(), *waiting]:
                            yield rest, _read_alone(files[rest])
                        return
                    except Exception as exc:  # the document could not be sent back
                        outcome = _reason(exc)
                    submit()
                    yield source, outcome

        submit()
        yield collect()


def _read_alone(path: Path) -> Document | str:
    with _pool(1) as pool:
        try:
            return pool.submit(read_file, path).result()
        except BrokenProcessPool:
            return "the process reading the file stopped (out of memory, or killed)"
        except Exception as exc:
            return _reason(exc)


def _sha256(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None  # read_file reports the reason


def _under(source: str, folder: str) -> bool:
    return folder in ("", ".") or source == folder or source.startswith(folder.rstrip("/") + "/")


def _progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc,
                unit={"reading": "file", "sentences": "sentence"}.get(desc, "chunk"),
                file=sys.stderr, disable=not enabled or total == 0, leave=False)


def ingest(paths: list[Path], settings: Settings, embedder: Embedder, *, rebuild: bool = False,
           show_progress: bool = True) -> IngestReport:
    """Bring the index that `settings` name up to date with the files under `paths`."""
    started = time.perf_counter()
    store = open_store(settings)
    report = IngestReport(index=store.location)
    with contextlib.closing(store), store.write_lock():
        held = _indexed_sources(store) if rebuild else set()
        old = (store.load(embedder.name, embedder.backend) if store.exists() and not rebuild
               else IndexSnapshot.empty(embedder.name, embedder.backend, embedder.dimension,
                                        settings.chunk_size, settings.chunk_overlap))
        if (old.chunk_size, old.chunk_overlap) != (settings.chunk_size, settings.chunk_overlap):
            raise IndexMismatchError(
                f"index at {store.location} was chunked with chunk_size={old.chunk_size}, "
                f"chunk_overlap={old.chunk_overlap}; the settings now say "
                f"{settings.chunk_size}/{settings.chunk_overlap}: re-chunk everything with "
                "`plan-assistant ingest --rebuild`, or restore the settings"
            )
        found = discover(paths, settings.root)
        files, report.failed = found.files, found.failures
        if rebuild and report.failed:
            _refuse_rebuild(report.failed, "a path was not found or could not be listed")
        kept: dict[str, DocumentRecord] = {}
        digests: dict[str, str | None] = {}
        for source, path in files.items():
            digests[source] = _sha256(path)
            record = old.documents.get(source)
            if record and record.sha256 == digests[source] and \
                    record.extractor == EXTRACTOR_VERSION:
                kept[source] = record
        report.unchanged = len(kept)
        outcomes = _read_and_chunk({s: p for s, p in files.items() if s not in kept},
                                   settings, embedder, show_progress)
        loaded: dict[str, tuple[Document, list[Chunk], str]] = {}
        for source, outcome in outcomes.items():  # discovery order, whatever finished first
            if isinstance(outcome, str):
                report.failed.append({"source": source, "error": outcome})
                if source in old.documents:  # keep the last good version
                    kept[source] = old.documents[source]
                continue
            document, chunks = outcome
            loaded[source] = (document, chunks, digests[source] or "")
            report.warnings += [{"source": source, "page": w.page, "warning": w.warning}
                                for w in document.warnings]
        if rebuild and (((held or report.failed) and not loaded)
                        or held & {f["source"] for f in report.failed}):
            _refuse_rebuild(report.failed, "nothing could be read" if not loaded else
                            "the index holds an earlier version of a file that failed")
        for source, record in old.documents.items():
            if source in kept or source in loaded:
                continue
            if found.gone(source):
                report.removed += 1
            else:
                kept[source] = record  # not part of this run: untouched
        report.removed += len(held - kept.keys() - loaded.keys())  # a rebuild left them out
        report.added = sum(source not in old.documents and source not in held
                           for source in loaded)
        report.updated = len(loaded) - report.added
        index = old
        if loaded or report.removed or rebuild:
            index = store.commit(old, _update(kept, loaded, settings, embedder, rebuild,
                                              show_progress))
    report.documents = len(index.documents)
    report.pages = index.pages
    report.chunks = index.count
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _indexed_sources(store) -> set[str]:
    """The documents the index holds now, when it can be read at all: a rebuild must not lose
    them to a mistyped path or a file that fails to read this time."""
    if not store.exists():
        return set()
    try:
        if isinstance(store, IndexStore):  # its manifest names them: no need to read the rest
            return {record["source"] for record in store.read_manifest()["documents"]}
        return set(store.load().documents)
    except (PlanAssistantError, OSError, ValueError, KeyError, TypeError):  # unreadable or
        # built otherwise: what the rebuild is for
        return set()


def _refuse_rebuild(failed: list[dict], why: str) -> None:
    if failed:
        reasons = "; ".join(f"{f['source']}: {f['error']}" for f in failed)
        fix = f": {reasons}. Fix or leave out the paths that failed"
    else:
        fix = ". Check that the paths given hold documents"
    raise IngestRefusedError(f"the rebuild was not applied ({why}), so the index was left as "
                             f"it was{fix} and run the command again")


def _read_and_chunk(files: dict[str, Path], settings: Settings, embedder: Embedder,
                    show_progress: bool) -> dict[str, tuple[Document, list[Chunk]] | str]:
    """Each file's document and chunks, or the reason it failed, in the order of `files`.

    PDFs go to worker processes; meanwhile this process loads the model, reads the other
    files and chunks each document as it arrives.
    """
    if not files:
        return {}
    done: dict[str, tuple[Document, list[Chunk]] | str] = {}
    to_workers = {s: p for s, p in files.items() if p.suffix.lower() in READ_IN_WORKERS}
    with _progress(len(files), "reading", show_progress) as bar, \
            _reading_in_workers(to_workers) as from_workers:
        embedder.load()
        here = ((s, read_file(p)) for s, p in files.items() if s not in to_workers)
        for source, outcome in itertools.chain(here, from_workers):
            done[source] = outcome if isinstance(outcome, str) else (outcome, chunk_document(
                outcome, source, settings.chunk_size, settings.chunk_overlap, embedder.tokenize))
            bar.update(1)
    return {source: done[source] for source in files}


def _update(kept: dict[str, DocumentRecord], loaded: dict[str, tuple[Document, list[Chunk], str]],
            settings: Settings, embedder: Embedder, rebuild: bool,
            show_progress: bool) -> Update:
    """The change to commit: kept documents as they are, loaded documents' chunks embedded."""
    new_chunks = [chunk for _, chunks, _ in loaded.values() for chunk in chunks]
    texts = [chunk.embedding_text(embedder.count_tokens) for chunk in new_chunks]
    with _progress(len(texts), "embedding", show_progress) as bar:
        vectors = embedder.embed(texts, settings.batch_size, progress=bar.update)
    sentence_vectors = _sentence_vectors(new_chunks, settings, embedder, show_progress) \
        if settings.sentence_vectors else None
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    added = {source: (DocumentRecord(
        source=source, sha256=digest, title=document.title, kind=document.kind,
        pages=document.pages, chunks=len(chunks), ingested_at=now,
        warnings=[{"page": w.page, "warning": w.warning} for w in document.warnings],
        extractor=EXTRACTOR_VERSION, register=REGISTER_VERSION,
        commitments=[c.to_json() for c in extract(document, source)]), chunks)
        for source, (document, chunks, digest) in loaded.items()}
    return Update(embedder.name, embedder.backend, embedder.dimension, settings.chunk_size,
                  settings.chunk_overlap, settings.vector_index, kept, added,
                  np.asarray(vectors, dtype=np.float32).reshape(-1, embedder.dimension),
                  rebuild, sentence_vectors)


def _sentence_vectors(chunks: list[Chunk], settings: Settings, embedder: Embedder,
                      show_progress: bool) -> list[np.ndarray]:
    """The vectors of each chunk's sentences, computed once here so that answering a question
    reads them instead of embedding the sentences of thirty passages (most of a first
    question's time)."""
    per_chunk = [passage_sentences(chunk.text) for chunk in chunks]
    unique = list(dict.fromkeys(text for texts in per_chunk for text in texts))
    with _progress(len(unique), "sentences", show_progress) as bar:
        vectors = embedder.embed(unique, settings.batch_size, progress=bar.update) \
            if unique else np.zeros((0, embedder.dimension), dtype=np.float32)
    row = {text: i for i, text in enumerate(unique)}
    stored = np.asarray(vectors, dtype=np.float16).reshape(-1, embedder.dimension)
    return [stored[[row[text] for text in texts]] for texts in per_chunk]


def remove(sources: list[str], settings: Settings, embedder: Embedder) -> IngestReport:
    """Take documents out of the index (their files are not touched)."""
    started = time.perf_counter()
    store = open_store(settings)
    report = IngestReport(index=store.location)
    with contextlib.closing(store), store.write_lock():
        old = store.load(embedder.name, embedder.backend)
        gone = set(sources) & set(old.documents)
        kept = {s: r for s, r in old.documents.items() if s not in gone}
        index = old
        if gone:
            index = store.commit(old, _update(kept, {}, settings, embedder, False, False))
    report.removed = len(gone)
    report.failed = [{"source": s, "error": "not in the index"} for s in sources
                     if s not in gone]
    report.documents, report.pages = len(index.documents), index.pages
    report.chunks = index.count
    report.seconds = round(time.perf_counter() - started, 3)
    return report
