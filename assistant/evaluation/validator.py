"""How well the answer validator tells faithful sentences from corrupted ones.

Answer sentences are built from the evaluation sets' evidence: the sentence of the source
that holds each evidence quote, inside a passage of about 200 words around it, supplied with
two passages of other documents. Faithful variants (verbatim, lightly reworded, clauses
reordered) should be kept; corrupted ones (a figure swapped for another figure of the same
passage, the marker moved to another passage, two passages' facts merged, a name replaced,
a negation added, the sentence cut off) should be rejected — for a moved marker, rejected
means the sentence is not shown citing the wrong passage (dropping it or re-citing it to the
right one both count).
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from assistant.answer.validation import CLAUSE_OPENERS, check_answer
from assistant.documents import load_document, page_text
from assistant.evaluation.qa import load_qa
from assistant.structure import split_sentences

FAITHFUL = ("verbatim", "paraphrase", "reordered")
CORRUPTED = ("figure swapped", "marker moved", "facts merged", "name replaced",
             "negation added", "cut off")
PASSAGE_CHARS = 600  # either side of the quote
SETS = ("qa", "realdocs", "seeds")

_FIGURE = re.compile(r"£?\d(?:[\d,.]*\d)?%?")
_NAME = re.compile(r"(?<=\s)[A-Z][a-z]{3,}\b")
_LEADING_PHRASE = re.compile(r"^((?:In|By|From|Since|Over|During|Across|Within|Under|After|"
                             r"Before|For) [^,]{3,60}), (\w)(.*?)([.!?])$")
_NEGATABLE = re.compile(r"\b(will|is|are|was|were|has|have|can|should|would)\b")
_REWORDINGS = ((r"\bwill\b", "is going to"), (r"\bHowever, ", ""), (r"\balso ", ""),
               (r"\bapproximately\b", "about"), (r"\bin order to\b", "to"),
               (r"\bas well as\b", "and"), (r"(?<=[a-z]) and (?=[a-z])", " as well as "))


@dataclass(frozen=True)
class Evidence:
    """A sentence of a source and the passage around it."""

    source: str
    sentence: str
    passage: str

    @property
    def half(self) -> str:
        """"dev" or "test", fixed by the sentence: tune on one, report both."""
        return "dev" if zlib.crc32(self.sentence.encode()) % 2 == 0 else "test"


@dataclass(frozen=True)
class Case:
    half: str
    kind: str
    sentence: str  # with its [n] marker
    passages: tuple[str, ...]
    right: int  # the passage the sentence comes from (1-based)
    cited: int  # the passage its marker names

    @property
    def faithful(self) -> bool:
        return self.kind in FAITHFUL

    def handled(self) -> bool:
        """Faithful: kept. Corrupted: not shown (a moved marker: not shown citing it)."""
        shown = check_answer(self.sentence, list(self.passages)).text
        if self.faithful:
            return bool(shown)
        if self.kind == "marker moved":
            return f"[{self.cited}]" not in shown
        return not shown


def _is_year(figure: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", figure))


def _window(text: str, quote: str) -> str | None:
    flat = re.sub(r"\s+", " ", text)
    at = flat.find(re.sub(r"\s+", " ", quote))
    if at < 0:
        return None
    start = flat.rfind(" ", 0, max(0, at - PASSAGE_CHARS)) + 1
    end = flat.find(" ", at + len(quote) + PASSAGE_CHARS)
    return flat[start: end if end > 0 else len(flat)]


def gather(root: Path) -> list[Evidence]:
    """One `Evidence` per distinct quote of the evaluation sets whose sentence reads as one
    (6 to 60 words)."""
    found: dict[str, Evidence] = {}
    documents: dict[str, object] = {}
    for name in SETS:
        path = root / "eval" / f"{name}.jsonl"
        for item in load_qa(path) if path.is_file() else []:
            for evidence in item.evidence:
                source = root / evidence.source
                if not source.is_file():
                    continue
                if evidence.source not in documents:
                    documents[evidence.source] = load_document(source)
                passage = _window(page_text(documents[evidence.source], evidence.page),
                                  evidence.quote)
                if passage is None:
                    continue
                quote = set(evidence.quote.split())
                sentence = max(split_sentences(passage),
                               key=lambda s: len(quote & set(s.split())))
                if 6 <= len(sentence.split()) <= 60 and sentence not in found:
                    found[sentence] = Evidence(evidence.source, sentence, passage)
    return list(found.values())


def _variants(evidence: Evidence, others: list[Evidence], supplied: list[Evidence],
              rng: random.Random) -> dict[str, str]:
    """Each kind of sentence that can be made from this one (kinds that don't apply are
    left out: a sentence without figures has no figure to swap). Merged facts come from a
    sentence of another passage supplied with it, as a model would merge them."""
    sentence = evidence.sentence.strip()
    out = {"verbatim": sentence}
    for pattern, replacement in _REWORDINGS:
        reworded = re.sub(pattern, replacement, sentence, count=1)
        if reworded != sentence:
            out["paraphrase"] = reworded[:1].upper() + reworded[1:]
            break
    if match := _LEADING_PHRASE.match(sentence):
        phrase, first, rest, stop = match.groups()
        out["reordered"] = f"{first.upper()}{rest} {phrase[0].lower()}{phrase[1:]}{stop}"
    figures = _FIGURE.findall(sentence)
    spare = [f for f in dict.fromkeys(_FIGURE.findall(evidence.passage))
             if figures and f not in figures and _is_year(f) == _is_year(figures[0])]
    if spare:
        out["figure swapped"] = sentence.replace(figures[0], rng.choice(spare), 1)
    words = sentence.split()
    other = rng.choice(split_sentences(rng.choice(supplied).passage)).split()
    out["facts merged"] = " ".join(words[: len(words) // 2] + other[len(other) // 2:])
    names = [n for n in _NAME.findall(sentence) if n.lower() not in {"the", "this"}]
    strangers = [n for o in others for n in _NAME.findall(o.sentence)
                 if n.lower() not in evidence.passage.lower()]
    if names and strangers:
        out["name replaced"] = sentence.replace(names[0], rng.choice(strangers), 1)
    if match := _NEGATABLE.search(sentence):
        word = match.group(1)
        out["negation added"] = (sentence[: match.start()] +
                                 ("cannot" if word == "can" else f"{word} not")
                                 + sentence[match.end():])
    cuts = [i for i in range(max(3, len(words) // 2), len(words) * 3 // 4 + 1)
            if i < len(words) - 1 and words[i][:1].isalnum()
            and words[i].lower() not in CLAUSE_OPENERS]  # inside a clause, not between two
    if cuts:
        out["cut off"] = " ".join(words[: rng.choice(cuts)]).rstrip(",;:") + "."
    out["marker moved"] = sentence
    return out


def build_cases(evidence: list[Evidence], seed: int = 7) -> list[Case]:
    """Every variant of every evidence sentence, with two other documents' passages."""
    rng = random.Random(seed)
    cases = []
    for item in evidence:
        others = [e for e in evidence if e.source != item.source]
        if len(others) < 2:
            continue
        picked = rng.sample(others, 2)
        passages = [item.passage, picked[0].passage, picked[1].passage]
        rng.shuffle(passages)
        right = passages.index(item.passage) + 1
        for kind, text in _variants(item, others, picked, rng).items():
            cited = right if kind != "marker moved" else (right % 3) + 1
            marked = re.sub(r"([.!?][”\"’)]*)?$", lambda m, n=cited: f" [{n}]{m.group(0)}",
                            text.rstrip(), count=1)
            cases.append(Case(item.half, kind, marked, tuple(passages), right, cited))
    return cases


def score(cases: list[Case]) -> dict:
    """Share handled by kind, and the two headline shares, for each half and both."""
    handled = [(case, case.handled()) for case in cases]
    return {half: _shares([(c, h) for c, h in handled if half in ("all", c.half)])
            for half in ("dev", "test", "all")}


def _shares(handled: list[tuple[Case, bool]]) -> dict:
    by_kind: dict[str, list[bool]] = {}
    for case, ok in handled:
        by_kind.setdefault(case.kind, []).append(ok)
    faithful = [ok for case, ok in handled if case.faithful]
    corrupted = [ok for case, ok in handled if not case.faithful]
    return {"faithful_kept": round(sum(faithful) / max(1, len(faithful)), 4),
            "corrupted_rejected": round(sum(corrupted) / max(1, len(corrupted)), 4),
            "n": len(handled),
            "by_kind": {kind: {"n": len(oks), "handled": round(sum(oks) / len(oks), 4)}
                        for kind, oks in sorted(by_kind.items(),
                                                key=lambda kv: (kv[0] not in FAITHFUL, kv[0]))}}
