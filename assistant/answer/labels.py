"""What a quoted sentence is about when it does not say so itself: the run-in label of the
list item or paragraph it goes on ("- **Core20PLUS5.** LLR has adopted this approach…",
"An ageing population. The prevalence of dementia is set to rise…"). An answer quotes the
label before the sentence ("Core20PLUS5: LLR has adopted…"), and never the label alone.

Leaves out choosing the sentences (`compose.py`).
"""

from __future__ import annotations

import re

from assistant.answer import Evidence
from assistant.commitments.grammar import NOUN_VERBS, is_participle, is_verb
from assistant.structure import Unit, passage_units

LABEL_WORDS = 6  # an item's first sentence this short is its run-in label...
# ...unless it says something: a pronoun or an auxiliary makes it a sentence ("We will act.")
_SAYS = frozenset("""i we our us you they it this these is are was were will would can could
should must may has have had do does did""".split())


def item_label(evidence: Evidence, index: int) -> tuple[int, int, str] | None:
    """(passage, position, label) when the sentence goes on a list item that opens with a
    run-in label: a first sentence of at most `LABEL_WORDS` words that names rather than says
    ("- **Core20PLUS5.** LLR has adopted this national approach…", "- Proportionate
    universalism. The integrated care system uses this term…"; not "We will act now."), or
    follows such a label opening its paragraph (`run_in_label`). The label names what the
    item is about, and the sentence alone does not say it."""
    sentence = evidence.sentences[index]
    passage = evidence.hits[sentence.hit].chunk.text
    units = passage_units(passage)
    unit = units[sentence.position]
    before = units[sentence.position - 1] if sentence.position > 0 else None
    if unit.role == "sentence" and before is not None and run_in_label(before) \
            and _runs_into(passage, before, unit):
        return sentence.hit, sentence.position - 1, before.text.strip().rstrip(" .:;–-")
    if unit.role != "item" or unit.starts:
        return None
    first = sentence.position - 1
    while first > 0 and units[first].group == unit.group and not units[first].starts:
        first -= 1
    opening = units[first]
    text = opening.text.strip().rstrip(" .:;–-")
    words = re.findall(r"[\w’']+", text.lower())
    if (opening.group != unit.group or not opening.starts or opening.role not in (
            "heading", "item") or not 0 < len(words) <= LABEL_WORDS
            or text[-1:] in "?!" or _SAYS.intersection(words)):
        return None
    return sentence.hit, first, text


def run_in_label(unit: Unit) -> bool:
    """A short sentence that names without saying ("An ageing population.", "Timely
    diagnosis and support.", "Personalised care."): no pronoun, auxiliary or figure, no
    participle after its first word, no verb but one that is as often a noun ("support").
    Not "Demand doubled." or "Costs rose by 12%."."""
    words = re.findall(r"[\w’'-]+", unit.text)
    return (unit.role == "sentence" and 0 < len(words) <= LABEL_WORDS
            and unit.text.rstrip().endswith(".") and not _SAYS.intersection(
                w.lower() for w in words) and not any(
                (is_verb(w) and w.lower() not in NOUN_VERBS) or (n and is_participle(w))
                or re.fullmatch(r"[\d.,%]+", w) for n, w in enumerate(words)))


def _runs_into(text: str, label: Unit, sentence: Unit) -> bool:
    """The label opens a line of the passage and its paragraph goes on with the sentence
    ("An ageing population. The prevalence of dementia…"), not a paragraph's last
    sentence before the next paragraph."""
    def words(unit: Unit, count: int | None = None) -> str:
        return r"\s+".join(map(re.escape, unit.text.split()[:count]))

    return re.search(rf"(?:^|\n)[ \t]*{words(label)}[ \t]*\n?[ \t]*{words(sentence, 3)}",
                     text) is not None
