"""Extractive answers to open questions: the sentences most likely to be the answer's points.

A definition, a list, steps, an overview or a reason is answered by choosing, from the passages
read (the best eight and the sections of the best two), the sentences and list items most
likely to carry a point of the answer, each unlike those already chosen, within a word budget;
then keeping them together by section in document order, and shaping them by the form:
bullets for lists and overviews, numbered steps, prose for definitions and reasons.

"Most likely to carry a point" is a logistic model over where a sentence sits and how it
relates to the question (FEATURES), fitted on the dev half of eval/open.jsonl by
scripts/fit_point_scorer.py: relevance alone misses most points (a list's items share few
words with "What are the priorities?"), while the passage and section that answer best, a
heading that matches and the list items under it find them. Every line is the documents' own
sentence or item with its marker: composition chooses and orders, it never rewords.

Leaves out the fact path (`extractive.py`) and the refusal decision (`refusal.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from assistant.answer import BARE_POINTER, DANGLING, Evidence, neutralise_markers, with_marker
from assistant.answer.labels import item_label, run_in_label
from assistant.evidence import CROSS_REFERENCE, Sentence, says_again
from assistant.lexical import stem
from assistant.lexicon import is_word
from assistant.question import Question, noun_stems
from assistant.structure import Unit, in_apparatus, passage_units, runs_together, section_headings

MAX_POINTS = 8
MAX_DEFINITION = 3
MAX_SENTENCE_WORDS = 60  # longer "sentences" are layout run together (infographics, tables)
WORD_BUDGET = 140  # the bound is a median of 150
LEAD_WORDS = 30  # a list's lead-in longer than this is a paragraph, not a lead-in
NEAR_REPEAT = 0.85
# A sentence about the document rather than its subject: "The seventh section covers…",
# "This is an unofficial summary…".
_SELF_REFERENCE = re.compile(
    r"\b(?:section|chapter|part|page|appendix|report|document|paper|digest|summary|overview|"
    r"guide|this plan|this strategy|this policy|this framework|this addendum)s? (?:also )?"
    r"(?:covers?|sets? out|describes?|looks? at|explains?|outlines?|summari[sz]es?|lists?|is about|"
    r"deals? with|contains?|gives?|focus(?:es)? on|brings? together)\b"
    r"|\bthis is an? (?:\w+ ){0,2}(?:summary|guide|digest|document|report|overview)"
    r"(?=\s*(?:[.,;:]|$|(?:of|for|written|that|which|from|by|to)\b))",
    re.IGNORECASE)
# A line that ends on a word that cannot end a phrase was cut: an article or determiner, a
# conjunction, "of" or "to" (a line may end on "for" or "on": "the people we care for").
_OPENS_MORE = frozenset("""a an the our your their these those such and or but nor of to into
than whose whilst while""".split())
_LOWER_OPENING = re.compile(r"[a-z]{2}[a-z'’-]*(?![\w.])")  # its first word, whole
FEATURES = ("cosine", "overlap", "passage_rank", "retrieved", "item", "lead",
            "best_passage", "best_section", "position", "length", "about_document",
            "centrality", "item_in_list_answer", "defines_subject",
            "passage_overlap", "header_overlap", "passage_best")


@dataclass(frozen=True)
class Line:
    """One line of a composed answer: a unit's text and the passage (1-based) it cites."""

    text: str
    cite: int
    bullet: str = ""  # "", "-", or "1." …
    label: str = ""  # the run-in label of the list item the text goes on ("Core20PLUS5")
    then: tuple[str, ...] = ()  # more sentences of the same list item, on the same bullet


