"""The words that carry no topic, in one place.

Three lists, because three jobs differ:
- `FUNCTION_WORDS`: articles, prepositions, conjunctions and the forms of "be" that join the
  words of a name or a heading ("Board of Directors"). A heading does not end with one, an
  acronym's letters skip them, and answer overlap in the evaluation ignores them.
- `QUESTION_OPENERS`: the words a question opens with; a capitalised one is not a name, and a
  short message opening with one is a question, not a fragment that needs context.
- `search_stopwords()`: bm25s's English list plus question words and auxiliaries, dropped
  before lexical matching: without them "How many..." matches every passage that says "how"
  or "many". `CHAT_FILLER` adds the words of a chat request ("please tell me about").
"""

from __future__ import annotations

from functools import lru_cache

FUNCTION_WORDS = frozenset("""a an the of and or to in on for by with at from as is are was
were be it its their that this will""".split())

WH_WORDS = frozenset("what which who whom whose when where why how".split())
QUESTION_OPENERS = frozenset("""what which who when where why how is are does do did can will
i""".split())

QUESTION_WORDS = frozenset("""what which who whom whose when where why how many much does did
do done doing have has had having been being were would could can should shall may might must
its our we you your he she his her him them those than so about also any each please tell give
me i my besides except apart far among amongst alongside whilst upon towards within whether
once""".split())  # "so far": when, not what about

CHAT_FILLER = frozenset("""here just list more most only plan plans said say says show some too
very yes""".split())


@lru_cache(maxsize=1)
def search_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | QUESTION_WORDS


def chat_stopwords() -> frozenset[str]:
    """Words a follow-up's topic is never made of."""
    return search_stopwords() | FUNCTION_WORDS | CHAT_FILLER
