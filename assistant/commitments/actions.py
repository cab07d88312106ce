"""A committed span -> its distinct actions: one record per verb that has its own object.

"We will invest in research, forge closer links with universities and ..." commits to more
than one thing, and a register (or a comparison of two versions) needs each on its own row.
The cut points are where a coordinated member opens with the same kind of word as the span:
a base-form verb after "will" or in an imperative item, a gerund in a gerund list ("keeping
more staff, relying less on agency workers and growing ..."), a new subject with a participle
in a passive ("... made more visible and staff supported ..."), any member of two words or
more in a verbless list of actions, a plain base-form verb after "and" in an item that opens
with an action ("conducting a review ... and reduce spend"). Coordinated objects of one verb
stay together, and so do verbs that share one object ("expand, evaluate and roll out the
scheme"), and everything after a purpose or means clause ("support carers to strengthen ...
and work across ...", "ensure that ..."): what follows belongs to that clause, not to a new
action. A verb's own "to" ("continue to support ... and target ...") is not a purpose clause.

Leaves out deciding that a span is a commitment (`rules.py`).
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.commitments.grammar import (
    DETERMINERS,
    NOUN_VERBS,
    is_gerund,
    is_participle,
    is_verb,
)
from assistant.stopwords import FUNCTION_WORDS

Form = Literal["verb", "gerund", "passive", "list"]

# A bare "and" cuts only after a member this long: "respond with agility and leverage ..."
# and "create a clear pathway and support mechanisms" are one action each.
AND_CUT_WORDS = 5
_TOKEN = re.compile(r"[A-Za-z0-9£](?:[\w'’£%/-]|\.(?=\w))*|[,;()“”\"]")
# Words that continue a member rather than open a new one in a verbless list.
_LIST_CONTINUES = frozenset("""both including such which who whose that where when as with to
from for in on at by of or e.g. i.e. etc while whilst""".split())
_SPLIT_INFINITIVE = frozenset("better further more fully jointly quickly effectively".split())
_ADJECTIVE_ENDINGS = ("-based", "-led", "-wide", "-focused", "ed")
_TRIM = " \t\n,;:.–—-"
_PREPOSITIONS = frozenset("of in for to with from on at by into as".split())
_FOCUS_ADVERBS = frozenset({"particularly", "especially", "also"})
# "maximising care ..., including FIT pathways, low-risk pathways and ...": the examples after
# these words belong to one action, up to a member that opens with a verb or a semicolon.
_EXAMPLES_OPEN = frozenset({"including", "notably"})


def _members_words(tokens: list[tuple[int, int, str]], i: int) -> int:
    """Words from token `i` to the next comma or "and": the size of the next member."""
    count = 0
    for _, _, word in tokens[i:]:
        if word in {",", ";"} or word.lower() in {"and", "or"}:
            break
        count += word not in {"(", ")", "“", "”", '"'}
    return count


def _opens_purpose(tokens: list[tuple[int, int, str]], i: int, size: int) -> bool:
    """"to <verb>", "by <gerund>" or "<verb> that": a clause that owns what follows. A "to"
    right after the member's verb is that verb's own ("continue to support ..."), not a
    purpose: `size` counts the member's words up to and including token `i`."""
    word = tokens[i][2].lower()
    after = tokens[i + 1][2] if i + 1 < len(tokens) else ""
    before = tokens[i - 1][2] if i > 0 else ""
    if word == "to" and after.lower() in _SPLIT_INFINITIVE and i + 2 < len(tokens):
        after = tokens[i + 2][2]
    return ((word == "to" and size > 2 and is_verb(after)) or (word == "by" and is_gerund(after))
            or (word == "that" and is_verb(before)))


def _cuts(form: Form, word: str, after_comma: bool, size: int, next_size: int,
          following: list[str], acting: bool, semicolon: bool = False) -> bool:
    """Whether a member opening with `word` is a new action. `acting`: the span opens with an
    action, so its comma-separated members are actions too ("Hinckley to host ..., investment
    in ..."); a list inside a noun phrase ("access to green spaces, leisure centres") is not."""
    lowered = word.lower()
    if form == "verb":
        if not (is_verb(word) and word[:1].islower()):
            return False
        if after_comma or size >= AND_CUT_WORDS:
            return size >= 2
        return size >= 2 and next_size >= 2 and _plainly_verb(word, following)
    if form == "gerund":
        return is_gerund(word) and size >= 2
    if form == "passive":
        return (not after_comma and size >= 3 and not is_participle(word)
                and any(is_participle(w) for w in following[1:5]))
    if not after_comma:
        return (is_gerund(word) and size >= 2) or (
            acting and size >= AND_CUT_WORDS and next_size >= 2 and word.islower()
            and is_verb(word) and _plainly_verb(word, following))
    if semicolon:
        return next_size >= 2
    return (acting and next_size >= 2 and lowered not in _LIST_CONTINUES
            and lowered not in DETERMINERS and not lowered.endswith(_ADJECTIVE_ENDINGS))


