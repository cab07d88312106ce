"""Follow-up questions -> standalone questions, by rule (offline) or by an LLM when configured.

"When will that happen?" or "And for children?" lean on the previous turn. The rule: when a
question is short or refers back (pronouns, "what about", a leading "and"), the previous
standalone question's topic words are carried over. The original wording stays first, so the
question's own terms keep their weight in retrieval.
"""

from __future__ import annotations

import re

from assistant.question import analyse
from assistant.stopwords import QUESTION_OPENERS, chat_stopwords

_REFERS_BACK = re.compile(
    r"\b(it|its|that|this|those|these|they|them|their|there|he|she|his|her|the same|"
    r"such|above)\b|^(and|also|what about|how about|but|so|then)\b", re.IGNORECASE)




def needs_context(question: str) -> bool:
    """Refers back, or is a fragment ("Hinckley?") rather than a short full question."""
    words = re.findall(r"[\w'’]+", question)
    fragment = len(words) <= 3 and (not words or words[0].lower() not in QUESTION_OPENERS)
    return bool(_REFERS_BACK.search(question.strip())) or fragment


def topic_words(question: str) -> list[str]:
    words = re.findall(r"[\w'’£%-]+", question)
    return [w for w in words if w.lower() not in chat_stopwords()]


CARRIED_WORDS = 6
_CARRIED = re.compile(r"\s\(([^()]*)\)$")  # the topic a condensed question carries


def condense(question: str, history: list[str]) -> str:
    """A standalone version of `question` given earlier standalone questions (oldest first).
    When the previous question was itself a follow-up ("When will that happen? (five-year
    approved)"), the topic is its own words but its verb, then what it carried: "Who approved
    it?" next is about the five-year plan, not about "happen". At most CARRIED_WORDS words are
    carried, the latest first, so a long conversation's topic does not keep growing."""
    if not history or not needs_context(question):
        return question
    own = {w.lower() for w in topic_words(question)}
    carried_before = _CARRIED.search(history[-1])
    if carried_before:
        asked = history[-1][:carried_before.start()]
        verb = (analyse(asked).verb or "").lower()
        topic = [w for w in topic_words(asked) if w.lower() != verb] + \
            carried_before.group(1).split()
    else:
        topic = topic_words(history[-1])
    carried = list(dict.fromkeys(w for w in topic if w.lower() not in own))[:CARRIED_WORDS]
    if not carried:
        return question
    return f"{question.strip()} ({' '.join(carried)})"
