"""The Q&A sets can't rot: every evidence quote is checked against the real extraction."""

from pathlib import Path

import pytest
from conftest import REALDOCS, ROOT

from assistant.evaluation.qa import load_qa, quote_problems

SETS = {
    "qa.jsonl": (120, 100, 20),
    "realdocs.jsonl": (40, 40, 0),
    "seeds.jsonl": (40, 30, 10),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_set_is_well_formed_and_every_quote_is_in_the_extracted_text(name):
    if name != "qa.jsonl" and not REALDOCS.is_dir():
        pytest.skip("../shared is not present")
    items = load_qa(ROOT / "eval" / name)
    minimum, answerable, unanswerable = SETS[name]
    assert len(items) >= minimum
    assert len({i.id for i in items}) == len(items)
    assert sum(i.answerable for i in items) >= answerable
    assert sum(not i.answerable for i in items) >= unanswerable
    for item in items:
        assert (item.answerable and item.evidence and item.answer) or \
            (not item.answerable and not item.evidence and item.answer == "")
    assert quote_problems(items, ROOT) == []


def test_a_quote_that_is_not_in_the_document_is_reported(tmp_path):
    line = ('{"id": "x", "question": "q", "answer": "a", "answerable": true, "evidence": '
            '[{"source": "corpus/llr-plan-pledges.md", "page": null, "quote": "not there"}]}')
    (tmp_path / "bad.jsonl").write_text(line + "\n")
    problems = quote_problems(load_qa(tmp_path / "bad.jsonl"), ROOT)
    assert len(problems) == 1 and "x: quote not found" in problems[0]


def test_malformed_line_names_file_and_line(tmp_path):
    from assistant.errors import ConfigError

    (tmp_path / "bad.jsonl").write_text('{"id": "1"}\n')
    with pytest.raises(ConfigError, match=r"bad.jsonl:1: .*the field .* is missing"):
        load_qa(Path(tmp_path / "bad.jsonl"))
