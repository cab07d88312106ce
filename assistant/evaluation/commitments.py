"""Scoring the commitments register against the gold set `eval/commitments.jsonl`.

Every annotated document is annotated in full, so precision is meaningful: each extracted
record either matches a gold record or is a false inclusion. An extracted record matches a gold
record of the same source and page when either
- their `what` spans share at least half their words: the multiset overlap of lower-cased word
  tokens divided by the longer span's token count is >= `WHAT_OVERLAP` (0.5); or
- they cite the same sentence or item (texts equal after collapsing whitespace and dropping a
  leading list marker) and their `what` spans overlap in that text: the annotators cut `what`
  shorter or longer in places ("Champion research ..." without its "by adopting ..." clause),
  and one found record in the right sentence is a found commitment.
Matching is one-to-one, best pairs first (higher word overlap, then the same citation), so a
sentence with three gold actions extracted as one record counts one found and two missed.

Deadline accuracy is the share of matched gold records that carry an `end` date whose extracted
`end` has the same year: a missing extracted date counts as wrong.

Leaves out the CLI and the thresholds (`plan-assistant eval --commitments` calls
`evaluate_commitments`; the gate is in tests/test_commitments.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.commitments import Commitment, extract
from assistant.documents import load_document
from assistant.errors import ConfigError

GOLD_PATH = Path("eval") / "commitments.jsonl"
WHAT_OVERLAP = 0.5
_MARKER = re.compile(r"^\s*(?:[-•*✓]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")


@dataclass(frozen=True)
class GoldDocument:
    source: str
    split: str
    document_date: date | None
    commitments: list[dict[str, Any]]


def load_gold(path: Path) -> list[GoldDocument]:
    documents = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            when = row.get("document_date")
            documents.append(GoldDocument(row["source"], row["split"],
                                          date.fromisoformat(when) if when else None,
                                          row["commitments"]))
    return documents


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def what_overlap(gold: str, found: str) -> float:
    """Shared words over the longer span's word count."""
    a, b = _tokens(gold), _tokens(found)
    longest = max(sum(a.values()), sum(b.values()))
    return sum((a & b).values()) / longest if longest else 0.0


def _normal(text: str) -> str:
    return " ".join(_MARKER.sub("", text).split())


def _span(text: str, what: str) -> tuple[int, int] | None:
    at = _normal(text).find(_normal(what))
    return (at, at + len(_normal(what))) if at >= 0 else None


def _same_citation(gold: dict[str, Any], found: Commitment) -> bool:
    if _normal(gold["text"]) != _normal(found.citation.text):
        return False
    a, b = _span(gold["text"], gold["what"]), _span(found.citation.text, found.what)
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def match(gold: list[dict[str, Any]], found: list[Commitment]) -> list[tuple[int, int]]:
    """One-to-one (gold index, found index) pairs, best first."""
    pairs = []
    for i, g in enumerate(gold):
        for j, f in enumerate(found):
            if g["page"] != f.citation.page:
                continue
            overlap, same = what_overlap(g["what"], f.what), _same_citation(g, f)
            if overlap >= WHAT_OVERLAP or same:
                pairs.append((overlap + same, i, j))
    chosen, used_gold, used_found = [], set(), set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_gold and j not in used_found:
            chosen.append((i, j))
            used_gold.add(i)
            used_found.add(j)
    return sorted(chosen)


def _deadline_right(gold: dict[str, Any], found: Commitment) -> bool:
    end = found.when.end
    return end is not None and end.year == date.fromisoformat(gold["when"]["end"]).year


def score_document(gold: list[dict[str, Any]], found: list[Commitment]) -> dict[str, Any]:
    """Counts, precision, recall and deadline accuracy of one document, with its misses."""
    pairs = match(gold, found)
    dated = [(i, j) for i, j in pairs if gold[i]["when"]["end"]]
    right = sum(_deadline_right(gold[i], found[j]) for i, j in dated)
    matched_gold = {i for i, _ in pairs}
    matched_found = {j for _, j in pairs}
    return {
        "gold": len(gold), "extracted": len(found), "matched": len(pairs),
        "dated": len(dated), "deadline_right": right, **_rates(len(pairs), len(found),
                                                              len(gold), right, len(dated)),
        "missed": [g["id"] for i, g in enumerate(gold) if i not in matched_gold],
        "extra": [f.what for j, f in enumerate(found) if j not in matched_found],
        "wrong_deadline": [gold[i]["id"] for i, j in dated if not _deadline_right(gold[i],
                                                                                   found[j])],
    }


def _rates(matched: int, extracted: int, gold: int, right: int, dated: int) -> dict[str, Any]:
    return {"precision": matched / extracted if extracted else 1.0,
            "recall": matched / gold if gold else 1.0,
            "deadline_accuracy": right / dated if dated else None}


def _total(scores: list[dict[str, Any]]) -> dict[str, Any]:
    sums = {key: sum(s[key] for s in scores)
            for key in ("gold", "extracted", "matched", "dated", "deadline_right")}
    return {**sums, **_rates(sums["matched"], sums["extracted"], sums["gold"],
                             sums["deadline_right"], sums["dated"])}


def evaluate_commitments(root: Path, splits: Collection[str] = ("dev", "test")) -> dict[str, Any]:
    """Figures per split and per document for the gold documents of `splits`; sources are
    read relative to `root` (the project folder)."""
    documents: dict[str, dict[str, Any]] = {}
    by_split: dict[str, list[dict[str, Any]]] = {}
    for gold in load_gold(root / GOLD_PATH):
        if gold.split not in splits:
            continue
        if not (root / gold.source).is_file():
            raise ConfigError(f"{gold.source}: annotated in {GOLD_PATH} but not found (the "
                              "real documents live in ../shared/data/realdocs)")
        document = load_document(root / gold.source)
        found = extract(document, gold.source, gold.document_date)
        score = {"split": gold.split, **score_document(gold.commitments, found)}
        documents[gold.source] = score
        by_split.setdefault(gold.split, []).append(score)
    return {"splits": {split: _total(scores) for split, scores in by_split.items()},
            "documents": documents}


def commitments_report(figures: dict[str, Any]) -> str:
    """The register's figures as Markdown: each half, then each document with its misses
    and extra records."""
    def row(name: str, f: dict[str, Any]) -> str:
        deadline = f"{f['deadline_right']} of {f['dated']}" if f["dated"] else "-"
        return (f"| {name} | {f['gold']} | {f['extracted']} | {f['matched']} | "
                f"{f['precision']:.2f} | {f['recall']:.2f} | {deadline} |")

    header = ["| | gold | extracted | matched | precision | recall | deadline year right |",
              "|---|---|---|---|---|---|---|"]
    lines = ["# Commitments register", "", f"Scored against `{GOLD_PATH}` (dev: tuned on; "
             "test: reported only).", "", *header]
    lines += [row(split, f) for split, f in figures["splits"].items()]
    lines += ["", "## By document", "", *header]
    lines += [row(f"{f['split']}: {Path(source).name}", f)
              for source, f in figures["documents"].items()]
    for source, f in figures["documents"].items():
        lines += ["", f"### {Path(source).name} ({f['split']})", "",
                  f"Missed: {', '.join(f['missed']) or 'none'}", "",
                  "Extracted but not annotated:", ""]
        lines += [f"- {' '.join(what.split())[:160]}" for what in f["extra"]] or ["- none"]
    return "\n".join(lines) + "\n"
