"""The evaluation report: `report.md` with tables, PNG plots and the failing questions."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evaluation.runner import Record

METHOD_NOTE = """\
**How the figures are computed.** Gold passages are the indexed chunks that contain an
evidence quote (by text, on the quoted source and page), so they survive re-chunking.
Retrieval uses llama-index's HitRate, MRR and NDCG over the top 10. *Correctness* is key-fact
recall: the share of the reference answer's figures and names (its content words when it has
none) found in the answer; refusals score 0. *Token F1* and *similarity* (embedding cosine to
the reference) are shown beside it. *Cited evidence* is the share of answerable questions
answered with at least one gold passage among the citations. *Faithfulness* is the share of
answer sentences supported by the passages they cite; *citation recall/precision* follow ALCE
(a sentence's citations together support it / a citation is needed or sufficient). Support
is a lexical proxy, not an NLI model: a sentence counts as supported when it occurs verbatim
in the passage, or when 60% of its content words and all its figures do. It cannot detect a
negation or a changed relation between the same words, so it overstates faithfulness for
paraphrasing LLM backends; for the extractive backend (verbatim sentences) it is exact.
*Refusal* treats "refused" as the positive class: precision among refusals, recall among
unanswerable questions."""


JUDGE_NOTE = """\
With `--judge`, the configured language model gives four further figures, as RAGAS defines
them: *faithfulness* (share of answer sentences it finds stated by the cited passages),
*answer relevancy* (mean embedding cosine between the question and three questions the model
writes from the answer), *context precision* (average precision of the top 5 passages, each
judged useful or not for the reference answer) and *answer correctness* (answer gives the
reference's key fact; refusals of answerable questions score 0). A judgement whose reply is
not the JSON asked for is left out and counted as failed."""


def _table(rows: list[dict]) -> str:
    if not rows:
        return "_none_"
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _save(fig, out: Path, name: str) -> str:
    """Write a figure into the report folder and free it; the file's name."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name


def _plots(out: Path, records: list[Record], sweep: list[dict], threshold: float,
           configs: list[dict]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.plot([s["recall"] for s in sweep], [s["precision"] for s in sweep], marker=".")
    chosen = min(sweep, key=lambda s: abs(s["threshold"] - threshold))
    ax.scatter([chosen["recall"]], [chosen["precision"]], color="red", zorder=3,
               label=f"default threshold {threshold}")
    ax.set_xlabel("refusal recall (unanswerable refused)")
    ax.set_ylabel("refusal precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left")
    ax.set_title("Refusal precision/recall over thresholds")
    made.append(_save(fig, out, "refusal_curve.png"))

    fig, ax = plt.subplots(figsize=(5.5, 4))
    xs = [s["threshold"] for s in sweep]
    ax.plot(xs, [s["recall"] for s in sweep], label="unanswerable refused")
    ax.plot(xs, [s["answered_with_evidence"] for s in sweep], label="answerable answered, cited")
    ax.axvline(threshold, color="red", linestyle="--", label="default")
    ax.set_xlabel("evidence-strength threshold")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left")
    ax.set_title("What each threshold trades")
    made.append(_save(fig, out, "threshold_tradeoff.png"))

    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.hist([r.latency_ms for r in records], bins=30, color="#4a7ab5")
    ax.set_xlabel("ask latency (ms, in process)")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    made.append(_save(fig, out, "latency.png"))

    if configs:
        fig, ax = plt.subplots(figsize=(7, 4))
        names = [c["config"] for c in configs]
        width = 0.2
        for offset, key in enumerate(("hit@1", "hit@5", "mrr", "ndcg@10")):
            ax.bar([i + offset * width for i in range(len(names))],
                   [c[key] for c in configs], width, label=key)
        ax.set_xticks([i + 1.5 * width for i in range(len(names))], names, rotation=25,
                      ha="right", fontsize=8)
        ax.set_ylim(0, 1.02)
        ax.legend(fontsize=8, loc="lower right")
        ax.set_title("Retrieval by configuration")
        made.append(_save(fig, out, "configurations.png"))
    return made


def _failures(records: list[Record], threshold: float, limit: int = 40) -> str:
    lines = []
    failing = [r for r in records
               if (r.item.answerable and not (r.answered(threshold) and r.cited_evidence))
               or (not r.item.answerable and r.answered(threshold))]
    for record in failing[:limit]:
        item = record.item
        verdict = ("answered an unanswerable question" if not item.answerable
                   else "refused" if not record.answered(threshold)
                   else "answered without citing the evidence")
        lines.append(f"#### {item.id}: {item.question}\n")
        lines.append(f"- **{verdict}** (evidence strength {record.strength:.3f})")
        if item.answerable:
            lines.append(f"- reference: {item.answer}")
        lines.append(f"- answer: {record.answer['answer'][:400]}")
        for hit in record.retrieved[:3]:
            where = hit["source"] + (f" p.{hit['page']}" if hit["page"] else "")
            mark = " (gold)" if hit["gold"] else ""
            lines.append(f"  - retrieved {hit['rank']}{mark}: {where}: "
                         f"{hit['text'][:160].replace(chr(10), ' ')}…")
        lines.append("")
    more = len(failing) - limit
    return "\n".join(lines) + (f"\n_…and {more} more._" if more > 0 else "")


def write_report(out: Path, title: str, summary: dict, records: list[Record],
                 sweep: list[dict], modes: list[dict], chunk_rows: list[dict],
                 extra_sets: dict[str, dict] | None = None,
                 extra_modes: dict[str, list[dict]] | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    _plots(out, records, sweep, summary["threshold"], modes)
    parts = [f"# {title}\n", f"{summary['n']} questions "
             f"({sum(r.item.answerable for r in records)} answerable). Threshold "
             f"{summary['threshold']}.\n", "## Summary\n",
             _table([{"group": g, "metric": k, "value": v}
                     for g, values in summary.items() if isinstance(values, dict)
                     and g not in ("llm_judged", "validator") for k, v in values.items()])]
    if judged := summary.get("llm_judged"):
        parts += ["\n## LLM-judged (RAGAS-style)\n",
                  f"Judge: {judged['judge']}; {judged['calls']} judgements asked, "
                  f"{judged['failed']} failed or unreadable (left out).\n",
                  _table([{"metric": k, "value": judged[k]} for k in
                          ("faithfulness", "answer_relevancy", "context_precision",
                           "answer_correctness")]), "\n" + JUDGE_NOTE]
    if validator := summary.get("validator"):
        parts += ["\n## Answer validator (faithful and corrupted sentences)\n",
                  _table([{"kind": kind, **{f"{half} handled": validator[half]["by_kind"]
                                            .get(kind, {}).get("handled") for half in
                                            ("dev", "test")}}
                          for kind in validator["all"]["by_kind"]]),
                  f"\nFaithful kept {validator['test']['faithful_kept']}, corrupted rejected "
                  f"{validator['test']['corrupted_rejected']} on the test half (rules tuned "
                  "on dev; see benchmarks/validator.py).\n"]
    if extra_sets:
        parts += ["\n## Other Q&A sets\n", _table([
            {"set": name, "n": s["n"], **s["retrieval"], "correctness": s["answer"]["correctness"],
             "cited_evidence": s["answer"]["cited_evidence"],
             "refusal_precision": s["refusal"]["precision"],
             "refusal_recall": s["refusal"]["recall"]} for name, s in extra_sets.items()])]
    if modes:
        parts += ["\n## Retrieval configurations (same index)\n", _table(modes),
                  "\n![configurations](configurations.png)"]
    if extra_modes:
        parts += ["\n## Retrieval configurations on the other sets\n", _table(
            [{"set": name, **row} for name, rows in extra_modes.items() for row in rows])]
    if chunk_rows:
        parts += ["\n## Chunk sizes (re-indexed, full evaluation)\n", _table(chunk_rows)]
    parts += ["\n## Refusal threshold\n", _table(sweep[::2]),
              "\n![refusal curve](refusal_curve.png) ![trade-off](threshold_tradeoff.png)",
              "\n## Latency\n", "![latency](latency.png)", "\n## Method\n", METHOD_NOTE,
              "\n## Failing questions\n", _failures(records, summary["threshold"])]
    report = out / "report.md"
    report.write_text("\n".join(parts) + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(
        {"summary": summary, "modes": modes, "chunk_sizes": chunk_rows, "sweep": sweep,
         "other_sets": extra_sets or {}, "other_sets_modes": extra_modes or {}}, indent=2),
        encoding="utf-8")
    return report
