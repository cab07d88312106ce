"""Answers with citations: the shared types, the refusal rule and the backend registry.

Every backend receives the same retrieved passages and scored sentences and returns a draft
whose `[n]` markers point into those passages; `finalise` renumbers citations 1..n in order
of first use and lists only the cited passages, so the contract's marker rule holds for every
backend by construction.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.evidence import Sentence, question_kind
from assistant.question import Question
from assistant.retrieval import Hit
from assistant.sources import Source

MARKER = re.compile(r"\[(\d+)\]")
# A sentence that opens by pointing back ("It", "She", "In it", "This approach"): it reads
# better after the sentence before it.
DANGLING = re.compile(r"^(?:This|These|That|Those|It|Its|They|Their|He|She|His|Her|Such|"
                      r"The same|In it)\b")
# ...and one that cannot be understood without it: a bare pronoun ("It offers…", "This is…",
# "The same report…"), not a pointer with its noun ("This strategy commits to…").
BARE_POINTER = re.compile(r"^(?:It|Its|They|Their|He|She|His|Her|In it|The same)\b|"
                          r"^(?:This|That|These|Those)\s+(?:is|was|are|were|will|would|has|"
                          r"have|had|can|could|should|may|might|means|meant|includes?)\b")
_FINAL_STOP = re.compile(r"[.!?:][”\"’)]*$")  # a lead-in's colon too: "sections [1]:"
UNGROUNDED_FACTOR = 0.5


def neutralise_markers(text: str) -> str:
    """Document text that looks like a citation marker ("[7]", "[2023]") becomes "(7)", so
    that every "[n]" in an answer is one of ours."""
    return MARKER.sub(r"(\1)", text)


def with_marker(text: str, number: int) -> str:
    """The sentence with its marker before the final stop; a list item's trailing ";" or ","
    becomes a full stop, so items read as sentences."""
    text = neutralise_markers(text).rstrip(";, ")
    text = text[:1].upper() + text[1:]
    if end := _FINAL_STOP.search(text):  # 'vacancies.”' -> 'vacancies [1].”'
        return f"{text[:end.start()]} [{number}]{end.group(0)}"
    return f"{text} [{number}]."


@dataclass
class Evidence:
    """What a backend gets: passages, their sentences and each sentence's scores."""

    question: str
    hits: list[Hit]
    sentences: list[Sentence]
    scores: np.ndarray
    cosines: np.ndarray
    typed_coverage: float  # see Pipeline.gather
    grounded: bool = True  # a typed sentence's passage names what the question is about
    speakers: list[str] = field(default_factory=list)  # per sentence: quotation lead-in or ""
    query: Question | None = None  # the analysed question (form, focus)
    embed: Callable[[list[str]], np.ndarray] | None = None  # cached sentence vectors
    overlaps: np.ndarray | None = None  # per sentence: IDF-weighted overlap with the focus
    passage_overlaps: np.ndarray | None = None  # per passage: (whole passage, its header)

    @property
    def kind(self) -> str | None:
        """The kind of value the question asks for (money, date, number, name), if any."""
        return self.query.kind if self.query is not None else question_kind(self.question)

    @property
    def strength(self) -> float:
        """One number for "do the documents answer this?": the best sentence's similarity to
        the question and the term coverage of the best sentence of the right kind, equally
        weighted, halved when no such sentence's passage names the places, names and years
        the question is about (weights and threshold chosen on the three evaluation sets
        together: README, Evaluation)."""
        best = float(self.cosines.max()) if len(self.cosines) else 0.0
        return (0.5 * best + 0.5 * self.typed_coverage) * (1.0 if self.grounded
                                                           else UNGROUNDED_FACTOR)


@dataclass
class Draft:
    """A backend's answer text, whose `[n]` refer to `hits[n-1]`, and an optional notice."""

    text: str
    backend: str
    notice: str | None = None
    quotes: dict[int, str] = field(default_factory=dict)  # hit number -> supporting sentence


@dataclass
class Answer:
    question: str
    text: str
    answered: bool
    citations: list[Source]
    backend: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    notice: str | None = None
    query: str | None = None  # the standalone question actually searched (follow-ups)
    strength: float | None = None
    form: str = "refusal"  # fact, definition, list, steps, overview, reason or refusal
    missing: list[str] = field(default_factory=list)  # question words no document uses
    reasons: list[str] = field(default_factory=list)  # why it was refused, when it was
    named: list[str] = field(default_factory=list)  # documents the question named, asked of
    named_titles: list[str] = field(default_factory=list)  # their titles, for the faces

    def named_note(self) -> str | None:
        """The line saying which documents were read because the question named them."""
        return named_note("Asked of", self.named_titles, "question")

    def to_json(self) -> dict:
        return {"question": self.question, "answer": self.text, "answered": self.answered,
                "citations": [c.to_json() for c in self.citations], "backend": self.backend,
                "form": self.form if self.answered else "refusal", "missing": self.missing,
                "timings_ms": self.timings_ms, "notice": self.notice, "query": self.query,
                "evidence_strength": None if self.strength is None else round(self.strength, 4),
                "refusal_reasons": self.reasons, "documents_named": self.named}


def named_note(lead: str, titles: list[str], asker: str) -> str | None:
    """"Asked of the document the question names: <title>" (None when nothing was named)."""
    if not titles:
        return None
    return f"{lead} the document{'s' * (len(titles) > 1)} the {asker} names: {'; '.join(titles)}"


def finalise(draft: Draft, hits: list[Hit]) -> tuple[str, list[Source]]:
    """Renumber markers 1..n by first use, drop markers that point at no passage."""
    numbering: dict[int, int] = {}

    def renumber(match: re.Match) -> str:
        original = int(match.group(1))
        if not 1 <= original <= len(hits):  # a marker to no passage is dropped
            return ""
        numbering.setdefault(original, len(numbering) + 1)
        return f"[{numbering[original]}]"

    text = MARKER.sub(renumber, draft.text)
    text = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    citations = [Source.of(hits[old - 1], new, draft.quotes.get(old))
                 for old, new in sorted(numbering.items(), key=lambda item: item[1])]
    return text, citations


def _topic(hit: Hit) -> str:
    """A passage's title › section, without repeating a section that merely restates the
    title."""
    chunk = hit.chunk
    return chunk.title if chunk.section in (None, "", chunk.title) else chunk.header


def refusal_text(question: str, hits: list[Hit], missing: tuple[str, ...] = ()) -> str:
    """A plain "not covered" that makes no claim, naming what the documents never mention
    and the nearest topics they do cover."""
    from assistant.refusal import missing_notice

    topics = list(dict.fromkeys(neutralise_markers(_topic(h)) for h in hits[:3] if _topic(h)))
    text = (missing_notice(missing) + " I found no passage that answers the question."
            if missing else
            "The documents don't cover this: I found no passage that answers the question.")
    if topics:
        text += " The closest topics they do cover: " + "; ".join(topics) + "."
    return text


class AnswerBackend(ABC):
    """Turns evidence into a draft answer with `[n]` markers."""

    name: str

    @abstractmethod
    def draft(self, evidence: Evidence) -> Draft: ...

    def rewrite(self, question: str, history: list[str]) -> str:
        """A standalone question for a follow-up; the rule-based rewrite unless overridden."""
        from assistant.followup import condense

        return condense(question, history)
