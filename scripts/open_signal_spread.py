"""Measure the spread of each passage signal that open questions are reordered by.

`rerank.OPEN_SIGNAL_SPREAD` is the standard deviation of each column of `rerank.open_signals`
over the passages that the open questions of eval/open.jsonl's dev half read. Dividing each
signal by its spread gives the seven signals the same say when `rerank_open` sums them. Only
the dev half is read: the test half stays unseen for reporting. The printed array is pasted
into assistant/rerank.py. The three indexes are built first, as `eval --open` builds them:

    plan-assistant ingest corpus --index /tmp/idx-sample --rebuild
    plan-assistant ingest ../shared/seeds/*.txt ../shared/data/realdocs/pdf \
        --index /tmp/idx-seeds --rebuild
    plan-assistant ingest ../shared/data/realdocs/pdf ../shared/data/realdocs/text \
        --index /tmp/idx-realdocs --rebuild
    python scripts/open_signal_spread.py [--index-dir /tmp]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.evaluation.open import corpus_of, load_open
from assistant.question import analyse
from assistant.rerank import open_window
from assistant.service import Assistant

ROOT = Path(__file__).resolve().parent.parent


def signals(index_dir: Path) -> np.ndarray:
    items = [i for i in load_open(ROOT / "eval" / "open.jsonl")
             if i.split == "dev" and i.answerable]
    rows = []
    for name in ("sample", "seeds", "realdocs"):
        assistant = Assistant(Settings(index=index_dir / f"idx-{name}"))
        for item in (i for i in items if corpus_of(i) == name):
            named, naming = assistant.naming(item.question)
            pool = assistant.retriever.search(item.question, assistant.settings.rerank_pool,
                                              sources=named or None)
            if len(pool) < 2:
                continue
            rows.append(open_window(analyse(item.question), pool, assistant.scorer,
                                    naming=naming)[1])
    return np.vstack(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    found = signals(args.index_dir)
    print(f"{len(found)} passages")
    print("OPEN_SIGNAL_SPREAD = np.array([" + ", ".join(f"{v:.4f}" for v in found.std(axis=0))
          + "])")


if __name__ == "__main__":
    main()
