"""Sentences from retrieved passages, scored against a question, and how strong the evidence is.

Shared by the extractive answerer (which picks sentences), the LLM backends (which check
their output against passages) and the refusal decision. Scores mix the embedding similarity
of a sentence to the question with IDF-weighted overlap of the question's terms, so a question
whose rare words appear nowhere in the evidence is recognised as unanswered even when the
passages are on a neighbouring topic.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.embeddings import Embedder
from assistant.lexical import LexicalIndex
from assistant.retrieval import Hit
from assistant.stopwords import QUESTION_OPENERS
from assistant.structure import CONTENTS_LINE, passage_units

_DATE = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2} (?:January|February|March|April|May|June|"
                   r"July|August|September|October|November|December)\b|\b(?:January|February|"
                   r"March|April|May|June|July|August|September|October|November|December)\b")
# A sentence that only sends the reader elsewhere: "See the separate pledges document for more
# detail", "Please refer to the full version of the plan…", "Full details of the process are
# set out in the Standard Operating Procedures", "For more information, visit…". Not "See a
# pharmacist for further advice", nor "Further information will be published on 1 May".
CROSS_REFERENCE = re.compile(
    r"^(?:please\s+)?(?:see|refer to)\s+(?:also\s+)?(?:the\s+|our\s+|this\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:document|report|section|appendix|annex|chapter|page|website|version|guidance)s?\b|"
    r"^for (?:more|further) (?:information|details?)\b|"
    r"^(?:full|further|more) (?:details?|information)\b.*?\b(?:is|are|can be) (?:set out|given|"
    r"found|available) (?:in|on|at)\b", re.I)
_SMALL_NUMBERS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
_NUMBER_WORDS = f"{_SMALL_NUMBERS}|hundred|thousand|million|half|third|quarter"
_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE)
_MONEY = re.compile(r"£|\bmillion\b|\bbn\b|\d+m\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")
_WORD_NUMBER = re.compile(rf"\b({_NUMBER_WORDS})\b", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d(?:/\d\d(?:\d\d)?)?")
_COUNTED = re.compile(
    r"\bhow many (?:more |extra |new |other )?((?:[a-z][a-z'-]* ){0,4}?[a-z][a-z'-]*?)"
    r"(?= (?:will|would|are|is|does|do|did|have|has|had|were|was|in|of|for|across|at|by|on|"
    r"can|could|should|there|per|a|each|does)\b|\?|$)")
_ROLE = re.compile(r"(?:^who (?:is |was |are |were )?|\bname of )(?:the )?"
                   r"(?:current |new |former )?(chairs?|leads?|heads?|runs?|manages?|directs?|"
                   r"chair|leader|director|manager|head|chief|mayor|president|minister|"
                   r"secretary|governor)\b")
_PLURAL = re.compile(r"[a-z'-]+[^s']s|people|children|staff|men|women|police")
_ROLE_VERBS = {"leads", "heads", "runs", "manages", "directs"}
_ROLE_NOUNS = ["leader", "head", "chief", "executive", "director", "chair", "manager", "lead"]
# A count of people in general is given as a count of some group of them: "how many people
# had waited" by "10,836 patients", "how many female patients" by "8,200 women"; a count of
# children is not answered by one of adults.
_PEOPLE_IN_GENERAL = ("people", "individuals", "patients", "residents")
_PEOPLE = (*_PEOPLE_IN_GENERAL, "adults", "children", "women", "men", "carers")
COUNT_WINDOW = 4  # words a count may stand before what it counts
_COUNT_TOKEN = re.compile(rf"\d[\d,.]*%?|{_SMALL_NUMBERS}|(?:hundred|thousand|million|dozen)s?",
                          re.IGNORECASE)
_NAMED = re.compile(
    r"\bwho\b|\bwhat is the name of\b|\b(?:which|what) (?:[\w'-]+ ){0,3}?(?:company|companies|firm|"
    r"manufacturer|supplier|contractor|club|charity|charities|app|consultancy|university|"
    r"hospitals?|trusts?|councils?|boards?|practices|organisations?|bodies)\b")
_LEAD_IN = re.compile(r"(?:\b(?:said|says|added|adds|explained|commented|stated|told [\w ]+"
                      r"|wrote|writes)\b,?|:)$")
_OPEN_QUOTE = re.compile(r"“|(?:^|(?<=[\s(:]))\"(?=\S)")
_CLOSE_QUOTE = re.compile(r"”|(?<=\S)\"(?=[\s.,;:!?)]|$)")
_DURATION_COMPOUND = re.compile(r"\b[\w.]+-(?:years?|weeks?|days?|months?|hours?|point)\b")
_CAPITALISED = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][A-Za-z'’]+\b")
_YEAR_IN_QUESTION = re.compile(rf"\b{_YEAR.pattern}\b")
_KIND_PATTERNS = {"money": _MONEY, "date": _DATE, "number": _NUMBER, "name": _NAME}
CACHE_SIZE = 20_000  # sentence and word vectors kept (about 30 MB)
SURROUNDINGS_CREDIT = 0.3  # for a word only the rest of the passage has (the quote's speaker)
SOFT_MATCH_FLOOR = 0.55  # word cosine that earns no credit (chosen on the three eval sets)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])+|\d[\d,./]*")
_FRAMING = re.compile(
    r"^(?:please\s+)?(?:(?:what|how) (?:does|do|did|will) (?:the )?(?:plan|documents?|ICB|it)"
    r" (?:say|said|state|mention|propose|plan)(?: about| on| for| regarding)?|tell me (?:about|"
    r"what)|what is said about|according to the plan,?|summari[sz]e|describe)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a retrieved passage; `hit` indexes the passage in the hit list."""

    text: str
    hit: int
    position: int


