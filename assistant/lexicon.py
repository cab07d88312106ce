"""English words, for repairing text whose extraction broke them.

The only word list that ships offline is the embedding model's wordpiece vocabulary (about
20,000 whole words and the suffix pieces "##s", "##ly", ... that BERT builds the rest from).
`is_word` accepts a vocabulary word, or one that splits into a vocabulary word and one suffix
piece ("allocations" = "allocation" + "##s").

Leaves out spelling correction. Callers: `cleaning.py` (repairs) and `answer/compose.py` (a
line that opens with a lower-case English word was cut by the layout).
"""

from __future__ import annotations

from functools import cache

VOCABULARY_FILE = "vocab.txt"


@cache
def _vocabulary() -> frozenset[str]:
    """The model's wordpiece vocabulary; empty when the bundled model is not installed (no
    word is then known and nothing is repaired)."""
    from assistant.embeddings import resolve_model_path
    from assistant.errors import ModelNotFoundError

    try:
        path = resolve_model_path("sentence-transformers/all-MiniLM-L6-v2") / VOCABULARY_FILE
        return frozenset(path.read_text(encoding="utf-8").split())
    except (ModelNotFoundError, OSError):
        return frozenset()


MAX_SUFFIX = 3  # "##s", "##ed", "##ing": longer pieces make nonsense words pass


def is_word(text: str, min_stem: int | None = None) -> bool:
    """Whether `text` (lower-cased) is a vocabulary word or, given `min_stem`, a vocabulary
    stem of at least `min_stem` letters followed by one suffix piece of at most `MAX_SUFFIX`
    letters."""
    vocabulary, word = _vocabulary(), text.lower()
    if word in vocabulary:
        return True
    return min_stem is not None and any(word[:cut] in vocabulary and f"##{word[cut:]}" in vocabulary
               for cut in range(max(min_stem, len(word) - MAX_SUFFIX), len(word)))
