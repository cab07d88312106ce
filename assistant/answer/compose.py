"""Extractive answers to open questions, shaped by the question's form.

A list question gets the best list the passages hold (its lead-in, then its items as bullets);
steps come numbered in document order; a definition is the sentence that says what the subject
is, plus one that adds to it; an overview is 3-6 points chosen for relevance without
repetition, kept together by section; a reason answer is the sentences that give causes or
purposes. Every line is the documents' own sentence or item with its marker: composition
chooses and orders, it never rewords.

The structure used (items, lead-ins, headings, noise) comes from `structure.passage_units`.
Leaves out the fact path (`extractive.py`) and the refusal decision (`refusal.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.answer import Evidence, neutralise_markers
from assistant.evidence import Sentence
from assistant.question import Question
from assistant.structure import Unit, passage_units

MAX_ITEMS = 8  # bullets shown before "…and N more"
MAX_POINTS = 8
MAX_DEFINITION = 3
MAX_SENTENCE_WORDS = 60  # longer "sentences" are layout run together (infographics, tables)
MIN_POINTS = 3
WORD_BUDGET = 140  # the bound is a median of 150
LIST_SHARE = 0.8  # a list answers when it scores this share of the best single sentence
POINT_SHARE = 0.75  # an overview point must score this share of the best one
MMR_LAMBDA = 0.7
NEAR_REPEAT = 0.85
DEFINES_BONUS = 0.25
# A sentence about the document rather than its subject: "The seventh section covers…".
_SELF_REFERENCE = re.compile(
    r"\b(?:section|chapter|part|page|appendix|report|document|paper|digest|summary|overview|"
    r"guide|this plan|this strategy)s? (?:also )?(?:covers?|sets? out|describes?|looks? at|"
    r"explains?|outlines?|summari[sz]es?|lists?|is about|deals? with|contains?|gives?|"
    r"focus(?:es)? on|brings? together)\b", re.IGNORECASE)
_CAUSAL = re.compile(r"\b(?:because|so that|in order to|due to|as a result|this is why|"
                     r"the reason|reasons?|aims? to|intended to|designed to|so as to|"
                     r"which means|means that|needs? to|to help|to ensure|to make sure|"
                     r"to reduce|to improve|led to|driven by|given that|since)\b",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line of a composed answer: a unit's text and the passage (1-based) it cites."""

    text: str
    cite: int
    bullet: str = ""  # "", "-", or "1." …


def compose(question: Question, evidence: Evidence) -> list[Line]:
    """The answer's lines for an open question, or [] when nothing fits the form."""
    units = [passage_units(evidence.hits[s.hit].chunk.text)[s.position]
             for s in evidence.sentences]
    scores = _adjusted(evidence, units)
    picked = _select(question, evidence, units, scores)
    bullet = {"list": "-", "steps": "1.", "overview": "-"}.get(question.form, "")
    if len(picked) < 2:
        bullet = ""
    return [_line(evidence, i, f"{n}." if bullet == "1." else bullet)
            for n, i in enumerate(_grouped(evidence, picked), start=1)]


def _select(question: Question, evidence: Evidence, units: list[Unit],
            scores: np.ndarray) -> list[int]:
    """The sentences most likely to be the answer's points, each unlike those already
    picked (maximal marginal relevance), within WORD_BUDGET words."""
    likelihood = np.where(np.isfinite(scores), point_likelihood(question, evidence, units),
                          -np.inf)
    pool = [i for i in np.argsort(-likelihood) if likelihood[i] >= POINT_FLOOR]
    if not pool and np.isfinite(likelihood).any():
        pool = [int(np.argmax(likelihood))]
    vectors = evidence.embed([evidence.sentences[i].text for i in pool]) if evidence.embed \
        and pool else np.zeros((len(pool), 1))
    position = {i: n for n, i in enumerate(pool)}
    limit = MAX_DEFINITION if question.form == "definition" else MAX_POINTS
    chosen: list[int] = []
    words = 0
    while pool and len(chosen) < limit:
        def gain(i: int) -> float:
            redundancy = max((float(vectors[position[i]] @ vectors[position[j]])
                              for j in chosen), default=0.0)
            return MMR_LAMBDA * float(likelihood[i]) - (1 - MMR_LAMBDA) * redundancy

        pick = max(pool, key=gain)
        pool.remove(pick)
        length = len(evidence.sentences[pick].text.split())
        if chosen and (words + length > WORD_BUDGET or _repeats(evidence, pick, chosen)
                       or max(float(vectors[position[pick]] @ vectors[position[j]])
                              for j in chosen) > NEAR_REPEAT):
            continue
        chosen.append(pick)
        words += length
    return chosen


