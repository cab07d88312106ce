"""Ingestion throughput: pages/s, chunks/s and peak memory, end to end with the real model,
side by side in one run with a plain sentence-transformers fp32 encode of the same chunk texts
and with llama-index's default pipeline.

Each corpus and pipeline runs in its own child process, `--repeat` times after one warm-up;
figures are medians. Model loading is timed separately and is not part of the throughput.

- plan-assistant: `ingest` into a fresh index (read, clean, chunk, extract the commitments
  register, embed, write the index), with its PDF-reading worker processes.
- plan-assistant without the register: the same with register extraction left out, so the
  register's share of ingest time is the ratio of the two medians (issue target: at most 15%).
- sentence-transformers encode: `SentenceTransformer.encode` (torch fp32, batches of 32) of
  exactly the texts plan-assistant embeds (chunk header + text); reading and chunking are not
  timed. The issue's target is ingest at 1.5× this, "× ST" in the table.
- llama-index default: `VectorStoreIndex` with its `SimpleVectorStore`, its default
  `SentenceSplitter` and the same model run with torch, fed the same extracted text
  (llama-index's PDF reader is a separate package).

"peak MB" is the child's own peak RSS; "tree MB" the peak of the child plus its worker
processes together, sampled every 0.2 s.

    .venv/bin/python benchmarks/ingest.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
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
PIPELINES = {"plan-assistant": "ours", "plan-assistant without the register": "bare",
             "plan-assistant without sentence vectors": "nosentences",
             "sentence-transformers encode": "st", "llama-index default": "llama"}


def _summary(runs: list[tuple[float, int, int]], model_seconds: float, **extra) -> dict:
    """Medians over the timed runs (the first of `runs` warms caches and is left out)."""
    timed = runs[1:]
    seconds = statistics.median(t for t, _, _ in timed)
    _, pages, chunks = timed[0]
    return {"pages": pages, "chunks": chunks, "seconds_median": round(seconds, 3),
            "pages_per_s": round(pages / seconds, 2), "chunks_per_s": round(chunks / seconds, 2),
            "model_load_s": round(model_seconds, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "runs": [round(t, 3) for t, _, _ in timed], **extra}


def ours(paths: list[Path], repeat: int, **overrides) -> dict:
    from assistant.config import Settings
    from assistant.embeddings import make_embedder
    from assistant.ingest import ingest

    started = time.perf_counter()
    embedder = make_embedder(Settings().model, Settings().embedding_backend)
    embedder.embed_batch(["warm up"])
    model_seconds = time.perf_counter() - started
    runs, report = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(repeat + 1):
            settings = Settings(index=Path(tmp) / f"index{attempt}", **overrides)
            t0 = time.perf_counter()
            report = ingest(paths, settings, embedder, show_progress=False)
            runs.append((time.perf_counter() - t0, report.pages, report.chunks))
    return _summary(runs, model_seconds, documents=report.documents,
                    failed=len(report.failed), warnings=len(report.warnings))


def bare(paths: list[Path], repeat: int) -> dict:
    """`ours` with the commitments register left out of ingest (every document yields none):
    the difference to `ours` is what extracting the register costs."""
    import assistant.ingest

    assistant.ingest.extract = lambda document, source: []
    return ours(paths, repeat)


def nosentences(paths: list[Path], repeat: int) -> dict:
    """`ours` with `sentence_vectors = false` (answers then embed sentences as they meet
    them): the difference to `ours` is what storing sentence vectors costs."""
    return ours(paths, repeat, sentence_vectors=False)


def chunk_texts(paths: list[Path]) -> tuple[list[str], int]:
    """What plan-assistant embeds for these files (header + text of each chunk), and pages."""
    from assistant.chunking import chunk_document
    from assistant.config import Settings
    from assistant.embeddings import make_embedder
    from assistant.ingest import discover, read_file

    settings = Settings()
    tokenizer = make_embedder(settings.model, "torch")  # the tokenizer only: no torch yet
    files = discover(paths, settings.root).files
    texts, pages = [], 0
    for source, path in files.items():
        document = read_file(path)
        if isinstance(document, str):
            continue
        pages += document.pages
        texts += [chunk.embedding_text(tokenizer.count_tokens) for chunk in chunk_document(
            document, source, settings.chunk_size, settings.chunk_overlap, tokenizer.tokenize)]
    return texts, pages


def st(paths: list[Path], repeat: int) -> dict:
    """A plain sentence-transformers fp32 encode of the same chunk texts."""
    from sentence_transformers import SentenceTransformer

    from assistant.config import Settings
    from assistant.embeddings import resolve_model_path

    texts, pages = chunk_texts(paths)
    started = time.perf_counter()
    model = SentenceTransformer(str(resolve_model_path(Settings().model)), device="cpu",
                                local_files_only=True)
    model.encode(["warm up"])
    model_seconds = time.perf_counter() - started
    runs = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        runs.append((time.perf_counter() - t0, pages, len(texts)))
    return _summary(runs, model_seconds)


def llama(paths: list[Path], repeat: int) -> dict:
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
    return _summary(runs, model_seconds)


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants (Linux /proc), in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def _run_child(corpus: str, pipeline: str, repeat: int) -> dict:
    """One corpus × pipeline in its own process, with the peak RSS of its process tree."""
    child = subprocess.Popen([sys.executable, __file__, "--one", corpus, "--pipeline",
                              pipeline, "--repeat", str(repeat)], stdout=subprocess.PIPE,
                             text=True)
    tree_peak = 0.0
    while child.poll() is None:
        tree_peak = max(tree_peak, _tree_rss_mb(child.pid))
        time.sleep(0.2)
    out = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"{corpus} · {pipeline} failed with exit status {child.returncode}")
    return json.loads(out.strip().splitlines()[-1]) | {"tree_peak_mb": round(tree_peak, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--pipeline", choices=PIPELINES.values(), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "ingest.json")
    parser.add_argument("--pipelines", default=",".join(PIPELINES.values()),
                        help="which to run, comma-separated (default all: "
                             f"{','.join(PIPELINES.values())})")
    args = parser.parse_args()
    if args.one:
        run = {"ours": ours, "bare": bare, "nosentences": nosentences, "st": st,
               "llama": llama}[args.pipeline]
        print(json.dumps(run(CORPORA[args.one], args.repeat)))
        return
    results = {}
    for name, paths in CORPORA.items():
        if not all(p.exists() for p in paths):
            print(f"skipping {name}: {paths[0]} not found", file=sys.stderr)
            continue
        chosen = {label: p for label, p in PIPELINES.items() if p in args.pipelines.split(",")}
        for label, pipeline in chosen.items():
            results[f"{name} · {label}"] = _run_child(name, pipeline, args.repeat)
        rows = {label: results[f"{name} · {label}"] for label in chosen}
        if "sentence-transformers encode" in rows:
            yardstick = rows["sentence-transformers encode"]["chunks_per_s"]
            for row in rows.values():
                row["x_st_encode"] = round(row["chunks_per_s"] / yardstick, 2)
        if {"plan-assistant", "plan-assistant without the register"} <= set(rows):
            rows["plan-assistant"]["register_share"] = round(
                rows["plan-assistant"]["seconds_median"]
                / rows["plan-assistant without the register"]["seconds_median"] - 1, 3)
    print(f"{'corpus · pipeline':<43} {'pages':>5} {'chunks':>6} {'s (median)':>10} "
          f"{'pages/s':>7} {'chunks/s':>8} {'× ST':>5} {'peak MB':>7} {'tree MB':>7}")
    for name, r in results.items():
        print(f"{name:<43} {r['pages']:>5} {r['chunks']:>6} {r['seconds_median']:>10.2f} "
              f"{r['pages_per_s']:>7.1f} {r['chunks_per_s']:>8.1f} {r.get('x_st_encode', 0):>5.2f} "
              f"{r['peak_rss_mb']:>7.0f} {r['tree_peak_mb']:>7.0f}")
    for name, r in results.items():
        if "register_share" in r:
            print(f"{name.split(' · ')[0]}: extracting the commitments register adds "
                  f"{r['register_share']:+.1%} to ingest time (medians side by side)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