REPEATED_WORDS = 0.6  # share of the shorter sentence's words that makes it a repeat


def says_again(text: str, other: str) -> bool:
    """Most words of the shorter of two sentences are in the other: one repeats the other
    ("She also called for … 'parity of esteem'" after the sentence it comes from)."""
    words, theirs = (set(re.findall(r"[a-z0-9]+", t.lower())) for t in (text, other))
    return len(words & theirs) / max(1, min(len(words), len(theirs))) > REPEATED_WORDS


@lru_cache(maxsize=CACHE_SIZE)
def passage_sentences(text: str) -> tuple[str, ...]:
    """The passage's sentences and list items (`structure.split_units`), memoised: the same
    passages come back for many questions."""
    return tuple(unit.text for unit in passage_units(text))


@dataclass(frozen=True)
class Quoting:
    """Where a passage leaves off: the speaker of a quotation still open, and the last one."""

    open: str = ""
    last: str = ""


def quotation_speakers(sentences: list[str] | tuple[str, ...],
                       before: Quoting = Quoting()) -> tuple[list[str], Quoting]:
    """Who speaks each sentence: the lead-in ("Angela Hillery, chief executive of LPT,
    said:") of the quotation it sits in, or "". News stories quote officials over several
    sentences and paragraphs and name them once; a paragraph that opens with a quotation mark
    continues the last speaker's words. `before` is where the previous passage left off."""
    speakers, current, last = [], before.open, before.last
    for sentence in sentences:
        opening = _OPEN_QUOTE.search(sentence)
        if not current and opening:
            lead = sentence[:opening.start()].strip()
            current = lead if _LEAD_IN.search(lead) else last if not lead else ""
        speakers.append(current)
        last = current or last
        if current and _CLOSE_QUOTE.search(sentence, opening.end() if opening else 0):
            current = ""
    return speakers, Quoting(current, last)


def not_a_claim(text: str) -> bool:
    """A question, a list's lead-in, a bare heading ("Children and young people") or a
    contents line ("Monitoring delivery … 43"): nothing an answer can rest on."""
    words = len(text.split())
    heading = words <= 6 and text.rstrip()[-1:] not in ".!;)\"”’"
    return (text.rstrip()[-1:] in "?:" or words < 4 or heading
            or CONTENTS_LINE.search(text) is not None)


def focus(question: str) -> str:
    """The question without framing such as "what does the plan say about", which would
    otherwise pull in sentences that merely mention the plan."""
    stripped = _FRAMING.sub("", question.strip()).strip()
    return stripped if len(stripped) >= 3 else question


