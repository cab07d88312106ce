"""Briefs and digests over the sample corpus with the real model."""

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from assistant.config import Settings
from assistant.embeddings import make_embedder
from assistant.ingest import ingest
from assistant.service import Assistant
from assistant.summarize import Summarizer, mmr, readability, write_docx

pytestmark = pytest.mark.slow
PDF = "corpus/llr-plan-sections-digest.pdf"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    settings = Settings(index=tmp_path_factory.mktemp("brief") / "index")
    embedder = make_embedder(settings.model, settings.embedding_backend)
    ingest([ROOT / "corpus"], settings, embedder, show_progress=False)
    return settings


@pytest.fixture(scope="module")
def summarizer(index):
    return Summarizer(Assistant(index))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def test_summarize_json_points_are_cited_distinct_and_grounded(index):
    result = subprocess.run([sys.executable, "-m", "assistant", "summarize", "mental health",
                             "--json", "--index", str(index.index)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    assert set(brief) >= {"topic", "title", "sections", "citations", "markdown"}
    passages = {c["id"]: c["text"] for c in brief["citations"]}
    points = [p for s in brief["sections"] for p in s["points"]]
    assert len(points) >= 4
    texts = [p["text"] for p in points if p not in brief["sections"][-1]["points"]
             or brief["sections"][-1]["heading"] != "Facts and figures"]
    assert len(texts) == len(set(texts))
    for point in points:
        assert point["citations"], point
        cited = " ".join(passages[n] for n in point["citations"])
        assert _words(point["text"]) <= _words(cited) | {"a"}, point["text"]
    assert "mental health" in brief["markdown"].lower()
    assert sorted(passages) == list(range(1, len(passages) + 1))


def test_docx_export_opens_and_lists_references(summarizer, tmp_path):
    import docx

    brief = summarizer.topic("GP access", "short")
    write_docx(brief, tmp_path / "brief.docx")
    paragraphs = [p.text for p in docx.Document(tmp_path / "brief.docx").paragraphs]
    assert paragraphs[0] == brief.title
    assert "References" in paragraphs
    references = paragraphs[paragraphs.index("References") + 1:]
    assert len(references) == len(brief.citations)
    assert all("(corpus/" in line for line in references)


def test_pdf_digest_covers_every_section_in_order(summarizer, index):
    """The digest's headings are the PDF's own (read from its type), a page standing in
    where a passage has none."""
    brief = summarizer.digest(PDF)
    chunks = [c for c in Assistant(index).snapshot.chunks if c.source == PDF]
    expected = list(dict.fromkeys(c.section or f"Page {c.page}" for c in chunks))
    assert [s.heading for s in brief.sections] == expected
    assert "7. Mental health" in expected and len(expected) >= 10
    assert all(s.points for s in brief.sections)


def test_a_digests_length_sets_its_points_per_section(summarizer):
    points = {length: [len(s.points) for s in summarizer.digest(PDF, length).sections]
              for length in ("short", "page", "long")}
    assert set(points["short"]) == {1}
    assert sum(points["short"]) < sum(points["page"]) < sum(points["long"])


def test_a_topic_naming_a_document_is_briefed_from_it(summarizer, tmp_path):
    brief = summarizer.topic("mental health in the digest")
    assert brief.citations and {c.source for c in brief.citations} == {PDF}
    assert brief.to_json()["documents_named"] == [PDF]
    assert "> From the document the topic names: LLR five-year plan" in brief.to_markdown()
    write_docx(brief, tmp_path / "digest-brief.docx")
    import docx

    paragraphs = [p.text for p in docx.Document(str(tmp_path / "digest-brief.docx")).paragraphs]
    assert paragraphs[1].startswith("From the document the topic names: LLR five-year plan")


def test_little_coverage_is_said_not_padded(summarizer):
    brief = summarizer.topic("premier league football transfers")
    points = sum(len(s.points) for s in brief.sections) + len(brief.lead) + len(brief.facts)
    assert points < 3 and brief.notice
    assert ("say little" in brief.notice) == (points > 0)
    assert ("don't cover" in brief.notice) == (points == 0)


def test_a_brief_is_written_in_the_format_its_suffix_names(tmp_path):
    from assistant.errors import ConfigError
    from assistant.service import Assistant
    from assistant.summarize import Brief

    brief = Brief("tides", "What the documents say about tides", [], [], [], [],
                  notice="The documents don't cover tides.")
    plain = Assistant.write_brief(brief, tmp_path / "brief")  # no suffix: Markdown
    assert plain.read_text(encoding="utf-8").startswith("# What the documents say")
    for name, fmt in (("brief.pdf", None), ("brief.docx", "md"), ("brief.md", "docx")):
        with pytest.raises(ConfigError, match=r"\.md or \.docx"):
            Assistant.write_brief(brief, tmp_path / name, fmt)
    assert not (tmp_path / "brief.pdf").exists()
    versioned = Assistant.write_brief(brief, tmp_path / "brief-v1.2", "md")  # --format wins
    assert versioned.read_text(encoding="utf-8").startswith("# What the documents say")


def test_a_brief_with_nothing_found_has_no_references_or_readability():
    from assistant.summarize import Brief

    markdown = Brief("tides", "What the documents say about tides", [], [], [], [],
                     notice="The documents don't cover tides.").to_markdown()
    assert "don't cover tides" in markdown
    assert "References" not in markdown and "Readability" not in markdown


def test_public_audience_and_readability(summarizer):
    brief = summarizer.topic("children and young people", "page", "public")
    figures = brief.readability()
    assert figures["words_per_sentence"] > 0 and "flesch_reading_ease" in figures
    assert readability([]) == {"words_per_sentence": 0.0, "flesch_reading_ease": 0.0}


def test_mmr_skips_repeats():
    import numpy as np

    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert mmr(vectors, np.array([0.9, 0.9, 0.5]), 3) == [0, 2]


@pytest.mark.parametrize("topic", ["GP access", "mental health", "health inequalities"])
def test_a_brief_says_each_thing_once_and_only_in_sentences(summarizer, topic):
    """Points and facts never repeat one another in other words ("Pledge 4 concerns access to
    GP services" / "GP access is pledge 4"), and none is a heading, a list's lead-in or a
    figure that only numbers a section."""
    from itertools import combinations

    from assistant.evidence import says_again

    brief = summarizer.topic(topic)
    points = [p.text for p in brief.lead + [p for s in brief.sections for p in s.points]
              + brief.facts]
    assert len(points) >= 5
    assert not [(a, b) for a, b in combinations(points, 2) if says_again(a, b)]
    assert not [p for p in points if p.rstrip(".").endswith(":")]
    assert not [f.text for f in brief.facts if re.fullmatch(r"Section \d+: [^.]*\.", f.text)]


@pytest.mark.parametrize(("sentence", "figure"), [
    ("Across the area, practices delivered 7,881,384 GP appointments in 2024/25.", True),
    ("The hub opens in March.", True),
    ("Section 3: Ensuring access to the right care.", False),
    ("See section 3.2 and pledges 1 and 2 for the details.", False),
    ("Core20PLUS5 shapes the COVID-19 recovery work.", False),
    ("By mid-2026 every town has a hub.", True),
    ("Priority 1: the best start in life; sections 2, 3 and 4 set out the rest.", False),
])
def test_a_figure_is_an_amount_or_a_date_not_a_parts_number(sentence, figure):
    from assistant.summarize import _figure

    assert _figure(sentence) is figure