def compose(question: Question, evidence: Evidence) -> list[Line]:
    """The answer's lines for an open question, or [] when no sentence can carry a point."""
    units = [passage_units(evidence.hits[s.hit].chunk.text)[s.position]
             for s in evidence.sentences]
    features = point_features(question, evidence, units)
    scores = quotable_scores(evidence, units)
    picked = _select(question, evidence, units, scores, features)
    whole = None
    if question.form == "list":
        named = _named_list(question, evidence, units)
        whole = (_whole_list(evidence, units, scores, picked, named) if named else None) \
            or _whole_list(evidence, units, scores, picked, None)
    bullet = {"list": "-", "steps": "1.", "overview": "-"}.get(question.form, "")
    if whole is not None:
        after = _grouped(evidence, _after_list(evidence, units, picked, whole))
        after = [i for i in after if not _listed(units[i])] + \
            [i for i in after if _listed(units[i])]  # sentences, then other lists' items
        ordered = whole.items + _with_antecedents(
            evidence, after, frozenset(_same_text(evidence, i) for i in whole.items))
    else:
        defining = _defining(question, features, picked)
        ordered = _with_antecedents(evidence, [
            defining, *_grouped(evidence, [i for i in picked if i != defining])]
            if defining is not None else _grouped(evidence, picked))
        if len(ordered) < 2:
            bullet = ""
    quoted = {(evidence.sentences[i].hit, evidence.sentences[i].position) for i in ordered}
    lines, labelled = [], set()
    for n, i in enumerate(ordered, start=1):
        line = _line(evidence, i, f"{n}." if bullet == "1." else bullet)
        label = item_label(evidence, i)
        if label and label not in labelled and label[:2] not in quoted:
            labelled.add(label)
            line = replace(line, label=label[2])
        lines.append(line)
    if whole is None:
        return lines
    shown = len(whole.items)
    listed: list[Line] = []  # one bullet an item: its further sentences go on its line
    for i, line in zip(whole.items, lines[:shown], strict=True):
        if i in whole.joined and listed:
            listed[-1] = replace(listed[-1], then=(*listed[-1].then, line.text))
        else:
            listed.append(line)
    rest: list[Line] = []  # sentences, then the items of other lists, each list under its
    led = set()  # own lead-in: else they would read as this one's
    for i, line in zip(ordered[shown:], lines[shown:], strict=True):
        key = (evidence.sentences[i].hit, units[i].group)
        if _listed(units[i]) and key not in led:
            led.add(key)
            if lead := _lead_line(evidence, units, *key):
                rest.append(lead)
        rest.append(line)
    return [line for line in (whole.lead, *listed, whole.more, *rest) if line]


def _listed(unit: Unit) -> bool:
    return unit.role == "item" and unit.group >= 0


@dataclass(frozen=True)
class WholeList:
    """The list a list question is answered from: its lead-in, its items' sentences in
    order, and "…and N more" when the budget cuts it short."""

    lead: Line | None
    items: list[int]
    words: int  # of the lead-in and the items
    more: Line | None
    members: frozenset[int] = frozenset()  # every sentence of the list, shown or not
    joined: frozenset[int] = frozenset()  # items' sentences after their first: same bullet


def _named_list(question: Question, evidence: Evidence,
                units: list[Unit]) -> tuple[int, int] | None:
    """The first list read whose lead-in names what the question asks for ("What are the
    national priorities…?" ↔ "The national priorities to improve patient outcomes in 2025/26
    are:"; "Which prevention goals must…?" ↔ "…support the following preventative goals:"),
    outside a document's apparatus, with two or more items: (passage, group). The words
    asked for are the stems of the nouns (`question.noun_stems`) of the kind of thing listed
    (`Question.listed`), else, when no lead-in names those, of what the question asks
    about."""
    items = Counter((evidence.sentences[i].hit, unit.group) for i, unit in enumerate(units)
                    if unit.group >= 0 and unit.starts and unit.role in ("item", "heading"))
    for asked in dict.fromkeys(filter(None, (noun_stems(question.listed),
                                             noun_stems(question.asked_about)))):
        for i, unit in enumerate(units):
            hit = evidence.sentences[i].hit
            if _lead_text(unit) and items[hit, unit.group] >= 2 \
                    and not _back_matter(evidence, i) \
                    and asked <= {stem(word) for word in re.findall(r"[^\W_]+", unit.text)}:
                return hit, unit.group
    return None


