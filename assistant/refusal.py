"""The one decision whether to answer: evidence strength, and what the question asks about
that the documents never mention.

A question about something the corpus never names ("menopause", a hospital it has no passage
on) retrieves passages about its neighbours, and sentence scores alone cannot tell "about the
neighbour" from "about the thing". Two facts settle it: the word is in no chunk of the index,
and no word of the retrieved passages is a close word-vector neighbour of it ("staff" asked
against "employees" is not missing; "surgeries" against "practices", cosine 0.36, is). A
question that names the document it asks of ("What does the dementia strategy say about the
DVLA?") is held to that document: a word only other documents use is missing from the one
asked about. An acronym counts as a word like any other unless the documents spell it out
somewhere ("Urgent and emergency care (UEC)"), in which case a question may use either form.
A word for a person or role ("navigators") is missing when the documents use only its
activity ("navigation"): the stemmer joins the two.
A word of what the question asks about needs a closer neighbour (`SUBJECT_NEIGHBOUR_COSINE`):
"meals" does not stand in for "breakfast" in "What part do school breakfast clubs play…?".
When such words carry a large share of the question's focus, or name what the question asks
about (its subject: "What role will care navigators play…?"; the object when the subject is
the document: "How will the Leeds strategy support kinship carers…?"), the answer is a
refusal that names them; when they are a side detail, the answer stands and lists them in
`missing`. The share weighs words by IDF, which is highest for every word no document uses,
"sure" in "make sure" as much as "endoscopy"; so the words must also carry some of the
question's meaning (`carried_meaning`: how far the question's vector moves without them),
unless one is the head of what the question asks about ("physician *associates*", which the
vector barely tells from "physician").

Every question is checked for missing words except one asking only for a value (a date,
number, sum or name; "…, and how many…?" after another question asks more): value
questions' near misses are caught by the strength rule, whose typed coverage was tuned on
the factoid sets, and paraphrased value questions ("set up" for "formed") lost more than
they gained. A fact question that asks for no value ("What
menopause support will the hubs offer?") is checked like an open one. Words that say what
the question does (verbs) or what kind of answer it wants (the head of "Which national
initiative…") are never missing: the documents need not use them.

Leaves out how strength is computed (`pipeline.Pipeline.gather`, `answer.Evidence`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from assistant.commitments.grammar import AUXILIARIES, DETERMINERS, is_participle, is_verb
from assistant.evidence import EvidenceScorer
from assistant.naming import names_the_document
from assistant.question import DOCUMENT_NOUNS, QUALIFIERS, WORD, Question
from assistant.retrieval import Hit
from assistant.stopwords import FUNCTION_WORDS, WH_WORDS

NEIGHBOUR_COSINE = 0.6  # a passage word this close to a question word stands in for it...
# ...and this close to a word of what the question asks about: "meals" (0.63) is near
# "breakfast", "family" (0.61) near "kinship", but a question about breakfast clubs or
# kinship carers is not answered by passages about meals or families.
SUBJECT_NEIGHBOUR_COSINE = 0.7
FOCAL_SHARE = 0.25  # missing words carrying this share of the focus make it a refusal...
CARRIED_FLOOR = 0.05  # ...when they also carry this much of the question's meaning


@dataclass(frozen=True)
class Decision:
    """Answer or refuse, why, and which of the question's words the documents never use."""

    answered: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()


_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])+")  # "cafés" is one word
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
# ...and so is a word ending in "-s" or "-ed" right after the wh-word that is the subject,
# before a determiner or a name ("What *distinguishes* Rutland…?", "What *makes* a treatment
# experimental?"; not "What services does…").
_WH_SUBJECT_VERB = re.compile(r"^\s*(?:[Ww]hat|[Ww]ho|[Ww]hich)\s+([a-z][\w'-]*(?:s|ed))\s+"
                              r"(?:(?:the|a|an|this|that|these|those|its|their|our)\b|[A-Z])")