# "Under the IFR policy, what makes…?", "In the dementia strategy, why…", "When the panel
# weighs up a request, what does it look at?": a frame before the question proper, which is
# read without it ("When will the hubs open, what…" and "When was it set up, who…" are no
# frames: a question opens them).
FRAME = re.compile(r"^(?:(?:under|in|according to|for|within|from|across|if|once|while)\b|"
                   r"(?:when|where)\s+(?!(?:is|are|was|were|has|have|had)\b)(?!(?:[\w'’-]+\s+)"
                   r"{0,2}(?:will|would|can|could|should|shall|must|may|might|do|does|did)\b))"
                   r"[^,?]{2,120},\s*(?=(?:what|which|who|why|how|when|where)\b)", re.I)


def question_proper(question: str) -> str:
    """The question without the frames before it ("In Rutland, when the hubs open, how
    many staff…?" -> "how many staff…?")."""
    while (proper := FRAME.sub("", question, count=1)) != question:
        question = proper
    return question


def question_kind(question: str) -> str | None:
    """The kind of answer the question's form asks for: money, date, number, name or None
    (of the question proper: "When the hub opens, what will it offer?" asks for no date)."""
    q = question_proper(question.lower().strip())
    if re.search(r"\bhow much (money|funding)\b|\bhow much (will|does|did) .* cost\b|"
                 r"\b(total )?budget\b|\bwhat (is|was|are|were) the (?:[\w'-]+ ){0,3}"
                 r"(cost|price|spend|spending)\b", q):
        return "money"
    if re.search(r"^(when|on what date|by when)\b|\b(what date|which year|what year|"
                 r"by what year)\b", q):
        return "date"
    if re.search(r"\bhow many\b|\bwhat (percentage|proportion|share|number|rate)\b|"
                 r"\bwhat age(?![\w-]| groups?\b)|\bhow old\b|"
                 r"\b(tele)?phone number\b|"
                 r"\bin years\b|\bhow long\b|\bwhat (is|was|are|were) the (?:[\w'-]+ ){0,3}"
                 r"(rate|percentage|proportion|uptake|average)\b", q):
        return "number"
    if _NAMED.search(q):
        return "name"
    return None


def has_kind(kind: str | None, text: str, question: str = "") -> bool:
    """Whether a sentence could answer a question of that kind at all: a count needs a number
    that is not a year, and neither counts nor names may be ones the question already gives
    (a "five-year plan" holds no answer to "how many", "the Dementia Strategic Partnership
    Group" none to "who will chair the Dementia Strategic Partnership Group?")."""
    text = _DURATION_COMPOUND.sub(" ", text)
    asked = set(re.findall(r"[a-z0-9]+", question.lower()))
    if kind == "number":
        words = [w for w in text.split() if w.lower().strip(".,;:()%'\"") not in asked]
        text = " ".join(words)
        return bool(_WORD_NUMBER.search(text)) or any(
            not _YEAR.fullmatch(n) for n in re.findall(r"\d[\d,./]*\d|\d", text))
    if kind == "name":
        given = " ".join(question.lower().split())
        return any(name.lower() not in given for name in _NAME.findall(text))
    pattern = _KIND_PATTERNS.get(kind or "")
    return pattern is None or pattern.search(text) is not None


def question_entities(question: str) -> list[str]:
    """The places, names and years a question is specifically about ("Rutland", "Glenfield",
    "2023/24"): capitalised words other than the first, and years. An answer about the whole
    area, another hospital or another year answers a different question. Acronyms are left
    out: a question may use one its passage never spells (CYP, ICS, HEE)."""
    words = [word for word in _CAPITALISED.findall(question.strip())
             if not word.rstrip("s").isupper() and word.lower() not in QUESTION_OPENERS]
    return words + _YEAR_IN_QUESTION.findall(question)


def _counted(question: str) -> list[str]:
    """The words of what a "how many" question counts, up to its first plural (its head)."""
    if counted := _COUNTED.search(question.lower()):
        words = counted.group(1).split()
        head = next((i for i, w in enumerate(words) if _PLURAL.fullmatch(w)), len(words) - 1)
        return words[:head + 1]
    return []


