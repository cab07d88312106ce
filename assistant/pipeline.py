"""`Pipeline`: retrieval, evidence, refusal and the answer backend, over one loaded index.

The faces do not call it directly: `service.Assistant` (the one door) adds the library,
briefs and evaluation on top. Holds the loaded index, the embedding model and the lexical
index for the life of the process, so repeated questions pay none of those costs again. The
flow of `ask`: condense a follow-up into a standalone question, retrieve, score the evidence,
refuse when it is weak, otherwise draft with the chosen backend (falling back to extractive
on failure), and finalise the citations.
"""

from __future__ import annotations

import re
import time
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.answer import Answer, AnswerBackend, Evidence, finalise, refusal_text
from assistant.config import Settings
from assistant.embeddings import Embedder, make_embedder
from assistant.evidence import (
    EvidenceScorer,
    Quoting,
    Sentence,
    counts_near,
    has_kind,
    not_a_claim,
    passage_sentences,
    quotation_speakers,
)
from assistant.glossary import expand_query, spelled_in
from assistant.naming import LibraryNames
from assistant.question import Question, analyse
from assistant.refusal import (
    AskedOf,
    carried_meaning,
    decide,
    focal_share,
    lemmas,
    missing_notice,
    missing_terms,
    missing_words,
)
from assistant.rerank import OPEN_K, rerank, rerank_open
from assistant.retrieval import Hit, Mode, Retriever
from assistant.sources import Source
from assistant.store import DocumentRecord
from assistant.stores import IndexView, Store, open_store

TYPED_CANDIDATES = 5
NO_QUESTION = "There is no question to answer: ask about the documents."
SECTION_HITS = 2  # best hits whose sections are read whole for open questions
SECTION_CHUNKS = 4  # passages read from one section at most


@dataclass
class SearchResponse:
    query: str
    results: list[Source]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"query": self.query, "results": [s.to_search_json() for s in self.results],
                "timings_ms": self.timings_ms}


@dataclass(frozen=True)
class Read:
    """What a question reads (`Pipeline.read`): its analysis, the documents it names (with the
    words that name them) and the passages."""

    question: Question
    named: list[str]
    naming: set[str]
    hits: list[Hit]


def _file_words(source: str) -> str:
    """A file's name as words ("llr-plan_pledges.md" -> "llr plan pledges")."""
    return re.sub(r"[\W_]+", " ", Path(source).stem)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


