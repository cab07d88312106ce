"""Acronyms found in the corpus itself ("Full Name (ACR)"), used to expand queries.

NHS plans are dense with acronyms (ICB, PCN, UHL, LPT, CYP, SEND). A question may use the
short form where the passage spells it out, or the other way round; both retrievers miss
that link unless the query carries both forms. The glossary is rebuilt from all chunks at
every ingest, so it always matches what is indexed. Deliberately leaves out any built-in
dictionary: an expansion the documents never use would only add noise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from assistant.stopwords import FUNCTION_WORDS

_ACRONYM_IN_PARENS = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)")
_WORD = re.compile(r"[A-Za-z][\w'’&-]*")
_SKIP = FUNCTION_WORDS | {"&"}


def _initial_matches(words: list[str], acronym: str) -> bool:
    """True when the acronym's letters run through the words' initials in order, the first
    letter on the first word and the last on the last word (skipping small joining words)."""
    letters = acronym.rstrip("s").lower() if len(acronym) > 2 else acronym.lower()
    initials = [w[0].lower() for w in words]
    if not words or initials[0] != letters[0] or initials[-1] != letters[-1]:
        return False
    position = 0
    for letter in letters:
        while position < len(initials) and initials[position] != letter:
            position += 1
        if position == len(initials):
            return False
        position += 1
    return True


def find_definitions(text: str) -> Iterable[tuple[str, str]]:
    """Yield (acronym, full name) for each "Full Name (ACR)" in the text."""
    for match in _ACRONYM_IN_PARENS.finditer(text):
        acronym = match.group(1)
        if sum(ch.isupper() for ch in acronym) < 2:
            continue
        before = _WORD.findall(text[max(0, match.start() - 200) : match.start()])
        content = len(acronym.rstrip("s")) if len(acronym) > 2 else len(acronym)
        for span in range(content, min(len(before), content + 4) + 1):
            words = before[-span:]
            if words[0].lower() in _SKIP:
                continue
            significant = [w for w in words if w.lower() not in _SKIP]
            if _initial_matches(significant, acronym) or _initial_matches(words, acronym):
                yield acronym, " ".join(words)
                break


def definition_counts(texts: Iterable[str]) -> dict[str, Counter[str]]:
    """How often each spelled-out form of each acronym is defined in `texts`, in the order
    first seen. Kept per document by the PostgreSQL store, which merges them in row order."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        for acronym, name in find_definitions(text):
            if acronym.endswith("s") and acronym[:-1].isupper():
                acronym, name = acronym[:-1], name.removesuffix("s")  # PCNs -> PCN
            seen.setdefault(acronym, Counter())[name] += 1
    return seen


def glossary_of(counts: Iterable[dict[str, Counter[str]]]) -> dict[str, str]:
    """The most frequent spelled-out form of each acronym over several documents' counts."""
    seen: dict[str, Counter[str]] = {}
    for document in counts:
        for acronym, names in document.items():
            seen.setdefault(acronym, Counter()).update(names)
    return {acronym: names.most_common(1)[0][0] for acronym, names in sorted(seen.items())}


def build_glossary(texts: Iterable[str]) -> dict[str, str]:
    """The most frequent spelled-out form of each acronym found in `texts`."""
    return glossary_of([definition_counts(texts)])


def expand_query(query: str, glossary: dict[str, str]) -> str:
    """Append the other form of every acronym or full name the query mentions."""
    additions = []
    lowered = query.lower()
    for acronym, name in glossary.items():
        has_acronym = re.search(rf"\b{re.escape(acronym)}s?\b", query) is not None
        has_name = name.lower() in lowered
        if has_acronym and not has_name:
            additions.append(name)
        elif has_name and not has_acronym:
            additions.append(acronym)
    return f"{query} ({'; '.join(additions)})" if additions else query


def spelled_in(question: str, text: str) -> str:
    """Words of the question that an acronym in `text` abbreviates, even when no document
    defines it: "13 PCNs" in a passage answers "how many primary care networks"."""
    words = _WORD.findall(question)
    found = []
    for acronym in set(re.findall(r"\b[A-Z]{2,6}s?\b", text)):
        letters = len(acronym.rstrip("s")) if len(acronym) > 2 else len(acronym)
        for start in range(len(words)):
            span = words[start:start + letters]
            if (len(span) == letters and all(w.lower() not in _SKIP for w in span)
                    and _initial_matches(span, acronym)):
                found.append(" ".join(span))
    return " ".join(found)