def _whole_list(evidence: Evidence, units: list[Unit], scores: np.ndarray,
                picked: list[int], named: tuple[int, int] | None) -> WholeList | None:
    """For a list question, list `named` (`_named_list`), or else the list of the likeliest
    picked item among those whose list holds two or more of the picks, when its passage
    holds the list's head and one of its items can be quoted: whole and in
    its order ("What are the nine sections?" wants all nine, not the six most likely), after
    its lead-in ("…the plan groups its work into nine sections:"), up to the word budget,
    then "…and N more" (no count when the list runs on to its passage's end). Each item is
    quoted by the sentences of it already picked, or one (`_item_sentences`)."""
    def list_of(i: int) -> tuple[int, int]:
        return evidence.sentences[i].hit, units[i].group

    held = Counter(list_of(i) for i in picked if _listed(units[i]))
    chosen = named or next((list_of(i) for i in picked
                            if _listed(units[i]) and held[list_of(i)] >= 2), None)
    if chosen is None:
        return None
    hit, group = chosen
    passage = [i for i, sentence in enumerate(evidence.sentences) if sentence.hit == hit]
    members = [i for i in passage if units[i].group == group]
    if units[members[0]].role != "lead" and members[0] == passage[0]:
        return None  # the list's head is in an earlier passage: this is its tail
    lead = _lead_line(evidence, units, hit, group)
    bullets: list[list[int]] = []  # the list's items, each its sentences
    for i in members:  # a bullet may open with its label
        if units[i].role in ("item", "heading"):
            if units[i].starts or not bullets:
                bullets.append([])
            bullets[-1].append(i)
    quotes = [quoted for bullet in bullets
              if (quoted := _item_sentences(bullet, units, scores, picked))]
    words = len(lead.text.split()) if lead else 0
    items: list[int] = []
    for quoted in quotes:  # in the list's order: the first that does not fit ends it
        length = sum(len(evidence.sentences[i].text.split()) for i in quoted)
        if items and words + length > WORD_BUDGET:
            break
        items += quoted
        words += length
    if not items:  # no item can be quoted (each over MAX_SENTENCE_WORDS, or noise)
        return None
    left = len(quotes) - sum(1 for quoted in quotes if quoted[0] in items)
    runs_on = members[-1] == passage[-1]  # the list may go on in the next passage, so no
    more = Line("…and more" if runs_on else f"…and {left} more", hit + 1, "…") if left \
        else None  # count then
    joined = frozenset(i for quoted in quotes for i in quoted[1:])
    return WholeList(lead, items, words, more, frozenset(members), joined)


def _lead_text(unit: Unit) -> str | None:
    """A list's lead-in as an answer shows it: at most LEAD_WORDS words (longer, it is a
    paragraph, not a lead-in)."""
    if unit.role == "lead" and 4 <= len(unit.text.split()) <= LEAD_WORDS:
        return _tidy(unit.text)
    return None


def _lead_line(evidence: Evidence, units: list[Unit], hit: int, group: int) -> Line | None:
    """The lead-in of list `group` of passage `hit` as a line ("…into nine sections:")."""
    return next((Line(text, hit + 1) for i, sentence in enumerate(evidence.sentences)
                 if sentence.hit == hit and units[i].group == group
                 and (text := _lead_text(units[i]))), None)


def lead_in(evidence: Evidence, sentence: Sentence) -> tuple[int, str] | None:
    """The list group and lead-in of the list whose bullet `sentence` opens, when the bullets
    run from the lead-in to it without a paragraph between: an item quoted alone ("the name
    of the ICB Board chair …") can mean the opposite of what its list says ("Several things
    … could not be found in public sources:")."""
    units = passage_units(evidence.hits[sentence.hit].chunk.text)
    if sentence.position >= len(units) or not _listed(unit := units[sentence.position]) \
            or not unit.starts:
        return None
    lead = next((n for n, u in enumerate(units) if u.group == unit.group and u.role == "lead"),
                None)
    if lead is None or not (text := _lead_text(units[lead])) or any(
            u.group != unit.group for u in units[lead:sentence.position]):
        return None  # a paragraph between them may close the list: no lead-in to vouch
    return unit.group, text


def continues_item(evidence: Evidence, sentence: Sentence,
                   item: tuple[int, int, int]) -> bool:
    """`sentence` is the next sentence of the bullet whose last quoted sentence sits at
    `item` (passage, list, position)."""
    units = passage_units(evidence.hits[sentence.hit].chunk.text)
    hit, group, position = item
    return (sentence.hit == hit and sentence.position == position + 1
            and sentence.position < len(units) and _listed(units[sentence.position])
            and units[sentence.position].group == group and not units[sentence.position].starts)


