"""Text cleaning for extracted document text, and the checks that flag unusable pages.

Pure functions on strings. Deliberately leaves out anything format-specific (that is
`documents.py` and the loaders beside it) and anything about chunk boundaries (that is
`chunking.py`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from assistant.stopwords import FUNCTION_WORDS

_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# A whole token made of glyph names ("/two.tab/zero.tab", "/g123", "/uni00A0") or "(cid:12)".
_GLYPH_TOKEN = re.compile(
    r"(?:/[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)+[.,;:]?|(?:\(cid:\d+\))+"
)
_MOJIBAKE = re.compile(r"[ÃÂâ][\u0080-\u00bf€™œž]")
_DIGITS = re.compile(r"\d+")
_LEADERS = re.compile(r"(?:\s?[.·_…]){4,}\s?")  # table-of-contents dot leaders
# Typographic ligatures some PDFs extract as one character ("ﬁnancial"): the letters they join.
_LIGATURE_LETTERS = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl",
                                   "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
                                   "\ufb06": "st"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A line that only numbers the page ("Page 4", "Page 4 of 30"), wherever the page prints it:
# not at its edges, it escapes `strip_running_lines` and opens the next heading's line.
_PAGE_LABEL = re.compile(r"^[ \t\u00a0]*(?:Page|PAGE)[ \t\u00a0]+\d{1,4}"
                         r"(?:[ \t\u00a0]+(?:of|OF)[ \t\u00a0]+\d{1,4})?[ \t\u00a0]*(?:\n|\Z)",
                         re.MULTILINE)


def clean_text(text: str) -> str:
    """Normalise a page of extracted text while keeping its paragraph breaks.

    Spells out typographic ligatures ("ﬁ" -> "fi"), joins words hyphenated across line ends,
    drops lines that only number the page ("Page 4"), shortens table-of-contents dot
    leaders, folds runs of spaces, drops control characters and trailing spaces, and
    collapses more than one blank line.
    """
    text = unicodedata.normalize("NFC", text).translate(_LIGATURE_LETTERS)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad\n", "")
    text = _CONTROL.sub("", text)
    text = _PAGE_LABEL.sub("", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _LEADERS.sub(" … ", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _line_key(line: str) -> str:
    """Page numbers differ on every page; compare header/footer lines with digits masked."""
    return _DIGITS.sub("#", line.strip().lower())


def strip_running_lines(pages: list[str], edge: int = 2, min_share: float = 0.6) -> list[str]:
    """Remove header and footer lines that repeat on most pages.

    A line counts as running when, digits masked, it appears among the first or last `edge`
    lines of at least `min_share` of the pages. Needs three pages or more to judge.
    """
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.split("\n") if ln.strip()]
        counts.update({_line_key(ln) for ln in lines[:edge] + lines[-edge:]})
    threshold = max(2, int(min_share * len(pages) + 0.999))
    running = {key for key, n in counts.items() if n >= threshold}
    if not running:
        return pages
    return [_drop_edges(page, running, edge) for page in pages]


def _drop_edges(page: str, running: set[str], edge: int) -> str:
    lines = page.split("\n")
    content = [i for i, ln in enumerate(lines) if ln.strip()]
    edges = set(content[:edge] + content[-edge:])
    kept = [ln for i, ln in enumerate(lines) if not (i in edges and _line_key(ln) in running)]
    remaining = "\n".join(kept).strip()
    return remaining or page.strip()  # a page that is all "running" lines is its content


def garbled_reason(text: str) -> str | None:
    """Why a page's text looks like garbage rather than prose, or None when it looks fine.

    Catches fonts that extract as glyph names (`/two.tab`, `/g123`, `(cid:12)`), mojibake
    from a wrong encoding, and text that is mostly symbols.
    """
    stripped = text.strip()
    if len(stripped) < 40:
        return None
    words = stripped.split()
    glyphs = sum(bool(_GLYPH_TOKEN.fullmatch(word)) for word in words)
    if glyphs >= 5 and glyphs / max(1, len(words)) > 0.2:
        return "text extracts as glyph names (e.g. '/two.tab'): the font has no usable text map"
    mojibake = len(_MOJIBAKE.findall(stripped))
    if mojibake >= 3 and mojibake / max(1, len(words)) > 0.05:
        return "text looks like mojibake (wrong character encoding)"
    letters = sum(ch.isalpha() for ch in stripped)
    visible = sum(not ch.isspace() for ch in stripped)
    if visible and letters / visible < 0.3:
        return f"text is mostly non-letters ({letters / visible:.0%} letters)"
    return None


# Some converters turn the "ll" ligature into "l" and a space: "wil be", "col aboration".
_LIGATURE_BROKEN = re.compile(r"\b(?<!\bet )(?:wil|al|wel|shal)\b")  # not "et al"
_LIGATURE_WHOLE = re.compile(r"\b(?:will|all|well|shall)\b")
_L_THEN_SPACE = re.compile(r"\b(?<!\bet )([A-Za-z]*l) (?=([a-z]+)\b)")
_L_THEN_STOP = re.compile(r"\b(?<!\bet )([a-z]*l) (?=[:;,.!?)])")  # "plans wil :", not "Tel :"
# What follows a lost "ll" when the word goes on: "ful y", "skil s", "smal er", "fol ow".
_LIGATURE_ENDINGS = frozenset({"y", "s", "es", "ed", "er", "ow"})
_WORD_AFTER = 4  # a right part this long that is a word itself stays a word ("financial year")


def lost_ligatures(text: str) -> bool:
    """Whether a document's text lost its "ll" ligatures: "wil", "al" and "wel" again and
    again, "will", "all" and "well" (almost) never."""
    broken = len(_LIGATURE_BROKEN.findall(text))
    return broken >= 3 and len(_LIGATURE_WHOLE.findall(text)) * 10 < broken


def restore_ligatures(text: str, is_word: Callable[..., bool]) -> str:
    """`text` with each "l " that stood for "ll" put back: joined to the next word when that
    makes a word ("chal enges" -> "challenges", "clinical y" -> "clinically"), else doubled
    when that makes a word ("wil be" -> "will be", "plans wil :" -> "plans will:"). Two words
    that are words on their own stay apart ("financial year", "Patel et al"). `is_word(word,
    min_stem)` says what a word is."""
    def repair(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if len(right) <= 2:  # an ending ("y", "s", "er"), not a short word ("be", "us")
            joins = right in _LIGATURE_ENDINGS and is_word(f"{left}l{right}", len(left))
        else:  # the stem must reach into `right`: "al ocations"
            joins = not (len(right) >= _WORD_AFTER and is_word(right)) \
                and is_word(f"{left}l{right}", len(left) + 2)
        if joins:
            return f"{left}l"
        return f"{left}l " if is_word(f"{left}l") else m.group()

    def before_stop(m: re.Match[str]) -> str:  # the space was the ligature's: "wil :" -> "will:"
        return f"{m.group(1)}l" if is_word(f"{m.group(1)}l") else m.group()

    return _L_THEN_STOP.sub(before_stop, _L_THEN_SPACE.sub(repair, text))


# A font whose map sends a letter to a quote glyph: "Strate’y", "ali’n", "meetin’s" (the "g"
# became a closing quote), "e‘‘icient use o‘ resources" (the "f" an opening one), both in
# "Sa‘e’uardin’". A word with a glyph inside or at its end; a word the glyph opens stays ("‘or"
# may be a quotation's "or").
SLIPPED_GLYPHS = "’‘"
_GLYPH_WORD = re.compile(r"\b[A-Za-z]+(?:[’‘]+[A-Za-z]+)*[’‘]*(?![A-Za-z])")
_CONTRACTION = re.compile(r"^(?P<stem>[A-Za-z]+)’(?:s|t|ll|re|ve|d|m)$", re.IGNORECASE)
SLIPPED_WORDS = 3  # words one letter must mend before the document counts as misread
_MIN_STEM = 4


def slipped_letters(text: str, is_word: Callable[..., bool]) -> dict[str, str]:
    """For each quote glyph that a document's font printed for a letter, that letter: the
    one that turns at least `SLIPPED_WORDS` of its words with the glyph into vocabulary
    words (not stems with an ending: "carers’" is no "carersa"), more of them than stay as
    they are, and most of them when a word that several letters mend ("o‘": of, on, or)
    counts as a share of a vote. Empty for a document whose quotes are what they seem."""
    words = [word for word in _GLYPH_WORD.findall(text) if _misread(word, is_word)]
    letters = {}
    for glyph in SLIPPED_GLYPHS:
        candidates = [word for word in words if glyph in word]
        votes: Counter[str] = Counter()
        mends: Counter[str] = Counter()
        for word in candidates:
            fits = [letter for letter in "abcdefghijklmnopqrstuvwxyz"
                    if is_word(word.replace(glyph, letter))]  # whole words only: the proof
            mends.update(fits)
            votes.update({letter: 1 / len(fits) for letter in fits})
        if votes:
            letter = votes.most_common(1)[0][0]
            if mends[letter] >= SLIPPED_WORDS and mends[letter] * 2 > len(candidates):
                letters[glyph] = letter
    return letters


def _misread(word: str, is_word: Callable[..., bool]) -> bool:
    """Whether a glyph in `word` may stand for a letter: not a contraction of a word ("it’s",
    but "meetin’s"), not a closing quote after one ("residents’", "the ‘front door’")."""
    if contraction := _CONTRACTION.match(word):
        return not is_word(contraction["stem"])
    inner = word.rstrip("’")
    return any(glyph in inner for glyph in SLIPPED_GLYPHS) or not is_word(inner)


def restore_slipped_letters(text: str, letters: dict[str, str],
                            is_word: Callable[..., bool]) -> str:
    """`text` with each misread word mended ("Strate’y" -> "Strategy", "o‘" -> "of",
    "STRATE’Y" -> "STRATEGY") where that makes a word: a vocabulary word when the only glyph
    ends the word ("dentists’" is no "dentistsg"), a word or a stem with an ending when a
    glyph sits inside it. Quotes, possessives and names stay ("residents’", "O’Neill")."""
    def mend(m: re.Match[str]) -> str:
        word = m.group()
        if not any(glyph in word for glyph in letters) or not _misread(word, is_word):
            return word
        mended = word
        for glyph, letter in letters.items():
            mended = mended.replace(glyph, letter.upper() if word.isupper() else letter)
        inside = any(glyph in word.rstrip(SLIPPED_GLYPHS) for glyph in SLIPPED_GLYPHS)
        return mended if is_word(mended, _MIN_STEM if inside else None) else word

    return _GLYPH_WORD.sub(mend, text) if letters else text


# A PDF converted to text keeps each page's foot and head inside the text: "... NHS England
# will transfer 2" (the page number), blank lines, then "2025/26 priorities and operational
# planning guidance a higher proportion of funding ..." (the running head, then the sentence).
_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n\s*)")
RUNNING_HEAD_PAGES = 3  # page breaks that show the same head before it counts as one
_HEAD_WORDS = range(3, 11)
_SENTENCE_END = re.compile(r"[.!?:;”’\"')\]*|]\s*$")
_NOT_RUNNING = re.compile(r"\s*(?:#|\|)")  # a Markdown heading or table row
RUNNING_TEXT_WORDS = 8  # a line this long that stops without a stop is cut, not a heading
CUT_LINE_WORDS = 25  # a paragraph's line this long is prose (a column's lines are shorter)
_LIST_OR_MARKUP = re.compile(r"\s*(?:[-*•–>#|]|\d+[.)])")
_SENTENCE_INSIDE = re.compile(r"[.!?]\s+[A-Z]")
_SETEXT = re.compile(r"\s*(?:=+|-+)\s*$")  # the underline of a Markdown heading
_TAIL = 400  # characters of a paragraph's end that its checks read


def _page_number(paragraph: str) -> str | None:
    """The page number a paragraph of running text ends with ("... will transfer 2"), or
    that stands alone; None for anything else, headings included ("## Priority 2")."""
    tail = paragraph[-_TAIL:].rstrip()
    last = tail.rsplit(None, 1)[-1] if tail else ""
    if not (last.isdigit() and len(last) <= 3) or _NOT_RUNNING.match(_last_line(paragraph)):
        return None
    return last


def _last_line(paragraph: str) -> str:
    return paragraph[-_TAIL:].rstrip().rsplit("\n", 1)[-1]


def _running_head(paragraphs: list[str]) -> str | None:
    """The longest run of opening words that at least `RUNNING_HEAD_PAGES` paragraphs after
    a page number share."""
    counts: Counter[tuple[str, ...]] = Counter()
    for before, paragraph in pairwise(paragraphs):
        if _page_number(before):
            opening = paragraph[:_TAIL].split()
            counts.update(tuple(opening[:n]) for n in _HEAD_WORDS if len(opening) >= n)
    shared = [head for head, seen in counts.items() if seen >= RUNNING_HEAD_PAGES]
    return " ".join(max(shared, key=len)) if shared else None


def mend_converted_text(text: str) -> str:
    """`text` without the running head that opens its pages and the page number before it,
    and with a sentence that a page or paragraph break cut in two joined again: a paragraph
    of running text that stops without a stop, followed by one in lower case ("... waits of 12"
    "hours or more."). Code blocks are left as they are."""
    text = text.replace("\r\n", "\n")
    parts = _PARAGRAPH_BREAK.split(text)
    paragraphs, breaks = parts[::2], parts[1::2]
    head = _running_head(paragraphs)
    opening = re.compile(r"\s*" + r"\s+".join(map(re.escape, head.split())) + r"(?:\s+|$)") \
        if head else None
    out: list[list[str]] = [[paragraphs[0]]]  # each kept paragraph as its joined pieces
    gaps: list[str] = []
    fenced = paragraphs[0].count("```") % 2 == 1
    for paragraph, gap in zip(paragraphs[1:], breaks, strict=True):
        before = out[-1][-1]
        page = None if fenced else _page_number(before)
        rest = paragraph
        if page and opening and (found := opening.match(paragraph)):
            rest = paragraph[found.end():]
            out[-1][-1] = before[:before.rstrip().rfind(page)].rstrip()
            if not "".join(out[-1]).strip() and len(out) > 1:  # the number stood alone
                out.pop()
                gap = gaps.pop()
        before = out[-1][-1]
        if not fenced and not _SENTENCE_END.search(before[-_TAIL:]) and (
                (rest[:1].islower() and (rest is not paragraph or _running_text(before)))
                or _cut_mid_phrase(before, rest)):
            out[-1][-1] = before.rstrip()  # the sentence goes on ("62-" "day" is one word)
            out[-1].append(("" if before.rstrip().endswith("-") else " ") + rest)
        elif rest.strip() or rest is paragraph:  # a page's bare head goes with its break
            out.append([rest])
            gaps.append(gap)
        fenced ^= paragraph.count("```") % 2 == 1
    kept = ["".join(pieces) for pieces in out]
    return kept[0] + "".join(g + p for g, p in zip(gaps, kept[1:], strict=True))


def _cut_mid_phrase(before: str, after: str) -> bool:
    """A paragraph of prose cut in the middle of a phrase, before a capital: "... in line with
    the NHS" "Operating Model, will again become ...", "... is set out in the" "Revenue finance
    and contracting guidance." Both sides are long lines of running text (not a heading, a
    list item or a table), the line cut holds a whole sentence before the cut one (a list
    item or a caption that lost its stop is a single sentence), and the cut falls after a
    word no sentence ends on, or after a name the article before it opens ("the NHS")."""
    last, (first, *rest) = _last_line(before).strip(), after.lstrip().split("\n", 2)
    if not (after[:1].isupper() and len(last.split()) >= CUT_LINE_WORDS
            and len(first.split()) >= RUNNING_TEXT_WORDS and _running_text(before)
            and _SENTENCE_INSIDE.search(last) and not _SETEXT.match(rest[0] if rest else "")
            and not _LIST_OR_MARKUP.match(last) and not _LIST_OR_MARKUP.match(first)):
        return False
    *_, previous, word = ["", *last.split()]
    return word.lower() in FUNCTION_WORDS or (word[:1].isupper()
                                              and previous.lower() in {"the", "a", "an"})


def _running_text(paragraph: str) -> bool:
    """A paragraph whose last line is running text (a list item's included), not a heading,
    a table row or a short label."""
    last = _last_line(paragraph).strip()
    return not _NOT_RUNNING.match(last) and not _NOT_RUNNING.match(paragraph[:_TAIL]) \
        and len(last.split()) >= RUNNING_TEXT_WORDS
