"""A section's subsections as a list: what a list question is answered from when the document
gives each item a section of its own rather than a bullet ("What are the strategic initiatives
the plan picks out?" and the five headings under "Our strategic initiatives").

Pure functions on section paths. Reading the passages is `pipeline.py`'s, composing the answer
`answer/compose.py`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Generic, TypeVar

from assistant.refusal import lemma
from assistant.stopwords import FUNCTION_WORDS
from assistant.structure import SECTION_SEPARATOR

OUTLINE_REACH = 60  # passages read either side of a hit for the section its heading names
MIN_SUBSECTIONS = 2

T = TypeVar("T")


@dataclass(frozen=True)
class Outline(Generic[T]):
    """A heading that names a list (its section path) and each subsection right below it,
    with the first of its passages."""

    prefix: tuple[str, ...]
    children: list[tuple[str, T]]


def headings(section: str | None) -> list[str]:
    """A section path's headings, as printed."""
    return [part.strip() for part in (section or "").split(SECTION_SEPARATOR) if part.strip()]


def word_lemmas(text: str) -> set[str]:
    """The content words of `text` without their inflections ("Recommendations" ->
    "recommendation"): stricter than the index's stems, which make "recommended" and
    "initial" one term with "recommendations" and "initiatives"."""
    return {lemma(word) for word in re.findall(r"[^\W\d_]+", text)
            if word.lower() not in FUNCTION_WORDS}


def find_outline(section: str | None, words: AbstractSet[str],
                 passages: Sequence[tuple[T, str | None]], other: AbstractSet[str],
                 whole: tuple[bool, bool] = (True, True),
                 title: str | None = None) -> Outline[T] | None:
    """The deepest heading of `section` whose words hold every one of `words` (lemmas) and
    whose subsections are a list, among `passages` (one document's, in order, each with its
    section path); None when there is no such heading. A heading is no list's name when a
    sibling other than the document's `title` also holds the words (it is one item:
    "Priority 1: Starting well"), when the same
    heading stands under another parent too ("Actions" under every priority), when its
    section runs past a cut edge of `passages` (`whole`: whether the first and the last
    passage given are the document's own ends or lie outside the section), when it has fewer
    than `MIN_SUBSECTIONS`, or when a subsection's heading holds a word of `other` (the
    question asks about that one: "…pledges on *GP access*")."""
    paths = [headings(path) for _, path in passages]
    path = headings(section)
    for depth in range(len(path), 0, -1):
        prefix = tuple(path[:depth])
        if not words or not words <= word_lemmas(prefix[-1]):
            continue
        siblings = {p[depth - 1] for p in paths
                    if len(p) >= depth and tuple(p[:depth - 1]) == prefix[:-1]}
        if any(words <= word_lemmas(sibling) for sibling in siblings - {prefix[-1], title}) or any(
                len(p) >= depth and p[depth - 1] == prefix[-1] and tuple(p[:depth]) != prefix
                for p in paths):
            continue
        inside = [n for n, p in enumerate(paths) if tuple(p[:depth]) == prefix]
        if not inside or (inside[0] == 0 and not whole[0]) or (
                inside[-1] == len(paths) - 1 and not whole[1]):
            continue
        children = subsections(prefix, passages)
        if len(children) >= MIN_SUBSECTIONS and not any(
                other & word_lemmas(child) for child, _ in children):
            return Outline(prefix, children)
    return None


def subsections(prefix: tuple[str, ...], passages: Iterable[tuple[T, str | None]]
                ) -> list[tuple[str, T]]:
    """Each heading right below `prefix`, with the first of `passages` (in document order)
    under it."""
    found: dict[str, T] = {}
    for item, section in passages:
        path = headings(section)
        if len(path) > len(prefix) and tuple(path[:len(prefix)]) == prefix:
            found.setdefault(path[len(prefix)], item)
    return list(found.items())
