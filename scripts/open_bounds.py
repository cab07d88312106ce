"""Where open answers lose their key points: what the passages read hold, what the best choice
of their sentences within the answer's budget would carry, and what the answer carries.

For each answerable open question of eval/open.jsonl (one half), the sentences the composer
may quote (`compose.quotable_scores`) are labelled with the key points whose phrases they hold.
Printed per form and overall, as shares of the key points:

- read: in any sentence of the passages the question reads (`Pipeline.read`);
- quotable: in a sentence an answer may quote;
- best choice: in the sentences a composer that knew the labels would take, most key points
  first, within the same budget (WORD_BUDGET words, MAX_POINTS points);
- answer: in the answer `ask` gives.

Run it on the dev half when tuning; the test half only to report.

    python scripts/open_bounds.py [--split dev|test] [--index-dir /tmp]  # indexes idx-sample,
                                                                         # idx-seeds, idx-realdocs
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np

from assistant.answer.compose import MAX_POINTS, WORD_BUDGET, quotable_scores
from assistant.config import Settings
from assistant.evaluation.open import OpenItem, corpus_of, key_point_recall, load_open, normalise
from assistant.service import Assistant
from assistant.structure import passage_units

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("read", "quotable", "best choice", "answer")


def held(item: OpenItem, text: str) -> set[int]:
    """The key points (by number) some phrase of which `text` holds."""
    folded = normalise(text)
    return {n for n, point in enumerate(item.key_points)
            if any(normalise(phrase) in folded for phrase in point)}


def best_choice(labels: list[set[int]], lengths: list[int]) -> set[int]:
    """Greedy: the sentence carrying most new key points a word first, within the budget."""
    carried: set[int] = set()
    words = points = 0
    while points < MAX_POINTS:
        fits = [i for i in range(len(labels))
                if labels[i] - carried and words + lengths[i] <= WORD_BUDGET]
        if not fits:
            break
        pick = max(fits, key=lambda i: len(labels[i] - carried) / max(lengths[i], 8))
        carried |= labels[pick]
        words += lengths[pick]
        points += 1
    return carried


def shares(assistant: Assistant, item: OpenItem) -> tuple[float, ...] | None:
    read = assistant.read(item.question)
    if not read.question.open or not read.hits:
        return None
    evidence = assistant.gather(read.question, read.hits)
    units = [passage_units(evidence.hits[s.hit].chunk.text)[s.position]
             for s in evidence.sentences]
    quotable = np.isfinite(quotable_scores(evidence, units))
    labels = [held(item, s.text) for s in evidence.sentences]
    kept = [i for i in range(len(labels)) if quotable[i]]
    total = len(item.key_points)
    answer = assistant.ask(item.question).text
    return (len(set().union(*labels)) / total,
            len(set().union(*(labels[i] for i in kept))) / total,
            len(best_choice([labels[i] for i in kept],
                            [len(evidence.sentences[i].text.split()) for i in kept])) / total,
            key_point_recall(answer, item.key_points))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    items = [i for i in load_open(ROOT / "eval" / "open.jsonl")
             if i.split == args.split and i.answerable]
    by_form: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for name in ("sample", "seeds", "realdocs"):
        assistant = Assistant(Settings(index=args.index_dir / f"idx-{name}"))
        for item in (i for i in items if corpus_of(i) == name):
            if (found := shares(assistant, item)) is not None:
                by_form[item.form].append(found)
                by_form["all"].append(found)
    print(f"| {args.split} half | questions | " + " | ".join(COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for form, rows in sorted(by_form.items(), key=lambda pair: pair[0] == "all"):
        means = " | ".join(f"{statistics.mean(r[c] for r in rows):.3f}"
                           for c in range(len(COLUMNS)))
        print(f"| {form} | {len(rows)} | {means} |")


if __name__ == "__main__":
    main()
