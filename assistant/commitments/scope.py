"""Which list context each unit of a document sits in: the structure half of the rules.

A plan presents most of its actions as lists, and a list item is a commitment by its place, not
its grammar ("Adopt a value-based healthcare approach"). These places give a `Scope`:
- a lead-in that commits ("We will:", "our organisations commit to work together to:"), gives
  an aim ("The purpose of the Strategy is to:") or sets what named bodies must do ("All
  systems must:", "Providers are expected to:"): its items, up to the next heading or
  lead-in of the block, even with explanatory sentences between them (a PDF's numbered aims,
  each followed by its "We will ..." text); with no items, the imperative sentences right
  after it (a list without bullets);
- the same lead-in set after its list, as PDF layouts sometimes do ("... We will:" at the foot
  of the page): the imperative sentences of its block before it;
- a heading, or a section path, that names actions, commitments, aims, principles or pledges:
  its items (for pledges, only those that say what will change);
- a sentence announcing the actions below ("The delivery actions below are ..."): every item
  and verbless sentence of that section and its subsections;
- a sentence whose head before a colon commits ("The plan has four big aims: ...") or labels a
  recommendation ("Recommendation 3: Review ..."): the items it lists itself;
- an imperative lead-in ending "by:" ("Reduce length of stay ... by:"): itself and its items,
  the means;
- a PDF page whose headings name one such list (a table's "Our goals" beside "What we
  mean"): the unclaimed items the reading order puts in the page's other blocks, unless
  their block opens a section of its own.
A "Background" or "Context" heading, or a contents list, gives the opposite: nothing under it
counts. Lists of other bodies (national ones, unless the document speaks as one) are context.

Leaves out reading a unit for commitments (`rules.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.blocks import Document
from assistant.commitments.grammar import (
    AUXILIARIES,
    DETERMINERS,
    is_gerund,
    is_participle,
    is_verb,
)
from assistant.commitments.rules import (
    CONDITIONS_LEAD,
    EXAMPLES_LEAD,
    MEANS_LEAD,
    THEY_INCLUDE,
    Scope,
    Strength,
)
from assistant.commitments.triggers import OTHER_BODIES, words
from assistant.commitments.units import PlacedUnit, document_units
from assistant.pdf_layout import HEADING_NUMBER
from assistant.stopwords import FUNCTION_WORDS
from assistant.structure import CONTENTS_HEADING, SECTION_SEPARATOR

_ACTION_WORDS = re.compile(
    r"\b(?P<firm>what we will do|we will|our commitments?|commitments|pledges?|"
    r"(?:key |delivery )*actions|deliverables|next steps|principles|areas of work|"
    r"workstreams?)\b|"
    r"\b(?P<aim>priorities|aims|objectives|goals|purposes|success measures?)\b|"
    r"\b(?P<aspiration>ambitions?|vision)\b", re.I)
_ANNOUNCES = re.compile(
    r"\b(?:actions|commitments|pledges|priorities)\b[^.]{0,40}\b(?:below|following)\b|"
    r"\b(?:below|following)\b[^.]{0,40}\b(?:actions|commitments|pledges|priorities)\b", re.I)
_LEAD_FIRM = re.compile(r"\b(?:will|shall|commit|commits|agreed?)\b|\bW e will\b|"
                        r"\b(?:pledge|promise)s? to\b", re.I)
_BACKGROUND = re.compile(r"\b(?:background|context|case stud(?:y|ies))\b", re.I)
_AIM_LEAD = re.compile(r"\b(?:aim|goal|objective|purpose)\b[^:]*\bis\s+to\s*:\s*$", re.I)
IMPERATIVE_RUN = 3  # imperative sentences in a row that make a list of actions
RUN_LINE_WORDS = 45  # an action line of such a run may be longer than a line under a heading
RUN_GAP_WORDS = 12  # a line this short between two of them does not end the run
LINE_ITEM_WORDS = 30  # longer, an imperative "line" is a heading run into the paragraph after it
# A contents list names chapters ("Next steps 13"): nothing after its heading in the block counts.
_CONTENTS = Scope("firm", "a contents entry: a chapter's title, not an action", background=True)
_REQUIREMENT = re.compile(r"\b(?:must|(?:is|are) (?:also |now )?expected to|we ask|"
                          r"we are asking|we expect that)\b", re.I)
# ...of which a sentence's head before its colon may only ask bodies to act, its grammar left
# open for the list ("we are asking you to focus on:", "ICBs must:", "Providers are expected
# to:"): "We know change must happen: waiting lists are long", "We are asking a lot of the
# system: staff are tired" and "Patients are expected to benefit: waits will fall" are prose.
_ASKED = re.compile(r"\b(?:we (?:are asking|ask)\b.*\bto|(?:is|are) (?:also |now )?expected to|"
                    r"we expect that|must)\b", re.I)
_OPEN_END = re.compile(r"\b(?:to|on|that|will|must|following|for|by|includes?)\s*$", re.I)


def _asks(head: str) -> bool:
    """A head before a colon that asks bodies to act, its grammar left open for the list."""
    return bool(_ASKED.search(head) and _OPEN_END.search(head))
_LABEL = re.compile(r"(?:(?P<firm>Action)|Recommendation)\s+\d{1,2}[a-z]?")
_NECESSITY = re.compile(r"\b(?:must|should|need to|needs to|needed|required)\b", re.I)


def _not_ours(text: str, others: re.Pattern[str]) -> bool:
    """A lead-in whose list is not the document's own actions: what must be done, what other
    bodies do, or the cases a condition covers."""
    return (_NECESSITY.search(text) is not None or others.search(text) is not None
            or CONDITIONS_LEAD.search(text) is not None)


def _strength(text: str, others: re.Pattern[str]) -> Strength | None:
    """What a lead-in or heading commits its list to, if anything: a committing verb, or an
    action noun in its last clause ("The ICB gives four broad purposes for the plan:", not
    "Apart from the pledges, the plan has these sections:")."""
    if _not_ours(text, others):
        return None
    if _LEAD_FIRM.search(text):
        return "firm"
    m = _ACTION_WORDS.search(text, text.rfind(", ") + 1)
    if not m:
        return None
    return "firm" if m["firm"] else "aim" if m["aim"] else "aspiration"


def _lead_aim(text: str, others: re.Pattern[str]) -> Strength | None:
    """A lead-in that gives the one aim its list spells out ("The purpose of the Strategy is
    to:", "Our aim is to:"). As a heading, "Purpose of the Strategy" names a section about the
    document, not a list."""
    return "aim" if _AIM_LEAD.search(text) and not _not_ours(text, others) else None


def _requirement(text: str) -> Strength | None:
    """A lead-in that sets its list as what named bodies must do ("All systems must:",
    "Providers are expected to:", "We ask ICBs to focus on:"): guidance states its asks so,
    and each item is one. Prose "must" stays a statement of necessity."""
    return "firm" if _REQUIREMENT.search(text) else None


def _heading_scope(text: str, others: re.Pattern[str]) -> Scope | None:
    if _BACKGROUND.search(text):
        return Scope("firm", f"background under '{text}': context, not the plan's actions",
                     background=True)
    strength = _strength(text, others) if _ACTION_WORDS.search(text) else None
    if strength is None:
        return None
    pledges = re.search(r"\bpledges?\b", text, re.I) is not None
    return Scope(strength, f"listed under the heading '{text}'", needs_change=pledges)


def _imperative(unit: PlacedUnit) -> bool:
    """A sentence that opens with a base-form verb and its object: "Embed research into our
    local communities ...", "Work closely with ...", "Support and assure ..."; not "Support
    for carers is ..."."""
    words = unit.flat.split()
    if len(words) < 3 or not is_verb(words[0]) or not words[0][:1].isupper():
        return False
    second, third = words[1].lower(), words[2].strip(",.;:").lower()
    if second in {"and", "or"}:  # "Convene and co-ordinate ...", "Develop and continuously"
        return is_verb(third) or third.endswith("ly")
    adverb = second.endswith("ly") and second != "only"  # "Work closely", not "Change only"
    return (adverb or second == "with"  # "Work with ICBs to ..."
            or second not in (FUNCTION_WORDS - DETERMINERS) | AUXILIARIES)


def _block_scopes(units: list[PlacedUnit], inherited: Scope | None,
                  others: re.Pattern[str]) -> list[Scope | None]:
    """The scope of each unit of one block."""
    section = _heading_scope(units[0].section or "", others) if units else None
    scopes: list[Scope | None] = [inherited if u.role in {"item", "sentence"} else None
                                  for u in units]
    if section and section.background:
        return [section] * len(units)
    lead: Scope | None = None
    since_break = 0
    for i, unit in enumerate(units):
        if _repeats_heading(unit):
            scopes[i] = None
        elif lead is _CONTENTS:
            scopes[i] = lead
        elif unit.role in ("heading", "noise") and CONTENTS_HEADING.match(unit.flat.strip()):
            lead = scopes[i] = _CONTENTS
        elif unit.role == "heading":
            # Headings in a row are one heading group, as a table's column heads are ("Our
            # goals" beside "What we mean"): the group names its items if any of them does.
            grouped = lead if i and units[i - 1].role == "heading" else None
            lead, since_break = _heading_scope(unit.flat, others) or grouped, i + 1
            if lead and not grouped and (first := _row_before(units, i)) is not None \
                    and scopes[first] is None:
                scopes[first] = lead
        elif unit.role == "lead":
            examples = EXAMPLES_LEAD.search(unit.flat) is not None
            strength = None if examples else (_strength(unit.flat, others)
                                              or _lead_aim(unit.flat, others)
                                              or _requirement(unit.flat))
            means = (not strength and MEANS_LEAD.search(unit.flat) and _imperative(unit)
                     and not is_participle(unit.flat.split()[1]))
            if means:  # "Reduce length of stay ... by:": the action, then its means
                strength = "firm"
                scopes[i] = Scope("firm", "an action whose means its list gives", strict=True)
            lead = Scope(strength, f"an item of the list '{unit.flat}'", strict=True) \
                if strength else None
            if lead and not any(u.role == "item" for u in units[i + 1:i + 2]):
                for j in range(since_break, i):
                    if units[j].role == "sentence" and _imperative(units[j]):
                        scopes[j] = lead
                for j in range(i + 1, len(units)):
                    if units[j].role != "sentence" or not _imperative(units[j]):
                        break
                    scopes[j] = lead
            since_break = i + 1
        elif lead and lead.background:
            scopes[i] = lead
        elif unit.role == "item" and unit.starts and scopes[i] is None:
            scopes[i] = lead or section
        elif unit.role == "sentence" and scopes[i] is None and (named := lead or section) \
                and not named.strict and _imperative(unit) \
                and len(unit.flat.split()) <= LINE_ITEM_WORDS:
            scopes[i] = named  # a heading's list set as lines without bullets
        if scopes[i] is None and unit.role in {"item", "sentence"}:
            scopes[i] = _inline_list(unit.flat, others) or _listed_after(units, i, others)
    _unbulleted_items(units, scopes)
    _imperative_runs(units, scopes)
    return scopes


def _unbulleted_items(units: list[PlacedUnit], scopes: list[Scope | None]) -> None:
    """Carry a list of what named bodies are asked to do that opens inside its lead-in's
    sentence ("… we are asking you to focus on: setting up your planning process …") on to
    the lines after it that open with a lower-case "-ing" verb or are imperative ("assessing
    your capability …", "Build your cost improvement plans …"): the conversion dropped the
    bullets. One other sentence between two of them does not end the list; a second one, a
    heading or a lead-in does."""
    running: Scope | None = None
    gap = 0
    for i, unit in enumerate(units):
        scope, colon = scopes[i], unit.flat.find(": ")
        if scope is not None and scope.after_colon and colon >= 0 \
                and _asks(unit.flat[:colon]):
            running, gap = scope, 0
            continue
        if running is None:
            continue
        if unit.role in ("heading", "lead"):
            running = None
            continue
        first = unit.flat.split()[:1]
        if scope is None and unit.role == "sentence" and (
                (first and first[0].islower() and is_gerund(first[0])) or _imperative(unit)):
            scopes[i] = Scope(running.strength, running.reason, strict=True)
            gap = 0
        elif (gap := gap + 1) > 1:
            running = None


def _imperative_runs(units: list[PlacedUnit], scopes: list[Scope | None]) -> None:
    """Give a run of `IMPERATIVE_RUN` or more short imperative sentences in a row, none
    scoped yet, the scope of a list: a list set as lines without bullets or a lead-in, under
    whatever heading ("Providers": "Develop ...", "Ensure ...", "Work with ..."). One short
    fragment (opening with a figure or in lower case, or a sentence without a final stop;
    not a heading) between two of them does not end the run: converted tables run the other
    column's words into the list ("Reduce the proportion ... / 1% of the total waiting list
    by March 2026 / Improve performance ...")."""
    run: list[int] = []
    gap = 0
    for i, unit in enumerate([*units, None]):
        if unit is not None and unit.role == "sentence" and scopes[i] is None \
                and _imperative(unit) and len(unit.flat.split()) <= RUN_LINE_WORDS:
            run.append(i)
            gap = 0
            continue
        if unit is not None and run and not gap and scopes[i] is None \
                and _fragment(unit) and len(unit.flat.split()) <= RUN_GAP_WORDS:
            gap = 1  # a fragment of a table's other column run into the lines ("1% of the
            # waiting list", "people wait for"), not a sentence of its own
            continue
        if len(run) >= IMPERATIVE_RUN:
            for j in run:
                scopes[j] = Scope("firm", "a run of imperative lines: a list without bullets",
                                  strict=True)
        run = []
        gap = 0


def _fragment(unit: PlacedUnit) -> bool:
    """A piece of another column rather than a line of its own: it opens with a figure or in
    lower case, or is a sentence without a final stop (a heading is neither)."""
    flat = unit.flat.strip()
    return flat[:1].islower() or flat[:1].isdigit() or (
        unit.role == "sentence" and not flat.endswith((".", "!", "?")))


def _listed_after(units: list[PlacedUnit], i: int, others: re.Pattern[str]) -> Scope | None:
    """"... listed some of the pledges without numbering them. They include easier access
    to GP practices; shorter waits ...": a sentence listing what the one before it names."""
    if i == 0 or units[i - 1].role != "sentence" or not THEY_INCLUDE.match(units[i].flat):
        return None
    named = _heading_scope(units[i - 1].flat, others)
    if named is None or named.background:
        return None
    return Scope(named.strength, f"listed after '{units[i - 1].flat}'",
                 needs_change=named.needs_change, after_colon=True)


def _row_before(units: list[PlacedUnit], heading: int) -> int | None:
    """A lone item set right before a list's heading, between headings ("LIVING WELL",
    "Individuals ... are connected", "Our goals"): a table's first row, which the reading order
    puts above its column heads. Its index, if there is one."""
    kinds = [u.role for u in units[:heading] if u.role != "noise"]
    at = [n for n, u in enumerate(units[:heading]) if u.role != "noise"]
    if len(kinds) >= 2 and kinds[-1] == "item" and kinds[-2] == "heading" \
            and units[at[-1]].starts:
        return at[-1]
    return None


def _repeats_heading(unit: PlacedUnit) -> bool:
    """A line that only repeats its section's title ("Next steps" under "4. Next steps"), as
    PDF layouts print a chapter's name again on its pages: a title, not an item."""
    leaf = HEADING_NUMBER.sub("", (unit.section or "").rsplit(SECTION_SEPARATOR, 1)[-1].strip())
    first = words(unit.flat)[:1]
    return (bool(first) and not is_verb(first[0])
            and leaf.strip().lower() == unit.flat.strip().lower())


def _label(head: str) -> Strength | None:
    """A numbered recommendation or action ("Recommendation 3: Review the ..."): what follows
    the label is the proposal itself."""
    m = _LABEL.fullmatch(head.strip())
    return None if m is None else "firm" if m["firm"] else "aim"


def _inline_list(text: str, others: re.Pattern[str]) -> Scope | None:
    """A sentence that lists its own items after a committing head: "The plan has four big
    aims: better care ...; smaller gaps ...; and ..."."""
    colon = text.find(": ")
    if colon < 0 or not (strength := _strength(text[:colon], others) or _label(text[:colon])
                         or ("firm" if _asks(text[:colon]) else None)):
        return None
    return Scope(strength, f"listed after '{text[:colon]}:'", strict=True, after_colon=True)


def scoped_units(document: Document, others: re.Pattern[str] = OTHER_BODIES
                 ) -> Iterator[tuple[PlacedUnit, Scope | None]]:
    """Every unit of the document with the list context it sits in (None outside lists).
    `others`: the bodies whose lists are context, not the document's."""
    by_block: dict[int, list[PlacedUnit]] = {}
    for unit in document_units(document):
        by_block.setdefault(unit.block, []).append(unit)
    announced: dict[str, Scope] = {}
    placed: list[tuple[PlacedUnit, Scope | None]] = []
    for units in by_block.values():
        section = units[0].section or ""
        inherited = next((scope for name, scope in announced.items()
                          if section == name or section.startswith(name + SECTION_SEPARATOR)),
                         None)
        scopes = _block_scopes(units, inherited, others)
        for unit, scope in zip(units, scopes, strict=True):
            placed.append((unit, scope))
            if unit.role == "sentence" and _ANNOUNCES.search(unit.flat):
                announced[section] = Scope("firm", f"announced by '{unit.flat}'")
    yield from _page_lists(placed, others)


def _page_lists(placed: list[tuple[PlacedUnit, Scope | None]], others: re.Pattern[str]
                ) -> Iterator[tuple[PlacedUnit, Scope | None]]:
    """A PDF page laid out as a table or diagram ("Our goals" beside "What we mean") comes out
    of the reading order with its list split: some items under their heading, the rest in
    other blocks of the page, even after another heading the reading order put first. So a
    page whose headings name one list of actions or goals gives that list the unclaimed items
    of the page's other blocks. Two kinds stay out: items in the heading's own block, where
    order decides (items after "Key initiatives" are initiatives, not goals), and items of a
    block that opens with a heading of its own (a section starting part-way down the page).
    A contents page names the chapters ("Our vision"), and its items are their titles."""
    headings: dict[int, dict[str, tuple[Scope, set[int]]]] = {}
    contents: set[int] = set()
    for unit, _ in placed:
        if unit.page is None or unit.role not in ("heading", "noise"):
            continue
        if CONTENTS_HEADING.match(unit.flat.strip()):  # noise, to answers
            contents.add(unit.page)
        elif unit.role == "heading" and (found := _heading_scope(unit.flat, others)):
            on_page = headings.setdefault(unit.page, {})
            on_page.setdefault(unit.flat, (found, set()))[1].add(unit.block)
    lists = {page: (heading, found, blocks)
             for page, named in headings.items() if page not in contents and len(named) == 1
             for heading, (found, blocks) in named.items() if not found.background}
    headed = {unit.block for n, (unit, _) in enumerate(placed) if unit.role == "heading"
              and (n == 0 or placed[n - 1][0].block != unit.block)}  # blocks opening a section
    for unit, scope in placed:
        page_list = lists.get(unit.page) if unit.page is not None else None
        if page_list and scope is None and unit.role == "item" and unit.starts:
            heading, found, blocks = page_list
            if unit.block not in blocks | headed:
                scope = Scope(found.strength, f"an item on the page of the heading '{heading}'",
                              needs_change=found.needs_change)
        yield unit, scope
