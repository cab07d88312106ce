"""The register's filters, exports (CSV, Excel read back with openpyxl, Markdown), version
comparison, and the `commitments` command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.commitments import extract
from assistant.commitments.register import COLUMNS, compare, filtered, write
from assistant.documents import load_document

PLAN = """# Our local health plan

## What we will do

We will open two new community diagnostic centres by March {centres}.

{nurses}We will publish a carers' strategy in 2025/26.

{waits}## Background

The area has 1.1 million residents.
"""


def _version(folder: Path, name: str, centres: int, nurses: bool, waits: bool) -> Path:
    path = folder / name
    path.write_text(PLAN.format(
        centres=centres,
        nurses="We will recruit 300 more nurses by 2027.\n\n" if nurses else "",
        waits="We will halve waits for talking therapies by 2028.\n\n" if waits else ""),
        encoding="utf-8")
    return path


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    return (_version(tmp_path, "plan-v1.md", 2026, nurses=True, waits=False),
            _version(tmp_path, "plan-v2.md", 2027, nurses=False, waits=True))


def _register(path: Path):
    return extract(load_document(path), path.name)


def test_comparing_two_versions_finds_what_was_added_removed_and_moved(versions):
    old, new = versions
    comparison = compare(_register(old), _register(new))
    assert [c.what for c in comparison.added] == ["halve waits for talking therapies by 2028"]
    assert [c.what for c in comparison.removed] == ["recruit 300 more nurses by 2027"]
    assert len(comparison.changed) == 1
    change = comparison.changed[0]
    assert "deadline" in change.what_changed
    assert (change.old.when.end.isoformat(), change.new.when.end.isoformat()) == \
        ("2026-03-31", "2027-03-31")
    assert change.old.citation.source == "plan-v1.md" and change.new.citation.source == \
        "plan-v2.md"
    assert "carers" not in json.dumps(comparison.to_json()["changed"])  # unchanged: not listed


def test_filters_by_deadline_year_source_and_topic(versions):
    register = _register(versions[0])
    assert [c.what for c in filtered(register, due=2027)] == ["recruit 300 more nurses by 2027"]
    assert [c.when.text for c in filtered(register, due=2026)] == ["by March 2026", "in 2025/26"]
    assert filtered(register, source="elsewhere.md") == []
    assert [c.what for c in filtered(register, topic="nurses")] == \
        ["recruit 300 more nurses by 2027"]


def test_the_excel_file_opens_with_one_row_per_commitment_and_its_citation(versions,
                                                                           tmp_path):
    from openpyxl import load_workbook

    register = _register(versions[0])
    path = write(register, tmp_path / "out" / "register.xlsx")
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(name.capitalize() for name in COLUMNS)
    assert len(rows) == 1 + len(register) == 4
    citation, deadline = COLUMNS.index("citation"), COLUMNS.index("deadline")
    assert [r[citation] for r in rows[1:]] == [" ".join(c.citation.text.split())
                                               for c in register]
    assert [r[COLUMNS.index("id")] for r in rows[1:]] == [c.id for c in register]
    assert [r[deadline].date() for r in rows[1:]] == [c.when.end for c in register]
    assert sheet.auto_filter.ref and sheet.freeze_panes == "A2"


def test_csv_and_markdown_exports(versions, tmp_path):
    register = _register(versions[0])
    with write(register, tmp_path / "r.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["deadline"] for r in rows] == ["2026-03-31", "2027-12-31", "2026-03-31"]
    markdown = write(register, tmp_path / "r.md").read_text(encoding="utf-8")
    assert markdown.count("\n") == 2 + len(register)
    with pytest.raises(Exception, match=r"\.csv, \.xlsx or \.md"):
        write(register, tmp_path / "r.pdf")


def test_the_commitments_command(versions, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLAN_ASSISTANT_FEEDBACK_LOG", "")
    index = tmp_path / "index"
    assert main(["ingest", str(versions[0]), "--index", str(index), "--quiet", "--json"]) == 0
    capsys.readouterr()
    assert main(["commitments", "--index", str(index), "--due", "2027", "--json"]) == 0
    register = json.loads(capsys.readouterr().out)
    assert register["count"] == 1
    record = register["commitments"][0]
    assert record["what"] in record["citation"]["text"]
    assert record["when"] == {"text": "by 2027", "start": None, "end": "2027-12-31"}
    out = tmp_path / "register.xlsx"
    assert main(["commitments", "--index", str(index), "--out", str(out)]) == 0
    assert out.is_file() and "3 commitments written" in capsys.readouterr().out
    assert main(["commitments", "--compare", str(versions[0]), str(versions[1]),
                 "--json"]) == 0
    comparison = json.loads(capsys.readouterr().out)
    assert set(comparison) == {"added", "removed", "changed"}
    assert comparison["changed"][0]["what_changed"][0] == "deadline"


def test_ingest_keeps_each_document_register_with_it(versions, settings, fake_embedder,
                                                      monkeypatch):
    """The register is extracted once, at ingest, and read back from the index: asking for
    it reads no file, and the records are the ones extraction gives."""
    from assistant import service
    from assistant.commitments import REGISTER_VERSION
    from assistant.ingest import ingest

    ingest([versions[0]], settings, fake_embedder, show_progress=False)
    assistant = service.Assistant(settings, embedder=fake_embedder)
    (record,) = assistant.documents.values()
    assert record.register == REGISTER_VERSION and len(record.commitments) == 3

    def no_reading(path):
        raise AssertionError(f"read {path} again")

    monkeypatch.setattr(service, "load_document", no_reading)
    source = next(iter(assistant.documents))
    assert [c.to_json() for c in assistant.commitments()] == \
        [c.to_json() for c in extract(load_document(versions[0]), source)]


def test_an_older_register_is_read_again_only_from_the_file_indexed(versions, settings,
                                                                     fake_embedder, monkeypatch):
    """After an upgrade of the extractor, a file edited or moved since it was indexed keeps
    the register the index holds: one that matches its passages, and no error."""
    from assistant import service
    from assistant.ingest import ingest

    ingest([versions[0]], settings, fake_embedder, show_progress=False)
    monkeypatch.setattr(service, "REGISTER_VERSION", 10_000)
    read = []
    monkeypatch.setattr(service, "load_document",
                        lambda path: read.append(path) or load_document(path))
    kept = [c.what for c in service.Assistant(settings, embedder=fake_embedder).commitments()]
    assert read == [versions[0]]  # unchanged since indexed: read again by today's extractor
    with versions[0].open("a", encoding="utf-8") as handle:
        handle.write("\nWe will open the lemur clinic by March 2026.\n")
    assert [c.what for c in service.Assistant(settings, embedder=fake_embedder).commitments()
            ] == kept
    versions[0].unlink()
    assert [c.what for c in service.Assistant(settings, embedder=fake_embedder).commitments()
            ] == kept


def test_register_questions_are_answered_from_the_register(versions, settings, fake_embedder):
    from assistant.ingest import ingest
    from assistant.service import Assistant

    ingest([versions[0]], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    due = assistant.ask("What is due in 2027?").to_json()
    assert (due["form"], due["backend"], due["answered"]) == ("list", "register", True)
    assert due["answer"] == "- We will recruit 300 more nurses by 2027 [1]."
    assert due["citations"][0]["source"] == "plan-v1.md"
    assert "recruit 300 more nurses" in due["citations"][0]["text"]
    when = assistant.ask("When will the diagnostic centres be in place?").to_json()
    assert when["backend"] == "register" and "by March 2026" in when["answer"]
    other = assistant.ask("How many residents does the area have?").to_json()
    assert other["backend"] != "register"


def test_a_register_question_naming_a_document_is_answered_from_its_records(
        tmp_path, settings, fake_embedder):
    from assistant.ingest import ingest
    from assistant.service import Assistant

    (tmp_path / "dementia-strategy.md").write_text(
        "# Dementia strategy\n\nWe will train 200 carers by 2026.\n", encoding="utf-8")
    (tmp_path / "housing-plan.md").write_text(
        "# Housing plan\n\nWe will support 50 carers with adapted homes by 2025.\n",
        encoding="utf-8")
    ingest([tmp_path / "dementia-strategy.md", tmp_path / "housing-plan.md"], settings,
           fake_embedder, show_progress=False)
    assistant = Assistant(settings, embedder=fake_embedder)
    both = assistant.ask("What has been committed to for carers?").to_json()
    assert both["backend"] == "register" and len(both["citations"]) == 2
    named = assistant.ask("What does the dementia strategy commit to for carers?").to_json()
    assert named["backend"] == "register"
    assert named["answer"] == "- We will train 200 carers by 2026 [1]."
    (source,) = named["documents_named"]
    assert source.endswith("dementia-strategy.md")
    assert named["citations"][0]["source"] == source


def test_a_comparison_reads_as_markdown(versions):
    comparison = compare(_register(versions[0]), _register(versions[1]))
    text = comparison.to_markdown("plan-v1.md", "plan-v2.md")
    assert text.startswith("**plan-v1.md** → **plan-v2.md**: 1 added, 1 removed, 1 changed")
    assert "- halve waits for talking therapies by 2028 — by 2028 (plan-v2.md)" in text
    assert "- recruit 300 more nurses by 2027 — by 2027 (plan-v1.md)" in text
    assert ("- deadline, wording: open two new community diagnostic centres by March 2026 — by "
            "March 2026 (plan-v1.md) → open two new community diagnostic centres by March "
            "2027") in text