def _after_list(evidence: Evidence, units: list[Unit], picked: list[int],
                whole: WholeList) -> list[int]:
    """The other picks, in order of likelihood, while the word budget lasts: not the list's
    own sentences (those past its cut stay behind "…and N more"), and not a sentence the
    list already shows (passages overlap)."""
    shown = {" ".join(evidence.sentences[i].text.split()) for i in whole.items}
    kept: list[int] = []
    words = whole.words
    for i in picked:
        length = len(evidence.sentences[i].text.split())
        if i in whole.members or words + length > WORD_BUDGET \
                or " ".join(evidence.sentences[i].text.split()) in shown:
            continue
        kept.append(i)
        words += length
    return kept


def _item_sentences(bullet: list[int], units: list[Unit], scores: np.ndarray,
                    picked: list[int]) -> list[int]:
    """What a whole list quotes of one item: its sentences already picked, else its first
    quotable one (after a run-in label: "Place – Leicestershire: At this level…"), else a
    first sentence too short to quote alone but whole ("Section 1: Prevention")."""
    if chosen := [i for i in bullet if i in picked]:
        return chosen
    if quotable := [i for i in bullet if np.isfinite(scores[i])]:
        return quotable[:1]
    only = bullet[0]
    whole = len(bullet) == 1 and units[only].role == "item" \
        and len(units[only].text.split()) < 4 and not _cut_off(units[only].text)
    return [only] if whole else []


def _defining(question: Question, features: np.ndarray, candidates: list[int]) -> int | None:
    """For a definition, the first of `candidates` that says what the subject is: it leads
    the answer."""
    if question.form != "definition":
        return None
    column = FEATURES.index("defines_subject")
    return next((i for i in candidates if features[i, column]), None)


# Fitted on the dev half of eval/open.jsonl by scripts/fit_point_scorer.py (logistic
# regression: is the sentence one of the answer's key points?).
POINT_WEIGHTS = {
    "cosine": 1.413,
    "overlap": 2.136,
    "passage_rank": 3.222,
    "retrieved": -0.426,
    "item": 1.011,
    "lead": 0.000,
    "best_passage": -0.528,
    "best_section": 0.108,
    "position": -0.495,
    "length": 1.069,
    "about_document": -2.477,
    "centrality": 0.730,
    "item_in_list_answer": -0.187,
    "defines_subject": 1.457,
    "passage_overlap": -0.001,
    "header_overlap": 2.222,
    "passage_best": 0.952,
}
POINT_BIAS = -2.295
POINT_FLOOR = 0.3  # a sentence less likely than this to be a point is left out


def point_likelihood(features: np.ndarray) -> np.ndarray:
    """For each sentence (a row of `point_features`), the fitted likelihood that it carries a
    point of the answer."""
    weights = np.array([POINT_WEIGHTS[name] for name in FEATURES])
    logits = features @ weights + POINT_BIAS
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
            float(question.form == "definition" and _defines(question.subject or "",
                                                              sentence.text, labels[i])),
            float(passages[sentence.hit][0]), float(passages[sentence.hit][1]),
            float(passage_best[sentence.hit]),
        ])
    return np.array(rows)


def quotable_scores(evidence: Evidence, units: list[Unit]) -> np.ndarray:
    """Sentence scores, with -inf for what an answer never quotes: noise (captions, contents
    lines, contacts), headings, a list's lead-in on its own, table rows, a document's own
    questions ("Did the public get a say?"), fragments cut at either end, run-together layout
    (`structure.runs_together`), cross-references ("See … for more detail") and a document's
    apparatus (references, acknowledgements, contents)."""
    scores = evidence.scores.copy()
    listing, passage = False, None  # in a run of lines after a lead-in, of passage…
    for i, unit in enumerate(units):
        if evidence.sentences[i].hit != passage:
            listing, passage = False, evidence.sentences[i].hit
        cut = _cut_before(unit)
        listed = listing and bool(_LOWER_OPENING.match(unit.text.lstrip()))
        listing = unit.role == "lead" or listed  # "Our aims are to:" / "improve access…"
        words = len(unit.text.split())
        if (unit.role in ("noise", "heading", "row", "lead") or unit.text.rstrip().endswith("?")
                or not 4 <= words <= MAX_SENTENCE_WORDS or _own_heading(evidence, i, unit)
                or run_in_label(unit) or runs_together(unit.text)
                or CROSS_REFERENCE.search(unit.text)
                or _back_matter(evidence, i) or _cut_off(unit.text)
                or (cut and not listed)):
            scores[i] = -np.inf
    return scores


