"""The open-question set (`eval/open.jsonl`): reading it, checking it, running it, scoring it.

Open questions (definitions, lists, steps, overviews, reasons) have no single reference
answer. Each answerable item lists 3-5 key points a good answer conveys, each as alternative
phrases copied verbatim from the documents; a point counts as conveyed when one of its phrases
occurs in the text (compared case- and spacing-insensitively). Near misses name the focus term
the documents never mention, and the right behaviour is to refuse. Items are split into a
`dev` half (for tuning) and a `test` half (for reporting).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError
from assistant.evaluation.metrics import percentile, refusal_scores, strip_markers
from assistant.evaluation.qa import read_set
from assistant.pipeline import Pipeline

SPLITS = ("dev", "test")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                       "\uf0b7": " ", "•": " "})


@dataclass(frozen=True)
class OpenItem:
    id: str
    question: str
    form: str
    answerable: bool
    sources: tuple[str, ...]
    key_points: tuple[tuple[str, ...], ...]
    split: str
    missing: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)


def normalise(text: str) -> str:
    """Lower case, typographic quotes and dashes folded, bullets and markers gone, spacing
    collapsed: the form in which key phrases are compared."""
    text = unicodedata.normalize("NFKC", strip_markers(text)).translate(_FOLD)
    return " ".join(re.sub(r"\*\*|__", "", text).split()).lower()


def _open_item(raw: dict) -> OpenItem:
    item = OpenItem(
        id=str(raw["id"]), question=str(raw["question"]), form=str(raw["form"]),
        answerable=bool(raw["answerable"]), sources=tuple(raw["sources"]),
        key_points=tuple(tuple(point) for point in raw.get("key_points", [])),
        split=str(raw["split"]), missing=tuple(raw.get("missing", [])),
        tags=tuple(raw.get("tags", [])))
    if item.split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    return item


def load_open(path: Path) -> list[OpenItem]:
    """Parse the set; a malformed line is an error naming the file and line."""
    return read_set(path, "open-question", _open_item)


def phrase_problems(items: list[OpenItem], root: Path) -> list[str]:
    """Key phrases that are not in their sources' extracted text, and missing terms that are
    in some document of `corpus_paths` (checked separately: `absent_problems`)."""
    from assistant.documents import load_document, page_text

    texts: dict[str, str] = {}
    problems = []
    for item in items:
        for source in item.sources:
            if source not in texts:
                texts[source] = normalise(page_text(load_document(root / source), None))
        for point in item.key_points:
            for phrase in point:
                if not any(normalise(phrase) in texts[s] for s in item.sources):
                    problems.append(f"{item.id}: key phrase not in its sources: {phrase!r}")
    return problems


def absent_problems(items: list[OpenItem], documents: list[Path]) -> list[str]:
    """Near misses whose 'missing' term does occur in one of `documents`."""
    from assistant.documents import load_document, page_text

    texts = {doc.name: normalise(page_text(load_document(doc), None)) for doc in documents}
    return [f"{item.id}: '{term}' occurs in {name}"
            for item in items for term in item.missing
            for name, text in texts.items()
            if re.search(r"\b" + re.escape(normalise(term)), text)]


def key_point_recall(text: str, key_points: tuple[tuple[str, ...], ...]) -> float:
    """Share of key points of which some phrase occurs in `text`."""
    if not key_points:
        return 0.0
    folded = normalise(text)
    return sum(any(normalise(p) in folded for p in point) for point in key_points) \
        / len(key_points)


@dataclass
class OpenRecord:
    item: OpenItem
    answer: dict
    answer_recall: float
    cited_recall: float
    words: int

    @property
    def answered(self) -> bool:
        return bool(self.answer["answered"])


def run_open(pipeline: Pipeline, items: list[OpenItem], *,
             show_progress: bool = True) -> list[OpenRecord]:
    from tqdm import tqdm

    records = []
    for item in tqdm(items, desc="open questions", unit="q", file=sys.stderr,
                     disable=not show_progress, leave=False):
        data = pipeline.ask(item.question).to_json()
        answered = data["answered"]
        cited = " ".join(c["text"] for c in data["citations"])
        records.append(OpenRecord(
            item=item, answer=data,
            answer_recall=key_point_recall(data["answer"], item.key_points) if answered else 0,
            cited_recall=key_point_recall(cited, item.key_points) if answered else 0.0,
            words=len(strip_markers(data["answer"]).split())))
    return records


def open_figures(records: list[OpenRecord]) -> dict:
    answerable = [r for r in records if r.item.answerable]
    answered = [r for r in answerable if r.answered]
    refusal = refusal_scores([r.item.answerable for r in records], [r.answered for r in records])
    return {
        "n": len(records),
        "answerable": len(answerable),
        "answer_recall": _mean([r.answer_recall for r in answerable]),
        "cited_recall": _mean([r.cited_recall for r in answerable]),
        "answered": _mean([float(r.answered) for r in answerable]),
        "median_words": round(float(np.median([r.words for r in answered])), 1)
        if answered else 0.0,
        "refusal": {k: round(v, 4) for k, v in refusal.items()},
        "near_misses_refused": _mean([float(not r.answered) for r in records
                                      if not r.item.answerable]),
        "latency_ms_p95": round(percentile([r.answer["timings_ms"]["total"]
                                            for r in records], 95), 2),
    }


def _mean(values: list[float]) -> float:
    return round(float(np.mean(values)), 4) if values else 0.0


def summarise_open(records: list[OpenRecord]) -> dict:
    """Figures for each split, and per form and per corpus within each split."""
    out: dict = {}
    for split in SPLITS:
        chosen = [r for r in records if r.item.split == split]
        if not chosen:
            continue
        out[split] = open_figures(chosen) | {
            "by_form": {form: open_figures([r for r in chosen if r.item.form == form])
                        for form in sorted({r.item.form for r in chosen if r.item.answerable})},
            "by_corpus": {name: open_figures([r for r in chosen if corpus_of(r.item) == name])
                          for name in sorted({corpus_of(r.item) for r in chosen})},
        }
    return out


def corpus_of(item: OpenItem) -> str:
    source = item.sources[0] if item.sources else ""
    if "/seeds/" in source:
        return "seeds"
    return "realdocs" if "realdocs" in source else "sample"


def corpora(root: Path) -> dict[str, list[Path]]:
    """What each part of the set is asked of: the seed articles are indexed together with the
    real PDFs, as in `eval --seeds`; the real documents are the PDFs and the Markdown texts."""
    shared = root / ".." / "shared"
    realdocs = shared / "data" / "realdocs"
    return {"realdocs": [realdocs / "pdf", realdocs / "text"],
            "seeds": [*sorted((shared / "seeds").glob("*.txt")), realdocs / "pdf"]}


def evaluate_open(pipeline: Pipeline, items: list[OpenItem], workdir: Path, *,
                  show_progress: bool = True) -> tuple[dict, list[OpenRecord]]:
    """Run the set: sample-corpus items on the pipeline's own index, the rest on indexes of
    the real documents and seed articles built afresh in `workdir`."""
    from assistant.ingest import ingest

    records = run_open(pipeline, [i for i in items if corpus_of(i) == "sample"],
                       show_progress=show_progress)
    for name, paths in corpora(pipeline.settings.root).items():
        chosen = [i for i in items if corpus_of(i) == name]
        if not chosen:
            continue
        if not all(p.exists() for p in paths):
            raise ConfigError(f"{paths[0]}: not found; the open set's {name} questions need "
                              "../shared beside the project")
        settings = pipeline.settings.with_overrides(index=workdir / f"open-{name}", store="")
        ingest(paths, settings, pipeline.embedder, rebuild=True, show_progress=show_progress)
        other = Pipeline(settings, embedder=pipeline.embedder)
        records += run_open(other, chosen, show_progress=show_progress)
    return summarise_open(records), records


def open_report(summary: dict, records: list[OpenRecord]) -> str:
    """The open set's figures as Markdown: each split by form and by corpus, then the answers
    of the test half that conveyed less than half their key points."""
    lines = ["# Open questions", "",
             "Key-point recall of the answer text and of the cited passages; answerable share; "
             "median words; near misses refused.", ""]
    for split, figures in summary.items():
        lines += [f"## {split} half", "",
                  "| group | n | answer recall | cited recall | answered | median words | "
                  "near misses refused |", "|---|---|---|---|---|---|---|"]
        rows = [("all", figures)] + list(figures["by_form"].items()) + \
            [(f"corpus: {k}", v) for k, v in figures["by_corpus"].items()]
        lines += [f"| {name} | {f['n']} | {f['answer_recall']:.2f} | {f['cited_recall']:.2f} | "
                  f"{f['answered']:.2f} | {f['median_words']:.0f} | "
                  f"{f['near_misses_refused']:.2f} |" for name, f in rows]
        lines.append("")
    weak = [r for r in records if r.item.split == "test" and r.item.answerable
            and r.answer_recall < 0.5]
    lines += ["## Test-half answers with under half their key points", ""]
    for record in weak:
        answer = record.answer["answer"].replace("\n", " / ")
        lines += [f"- **{record.item.id}** ({record.item.form}) {record.item.question}  ",
                  f"  recall {record.answer_recall:.2f}: {answer[:300]}"]
    return "\n".join(lines) + "\n"
