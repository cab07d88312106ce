"""`Assistant`: the one door the faces (the CLI and the app) go through.

Questions and search are the `Pipeline`'s; this class adds what changes the library (add,
upload, remove, re-index), the briefs and the evaluation, so that ui.py and cli.py never
reach the stages behind it. Its result types are exported here for the faces' type hints.
"""

from __future__ import annotations

import time
from datetime import date
from functools import cached_property
from pathlib import Path

from assistant.answer import Answer, Draft, finalise, with_marker
from assistant.blocks import Document
from assistant.commitments import REGISTER_VERSION, Commitment, extract
from assistant.commitments.questions import RegisterQuery, matching, register_query
from assistant.commitments.register import Comparison, compare, filtered, write
from assistant.documents import SUPPORTED_SUFFIXES, load_document
from assistant.errors import ConfigError, DocumentError
from assistant.evaluation.suite import EvalRequest, run_suite
from assistant.ingest import IngestReport, ingest, remove, source_name
from assistant.library import MAX_UPLOAD_BYTES, is_upload, store_upload
from assistant.pipeline import Pipeline, SearchResponse
from assistant.records import DocumentRecord
from assistant.retrieval import Hit, unknown_sources
from assistant.sources import Source
from assistant.store import file_sha256
from assistant.stores import migrate
from assistant.summarize import Brief, Summarizer, write_docx

MAX_REGISTER_ITEMS = 8  # records an answer lists before "…and N more"
BRIEF_SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "md", ".docx": "docx"}

__all__ = ["Answer", "Assistant", "Brief", "Commitment", "Comparison", "EvalRequest",
           "IngestReport", "SearchResponse", "Source"]


