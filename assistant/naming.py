"""Which documents of the library a question names: "the dementia strategy", "the Leeds R&I
strategy", "NHS England's IFR policy", "the addendum".

A library holds many plans, and staff ask about one by name. The passages that answer match
the question's topic words, but so do passages of every other plan on that topic ("What five
commitments does the Leeds R&I strategy make?" draws the Healthy Leeds Plan's passages about
commitments). A question that names a document is asked of that document.

A name is a noun phrase ending in a singular document word (strategy, plan, framework,
report, …): the words before it, back to a function word, a question word or punctuation.
Its words are matched with each document's title and file name (and the initials of their
runs of words: "individual funding requests" is also "IFR"); each matched word counts by how
few of the library's documents carry it, so words that every document carries ("LLR
five-year plan" in a library of LLR plan documents) choose nothing, and more than half the
name must match. The document word itself does not count ("strategy" is in most names),
except a bare "the addendum" or "the policy" when one document alone is one ("the plan" and
"the strategy" are what users call any of them). A name's numbers count only when all of them
match ("the 2026/27 to 2030/31 plans" is a period, not the "2023-2030" strategy). The
documents with the top score are chosen, and only when they are fewer than all.

Leaves out searching inside the chosen documents (`retrieval.Retriever`, `sources=`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

from assistant.stopwords import FUNCTION_WORDS, QUESTION_WORDS

DOCUMENT_WORDS = frozenset("""strategy plan framework report guidance policy addendum summary
article document paper review digest overview""".split())
# What users call any plan document: alone ("the plan"), they name none in particular.
LOOSE_WORDS = frozenset({"plan", "strategy", "document"})
NAME_WORDS = 5  # words of a name before its document word
_DETERMINERS = frozenset("the this that its their our".split())
_STOPS = FUNCTION_WORDS | QUESTION_WORDS | _DETERMINERS | frozenset(
    "do does did has have had can could would should must may might under about".split())
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&'’-]*|[^\sA-Za-z0-9]")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD = re.compile(r"[a-z0-9]")


def _word(token: str) -> str:
    """A token as names are compared: lower case, no possessive or ampersand, singular."""
    word = re.sub(r"['’]s$", "", token).replace("&", "").lower()
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def _name_parts(source: str, title: str) -> list[list[str]]:
    """The runs of words a document is known by: its title, and its file name split at
    underscores, dashes and case changes ("SharedRIStrategy" -> shared, ri, strategy)."""
    title_words = [_word(t) for t in re.findall(r"[A-Za-z0-9&'’]+", title)]
    stem_words = [_word(p) for chunk in re.split(r"[\W_]+", Path(source).stem)
                  for p in _CAMEL.findall(chunk)]
    return [title_words, stem_words]


def name_words(source: str, title: str) -> set[str]:
    """A document's name words, with the initials of each run of 3-4 of them that holds no
    function word ("individual funding request" -> "ifr")."""
    words: set[str] = set()
    for run in _name_parts(source, title):
        words.update(run)
        for size in (3, 4):
            for i in range(len(run) - size + 1):
                part = run[i:i + size]
                if all(w and w.isalpha() and w not in FUNCTION_WORDS for w in part):
                    words.add("".join(w[0] for w in part))
    return words


def mentioned_names(question: str) -> list[list[str]]:
    """Each noun phrase of the question that ends in a document word, as its words before
    that word, each pair of neighbours also joined ("West Sussex" -> "westsussex"); a bare
    document word after a determiner ("the addendum") gives the document word alone."""
    tokens = _TOKEN.findall(question)
    names = []
    for i, token in enumerate(tokens):
        if _word(token) not in DOCUMENT_WORDS or _word(token) != token.lower():
            continue  # plurals name kinds of document ("local plans"), not one
        start = i
        while start > 0 and i - start <= NAME_WORDS and _WORD.match(tokens[start - 1][:1].lower()) \
                and tokens[start - 1].lower() not in _STOPS:
            start -= 1
        words = [_word(part) for t in tokens[start:i] for part in t.split("-") if part]
        if words:
            names.append(words + [a + b for a, b in pairwise(words)])
        elif start > 0 and tokens[start - 1].lower() in _DETERMINERS \
                and _word(token) not in LOOSE_WORDS:
            names.append([_word(token)])
    return names


def _score(name: list[str], size: int, words: set[str], frequency: dict[str, int],
           total: int) -> float:
    """How strongly a name (its `size` words, then their joined pairs) picks a document:
    nothing unless more than half its words match."""
    numbers = [w for w in name[:size] if w.isdigit()]
    counted = {i for i, w in enumerate(name) if w in words and (not w.isdigit() or all(
        n in words for n in numbers))}
    covered = {i for i in counted if i < size} | {j for i in counted if i >= size
                                                   for j in (i - size, i - size + 1)}
    if 2 * len(covered) <= size and name[0] not in DOCUMENT_WORDS:
        return 0.0
    return sum(math.log(total / frequency[name[i]]) for i in counted)


def named_documents(question: str, documents: Mapping[str, str]) -> list[str]:
    """The sources (keys of `documents`, whose values are titles) that the question names,
    or [] when it names none or names what every document shares."""
    names = mentioned_names(question)
    if not names or len(documents) < 2:
        return []
    known = {source: name_words(source, title) for source, title in documents.items()}
    frequency: dict[str, int] = {}
    for words in known.values():
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    total = len(documents)
    scores = dict.fromkeys(known, 0.0)
    for name in names:
        if len(name) == 1 and name[0] in DOCUMENT_WORDS and frequency.get(name[0]) != 1:
            continue  # "the policy" in a library of several policies
        size = (len(name) + 1) // 2
        for source, words in known.items():
            scores[source] += _score(name, size, words, frequency, total)
    best = max(scores.values())
    if best <= 0:
        return []
    chosen = [source for source, score in scores.items() if score >= best - 1e-9]
    return chosen if len(chosen) < total else []