FEATURES = ("cosine", "overlap", "passage_rank", "retrieved", "item", "lead",
            "best_passage", "best_section", "position", "length", "about_document",
            "centrality", "item_in_list_answer", "causal_in_reason", "defines_subject",
            "passage_overlap", "header_overlap", "passage_best")


# Fitted on the dev half of eval/open.jsonl by scripts/fit_point_scorer.py (logistic
# regression: is the sentence one of the answer's key points?).
POINT_WEIGHTS = {
    "cosine": 1.056,
    "overlap": 1.795,
    "passage_rank": 3.127,
    "retrieved": -0.480,
    "item": 1.190,
    "lead": -0.923,
    "best_passage": -0.741,
    "best_section": 0.012,
    "position": -0.400,
    "length": 2.036,
    "about_document": -2.775,
    "centrality": 1.549,
    "item_in_list_answer": -0.192,
    "causal_in_reason": -1.639,
    "defines_subject": 1.268,
    "passage_overlap": 0.065,
    "header_overlap": 3.423,
    "passage_best": 1.397,
}
POINT_BIAS = -2.561
POINT_FLOOR = 0.3  # a sentence less likely than this to be a point is left out


def point_likelihood(question: Question, evidence: Evidence, units: list[Unit]) -> np.ndarray:
    """For each sentence, the fitted likelihood that it carries a point of the answer."""
    weights = np.array([POINT_WEIGHTS[name] for name in FEATURES])
    logits = point_features(question, evidence, units) @ weights + POINT_BIAS
    return 1 / (1 + np.exp(-logits))


def point_features(question: Question, evidence: Evidence, units: list[Unit]) -> np.ndarray:
    """One row of FEATURES per sentence: how likely it is to carry a point of the answer.
    Relevance to the question alone misses most of them (a list's items share few words with
    "What are the priorities?"), so where the sentence sits counts too: in the passage or
    section that answers best, in a list when a list is asked for, near the centre of the
    most relevant sentences."""
    n = len(evidence.sentences)
    if not n:
        return np.zeros((0, len(FEATURES)))
    best = int(np.argmax(evidence.scores))
    best_hit = evidence.sentences[best].hit
    best_section = _section_of(evidence, best)
    vectors = evidence.embed([s.text for s in evidence.sentences]) if evidence.embed \
        else np.zeros((n, 1))
    top = np.argsort(-evidence.scores)[:5]
    centre = vectors[top].mean(axis=0)
    centrality = vectors @ (centre / (np.linalg.norm(centre) or 1.0))
    overlaps = evidence.overlaps if evidence.overlaps is not None else np.zeros(n)
    counts: dict[int, int] = {}
    for s in evidence.sentences:
        counts[s.hit] = counts.get(s.hit, 0) + 1
    labels = _labels(evidence, units) if question.form == "definition" else [""] * n
    passages = evidence.passage_overlaps if evidence.passage_overlaps is not None \
        else np.zeros((len(evidence.hits), 2))
    passage_best = np.full(len(evidence.hits), -np.inf)
    np.maximum.at(passage_best, [s.hit for s in evidence.sentences], evidence.scores)
    passage_best = passage_best - float(evidence.scores[best])
    rows = []
    for i, (sentence, unit) in enumerate(zip(evidence.sentences, units, strict=True)):
        hit = evidence.hits[sentence.hit]
        is_item = float(unit.role == "item")
        rows.append([
            float(evidence.cosines[i]), float(overlaps[i]), 1.0 / (1 + sentence.hit),
            float(hit.score > 0), is_item, float(unit.role == "lead"),
            float(sentence.hit == best_hit), float(_section_of(evidence, i) == best_section),
            sentence.position / max(1, counts[sentence.hit] - 1),
            min(len(sentence.text.split()), 60) / 60, float(bool(_SELF_REFERENCE.search(
                sentence.text))), float(centrality[i]),
            is_item * float(question.form in ("list", "steps")),
            float(question.form == "reason" and bool(_CAUSAL.search(sentence.text))),
            float(question.form == "definition" and _defines(question.subject or "",
                                                              sentence.text, labels[i])),
            float(passages[sentence.hit][0]), float(passages[sentence.hit][1]),
            float(passage_best[sentence.hit]),
        ])
    return np.array(rows)


