import io
import zipfile
from pathlib import Path

import pytest
from conftest import REALDOCS, make_pdf

from assistant.cleaning import restore_slipped_letters, slipped_letters
from assistant.documents import decode_text, load_document
from assistant.errors import DocumentError
from assistant.lexicon import is_word


def test_pdf_pages_are_one_based_and_running_lines_dropped(tmp_path):
    path = make_pdf(tmp_path / "d.pdf", ["Alpha page text here.", "Beta page text here.",
                                         "Gamma page text here."],
                    title="Digest title", header="Running header line")
    doc = load_document(path)
    assert doc.kind == "pdf" and doc.pages == 3 and doc.title == "Digest title"
    assert [b.page for b in doc.blocks] == [1, 2, 3]
    assert "Beta page" in doc.blocks[1].text
    assert all("Running header" not in b.text and "of 3" not in b.text for b in doc.blocks)


def test_pdf_title_falls_back_to_file_name(tmp_path):
    doc = load_document(make_pdf(tmp_path / "my_plan-2024.pdf", ["Some words on a page."]))
    assert doc.title == "My plan 2024"


def test_blank_pdf_page_is_a_warning_not_a_failure(tmp_path):
    doc = load_document(make_pdf(tmp_path / "gap.pdf", ["First page words.", "", "Third."]))
    assert [b.page for b in doc.blocks] == [1, 3]
    assert [w.page for w in doc.warnings] == [2]
    assert "no extractable text" in doc.warnings[0].warning


