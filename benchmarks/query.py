"""Query latency: `search` and `ask` in process, brute-force numpy as a baseline, and the CLI's
wall time for one question from a cold start (interpreter, imports, model and index load).

Questions are eval/qa.jsonl's (mostly fact questions) and, in the "open" rows, the sample
corpus's questions of eval/open.jsonl (definitions, lists, steps, overviews, reasons: ten
passages and their sections read, points selected); each is asked `--repeat` times after a
warm-up pass, and the figures are p50/p95 over all of them. Runs on a fresh index of the
sample corpus. The default (30 candidates reranked by best sentence) and first-stage
retrieval alone (`rerank_pool=0`) are measured side by side; so are a cleared sentence cache
that reads the sentence vectors stored at ingest (the default) and one that embeds the
sentences (an index saved before they were stored). With `--postgres`, the same
questions also go to the same corpus in the PostgreSQL store (a local PostgreSQL 18 with
pgvector started for the run), in the same process, after the on-disk rows.

    .venv/bin/python benchmarks/query.py [--repeat 3] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 2),
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def timed(function, items: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for item in items:
            started = time.perf_counter()
            function(item)
            out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    from assistant.config import Settings
    from assistant.evaluation.qa import load_qa
    from assistant.ingest import ingest
    from assistant.service import Assistant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true",
                        help="also measure the PostgreSQL store (needs the dev extra)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "query.json")
    args = parser.parse_args()
    from assistant.evaluation.open import load_open

    questions = [item.question for item in load_qa(ROOT / "eval" / "qa.jsonl")]
    open_questions = [item.question for item in load_open(ROOT / "eval" / "open.jsonl")
                      if item.sources[0].startswith("corpus/")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index=Path(tmp) / "index")
        assistant = Assistant(settings)
        ingest([ROOT / "corpus"], settings, assistant.embedder, show_progress=False)
        for question in questions + open_questions:  # warm-up: model, index, BM25, caches
            assistant.ask(question)
        embed = assistant.embedder.embed_batch
        vectors = assistant.snapshot.embeddings
        results["embed query only"] = percentiles(timed(embed_one(embed), questions,
                                                        args.repeat))
        results["numpy brute force (embed + scan)"] = percentiles(timed(
            lambda q: np.argsort(-(vectors @ embed([q])[0]))[:5], questions, args.repeat))
        first_stage = Assistant(settings.with_overrides(rerank_pool=0),
                                embedder=assistant.embedder)
        for question in questions:
            first_stage.ask(question)
        for label, which in (("", assistant), (", first stage only", first_stage)):
            results[f"search (hybrid){label}"] = percentiles(timed(which.search, questions,
                                                                   args.repeat))
            results[f"ask (extractive){label}"] = percentiles(timed(which.ask, questions,
                                                                    args.repeat))

            def ask_uncached(question: str, which: Assistant = which) -> None:
                which.scorer._cache.clear()  # a question whose passages were never scored
                which.ask(question)

            results[f"ask, sentence cache cleared{label}"] = percentiles(
                timed(ask_uncached, questions, args.repeat))
            if which is assistant:
                for question in open_questions:
                    which.ask(question)
                results["ask open questions"] = percentiles(timed(which.ask, open_questions,
                                                                  args.repeat))
                results["ask open, sentence cache cleared"] = percentiles(
                    timed(ask_uncached, open_questions, args.repeat))
        unstored = Assistant(settings, embedder=assistant.embedder)
        unstored.scorer._stored = None  # as an index saved before sentence vectors were kept

        def ask_embedding(question: str) -> None:
            unstored.scorer._cache.clear()
            unstored.ask(question)

        results["ask, cache cleared, sentences embedded"] = percentiles(
            timed(ask_embedding, questions, args.repeat))
        results["ask open, cache cleared, sentences embedded"] = percentiles(
            timed(ask_embedding, open_questions, args.repeat))
        if args.postgres:
            results |= postgres_rows(settings, assistant, questions, args.repeat, Path(tmp))
        cold = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", "ask", questions[0], "--index",
                            str(settings.index), "--json"], check=True, capture_output=True)
            cold.append((time.perf_counter() - started) * 1000)
        results["CLI ask, cold start"] = percentiles(cold)
        helps = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", "--help"], check=True,
                           capture_output=True)
            helps.append((time.perf_counter() - started) * 1000)
        results["CLI --help"] = percentiles(helps)
    print(f"{'what':<44} {'p50 ms':>9} {'p95 ms':>9}")
    for name, figures in results.items():
        print(f"{name:<44} {figures['p50']:>9.1f} {figures['p95']:>9.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


def postgres_rows(settings, assistant, questions: list[str], repeat: int,
                  work: Path) -> dict[str, dict[str, float]]:
    """search and ask over the sample corpus in a local PostgreSQL, the same embedder."""
    from assistant import devdb
    from assistant.ingest import ingest
    from assistant.service import Assistant

    server = devdb.start(work / "pgdata")
    try:
        in_pg = Assistant(settings.with_overrides(store=server.get_uri()),
                          embedder=assistant.embedder)
        ingest([ROOT / "corpus"], in_pg.settings, assistant.embedder, show_progress=False)
        for question in questions:
            in_pg.ask(question)

        def ask_uncached(question: str) -> None:
            in_pg.scorer._cache.clear()
            in_pg.ask(question)

        rows = {"search (hybrid), PostgreSQL": percentiles(timed(in_pg.search, questions,
                                                                 repeat)),
                "ask (extractive), PostgreSQL": percentiles(timed(in_pg.ask, questions,
                                                                  repeat)),
                "ask, sentence cache cleared, PostgreSQL": percentiles(
                    timed(ask_uncached, questions, repeat))}
        in_pg.store.close()
        return rows
    finally:
        devdb.stop(work / "pgdata")


def embed_one(embed):
    return lambda question: embed([question])


if __name__ == "__main__":
    main()