def counted_phrase(question: str) -> list[str]:
    """The words of what a "how many" question counts: "how many local district and borough
    partnerships for..." gives all five, "how many west sussex care homes specialise" gives
    "west sussex care homes"; a count of people in general may name any group of them."""
    words = _counted(question)
    if words and words[-1] in _PEOPLE_IN_GENERAL:
        return words + [word for word in _PEOPLE if word not in words]
    return words


def counted_noun(question: str) -> str | None:
    """The thing a "how many" question counts: "west sussex care homes specialise" gives
    "homes" (the first plural), "GP practices are there" gives "practices"."""
    words = _counted(question)
    return words[-1] if words else None


def counts_near(sentence: str, noun_terms: set[str], term_of) -> bool:
    """Whether a number (not a year) stands within four words before a word of the counted
    phrase: "132 GP practices", "eight neighbourhood teams", "13 PCNs" (an acronym may name
    it), "six District and Borough ... Partnerships". A "how many people" question is not
    answered by "nine key sections ... keeping people well"."""
    tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9,.%'-]*", sentence)
    for i, token in enumerate(tokens):
        word = token.rstrip(",.")
        if term_of(word) in noun_terms or (word.rstrip("s").isupper() and len(word) > 1):
            before = [t.rstrip(",.") for t in tokens[max(0, i - COUNT_WINDOW):i]]
            if any(_COUNT_TOKEN.fullmatch(t) and not _YEAR.fullmatch(t) for t in before):
                return True
    return False


def required_words(question: str) -> list[list[str]]:
    """Words an answer must mention, as groups of which each needs one member: the thing
    counted in "how many X", the role in "who chairs / who is the chair of / what is the
    name of the chief executive" ("who leads X" is answered by "X's chief executive")."""
    if noun := counted_noun(question):
        return [list(_PEOPLE) if noun in _PEOPLE_IN_GENERAL else [noun]]
    if role := _ROLE.search(question.lower()):
        word = role.group(1)
        return [[word, *_ROLE_NOUNS] if word in _ROLE_VERBS else [word]]
    return []