def _plainly_verb(word: str, following: list[str]) -> bool:
    """A short member after a bare "and" opens a new action when its first word is a verb
    rarely used as a noun ("reduce in size and reprioritise resources"; not before "of":
    "and transfer of care"), or a verb by what follows it: an article, or a participle and
    its noun ("and support the expansion of ...", "and support targeted action"; not "and
    support mechanisms", "and support tailored to their needs")."""
    after, then = [*(w.lower() for w in following[1:3]), "", ""][:2]
    if after in _PREPOSITIONS:
        return False
    return (word.lower() not in NOUN_VERBS or after in DETERMINERS
            or (is_participle(after) and then.isalpha() and then not in _PREPOSITIONS))


def split_actions(text: str, start: int, end: int, form: Form,
                  enumeration: bool = False) -> list[tuple[int, int]]:
    """The (start, end) offsets in `text` of each action of `text[start:end]`.
    `enumeration`: the span is a list by its punctuation (after "such as" or a colon)."""
    tokens = [(m.start() + start, m.end() + start, m.group())
              for m in _TOKEN.finditer(text[start:end])]
    parts: list[tuple[int, int]] = []
    part_start, size, depth, owned, in_series = start, 0, 0, False, False
    examples = False  # after "including": its examples belong to the action, not new ones
    part_first = 0  # the token that opens the current action
    acting = enumeration or _opens_action([word for _, _, word in tokens[:4]])
    i = 0
    while i < len(tokens):
        at, _, word = tokens[i]
        depth += (word == "(") - (word == ")")
        is_and = word.lower() in {"and", "or"}
        if depth == 0 and (word in {",", ";"} or is_and) and (j := _member_start(
                tokens, i, form)) < len(tokens):
            next_size = _members_words(tokens, j)
            in_series = (in_series or (not is_and and next_size == 1)) and not is_and
            following = [t[2] for t in tokens[j:j + 6]]
            infinitive = tokens[j - 1][2].lower() == "to"
            opens_act = is_verb(tokens[j][2])
            if (not owned and not in_series and not _shared(tokens, i, j)
                    and not _verbs_only(tokens[part_first:i])
                    and not (examples and not opens_act and word != ";") and (
                    (infinitive and size >= 2) or _cuts(
                    form, tokens[j][2], not is_and, size, next_size, following, acting,
                    word == ";"))):
                parts.append((part_start, at))
                part_start, size, owned, examples, i = tokens[j][0], 0, False, False, j
                part_first = j
                continue
        if word not in {",", ";", "(", ")", "“", "”", '"'}:
            size += 1
        owned = owned or ((form != "list" or acting) and size > 1
                          and _opens_purpose(tokens, i, size))
        examples = examples or (depth == 0 and word.lower() in _EXAMPLES_OPEN)
        i += 1
    parts.append((part_start, end))
    return [trimmed for a, b in parts if (trimmed := _trim(text, a, b))]


def _shared(tokens: list[tuple[int, int, str]], i: int, j: int) -> bool:
    """Two -ing words joined by "and" right after a function word modify the noun that
    follows ("with supporting and nurturing parents"): one action, not two ("reducing
    smoking and improving diet" is two)."""
    if i < 2 or tokens[i][2].lower() not in {"and", "or"}:
        return False
    opener, before, after = tokens[i - 2][2], tokens[i - 1][2], tokens[j][2]
    return opener.lower() in FUNCTION_WORDS and is_gerund(before) and is_gerund(after)


def _verbs_only(member: list[tuple[int, int, str]]) -> bool:
    """A member of nothing but verbs ("continue to expand, evaluate and roll out the
    scheme"): they share the object that comes after the last one, so no cut."""
    words = [word for _, _, word in member if word not in {",", ";"}]
    return bool(words) and all(word.lower() == "to" or is_verb(word) for word in words)


def _opens_action(words: list[str]) -> bool:
    """A span that starts with an action: a verb, a gerund, or "<name> to <verb>"."""
    if not words:
        return False
    return (is_verb(words[0]) or is_gerund(words[0]) or any(
        w.lower() == "to" and i + 1 < len(words) and is_verb(words[i + 1])
        for i, w in enumerate(words[1:3], start=1)))


def _member_start(tokens: list[tuple[int, int, str]], i: int, form: Form) -> int:
    """The first word of the member after the separator at `i`: past "and" after a comma,
    and past "to" of a coordinated infinitive ("..., and to reassure them")."""
    j = i + 1
    if tokens[i][2] in {",", ";"} and j < len(tokens) and tokens[j][2].lower() in {"and", "or"}:
        j += 1
    # "..., and in particular address ...": the member opens with its verb
    if j + 2 < len(tokens) and [t[2].lower() for t in tokens[j:j + 2]] == ["in", "particular"]:
        j += 2
    elif j + 1 < len(tokens) and tokens[j][2].lower() in _FOCUS_ADVERBS:
        j += 1
    if (j + 1 < len(tokens) and tokens[j][2].lower() == "to" and form == "verb"
            and tokens[j - 1][2].lower() in {"and", "or"}
            and tokens[j + 1][2].islower() and tokens[j + 1][2] not in DETERMINERS):
        j += 1
    return j


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return (start, end) if end > start else None
