"""The one decision whether to answer: evidence strength, and what the question asks about
that the documents never mention.

A question about something the corpus never names ("menopause", a hospital it has no passage
on) retrieves passages about its neighbours, and sentence scores alone cannot tell "about the
neighbour" from "about the thing". Two facts settle it: the word is in no chunk of the index,
and no word of the retrieved passages is a close word-vector neighbour of it (so "surgeries"
asked against "practices" is not missing). When such words carry a large share of the
question's focus, the answer is a refusal that names them; when they are a side detail, the
answer stands and lists them in `missing`.

Every question is checked for missing words except one asking for a value (a date, number,
sum or name): value questions' near misses are caught by the strength rule, whose typed
coverage was tuned on the factoid sets, and paraphrased value questions ("set up" for
"formed") lost more than they gained. A fact question that asks for no value ("What
menopause support will the hubs offer?") is checked like an open one. Words that say what
the question does (verbs) or what kind of answer it wants (the head of "Which national
initiative…") are never missing: the documents need not use them.

Leaves out how strength is computed (`pipeline.Pipeline.gather`, `answer.Evidence`).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.evidence import EvidenceScorer
from assistant.naming import name_word
from assistant.question import Question
from assistant.retrieval import Hit

NEIGHBOUR_COSINE = 0.6  # a passage word this close to a question word stands in for it
FOCAL_SHARE = 0.25  # missing words carrying this share of the focus make it a refusal


@dataclass(frozen=True)
class Decision:
    """Answer or refuse, why, and which of the question's words the documents never use."""

    answered: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# A word right after an auxiliary, a modal or "to" is a verb ("is trying to fix", "were
# chosen"): what the question does, not what it is about. Verbs are not topics a corpus lacks.
_AFTER_AUXILIARY = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|will|would|can|could|"
    r"should|may|might|must|to)\s+(?:not\s+|n't\s+|also\s+|still\s+)?([A-Za-z][\w'-]*)",
    re.IGNORECASE)
# ...and so is a word before a particle or an infinitive ("drew up", "chosen to concentrate")
# or a participle closing the question ("Why were these pledges chosen?").
_BEFORE_PARTICLE = re.compile(r"\b([A-Za-z][\w'-]*)\s+(?:up|down|out|off|back|on|by|"
                              r"to\s+[a-z]+)\b")
_CLOSING_PARTICIPLE = re.compile(r"\b([A-Za-z][\w'-]*(?:ed|en))\W*$")
# ...and so is the word after an auxiliary and its subject, when the subject is a pronoun or
# the document asked about ("which groups does it hit", "does the strategy flag as likely").
_AFTER_SUBJECT = re.compile(
    r"\b(?:does|do|did|will|would|can|could|should|must)\s+(?:it|they|he|she|we|you|"
    r"(?:the|this|its|their)\s+(?:[\w'’&-]+\s+){0,4}?(?:plan|strategy|framework|report|"
    r"guidance|document|addendum|policy|programme))\s+([A-Za-z][\w'-]*)", re.IGNORECASE)

# The head of an opening "which/what" phrase names the kind of answer wanted ("Which national
# initiative was…", "What job did…"), which the answer need not call by that name; its
# modifiers do name the topic ("What menopause support will…").
_WH_HEAD = re.compile(
    r"^\s*(?:which|what)\s+(?:[\w'’-]+\s+){0,3}?([A-Za-z][\w'’-]*)\s+(?:is|are|was|were|"
    r"did|does|do|will|would|has|have|had|can|could|should|must|might|may)\b", re.IGNORECASE)


def missing_words(question: Question, hits: list[Hit], scorer: EvidenceScorer) -> list[str]:
    """Focus words that no chunk of the index uses and that have no close neighbour among
    the words of the retrieved passages."""
    lexical = scorer.lexical
    verbs = {m.group(1).lower() for pattern in (_AFTER_AUXILIARY, _BEFORE_PARTICLE,
                                                _CLOSING_PARTICIPLE, _AFTER_SUBJECT)
             for m in pattern.finditer(question.text) if not _inverted(question.text, m)}
    if head := _WH_HEAD.match(question.text):
        verbs.add(head.group(1).lower())
    unseen = [word for word in question.focus_words
              if word.lower() not in verbs and not word.lower().endswith("n't")
              and not word.rstrip("s").isupper()  # acronyms: the glossary may spell them
              and (terms := lexical.terms(word))
              and all(lexical.document_frequency(t) == 0 for t in terms)]
    if not unseen:
        return []
    offered = list(dict.fromkeys(w.lower() for hit in hits for w in _WORD.findall(hit.chunk.text)
                                 if scorer.term(w)))
    if not offered:
        return unseen
    nearest = (scorer.embed_sentences([w.lower() for w in unseen])
               @ scorer.embed_sentences(offered).T).max(axis=1)
    return [word for word, cosine in zip(unseen, nearest.tolist(), strict=True)
            if cosine < NEIGHBOUR_COSINE]


def _inverted(text: str, match: re.Match) -> bool:
    """An auxiliary opening the question ("Will the centre…", "How will bowel screening…")
    is followed by the subject, not by a verb."""
    return match.re is _AFTER_AUXILIARY and len(text[:match.start()].split()) <= 1


def focal_share(question: Question, missing: list[str], scorer: EvidenceScorer,
                naming: AbstractSet[str] = frozenset()) -> float:
    """IDF-weighted share of the question's focus words that are missing. Words of a name
    that picked the document asked of (`naming`: "dementia" in "How will the dementia
    strategy help families arrange a lasting power of attorney?") say where to look, not
    what about, so they are not part of the focus."""
    weights = {w: max((scorer.lexical.idf(t) for t in scorer.lexical.terms(w)), default=0.0)
               for w in question.focus_words
               if not all(name_word(part) in naming for part in w.split("-") if part)}
    total = sum(weights.values())
    return sum(weights.get(w, 0.0) for w in missing) / total if total else 0.0


def decide(question: Question, strength: float, threshold: float, missing: list[str],
           share: float, has_hits: bool) -> Decision:
    """Answer only with passages, evidence strength at the threshold and no focal gap."""
    reasons = []
    if not has_hits:
        reasons.append("no passage was retrieved")
    if strength < threshold:
        reasons.append(f"evidence strength {strength:.2f} is below {threshold:.2f}")
    if missing and share >= FOCAL_SHARE:
        reasons.append(f"the documents never mention {', '.join(missing)} "
                       f"({share:.0%} of what the question is about)")
    return Decision(not reasons, tuple(reasons), tuple(missing))


def missing_notice(missing: tuple[str, ...] | list[str]) -> str:
    """'The documents don't mention menopause.' for the top of an answer or refusal."""
    words = list(missing)
    named = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"The documents don't mention {named}."


