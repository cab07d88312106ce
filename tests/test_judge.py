"""RAGAS-style LLM judgements (`eval --judge`) over real HTTP against the fake
OpenAI-compatible server: good verdicts, unreadable replies, an unreachable model."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT
from test_answer_llm import FakeModel, server  # noqa: F401  (the fixture)

from assistant.answer.llm import OpenAICompatibleBackend
from assistant.evaluation.judge import (
    JudgeReplyError,
    LLMJudge,
    _verdicts,
    average_precision,
)
from assistant.evaluation.qa import Evidence, QAItem
from assistant.evaluation.runner import run
from assistant.ingest import ingest
from assistant.service import Assistant

ITEMS = [
    QAItem("t-1", "Where is the second community diagnostic centre planned?",
           "At Hinckley.", True,
           (Evidence("corpus/digest.pdf", 2, "second community diagnostic centre"),)),
    QAItem("t-2", "How many neighbourhood teams will mental health have?", "Eight.", True,
           (Evidence("corpus/overview.md", None, "eight neighbourhood teams"),)),
    QAItem("t-3", "Which football club sponsors the plan?", "", False),
]


def judge_like_a_model(body: dict) -> str:
    """Replies as a careful judge would: every statement supported, passages useful when
    they mention the reference's key word, the answer correct."""
    prompt = body["messages"][-1]["content"]
    if "Statements:" in prompt:
        count = len(re.findall(r"^\d+\. ", prompt.split("Statements:")[1], re.MULTILINE))
        return json.dumps({"verdicts": [1] * count})
    if "three different questions" in prompt:
        return 'Here you go: {"questions": ["Where is the diagnostic centre?", ' \
               '"Which town gets a diagnostic centre?", "What is planned at Hinckley?"]}'
    if "For each passage" in prompt:
        key = "Hinckley" if "Hinckley" in prompt.split("Passages:")[0] else "eight"
        passages = re.findall(r"<passage id=\"\d+\">(.*?)</passage>", prompt, re.DOTALL)
        return json.dumps({"verdicts": [int(key in p) for p in passages]})
    if "key fact" in prompt:
        return '{"verdicts": [1]}'
    return "ready"


@pytest.fixture
def records(settings, small_corpus, fake_embedder):
    ingest([small_corpus], settings, fake_embedder, show_progress=False)
    assistant = Assistant(settings.with_overrides(refusal_threshold=0.3),
                          embedder=fake_embedder)
    return run(assistant, ITEMS, show_progress=False), fake_embedder


@pytest.fixture
def judge(settings, server, records):  # noqa: F811  (the fixture)
    backend = OpenAICompatibleBackend(settings.with_overrides(
        llm_base_url=server, llm_model="judge", llm_timeout=2.0))
    return LLMJudge(backend.complete, records[1])


def test_average_precision_rewards_useful_passages_ranked_first():
    assert average_precision([1, 0, 0]) == 1.0
    assert average_precision([0, 0, 1]) == pytest.approx(1 / 3)
    assert average_precision([1, 0, 1]) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision([0, 0]) == 0.0


@pytest.mark.parametrize("reply", ["looks fine", '{"verdicts": [1]}', '{"verdicts": [1, 7]}',
                                   '{"score": 1}', '{"verdicts": [1, 1'])
def test_replies_that_are_not_the_json_asked_for_are_rejected(reply):
    with pytest.raises(JudgeReplyError):
        _verdicts(reply, 2)


def test_judge_scores_every_answer_over_http(judge, records):
    recs, _ = records
    FakeModel.responder = judge_like_a_model
    judged = judge.judge(recs, 0.3, show_progress=False)
    summary = judged.summary("judge at fake")
    answered = [r for r in recs if r.answered(0.3)]
    answerable = [r for r in recs if r.item.answerable]
    assert summary["failed"] == 0
    assert summary["calls"] == 2 * len(answered) + len(answerable) + sum(
        r.answered(0.3) for r in answerable)
    assert summary["faithfulness"] == 1.0
    assert 0.0 < summary["answer_relevancy"] <= 1.0
    assert summary["answer_correctness"] == pytest.approx(
        sum(r.answered(0.3) for r in answerable) / len(answerable))
    expected_precision = [average_precision(
        [int(("Hinckley" if "diagnostic" in r.item.question else "eight") in h["text"])
         for h in r.retrieved[:5]]) for r in answerable]
    assert summary["context_precision"] == pytest.approx(
        sum(expected_precision) / len(expected_precision), abs=1e-4)
    prompts = [r["body"]["messages"] for r in FakeModel.requests]
    assert all(p[0]["role"] == "system" and "never instructions" in p[0]["content"]
               for p in prompts)


def test_unreadable_replies_are_counted_not_scored(judge, records):
    recs, _ = records
    FakeModel.reply = "I think the answer is mostly fine."
    summary = judge.judge(recs, 0.3, show_progress=False).summary("judge")
    assert summary["failed"] == summary["calls"] > 0
    assert summary["faithfulness"] is None and summary["context_precision"] is None


@pytest.mark.slow
def test_eval_judge_cli_reports_llm_figures_and_fails_clearly_without_a_model(
        tmp_path, server):  # noqa: F811  (the fixture)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.md").write_text(
        "# Plan\n\nA second community diagnostic centre is planned at Hinckley.\n\n"
        "Mental health will be organised into eight neighbourhood teams.\n", encoding="utf-8")
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(line) for line in [
        {"id": "q-1", "question": "Where is the second diagnostic centre planned?",
         "answer": "Hinckley.", "answerable": True, "tags": [],
         "evidence": [{"source": str(corpus / "plan.md"), "page": None,
                       "quote": "planned at Hinckley"}]},
        {"id": "q-2", "question": "Which football club sponsors the plan?", "answer": "",
         "answerable": False, "evidence": [], "tags": []}]) + "\n")
    index = tmp_path / "index"

    def cli(*args: str, url: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args, "--index", str(index)],
            capture_output=True, text=True, cwd=ROOT, timeout=600,
            env={**__import__("os").environ, "PLAN_ASSISTANT_LLM_BASE_URL": url,
                 "PLAN_ASSISTANT_LLM_TIMEOUT": "5"})

    assert cli("ingest", str(corpus), "--quiet", url=server).returncode == 0
    FakeModel.responder = judge_like_a_model
    result = cli("eval", "--qa", str(qa), "--out", str(tmp_path / "out"), "--judge",
                 "--json", "--quiet", url=server)
    assert result.returncode == 0, result.stderr
    judged = json.loads(result.stdout)["llm_judged"]
    assert judged["failed"] == 0 and judged["faithfulness"] == 1.0
    assert "## LLM-judged (RAGAS-style)" in (tmp_path / "out" / "report.md").read_text()

    result = cli("eval", "--qa", str(qa), "--out", str(tmp_path / "out"), "--judge",
                 "--json", "--quiet", url="http://127.0.0.1:9/v1")
    assert result.returncode == 1 and result.stdout == ""
    assert "127.0.0.1:9" in result.stderr and "Traceback" not in result.stderr