def _cut_off(text: str) -> bool:
    """A line that stops mid-phrase ("…funding to support the"): a two-column page's."""
    words = text.split()
    return bool(words) and words[-1].lower() in _OPENS_MORE


def _cut_before(unit: Unit) -> bool:
    """A paragraph sentence that opens with a lower-case English word ("be healthy and
    independent in their home and…") started on another line or column: the layout cut it,
    or ran two columns together. List items may open in lower case ("improving productivity
    in…", and the lines after a lead-in: `quotable_scores`), and so may a name ("parkrun",
    "myGP") or a word like "eGFR"."""
    opening = _LOWER_OPENING.match(unit.text.lstrip())
    return unit.role == "sentence" and bool(opening) and is_word(opening.group())


def _back_matter(evidence: Evidence, index: int) -> bool:
    """The unit sits in a document's apparatus (`structure.in_apparatus`)."""
    return in_apparatus(evidence.hits[evidence.sentences[index].hit].chunk.section)


def _own_heading(evidence: Evidence, index: int, unit: Unit) -> bool:
    """The unit is its passage's section heading ("3. Ensuring access to the right care",
    which reads as a numbered item once its number is taken for a list marker), or a line
    without a final stop that its document's title holds (the title printed on a page)."""
    text = unit.text.strip(" .").casefold()
    chunk = evidence.hits[evidence.sentences[index].hit].chunk
    return text in section_headings(chunk.section) or (
        text in (chunk.title or "").casefold() and not unit.text.rstrip().endswith((".", "!", "?")))


def _select(question: Question, evidence: Evidence, units: list[Unit],
            scores: np.ndarray, features: np.ndarray) -> list[int]:
    """The sentences most likely to be the answer's points, in order of likelihood, each
    no near repeat of one already picked, within WORD_BUDGET words (trading likelihood for
    difference, maximal marginal relevance, lost key points on every set: the repeat checks
    are enough). A definition starts from the likeliest sentence that says what the subject
    is ("the Core20PLUS5 approach, which focuses on…"), before sentences that merely
    mention it. A sentence that points back ("It is the first plan…", "This strategy…") comes
    with the sentence before it when that one may be quoted; a bare pronoun ("It offers…")
    without it does not come at all."""
    likelihood = np.where(np.isfinite(scores), point_likelihood(features), -np.inf)
    pool = [i for i in np.argsort(-likelihood) if likelihood[i] >= POINT_FLOOR]
    if not pool and np.isfinite(likelihood).any():
        pool = [int(np.argmax(likelihood))]
    vectors = evidence.embed([evidence.sentences[i].text for i in pool]) if evidence.embed \
        and pool else np.zeros((len(pool), 1))
    position = {i: n for n, i in enumerate(pool)}
    limit = MAX_DEFINITION if question.form == "definition" else MAX_POINTS
    chosen: list[int] = []
    words = 0
    if (first := _defining(question, features, pool)) is not None:
        pool.remove(first)
        chosen.append(first)
        words += len(evidence.sentences[first].text.split())
    if question.form == "definition" and question.subject:
        pool = _about_subject(question.subject, evidence, pool, first)
    for pick in pool:
        if len(chosen) >= limit:
            break
        length = len(evidence.sentences[pick].text.split())
        if chosen and (words + length > WORD_BUDGET or _repeats(evidence, pick, chosen)
                       or max(float(vectors[position[pick]] @ vectors[position[j]])
                              for j in chosen) > NEAR_REPEAT):
            continue
        before = _antecedent(evidence, pick, chosen, position)
        if before is not None:  # "It is the first plan…" needs what "it" is
            extra = len(evidence.sentences[before].text.split())
            if not _repeats(evidence, before, chosen) and not _unresolved(evidence, before,
                                                                          chosen) \
                    and words + length + extra <= WORD_BUDGET and len(chosen) + 2 <= limit:
                chosen.append(before)
                words += extra
            elif _bare(evidence, pick):
                continue
        elif _bare(evidence, pick) and \
                not _follows(evidence, pick, chosen):
            continue  # what "it" is cannot be quoted (a heading, a fragment) or is not there
        chosen.append(pick)
        words += length
    return chosen