def test_markdown_headings_become_sections(tmp_path):
    path = tmp_path / "m.md"
    path.write_text("# Title here\n\nIntro **bold** [link](http://x).\n\n## Mental health\n\n"
                    "Eight teams.\n\n```\n# not a heading\n```\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Title here"
    assert [(b.section, b.text) for b in doc.blocks] == [
        ("Title here", "Intro bold link."), ("Mental health", "Eight teams.\n\n# not a heading")]


def test_markdown_blockquote_markers_are_not_text(tmp_path):
    path = tmp_path / "q.md"
    path.write_text("# Title\n\n> **Note.** Quoted words here.\n>\n> > Nested too.\n",
                    encoding="utf-8")
    assert load_document(path).blocks[0].text == "Note. Quoted words here.\n\nNested too."
    kept = tmp_path / "k.md"
    kept.write_text("# Title\n\n>50% of adults are overweight.\n\n```\n> ls -la\n```\n",
                    encoding="utf-8")
    assert load_document(kept).blocks[0].text == ">50% of adults are overweight.\n\n> ls -la"


def test_bold_lines_of_converted_markdown_are_headings(tmp_path):
    """PDF-to-Markdown converters write headings as bold lines: one broken over two lines is
    one heading; page references, run-in labels and sentences are not headings; a scrap of a
    section under a guessed heading is read with its neighbour."""
    body = " ".join(f"Word{i}" for i in range(60)) + "."
    path = tmp_path / "converted.md"
    path.write_text(f"**Our plan **\n\n**for 2025 **\n\n{body}\n\n**p.8**\n\n"
                    f"**Key actions:**\n\n**This line is bold and a sentence.**\n\n"
                    f"**Workforce**\n\n{body}\n\n**Cell**\n\nTwo words.\n", encoding="utf-8")
    doc = load_document(path)
    assert [b.section for b in doc.blocks] == ["Our plan for 2025", "Workforce"]
    assert doc.blocks[0].text.startswith("Our plan\n\nfor 2025\n\nWord0")
    assert "Key actions:" in doc.blocks[0].text and "Two words." in doc.blocks[1].text


def test_run_in_bold_headings_of_converted_markdown_open_subsections(tmp_path):
    """A bold phrase opening a paragraph is a heading run into its text, one level below a
    bold line, also where the converter ran it into the paragraph before (after no full
    stop) and broke its bold at a line end; a bold sentence, a bold phrase after a full stop
    and a bold list number stay text."""
    body = " ".join(f"Word{i}" for i in range(60)) + "."
    path = tmp_path / "guidance.md"
    path.write_text(
        f"**Delivering our priorities**\n\n**Reduce the time people wait for elective care** "
        f"NHS England has published a plan. {body}\n\n• improving productivity in pathways "
        f"**Improve A&E waiting times and** **ambulance response times** Urgent care is "
        f"far from where it should be. {body}\n\nThis has 2 parts. **First, we must get** "
        f"Providers must act. **We will change how we work. **We start now. **3. **For "
        f"all.\n\n**Live within our means**\n\n{body}\n", encoding="utf-8")
    doc = load_document(path)
    assert [b.section for b in doc.blocks] == [
        "Delivering our priorities › Reduce the time people wait for elective care",
        "Delivering our priorities › Improve A&E waiting times and ambulance response times",
        "Live within our means"]
    assert "elective care\n\nNHS England has published a plan." in doc.blocks[0].text
    assert doc.blocks[0].text.rstrip().endswith("• improving productivity in pathways")
    assert doc.blocks[1].text.startswith(
        "Improve A&E waiting times and ambulance response times\n\nUrgent care is far")
    assert "This has 2 parts. First, we must get Providers must act. We will change how we " \
        "work. We start now. 3. For all." in doc.blocks[1].text


def test_bold_labels_names_and_markers_are_not_run_in_headings(tmp_path):
    """A bold label after a list marker, a quote's or a table's, a bold name after a function
    word and a bold phrase inside code stay text; a run-in heading opening the document
    does not become its title; a line of many run-in headings reads them all."""
    path = tmp_path / "urgent-care-recovery-plan-2025.md"
    many = " ".join(f"pathway{i} **Heading number {i}** Text {i} follows here." for i in range(400))
    path.write_text(
        "**Urgent care** NHS England has published a plan.\n\n***\n\n* * *\n\n"
        "**By March 2026** ICBs will have agreed plans.\n\n"
        "1) **Prevention** Cut smoking.\n\n(a) **Housing** Build homes.\n\n"
        "Waits fell by 5% **Improve A&E waiting** Urgent "
        "care is far behind.\n\n*We will be the best city *\n\n"
        "- **Prevention** Cut smoking rates.\n\n> **Case study** Mrs Smith went home.\n\n"
        "| Planned care | **Elective care** Reduce waits |\n\n"
        "We will work with **NHS England** North West and partners.\n\n"
        "**Costs** Budget is 2 \\* 3 units.\n\n"
        "```\nx = a * b \\(kept\\) ** y\n```\n\n"
        "* cut waiting times\n* recruit nurses\n\n" + many + "\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Urgent care recovery plan 2025"
    text = "\n".join(b.text for b in doc.blocks)
    assert "*\n" not in text and "Waits fell by 5%\nImprove A&E waiting\n\nUrgent" in text
    for kept in ("- Prevention Cut smoking rates.", "Case study Mrs Smith went home.",
                 "1) Prevention Cut smoking.", "(a) Housing Build homes.",
                 "By March 2026 ICBs will have agreed plans.",
                 "We will be the best city\n",
                 "Planned care | Elective care Reduce waits",
                 "We will work with NHS England North West and partners.",
                 "Costs\n\nBudget is 2 * 3 units.", "x = a * b \\(kept\\) ** y",
                 "* cut waiting times\n* recruit nurses"):
        assert kept in text, kept
    assert "pathway399\nHeading number 399\n\nText 399 follows here." in text
    sections = [b.section for b in doc.blocks]
    assert not {"Prevention", "Case study", "Elective care", "NHS England"} & set(sections)


def test_markdown_escapes_stand_for_the_character_and_stray_asterisks_go(tmp_path):
    path = tmp_path / "escaped.md"
    path.write_text("# Plans\n\nThe Department \\(DHSC\\) will issue guidance \\[1\\] "
                    "to 5\\+ teams; a\\\\b stays one backslash, 2 \\* 3 an asterisk.\n\n"
                    "Far from an acceptable position *. * NHS England will act** * * by * * "
                    "working with systems.\n\nGP Providers* and figures marked (*) keep their "
                    "marks (*) twice; *this* does not. It goes on by: * *\n", encoding="utf-8")
    assert [b.text for b in load_document(path).blocks] == [
        "The Department (DHSC) will issue guidance [1] to 5+ teams; a\\b stays one backslash, "
        "2 * 3 an asterisk.\n\nFar from an acceptable position. NHS England will act by "
        "working with systems.\n\nGP Providers* and figures marked (*) keep their marks (*) "
        "twice; this does not. It goes on by:"]


def test_converted_markdown_title_is_its_cover_not_a_later_heading(tmp_path):
    """A converter splits a cover title over bold lines and heading levels: the title is all
    of it, not the one "#" heading among them ("Framework") or one found pages later; an
    outline's first subheading is not part of it, and a "# " heading is the title alone. An
    empty bold line ("** **") does not end the cover."""
    body = " ".join(f"Word{i}" for i in range(60)) + "."
    split = tmp_path / "medium-term.md"
    split.write_text(f"**Medium Term **\n\n** **\n\n**Planning **\n\n## **Framework **\n\n"
                     f"### delivering change together\n\n2026/27 to 2028/29\n\n{body}\n",
                     encoding="utf-8")
    assert load_document(split).title == "Medium Term Planning Framework"
    later = tmp_path / "leeds.md"
    later.write_text(f"**The Leeds Health **\n\n**and Wellbeing Strategy **\n\n{body}\n\n"
                     f"# part of a range of organisations\n\n{body}\n", encoding="utf-8")
    assert load_document(later).title == "The Leeds Health and Wellbeing Strategy"
    marked = tmp_path / "draft.md"
    marked.write_text(f"**Draft**\n\n# Our plan\n\n## Introduction\n\n{body}\n", encoding="utf-8")
    assert load_document(marked).title == "Our plan"


def test_a_heading_broken_over_lines_and_levels_is_one_section(tmp_path):
    """A converter breaks a long heading over lines and gives each its own level: a line
    that opens in lower case carries on a heading that stops on a function word (or opens on
    one itself, or follows a line that did), and a page number set as a heading ("## p.12")
    is skipped. A bold line that carries one on stays in the text, as bold headings do.
    List markers, hyphenated words and whole headings in lower case stay headings of
    their own, and so does a "#" heading in lower case after text."""
    body = " ".join(f"Word{i}" for i in range(60)) + "."
    path = tmp_path / "guidance.md"
    path.write_text(
        f"# Guidance\n\n{body}\n\n## **Resetting the **\n\n## **p.12**\n\n"
        f"### **foundations: a **\n\n**new operating **\n\n## **model**\n\n{body}\n\n"
        f"**Mental health, learning disabilities **\n\n## **and autism**\n\n{body}\n\n"
        f"## Priority 1\n\n{body}\n\n### i. Reduce smoking\n\n{body}\n\n"
        f"## Training\n\n### e-learning modules\n\n{body}\n\n## P1\n\n{body}\n\n"
        f"## **and autism**\n\n{body}\n", encoding="utf-8")
    blocks = load_document(path).blocks
    assert [b.section for b in blocks] == [
        "Guidance", "Resetting the foundations: a new operating model",
        "Resetting the foundations: a new operating model › Mental health, learning "
        "disabilities and autism", "Priority 1",
        "Priority 1 › i. Reduce smoking", "Training › e-learning modules", "P1", "and autism"]
    assert blocks[1].text.startswith("new operating\n\nWord0")
    assert blocks[2].text.startswith("Mental health, learning disabilities\n\nand autism\n")
    title = tmp_path / "plan.md"
    title.write_text(f"**Draft**\n\n# Our plan for\n\n## mental health\n\n{body}\n",
                     encoding="utf-8")
    assert load_document(title).title == "Our plan for mental health"


@pytest.mark.parametrize(("name", "text", "title"), [
    ("plan.md", "**OFFICIAL**\n\n## Our Plan for Health\n\n{body}\n", "Our Plan for Health"),
    ("health_plan.md", "**Contents**\n\n- One\n- Two\n\n# Our Health Plan\n\n{body}\n",
     "Our Health Plan"),
    ("strategy.md", "**Our Strategy**\n\n## Contents\n\n## Introduction\n\n{body}\n",
     "Our Strategy"),
    ("doc.md", "**Key figures**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n# Real Title\n\n{body}\n",
     "Real Title"),
    ("fit-for-the-future.md", "**FIT FOR **\n\n**THE FUTURE**\n\n10 Year Health Plan\n\n{body}\n",
     "FIT FOR THE FUTURE"),
    ("ten-year-plan.md", "**FIT FOR **\n\n**THE FUTURE**\n\n10 Year Health Plan\n\n{body}\n",
     "Ten year plan"),
])
def test_a_cover_is_the_title_only_when_it_names_the_file_better(tmp_path, name, text, title):
    """A marking, a contents list or a table's caption opening a file is no title: the cover
    wins over the first "#" heading (or the file's name) only by naming the file better."""
    path = tmp_path / name
    path.write_text(text.format(body=" ".join(f"Word{i}" for i in range(60)) + "."),
                    encoding="utf-8")
    assert load_document(path).title == title


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252",
                                      "latin-1"])