# ...and so is the word after an auxiliary and its subject, when the subject is a pronoun or
# the document asked about ("which groups does it hit", "does the strategy flag as likely").
_AFTER_SUBJECT = re.compile(
    r"\b(?:does|do|did|will|would|can|could|should|must)\s+(?:it|they|he|she|we|you|"
    r"(?:the|this|its|their)\s+(?:[\w'’&-]+\s+){0,4}?(?:"
    + "|".join(sorted(DOCUMENT_NOUNS | {"programme"})) + r"))\s+([A-Za-z][\w'-]*)",
    re.IGNORECASE)

_HAVE = frozenset({"has", "have", "had"})
_BE = frozenset("is are was were am be been being".split())
_AUXILIARY_WORDS = AUXILIARIES | _BE
_OBJECT_PRONOUNS = frozenset({"it", "them", "us", "you", "him", "people"})

# The head of an opening "which/what" phrase names the kind of answer wanted ("Which national
# initiative was…", "What job did…"), which the answer need not call by that name; its
# modifiers do name the topic ("What menopause support will…").
_AUXILIARY = (r"(?:is|are|was|were|did|does|do|will|would|has|have|had|can|could|should|must|"
              r"might|may)\b")
# ("What will care navigators do…" has no such phrase: an auxiliary comes first.)
_WH_HEAD = re.compile(
    rf"^\s*(?:which|what)\s+(?:(?!{_AUXILIARY})[\w'’-]+\s+){{0,3}}?(?!{_AUXILIARY})"
    rf"([A-Za-z][\w'’-]*)\s+{_AUXILIARY}", re.IGNORECASE)


@dataclass(frozen=True)
class AskedOf:
    """Where a question's words are looked for: the index terms of the documents it names
    (None: the whole library), the words of the names that picked them, and the acronyms
    the documents define ("Urgent and emergency care (UEC)")."""

    terms: frozenset[str] | None = None
    naming: frozenset[str] = frozenset()
    acronyms: frozenset[str] = frozenset()
    lemmas: frozenset[str] | None = None  # `lemmas` of the documents' words, when known


def missing_words(question: Question, hits: list[Hit], scorer: EvidenceScorer,
                  asked_of: AskedOf = AskedOf()) -> list[str]:
    """Focus words that no chunk of the index uses (or, when the question names the
    documents it asks of, that those documents never use) and that have no close neighbour
    among the words of the retrieved passages; verbs and qualifiers ("key", "main") aside.
    An acronym the documents define, or spell out in the retrieved passages ("children and
    young people" for CYP), is not missing."""
    lexical = scorer.lexical
    verbs = {m.group(1).lower() for pattern in (_AFTER_AUXILIARY, _BEFORE_PARTICLE,
                                                _CLOSING_PARTICIPLE, _AFTER_SUBJECT,
                                                _WH_SUBJECT_VERB)
             for m in pattern.finditer(question.text) if not _not_a_verb(question.text, m)}
    if head := _WH_HEAD.match(question.text):
        verbs.add(head.group(1).lower())
    if question.verb:  # "Did LLR *beat* its plan?": the word after the subject
        verbs.add(question.verb.lower())
    if question.asks_object:  # "use *parkrun* to get…": a noun, not a verb before "to"
        verbs -= {w.lower() for w in question.asked_about}
    texts = [hit.chunk.text for hit in hits]
    unseen = [word for word in question.focus_words
              if word.lower() not in verbs | QUALIFIERS and not word.lower().endswith("n't")
              and not names_the_document(word, asked_of.naming)
              and not _defined_acronym(word, asked_of.acronyms, texts)
              and (terms := lexical.terms(word))
              and (all(lexical.document_frequency(t) == 0
                       or (asked_of.terms is not None and t not in asked_of.terms)
                       for t in terms)
                   or (asked_of.lemmas is not None and _names_a_role(word)
                       and lemma(word) not in asked_of.lemmas))]
    if not unseen:
        return []
    offered = list(dict.fromkeys(w.lower() for text in texts for w in _WORD.findall(text)
                                 if scorer.term(w)))
    if not offered:
        return unseen
    asked = {w.lower() for w in question.asked_about}
    nearest = (scorer.embed_sentences([w.lower() for w in unseen])
               @ scorer.embed_sentences(offered).T).max(axis=1)
    return [word for word, cosine in zip(unseen, nearest.tolist(), strict=True)
            if cosine < (SUBJECT_NEIGHBOUR_COSINE if word.lower() in asked
                         else NEIGHBOUR_COSINE)]


