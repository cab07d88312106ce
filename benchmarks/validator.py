"""The answer validator on faithful and corrupted answer sentences, by kind and by half.

Sentences come from the evaluation sets' evidence (eval/qa.jsonl, realdocs.jsonl, seeds.jsonl:
the sentence of each quote's source, with the ~200 words around it and two other documents'
passages); `assistant/evaluation/validator.py` says how each kind is made and what counts as
handled. The validator's rules were tuned on the dev half; the test half is reported beside it.

    .venv/bin/python benchmarks/validator.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from assistant.evaluation.validator import build_cases, gather, score

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    started = time.perf_counter()
    cases = build_cases(gather(ROOT))
    built = time.perf_counter() - started
    started = time.perf_counter()
    figures = score(cases)
    checked = time.perf_counter() - started
    kinds = list(figures["all"]["by_kind"])
    print(f"{len(cases)} sentences built in {built:.1f} s, checked in {checked:.1f} s "
          f"({checked / len(cases) * 1000:.2f} ms each)\n")
    print(f"| kind | {' | '.join(f'{half} n | {half} handled' for half in ('dev', 'test'))} |")
    print("|---|---|---|---|---|")
    for kind in kinds:
        rows = [figures[half]["by_kind"][kind] for half in ("dev", "test")]
        cells = [f"{row['n']} | {row['handled']:.3f}" for row in rows]
        print(f"| {kind} | {' | '.join(cells)} |")
    for key in ("faithful_kept", "corrupted_rejected"):
        print(f"| **{key.replace('_', ' ')}** | | {figures['dev'][key]:.3f} | | "
              f"{figures['test'][key]:.3f} |")
    out = ROOT / "benchmarks" / "results" / "validator.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwritten: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