def _antecedent(evidence: Evidence, pick: int, chosen: list[int],
                candidates: dict[int, int]) -> int | None:
    """For a sentence that points back ("It offers…", "This strategy…") to one not chosen,
    the sentence before it in its passage when that one is among the `candidates` (those
    likely enough to be points: one below the bar is not quoted for it)."""
    if not _points_back(evidence, pick) or _follows(evidence, pick, chosen):
        return None
    before = _before(evidence, pick)
    return before if before in candidates else None


def _points_back(evidence: Evidence, index: int) -> bool:
    """The sentence opens by pointing back (DANGLING) to the sentence before it, not to the
    run-in label just before it ("- **Core20PLUS5.** It focuses on…", shown with it)."""
    return bool(DANGLING.match(evidence.sentences[index].text)) and not _labelled(evidence,
                                                                               index)


def _bare(evidence: Evidence, index: int) -> bool:
    """The sentence cannot be understood without the one it points back to (BARE_POINTER)."""
    return bool(BARE_POINTER.match(evidence.sentences[index].text)) and not _labelled(
        evidence, index)


def _labelled(evidence: Evidence, index: int) -> bool:
    """A run-in label stands right before the sentence: it is what the sentence is about."""
    label = item_label(evidence, index)
    return label is not None and label[1] == evidence.sentences[index].position - 1


def _unresolved(evidence: Evidence, index: int, chosen: list[int]) -> bool:
    """A bare pointer whose own antecedent is not chosen: no antecedent for another."""
    return _bare(evidence, index) and not _follows(evidence, index, chosen)


def _before(evidence: Evidence, index: int) -> int | None:
    """The sentence before this one in its passage."""
    sentence = evidence.sentences[index]
    return next((i for i, s in enumerate(evidence.sentences)
                 if s.hit == sentence.hit and s.position == sentence.position - 1), None)


def _same_text(evidence: Evidence, index: int) -> str:
    return " ".join(evidence.sentences[index].text.split())


def _follows(evidence: Evidence, pick: int, chosen: list[int] | frozenset[str]) -> bool:
    """The sentence before `pick` in its passage is chosen, or, in overlapping passages, its
    copy is: its text is among those of `chosen` (sentences, or their texts)."""
    before = _before(evidence, pick)
    texts = chosen if isinstance(chosen, frozenset) else \
        frozenset(_same_text(evidence, j) for j in chosen)
    return before is not None and _same_text(evidence, before) in texts


def _with_antecedents(evidence: Evidence, ordered: list[int],
                      shown: frozenset[str] = frozenset()) -> list[int]:
    """`ordered` with each sentence that points back right after the one it points to (or its
    copy in an overlapping passage), and without a bare pronoun ("It offers…") whose
    antecedent is not in the answer (nor among the texts already `shown` above it): the steps
    after selection (grouping by section, the definition first, a whole list's budget) must
    not part them."""
    texts = {_same_text(evidence, i): i for i in ordered}
    anchors: dict[int, int] = {}
    for i in ordered:
        before = _before(evidence, i) if _points_back(evidence, i) else None
        anchor = texts.get(_same_text(evidence, before)) if before is not None else None
        if anchor is not None and anchor != i:
            anchors[i] = anchor
    # a bare pointer without its antecedent goes, and so do bare pointers to it; a pointer
    # with its noun ("This strategy…") whose antecedent went stands on its own
    dropped = {i for i in ordered if i not in anchors and _bare(evidence, i)
               and not _follows(evidence, i, shown)}
    while grown := {i for i, anchor in anchors.items()
                    if anchor in dropped and i not in dropped and _bare(evidence, i)}:
        dropped |= grown
    followers: dict[int, list[int]] = {}
    for i, anchor in anchors.items():
        if i not in dropped and anchor not in dropped:
            followers.setdefault(anchor, []).append(i)
    out: list[int] = []

    def emit(index: int) -> None:
        if index in out:
            return
        out.append(index)
        for follower in followers.get(index, []):
            emit(follower)

    for i in ordered:
        if i not in dropped and (i not in anchors or anchors[i] in dropped):
            emit(i)
    return out