def _adjusted(evidence: Evidence, units: list[Unit]) -> np.ndarray:
    """Sentence scores with noise, headings and sentences about the document pushed down."""
    scores = evidence.scores.copy()
    for i, unit in enumerate(units):
        words = len(unit.text.split())
        if unit.role in ("noise", "heading", "row") or not 4 <= words <= MAX_SENTENCE_WORDS:
            scores[i] = -np.inf
        elif _SELF_REFERENCE.search(unit.text):
            scores[i] -= 0.2
    return scores


def _answerable(units: list[Unit], i: int) -> bool:
    return units[i].role in ("sentence", "item")


def _line(evidence: Evidence, index: int, bullet: str = "") -> Line:
    sentence = evidence.sentences[index]
    return Line(_tidy(sentence.text), sentence.hit + 1, bullet)


def _tidy(text: str) -> str:
    text = neutralise_markers(text).strip().rstrip(";,")
    return text[:1].upper() + text[1:]


# --- lists and steps -----------------------------------------------------------------------

@dataclass
class _List:
    lead: int | None
    items: list[int]  # sentence indexes of each bullet's first sentence, in order
    score: float


def _lists(evidence: Evidence, units: list[Unit], scores: np.ndarray) -> list[_List]:
    """Every list in the passages with its score: the better of its lead-in's score and the
    mean of its three best items, plus a share of the other."""
    groups: dict[tuple[int, int], _List] = {}
    seen: set[str] = set()
    for i, (sentence, unit) in enumerate(zip(evidence.sentences, units, strict=True)):
        if unit.group < 0:
            continue
        entry = groups.setdefault((sentence.hit, unit.group), _List(None, [], 0.0))
        if unit.role == "lead":
            entry.lead = i
        elif unit.starts and unit.text not in seen:  # overlapping chunks repeat items
            seen.add(unit.text)
            entry.items.append(i)
    found = []
    for entry in groups.values():
        if len(entry.items) < 2:
            continue
        item_scores = sorted((float(evidence.scores[i]) for i in entry.items), reverse=True)
        items = float(np.mean(item_scores[:3]))
        lead = float(evidence.scores[entry.lead]) if entry.lead is not None else items
        entry.score = max(lead, items) * 0.7 + min(lead, items) * 0.3
        found.append(entry)
    return sorted(found, key=lambda entry: -entry.score)


def _best_list(evidence: Evidence, units: list[Unit], scores: np.ndarray) -> _List | None:
    lists = _lists(evidence, units, scores)
    best_sentence = float(np.max(scores)) if len(scores) else 0.0
    if lists and lists[0].score >= LIST_SHARE * best_sentence:
        return lists[0]
    return None


def _list_lines(evidence: Evidence, chosen: _List, numbered: bool) -> list[Line]:
    lines = [_line(evidence, chosen.lead)] if chosen.lead is not None else []
    for n, index in enumerate(chosen.items, start=1):
        lines.append(_line(evidence, index, f"{n}." if numbered else "-"))
    return lines


def _list(question: Question, evidence: Evidence, units: list[Unit],
          scores: np.ndarray) -> list[Line]:
    return _from_sections(evidence, units, scores, numbered=False)


def _steps(question: Question, evidence: Evidence, units: list[Unit],
           scores: np.ndarray) -> list[Line]:
    return _from_sections(evidence, units, scores, numbered=True)


def _section_of(evidence: Evidence, index: int) -> tuple:
    chunk = evidence.hits[evidence.sentences[index].hit].chunk
    top = chunk.section.split(" › ")[0] if chunk.section else None
    return chunk.source, top if top is not None else chunk.page


def _sections(evidence: Evidence, scores: np.ndarray) -> list[list[int]]:
    """Sentence indexes grouped by section, best section first: a section scores the mean
    of its three best sentences, so one lucky sentence does not outrank a section that
    answers throughout."""
    groups: dict[tuple, list[int]] = {}
    for i in range(len(evidence.sentences)):
        if np.isfinite(scores[i]):
            groups.setdefault(_section_of(evidence, i), []).append(i)

    def strength(members: list[int]) -> float:
        top = sorted((float(scores[i]) for i in members), reverse=True)[:3]
        return sum(top) / 3

    return sorted(groups.values(), key=lambda members: -strength(members))


