"""Scale: build time, disk, load time, memory, search latency and recall@10 against exact
search, at 10k, 100k and 1M chunks, for flat, HNSW and IVF-PQ FAISS indexes or for
the PostgreSQL store (pgvector HNSW) at several ef_search values.

The corpus is synthetic, made from real material: the embeddings of the sample corpus's
chunks (plus realdocs' when ../shared/data/realdocs is present) are mixed in random pairs,
perturbed with Gaussian noise and re-normalised, so the vectors keep the real topic structure
without being near-copies of a few hundred points; each chunk's text is three sentences drawn
from real chunks, so BM25 sees a real vocabulary. Queries are the real questions of
eval/qa.jsonl and eval/seeds.jsonl, embedded by the default model. Each index goes through
the real store (`IndexStore.save` / `load`), and each load runs in a fresh process, whose
load time and peak RSS (VmHWM: `ru_maxrss` would report the parent's peak, which survives
fork and exec) are measured there.

With `--store pg` the same chunks go to the PostgreSQL store instead. A local server
(`assistant.devdb`) starts in a temporary folder; each size gets a fresh database, loaded by one
`PostgresStore.commit` with `rebuild` (rows and postings first, then the HNSW graph, all in the
load time) and dropped once measured. For each `--ef` (pgvector's `hnsw.ef_search`) a fresh
process opens the store and times dense search, a warm-up pass then a timed one, for latency
and recall@10; the one at the app's default (`pg_store.EF_SEARCH`) also times hybrid search.
That process's peak RSS is search's memory (`search_peak_rss_mb`). Another fresh process runs
the real app over the database: the bundled model and `Assistant.ask` for every question
(a warm-up pass, then a timed one), for `app_ask_*` latency and `app_peak_rss_mb`, the
figure that should not grow with the corpus, since the vectors stay in the server (whose own
memory is not measured). Rows go to results/scale-pg.json, the plot to scale-pg.png.

    .venv/bin/python benchmarks/scale.py [--sizes 10000 100000 1000000] [--kinds flat hnsw ivfpq]
    .venv/bin/python benchmarks/scale.py --store pg [--sizes ...] [--ef 40 100 200 400]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
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
PG_PROBE = r"""
import json, re, sys, time
import numpy as np
from assistant.pg_store import PostgresStore
from assistant.retrieval import Retriever
view = PostgresStore(sys.argv[1], ef_search=int(sys.argv[2])).load()
queries = np.load(sys.argv[3])
texts = [line.strip() for line in open(sys.argv[4])]
def timed(search, inputs):
    results, timings = [], []
    for item in inputs:
        t = time.perf_counter()
        results.append(search(item))
        timings.append((time.perf_counter() - t) * 1000)
    return results, timings
def dense(query):
    return [row for row, _ in view.dense_search(query, 10)]
timed(dense, queries)
found, dense_ms = timed(dense, queries)
class Fixed:
    vector = None
    def embed_batch(self, texts):  # a query the glossary expands is embedded twice
        return np.repeat(self.vector, len(texts), axis=0)
fixed = Fixed()
retriever = Retriever(view, fixed)
def hybrid(pair):
    fixed.vector = pair[0][None, :]
    return retriever.search(pair[1], 5)
hybrid_ms = []
if sys.argv[5] == "hybrid":
    pairs = list(zip(queries, texts))
    timed(hybrid, pairs)
    hybrid_ms = timed(hybrid, pairs)[1]
print(json.dumps({"dense_ms": dense_ms, "hybrid_ms": hybrid_ms, "found": found,
                  "peak_rss_mb": int(re.search(r"VmHWM:\s+(\d+)",
                                               open("/proc/self/status").read())[1]) / 1024}))
"""
APP_PROBE = r"""
import json, re, sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.service import Assistant
assistant = Assistant(Settings(store=sys.argv[1], feedback_log=Path("")))
texts = [line.strip() for line in open(sys.argv[2])]
for text in texts:
    assistant.ask(text)
ask_ms = []
for text in texts:
    t = time.perf_counter()
    assistant.ask(text)
    ask_ms.append((time.perf_counter() - t) * 1000)
