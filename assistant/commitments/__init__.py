"""The commitments register: every undertaking of a plan document as a cited record.

`extract.py` is the door (`extract(document, source) -> list[Commitment]`); behind it
`units.py` places a document's sentences and list items, `scope.py` finds the lists they sit
in, `triggers.py` finds the words of an undertaking, `rules.py` decides what each unit commits
to (with its reasons), `actions.py` splits a span into actions, `grammar.py` holds the word
classes they share, `when.py` normalises time expressions and `fields.py` reads who, where
and the target. Scoring against the gold set is `assistant/evaluation/commitments.py`.
"""

from assistant.commitments.extract import REGISTER_VERSION, Citation, Commitment, extract
from assistant.commitments.when import When, parse_when

__all__ = ["REGISTER_VERSION", "Citation", "Commitment", "When", "extract", "parse_when"]
