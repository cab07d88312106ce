"""Embedding speed and retrieval quality of each embedding backend, side by side.

For torch fp32 (the reference), ONNX fp32 and ONNX int8: passages/s on the sample corpus's
chunks and on the realdocs chunks (median of `--repeat` runs after a warm-up, same process),
mean and minimum cosine to the torch vectors, and retrieval hit@1/hit@5/MRR on eval/qa.jsonl
with an index built by that backend.

    .venv/bin/python benchmarks/embedding.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("torch", "onnx-fp32", "onnx-int8")


def passages(paths: list[Path], settings) -> list[str]:
    from assistant.chunking import chunk_document
    from assistant.documents import SUPPORTED_SUFFIXES, load_document
    from assistant.embeddings import SentenceTransformerEmbedder
    from assistant.errors import DocumentError

    tokenize = SentenceTransformerEmbedder(settings.model).tokenize
    texts = []
    for folder in paths:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            try:
                document = load_document(path)
            except DocumentError:
                continue
            texts += [c.embedding_text() for c in chunk_document(
                document, path.name, settings.chunk_size, settings.chunk_overlap, tokenize)]
    return texts


def main() -> None:
    from assistant.config import Settings
    from assistant.embeddings import make_embedder
    from assistant.evaluation.qa import load_qa
    from assistant.evaluation.runner import retrieval_modes
    from assistant.ingest import ingest
    from assistant.service import Assistant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks" / "results" / "embedding.json")
    args = parser.parse_args()
    settings = Settings()
    corpora = {"sample corpus": passages([ROOT / "corpus"], settings)}
    realdocs = ROOT.parent / "shared" / "data" / "realdocs"
    if realdocs.is_dir():
        corpora["realdocs"] = passages([realdocs], settings)
    embedders = {name: make_embedder(settings.model, name) for name in BACKENDS}
    for embedder in embedders.values():
        embedder.embed(["warm up"] * 8)
    items = load_qa(ROOT / "eval" / "qa.jsonl")
    results: dict[str, dict] = {}
    for name, embedder in embedders.items():
        row: dict[str, float] = {}
        for corpus, texts in corpora.items():
            times, vectors = [], None
            for _ in range(args.repeat):
                started = time.perf_counter()
                vectors = embedder.embed(texts, 64)
                times.append(time.perf_counter() - started)
            row[f"{corpus} passages/s"] = round(len(texts) / statistics.median(times), 1)
            reference = results.get("torch", {}).get(f"_{corpus}")
            if reference is None:
                row[f"_{corpus}"] = vectors
            else:
                cosines = np.sum(vectors * reference, axis=1)
                row[f"{corpus} mean cos"] = round(float(cosines.mean()), 4)
                row[f"{corpus} min cos"] = round(float(cosines.min()), 4)
        with tempfile.TemporaryDirectory() as tmp:
            local = settings.with_overrides(index=Path(tmp) / "index", embedding_backend=name)
            ingest([ROOT / "corpus"], local, embedder, show_progress=False)
            hybrid = [r for r in retrieval_modes(Assistant(local, embedder=embedder), items)
                      if r["config"] in ("dense", "hybrid + acronyms")]
        for r in hybrid:
            for key in ("hit@1", "hit@5", "mrr"):
                row[f"{r['config']} {key}"] = r[key]
        results[name] = row
    torch_speed = {k: v for k, v in results["torch"].items() if k.endswith("passages/s")}
    table = []
    for name, row in results.items():
        clean = {k: v for k, v in row.items() if not k.startswith("_")}
        for key, value in torch_speed.items():
            clean[key.replace("passages/s", "× torch")] = round(row[key] / value, 2)
        table.append({"backend": name, **clean})
    keys = list(dict.fromkeys(k for row in table for k in row))
    print(" | ".join(keys))
    for row in table:
        print(" | ".join(str(row.get(k, "")) for k in keys))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
