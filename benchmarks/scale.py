"""Scale: build time, disk, load time, memory, search latency and recall@10 against exact
search, at 10k, 100k and 1M chunks, for flat, HNSW and IVF-PQ FAISS indexes.

The corpus is synthetic, made from real material: the embeddings of the sample corpus's
chunks (plus realdocs' when ../shared/data/realdocs is present) are mixed in random pairs,
perturbed with Gaussian noise and re-normalised, so the vectors keep the real topic structure
without being near-copies of a few hundred points; each chunk's text is three sentences drawn
from real chunks, so BM25 sees a real vocabulary. Queries are the real questions of
eval/qa.jsonl and eval/seeds.jsonl, embedded by the default model. Each index goes through
the real store (`IndexStore.save` / `load`), and each load runs in a fresh process, whose
load time and peak RSS (VmHWM: `ru_maxrss` would report the parent's peak, which survives
fork and exec) are measured there.

    .venv/bin/python benchmarks/scale.py [--sizes 10000 100000 1000000] [--kinds flat hnsw ivfpq]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
LOAD_PROBE = r"""
import json, re, sys, time
started = time.perf_counter()
from assistant.store import IndexStore
import numpy as np
snapshot = IndexStore(sys.argv[1]).load()
index = snapshot.faiss_index()
loaded = time.perf_counter() - started
queries = np.load(sys.argv[2])
from assistant import vector_index
from assistant.retrieval import Retriever
timings, found = [], []
for query in queries:
    t = time.perf_counter()
    found.append([r for r, _ in vector_index.search(index, snapshot.embeddings, query, 10)])
    timings.append((time.perf_counter() - t) * 1000)
class Fixed:
    def __init__(self): self.vector = None
    def embed_batch(self, texts): return self.vector
fixed = Fixed()
retriever = Retriever(snapshot, fixed)
texts = [line.strip() for line in open(sys.argv[3])]
hybrid = []
for _ in range(2):
    for query, text in zip(queries, texts):
        fixed.vector = query[None, :]
        t = time.perf_counter()
        retriever.search(text, 5)
        hybrid.append((time.perf_counter() - t) * 1000)
print(json.dumps({"load_s": loaded, "dense_ms": timings, "hybrid_ms": hybrid[len(queries):],
                  "found": found,
                  "peak_rss_mb": int(re.search(r"VmHWM:\s+(\d+)",
                                               open("/proc/self/status").read())[1]) / 1024}))
"""


def real_material() -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Real chunk vectors and sentences, and real questions with their vectors."""
    from assistant.config import Settings
    from assistant.evaluation.qa import load_qa
    from assistant.ingest import ingest
    from assistant.service import Assistant
    from assistant.structure import split_sentences

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index=Path(tmp) / "index")
        assistant = Assistant(settings)
        paths = [ROOT / "corpus"]
        realdocs = ROOT.parent / "shared" / "data" / "realdocs" / "pdf"
        if realdocs.is_dir():
            paths.append(realdocs)
        ingest(paths, settings, assistant.embedder, show_progress=False)
        snapshot = assistant.snapshot
        vectors = np.array(snapshot.embeddings, dtype=np.float32)
        sentences = [s for chunk in snapshot.chunks for s in split_sentences(chunk.text)]
        questions = [q.question for name in ("qa.jsonl", "seeds.jsonl")
                     for q in load_qa(ROOT / "eval" / name)]
        return vectors, sentences, assistant.embedder.embed(questions), questions


