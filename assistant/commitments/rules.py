"""What a sentence or list item commits to: the one place that decides, with its reasons.

`judge` takes a unit and its list context. The triggers of its own grammar (`triggers.py`)
give records from where each trigger's span starts to the next trigger or the end, split into
actions. Its place gives records too: an item of a list that commits ("We will:"), an item
under a heading or announcement of actions, a fragment among announced actions ("Hinckley to
host a centre in 2024/25, investment in ..."), the items a sentence lists after a committing
colon. A pledge counts only when it says what will change; an action must name more than its
verb and its date; nothing under a "Background" heading counts. Outside lists, an imperative
with a figure and a date is a target (a table's row).

Leaves out finding triggers (`triggers.py`) and list contexts (`scope.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.commitments import fields
from assistant.commitments.actions import Form, split_actions
from assistant.commitments.grammar import is_finite, is_verb, states_change
from assistant.commitments.triggers import (
    OTHER_BODIES,
    Strength,
    Trigger,
    find_triggers,
    next_words,
    words,
)
from assistant.commitments.when import find_times
from assistant.stopwords import FUNCTION_WORDS

__all__ = ["CONDITIONS_LEAD", "CONTINUES", "EXAMPLES_LEAD", "MEANS_LEAD", "THEY_INCLUDE",
           "Action", "Scope", "Strength", "Verdict", "judge"]

# "We will support children ... This includes helping our children to thrive and ...": the
# sentence after a commitment that spells out what it includes (its gerunds are the items).
CONTINUES = re.compile(r"This (?:will )?(?:also )?includes?\s+(?=\w+ing\b)")
# "They include A; B; and C" after a sentence that names the pledges or actions.
THEY_INCLUDE = re.compile(r"(?:They|These|Those) (?:include|are)\s+")
_LIST_OPENERS = re.compile(rf":\s|\bsuch as\s|^{CONTINUES.pattern}|^{THEY_INCLUDE.pattern}",
                           re.I)
_CONTRAST = re.compile(r"[\s,;]+however\b", re.I)
# A lead-in that lists examples of what it names ("the HWB will use various indicators, for
# example:") commits in its own words; its items are the examples, not actions.
EXAMPLES_LEAD = re.compile(r"\b(?:for example|for instance|e\.g\.|including|such as)\s*:\s*$",
                           re.I)
# "Reduce length of stay ... by:": an action whose list gives its means; both count.
MEANS_LEAD = re.compile(r"\b(?:by|through)\s*:\s*$", re.I)
# "NHS England will consider a request where there is either:": a lead-in whose last clause is
# a condition lists the cases it applies to, not actions; the lead-in itself may commit.
CONDITIONS_LEAD = re.compile(r"\b(?:where|if|when|unless|whether)\b[^,;:]*:\s*$", re.I)


@dataclass(frozen=True)
class Scope:
    """The list context of a unit. `strict`: a lead-in that commits, so every item counts;
    otherwise a heading or announcement, where an item counts when it says what changes
    (`needs_change`) or is a verbless fragment."""

    strength: Strength
    reason: str
    strict: bool = False
    needs_change: bool = False
    after_colon: bool = False  # the unit lists its items itself: "four aims: A; B; and C"
    background: bool = False  # under a "Background" or "Context" heading: nothing counts


@dataclass(frozen=True)
class Action:
    """One commitment inside a unit: `flat[start:end]` is its `what`."""

    start: int
    end: int
    strength: Strength
    reason: str
    subject: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The actions of a unit, and why the unit gave them (or gave none)."""

    actions: tuple[Action, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _span_end(text: str, start: int, limit: int) -> int:
    """The end of a trigger's span: the next trigger, backed off to a comma before it, or a
    contrast that opens a new clause ("... for the overall population however, we know ...")."""
    contrast = _CONTRAST.search(text, start, limit)
    if contrast:
        return contrast.start()
    if limit < len(text):
        comma = text.rfind(",", start, limit)
        return comma if comma > start else limit
    return limit


def _concrete(text: str, start: int, end: int) -> bool:
    """An action names something beyond its verb and its date ("deliver during those five
    years" names nothing), in words: figures alone ("1, 2, 4 and 13") name nothing either."""
    span = text[start:end]
    for t in find_times(span):
        span = span.replace(t.when.text or "", " ")
    return len([w for w in words(span) if w.lower() not in FUNCTION_WORDS
                and re.search(r"[A-Za-z]", w)]) >= 2


def _trigger_actions(text: str, found: list[Trigger]) -> list[Action]:
    actions: list[Action] = []
    for i, trigger in enumerate(found):
        limit = found[i + 1].phrase_start if i + 1 < len(found) else len(text)
        end = trigger.what_end or _span_end(text, trigger.what_start, limit)
        for a, b in split_actions(text, trigger.what_start, end, trigger.form):
            if _concrete(text, a, b):
                actions.append(Action(a, b, trigger.strength, trigger.reason, trigger.subject))
    return actions


def _list_form(text: str, start: int) -> Form:
    first = next_words(text, start, 1)
    word = first[0][1] if first else ""
    return "verb" if is_verb(word) else "list"


def _scope_actions(text: str, scope: Scope, role: str, before: int) -> list[Action]:
    """The actions a list item (or an announced fragment) gives by its place in a list."""
    start = 0
    opener = _LIST_OPENERS.search(text, 0, before) if (scope.needs_change
                                                        or scope.after_colon) else None
    if opener:  # "Pledge 13 is about the workforce: keeping ..., relying ..."
        start = opener.end()
    elif (scope.needs_change or (not scope.strict and role != "item")) \
            and is_finite(text[:before]):
        return []
    spans = split_actions(text, start, before, _list_form(text, start), enumeration=start > 0)
    return [Action(a, b, scope.strength, scope.reason) for a, b in spans
            if (not scope.needs_change or states_change(text[a:b])) and _concrete(text, a, b)
            and len(words(text[a:b])) >= 2]


def judge(flat: str, role: str, scope: Scope | None,
          others: re.Pattern[str] = OTHER_BODIES) -> Verdict:
    """The commitments of one unit, or none, with the reasons either way. `others`: the
    bodies whose undertakings are context, not the document's (see `national_voice`)."""
    if role == "lead" and any(lead.search(flat) for lead in (EXAMPLES_LEAD, MEANS_LEAD,
                                                               CONDITIONS_LEAD)):
        role = "sentence"
    if role not in {"sentence", "item"}:
        return Verdict(reasons=(f"a {role}, not a sentence or item",))
    if flat.rstrip().endswith("?"):
        return Verdict(reasons=("a question",))
    if scope is not None and scope.background:
        return Verdict(reasons=(scope.reason,))
    text = re.sub(r"\bW e\b", "We ", flat)
    found, refused = find_triggers(text, others)
    actions = _trigger_actions(text, found)
    reasons = [a.reason for a in actions] + refused
    if scope is not None:
        before = found[0].phrase_start if found else len(text)
        if not found or (before > 0 and not is_finite(text[:before])):
            listed = _scope_actions(text, scope, role, _fragment_end(text, before))
            actions = listed + actions
            reasons.append(scope.reason if listed else f"{scope.reason}, but no item of its own")
    elif not actions and _dated_target(text):
        end = len(text.rstrip(" .;"))
        actions = [Action(0, end, "aim", "an imperative target with a figure and a date")]
        reasons.append(actions[0].reason)
    return Verdict(tuple(actions), tuple(reasons) or ("no commitment trigger",))


def _dated_target(text: str) -> bool:
    """A target as a table or box states it, outside any list: an imperative with a figure
    and a date ("Improve performance against the 62-day standard to 75% by March 2026")."""
    first = words(text)[:1]
    return (bool(first) and is_verb(first[0]) and first[0][:1].isupper()
            and any(t.when.end for t in find_times(text))
            and fields.target(text, None) is not None)


def _fragment_end(text: str, before: int) -> int:
    """Where a fragment's own content stops before a trigger: "A team of teams approach ...,
    with plans to ..." keeps its noun phrase, not the "with"."""
    head = text[:before].rstrip()
    if head.endswith(","):  # "According to the plan, success will be judged ...": no fragment
        return 0
    for tail in (", with", " with", ", and", " and", ","):
        if head.lower().endswith(tail):
            return len(head) - len(tail)
    return len(head)
