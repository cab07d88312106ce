"""A language model's answer checked against the passages it was given, sentence by sentence.

A sentence is supported only when ONE span of a passage holds it: a sentence of the passage,
or a window of about 30 words where the passage has no real sentences (tables, infographic
pages whose text comes out of order). The span must hold every figure of the claim, each
beside a word the claim puts beside it ("87,000 … smokers" does not support "87,000
deaths"), every name the claim uses, most of its content words, and any

Markers: the marker a sentence ends with is its citation; a marker left after a full stop
belongs to the sentence before it; a marker opening the answer belongs to nothing and goes.
A sentence its cited passage does not support is re-cited when exactly one supplied passage
supports it, and dropped otherwise. Empty quotations ("X said: [1].") and sentences cut off
mid-clause are dropped.

What it cannot check: meaning beyond words and figures. A claim that reuses a span's words
in another relation ("A funds B" from "B funds A") passes; so does a claim whose figure sits
beside the right noun but the wrong year when both are in one span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer import MARKER
from assistant.stopwords import FUNCTION_WORDS, search_stopwords
from assistant.structure import split_sentences

WINDOW_WORDS = 30  # a span of a passage without sentences
WINDOW_STEP = 10
LONG_SENTENCE = 60  # words: a longer "sentence" is layout run together, read in windows
WORD_SHARE = 0.6  # content words of a claim its span must hold
MIN_SPLIT = 4  # content words from which each half of a claim is checked on its own
FOREIGN_WORDS = 2  # words from another supplied passage that make a claim a merge
FIGURE_REACH = 4  # words either side of a figure that say what it counts
NEGATION_REACH = 4  # words after a negation that it negates
MIN_VERBATIM = 3  # words a cut-off claim must share with its span up to the cut

_TOKEN = re.compile(r"(?:19|20)\d\d/\d\d\b|£?\d(?:[\d,.]*\d)?%?|[A-Za-z][A-Za-z'’-]*|[^\w\s]")
_YEAR = re.compile(r"(?:19|20)\d\d(?:/\d\d)?")
_FIGURE = re.compile(r"£?\d")
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither|without|cannot|nothing)\b|n['’]t\b",
                       re.IGNORECASE)
_SPEECH = re.compile(r"(?:\b(?:said|says|stated|added|explained|commented|told \w+)|:)\W*$",
                     re.IGNORECASE)
_EMPTY_QUOTE = re.compile(r"[“\"]\s*[”\"]")
_AFTER_STOP = re.compile(r"([.!?][”\"’)]*)((?:\s*\[\d+\])+)")
_LEADING = re.compile(r"^\s*(?:\[\d+\]\s*)+")
# Words that may start what follows a complete clause: a claim that stops before one of these
# has left out a phrase, not cut a clause in half ("approved in July 2023 | by the board").
CLAUSE_OPENERS = frozenset("""by in at on for from with to as and or but which who whom whose
where when while including through across within during after before over under because so
if until since via per than such each every both""".split())
# Words no finished sentence ends with.
_DANGLING = frozenset("""the a an of and or but to for with by from at as that which who whose
including such their its our is are was were will be than""".split())


_FINANCIAL_YEAR = re.compile(r"\b(20\d\d)\s*[/–-]\s*20(\d\d)\b")


def _normalised(text: str) -> str:
    """"2024/2025" and "2024-25" read as "2024/25", the NHS financial year's usual form."""
    return _FINANCIAL_YEAR.sub(r"\1/\2", text)


def stem(word: str) -> str:
    word = word.lower().replace("’", "'").removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _figure(token: str) -> str:
    return token.replace("£", "").replace(",", "").rstrip("%").rstrip(".")


