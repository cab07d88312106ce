from pathlib import Path

import pytest
from conftest import REALDOCS

from assistant.documents import load_document, page_text, title_from_filename
from assistant.pdf_layout import body_size, heading_style, read_page
from assistant.structure import SECTION_SEPARATOR

PARAGRAPH = ("The board will publish a yearly report on progress. Each partner will name a lead "
             "for the work. Residents will be asked what matters to them before any change. ")


def _pdf(path: Path, draw) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    draw(pdf)
    pdf.output(str(path))
    return path


def _heading(pdf, text: str, size: float = 16, y: float | None = None, x: float = 10) -> None:
    pdf.set_font("Helvetica", "B", size)
    if y is not None:
        pdf.set_xy(x, y)
    pdf.multi_cell(90 if x > 10 else 0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _body(pdf, text: str, y: float | None = None, x: float = 10, width: float = 0) -> None:
    pdf.set_font("Helvetica", size=11)
    if y is not None:
        pdf.set_xy(x, y)
    pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")


def _sections(path: Path) -> list[tuple[int | None, str | None, str]]:
    return [(b.page, b.section, b.text) for b in load_document(path).blocks]


def test_headings_set_larger_name_the_sections_under_a_chapter(tmp_path):
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "OUR PRIORITIES", 24)
        _heading(pdf, "Mental health", 15)
        _body(pdf, PARAGRAPH * 2)
        _heading(pdf, "Workforce", 15)
        _body(pdf, "We will grow our own workforce and use fewer agency staff. " * 6)
        pdf.add_page()
        _body(pdf, "Training places will double by 2027 across every partner. " * 6)

    blocks = _sections(_pdf(tmp_path / "p.pdf", draw))
    assert [(page, section) for page, section, _ in blocks] == [
        (1, f"OUR PRIORITIES{SECTION_SEPARATOR}Mental health"),
        (1, f"OUR PRIORITIES{SECTION_SEPARATOR}Workforce"),
        (2, f"OUR PRIORITIES{SECTION_SEPARATOR}Workforce"),  # a section runs over the page
    ]
    assert blocks[0][2].startswith("OUR PRIORITIES\nMental health\nThe board will publish")


def test_a_heading_written_after_its_text_still_heads_it(tmp_path):
    """Design tools often write a page's headings last; the heading printed above a
    paragraph in its column is its heading, whatever the order in the file."""
    def draw(pdf):
        pdf.add_page()
        _body(pdf, PARAGRAPH * 2, y=40, x=10, width=90)
        _body(pdf, "Waiting lists will be shorter by March 2026 for every clinic. " * 6,
              y=50, x=110, width=90)
        _heading(pdf, "Community care", 15, y=25, x=10)
        _heading(pdf, "Hospital care", 15, y=38, x=110)

    blocks = _sections(_pdf(tmp_path / "late.pdf", draw))
    by_text = {text.split("\n")[0][:20]: section for _, section, text in blocks}
    assert by_text["The board will publi"] == "Community care"
    assert any(section == "Hospital care" and "Waiting lists" in text
               for _, section, text in blocks)


def test_text_above_a_pages_first_heading_stays_in_the_section_before(tmp_path):
    """A footer written first sits below the page's heading; the text at the top of the
    page, with no heading above it, still belongs to the section the last page ended in."""
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "Urgent decisions", 15)
        _body(pdf, PARAGRAPH * 3)
        pdf.add_page()
        _body(pdf, "2 | Funding requests policy", y=280)
        _body(pdf, "Urgent cases will be decided within two working days of the request. " * 4,
              y=20)
        _heading(pdf, "Personal budgets", 15, y=80)
        _body(pdf, "A personal budget is money agreed to meet a person's planned care needs. "
              * 4)

    blocks = _sections(_pdf(tmp_path / "footer.pdf", draw))
    assert [(page, section) for page, section, text in blocks if "Urgent cases" in text] \
        == [(2, "Urgent decisions")]
    assert any(page == 2 and section == "Personal budgets" and "money agreed" in text
               for page, section, text in blocks)


def test_a_page_without_headings_goes_on_under_the_last_heading_read(tmp_path):
    """Two columns, the right one's heading read last; a footer below the left column is
    read after it. The next page carries on the section of the last heading read."""
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "Community care", 15, y=20, x=10)
        _body(pdf, PARAGRAPH * 2, y=30, x=10, width=90)
        _heading(pdf, "Hospital care", 15, y=20, x=110)
        _body(pdf, "Waiting lists will be shorter by March 2026 for every clinic. " * 6,
              y=30, x=110, width=90)
        _body(pdf, "1 | Our plan", y=280, x=10, width=90)
        pdf.add_page()
        _body(pdf, "Outpatient clinics will open on Saturdays from next spring onwards. " * 5)

    blocks = _sections(_pdf(tmp_path / "columns.pdf", draw))
    assert [section for page, section, _ in blocks if page == 2] == ["Hospital care"]


