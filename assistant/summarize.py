"""Cited briefs for the communications team: topic briefs and document digests.

A topic brief covers the corpus, not the top five passages: it retrieves many passages, scores
every sentence for relevance to the topic, and picks points by maximal marginal relevance so
that no two points say the same thing. Points are grouped by the section they come from and
keep their citations; a "facts and figures" list gathers the sentences holding numbers, dates
and sums. A digest walks one document section by section (or page by page). Points are the
documents' own sentences, never reworded, so every point's terms occur in its cited passage.
When the documents say little about a topic, the brief says so instead of padding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from assistant.answer import named_note, neutralise_markers
from assistant.errors import ConfigError
from assistant.evidence import Sentence, says_again
from assistant.pipeline import Pipeline
from assistant.retrieval import Hit
from assistant.sources import Source
from assistant.structure import in_apparatus, passage_units, runs_together

LENGTHS = {"short": 5, "page": 10, "long": 16}  # a topic brief's points
DIGEST_POINTS = {"short": 1, "page": 2, "long": 3}  # a digest's points per section
MAX_FACTS = 8
NEAR_REPEAT = 0.8  # sentence-vector cosine above which a point says what another did
POINT_ROLES = ("sentence", "item")  # not headings, lead-ins, table rows or noise
CANDIDATE_PASSAGES = 40
MMR_LAMBDA = 0.7
MIN_RELEVANCE = 0.3  # a sentence less similar to the topic than this is not about it
# A figure: an amount, a count, a date...
FACT = re.compile(r"\d|£|\b(January|February|March|April|May|June|July|August|September|"
                  r"October|November|December)\b")
# ...not the numbers that name a part of a document or a pledge ("section 3.2", "pledges 1 and
# 2", "Table 2", "Core20PLUS5", "COVID-19").
_LABEL_NUMBER = re.compile(
    r"\b(?:sections?|chapters?|parts?|pages?|pledges?|tables?|figures?|appendi(?:x|ces)|steps?|"
    r"priorit(?:y|ies)|phases?|goals?|objectives?)\s+\d+(?:\.\d+)*"
    r"(?:\s*(?:,|and|to|-|–)\s*\d+(?:\.\d+)*)*"  # "sections 2, 3 and 4"
    r"|\b[A-Za-z]+\d\w*"  # "Core20PLUS5", "SR25", a footnote's digit run on: "care1"
    r"|(?-i:\b[A-Z]{2,}-\d+\b)",  # "COVID-19", not "mid-2026"
    re.IGNORECASE)


@dataclass
class Point:
    text: str
    citations: list[int]

    def cited(self) -> str:
        return self.text.rstrip() + " " + "".join(f"[{n}]" for n in self.citations)


@dataclass
class Section:
    heading: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Brief:
    topic: str
    title: str
    lead: list[Point]
    sections: list[Section]
    facts: list[Point]
    citations: list[Source]
    notice: str | None = None
    named: list[str] = field(default_factory=list)  # documents the topic named, briefed from
    named_titles: list[str] = field(default_factory=list)  # their titles

    def readability(self) -> dict[str, float]:
        return readability([p.text for s in self.sections for p in s.points])

    def named_note(self) -> str | None:
        """The line saying which documents were read because the topic named them."""
        return named_note("From", self.named_titles, "topic")

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        if named := self.named_note():
            lines += [f"> {named}", ""]
        if self.notice:
            lines += [f"> {self.notice}", ""]
        if self.lead:
            lines += [" ".join(p.cited() for p in self.lead), ""]
        for section in self.sections:
            lines += [f"## {section.heading}", ""] + [f"- {p.cited()}" for p in section.points]
            lines.append("")
        if self.facts:
            lines += ["## Facts and figures", "", "| Fact | Source |", "|---|---|"]
            lines += [f"| {p.text.replace('|', '/')} | {''.join(f'[{n}]' for n in p.citations)} |"
                      for p in self.facts]
            lines.append("")
        if not self.citations:  # nothing found: no references, no readability to report
            return "\n".join(lines).rstrip() + "\n"
        lines += ["## References", ""]
        lines += [f"{c.id}. {c.reference()}" for c in self.citations]
        figures = self.readability()
        lines += ["", f"_Readability: {figures['words_per_sentence']:.0f} words a sentence, "
                      f"Flesch reading ease {figures['flesch_reading_ease']:.0f}._"]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict:
        sections = ([{"heading": "Summary", "points": [vars(p) for p in self.lead]}]
                    if self.lead else [])
        sections += [{"heading": s.heading, "points": [vars(p) for p in s.points]}
                     for s in self.sections]
        if self.facts:
            sections.append({"heading": "Facts and figures",
                             "points": [vars(p) for p in self.facts]})
        return {"topic": self.topic, "title": self.title, "sections": sections,
                "citations": [c.to_json() for c in self.citations],
                "markdown": self.to_markdown(),
                "notice": self.notice, "readability": self.readability(),
                "documents_named": self.named}


def _syllables(word: str) -> int:
    groups = re.findall(r"[aeiouy]+", word.lower())
    return max(1, len(groups) - (1 if word.lower().endswith("e") and len(groups) > 1 else 0))


def readability(sentences: list[str]) -> dict[str, float]:
    """Average sentence length and Flesch reading ease (higher is easier; 60+ is plain)."""
    words = [w for s in sentences for w in re.findall(r"[A-Za-z]+", s)]
    if not sentences or not words:
        return {"words_per_sentence": 0.0, "flesch_reading_ease": 0.0}
    per_sentence = len(words) / len(sentences)
    per_word = sum(_syllables(w) for w in words) / len(words)
    return {"words_per_sentence": round(per_sentence, 1),
            "flesch_reading_ease": round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1)}


class Summarizer:
    """Briefs over one pipeline's index, retrieved and ranked as answers are."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def _candidates(self, hits: list[Hit]) -> list[Sentence]:
        """Sentences that can stand as a point: claims, not questions, headings, a list's
        lead-in, table rows, contents lines, fragments, layout run together or a document's
        apparatus (references, contents, a note about the document)."""
        return [s for s in self.pipeline.sentences(hits)
                if (len(s.text.split()) >= 8 or (len(s.text.split()) >= 6
                                                 and s.text.rstrip()[-1:] in ".;!)\"”'’"))
                and passage_units(hits[s.hit].chunk.text)[s.position].role in POINT_ROLES
                and not in_apparatus(hits[s.hit].chunk.section)
                and "|" not in s.text and not runs_together(s.text)
                and not s.text.lower().startswith(
                    ("this is an unofficial", "it is not a publication", "sources", "source:"))]

    def topic(self, topic: str, length: str = "page", audience: str = "staff",
              sources: list[str] | None = None) -> Brief:
        pipeline = self.pipeline
        named = [] if sources else pipeline.named_in(topic)
        hits = pipeline.retrieve(topic, CANDIDATE_PASSAGES, sources=sources or named or None)
        sentences = self._candidates(hits)
        title = f"What the documents say about {topic}"
        if not sentences:
            return Brief(topic, title, [], [], [], [], notice=self._little(topic, found=False))
        vectors = pipeline.embed_sentences([s.text for s in sentences])
        query = pipeline.embedder.embed_batch([topic])[0]
        relevance = vectors @ query
        if audience == "public":  # long sentences and jargon-dense ones read badly
            relevance = relevance - 0.004 * np.array([max(0, len(s.text.split()) - 25)
                                                      for s in sentences])
        keep = relevance >= MIN_RELEVANCE
        pool = [s for s, k in zip(sentences, keep, strict=True) if k]
        texts = [s.text for s in pool]
        chosen = mmr(vectors[keep], relevance[keep], LENGTHS.get(length, 10), texts=texts)
        picked = [pool[i] for i in chosen]
        numbering: dict[tuple, int] = {}
        lead = [self._point(s, hits, numbering) for s in picked[:2]]
        groups: dict[str, Section] = {}
        for sentence in picked[2:]:
            chunk = hits[sentence.hit].chunk
            heading = neutralise_markers(chunk.section or chunk.title)
            groups.setdefault(heading, Section(heading)).points.append(
                self._point(sentence, hits, numbering))
        # figures unlike each other and unlike the points already made
        figures = [i for i in range(len(pool)) if i not in chosen and _figure(pool[i].text)]
        order = [*chosen, *figures]
        fact_sentences = [pool[order[i]] for i in mmr(vectors[keep][order],
                                                      relevance[keep][order], MAX_FACTS,
                                                      made=range(len(chosen)),
                                                      texts=[texts[i] for i in order])]
        facts = [self._point(s, hits, numbering) for s in fact_sentences]
        sections = _merge_single_points(list(groups.values()))
        notice = self._little(topic, bool(picked or facts)) if len(picked) < 3 else None
        return Brief(topic, title, lead, sections, facts,
                     self._citations(hits, numbering, picked + fact_sentences), notice,
                     named, [pipeline.documents[source].title for source in named])

    def digest(self, source: str, length: str = "page") -> Brief:
        """Walk one document in order: the most central sentences of each section or page,
        one to three of them by `length`."""
        per_section = DIGEST_POINTS.get(length, 2)
        hits = self.pipeline.document_hits(source)
        if not hits:
            raise ConfigError(f"'{source}' is not in the index: see the library for names")
        record = self.pipeline.documents[source]
        groups: dict[str, list[int]] = {}
        for hit in hits:
            chunk = hit.chunk
            key = neutralise_markers(chunk.section or (f"Page {chunk.page}" if chunk.page
                                                       else record.title))
            groups.setdefault(key, []).append(hit.row)
        numbering: dict[tuple, int] = {}
        by_row = {hit.row: index for index, hit in enumerate(hits)}
        sections, picked_all = [], []
        for heading, group in groups.items():
            group_hits = [hits[by_row[row]] for row in group]
            sentences = [Sentence(s.text, by_row[group_hits[s.hit].row], s.position)
                         for s in self._candidates(group_hits)]
            if not sentences:
                continue
            vectors = self.pipeline.embed_sentences([s.text for s in sentences])
            centre = vectors.mean(axis=0)
            chosen = mmr(vectors, vectors @ centre, per_section,
                         texts=[s.text for s in sentences])
            picked = sorted((sentences[i] for i in chosen), key=lambda s: (s.hit, s.position))
            picked_all += picked
            sections.append(Section(heading, [self._point(s, hits, numbering) for s in picked]))
        return Brief(record.title, f"Digest: {record.title}", [], sections, [],
                     self._citations(hits, numbering, picked_all))

    @staticmethod
    def _key(hit: Hit) -> tuple:
        """One reference per document, page and section, however many passages it gives."""
        return hit.chunk.source, hit.chunk.page, hit.chunk.section

    def _point(self, sentence: Sentence, hits: list[Hit], numbering: dict[tuple, int]) -> Point:
        number = numbering.setdefault(self._key(hits[sentence.hit]), len(numbering) + 1)
        text = neutralise_markers(sentence.text).rstrip().rstrip(";")
        text = text[:1].upper() + text[1:] + ("" if text[-1:] in ".!?)\"”'’" else ".")
        return Point(text, [number])

    def _citations(self, hits: list[Hit], numbering: dict[tuple, int],
                   picked: list[Sentence]) -> list[Source]:
        passages: dict[tuple, list[str]] = {}
        quotes: dict[tuple, str] = {}
        used = {sentence.hit for sentence in picked}
        for index in sorted(used):
            texts = passages.setdefault(self._key(hits[index]), [])
            if hits[index].chunk.text not in texts:
                texts.append(hits[index].chunk.text)
        for sentence in picked:
            quotes.setdefault(self._key(hits[sentence.hit]), sentence.text)
        out = []
        for key, number in sorted(numbering.items(), key=lambda item: item[1]):
            source, page, section = key
            title = next(h.chunk.title for h in hits if self._key(h) == key)
            out.append(Source(number, source, neutralise_markers(title), page,
                              neutralise_markers(section) if section else section,
                              "\n…\n".join(passages.get(key, [])), 1.0, quotes.get(key)))
        return out

    @staticmethod
    def _little(topic: str, found: bool) -> str:
        said = (f"The documents say little about {topic}: only the points below were found."
                if found else f"The documents don't cover {topic}.")
        return f"{said} Check the wording of the topic, or add documents that cover it."