def test_text_encodings_are_detected(tmp_path, encoding):
    text = "Café plan – costs £3m for the city’s practices" if encoding != "latin-1" \
        else "Café plan costs £3m for the city practices"
    path = tmp_path / "t.txt"
    # Python's "utf-16" writes a byte-order mark; Windows' "Unicode" big-endian files have one
    path.write_bytes((("\ufeff" if encoding == "utf-16-be" else "") + text).encode(encoding))
    assert load_document(path).blocks[0].text == text


def test_decode_text_never_fails_on_binary_noise():
    assert isinstance(decode_text(bytes(range(256)) * 4), str)


def test_html_drops_scripts_and_styles_and_keeps_sections(tmp_path):
    path = tmp_path / "p.html"
    path.write_text("<html><head><title>Page title</title><style>.x{}</style></head><body>"
                    "<h1>Places</h1><p>About 1.1 million people.</p><script>alert(1)</script>"
                    "<h2>Table</h2><table><tr><td>A</td><td>1</td></tr></table></body></html>")
    doc = load_document(path)
    assert doc.title == "Page title"
    assert [(b.section, b.text) for b in doc.blocks] == [
        ("Places", "About 1.1 million people."), ("Table", "A | 1")]


def test_docx_headings_and_tables(tmp_path):
    import docx

    word = docx.Document()
    word.core_properties.title = "Word plan"
    word.add_heading("Pledges", level=1)
    word.add_paragraph("We will improve access to GP practices.")
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Pledge 4", "GP access"
    word.save(tmp_path / "w.docx")
    doc = load_document(tmp_path / "w.docx")
    assert doc.title == "Word plan" and doc.kind == "docx"
    assert doc.blocks[0].section == "Pledges"
    assert "Pledge 4 | GP access" in doc.blocks[0].text


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.pdf", b"", "empty file"),
    ("spaces.txt", b"  \n\n ", "empty file"),
    ("zip.pdf", _zip_bytes(), "starts with PK"),
    ("html.pdf", b"<html>not a pdf</html>", "not a PDF"),
    ("junk.pdf", b"\x00\x01garbage", "no %PDF header"),
    ("bad.docx", b"not a zip at all", "not a valid DOCX"),
    ("image.png", b"\x89PNG", "unsupported file type"),
])
def test_unreadable_files_raise_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        load_document(path)


