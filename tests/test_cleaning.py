import pytest

from assistant.cleaning import (
    clean_text,
    garbled_reason,
    lost_ligatures,
    mend_converted_text,
    restore_ligatures,
    restore_slipped_letters,
    slipped_letters,
    strip_running_lines,
)
from assistant.documents import load_document
from assistant.lexicon import is_word


def test_clean_text_joins_hyphenated_words_and_normalises_space():
    raw = "The inte-\ngrated  care\tboard\u00a0met.\r\n\r\n\r\n\r\nNext   paragraph.  "
    assert clean_text(raw) == "The integrated care board met.\n\nNext paragraph."


def test_clean_text_shortens_dot_leaders_and_drops_control_characters():
    assert clean_text("Contents ........ 4\x07") == "Contents … 4"


def test_clean_text_drops_lines_that_only_number_the_page():
    raw = ("Page 4\nWEST SUSSEX CONTEXT\nWest Sussex has Page 4 in a sentence.\nPAGE 12 OF 30"
           "\nPage\u00a0 7\nKey dates are on\npage 9\nof the report.")
    assert clean_text(raw) == ("WEST SUSSEX CONTEXT\nWest Sussex has Page 4 in a sentence.\n"
                               "Key dates are on\npage 9\nof the report.")


@pytest.mark.parametrize("text", ["", " ", "\n\n", "é", "日本語のテキスト"])
def test_clean_text_edge_inputs_do_not_fail(text):
    assert clean_text(text) == text.strip()


def test_strip_running_lines_removes_repeated_header_and_numbered_footer():
    topics = ["prevention", "access", "elective care", "mental health", "workforce"]
    pages = [f"LLR plan digest\nThis page is about {t}.\nPage {i} of 5"
             for i, t in enumerate(topics, start=1)]
    cleaned = strip_running_lines(pages)
    assert cleaned == [f"This page is about {t}." for t in topics]


def test_strip_running_lines_keeps_short_documents_and_unique_lines():
    assert strip_running_lines(["a\nb", "a\nc"]) == ["a\nb", "a\nc"]
    pages = ["Intro\nalpha", "Method\nbeta", "Results\ngamma"]
    assert strip_running_lines(pages) == pages


@pytest.mark.parametrize(("text", "expected"), [
    ("/two.tab /zero.tab /one.tab /three.tab /g12 /g13 /uni00A0 word " * 3, "glyph names"),
    ("(cid:3)(cid:4) (cid:5) (cid:7) (cid:9) (cid:1) text " * 3, "glyph names"),
    ("Ã© is what cafÃ© looks like; Ã¨ and Ã¢ and â€™ everywhere here " * 2, "mojibake"),
    ("12 | 34.5 | 67 | 89 | ## | %% | 99.1 | 42 | 17 | 3.14 | 2.71 | 1.41 | ---", "non-letters"),
])
def test_garbled_reason_flags_garbage(text, expected):
    reason = garbled_reason(text)
    assert reason is not None and expected in reason


def test_garbled_reason_accepts_prose_with_urls_and_figures():
    prose = ("The ICB Board approved the plan on 13 July 2023 (see https://example.nhs.uk/about/"
             "plan.html and/or the summary). Around 1.1 million people live in LLR.")
    assert garbled_reason(prose) is None


BROKEN = ("We wil col aborate with al partners to build skil s, and wil fol ow up annual y; "
          "the model ing was chal enging but wel received by local and national teams.")


def test_lost_ligatures_needs_the_broken_words_again_and_again_and_no_whole_ones():
    assert lost_ligatures(BROKEN)
    assert not lost_ligatures("We will work with all partners as well as local teams.")
    assert not lost_ligatures(BROKEN + " We will also do more, as will all of them, as well.")


def test_restore_ligatures_joins_or_doubles_only_where_that_makes_a_word():
    assert restore_ligatures(BROKEN, is_word) == (
        "We will collaborate with all partners to build skills, and will follow up annually; "
        "the modelling was challenging but well received by local and national teams.")


def test_restore_ligatures_keeps_words_that_end_in_l():
    text = "financial al ocations at national level for the hospital to use"
    assert restore_ligatures(text, is_word) == (
        "financial allocations at national level for the hospital to use")


def test_restore_ligatures_mends_a_broken_word_before_a_stop_and_leaves_whole_words():
    text = "As a minimum, we expect that plans wil : set out the evidence; as we wil ."
    assert restore_ligatures(text, is_word) == (
        "As a minimum, we expect that plans will: set out the evidence; as we will.")
    kept = "the hospital, the council . Patel : Tel : 0113 , Dr Gil ."  # names, contacts
    assert restore_ligatures(kept, is_word) == kept


# A font that printed "g" as a closing quote and "f" as an opening one (as one of the West
# Sussex strategies does), next to quotes, possessives and names that are what they seem.
MISREAD = ("Our Strate’y aims to ali’n local plans in-order to ensure a coherent approach to "
           "meetin’ the needs o‘ our residents and a more e‘‘icient use o‘ resources, includin’ "
           "the ‘front door’ to Trans‘ormation. It’s the carers’ and O’Neill’s view. "
           "STRATE’Y: Sa‘e’uardin’ at meetin’s, the dentists’ Date‘ and rock ’n’ roll.")