print(json.dumps({"ask_ms": ask_ms,
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


def synthetic_documents(size: int) -> dict:
    """The records of `synthetic`'s documents, 200 chunks each, by source."""
    from assistant.records import DocumentRecord

    return {f"synthetic/doc{d:05d}.pdf": DocumentRecord(
        f"synthetic/doc{d:05d}.pdf", "-", f"Document {d}", "pdf", 50, 200, "-")
        for d in range((size + 199) // 200)}


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> list[list[int]]:
    """Each query's 10 best rows by exact inner product: what recall is measured against."""
    return [list(np.argsort(-(vectors @ q), kind="stable")[:10]) for q in queries]


def recall_at_10(found: list[list[int]], exact: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)]))


def percentiles(name: str, ms: list[float]) -> dict[str, float | None]:
    """p50 and p95 of `ms` as row columns; None when nothing was timed."""
    if not ms:
        return {f"{name}_p50_ms": None, f"{name}_p95_ms": None}
    return {f"{name}_p50_ms": round(float(np.median(ms)), 2),
            f"{name}_p95_ms": round(float(np.percentile(ms, 95)), 2)}


def save_queries(work: Path, queries: np.ndarray, questions: list[str]) -> tuple[Path, Path]:
    """The query vectors and texts as files a probe process reads."""
    np.save(work / "queries.npy", queries)
    (work / "questions.txt").write_text("\n".join(questions))
    return work / "queries.npy", work / "questions.txt"


def probe(script: str, *args: object) -> dict:
    """Run `script` in a fresh process, so nothing loaded here counts in its memory or timing;
    the JSON it prints."""
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"probe failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def run(size: int, kind: str, base, sentences, queries, questions, work: Path) -> dict:
    from assistant.store import IndexSnapshot, IndexStore

    vectors, chunks = synthetic(size, base, sentences)
    snapshot = IndexSnapshot("bench", vectors.shape[1], 200, 30, synthetic_documents(size),
                             list(chunks), vectors, {}, kind)
    folder = work / f"{size}-{kind}"
    store = IndexStore(folder)
    started = time.perf_counter()
    with store.write_lock():
        store.save(snapshot)
    save_s = time.perf_counter() - started
    exact = exact_top10(vectors, queries)
    brute = []
    for q in queries:
        t = time.perf_counter()
        scores = vectors @ q
        np.argpartition(-scores, 9)[:10]
        brute.append((time.perf_counter() - t) * 1000)
    del snapshot, vectors
    measured = probe(LOAD_PROBE, folder, *save_queries(work, queries, questions))
    manifest = json.loads((folder / "manifest.json").read_text())
    row = {"size": size, "kind": manifest["vector_index"]["kind"], "save_s": round(save_s, 1),
           "disk_mb": round(disk_mb(folder), 1), "load_s": round(measured["load_s"], 2),
           "peak_rss_mb": round(measured["peak_rss_mb"]),
           "recall@10": round(recall_at_10(measured["found"], exact), 3),
           **percentiles("dense", measured["dense_ms"]),
           **percentiles("hybrid", measured["hybrid_ms"]),
           "numpy_p50_ms": round(float(np.median(brute)), 2)}
    shutil.rmtree(folder)
    return row


@contextlib.contextmanager
def local_postgres(folder: Path) -> Iterator:
    """A PostgreSQL server with its data in `folder`, stopped on the way out."""
    from assistant import devdb

    server = devdb.start(folder)
    try:
        yield server
    finally:
        devdb.stop(folder)


@contextlib.contextmanager
def fresh_database(server, name: str) -> Iterator[str]:
    """The URL of a new empty database on `server`, dropped afterwards."""
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield server.get_uri(database=name)
    finally:
        with psycopg.connect(server.get_uri(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def rebuild_update(vectors: np.ndarray, chunks: Iterable, documents: dict):
    """An `Update` replacing the index with `documents`, each one's chunks consecutive and in
    order (`stores.migrate` builds the same)."""
    from assistant.records import Update

    added = {source: (documents[source], list(group))
             for source, group in itertools.groupby(chunks, key=lambda chunk: chunk.source)}
    from assistant.config import Settings

    defaults = Settings()  # recorded as the app's model, so the real app can open the index
    return Update(defaults.model, defaults.embedding_backend, vectors.shape[1],
                  defaults.chunk_size, defaults.chunk_overlap, "hnsw", {}, added, vectors,
                  rebuild=True)


def load_pg(url: str, update) -> tuple[float, float]:
    """Seconds to commit `update` (rows, postings, then the HNSW build), and the database's MB
    after it."""
    from assistant.pg_store import PostgresStore
    from assistant.store import IndexSnapshot

    store = PostgresStore(url)
    empty = IndexSnapshot.empty(update.model, update.backend, update.dimension,
                                update.chunk_size, update.chunk_overlap)
    started = time.perf_counter()
    with store.write_lock():
        store.commit(empty, update)
    seconds = time.perf_counter() - started
    size = store.query("SELECT pg_database_size(current_database())")[0][0]
    store.close()
    return seconds, size / 2**20


def run_pg(size: int, efs: list[int], base, sentences, queries, questions, work: Path,
           server) -> Iterator[dict]:
    """One row per ef_search for `size` chunks in a database of their own."""
    from assistant.pg_store import EF_SEARCH

    vectors, chunks = synthetic(size, base, sentences)
    exact = exact_top10(vectors, queries)
    update = rebuild_update(vectors, chunks, synthetic_documents(size))
    del vectors, chunks  # `update` holds them until loaded, then this process lets them go
    query_file, text_file = save_queries(work, queries, questions)
    with fresh_database(server, f"scale_{size}") as url:
        load_s, db_mb = load_pg(url, update)
        del update
        app = probe(APP_PROBE, url, text_file)  # the real app: model, store, ask
        for ef in efs:
            measured = probe(PG_PROBE, url, ef, query_file, text_file,
                             "hybrid" if ef == EF_SEARCH else "dense")
            yield {"size": size, "ef_search": ef, "load_s": round(load_s, 1),
                   "load_chunks_per_s": round(size / load_s), "db_mb": round(db_mb, 1),
                   "recall@10": round(recall_at_10(measured["found"], exact), 3),
                   **percentiles("dense", measured["dense_ms"]),
                   **percentiles("hybrid", measured["hybrid_ms"]),
                   "search_peak_rss_mb": round(measured["peak_rss_mb"]),
                   **percentiles("app_ask", app["ask_ms"]),
                   "app_peak_rss_mb": round(app["peak_rss_mb"])}


def measure_disk(args: argparse.Namespace, material: tuple) -> Iterator[dict]:
    with tempfile.TemporaryDirectory(dir=RESULTS.parent) as tmp:
        for size in args.sizes:
            for kind in args.kinds:
                yield run(size, kind, *material, Path(tmp))


def measure_pg(args: argparse.Namespace, material: tuple) -> Iterator[dict]:
    with tempfile.TemporaryDirectory(dir=RESULTS.parent) as tmp, \
            local_postgres(Path(tmp) / "pgdata") as server:
        for size in args.sizes:
            yield from run_pg(size, args.ef, *material, Path(tmp), server)


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot(rows: list[dict], path: Path) -> None:
    figure, (latency, memory) = pyplot().subplots(1, 2, figsize=(10, 4))
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


def plot_pg(rows: list[dict], path: Path) -> None:
    figure, (latency, recall) = pyplot().subplots(1, 2, figsize=(10, 4))
    for size in sorted({r["size"] for r in rows}):
        mine = sorted((r for r in rows if r["size"] == size), key=lambda r: r["ef_search"])
        efs = [r["ef_search"] for r in mine]
        latency.plot(efs, [r["dense_p95_ms"] for r in mine], marker="o", label=f"{size:,}")
        recall.plot(efs, [r["recall@10"] for r in mine], marker="o", label=f"{size:,}")
    measured = sorted({r["ef_search"] for r in rows})
    for axis, title, unit in ((latency, "PostgreSQL dense search p95", "ms"),
                              (recall, "Recall@10 against exact search", "recall@10")):
        axis.set_xscale("log")
        axis.set_xticks(measured, [str(ef) for ef in measured])
        axis.minorticks_off()
        axis.set_xlabel("hnsw.ef_search")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.legend(title="chunks", fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def print_table(rows: list[dict]) -> None:
    header = list(rows[0])
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join("-" if row[h] is None else str(row[h]) for h in header) + " |")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["disk", "pg"], default="disk",
                        help="the on-disk FAISS store or PostgreSQL + pgvector")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="corpus sizes in chunks")
    parser.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivfpq"],
                        help="FAISS index kinds (disk)")
    parser.add_argument("--ef", type=int, nargs="+", default=[40, 100, 200, 400],
                        help="hnsw.ef_search values (pg); hybrid runs at the app's default")
    parser.add_argument("--out", type=Path,
                        help="rows as JSON, plot beside it (results/scale.json or scale-pg.json)")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    pg = args.store == "pg"
    out = args.out or RESULTS / ("scale-pg.json" if pg else "scale.json")
    material = real_material()
    base, sentences, queries, _ = material
    print(f"material: {len(base)} real chunk vectors, {len(sentences)} sentences, "
          f"{len(queries)} questions", file=sys.stderr)
    rows = []
    for row in (measure_pg if pg else measure_disk)(args, material):
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(rows, indent=2))
    (plot_pg if pg else plot)(rows, out.with_suffix(".png"))
    print_table(rows)


if __name__ == "__main__":
    main()
