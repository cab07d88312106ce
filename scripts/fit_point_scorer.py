"""Fit the weights of `compose.point_features` on the dev half of eval/open.jsonl.

A sentence an answer may quote is labelled a point when it holds one of its question's key
phrases. The passages read are those of the best-sentence order (`retrieve` without
`question=`), as when the weights in compose.py were fitted; refitting on the order that open
questions now read (`rerank.rerank_open`) lowered dev answer recall (0.462 -> 0.455). The fit is
a logistic regression (scikit-learn, a dependency of sentence-transformers); the printed
weights are pasted into `POINT_WEIGHTS` in assistant/answer/compose.py, so the product itself
needs no scikit-learn. Only the dev half is used: the test half stays unseen for reporting.

    python scripts/fit_point_scorer.py [--index-dir /tmp]   # indexes idx-sample, idx-seeds,
                                                            # idx-realdocs under it
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.answer.compose import FEATURES, point_features, quotable_scores
from assistant.config import Settings
from assistant.evaluation.open import corpus_of, load_open, normalise
from assistant.question import analyse
from assistant.service import Assistant
from assistant.structure import passage_units

ROOT = Path(__file__).resolve().parent.parent


def rows(index_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    items = [i for i in load_open(ROOT / "eval" / "open.jsonl")
             if i.split == "dev" and i.answerable]
    features, labels = [], []
    for name in ("sample", "seeds", "realdocs"):
        assistant = Assistant(Settings(index=index_dir / f"idx-{name}"))
        for item in (i for i in items if corpus_of(i) == name):
            question = analyse(item.question)
            hits = assistant.with_sections(assistant.retrieve(item.question, 10))
            evidence = assistant.gather(question, hits)
            units = [passage_units(hits[s.hit].chunk.text)[s.position]
                     for s in evidence.sentences]
            quotable = np.isfinite(quotable_scores(evidence, units))  # what answers may quote
            features.append(point_features(question, evidence, units)[quotable])
            labels += [any(normalise(p) in normalise(s.text) for point in item.key_points
                           for p in point)
                       for s, keep in zip(evidence.sentences, quotable, strict=True) if keep]
    return np.vstack(features), np.array(labels, dtype=float)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    x, y = rows(args.index_dir)
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(x, y)
    print(f"{len(y)} sentences, {int(y.sum())} points")
    print("POINT_WEIGHTS = {")
    for name, weight in zip(FEATURES, model.coef_[0], strict=True):
        print(f'    "{name}": {weight:.3f},')
    print("}")
    print(f"POINT_BIAS = {model.intercept_[0]:.3f}")


if __name__ == "__main__":
    main()
