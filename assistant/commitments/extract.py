"""A `Document` -> its commitments, each a frozen record cited to its verbatim sentence or item.

The register's one door: `extract` walks the document's units in their list context
(`scope.py`), asks `rules.judge` what each commits to, and fills each action's fields: `what`
and the citation text are verbatim from the page (PDF line breaks kept), `when` is the time
expression inside the action (or the unit's only one outside every action), and `id` is a hash
of source, text and what, so it stays the same across runs and moves with the text.

Leaves out caching per document hash, the CLI and app faces, and comparing versions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.blocks import Document
from assistant.commitments import fields
from assistant.commitments.rules import CONTINUES, Action, Scope, Strength, Verdict, judge
from assistant.commitments.scope import scoped_units
from assistant.commitments.triggers import OTHER_BODIES, OTHER_THAN_NATIONAL, national_voice
from assistant.commitments.units import PlacedUnit, verbatim_span
from assistant.commitments.when import NO_WHEN, TimeMatch, When, find_times

# Bumped whenever extraction changes what a document yields, so that registers an index
# keeps from before are read again.
REGISTER_VERSION = 22


@dataclass(frozen=True)
class Citation:
    """Where a commitment is written: `text` is the verbatim sentence or list item."""

    source: str
    title: str
    page: int | None
    section: str | None
    text: str


@dataclass(frozen=True)
class Commitment:
    """One committed action. `what` is a substring of `citation.text`."""

    id: str
    what: str
    who: str | None
    when: When
    where: str | None
    target: str | None
    strength: Strength
    topic: str | None
    citation: Citation

    def to_json(self) -> dict[str, Any]:
        """The record of `plan-assistant commitments --json` (see CONTRACT.md)."""
        return {"id": self.id, "what": self.what, "who": self.who, "when": self.when.to_json(),
                "where": self.where, "target": self.target, "strength": self.strength,
                "topic": self.topic,
                "citation": {"source": self.citation.source, "title": self.citation.title,
                             "page": self.citation.page, "section": self.citation.section,
                             "text": self.citation.text}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Commitment:
        """The record back from `to_json` (as the index keeps it)."""
        return cls(data["id"], data["what"], data["who"], When.from_json(data["when"]),
                   data["where"], data["target"], data["strength"], data["topic"],
                   Citation(**data["citation"]))


def commitment_id(source: str, text: str, what: str) -> str:
    return hashlib.sha1(f"{source}\x00{text}\x00{what}".encode()).hexdigest()[:16]


# A time a figure is compared with, not a deadline: "more staff than in 2023/24", "the gap
# seen in 2019".
_COMPARED = re.compile(r"\b(?:than|since|compared (?:to|with)|seen|achieved|reached|was|were|"
                       r"had|from|before)\s+(?:in\s+|the\s+)?$", re.I)


def _time_for(action: Action, actions: tuple[Action, ...], times: list[TimeMatch],
              flat: str) -> TimeMatch | None:
    """The action's own time expression (its latest), or the unit's one expression that lies
    in no action ("One of the plan's delivery targets - X - is set for 2028"), or the one
    that closes the sentence when this action shares the last one's subject ("Regional
    teams will lead on the review and work with organisations to conclude it during the
    first half of quarter four": both by then) and the time is no baseline ("… than in
    2023/24")."""
    inside = [t for t in times if action.start <= t.begin and t.finish <= action.end]
    if inside:  # the latest date is the deadline; an earlier one is a baseline ("compared to
        # 2024/25, ... in March 2026")
        dated = [t for t in inside if t.when.end]
        return max(dated, key=lambda t: t.when.end) if dated else inside[0]
    outside = [t for t in times
               if not any(a.start <= t.begin and t.finish <= a.end for a in actions)]
    if len(outside) == 1:
        return outside[0]
    last = actions[-1]
    closing = len(times) == 1 and last.start <= times[0].begin and times[0].finish <= last.end \
        and not flat[times[0].finish:].strip(" .;)") \
        and not _COMPARED.search(flat[:times[0].begin])
    joined = action.end <= last.start and last.subject is not None \
        and action.subject == last.subject
    return times[0] if closing and joined else None


def _verbatim(unit: PlacedUnit, start: int, span: tuple[int, int] | None) -> str | None:
    """The page's own text for `span`, an offset pair counted from `start` in `unit.flat`."""
    if span is None:
        return None
    return verbatim_span(unit.flat, unit.text, start + span[0], start + span[1])


def _record(unit: PlacedUnit, action: Action, actions: tuple[Action, ...],
            times: list[TimeMatch], document: Document, source: str) -> Commitment:
    what = _verbatim(unit, action.start, (0, action.end - action.start)) or ""
    time = _time_for(action, actions, times, unit.flat)
    when, inside = NO_WHEN, None
    if time is not None:
        when = When(_verbatim(unit, time.begin, (0, time.finish - time.begin)),
                    time.when.start, time.when.end)
        if action.start <= time.begin and time.finish <= action.end:
            inside = (time.begin - action.start, time.finish - action.start)
    flat_what = unit.flat[action.start:action.end]
    return Commitment(
        id=commitment_id(source, unit.text, what), what=what,
        who=fields.who(action.subject, unit.flat), when=when,
        where=_verbatim(unit, action.start, fields.where(flat_what)),
        target=_verbatim(unit, action.start, fields.target(flat_what, inside)),
        strength=action.strength, topic=unit.section,
        citation=Citation(source, document.title, unit.page, unit.section, unit.text))


def extract(document: Document, source: str,
            document_date: date | None = None) -> list[Commitment]:
    """Every commitment of `document`, in reading order. `source` is how citations name the
    file; `document_date` anchors relative deadlines ("within five years")."""
    found: list[Commitment] = []
    others = (OTHER_THAN_NATIONAL if national_voice("\n".join(b.text for b in document.blocks))
              else OTHER_BODIES)
    previous: tuple[PlacedUnit, Verdict] | None = None
    for unit, scope in scoped_units(document, others):
        if scope is None and previous and previous[1].actions \
                and previous[0].block == unit.block and CONTINUES.match(unit.flat):
            scope = Scope(previous[1].actions[0].strength, "continues the commitment before it",
                          strict=True, after_colon=True)
        verdict = judge(unit.flat, unit.role, scope, others)
        previous = (unit, verdict)
        if not verdict.actions:
            continue
        times = find_times(unit.flat, document_date)
        found += [_record(unit, action, verdict.actions, times, document, source)
                  for action in verdict.actions]
    return found
