"""Questions the register answers: what is due in a year, what a body committed to on a
topic, when something will be in place.

A question is read for what it asks of the register, not answered here: `register_query`
gives the year it names, the words of its topic and whether it asks "when"; `matching` picks
the register's records that answer it. The answer itself (cited list items) is composed
where passages are at hand (`service.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.commitments.extract import Commitment
from assistant.stopwords import FUNCTION_WORDS, search_stopwords

_DUE = re.compile(r"\b(?:due|deadlines?|(?:to be )?(?:delivered|completed|done|achieved|"
                  r"in place))\b", re.I)
_COMMITTED = re.compile(r"\b(?:committed|commits? to|pledged|promised|undertaken)\b", re.I)
_WHEN = re.compile(r"^\s*(?:when|by when|by what date|in what year)\b", re.I)
_YEAR = re.compile(r"\b(20\d\d)(?:\s*/\s*(\d\d))?\b")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])+")  # "cafés" is one word
# Words of the register question itself, not of its topic.
_FRAME = {"due", "deadline", "deadlines", "delivered", "completed", "done", "achieved",
          "place", "committed", "commit", "commits", "commitment", "commitments", "pledge",
          "pledged", "pledges", "promise", "promised", "promises", "undertake", "undertaken",
          "happen", "year", "plan", "plans", "will", "when", "date", "ready"}


@dataclass(frozen=True)
class RegisterQuery:
    """What a question asks of the register: a year (the NHS year "2024/25" counts as its
    end, 2025), the words its topic must share with a record, and whether it asks when."""

    year: int | None
    topic: tuple[str, ...]
    when: bool


def register_query(question: str) -> RegisterQuery | None:
    """The register question in `question`, or None when it asks something else: a year
    with "due" or "in place" ("What is due in 2025?"), a commitment verb ("What has the ICB
    committed to on the workforce?"), or "when will …" ("When will the hubs be in place?")."""
    year_match = _YEAR.search(question)
    year = None
    if year_match:
        year = int(year_match.group(1)) + (1 if year_match.group(2) else 0)
    asks_when = bool(_WHEN.match(question)) and " will " in f" {question.lower()} "
    committed = _COMMITTED.search(question)
    if not (asks_when or committed or (year and _DUE.search(question))):
        return None
    ignored = FUNCTION_WORDS | search_stopwords() | _FRAME
    about = question[committed.end():] if committed else question  # not who committed
    topic = tuple(dict.fromkeys(
        _stem(w) for w in _WORD.findall(about)
        if w.lower() not in ignored and (len(w) > 2 or w.isupper())))
    return RegisterQuery(year, topic, asks_when)


def _stem(word: str) -> str:
    word = word.lower().strip("'")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text)}


def matching(query: RegisterQuery, register: list[Commitment]) -> list[Commitment]:
    """The records that answer the query: due in its year (by their end date), sharing every
    word of its topic (in what they commit to, their topic or their sentence) and, for
    "when", carrying a date."""
    found = []
    for commitment in register:
        if query.year and (commitment.when.end is None or commitment.when.end.year != query.year):
            continue
        if query.when and commitment.when.end is None:
            continue
        said = _stems(f"{commitment.what} {commitment.topic or ''} {commitment.citation.text}")
        if all(word in said for word in query.topic):
            found.append(commitment)
    return found