class Assistant(Pipeline):
    """Answers, search, briefs, the document library and evaluation over one index."""

    document_types = tuple(sorted(SUPPORTED_SUFFIXES))
    max_upload_bytes = MAX_UPLOAD_BYTES

    @cached_property
    def _registers(self) -> dict[tuple[str, str], list[Commitment]]:
        return {}

    def open_index(self) -> None:
        """Load the index now, so a missing or mismatched one fails before serving starts."""
        self.snapshot  # noqa: B018 - loading is the point

    def add_documents(self, paths: list[Path] | None = None, *, rebuild: bool = False,
                      show_progress: bool = True) -> IngestReport:
        """Index files or folders (default: the corpus folder); later questions see them."""
        report = ingest(paths or [self.settings.corpus], self.settings, self.embedder,
                        rebuild=rebuild, show_progress=show_progress)
        self.reload()
        return report

    def upload(self, files: list[tuple[Path, str]]) -> tuple[IngestReport | None, list[str]]:
        """Copy uploaded files (temporary path, name the user gave) into the corpus's uploads
        folder and index them. Returns the ingest report (None when no file was accepted)
        and one message for each file refused (wrong type, too large). A copy that fails to
        read is deleted again: it would fail every re-index of the corpus folder."""
        stored, refused = [], []
        for path, original in files:
            try:
                stored.append(store_upload(path, original, self.settings.corpus))
            except DocumentError as exc:
                refused.append(str(exc))
        try:
            report = self.add_documents(stored, show_progress=False) if stored else None
        except Exception:  # the index busy, the store gone: nothing of this upload was added
            for path in stored:
                path.unlink(missing_ok=True)
            raise
        failed = {failure["source"] for failure in report.failed} if report else set()
        for path in stored:  # uploads get a new name each, so a failed one was never indexed
            if source_name(path, self.settings.root) in failed:
                path.unlink(missing_ok=True)
        return report, refused

    def source_named(self, given: str) -> str:
        """A document as the library names it, whichever way the user wrote a path to its file
        ("./corpus/x.md", an absolute path, of a file since moved or not): the name `ingest`
        stores, relative to the project root when inside it. Anything else stays as given."""
        if given in self.documents:
            return given
        named = source_name(Path(given).expanduser(), self.settings.root)
        return named if named in self.documents or Path(given).expanduser().is_file() else given

    def remove_documents(self, sources: list[str]) -> IngestReport:
        """Take documents out of the index; uploaded copies are deleted too, files the team
        put in the corpus folder are left alone."""
        report = remove(sources, self.settings, self.embedder)
        failed = {failure["source"] for failure in report.failed}
        for source in sources:
            path = self.settings.root / source
            if source not in failed and is_upload(path, self.settings.corpus):
                path.unlink(missing_ok=True)
        self.reload()
        return report

    def copy_index(self, directory: Path, *, replace: bool = False) -> tuple[int, int, int]:
        """Copy the on-disk index at `directory` into this assistant's store (PostgreSQL),
        vectors and all; (documents, pages, chunks) copied."""
        copied = migrate(directory, self.store, replace=replace)
        self.reload()
        return copied

    def commitments(self, *, due: int | None = None, source: str | None = None,
                    topic: str | None = None) -> list[Commitment]:
        """The register of the indexed documents' commitments, filtered. Ingest extracts each
        document's register and the index keeps it with the document; a document indexed
        by an older extractor is read once per content hash (`_register_of`). A `source`
        the index does not hold is a `ConfigError` naming the ones it does."""
        if source is not None and source not in self.documents:
            raise ConfigError(unknown_sources([source], self.documents))
        found: list[Commitment] = []
        for name, record in self.documents.items():
            if source is not None and name != source:
                continue
            key = (name, record.sha256)
            if key not in self._registers:
                self._registers[key] = self._register_of(name, record)
            found += self._registers[key]
        return filtered(found, due=due, source=source, topic=topic)

    def _register_of(self, name: str, record: DocumentRecord) -> list[Commitment]:
        """The document's register: the one kept in the index, or, when an older extractor
        made it, the file read again, as long as the file is still the one indexed (moved or
        edited since, the kept register still matches what the index holds)."""
        kept = [Commitment.from_json(c) for c in record.commitments]
        if record.register == REGISTER_VERSION:
            return kept
        path = self.settings.root / name
        try:
            if file_sha256(path) == record.sha256:
                return extract(load_document(path), name)
        except (OSError, DocumentError):
            pass
        return kept

    def ask(self, question: str, k: int | None = None, *, sources: list[str] | None = None,
            backend: str | None = None, history: list[str] | None = None,
            refusal_threshold: float | None = None) -> Answer:
        """A cited answer; a question the register answers ("What is due in 2025?", "When
        will the hubs be in place?") is answered from it as a list, when it holds records
        that answer it."""
        query = None if history else register_query(question)
        named = [] if sources or query is None else self.named_in(question)
        if query is not None and (answer := self._from_register(question, query,
                                                                sources or named or None)):
            answer.named = named
            answer.named_titles = [self.documents[source].title for source in named]
            return answer
        return super().ask(question, k, sources=sources, backend=backend, history=history,
                           refusal_threshold=refusal_threshold)

    def _from_register(self, question: str, query: RegisterQuery,
                       sources: list[str] | None) -> Answer | None:
        """The register's records that answer the question, soonest deadline first, each its
        document's own sentence or item cited to the passage that holds it."""
        start = time.perf_counter()
        register = [c for c in self.commitments() if not sources or c.citation.source in sources]
        found = sorted(matching(query, register),
                       key=lambda c: (c.when.end or date.max, c.citation.source))
        hits: list[Hit] = []
        lines: dict[str, int] = {}
        passages: dict[str, list[Hit]] = {}  # each document's passages, read once
        for commitment in found:
            text = " ".join(commitment.citation.text.split())
            source = commitment.citation.source
            if source not in passages:
                passages[source] = self.document_hits(source)
            if text in lines or (hit := _holding(commitment, passages[source])) is None:
                continue
            hits.append(hit)
            lines[text] = len(hits)
        if not lines:
            return None
        shown = list(lines.items())[:MAX_REGISTER_ITEMS]
        body = [f"- {with_marker(text, number)}" for text, number in shown]
        if len(lines) > len(shown):
            rest = list(lines.values())[len(shown)]
            body.append(f"…and {len(lines) - len(shown)} more [{rest}]")
        draft = Draft("\n".join(body), "register",
                      quotes={number: text for text, number in lines.items()})
        text, citations = finalise(draft, hits)
        return Answer(question, text, True, citations, "register", form="list",
                      timings_ms={"retrieve": 0.0, "answer": round(
                          (time.perf_counter() - start) * 1000, 2),
                          "total": round((time.perf_counter() - start) * 1000, 2)})

    def compare_documents(self, old: str, new: str) -> Comparison:
        """What two documents of the library commit to, compared (their registers as the
        index keeps them): added, removed and changed."""
        return compare(self.commitments(source=old), self.commitments(source=new))

    @staticmethod
    def compare_commitments(old: Path, new: Path) -> Comparison:
        """What two versions of a document commit to: added, removed and changed."""
        return compare(extract(_loaded(old), str(old)), extract(_loaded(new), str(new)))

    @staticmethod
    def write_register(commitments: list[Commitment], path: Path) -> Path:
        """The register as .csv, .xlsx or .md, by the file's suffix."""
        return write(commitments, path)

    def summarize(self, topic: str, length: str = "page", audience: str = "staff",
                  sources: list[str] | None = None) -> Brief:
        """A cited brief on a topic across the documents."""
        return Summarizer(self).topic(topic, length, audience, sources)

    def digest(self, source: str, length: str = "page") -> Brief:
        """A cited digest of one document, section by section."""
        return Summarizer(self).digest(source, length)

    @staticmethod
    def write_brief(brief: Brief, path: Path, fmt: str | None = None) -> Path:
        """Write a brief as Markdown or Word (`fmt`, else from the file's suffix; a file
        without a suffix gets Markdown). A suffix that says another format than `fmt` is an
        error; one that says none (".pdf" without `fmt`) too."""
        suffix = path.suffix.lower()
        named = BRIEF_SUFFIXES.get(suffix, "md" if not suffix else None)
        chosen = fmt or named
        if chosen is None or (fmt and named and named != fmt):  # "brief-v1.2": --format
            raise ConfigError(f"{path}: a brief is written as .md or .docx"
                              + (f", and --format {fmt} needs that suffix" if fmt else ""))
        path.parent.mkdir(parents=True, exist_ok=True)
        if chosen == "docx":
            write_docx(brief, path)
        else:
            path.write_text(brief.to_markdown(), encoding="utf-8")
        return path

    def evaluate(self, request: EvalRequest) -> tuple[dict, Path]:
        """Run the evaluation sets the request names; the summary and the report's path."""
        return run_suite(self, request)


def _loaded(path: Path) -> Document:
    """`load_document`, its error naming the file (a comparison reads two)."""
    try:
        return load_document(path)
    except DocumentError as exc:
        raise DocumentError(f"{path}: {exc}") from exc


def _holding(commitment: Commitment, passages: list[Hit]) -> Hit | None:
    """The passage of its document that holds a record's sentence (None once the index
    changed)."""
    wanted = "".join(commitment.citation.text.split())[:200]
    return next((hit for hit in passages if hit.chunk.page == commitment.citation.page
                 and wanted in "".join(hit.chunk.text.split())), None)
