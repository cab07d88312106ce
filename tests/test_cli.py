"""The command line as users run it: real processes, the real bundled model, real files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, make_pdf

pytestmark = pytest.mark.slow
CORPUS = ROOT / "corpus"


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def built_index(tmp_path_factory) -> tuple[Path, dict, float]:
    index = tmp_path_factory.mktemp("cli") / "index"
    started = time.perf_counter()
    result = run("ingest", str(CORPUS), "--index", str(index), "--json")
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    return index, json.loads(result.stdout), elapsed


def _files(index: Path) -> dict[str, bytes]:
    return {str(p.relative_to(index)): p.read_bytes() for p in sorted(index.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def test_help_is_fast_and_does_not_import_torch():
    code = ("import sys\nfrom assistant import cli\ntry:\n    cli.main(['--help'])\n"
            "except SystemExit:\n    pass\nprint('torch' in sys.modules, 'faiss' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().endswith("False False")
    assert "ingest" in result.stdout and "search" in result.stdout


def test_ingest_sample_corpus_json(built_index):
    _, report, _ = built_index
    assert set(report) >= {"index", "documents", "pages", "chunks", "added", "updated",
                           "unchanged", "removed", "failed", "warnings", "seconds"}
    assert report["documents"] >= 3 and report["chunks"] >= 20
    assert report["added"] == report["documents"] and report["failed"] == []
    assert report["pages"] > report["documents"]  # the PDF contributes several pages


def test_second_ingest_is_unchanged_and_much_faster(built_index):
    index, first, first_seconds = built_index
    started = time.perf_counter()
    result = run("ingest", str(CORPUS), "--index", str(index), "--json")
    elapsed = time.perf_counter() - started
    report = json.loads(result.stdout)
    assert result.returncode == 0
    assert report["unchanged"] == first["documents"]
    assert report["added"] == report["updated"] == report["removed"] == 0
    assert elapsed < first_seconds / 3


def test_search_returns_k_results_with_pdf_pages(built_index):
    index, _, _ = built_index
    result = run("search", "community diagnostic centre at Hinckley", "--k", "5",
                 "--index", str(index), "--json")
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["query"] == "community diagnostic centre at Hinckley"
    results = response["results"]
    assert [r["rank"] for r in results] == [1, 2, 3, 4, 5]
    assert "Hinckley" in results[0]["text"]
    pdf_results = [r for r in results if r["source"].endswith(".pdf")]
    assert pdf_results and all(r["page"] >= 1 for r in pdf_results)
    assert all(r["page"] is None for r in results if not r["source"].endswith(".pdf"))
    assert all(r["score"] <= results[0]["score"] for r in results)


def test_search_batch_prints_json_lines_in_order(built_index, tmp_path):
    index, _, _ = built_index
    batch = tmp_path / "q.txt"
    batch.write_text('When was the plan approved?\n\n{"question": "How many pledges?"}\n'
                     '{"question": ""}\n\n')
    result = run("search", "--batch", str(batch), "--k", "2", "--index", str(index), "--json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["When was the plan approved?", "",
                                                 "How many pledges?", ""]  # line n, line n
    assert [len(line["results"]) for line in lines] == [2, 0, 2, 0]
    result = run("ask", "--batch", str(batch), "--index", str(index), "--json")
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["answered"] for a in answers] == [True, False, True, False]
    assert "no question" in answers[1]["answer"] and answers[1]["citations"] == []


@pytest.mark.parametrize("args", [
    ("search", "hubs", "--k", "abc"), ("ask", "x", "--backend", "nope"), ("frobnicate",),
    ("commitments", "--due", "abc"), ("commitments", "--compare", "one.md"),
    ("commitments", "--due", "99999"),
    ("commitments", "--compare", "a.md", "b.md", "--out", "x.xlsx"),
])
def test_bad_arguments_exit_1_with_a_message(args):
    result = run(*args)
    assert result.returncode == 1, result.stderr
    assert "error" in result.stderr and "Traceback" not in result.stderr


def test_errors_name_the_file_or_the_document_at_fault(built_index, tmp_path):
    index, _, _ = built_index
    missing = tmp_path / "gone.md"
    result = run("commitments", "--compare", str(missing), str(CORPUS / "llr-plan-pledges.md"),
                 "--index", str(index))
    assert result.returncode == 1 and str(missing) in result.stderr
    result = run("commitments", "--source", "nothere.md", "--index", str(index))
    assert result.returncode == 1 and "nothere.md" in result.stderr
    assert "corpus/llr-plan-pledges.md" in result.stderr  # names what the index holds
    result = run("summarize", "mental health", "--out", str(tmp_path / "b.pdf"),
                 "--index", str(index))
    assert result.returncode == 1 and ".docx" in result.stderr
    assert not (tmp_path / "b.pdf").exists()


def test_chat_json_prints_one_answer_a_line(built_index):
    index, _, _ = built_index
    result = subprocess.run([sys.executable, "-m", "assistant", "chat", "--index", str(index),
                             "--json"], input="When was the plan approved?\n\n",
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 1 and answers[0]["answered"] and "you>" in result.stderr


@pytest.mark.parametrize("args", [("commitments",), ("search", "hubs"), ("--help",)])
def test_a_reader_that_goes_away_is_no_error(built_index, args):
    """Buffered output too (no PYTHONUNBUFFERED): the last of it is written at the end."""
    index, _, _ = built_index
    options = f"--index {index}" if args[0] != "--help" else ""
    command = (f"{sys.executable} -m assistant {' '.join(args)} {options} | true; "
               f"echo \"status ${{PIPESTATUS[0]}}\"")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                            cwd=ROOT, timeout=600, env=env)
    assert "Broken pipe" not in result.stderr and "Traceback" not in result.stderr
    assert "status 0" in result.stdout


def test_bad_files_exit_2_with_reasons_and_leave_the_index_alone(built_index, tmp_path):
    index, _, _ = built_index
    before = _files(index)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    good = make_pdf(tmp_path / "good.pdf", ["A real page of text.", "And another one."])
    (bad / "truncated.pdf").write_bytes(good.read_bytes()[:400])
    result = run("ingest", str(bad), "--index", str(index), "--json")
    assert result.returncode == 2
    failed = {Path(f["source"]).name: f["error"] for f in json.loads(result.stdout)["failed"]}
    assert set(failed) == {"empty.pdf", "truncated.pdf"}
    assert "Traceback" not in result.stderr and "empty.pdf: empty file" in result.stderr
    assert _files(index) == before


def test_missing_index_exits_1_with_the_fix(tmp_path):
    result = run("search", "anything", "--index", str(tmp_path / "none"))
    assert result.returncode == 1
    assert "plan-assistant ingest" in result.stderr and "Traceback" not in result.stderr


def test_index_from_another_model_is_refused(built_index, tmp_path):
    index, _, _ = built_index
    result = run("search", "x", "--index", str(index),
                 env={"PLAN_ASSISTANT_MODEL": str(tmp_path)})
    assert result.returncode == 1 and "not available offline" in result.stderr
    manifest = json.loads((index / "manifest.json").read_text())
    other = tmp_path / "other"
    other.mkdir()
    manifest["model"]["name"] = "some/other-model"
    (other / "manifest.json").write_text(json.dumps(manifest))
    result = run("search", "x", "--index", str(other))
    assert result.returncode == 1 and "--rebuild" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_exits_1(tmp_path):
    (tmp_path / "assistant.toml").write_text("nonsense = 1\n")
    result = run("search", "x", env={"PLAN_ASSISTANT_ROOT": str(tmp_path)})
    assert result.returncode == 1 and "unknown setting" in result.stderr


def test_a_file_where_the_index_folder_should_be_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run("ingest", str(CORPUS), "--index", str(blocker), "--quiet")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(blocker) in result.stderr


def test_eval_compare_puts_every_sets_configurations_in_the_report(tmp_path):
    corpus, pdfs, out, index = (tmp_path / name for name in ("corpus", "pdfs", "out", "index"))
    corpus.mkdir()
    (corpus / "plan.md").write_text("# Plan\n\nA second community diagnostic centre is "
                                    "planned at Hinckley.\n", encoding="utf-8")
    make_pdf(pdfs / "strategy.pdf", ["The strategy has three aims for health and care."])
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(line) for line in [
        {"id": "q-1", "question": "Where is the second diagnostic centre planned?",
         "answer": "Hinckley.", "answerable": True, "tags": [],
         "evidence": [{"source": str(corpus / "plan.md"), "page": None,
                       "quote": "planned at Hinckley"}]},
        {"id": "q-2", "question": "Which football club sponsors the plan?", "answer": "",
         "answerable": False, "evidence": [], "tags": []}]) + "\n", encoding="utf-8")
    assert run("ingest", str(corpus), "--index", str(index), "--quiet").returncode == 0
    result = run("eval", "--qa", str(qa), "--index", str(index), "--out", str(out),
                 "--compare", "--realdocs", str(pdfs), "--json", "--quiet")
    assert result.returncode == 0, result.stderr
    realdocs_questions = (ROOT / "eval" / "realdocs.jsonl").read_text().count('"id"')
    assert json.loads(result.stdout)["other_sets"]["realdocs"]["n"] == realdocs_questions
    saved = json.loads((out / "summary.json").read_text())
    assert [row["config"] for row in saved["other_sets_modes"]["realdocs"]] == [
        row["config"] for row in saved["modes"]]  # the same configurations as the main set
    section = (out / "report.md").read_text().split(
        "## Retrieval configurations on the other sets")[1]
    assert "| realdocs | lexical |" in section and "by sentence |" in section
    assert "open questions in the open order (default) |" in section


def test_serve_on_a_bad_or_taken_port_says_what_to_change(built_index):
    index, _, _ = built_index
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for args, message in ((["--port", "99999"], "from 1 to 65535"),
                              (["--port", str(port)], "choose another with --port"),
                              (["--host", "256.1.1.1"], "--host 256.1.1.1")):
            result = run("serve", "--index", str(index), *args)
            assert result.returncode == 1 and message in result.stderr, result.stderr
            assert "Traceback" not in result.stderr


def test_a_document_may_be_named_by_any_path_to_its_file(built_index):
    """`--source` takes the library's name or a path to the file, absolute or relative."""
    index, _, _ = built_index
    path = CORPUS / "llr-plan-pledges.md"
    for given in (str(path.resolve()), f"./corpus/{path.name}", f"corpus/{path.name}"):
        result = run("ask", "What is pledge 4?", "--index", str(index), "--json",
                     "--source", given)
        assert result.returncode == 0, result.stderr
        cited = {c["source"] for c in json.loads(result.stdout)["citations"]}
        assert cited == {"corpus/llr-plan-pledges.md"}
    result = run("commitments", "--index", str(index), "--json", "--source", str(path))
    assert result.returncode == 0, result.stderr


def test_ask_with_a_question_and_a_batch_says_to_choose(built_index, tmp_path):
    index, _, _ = built_index
    batch = tmp_path / "questions.txt"
    batch.write_text("When was the plan approved?\n", encoding="utf-8")
    result = run("ask", "also a question", "--batch", str(batch), "--index", str(index))
    assert result.returncode == 1 and "not both" in result.stderr