class EvidenceScorer:
    """Scores sentences and passages against one question."""

    def __init__(self, embedder: Embedder, lexical: LexicalIndex,
                 stored: Callable[[list[int]], list[np.ndarray]] | None = None) -> None:
        """`stored` reads the sentence vectors the index keeps for rows (`IndexView.
        sentence_vectors`), so that a passage seen for the first time costs no embedding."""
        self.embedder = embedder
        self.lexical = lexical
        self._stored = stored
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def coverage(self, question_terms: list[str], text: str) -> float:
        """IDF-weighted share of the question's terms that occur in `text`."""
        if not question_terms:
            return 0.0
        present = set(self.lexical.terms(text))
        weights = {term: self.lexical.idf(term) for term in set(question_terms)}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in present) / total if total else 0.0

    def term(self, word: str) -> str | None:
        """A word's stemmed index term (None for stop words)."""
        terms = self.lexical.terms(word)
        return terms[0] if terms else None

    def soft_coverage(self, question: str, text: str, surroundings: str = "") -> float:
        """IDF-weighted share of the question's words that `text` has, where a word the text
        lacks still earns partial credit for its nearest word there ("surgeries" and
        "practices", "created" and "formed"): credit rises from 0 at word-vector cosine
        SOFT_MATCH_FLOOR to 1 at cosine 1. Staff paraphrase; near misses ask about something
        the passage does not name ("Rutland" against "the whole area") and earn little. A
        word found only in `surroundings` (the rest of the passage: "the UHL chief executive"
        named before the quoted sentence) earns SURROUNDINGS_CREDIT."""
        asked = [(w.lower(), t) for w in _WORD.findall(focus(question)) if (t := self.term(w))]
        if not asked:
            return 0.0
        present = set(self.lexical.terms(text))
        offered = list(dict.fromkeys(w.lower() for w in _WORD.findall(text) if self.term(w)))
        missing = [w for w, term in asked if term not in present]
        nearest = (self.embed_sentences(missing) @ self.embed_sentences(offered).T).max(axis=1) \
            if missing and offered else np.zeros(len(missing))
        cosine = dict(zip(missing, nearest.tolist(), strict=True))
        around = set(self.lexical.terms(surroundings)) if surroundings else set()
        total = earned = 0.0
        for word, term in asked:
            weight = self.lexical.idf(term)
            total += weight
            similarity = cosine.get(word, 1.0)
            credit = min(1.0, max(0.0, (similarity - SOFT_MATCH_FLOOR) / (1 - SOFT_MATCH_FLOOR)))
            earned += weight * max(credit, SURROUNDINGS_CREDIT if term in around else 0.0)
        return earned / total if total else 0.0

    def embed_sentences(self, texts: list[str]) -> np.ndarray:
        """Sentence (or word) vectors, cached: the same passages come back for many
        questions."""
        found = {t: v for t in dict.fromkeys(texts) if (v := self._cache.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found |= zip(missing, self.embedder.embed_each(missing), strict=True)
            self._remember({t: found[t] for t in missing})
        return np.stack([found[t] for t in texts])

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        with self._lock:  # the app answers two questions at a time
            self._cache.update(vectors)
            while len(self._cache) > CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))

    def sentences(self, hits: list[Hit]) -> list[Sentence]:
        self._read_stored(hits)
        return [Sentence(text, index, position)
                for index, hit in enumerate(hits)
                for position, text in enumerate(passage_sentences(hit.chunk.text))]

    def _read_stored(self, hits: list[Hit]) -> None:
        """Cache the index's vectors for the sentences of `hits` not cached yet; a chunk whose
        stored vectors don't match its sentences (split by an older version) is left to
        `embed_sentences`."""
        if self._stored is None:
            return
        by_row = {hit.row: passage_sentences(hit.chunk.text) for hit in hits}
        unseen = {row: texts for row, texts in by_row.items()
                  if any(text not in self._cache for text in texts)}
        if not unseen:
            return
        rows = list(unseen)
        read = {text: vector.astype(np.float32)
                for row, vectors in zip(rows, self._stored(rows), strict=True)
                if len(vectors) == len(unseen[row])
                for text, vector in zip(unseen[row], vectors, strict=True)}
        self._remember(read)

    def score(self, question: str, sentences: list[Sentence], hits: list[Hit],
              question_vector: np.ndarray | None = None, *, rank_prior: bool = True
              ) -> tuple[np.ndarray, np.ndarray]:
        """(combined score, cosine) for each sentence; `rank_prior` favours sentences of
        higher-ranked passages slightly."""
        combined, cosine, _ = self.score_parts(question, sentences, hits, question_vector,
                                               rank_prior=rank_prior)
        return combined, cosine

    def score_parts(self, question: str, sentences: list[Sentence], hits: list[Hit],
                    question_vector: np.ndarray | None = None, *, rank_prior: bool = True
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(combined score, cosine, term overlap) for each sentence."""
        if not sentences:
            return np.zeros(0), np.zeros(0), np.zeros(0)
        if question_vector is None:
            question_vector = self.embedder.embed_batch([focus(question)])[0]
        vectors = self.embed_sentences([s.text for s in sentences])
        cosine = vectors @ question_vector
        terms = self.lexical.terms(focus(question))
        kind = question_kind(question)
        combined = np.zeros(len(sentences))
        overlaps = np.zeros(len(sentences))
        for i, sentence in enumerate(sentences):
            header = hits[sentence.hit].chunk.header
            own = self.coverage(terms, sentence.text)
            with_header = self.coverage(terms, f"{header} {sentence.text}")
            overlaps[i] = 0.75 * own + 0.25 * with_header
            bonus = _kind_bonus(kind, sentence.text, question)
            penalty = 0.3 if sentence.text.rstrip()[-1:] in "?:" else 0.0  # not a claim
            prior = 0.04 / (1 + sentence.hit) if rank_prior else 0.0
            combined[i] = 0.55 * cosine[i] + 0.35 * overlaps[i] + bonus + prior - penalty
        return combined, cosine, overlaps


def _kind_bonus(kind: str | None, text: str, question: str) -> float:
    return 0.08 if kind is not None and has_kind(kind, text, question) else 0.0