def _figure(text: str) -> bool:
    """The sentence states a figure (FACT), not just a section's or a pledge's number."""
    return bool(FACT.search(_LABEL_NUMBER.sub(" ", text)))


def _merge_single_points(sections: list[Section]) -> list[Section]:
    """Sections of one point read choppily: gather them under "Other points"."""
    if len(sections) <= 2:
        return sections
    kept = [s for s in sections if len(s.points) > 1]
    others = [p for s in sections if len(s.points) == 1 for p in s.points]
    return kept + ([Section("Other points", others)] if others else [])


def mmr(vectors: np.ndarray, relevance: np.ndarray, n: int, made: Iterable[int] = (),
        texts: list[str] | None = None) -> list[int]:
    """Maximal marginal relevance: each pick is relevant and unlike those already picked and
    those `made` before (points already in the brief, which are not picked again); with
    `texts`, a pick that says again in the same words what one of them said is skipped."""
    seen = list(made)
    chosen: list[int] = []
    if not len(vectors):
        return chosen
    similarity = vectors @ vectors.T
    remaining = set(range(len(vectors))) - set(seen)
    while remaining and len(chosen) < n:
        def gain(i: int) -> float:
            redundancy = max((similarity[i, j] for j in seen), default=0.0)
            return MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * redundancy

        best = max(remaining, key=gain)
        remaining.discard(best)
        if seen and (max(similarity[best, j] for j in seen) > NEAR_REPEAT or (texts and any(
                says_again(texts[best], texts[j]) for j in seen))):
            continue  # a near-repeat of a point already made
        chosen.append(best)
        seen.append(best)
    return chosen


def write_docx(brief: Brief, path) -> None:
    """The brief as a Word document with numbered references at the end."""
    import docx

    word = docx.Document()
    word.core_properties.title = brief.title
    word.add_heading(brief.title, level=1)
    if named := brief.named_note():
        word.add_paragraph().add_run(named).italic = True
    if brief.notice:
        word.add_paragraph().add_run(brief.notice).italic = True
    if brief.lead:
        word.add_paragraph(" ".join(p.cited() for p in brief.lead))
    for section in brief.sections:
        word.add_heading(section.heading, level=2)
        for point in section.points:
            word.add_paragraph(point.cited(), style="List Bullet")
    if brief.facts:
        word.add_heading("Facts and figures", level=2)
        table = word.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Fact", "Source"
        for point in brief.facts:
            row = table.add_row()
            row.cells[0].text = point.text
            row.cells[1].text = "".join(f"[{n}]" for n in point.citations)
    if brief.citations:  # as in to_markdown: nothing found, nothing to refer to
        word.add_heading("References", level=2)
    for c in brief.citations:
        word.add_paragraph(c.reference(), style="List Number")
    word.save(str(path))
