"""Ingestion throughput: pages/s, chunks/s and peak memory, end to end with the real model,
against llama-index's default pipeline in the same run.

Each corpus and pipeline runs in its own child process (so peak RSS is its own), rebuilding a
fresh index `--repeat` times after one warm-up; figures are medians. Model loading is timed
separately and is not part of the throughput. The baseline is `VectorStoreIndex` with its
`SimpleVectorStore`, llama-index's default `SentenceSplitter` and the same model run with
torch, fed the same extracted text (llama-index's PDF reader is a separate package).

    .venv/bin/python benchmarks/ingest.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "sample corpus": [ROOT / "corpus"],
    "realdocs": [ROOT.parent / "shared" / "data" / "realdocs"],
}


def baseline(paths: list[Path], repeat: int) -> dict:
    """llama-index's default pipeline over the same text and the same model (torch)."""
    from llama_index.core import Document, Settings, VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding

    from assistant.config import Settings as OurSettings
    from assistant.documents import SUPPORTED_SUFFIXES, load_document
    from assistant.embeddings import SentenceTransformerEmbedder
    from assistant.errors import DocumentError

    model = SentenceTransformerEmbedder(OurSettings().model)

    class Adapter(BaseEmbedding):
        def _get_text_embedding(self, text: str) -> list[float]:
            return model.embed_batch([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return model.embed_batch(texts).tolist()

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._get_text_embedding(query)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_text_embedding(query)

    Settings.llm = None
    started = time.perf_counter()
    model.embed_batch(["warm up"])
    model_seconds = time.perf_counter() - started
    runs = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        documents, pages = [], 0
        for folder in paths:
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                try:
                    loaded = load_document(path)
                except DocumentError:
                    continue
                pages += loaded.pages
                documents += [Document(text=b.text, metadata={"source": str(path),
                                                              "page": b.page or 0})
                              for b in loaded.blocks]
        index = VectorStoreIndex.from_documents(documents, embed_model=Adapter(
            embed_batch_size=32))
        runs.append((time.perf_counter() - t0, pages, len(index.docstore.docs)))
    timed = runs[1:]
    seconds = statistics.median(t for t, _, _ in timed)
    _, pages, chunks = timed[0]
    return {"documents": None, "pages": pages, "chunks": chunks, "failed": 0, "warnings": 0,
            "seconds_median": round(seconds, 3), "pages_per_s": round(pages / seconds, 2),
            "chunks_per_s": round(chunks / seconds, 2), "model_load_s": round(model_seconds, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "runs": [round(t, 3) for t, _, _ in timed]}


def measure(paths: list[Path], repeat: int) -> dict:
    from assistant.config import Settings
    from assistant.embeddings import make_embedder
    from assistant.ingest import ingest

    started = time.perf_counter()
    embedder = make_embedder(Settings().model, Settings().embedding_backend)
    embedder.embed_batch(["warm up"])
    model_seconds = time.perf_counter() - started
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(repeat + 1):
            settings = Settings(index=Path(tmp) / f"index{attempt}")
            t0 = time.perf_counter()
            report = ingest(paths, settings, embedder, show_progress=False)
            runs.append((time.perf_counter() - t0, report))
    timed = runs[1:]  # the first run warms caches and the tokenizer
    seconds = statistics.median(t for t, _ in timed)
    report = timed[0][1]
    return {
        "documents": report.documents, "pages": report.pages, "chunks": report.chunks,
        "failed": len(report.failed), "warnings": len(report.warnings),
        "seconds_median": round(seconds, 3),
        "pages_per_s": round(report.pages / seconds, 2),
        "chunks_per_s": round(report.chunks / seconds, 2),
        "model_load_s": round(model_seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "runs": [round(t, 3) for t, _ in timed],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "ingest.json")
    args = parser.parse_args()
    if args.one:
        run = baseline if args.baseline else measure
        print(json.dumps(run(CORPORA[args.one], args.repeat)))
        return
    results = {}
    for name, paths in CORPORA.items():
        if not all(p.exists() for p in paths):
            print(f"skipping {name}: {paths[0]} not found", file=sys.stderr)
            continue
        for label, extra in (("plan-assistant", []), ("llama-index default", ["--baseline"])):
            child = subprocess.run([sys.executable, __file__, "--one", name, "--repeat",
                                    str(args.repeat), *extra], capture_output=True, text=True,
                                   check=True)
            results[f"{name} · {label}"] = json.loads(child.stdout.strip().splitlines()[-1])
    header = f"{'corpus · pipeline':<36} {'pages':>6} {'chunks':>7} {'s (median)':>11} " \
             f"{'pages/s':>8} {'chunks/s':>9} {'peak MB':>8}"
    print(header)
    for name, r in results.items():
        print(f"{name:<36} {r['pages']:>6} {r['chunks']:>7} "
              f"{r['seconds_median']:>11.2f} {r['pages_per_s']:>8.1f} {r['chunks_per_s']:>9.1f} "
              f"{r['peak_rss_mb']:>8.0f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
