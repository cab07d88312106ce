"""The offline default: an answer made of the documents' own sentences, each cited.

Picks the best-scoring sentence (or, when the question asks for a date, number, sum or name,
the best one that holds one, unless it scores far lower), then up to three more that score
nearly as well, say something new and hold the asked-for kind too when one leads; pulls in
the preceding sentence when a pick starts with a pronoun, and puts them in a readable order
(by passage, then by position within the passage). Nothing is reworded except trimming list
bullets and naming a quotation's speaker (a list item goes under its list's lead-in, so that it
keeps the sense its list gives it), so the answer states nothing its passages don't.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from assistant.answer import DANGLING, AnswerBackend, Draft, Evidence
from assistant.answer.compose import (
    Line,
    compose,
    continues_item,
    lead_in,
    lines_sentences,
    render,
)
from assistant.evidence import CROSS_REFERENCE, Sentence, has_kind, not_a_claim

MAX_SENTENCES = 3  # plus at most one antecedent
MAX_WORDS = 80
KEEP_RATIO = 0.87  # a further sentence must score at least this share of the best one
REDUNDANT_OVERLAP = 0.6
TYPED_RATIO = 0.75  # a sentence holding the asked-for kind of answer leads if it scores this


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _redundant(candidate: str, chosen: list[str]) -> bool:
    words = _words(candidate)
    return any(len(words & _words(c)) / max(1, min(len(words), len(_words(c))))
               > REDUNDANT_OVERLAP for c in chosen)


def _quotable(text: str) -> bool:
    """A sentence an answer may rest on: a claim (`not_a_claim`), not a cross-reference ("See
    the separate pledges document for more detail"), though one may carry the evidence's
    strength (`Pipeline.gather`)."""
    return not not_a_claim(text) and CROSS_REFERENCE.search(text) is None


def _attributed(sentence: str, speaker: str) -> str:
    """A quoted sentence with the lead-in that names its speaker, both from the same passage:
    'Jane Smith, chief executive, said: “We will fill our vacancies”'. Without it the reader
    of "We will…" cannot tell who "we" are."""
    core = sentence.strip().strip("“”\"").rstrip()
    core = core[:-1] if core.endswith(".") else core
    return f"{speaker} “{core}”"


class ExtractiveBackend(AnswerBackend):
    name = "extractive"

    def select(self, evidence: Evidence) -> list[Sentence]:
        order = list(np.argsort(-evidence.scores, kind="stable"))
        if not order:
            return []
        best = evidence.scores[order[0]]
        typed = self._first_typed(evidence, order)
        if typed is not None and evidence.scores[typed] >= TYPED_RATIO * best:
            order.remove(typed)
            order.insert(0, typed)
            best = evidence.scores[typed]
        picked: list[Sentence] = []
        kind = evidence.kind if typed is not None else None
        words = 0
        for index in order:
            sentence = evidence.sentences[index]
            if not _quotable(sentence.text):
                continue
            if picked and (evidence.scores[index] < KEEP_RATIO * best
                           or len(picked) >= MAX_SENTENCES):
                break
            if _redundant(sentence.text, [s.text for s in picked]):
                continue
            if picked and kind and not has_kind(kind, sentence.text, evidence.question):
                continue
            length = len(sentence.text.split())
            if picked and words + length > MAX_WORDS:
                continue
            picked.append(sentence)
            words += length
        return self._add_antecedents(picked, evidence.sentences)

    @staticmethod
    def _first_typed(evidence: Evidence, order: list[int]) -> int | None:
        """The best sentence that holds the kind of answer asked for ("when" needs a date)."""
        kind = evidence.kind
        if kind is None:
            return None
        return next((i for i in order if _quotable(evidence.sentences[i].text)
                     and has_kind(kind, evidence.sentences[i].text, evidence.question)), None)

    def _add_antecedents(self, picked: list[Sentence], pool: list[Sentence]) -> list[Sentence]:
        """A picked sentence that opens with 'This'/'They'... needs the one before it, when
        that one is a claim (a heading above "This section outlines…" explains nothing)."""
        out = list(picked)
        for sentence in picked:
            if DANGLING.match(sentence.text) and sentence.position > 0:
                previous = next((s for s in pool if s.hit == sentence.hit
                                 and s.position == sentence.position - 1), None)
                if previous and previous not in out and len(out) <= MAX_SENTENCES \
                        and not not_a_claim(previous.text):
                    out.append(previous)
        return out

    @staticmethod
    def _as_written(sentence: Sentence, speaker: str | None, picked: list[Sentence],
                    evidence: Evidence) -> str:
        """The sentence, with its speaker's lead-in when it is quoted, the cited passage names
        the speaker and no picked sentence already does."""
        if (not speaker or speaker not in evidence.hits[sentence.hit].chunk.text
                or any(s.text.startswith(speaker) for s in picked)):
            return sentence.text
        return _attributed(sentence.text, speaker)

    def _lines(self, ordered: list[Sentence], evidence: Evidence) -> list[Line]:
        """Each sentence as written, in prose; an item that opens a bullet of a list with a
        lead-in, as a bullet under that lead-in (shown again when other lines came between),
        its further sentences on its bullet. A quoted item keeps to its speaker's attribution
        (`_as_written`), which names who says it."""
        lines: list[Line] = []
        speakers = dict(zip(evidence.sentences, evidence.speakers, strict=False))
        bulleted: tuple[int, int, int] | None = None  # (passage, list, position) last bulleted
        for sentence in ordered:
            speaker = speakers.get(sentence)
            line = Line(self._as_written(sentence, speaker, ordered, evidence), sentence.hit + 1)
            led = None if speaker else lead_in(evidence, sentence)
            if led:
                if bulleted is None or bulleted[:2] != (sentence.hit, led[0]):
                    lines.append(Line(led[1], sentence.hit + 1))
                lines.append(replace(line, bullet="-"))
                bulleted = (sentence.hit, led[0], sentence.position)
            elif bulleted and continues_item(evidence, sentence, bulleted):
                lines[-1] = replace(lines[-1], then=(*lines[-1].then, line.text))
                bulleted = (*bulleted[:2], sentence.position)
            else:
                lines.append(line)
                bulleted = None
        return lines

    def draft(self, evidence: Evidence) -> Draft:
        if evidence.query is not None and evidence.query.open:
            lines = compose(evidence.query, evidence)
            if lines:
                quotes: dict[int, str] = {}
                for s in lines_sentences(lines, evidence):
                    quotes.setdefault(s.hit + 1, s.text)
                return Draft(text=render(lines), backend=self.name, quotes=quotes)
        picked = self.select(evidence)
        first_use = {s.hit: i for i, s in reversed(list(enumerate(picked)))}
        ordered = sorted(picked, key=lambda s: (first_use[s.hit], s.position))
        text = render(self._lines(ordered, evidence))
        quotes: dict[int, str] = {}
        for s in ordered:
            quotes.setdefault(s.hit + 1, s.text)
        return Draft(text=text, backend=self.name, quotes=quotes)
