"""A section's subsections as a list: what a list question is answered from when the document
gives each item a section of its own rather than a bullet ("What are the strategic initiatives
the plan picks out?" and the five headings under "Our strategic initiatives").

Pure functions on section paths. Reading the passages is `pipeline.py`'s, composing the answer
`answer/compose.py`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import TypeVar

from assistant.lexical import stem
from assistant.structure import SECTION_SEPARATOR

OUTLINE_REACH = 40  # passages after a hit read for the subsections of the heading it names
MIN_SUBSECTIONS = 2

T = TypeVar("T")


def headings(section: str | None) -> list[str]:
    """A section path's headings, as printed."""
    return [part.strip() for part in (section or "").split(SECTION_SEPARATOR) if part.strip()]


def _stems(text: str) -> set[str]:
    return {stem(word) for word in re.findall(r"[^\W_]+", text)}


def named_prefixes(section: str | None, words: AbstractSet[str]) -> list[tuple[str, ...]]:
    """The section paths down to each heading of `section` whose words hold every one of
    `words` (stems), deepest first: "Our strategic initiatives" for {strateg, initi}."""
    path = headings(section)
    return [tuple(path[:depth + 1]) for depth in range(len(path) - 1, -1, -1)
            if words and words <= _stems(path[depth])]


def subsections(prefix: tuple[str, ...], sections: Iterable[tuple[T, str | None]]
                ) -> list[tuple[str, T]]:
    """Each heading right below `prefix`, with the first of `sections` (each a passage and its
    section path, in document order) under it."""
    found: dict[str, T] = {}
    for item, section in sections:
        path = headings(section)
        if len(path) > len(prefix) and tuple(path[:len(prefix)]) == prefix:
            found.setdefault(path[len(prefix)], item)
    return list(found.items())


def picks_one(children: Iterable[str], words: AbstractSet[str]) -> bool:
    """Whether one subsection's heading holds a word of the question that the list's name does
    not ("…pledges on *GP access*" and "Pledge 4 – GP access"): the question is about that
    one, not the list. `words`: the question's other focus words, as stems."""
    return any(words & _stems(child) for child in children)


def other_words(focus_words: Iterable[str], listed: AbstractSet[str], title: str | None
                ) -> set[str]:
    """Stems of the question's focus words besides those naming the list and the document's
    title ("Healthy Leeds Plan"): the words a subsection's heading may single out."""
    return {stem(word) for word in focus_words} - listed - _stems(title or "")