_SENTENCE_BREAK = re.compile(r"(?<=[.!?;:])\s+|\n+")
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ing", ""))
_ROLE_ENDINGS = ("or", "er", "ist")


def lemma(word: str) -> str:
    """A word without its inflection ("navigators" -> "navigator", "challenging" and
    "challenges" -> "challeng"), but with its derivation: the index's stemmer makes
    "navigators" and "navigation" one term, so a document about navigation would hide that
    none of its words is "navigator"."""
    word = word.lower()
    for suffix, replacement in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)] + replacement
            if suffix in {"ed", "ing"} and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "transferred", "planning": the consonant doubled
            break
    return word[:-1] if word.endswith("e") else word


def _names_a_role(word: str) -> bool:
    """A noun for a person or role ("navigators", "directors", "pharmacist"): its activity
    ("navigation", "direction") does not stand for it, though the stemmer joins them."""
    return word.isalpha() and lemma(word).endswith(_ROLE_ENDINGS)


def lemmas(texts: Iterable[str]) -> frozenset[str]:
    """The `lemma` of every word of `texts`."""
    return frozenset(lemma(w) for text in texts for w in _WORD.findall(text))


def _defined_acronym(word: str, acronyms: AbstractSet[str], texts: list[str]) -> bool:
    """An acronym the documents define, or whose letters open a run of words of one sentence
    of `texts` (function words skipped): "CYP" in "... children and young people ...".
    """
    letters = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
    if len(letters) < 2 or not letters.isupper() or not letters.isalpha():
        return False
    if letters in acronyms:
        return True
    return any(letters.lower() in "".join(w[0] for w in _WORD.findall(sentence)
                                          if w.lower() not in FUNCTION_WORDS).lower()
               for text in texts for sentence in _SENTENCE_BREAK.split(text))


def _not_a_verb(text: str, match: re.Match) -> bool:
    """The word after an auxiliary when it is not a verb:
    - the subject, after an auxiliary opening the question ("Will the centre…", "How will
      bowel screening…") or after "do" or a modal following its wh-phrase ("How many staff
      does the trust employ?", "What role will spirometry testing play?"; not "Which bodies
      will fund the hubs?": a known verb, or one before an article, is the verb);
    - what follows "be" after a wh-phrase, unless a participle ("What else is new", not
      "Which areas are projected…");
    - the object of "have" as a main verb ("people who have continence problems")."""
    if match.re is not _AFTER_AUXILIARY:
        return False
    auxiliary, word = match.group(0).split()[0].lower(), match.group(1)
    participle = is_participle(word) or word.lower().endswith("ing")
    if auxiliary in _HAVE:
        return not (is_participle(word) or word.lower() == "to")
    before = text[:match.start()].split()
    if len(before) <= 1:
        return True
    if auxiliary == "to" or before[0].lower() not in WH_WORDS or any(
            w.lower() in _AUXILIARY_WORDS for w in before):
        return False
    if auxiliary in {"do", "does", "did"}:
        return True
    if auxiliary in _BE:
        return not participle
    after = text[match.end():].split()[:1]
    return not (is_verb(word) or participle
                or (after and after[0].lower() in DETERMINERS | _OBJECT_PRONOUNS))