def test_truncated_pdf_is_reported(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", ["Some text on page one.", "More on page two."])
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[:300])
    with pytest.raises(DocumentError, match=r"damaged or truncated PDF|no extractable text"):
        load_document(cut)


def test_pdf_with_user_password_is_reported(tmp_path):
    from pypdf import PdfReader, PdfWriter

    good = make_pdf(tmp_path / "good.pdf", ["Secret text."])
    writer = PdfWriter()
    for page in PdfReader(good).pages:
        writer.add_page(page)
    writer.encrypt(user_password="pw", owner_password="owner")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(DocumentError, match="encrypted PDF: no password"):
        load_document(tmp_path / "locked.pdf")


def test_symlink_loop_and_folder_named_like_a_file_are_reported(tmp_path):
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(loop)
    with pytest.raises(DocumentError, match="cannot read file"):
        load_document(loop)
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(DocumentError, match="cannot read file"):
        load_document(tmp_path / "folder.txt")


REAL_PDFS = sorted((REALDOCS / "pdf").glob("*.pdf")) if REALDOCS.is_dir() else []


@pytest.mark.realdocs
@pytest.mark.skipif(not REAL_PDFS, reason="../shared/data/realdocs is not present")
@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.name[:40])
def test_real_pdfs_every_page_yields_text_or_a_warning(path: Path):
    from pypdf import PdfReader

    doc = load_document(path)
    expected_pages = len(PdfReader(path).pages)
    assert doc.pages == expected_pages
    covered = {b.page for b in doc.blocks} | {w.page for w in doc.warnings}
    assert covered == set(range(1, expected_pages + 1))
    assert len(doc.blocks) >= expected_pages * 0.8
    reader = PdfReader(path)
    pages = [page.extract_text() for page in reader.pages]
    misread = slipped_letters("\n".join(pages), is_word)  # letters the font printed as quotes
    for block in doc.blocks:  # each block's text really is on that page
        raw = restore_slipped_letters(pages[block.page - 1], misread, is_word)
        probe = max(block.text.split(), key=len)
        assert probe.replace("-", "") in raw.replace("-\n", "").replace("-", "")
