"""Which documents of the library a question names: "the dementia strategy", "the Leeds R&I
strategy", "NHS England's IFR policy", "the addendum".

A library holds many plans, and staff ask about one by name. The passages that answer match
the question's topic words, but so do passages of every other plan on that topic ("What five
commitments does the Leeds R&I strategy make?" draws the Healthy Leeds Plan's passages about
commitments). A question that names a document is asked of that document.

A name is a noun phrase ending in a singular document word (strategy, plan, framework, report,
…) after "the", "this" or a possessive, or opening with a capital ("NHS England's IFR
policy"): the words before the document word, back to a function word, a question word or
punctuation, up to seven ("and", "&" or "of" between two of them joins them without being one:
"the West Sussex joint health and wellbeing strategy", "the cost of living addendum"); the
name after the last "of", when it opens with a capital or a number, is tried first ("the
research priorities of Healthy Leeds Plan": the words before "of" may be the topic). "A
funding policy" and "which care plan" are kinds of document, not names. The name's words are
matched with each document's title and file name (and the initials of their runs of words:
"individual funding requests" is also "IFR"); each matched word counts by how few of the
library's documents carry it. More than half of a name's words must match, a one-word name
must be carried by one document alone ("the final strategy" does not pick the files named
"…_Final"), and a name's numbers count only when all of them match ("the 2026/27 to 2030/31
plans" is a period, not the "2023-2030" strategy). The document word counts only when one
document alone carries it and the name's other words and years are in its name ("the 2025/26
guidance" in a library with one guidance, a bare "the addendum"); a name ending in a document
word that some documents carry names one of them or none ("the NHS England planning guidance"
is no framework); "plan", "strategy" and "document" never count: they are what users call any
of them ("strategy" is in most names). Each name picks its best documents; a question naming
two ("compare the dementia strategy with the Leeds R&I strategy") is asked of both. Nothing is
picked when a name fits every document. The words that say where to look, not what about, are
a picking name's words from the first one the document's name holds ("Sussex ICB dementia",
not "goals" in "the goals of cost of living addendum").

Leaves out searching inside the chosen documents (`retrieval.Retriever`, `sources=`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from assistant.stopwords import FUNCTION_WORDS, QUESTION_WORDS

DOCUMENT_WORDS = frozenset("""strategy plan framework report guidance policy addendum summary
article document paper review digest overview""".split())
# What users call any plan document: alone ("the plan"), they name none in particular.
LOOSE_WORDS = frozenset({"plan", "strategy", "document"})
NAME_WORDS = 7  # words of a name before its document word
# inside a name: "the joint health and wellbeing strategy", "the cost of living addendum"
_JOINS = frozenset({"and", "&", "of"})
_DEFINITE = frozenset("the this that its their our".split())
_STOPS = FUNCTION_WORDS | QUESTION_WORDS | _DEFINITE | frozenset(
    "a an any each every do does did has have had can could would should must may might "
    "under about".split())
_TOKEN = re.compile(r"[^\W_](?:[\w&'’-]|/(?=\d))*|[^\w\s]")  # "2025/26" is one token
POSSESSIVE = re.compile(r"['’]s$")  # "Leeds's": a name's possessive ending
_ACRONYM = re.compile(r"[A-Z]{3,6}")  # "JHWS": initials standing for a document's name
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def name_word(token: str) -> str:
    """A token as names are compared: lower case, no possessive or ampersand, singular."""
    word = POSSESSIVE.sub("", token).replace("&", "").lower()
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def names_the_document(word: str, naming: AbstractSet[str]) -> bool:
    """A question's word that is one of `naming`, the words of the name that picked the
    document asked of ("the delivery article"): it says where to look, not what about, and
    the document need not use it."""
    parts = [part for part in word.split("-") if part]
    return bool(parts) and all(name_word(part) in naming for part in parts)


@dataclass(frozen=True)
class Name:
    """A phrase of the question that names a document: its words, and each pair of
    neighbours joined ("West Sussex" is also "westsussex", as a file name writes it). A name
    that ends in initials names only a document known by them."""

    words: tuple[str, ...]
    initials: bool = False  # the last word is the document's initials ("JHWS"), not a word
    kind: str = ""  # the document word that closes the name ("guidance"), when it has words
    # the name after its last "of" ("the priorities of *Healthy Leeds Plan*"), tried first:
    # the words before it may be the question's topic
    shorter: Name | None = None

    @property
    def joined(self) -> tuple[str, ...]:
        return tuple(a + b for a, b in pairwise(self.words))


def mentioned_names(question: str) -> list[Name]:
    """Each phrase of the question that names a document (see the module's docstring); a bare
    document word after "the" ("the addendum") gives a name of that word alone."""
    tokens = _TOKEN.findall(question)
    names = []
    for i, token in enumerate(tokens):
        bare = POSSESSIVE.sub("", token)
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _ACRONYM.fullmatch(bare) and i > 0 and tokens[i - 1][:1].isupper() \
                and not tokens[i - 1].isupper() and tokens[i - 1].lower() not in _STOPS \
                and name_word(bare) not in DOCUMENT_WORDS \
                and name_word(POSSESSIVE.sub("", following)) not in DOCUMENT_WORDS:
            names += _acronym_name(tokens, i)
            continue
        if name_word(bare) not in DOCUMENT_WORDS or name_word(bare) != bare.lower():
            continue  # plurals name kinds of document ("local plans"), not one
        start = _name_start(tokens, i, str.isalnum)
        before = tokens[start - 1].lower() if start > 0 else ""
        words = tuple(name_word(part) for t in tokens[start:i] if t.lower() not in _JOINS
                      for part in re.split(r"[-/]", t) if part)
        shorter = _after_of(tokens[start:i], name_word(bare))
        if words and (before in _DEFINITE or tokens[start][:1].isupper()):
            names.append(Name(words, kind=name_word(bare), shorter=shorter))
        elif shorter:
            names.append(shorter)
        elif not words and before in _DEFINITE and name_word(bare) not in LOOSE_WORDS:
            names.append(Name((name_word(bare),)))
    return names


def _after_of(tokens: list[str], kind: str) -> Name | None:
    """The name after the last "of" of a name's words when it opens with a capital or a
    number ("the purpose of *IFR* policy", "the aims of *10 Year Health* Plan")."""
    cuts = [i for i, token in enumerate(tokens) if token.lower() == "of"]
    tail = tokens[cuts[-1] + 1:] if cuts else []
    if not tail or not (tail[0][:1].isupper() or tail[0][:1].isdigit()):
        return None
    return Name(tuple(name_word(part) for t in tail if t.lower() not in _JOINS
                      for part in re.split(r"[-/]", t) if part), kind=kind)


def _acronym_name(tokens: list[str], i: int) -> list[Name]:
    """"the West Sussex JHWS": a document called by its initials after the capitalised words
    of its name; the initials count as one of the name's words."""
    start = _name_start(tokens, i, str.isupper)
    return [Name(tuple(name_word(t) for t in tokens[start:i + 1]), initials=True)]


def _name_start(tokens: list[str], i: int, opens: Callable[[str], bool]) -> int:
    """Where the name before token `i` starts: back over up to `NAME_WORDS` tokens whose
    first character passes `opens`, to a stop word."""
    start = i
    while start > 0 and i - start < NAME_WORDS and (
            (opens(tokens[start - 1][:1]) and tokens[start - 1].lower() not in _STOPS)
            or (tokens[start - 1].lower() in _JOINS and start > 1 and start < i
                and tokens[start - 2].lower() not in _STOPS and tokens[start - 2].isalnum())):
        start -= 1
    return start


def name_words(source: str, title: str) -> set[str]:
    """The words a document is known by: its title's and its file name's (split at
    underscores, dashes and case changes: "SharedRIStrategy" -> shared, ri, strategy), and
    the initials of each run of 3-4 of them without a function word ("individual funding
    request" -> "ifr")."""
    runs = [[name_word(t) for t in re.findall(r"[^\W_][\w&'’]*", title)],
            [name_word(p) for chunk in re.split(r"[\W_]+", Path(source).stem)
             for p in _CAMEL.findall(chunk)]]
    words: set[str] = set()
    for run in runs:
        words.update(run)
        for size in (3, 4):
            for i in range(len(run) - size + 1):
                part = run[i:i + size]
                if all(w.isalpha() and w not in FUNCTION_WORDS for w in part):
                    words.add("".join(w[0] for w in part))
    return words


def _naming_words(name: Name, words: set[str]) -> set[str]:
    """The words of `name` from the first that a document's name words hold (alone or joined
    to a neighbour: "west" in "westsussex") to its end ("Sussex ICB dementia"): the words
    before it ("goals" in "the goals of cost of living addendum") are what the question asks
    about."""
    pairs = {pair for pair in pairwise(name.words) if "".join(pair) in words}
    first = next((i for i, w in enumerate(name.words)
                  if w in words or any(w in pair for pair in pairs)), len(name.words))
    return set(name.words[first:])


class LibraryNames:
    """The library's documents by the words of their names, built once per index."""

    def __init__(self, documents: Mapping[str, str]) -> None:
        """`documents`: title by source."""
        self.words = {source: name_words(source, title) for source, title in documents.items()}
        self.frequency = Counter(word for words in self.words.values() for word in words)

    def named(self, question: str) -> list[str]:
        """The sources the question names, or [] when it names none or names what every
        document shares."""
        return self.naming(question)[0]

    def naming(self, question: str) -> tuple[list[str], set[str]]:
        """The sources the question names (as `named`), and the words of the names that
        picked them, from the first word those documents' names hold to the end of the name:
        words that say which document is asked, not what about."""
        if len(self.words) < 2:
            return [], set()
        chosen: set[str] = set()
        words_used: set[str] = set()
        for mentioned in mentioned_names(question):
            for name in filter(None, (mentioned.shorter, mentioned)):
                picked = self._picked(name)
                if picked:
                    chosen |= picked
                    words_used |= {word for source in picked
                                   for word in _naming_words(name, self.words[source])}
                    break
        if len(chosen) == len(self.words):
            return [], set()
        return [source for source in self.words if source in chosen], words_used

    def _picked(self, name: Name) -> set[str]:
        """The documents `name` fits best, or none when it fits none."""
        # a name ending in a document word that some documents carry ("guidance") is one of
        # theirs ("the NHS England 2025/26 planning guidance" is no framework)
        kinds = {source for source, words in self.words.items() if name.kind in words} \
            if name.kind and name.kind not in LOOSE_WORDS else set()
        scores = {source: self._score(name, words) if not kinds or source in kinds else 0.0
                  for source, words in self.words.items()}
        best = max(scores.values())
        return {source for source, score in scores.items() if score >= best - 1e-9} \
            if best > 0 else set()

    def _unique(self, word: str, words: set[str]) -> float:
        """A word of one document's name alone picks it (log of the library's size)."""
        return math.log(len(self.words)) if word in words and self.frequency[word] == 1 \
            else 0.0

    def _score(self, name: Name, words: set[str]) -> float:
        """How strongly a name picks a document with these name words (0: not at all)."""
        if name.initials and name.words[-1] not in words:
            return 0.0  # "the West Sussex NHS trust" names an organisation, not a document
        # "the 2025/26 planning guidance": one document alone is a guidance, and the name's
        # other words and years are in its name (a year's "/26" may differ: "the strategy
        # report", "the HEE report" and "the 2024/25 guidance" are no names of the one
        # report or guidance)
        kind = self._unique(name.kind, words) if name.kind not in LOOSE_WORDS and all(
            w in words or (w.isdigit() and len(w) < 4) for w in name.words) else 0.0
        if len(name.words) == 1:
            return kind + self._unique(name.words[0], words)
        numbers_match = all(w in words for w in name.words if w.isdigit())
        matched = {w for w in name.words if w in words and (numbers_match or not w.isdigit())}
        pairs = {pair for pair in name.joined if pair in words}
        covered = sum(w in matched or any(w in (a, b) for a, b in pairwise(name.words)
                                          if a + b in pairs) for w in name.words)
        if 2 * covered <= len(name.words):
            return kind
        return kind + sum(math.log(len(self.words) / self.frequency[w]) for w in matched | pairs)
