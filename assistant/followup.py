"""Follow-up questions -> standalone questions, by rule (offline) or by an LLM when configured.

"When will that happen?" or "And for children?" lean on the previous turn. The rule: when a
question is short or refers back (pronouns, "what about", a leading "and"), the previous
standalone question's topic words are carried over. The original wording stays first, so the
question's own terms keep their weight in retrieval.
"""

from __future__ import annotations

import re

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


def condense(question: str, history: list[str]) -> str:
    """A standalone version of `question` given earlier standalone questions (oldest first)."""
    if not history or not needs_context(question):
        return question
    own = {w.lower() for w in topic_words(question)}
    carried = [w for w in topic_words(history[-1]) if w.lower() not in own]
    if not carried:
        return question
    return f"{question.strip()} ({' '.join(carried)})"
