"""The whole evaluation a user asks for in one call: the Q&A set, the other sets indexed
afresh, the open questions, an optional LLM judge, and the report.

Every input is checked before anything runs (a missing folder or an unreachable judge is
fatal up front, not after minutes of answering).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError
from assistant.evaluation.commitments import commitments_report, evaluate_commitments
from assistant.evaluation.judge import LLMJudge
from assistant.evaluation.open import evaluate_open, load_open, open_report
from assistant.evaluation.qa import load_qa
from assistant.evaluation.report import write_report
from assistant.evaluation.runner import (
    chunk_size_runs,
    retrieval_modes,
    run,
    summarise,
    threshold_sweep,
)
from assistant.evaluation.validator import build_cases, gather
from assistant.evaluation.validator import score as score_validator
from assistant.ingest import ingest
from assistant.pipeline import Pipeline

REALDOCS_PDF = "../shared/data/realdocs/pdf"
SEEDS = "../shared/seeds"
COMPARED_CHUNK_SIZES = [128, 200, 224]


@dataclass(frozen=True)
class EvalRequest:
    """What to evaluate. Relative paths are taken from the project root."""

    qa: Path | None = None  # default eval/qa.jsonl
    out: Path | None = None  # default eval/out
    compare: bool = False  # retrieval modes and chunk sizes side by side
    realdocs: Path | None = None  # also eval/realdocs.jsonl over these PDFs
    seeds: Path | None = None  # also eval/seeds.jsonl over these articles and realdocs
    open_set: Path | None = None  # also the open questions
    judge: str | None = None  # an LLM backend that scores answers RAGAS-style
    validator: bool = False  # the answer validator on faithful and corrupted sentences
    commitments: bool = False  # the commitments register against eval/commitments.jsonl
    show_progress: bool = True


def run_suite(pipeline: Pipeline, request: EvalRequest) -> tuple[dict, Path]:
    """The summary (the contract's eval JSON, plus `other_sets` when run) and the report."""
    settings = pipeline.settings
    root = settings.root
    out = request.out or root / "eval" / "out"
    qa_path = request.qa or root / "eval" / "qa.jsonl"
    items = load_qa(qa_path)
    realdocs = request.realdocs or root / REALDOCS_PDF
    if (request.realdocs or request.seeds) and not realdocs.is_dir():
        raise ConfigError(f"{realdocs}: no such folder of real PDFs (--realdocs DIR)")
    articles = sorted(request.seeds.glob("*.txt")) if request.seeds else []
    if request.seeds and not articles:
        raise ConfigError(f"{request.seeds}: no seed articles (*.txt) there (--seeds DIR)")
    judge = _judge_backend(request.judge, pipeline) if request.judge else None
    open_items = load_open(request.open_set) if request.open_set else None
    progress = request.show_progress

    records = run(pipeline, items, show_progress=progress)
    summary = summarise(records, settings.refusal_threshold, pipeline.embedder)
    modes, chunk_rows, extra, extra_modes = [], [], {}, {}
    if request.compare:
        modes = retrieval_modes(pipeline, items)
        chunk_rows = chunk_size_runs(pipeline, items, COMPARED_CHUNK_SIZES, out / "indexes",
                                     show_progress=progress)
    other_sets = {"realdocs": [realdocs]} if request.realdocs else {}
    if request.seeds:
        other_sets["seeds"] = [*articles, realdocs]
    for name, paths in other_sets.items():
        other = _indexed(pipeline, out / "indexes" / name, paths, progress)
        other_items = load_qa(root / "eval" / f"{name}.jsonl")
        extra[name] = summarise(run(other, other_items, show_progress=progress, desc=name),
                                settings.refusal_threshold)
        if request.compare:
            extra_modes[name] = retrieval_modes(other, other_items)
    if open_items is not None:
        summary["open"], open_records = evaluate_open(pipeline, open_items, out / "indexes",
                                                      show_progress=progress)
        out.mkdir(parents=True, exist_ok=True)
        (out / "open.md").write_text(open_report(summary["open"], open_records))
    if request.commitments:
        figures = evaluate_commitments(root)
        summary["commitments"] = {"splits": figures["splits"], "documents": {
            source: {key: value for key, value in f.items()
                     if key not in ("missed", "extra", "wrong_deadline")}
            for source, f in figures["documents"].items()}}
        out.mkdir(parents=True, exist_ok=True)
        (out / "commitments.md").write_text(commitments_report(figures))
    if request.validator:
        summary["validator"] = score_validator(build_cases(gather(root)))
    if judge is not None:
        summary["llm_judged"] = LLMJudge(judge.complete, pipeline.embedder).judge(
            records, settings.refusal_threshold, progress).summary(judge.where)
    report = write_report(out, f"Evaluation: {qa_path.name}", summary, records,
                          threshold_sweep(records), modes, chunk_rows, extra, extra_modes)
    return summary | ({"other_sets": extra} if extra else {}), report


def _indexed(pipeline: Pipeline, index: Path, paths: list[Path],
             show_progress: bool) -> Pipeline:
    """A pipeline over `paths` indexed afresh at `index`, same settings and model."""
    settings = pipeline.settings.with_overrides(index=index, store="")
    ingest(paths, settings, pipeline.embedder, rebuild=True, show_progress=show_progress)
    return Pipeline(settings, embedder=pipeline.embedder)


def _judge_backend(name: str, pipeline: Pipeline):
    """The LLM backend for the judge, checked before the evaluation starts: an unreachable
    model is fatal up front rather than a run of failed judgements."""
    backend = pipeline.backend(name)
    try:
        backend.complete([{"role": "user", "content": "Reply with the word ready."}])
    except Exception as exc:  # any failure to reach the model
        raise ConfigError(f"--judge {name}: the language model ({backend.where}) did not "
                          f"answer: {type(exc).__name__}: {exc}"[:400]) from exc
    return backend

