"""Q&A sets (`eval/*.jsonl`): reading, validating, and checking quotes against extraction.

An evidence quote must be an exact substring of the extracted text of its source and page,
so that gold passages are found by text (surviving re-chunking) and a set cannot silently
rot when documents or extraction change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from assistant.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class Evidence:
    source: str
    page: int | None
    quote: str


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answer: str
    answerable: bool
    evidence: tuple[Evidence, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)


def read_set(path: Path, what: str, parse: Callable[[dict], T]) -> list[T]:
    """Parse a JSON Lines set, one item a line; a malformed line is an error naming the file
    and line, an empty set an error naming the file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} set ({exc.strerror or exc})") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(parse(json.loads(line)))
        except KeyError as exc:
            raise ConfigError(f"{path}:{number}: not a valid {what} line (the field "
                              f"{exc} is missing)") from exc
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path}:{number}: not a valid {what} line ({exc})") from exc
    if not items:
        raise ConfigError(f"{path}: the {what} set is empty")
    return items


def _qa_item(raw: dict) -> QAItem:
    return QAItem(
        id=str(raw["id"]), question=str(raw["question"]), answer=str(raw["answer"]),
        answerable=bool(raw["answerable"]),
        evidence=tuple(Evidence(e["source"], e.get("page"), e["quote"])
                       for e in raw.get("evidence", [])),
        tags=tuple(raw.get("tags", [])),
    )


def load_qa(path: Path) -> list[QAItem]:
    """Parse a Q&A file; a malformed line is an error naming the file and line."""
    return read_set(path, "Q&A", _qa_item)


def quote_problems(items: list[QAItem], root: Path) -> list[str]:
    """Every evidence quote that is not an exact substring of its page's extracted text."""
    from assistant.documents import load_document, page_text

    cache: dict[str, object] = {}
    problems = []
    for item in items:
        for evidence in item.evidence:
            path = (root / evidence.source).resolve()
            if evidence.source not in cache:
                cache[evidence.source] = load_document(path)
            text = page_text(cache[evidence.source], evidence.page)  # type: ignore[arg-type]
            if evidence.quote not in text:
                problems.append(f"{item.id}: quote not found in {evidence.source} page "
                                f"{evidence.page}: {evidence.quote[:60]!r}")
    return problems