def carried_meaning(question: Question, missing: list[str], scorer: EvidenceScorer) -> float:
    """How much of the question's meaning the missing words carry: 1 - the cosine of the
    question's vector with and without them. A word no document uses always has the highest
    IDF, side detail or not; the vector knows "sure" in "make sure" from "endoscopy"."""
    if not missing:
        return 0.0
    words = re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, missing)) + r")(?![\w'’-])")
    without = " ".join(words.sub(" ", question.text).split())
    vectors = scorer.embed_sentences([question.text, without])  # each alone: int8 batches vary
    norms = np.linalg.norm(vectors, axis=1)
    return 1.0 - float(vectors[0] @ vectors[1] / (norms[0] * norms[1] or 1.0))


def missing_terms(question: Question, missing: list[str], scorer: EvidenceScorer) -> list[str]:
    """What to name as missing: words that stand next to each other in the question joined
    into one term ("sickle cell", "armed forces veterans"), and only the terms that carry
    some of the question's meaning ("navigators", not "play" in "What role will care
    navigators play…"); all of `missing` when no term does on its own."""
    absent = set(missing)
    runs: list[list[re.Match[str]]] = []
    for word in WORD.finditer(question.text):
        if word.group() not in absent:
            continue
        if runs and question.text[runs[-1][-1].end():word.start()].strip() == "":
            runs[-1].append(word)
        else:
            runs.append([word])
    terms = list(dict.fromkeys(" ".join(_trimmed(question, [w.group() for w in run], scorer))
                               for run in runs))
    meant = [term for term in terms
             if carried_meaning(question, term.split(), scorer) >= CARRIED_FLOOR]
    return meant or list(missing)


def _trimmed(question: Question, run: list[str], scorer: EvidenceScorer) -> list[str]:
    """A run of missing words without the words after its head that carry nothing on their
    own ("navigators play" -> "navigators"); the words before it modify the head and stay
    ("armed forces veterans")."""
    while len(run) > 1 and carried_meaning(question, run[-1:], scorer) < CARRIED_FLOOR:
        run = run[:-1]
    return run


def focal_share(question: Question, missing: list[str], scorer: EvidenceScorer,
                naming: AbstractSet[str] = frozenset()) -> float:
    """IDF-weighted share of the question's focus words that are missing. Words of a name
    that picked the document asked of (`naming`: "dementia" in "How will the dementia
    strategy help families arrange a lasting power of attorney?") say where to look, not
    what about, so they are not part of the focus."""
    weights = {w: max((scorer.lexical.idf(t) for t in scorer.lexical.terms(w)), default=0.0)
               for w in question.focus_words
               if not names_the_document(w, naming)}
    total = sum(weights.values())
    return sum(weights.get(w, 0.0) for w in missing) / total if total else 0.0


def decide(question: Question, strength: float, threshold: float, missing: list[str],
           share: float, has_hits: bool, carried: float = 1.0) -> Decision:
    """Answer only with passages, evidence strength at the threshold and no focal gap: the
    missing words carry `FOCAL_SHARE` of the focus, or name what the question asks about
    ("What role will care navigators play…?" where no document has "navigators")."""
    reasons = []
    if not has_hits:
        reasons.append("no passage was retrieved")
    if strength < threshold:
        reasons.append(f"evidence strength {strength:.2f} is below {threshold:.2f}")
    head = question.asked_about[-1].lower() if question.asked_about else ""
    if carried < CARRIED_FLOOR:  # "sure" in "make sure": not worth a notice either...
        missing = [w for w in missing if w.lower() == head]  # ...but the head of what the
        # question asks about is the thing itself ("physician *associates*")
    subject = [w for w in missing if w.lower() in {a.lower() for a in question.asked_about}]
    if missing and share >= FOCAL_SHARE:
        reasons.append(f"the documents never mention {', '.join(missing)} "
                       f"({share:.0%} of what the question is about)")
    elif subject:
        reasons.append(f"the documents never mention {', '.join(subject)}, which the "
                       "question asks about")
    return Decision(not reasons, tuple(reasons), tuple(missing))


def missing_notice(missing: tuple[str, ...] | list[str]) -> str:
    """'The documents don't mention menopause.' for the top of an answer or refusal."""
    words = list(missing)
    named = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"The documents don't mention {named}."