def _from_sections(evidence: Evidence, units: list[Unit], scores: np.ndarray,
                   numbered: bool) -> list[Line]:
    """The best section's list when it holds one that scores well, else its most relevant
    sentences in document order; a second section adds points when the first has few."""
    sections = _sections(evidence, scores)
    if not sections:
        return []
    best = set(sections[0])
    in_best = np.where([i in best for i in range(len(scores))], scores, -np.inf)
    chosen = _best_list(evidence, units, in_best)
    if chosen is not None:
        return _list_lines(evidence, chosen, numbered)
    return _points(evidence, scores, sections, "1." if numbered else "-")


def _points(evidence: Evidence, scores: np.ndarray, sections: list[list[int]],
            bullet: str, limit: int = MAX_POINTS) -> list[Line]:
    picked: list[int] = []
    for members in sections[:2]:
        local = np.full(len(scores), -np.inf)
        local[members] = scores[members]
        room = limit - len(picked)
        picked += [i for i in _diverse(evidence, local, room) if not _repeats(evidence, i, picked)]
        if len(picked) >= MIN_POINTS:
            break
    picked = _grouped(evidence, picked)
    if bullet.endswith("."):
        return [_line(evidence, i, f"{n}.") for n, i in enumerate(picked, start=1)]
    return [_line(evidence, i, bullet) for i in picked]


# --- definitions, overviews, reasons ---------------------------------------------------------

def _defines(subject: str, sentence: str, label: str) -> bool:
    """The sentence says what the subject is: "X is/are/means…", "X (…) is", or it follows a
    label or heading that names X ("Core20PLUS5. LLR has adopted this national approach…")."""
    s = re.escape(subject.lower())
    text = sentence.lower()
    copula = r"(?:\s*\([^)]*\))?,?\s+(?:is|are|was|were|means|refers to|describes|stands for)\b"
    return bool(re.search(rf"\b{s}\b{copula}", text) or
                re.search(rf"(?:known as|called|defined as)\s+(?:the\s+)?{s}\b", text) or
                (label and subject.lower() in label.lower()))


def _labels(evidence: Evidence, units: list[Unit]) -> list[str]:
    """For each sentence, the short label or heading just before it in its passage."""
    out = []
    for i, sentence in enumerate(evidence.sentences):
        previous = i - 1
        before = (units[previous] if previous >= 0 and sentence.position > 0
                  and evidence.sentences[previous].hit == sentence.hit else None)
        label = before.text if before and (before.role == "heading"
                                           or len(before.text.split()) <= 4) else ""
        out.append(label)
    return out


def _definition(question: Question, evidence: Evidence, units: list[Unit],
                scores: np.ndarray) -> list[Line]:
    subject = question.subject or ""
    labels = _labels(evidence, units)
    boosted = scores.copy()
    for i, sentence in enumerate(evidence.sentences):
        if np.isfinite(boosted[i]) and _defines(subject, sentence.text, labels[i]):
            boosted[i] += DEFINES_BONUS
    order = [int(i) for i in np.argsort(-boosted, kind="stable") if np.isfinite(boosted[i])]
    if not order:
        return []
    first = order[0]
    lines = [_line(evidence, first)]
    follow = _next_in_passage(evidence, units, first)
    if follow is None and len(order) > 1:
        follow = next((i for i in order[1:] if not _repeats(evidence, i, [first])), None)
    if follow is not None:
        lines.append(_line(evidence, follow))
    return lines


def _next_in_passage(evidence: Evidence, units: list[Unit], index: int) -> int | None:
    """The sentence after `index` in the same passage, when it continues the same point."""
    nxt = index + 1
    if (nxt < len(evidence.sentences) and evidence.sentences[nxt].hit ==
            evidence.sentences[index].hit and _answerable(units, nxt)
            and units[nxt].group == units[index].group):
        return nxt
    return None


def _repeats(evidence: Evidence, index: int, chosen: list[int]) -> bool:
    words = set(re.findall(r"[a-z0-9]+", evidence.sentences[index].text.lower()))
    for other in chosen:
        theirs = set(re.findall(r"[a-z0-9]+", evidence.sentences[other].text.lower()))
        if len(words & theirs) / max(1, min(len(words), len(theirs))) > 0.6:
            return True
    return False