def test_a_sections_short_introduction_is_read_with_its_first_subsection(tmp_path):
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "Information we need", 15)
        _body(pdf, PARAGRAPH * 3)
        _heading(pdf, "Summary of the process", 15)
        _body(pdf, "The rest of this policy sums up the main stages of the process.", width=60)
        _heading(pdf, "Screening", 12)
        _body(pdf, "Each request is screened before it goes to the panel. " * 8)

    blocks = _sections(_pdf(tmp_path / "intro.pdf", draw))
    assert [(section, text.split("\n")[0]) for _, section, text in blocks] == [
        ("Information we need", "Information we need"),
        (f"Summary of the process{SECTION_SEPARATOR}Screening", "Summary of the process"),
    ]


def test_the_page_text_is_unchanged_by_cutting_it_into_sections(tmp_path):
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "Prevention", 18)
        _body(pdf, PARAGRAPH * 2)
        _heading(pdf, "Access", 18)
        _body(pdf, PARAGRAPH * 2)

    path = _pdf(tmp_path / "same.pdf", draw)
    from pypdf import PdfReader

    from assistant.cleaning import clean_text

    extracted = clean_text(PdfReader(str(path)).pages[0].extract_text())
    document = load_document(path)
    assert len(document.blocks) == 2
    assert page_text(document, 1) == extracted


def test_bold_words_opening_a_sentence_are_not_a_heading(tmp_path):
    """A bold run that fills a line and goes on in lower case on the next is an item's
    bold opening, not a heading: the sentence stays in one piece."""
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "Our commitments", 18)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 6, "Embed research into our local", new_x="LMARGIN", new_y="NEXT")
        _body(pdf, "communities by supporting more public involvement in studies. " * 3)
        _body(pdf, PARAGRAPH)

    blocks = _sections(_pdf(tmp_path / "bold.pdf", draw))
    assert [section for _, section, _ in blocks] == ["Our commitments"]
    assert "Embed research into our local\ncommunities by" in blocks[0][2]


def test_short_sections_are_read_with_their_neighbours(tmp_path):
    """A heading over a line or two (an infographic label) makes no chunk of its own."""
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "Starting well", 15)
        _body(pdf, PARAGRAPH * 2)
        _heading(pdf, "A label", 15)
        _body(pdf, "Two words.")
        _heading(pdf, "Ageing well", 15)
        _body(pdf, PARAGRAPH * 2)

    blocks = _sections(_pdf(tmp_path / "short.pdf", draw))
    assert len(blocks) == 2
    assert all(len(text.split()) >= 50 for _, _, text in blocks)


def test_body_size_and_heading_styles_come_from_the_type(tmp_path):
    def draw(pdf):
        pdf.add_page()
        _heading(pdf, "6. Approach and principles", 14)
        _body(pdf, PARAGRAPH * 3)

    from pypdf import PdfReader

    page = PdfReader(str(_pdf(tmp_path / "type.pdf", draw))).pages[0]
    _, lines = read_page(page)
    body = body_size([lines])
    assert body == 11
    assert heading_style(lines[0], body) is not None  # a numbered heading
    assert all(heading_style(line, body) is None for line in lines[1:])


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="needs ../shared/data/realdocs")
def test_real_strategy_pages_get_their_numbered_sections():
    document = load_document(
        REALDOCS / "pdf" / "westsussex__JHWB-strategy-cost-of-living-addendum.pdf")
    sections = {block.page: block.section for block in document.blocks}
    assert sections[6].endswith("6. Approach and principles")
    assert sections[8].endswith("References")


def test_paragraphs_start_at_gaps_moves_and_type_changes_not_at_continued_sentences():
    from assistant.pdf_layout import Line, paragraph_starts

    lines = [
        Line("A first paragraph runs over", 11, False, 50, 700),
        Line("two lines.", 11, False, 50, 687),
        Line("A second after a gap.", 11, False, 50, 650),    # gap wider than the leading
        Line("A box to the right", 11, False, 300, 700),       # moved up and across
        Line("Bold opening words of an item", 11, True, 50, 600),
        Line("go on in plain type.", 11, False, 50, 587),     # continues the sentence
        Line("Small print under it", 8, False, 50, 576),      # another type size
    ]
    assert paragraph_starts(lines) == [True, False, True, True, True, False, True]


def test_a_cover_page_gives_the_title_when_the_metadata_does_not(tmp_path):
    """A cover's largest lines are the title ("Report template" in the metadata is a
    template's); an aside set as large but far below it ("March 2021") stays out. A first
    page with sentences is no cover, and a template's title gives way to the file name."""
    def draw(pdf, cover: bool):
        pdf.set_title("Report template")
        pdf.add_page()
        if cover:
            _heading(pdf, "INTERIM REPORT", 28, y=20)
            _heading(pdf, "Data Driven Healthcare in 2030: Transformation Requirements", 28, y=60)
            _heading(pdf, "March 2021", 28, y=250)
            pdf.add_page()
        _heading(pdf, "Introduction", 16)
        for _ in range(3):
            _body(pdf, PARAGRAPH)

    covered = load_document(_pdf(tmp_path / "cover.pdf", lambda pdf: draw(pdf, True)))
    assert covered.title == "Data Driven Healthcare in 2030: Transformation Requirements"
    plain = load_document(_pdf(tmp_path / "digital-workforce.pdf", lambda pdf: draw(pdf, False)))
    assert plain.title == title_from_filename(Path("digital-workforce.pdf"))  # no template