@dataclass(frozen=True)
class Claim:
    """What a sentence asserts, in the terms a span is checked for."""

    text: str
    tokens: tuple[str, ...]
    words: frozenset[str]  # content-word stems
    halves: tuple[frozenset[str], ...]  # the same, of its first and second half
    names: frozenset[str]  # stems of capitalised words after the first
    figures: tuple[tuple[str, frozenset[str]], ...]  # figure, stems of the words beside it
    negated: tuple[str, ...]  # stems of the words the claim negates (the first after "not")

    @classmethod
    def of(cls, text: str) -> Claim:
        tokens = tuple(_TOKEN.findall(_normalised(text)))
        ignored = search_stopwords() | FUNCTION_WORDS
        ordered = list(dict.fromkeys(stem(t) for t in tokens if t[0].isalpha() and len(t) > 2
                                     and t.lower() not in ignored))
        half = len(ordered) // 2
        halves = ((frozenset(ordered[:half]), frozenset(ordered[half:]))
                  if len(ordered) >= MIN_SPLIT else ())
        names = frozenset(stem(t) for t in tokens[1:]
                          if t[0].isupper() and t.lower() not in ignored)
        return cls(text, tokens, frozenset(ordered), halves, names, _figures(tokens, ignored),
                   _negated(tokens, ignored))


def _negated(tokens: tuple[str, ...], ignored: frozenset[str]) -> tuple[str, ...]:
    """The first content word after each negation: "is not expected" negates "expected"."""
    out = []
    for i, token in enumerate(tokens):
        if _NEGATION.search(token):
            following = next((t for t in tokens[i + 1:]
                              if t[0].isalnum() and t.lower() not in ignored), None)
            out.append(stem(following) if following else "")
    return tuple(out)


def _beside(tokens: tuple[str, ...], at: int) -> set[str]:
    """Stems of the words (not figures, not punctuation) within reach either side of
    `tokens[at]`."""
    words = [(i, t) for i, t in enumerate(tokens) if t[0].isalpha()]
    before = [t for i, t in words if i < at][-FIGURE_REACH:]
    after = [t for i, t in words if i > at][:FIGURE_REACH]
    return {stem(t) for t in before + after}


def _figures(tokens: tuple[str, ...], ignored: frozenset[str]
             ) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each figure with the words that say what it counts. A year says what it is itself
    and may move with its clause ("In 2024, X" is "X in 2024"), so it is checked only for
    being there."""
    out = []
    for i, token in enumerate(tokens):
        if _FIGURE.match(token):
            beside = set() if _YEAR.fullmatch(token) else _beside(tokens, i)
            out.append((_figure(token), frozenset(w for w in beside if w not in ignored)))
    return tuple(out)


@dataclass(frozen=True)
class Span:
    """A sentence of a passage, or a window of one, as the checks read it."""

    text: str
    tokens: tuple[str, ...]
    stems: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Span:
        tokens = tuple(_TOKEN.findall(_normalised(text)))
        return cls(text, tokens, frozenset(stem(t) for t in tokens if t[0].isalpha()))

    def negates(self, word: str) -> bool:
        """A negation stands within reach before `word` here ("" : any negation at all)."""
        for i, token in enumerate(self.tokens):
            if _NEGATION.search(token):
                reach = self.tokens[i + 1: i + 1 + NEGATION_REACH]
                if not word or word in {stem(t) for t in reach}:
                    return True
        return False

    def figure_beside(self, figure: str, wanted: frozenset[str]) -> bool:
        """The figure occurs here with at least one of `wanted` within reach of it."""
        for i, token in enumerate(self.tokens):
            if (_FIGURE.match(token) and _figure(token) == figure
                    and (not wanted or wanted & _beside(self.tokens, i))):
                return True
        return False


def spans(passage: str) -> list[Span]:
    """The passage's sentences, read in windows of about 30 words where a "sentence" runs
    far past any real one (layout read as one long line)."""
    out = []
    for sentence in split_sentences(passage):
        words = sentence.split()
        if len(words) <= LONG_SENTENCE:
            out.append(Span.of(sentence))
            continue
        for start in range(0, max(1, len(words) - WINDOW_WORDS + WINDOW_STEP), WINDOW_STEP):
            out.append(Span.of(" ".join(words[start: start + WINDOW_WORDS])))
    return out


def _holds(span: Span, words: frozenset[str]) -> bool:
    return len(words & span.stems) >= WORD_SHARE * len(words)


def merged(claim: Claim, span: Span, others: list[list[Span]]) -> bool:
    """The claim carries words its span lacks that another supplied passage has: two of
    them, or one when half the claim is not in its span. The facts of two passages run
    together ("the centre opens at Hinckley in 2024/25 and will cost £4m", the cost from
    another passage); a reworded claim's new words are seldom in another passage."""
    foreign = (claim.words - span.stems) & {stem for passage in others for other in passage
                                            for stem in other.stems}
    weak = any(not _holds(span, half) for half in claim.halves)
    return len(foreign) >= FOREIGN_WORDS or (weak and len(foreign) >= 1)


