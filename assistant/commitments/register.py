"""The register as people use it: filtered, compared between versions, and written out.

Filters are the CLI's and the app's (`--due YEAR`, `--source`, `--topic`); a commitment is due
in a year when its deadline (`when.end`) falls in that calendar year. Exports: CSV (one row
per commitment, the citation in columns), Excel (a header row with filters, frozen, widths
that fit, the citation as its own column) and Markdown (a table a brief can paste).

Comparing two versions of a document pairs each old commitment with the new one that says the
same thing (its `what` words, then its citation), and reports what was added, removed, or
changed (deadline, target, strength or wording) with both citations.

Leaves out extraction (`extract.py`) and the faces.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.commitments.extract import Commitment

COLUMNS = ("what", "who", "when", "deadline", "where", "target", "strength", "topic",
           "document", "page", "section", "citation", "source", "id")
SAME_WHAT = 0.6  # word overlap at which two versions' commitments say the same thing
EXCEL_WIDTHS = {"what": 60, "citation": 80, "document": 30, "section": 30, "topic": 30}


def filtered(commitments: Iterable[Commitment], *, due: int | None = None,
             source: str | None = None, topic: str | None = None) -> list[Commitment]:
    """The commitments due in `due`, from `source`, whose topic or text mentions `topic`."""
    wanted = (topic or "").lower()
    return [c for c in commitments
            if (due is None or (c.when.end is not None and c.when.end.year == due))
            and (source is None or c.citation.source == source)
            and (not wanted or wanted in (c.topic or "").lower()
                 or wanted in c.citation.text.lower())]


def row(commitment: Commitment) -> dict[str, str | int | None]:
    """One commitment as the exports' columns. A PDF's line breaks, which `what` and the
    citation keep verbatim, are spaces here: a cell or a table row reads as one line."""
    def flat(text: str | None) -> str | None:
        return " ".join(text.split()) if text is not None else None

    return {"what": flat(commitment.what), "who": commitment.who,
            "when": flat(commitment.when.text),
            "deadline": commitment.when.end.isoformat() if commitment.when.end else None,
            "where": flat(commitment.where), "target": flat(commitment.target),
            "strength": commitment.strength, "topic": commitment.topic,
            "document": commitment.citation.title, "page": commitment.citation.page,
            "section": commitment.citation.section, "citation": flat(commitment.citation.text),
            "source": commitment.citation.source, "id": commitment.id}


def write(commitments: list[Commitment], path: Path) -> Path:
    """Write the register by the file's suffix: .csv, .xlsx or .md."""
    from assistant.errors import ConfigError

    writers = {".csv": _write_csv, ".xlsx": _write_excel, ".md": _write_markdown}
    suffix = path.suffix.lower()
    if suffix not in writers:
        raise ConfigError(f"{path}: write the register as .csv, .xlsx or .md")
    path.parent.mkdir(parents=True, exist_ok=True)
    writers[suffix]([row(c) for c in commitments], path)
    return path


def _write_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads UTF-8
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _write_excel(rows: list[dict], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Commitments"
    sheet.append([name.capitalize() for name in COLUMNS])
    for values in rows:  # a deadline is a date cell, so that Excel sorts and filters it
        sheet.append([date.fromisoformat(values[name]) if name == "deadline" and values[name]
                      else values[name] for name in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for number, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = EXCEL_WIDTHS.get(name, 14)
    wrap = Alignment(wrap_text=True, vertical="top")
    deadline = COLUMNS.index("deadline")
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
        line[deadline].number_format = "yyyy-mm-dd"
    book.save(path)


def _write_markdown(rows: list[dict], path: Path) -> None:
    def cell(value) -> str:
        return re.sub(r"\s+", " ", str(value)).replace("|", "\\|") if value is not None else ""

    shown = ("what", "who", "deadline", "target", "strength", "document", "page")
    lines = ["| " + " | ".join(name.capitalize() for name in shown) + " |",
             "|" + "---|" * len(shown)]
    lines += ["| " + " | ".join(cell(values[name]) for name in shown) + " |" for values in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Change:
    """A commitment found in both versions whose deadline, target, strength or wording moved."""

    old: Commitment
    new: Commitment
    what_changed: list[str]

    def to_json(self) -> dict:
        return {"old": self.old.to_json(), "new": self.new.to_json(),
                "what_changed": self.what_changed}


@dataclass(frozen=True)
class Comparison:
    added: list[Commitment]
    removed: list[Commitment]
    changed: list[Change]

    def to_json(self) -> dict:
        return {"added": [c.to_json() for c in self.added],
                "removed": [c.to_json() for c in self.removed],
                "changed": [c.to_json() for c in self.changed]}

    def to_markdown(self, old_name: str, new_name: str) -> str:
        """For reading: added, removed and changed commitments, each with its deadline and
        where it is written (both versions' places for a change)."""
        lines = [f"**{old_name}** → **{new_name}**: {len(self.added)} added, "
                 f"{len(self.removed)} removed, {len(self.changed)} changed", ""]
        for title, items in (("Added", self.added), ("Removed", self.removed)):
            lines += [f"#### {title} ({len(items)})", ""]
            lines += [f"- {_placed(c)}" for c in items] + [""]
        lines += [f"#### Changed ({len(self.changed)})", ""]
        lines += [f"- {', '.join(change.what_changed)}: {_placed(change.old)} → "
                  f"{_placed(change.new)}" for change in self.changed]
        return "\n".join(lines).rstrip() + "\n"


def _placed(c: Commitment) -> str:
    page = f", page {c.citation.page}" if c.citation.page else ""
    deadline = f" — {c.when.text}" if c.when.text else ""
    return f"{' '.join(c.what.split())}{deadline} ({c.citation.source}{page})"


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[a-z0-9]+", text.lower()))


def _overlap(a: str, b: str) -> float:
    first, second = _words(a), _words(b)
    return sum((first & second).values()) / max(sum(first.values()), sum(second.values()), 1)


def _differences(old: Commitment, new: Commitment) -> list[str]:
    changed = []
    if old.when.end != new.when.end or old.when.text != new.when.text:
        changed.append("deadline")
    if old.target != new.target:
        changed.append("target")
    if old.strength != new.strength:
        changed.append("strength")
    if re.sub(r"\s+", " ", old.what) != re.sub(r"\s+", " ", new.what):
        changed.append("wording")
    return changed


def compare(old: list[Commitment], new: list[Commitment]) -> Comparison:
    """Pair each old commitment with the new one saying most nearly the same thing (best
    pairs first, one to one); unpaired ones were removed or added."""
    candidates = sorted(((_overlap(a.what, b.what), i, j) for i, a in enumerate(old)
                         for j, b in enumerate(new)), reverse=True)
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for score, i, j in candidates:
        if score < SAME_WHAT:
            break
        if i not in paired_old and j not in paired_new:
            paired_old.add(i)
            paired_new.add(j)
            pairs.append((i, j))
    changed = [Change(old[i], new[j], differences) for i, j in sorted(pairs)
               if (differences := _differences(old[i], new[j]))]
    return Comparison([c for j, c in enumerate(new) if j not in paired_new],
                      [c for i, c in enumerate(old) if i not in paired_old], changed)