def _diverse(evidence: Evidence, scores: np.ndarray, n: int) -> list[int]:
    """Up to `n` relevant sentences, each unlike those already picked (maximal marginal
    relevance over sentence vectors), none far below the best."""
    finite = [i for i in range(len(scores)) if np.isfinite(scores[i])]
    if not finite:
        return []
    best = max(float(scores[i]) for i in finite)
    pool = [i for i in finite if scores[i] >= POINT_SHARE * best]
    vectors = _vectors(evidence, pool)
    chosen: list[int] = []
    while pool and len(chosen) < n:
        def gain(i: int) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            return MMR_LAMBDA * float(scores[i]) - (1 - MMR_LAMBDA) * redundancy

        pick = max(pool, key=gain)
        pool.remove(pick)
        if any(float(vectors[pick] @ vectors[j]) > NEAR_REPEAT for j in chosen) or \
                _repeats(evidence, pick, chosen):
            continue
        chosen.append(pick)
    return chosen


def _vectors(evidence: Evidence, indexes: list[int]) -> dict[int, np.ndarray]:
    """Sentence vectors by index, from the scorer's cache (filled when the scores were made)."""
    texts = [evidence.sentences[i].text for i in indexes]
    if not texts or evidence.embed is None:
        return {i: np.zeros(1) for i in indexes}
    matrix = evidence.embed(texts)
    return dict(zip(indexes, matrix, strict=True))


def _grouped(evidence: Evidence, picked: list[int]) -> list[int]:
    """Points kept together by section, sections in order of their best point."""
    def section(i: int) -> tuple:
        chunk = evidence.hits[evidence.sentences[i].hit].chunk
        return chunk.source, chunk.section or chunk.page

    first_seen: dict[tuple, int] = {}
    for rank, i in enumerate(picked):
        first_seen.setdefault(section(i), rank)
    return sorted(picked, key=lambda i: (first_seen[section(i)],
                                         evidence.sentences[i].hit,
                                         evidence.sentences[i].position))


def _overview(question: Question, evidence: Evidence, units: list[Unit],
              scores: np.ndarray) -> list[Line]:
    return _points(evidence, scores, _sections(evidence, scores), "-")


def _relaxed(scores: np.ndarray) -> np.ndarray:
    """Scores shifted so that the share rule admits more points (overviews want three)."""
    finite = scores[np.isfinite(scores)]
    if not len(finite):
        return scores
    return scores - float(finite.min()) + 1e-6


def _reason(question: Question, evidence: Evidence, units: list[Unit],
            scores: np.ndarray) -> list[Line]:
    """Sentences that give causes or purposes, from the best section first; at most four."""
    boosted = scores.copy()
    for i, sentence in enumerate(evidence.sentences):
        if np.isfinite(boosted[i]) and _CAUSAL.search(sentence.text):
            boosted[i] += 0.08
    return _points(evidence, boosted, _sections(evidence, boosted), "", limit=4)


def _within_budget(lines: list[Line]) -> list[Line]:
    """Lines up to WORD_BUDGET words; the lines of a list that do not fit are counted in a
    closing "…and N more" that cites the list's passage."""
    kept: list[Line] = []
    words = 0
    bullets = 0
    for n, line in enumerate(lines):
        length = len(line.text.split())
        over = kept and (words + length > WORD_BUDGET
                         or (line.bullet and bullets >= MAX_ITEMS))
        if over:
            rest = [x for x in lines[n:] if x.bullet]
            if rest and line.bullet not in ("",):
                kept.append(Line(f"…and {len(rest)} more", rest[0].cite, "…"))
            break
        kept.append(line)
        words += length
        bullets += bool(line.bullet)
    return kept


def render(lines: list[Line]) -> str:
    """Lines as Markdown: prose lines joined, bullets and numbered steps one a line, each with
    its marker before the final stop."""
    from assistant.answer.extractive import with_marker

    out: list[str] = []
    prose: list[str] = []
    for line in lines:
        if line.bullet == "…":
            out.append(f"{line.text} [{line.cite}]")
            continue
        text = with_marker(line.text, line.cite)
        if not line.bullet:
            prose.append(text)
            continue
        if prose:
            out.append(" ".join(prose))
            prose = []
        out.append(f"{line.bullet} {text}")
    if prose:
        out.append(" ".join(prose))
    return "\n".join(out)


def lines_sentences(lines: list[Line], evidence: Evidence) -> list[Sentence]:
    """The sentences the lines came from (for the citations' quotes)."""
    texts = {(_tidy(s.text), s.hit + 1): s for s in evidence.sentences}
    return [texts[(line.text, line.cite)] for line in lines if (line.text, line.cite) in texts]