def unsupported_because(claim: Claim, span: Span) -> str | None:
    """Why `span` does not support `claim`, or None when it does."""
    for figure, beside in claim.figures:
        if not span.figure_beside(figure, beside):
            return "figure"
    if claim.names - span.stems:
        return "name"
    if not claim.words or not _holds(span, claim.words):
        return "words"
    if not all(span.negates(word) for word in claim.negated):
        return "negation"
    return None


def supported_by(claim: Claim, passage: list[Span]) -> Span | None:
    """The first span of a passage that supports the claim."""
    return next((span for span in passage if unsupported_because(claim, span) is None), None)


def incomplete(claim: Claim, span: Span) -> str | None:
    """Why a claim is not a whole statement: an empty quotation, or a sentence cut off
    mid-clause (it ends on a joining word, or it copies the span that supports it up to a
    point where the span's clause goes on)."""
    text = claim.text.strip()
    if _EMPTY_QUOTE.search(text) or _SPEECH.search(text.rstrip(" .")):
        return "empty quotation"
    words = [t for t in claim.tokens if t[0].isalnum() or t[0] == "£"]
    if text.rstrip(" .")[-1:] in ",;-–" or words[-1].lower() in _DANGLING:
        return "cut off"
    tail = tuple(t.lower() for t in claim.tokens if t not in ".!?")[-MIN_VERBATIM:]
    lowered = [t.lower() for t in span.tokens]
    for i in range(len(lowered) - len(tail)):
        if tuple(lowered[i: i + len(tail)]) == tail:
            following = span.tokens[i + len(tail)]
            if following[0].isalnum() and following.lower() not in CLAUSE_OPENERS:
                return "cut off"
    return None


def supports(sentence: str, passages: list[str]) -> bool:
    """Whether one span of one of the passages supports the sentence (markers ignored)."""
    claim = Claim.of(MARKER.sub("", sentence))
    return any(supported_by(claim, spans(passage)) for passage in passages)


@dataclass
class Checked:
    """The answer as shown: kept sentences with their markers, and what was removed."""

    text: str
    removed: dict[str, int] = field(default_factory=dict)  # reason -> sentences
    recited: int = 0

    @property
    def dropped(self) -> int:
        return sum(self.removed.values())


def _with_markers(claim: str, numbers: list[int]) -> str:
    claim = claim.strip()
    stop = re.search(r"[.!?][”\"’)]*$", claim)
    markers = "".join(f"[{n}]" for n in numbers)
    if stop:
        return f"{claim[:stop.start()].rstrip()} {markers}{stop.group(0)}"
    return f"{claim} {markers}."


def check_answer(raw: str, passages: list[str]) -> Checked:
    """Keep each sentence of `raw` that a span of a passage supports, cited to that passage;
    `[n]` in `raw` refers to `passages[n-1]`."""
    text = _LEADING.sub("", raw.strip())
    text = _AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    read = [spans(passage) for passage in passages]
    checked = Checked("")
    kept: list[str] = []
    for sentence in split_sentences(text):
        cited = [int(n) for n in MARKER.findall(sentence) if 1 <= int(n) <= len(passages)]
        claim = Claim.of(MARKER.sub("", sentence).replace(" .", ".").strip())
        reason = None if claim.words or claim.figures else "no claim"
        if reason is None:
            supporting = {n: span for n in range(1, len(passages) + 1)
                          if (span := supported_by(claim, read[n - 1]))}
            numbers = [n for n in dict.fromkeys(cited) if n in supporting]
            if not numbers and len(supporting) == 1:
                numbers = list(supporting)
                checked.recited += 1
            if not numbers:
                reason = "unsupported" if not supporting else "ambiguous"
            else:
                span = supporting[numbers[0]]
                others = [read[n - 1] for n in range(1, len(passages) + 1) if n not in numbers]
                reason = "merged" if merged(claim, span, others) else incomplete(claim, span)
        if reason:
            checked.removed[reason] = checked.removed.get(reason, 0) + 1
            continue
        kept.append(_with_markers(claim.text, numbers))
    checked.text = " ".join(kept)
    return checked