def synthetic(count: int, base: np.ndarray, sentences: list[str], seed: int = 0):
    """`count` vectors mixed from pairs of real ones plus noise, and texts of real sentences."""
    from assistant.chunking import Chunk

    rng = np.random.default_rng(seed)
    vectors = np.empty((count, base.shape[1]), dtype=np.float32)
    for start in range(0, count, 100_000):
        n = min(100_000, count - start)
        weight = rng.uniform(0.5, 1.0, (n, 1)).astype(np.float32)
        mixed = weight * base[rng.integers(0, len(base), n)] + \
            (1 - weight) * base[rng.integers(0, len(base), n)]
        mixed += rng.normal(0, 0.35 / np.sqrt(base.shape[1]), mixed.shape).astype(np.float32)
        vectors[start:start + n] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    picks = rng.integers(0, len(sentences), (count, 3))
    chunks = (Chunk(f"c{i}", f"synthetic/doc{i // 200:05d}.pdf", f"Document {i // 200}",
                    i % 200 // 4 + 1, None, " ".join(sentences[j] for j in picks[i]))
              for i in range(count))
    return vectors, chunks


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def run(size: int, kind: str, base, sentences, queries, questions, work: Path) -> dict:
    from assistant.store import DocumentRecord, IndexSnapshot, IndexStore

    vectors, chunks = synthetic(size, base, sentences)
    docs = {f"synthetic/doc{d:05d}.pdf": DocumentRecord(
        f"synthetic/doc{d:05d}.pdf", "-", f"Document {d}", "pdf", 50, 200, "-")
        for d in range((size + 199) // 200)}
    snapshot = IndexSnapshot("bench", vectors.shape[1], 200, 30, docs, list(chunks), vectors,
                             {}, kind)
    folder = work / f"{size}-{kind}"
    store = IndexStore(folder)
    started = time.perf_counter()
    with store.write_lock():
        store.save(snapshot)
    save_s = time.perf_counter() - started
    exact = [list(np.argsort(-(vectors @ q), kind="stable")[:10]) for q in queries]
    brute = []
    for q in queries:
        t = time.perf_counter()
        scores = vectors @ q
        np.argpartition(-scores, 9)[:10]
        brute.append((time.perf_counter() - t) * 1000)
    del snapshot, vectors
    np.save(work / "queries.npy", queries)
    (work / "questions.txt").write_text("\n".join(questions))
    probe = subprocess.run([sys.executable, "-c", LOAD_PROBE, str(folder),
                            str(work / "queries.npy"), str(work / "questions.txt")],
                           capture_output=True, text=True, check=True, cwd=ROOT)
    measured = json.loads(probe.stdout)
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(measured["found"], exact,
                                                                  strict=True)])
    manifest = json.loads((folder / "manifest.json").read_text())
    row = {"size": size, "kind": manifest["vector_index"]["kind"], "save_s": round(save_s, 1),
           "disk_mb": round(disk_mb(folder), 1), "load_s": round(measured["load_s"], 2),
           "peak_rss_mb": round(measured["peak_rss_mb"]),
           "recall@10": round(float(recall), 3),
           "dense_p50_ms": round(float(np.median(measured["dense_ms"])), 2),
           "dense_p95_ms": round(float(np.percentile(measured["dense_ms"], 95)), 2),
           "hybrid_p50_ms": round(float(np.median(measured["hybrid_ms"])), 2),
           "hybrid_p95_ms": round(float(np.percentile(measured["hybrid_ms"], 95)), 2),
           "numpy_p50_ms": round(float(np.median(brute)), 2)}
    shutil.rmtree(folder)
    return row


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, memory) = plt.subplots(1, 2, figsize=(10, 4))
    for kind in sorted({r["kind"] for r in rows}):
        mine = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["size"])
        sizes = [r["size"] for r in mine]
        latency.plot(sizes, [r["hybrid_p95_ms"] for r in mine], marker="o",
                     label=f"{kind}: hybrid search p95")
        latency.plot(sizes, [r["dense_p95_ms"] for r in mine], marker=".", linestyle="--",
                     label=f"{kind}: dense only p95")
        memory.plot(sizes, [r["peak_rss_mb"] for r in mine], marker="o", label=kind)
    for axis, title, unit in ((latency, "Search latency", "ms"),
                              (memory, "Peak memory after load + queries", "MB")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("chunks")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivfpq"])
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    args = parser.parse_args()
    base, sentences, queries, questions = real_material()
    print(f"material: {len(base)} real chunk vectors, {len(sentences)} sentences, "
          f"{len(queries)} questions", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(dir=RESULTS.parent) as tmp:
        for size in args.sizes:
            for kind in args.kinds:
                rows.append(run(size, kind, base, sentences, queries, questions, Path(tmp)))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(json.dumps(rows, indent=2))
    plot(rows, args.out.with_suffix(".png"))
    header = list(rows[0])
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")


if __name__ == "__main__":
    main()