QUOTED = ("It’s the ‘front door’ to care, the carers’ view and the residents’ voice, as "
          "O’Neill said: ‘we’ll listen’. Our ‘Start Well’ theme and the patients’ ‘charter’.")


def test_slipped_letters_are_found_only_where_whole_words_prove_them():
    assert slipped_letters(MISREAD, is_word) == {"’": "g", "‘": "f"}
    assert slipped_letters(QUOTED, is_word) == {}


def test_restore_slipped_letters_mends_words_and_leaves_quotes_possessives_and_names():
    assert restore_slipped_letters(MISREAD, {"’": "g", "‘": "f"}, is_word) == (
        "Our Strategy aims to align local plans in-order to ensure a coherent approach to "
        "meeting the needs of our residents and a more efficient use of resources, including "
        "the ‘front door’ to Transformation. It’s the carers’ and O’Neill’s view. "
        "STRATEGY: Safeguarding at meetings, the dentists’ Date‘ and rock ’n’ roll.")


def test_a_document_whose_font_misread_letters_loads_with_them(tmp_path):
    path = tmp_path / "strategy.md"
    path.write_text(f"# Our strate’y\n\n{MISREAD}\n", encoding="utf-8")
    document = load_document(path)
    text = "\n".join(block.text for block in document.blocks)
    assert "ali’n" not in text and "to align local plans" in text
    assert document.blocks[0].section == "Our strategy" and document.title == "Our strategy"


def test_a_document_that_lost_its_ligatures_loads_with_them(tmp_path):
    path = tmp_path / "guide.md"
    path.write_text(f"# Col aborative planning\n\n{BROKEN}\n", encoding="utf-8")
    document = load_document(path)
    text = "\n".join(block.text for block in document.blocks)
    assert "will collaborate with all partners" in text and " wil " not in text
    assert all("Col aborative" not in (block.section or "") for block in document.blocks)


def _paged(*pages: str) -> str:
    """Pages as a PDF converter runs them together: number, blank lines, running head."""
    head = "2025/26 planning guidance for systems"
    return "".join(f"{page} {n}\n\n\n{head} " if n < len(pages) else page
                   for n, page in enumerate(pages, start=1))


def test_mend_converted_text_drops_heads_and_numbers_and_mends_cut_sentences():
    text = _paged("Intro. NHS England will transfer", "a higher share of funding.",
                  "**Next steps**", "We will publish the cancer 62-", "day standard.")
    assert mend_converted_text(text) == (
        "Intro. NHS England will transfer a higher share of funding.\n\n\n**Next steps**"
        "\n\n\nWe will publish the cancer 62-day standard.")


def test_mend_converted_text_needs_the_head_on_several_pages():
    text = _paged("We will act", "now and later.")
    assert mend_converted_text(text) == text
    plain = "Our aims for 2025 are 3\n\nWe will act now.\n\nWe will act now and again.\n"
    assert mend_converted_text(plain) == plain


def test_mend_converted_text_joins_running_text_cut_at_a_paragraph_break():
    cut = "A growing number of patients are facing waits of 12 \n\nhours or more. Next."
    assert mend_converted_text(cut) == (
        "A growing number of patients are facing waits of 12 hours or more. Next.")
    item = "- an item of a list that a page cut off before its\r\n\r\nlast few words."
    assert mend_converted_text(item) == (
        "- an item of a list that a page cut off before its last few words.")
    kept = ("# Our aims for the health of the city\n\nwe begin here.\n\n"
            "| a table row of the plan with many cells in it | and another\n\nlower text.\n\n"
            "Short label\n\nlower text.\n\nA whole sentence that ends with its stop.\n\nand more."
            "\n\n```\nfor item in the many things of the plan we go on\n\nprint(item)\n```\n")
    assert mend_converted_text(kept) == kept


def test_mend_converted_text_joins_prose_cut_mid_phrase_before_a_capital():
    """"... in line with the NHS" "Operating Model, will ...": a long line of prose that stops
    after an article's name or a function word goes on, even before a capital."""
    prose = ("NHS England has already made large savings. It will go further this year, and "
             "it will do the same work in line with the NHS")
    cut = f"{prose}\n\nOperating Model, will again become a smaller organisation this year."
    assert mend_converted_text(cut) == (
        f"{prose} Operating Model, will again become a smaller organisation this year.")
    ended = ("Each system will set out how its plans both stand alone and integrate into the "
             "wider plans for the whole of its area and for everyone working in the NHS")
    kept = [f"{ended}\n\nReduce waiting times for planned care across the whole area.",  # an
            # item that lost its bullet and stop: one sentence, no cut inside a paragraph
            f"{prose}\n\nOperating Model and how it will be run day to day\n=====\n\nText.",
            f"{prose}\n\n# Operating Model and how the plan will be run",
            f"{prose}\n\n- Operating Model teams will be set up in every place this year.",
            "A short line ending with the NHS\n\nOperating Model, will again become smaller."]
    for text in kept:
        assert mend_converted_text(text) == text


def test_mend_converted_text_leaves_headings_that_share_their_first_words():
    text = "".join(f"## Priority {n}\n\nThe ICB will work with partners on area {n}.\n\n"
                   for n in range(1, 5))
    assert mend_converted_text(text) == text


def test_clean_text_spells_out_typographic_ligatures():
    assert clean_text("\ufb01nancial e\ufb00ort, \ufb02ow and a\ufb03liated sta\ufb00") == \
        "financial effort, flow and affiliated staff"