class Pipeline:
    """Search and cited answers over one index with one embedding model."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._backends: dict[str, AnswerBackend] = {}

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(self.settings.model,
                                               self.settings.embedding_backend)

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings)

    @cached_property
    def snapshot(self) -> IndexView:
        return self.store.load(expect_model=self.embedder.name,
                               expect_backend=self.embedder.backend)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.snapshot, self.embedder, self.settings.dense_weight,
                         self.settings.expanded_weight)

    @cached_property
    def scorer(self) -> EvidenceScorer:
        return EvidenceScorer(self.embedder, self.retriever.lexical,
                              self.snapshot.sentence_vectors)

    def reload(self) -> None:
        """Pick up a changed index (after the library was updated)."""
        for name in ("snapshot", "retriever", "scorer", "names", "_document_words"):
            self.__dict__.pop(name, None)

    def refresh(self) -> None:
        """Reload when another process (an app replica, an ingest job) has changed a shared
        store since it was loaded: one query. Only the PostgreSQL store: its rows are never
        reused, so a question still running on the old view reads the same chunks; the
        on-disk store renumbers rows on every save, so it reloads only after this process's
        own library changes (`reload`)."""
        if self.store.shared and "snapshot" in self.__dict__ and \
                self.store.generation() != self.snapshot.generation:
            self.reload()

    @property
    def documents(self) -> dict[str, DocumentRecord]:
        """The indexed documents by source name."""
        return self.snapshot.documents

    def document_hits(self, source: str) -> list[Hit]:
        """Every passage of one document in reading order, as hits ranked by position."""
        rows = self.snapshot.rows_of({source}).tolist()
        return [Hit(chunk, row, rank, 1.0) for rank, (row, chunk)
                in enumerate(zip(rows, self.snapshot.chunks_at(rows), strict=True), start=1)]

    @cached_property
    def _document_words(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        return {}

    def asked_of(self, sources: list[str], naming: set[str]) -> AskedOf:
        """Where a question's words are looked for (`refusal.AskedOf`): the documents it is
        asked of (`sources`; [] for the whole library), their index terms and uninflected
        words from title, file name and text, each document read once per index version."""
        words = self._document_words  # this index version's, even if another thread reloads
        chosen = sources or list(self.documents)
        for source in chosen:
            if source not in words:
                texts = [self.documents[source].title, _file_words(source),
                         *(hit.chunk.text for hit in self.document_hits(source))]
                words[source] = (frozenset(t for text in texts
                                           for t in self.scorer.lexical.terms(text)),
                                 lemmas(texts))
        found = [words[source] for source in chosen]
        return AskedOf(frozenset().union(*(terms for terms, _ in found)) if sources else None,
                       frozenset(naming), frozenset(self.snapshot.glossary),
                       frozenset().union(*(lemma_set for _, lemma_set in found)))

    def surroundings(self, hit: Hit) -> tuple[str, str] | None:
        """The passages just before and after a hit in its document; None when the index
        changed since the hit was found (its row now holds another passage)."""
        chunk = self.snapshot.chunk(hit.row)
        if chunk is None or chunk.id != hit.chunk.id:
            return None
        before, after = self.snapshot.neighbours(hit.row)
        return before.text if before else "", after.text if after else ""

    def sentences(self, hits: list[Hit]) -> list[Sentence]:
        """The sentences of the passages, as the evidence scorer splits them."""
        return self.scorer.sentences(hits)

    def embed_sentences(self, texts: list[str]) -> np.ndarray:
        """Sentence vectors, cached across questions."""
        return self.scorer.embed_sentences(texts)

    def backend(self, name: str | None = None) -> AnswerBackend:
        from assistant.answer.registry import create_backend

        name = name or self.settings.backend
        if name not in self._backends:
            self._backends[name] = create_backend(name, self.settings)
        return self._backends[name]

    def retrieve(self, query: str, k: int | None = None, *, sources: list[str] | None = None,
                 mode: Mode = "hybrid", expand: bool = True, reranked: bool = True,
                 question: Question | None = None,
                 naming: AbstractSet[str] = frozenset()) -> list[Hit]:
        """First-stage retrieval of a pool, then (unless `reranked` is off) the best `k` by
        their best sentence, or, for an open `question` (the analysed `query`), by the
        signals of a passage that answers it (`rerank.rerank_open`; `naming`: the words of
        the name that picked `sources`, which say where to look, not what about)."""
        self.refresh()
        k = k or self.settings.k
        pool = self.settings.rerank_pool
        if pool == 0 or not reranked:
            return self.retriever.search(query, k, sources=sources, mode=mode, expand=expand)
        candidates = self.retriever.search(query, max(k, pool), sources=sources, mode=mode,
                                           expand=expand)
        if question is not None and question.open and self.settings.open_rerank:
            return rerank_open(question, candidates, self.scorer, k, naming)
        return rerank(query, candidates, self.scorer, k)

    def search(self, query: str, k: int | None = None, *, sources: list[str] | None = None,
               mode: Mode = "hybrid", expand: bool = True) -> SearchResponse:
        start = time.perf_counter()
        hits = self.retrieve(query, k or self.settings.k, sources=sources, mode=mode,
                             expand=expand, question=analyse(query))
        return SearchResponse(query, [Source.of(hit, hit.rank) for hit in hits],
                              {"retrieve": _ms(start), "total": _ms(start)})

    def gather(self, question: Question | str, hits: list[Hit]) -> Evidence:
        """Score every sentence, then find how much of the question the best sentences of the
        right kind cover (a "how many beds" question needs a sentence with a number and
        "beds" in it).

        Typed coverage is the highest IDF-weighted share of the question's words found (or
        nearly found: `EvidenceScorer.soft_coverage`) in one of the top-scoring sentences
        (with its passage's title › section header, and the speaker's lead-in when it sits
        in a quotation: `quotation_speakers`) that has the kind of answer the question asks
        for, not merely a number or name the question itself gives. A near miss ("How
        many beds does Glenfield have?") retrieves passages about the right place that lack
        the asked-for attribute.

        Grounded: the sentence sits in a passage that names every place, name and year the
        question is about (`question_entities`). A near miss of the other sort ("How many
        GP appointments were delivered in Rutland?") finds the figure for the whole area.
        Coverage counts only grounded sentences when there are any: a well-covered sentence
        about another place must not lend its coverage to a grounded one that says little
        ("Who is the elected mayor of Leicester?").
        """
        query = question if isinstance(question, Question) else analyse(question)
        question = query.text
        sentences = self.scorer.sentences(hits)
        scores, cosines, overlaps = self.scorer.score_parts(question, sentences, hits)
        lexical = self.retriever.lexical
        kind = query.kind
        required = [set(lexical.terms(" ".join(group))) for group in query.required]
        counted = set(lexical.terms(" ".join(query.counted))) if kind == "number" else set()
        entities = [terms for word in query.entities if (terms := set(lexical.terms(word)))]
        by_passage = [self._speakers(hit) for hit in hits]
        speakers = [by_passage[s.hit][s.position] for s in sentences]
        found: list[tuple[bool, float]] = []  # (grounded, coverage) per typed sentence
        for index in np.argsort(-scores)[:TYPED_CANDIDATES]:
            sentence = sentences[index]
            if not_a_claim(sentence.text):
                continue
            hit = hits[sentence.hit]
            text = expand_query(f"{hit.chunk.header} {speakers[index]} {sentence.text}",
                                self.snapshot.glossary)
            present = set(lexical.terms(f"{text} {spelled_in(question, sentence.text)}"))
            if not (has_kind(kind, sentence.text, question)
                    and all(group & present for group in required)):
                continue
            if counted and not counts_near(sentence.text, counted, self.scorer.term):
                continue
            context = set(lexical.terms(self._context(hit)))
            found.append((all(terms <= context for terms in entities),
                          self.scorer.soft_coverage(question, text, hit.chunk.text)))
        extra = {"query": query, "embed": self.scorer.embed_sentences, "overlaps": overlaps}
        if query.open:
            terms = lexical.terms(query.focus_text)
            extra["passage_overlaps"] = np.array(
                [[self.scorer.coverage(terms, f"{hit.chunk.header} {hit.chunk.text}"),
                  self.scorer.coverage(terms, hit.chunk.header)] for hit in hits])
        if grounded := [coverage for is_grounded, coverage in found if is_grounded]:
            return Evidence(question, hits, sentences, scores, cosines, max(grounded), True,
                            speakers, **extra)
        return Evidence(question, hits, sentences, scores, cosines,
                        max((coverage for _, coverage in found), default=0.0), not entities,
                        speakers, **extra)

    def with_sections(self, hits: list[Hit]) -> list[Hit]:
        """The hits, then the rest of the sections the best `SECTION_HITS` of them sit in
        (small-to-big: a list or a section's argument runs past one chunk, and a question
        about "the partners" is answered by the whole section under that heading). A section
        is the run of passages under the same top-level heading (a page for PDFs), read up
        to `SECTION_CHUNKS` passages around the hit. Added passages come after the
        retrieved ones, so the rank prior still favours those."""
        rows = {hit.row for hit in hits}
        extra: list[Hit] = []
        for hit in hits[:SECTION_HITS]:
            key = hit.chunk.section_key
            around = dict(self.snapshot.run(hit.row, SECTION_CHUNKS - 1))
            span = [hit.row]
            for step in (1, -1):
                row = hit.row + step
                while len(span) < SECTION_CHUNKS and row in around and \
                        around[row].section_key == key:
                    span.append(row)
                    row += step
            for row in sorted(span):
                if row not in rows:
                    rows.add(row)
                    extra.append(Hit(around[row], row, len(hits) + len(extra) + 1, 0.0))
        return hits + extra

    def _speakers(self, hit: Hit) -> list[str]:
        """Who speaks each sentence of a passage (`quotation_speakers`), continuing a
        quotation that the passage before it left open."""
        before, _ = self.snapshot.neighbours(hit.row)
        carried = quotation_speakers(passage_sentences(before.text))[1] if before else Quoting()
        return quotation_speakers(passage_sentences(hit.chunk.text), carried)[0]

    def _context(self, hit: Hit) -> str:
        """What a passage is about: its text and section, the passage before it in the same
        document (a quotation's speaker is often named there) and the document's file name
        ("leeds__strategy.pdf"). Not the title: "Leicester, Leicestershire and Rutland"
        would vouch for every question about Rutland."""
        before, _ = self.snapshot.neighbours(hit.row)
        name = _file_words(hit.chunk.source)
        return " ".join([hit.chunk.section or "", hit.chunk.text,
                         before.text if before else "", name])

    @cached_property
    def names(self) -> LibraryNames:
        return LibraryNames({source: record.title for source, record in self.documents.items()})

    def named_in(self, question: str) -> list[str]:
        """The documents a question names ("the dementia strategy"), which it is asked of;
        [] when it names none, or names what every document shares."""
        return self.naming(question)[0]

    def naming(self, question: str) -> tuple[list[str], set[str]]:
        """`named_in`, and the words of the names that picked those documents."""
        self.refresh()
        return self.names.naming(question)

    def read(self, query: str, k: int | None = None,
             sources: list[str] | None = None) -> Read:
        """The passages a question reads: `k` (at least OPEN_K and their sections for an open
        question) from `sources`, or from the documents the question names when none are
        given."""
        analysed = analyse(query)
        wanted = k or self.settings.k
        found, naming = self.naming(query)
        named = [] if sources else found
        hits = self.retrieve(query, max(wanted, OPEN_K) if analysed.open else wanted,
                             sources=sources or named or None, question=analysed,
                             naming=naming if named else frozenset())
        if analysed.open:
            hits = self.with_sections(hits)
        return Read(analysed, named, naming, hits)

    def ask(self, question: str, k: int | None = None, *, sources: list[str] | None = None,
            backend: str | None = None, history: list[str] | None = None,
            refusal_threshold: float | None = None) -> Answer:
        """One cited answer, or a refusal when the documents don't support one."""
        start = time.perf_counter()
        chosen = self.backend(backend)
        if not question.strip():  # a blank line of a batch: answered in its place
            answer = Answer(question, NO_QUESTION, False, [], chosen.name)
            answer.reasons = ["the question is empty"]
            answer.timings_ms = {"retrieve": 0.0, "answer": 0.0, "total": _ms(start)}
            return answer
        query = chosen.rewrite(question, history or [])
        read = self.read(query, k, sources)
        analysed, named, naming, hits = read.question, read.named, read.naming, read.hits
        threshold = refusal_threshold if refusal_threshold is not None else (
            self.settings.open_refusal_threshold if analysed.open
            else self.settings.refusal_threshold)
        retrieved = time.perf_counter()
        evidence = self.gather(analysed, hits)
        missing = missing_words(analysed, hits, self.scorer,
                                self.asked_of(sources or named, naming)) \
            if hits and (analysed.open or analysed.yes_no or analysed.kind is None
                         or analysed.compound) else []
        decision = decide(analysed, evidence.strength, threshold, missing,
                          focal_share(analysed, missing, self.scorer, naming), bool(hits),
                          carried_meaning(analysed, missing, self.scorer))
        named_missing = missing_terms(analysed, list(decision.missing), self.scorer)
        if not decision.answered:
            answer = Answer(question, refusal_text(question, hits, named_missing), False, [],
                            chosen.name)
        else:
            draft = chosen.draft(evidence)
            text, citations = finalise(draft, hits)
            notice = draft.notice
            if named_missing:
                notice = " ".join(filter(None, [missing_notice(named_missing)
                                                + " This answers the rest of the question.",
                                                notice]))
            answer = Answer(question, text, bool(citations), citations, draft.backend,
                            notice=notice, form=analysed.form if citations else "refusal")
            if not citations:
                answer.text = refusal_text(question, hits)
        answer.named = named
        answer.named_titles = [self.documents[source].title for source in named]
        answer.missing = named_missing
        answer.reasons = list(decision.reasons)
        answer.query = query if query != question else None
        answer.strength = evidence.strength
        answer.timings_ms = {"retrieve": round((retrieved - start) * 1000, 2),
                             "answer": _ms(retrieved), "total": _ms(start)}
        return answer