def _about_subject(subject: str, evidence: Evidence, pool: list[int],
                   defining: int | None) -> list[int]:
    """What a definition may add: sentences that name its subject or sit next to the one that
    defines it ("What is Core20PLUS5?" is not answered by a sentence about women's health
    hubs that happened to score well); the whole pool when none does."""
    name = re.compile(rf"\b{re.escape(subject)}\b", re.IGNORECASE)
    anchor = evidence.sentences[defining] if defining is not None else None
    about = [i for i in pool if name.search(evidence.sentences[i].text) or (
        anchor is not None and evidence.sentences[i].hit == anchor.hit
        and abs(evidence.sentences[i].position - anchor.position) <= 1)]
    return about if about or defining is not None else pool


def _section_of(evidence: Evidence, index: int) -> tuple:
    return evidence.hits[evidence.sentences[index].hit].chunk.section_key


def _grouped(evidence: Evidence, picked: list[int]) -> list[int]:
    """Points kept together by section, sections in order of their best point; within a
    section, in document order, except that a sentence about the document itself ("The
    seventh section covers…") comes after the points about the subject."""
    def section(i: int) -> tuple:
        chunk = evidence.hits[evidence.sentences[i].hit].chunk
        return chunk.source, chunk.section or chunk.page

    first_seen: dict[tuple, int] = {}
    for rank, i in enumerate(picked):
        first_seen.setdefault(section(i), rank)
    return sorted(picked, key=lambda i: (first_seen[section(i)],
                                         bool(_SELF_REFERENCE.search(evidence.sentences[i].text)),
                                         evidence.sentences[i].hit,
                                         evidence.sentences[i].position))


def _line(evidence: Evidence, index: int, bullet: str = "") -> Line:
    sentence = evidence.sentences[index]
    return Line(_tidy(sentence.text), sentence.hit + 1, bullet)


def _tidy(text: str) -> str:
    text = neutralise_markers(text).strip().rstrip(";,")
    return text[:1].upper() + text[1:]


def _defines(subject: str, sentence: str, label: str) -> bool:
    """The sentence says what the subject is: "X is/are/means…", "X (…) is", "the X approach,
    which focuses on…", "X, a national programme…", or it follows a label or heading that
    names X ("Core20PLUS5. LLR has adopted this national approach…")."""
    s = re.escape(subject.lower())
    text = sentence.lower()
    copula = r"(?:\s*\([^)]*\))?,?\s+(?:is|are|was|were|means|refers to|describes|stands for)\b"
    appositive = r"(?:\s+[\w-]+){0,2},\s+(?:which|an?)\s"
    return bool(re.search(rf"\b{s}\b{copula}", text) or
                re.search(rf"\b{s}\b{appositive}", text) or
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


def _repeats(evidence: Evidence, index: int, chosen: list[int]) -> bool:
    return any(says_again(evidence.sentences[index].text, evidence.sentences[other].text)
               for other in chosen)


def render(lines: list[Line]) -> str:
    """Lines as Markdown: prose lines joined, bullets and numbered steps one a line, each with
    its marker before the final stop."""
    out: list[str] = []
    prose: list[str] = []
    for line in lines:
        if line.bullet == "…":  # the end of a list cut short: a bullet of its own
            if prose:
                out.append(" ".join(prose))
                prose = []
            out.append(f"- {line.text} [{line.cite}]")
            continue
        text = " ".join(with_marker(part, line.cite) for part in (
            f"{line.label}: {line.text}" if line.label else line.text, *line.then))
        if not line.bullet:
            if not prose and out and out[-1]:  # after a bullet: a blank line, else Markdown
                out.append("")  # reads the prose as the bullet's continuation
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
    return [texts[(line.text, line.cite)] for line in lines if (line.text, line.cite) in texts
            and not line.text.endswith(":")]  # a list's lead-in supports none of it
