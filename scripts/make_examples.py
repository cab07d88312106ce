"""Regenerate the example briefs in docs/examples/ from the sample corpus.

Builds a fresh index of corpus/ in a temporary folder (so the examples never depend on
whatever a local index/ holds) and writes three briefs: a topic brief for staff, a digest of
the sample PDF, and a one-page public brief.

    .venv/bin/python scripts/make_examples.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from assistant.config import Settings
from assistant.embeddings import make_embedder
from assistant.ingest import ingest
from assistant.service import Assistant
from assistant.summarize import Summarizer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "examples"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index=Path(tmp) / "index")
        embedder = make_embedder(settings.model, settings.embedding_backend)
        ingest([ROOT / "corpus"], settings, embedder, show_progress=False)
        summarizer = Summarizer(Assistant(settings, embedder=embedder))
        briefs = {
            "topic-mental-health.md": summarizer.topic("mental health", "page", "staff"),
            "digest-sections-pdf.md": summarizer.digest("corpus/llr-plan-sections-digest.pdf"),
            "public-gp-access.md": summarizer.topic("access to GP practices", "page", "public"),
        }
        OUT.mkdir(parents=True, exist_ok=True)
        for name, brief in briefs.items():
            (OUT / name).write_text(brief.to_markdown(), encoding="utf-8")
            print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
