"""The open-question set can't rot: key phrases are in their sources' extracted text, near
misses' missing words are in no document, and the halves are balanced."""

import pytest
from conftest import REALDOCS, ROOT

from assistant.evaluation.open import (
    absent_problems,
    key_point_recall,
    load_open,
    phrase_problems,
)

OPEN = ROOT / "eval" / "open.jsonl"


def test_the_set_has_the_sizes_the_issue_asks_for():
    items = load_open(OPEN)
    answerable = [i for i in items if i.answerable]
    assert len(answerable) >= 60 and len(items) - len(answerable) >= 15
    assert sum("realdocs/pdf" in i.sources[0] for i in answerable) >= 20
    assert all(3 <= len(i.key_points) <= 5 for i in answerable)
    assert all(i.missing and not i.key_points for i in items if not i.answerable)
    assert {i.split for i in items} == {"dev", "test"}
    assert len({i.id for i in items}) == len(items)


def test_every_key_phrase_is_in_its_sources_and_missing_words_are_nowhere():
    if not REALDOCS.is_dir():
        pytest.skip("../shared is not present")
    items = load_open(OPEN)
    assert phrase_problems(items, ROOT) == []
    documents = [*sorted((ROOT / "corpus").iterdir()),
                 *sorted((ROOT / "../shared/seeds").glob("*.txt")),
                 *sorted((REALDOCS / "pdf").glob("*.pdf")),
                 *sorted((REALDOCS / "text").glob("*.md"))]
    assert absent_problems(items, documents) == []


def test_key_point_recall_folds_case_quotes_spacing_and_markers():
    points = (("8am rush",), ("continuity of care", "same clinician"), ("pharmacies",))
    assert key_point_recall("Ease the 8AM  rush [1]; see the same\nclinician [2].", points) \
        == pytest.approx(2 / 3)
    assert key_point_recall("", points) == 0.0


def test_a_bad_line_is_an_error_naming_file_and_line(tmp_path):
    from assistant.errors import ConfigError

    bad = tmp_path / "open.jsonl"
    bad.write_text('{"id": "x", "question": "q", "form": "list", "answerable": true, '
                   '"sources": [], "split": "train"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"open.jsonl:1: .*split must be one of"):
        load_open(bad)
    bad.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="is empty"):
        load_open(bad)
