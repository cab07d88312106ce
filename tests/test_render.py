from assistant import render
from assistant.answer import Answer
from assistant.sources import Source

CITATION = Source(1, "corpus/x.pdf", "T <i>", 3, None,
                  "Before <script>alert(1)</script> the <b>bold</b> claim here. After.", 1.0,
                  "the <b>bold</b> claim here.")


def _answer(text: str, answered: bool = True, notice: str | None = None) -> Answer:
    return Answer("Q?", text, answered, [CITATION] if answered else [], "extractive",
                  notice=notice)


def test_answer_html_escapes_text_and_makes_chips():
    html = render.answer_html(_answer("A <b>claim</b> [1].", notice="n <x>"))
    assert "&lt;b&gt;claim&lt;/b&gt;" in html and "<b>" not in html
    assert 'href="#source-1-1"' in html and "&lt;x&gt;" in html
    assert 'href="#source-3-1"' in render.answer_html(_answer("A claim [1]."), turn=3)


def test_partial_answer_shows_the_text_so_far_without_the_notice():
    html = render.answer_html(_answer("A claim [1]. More.", notice="n"), partial="A claim …")
    assert "A claim …" in html and "More." not in html and "pa-notice" not in html


def test_the_documents_a_question_names_are_shown_by_title():
    answer = _answer("A claim [1].")
    answer.named_titles = ["T <i>", "Other"]
    html = render.answer_html(answer)
    assert "Asked of the documents the question names: T &lt;i&gt;; Other" in html
    assert "Asked of" not in render.answer_html(_answer("A claim [1]."))


def test_refusal_is_styled_apart():
    html = render.answer_html(_answer("The documents don't cover this.", answered=False))
    assert 'class="pa-refusal"' in html


def test_sources_escape_passages_and_mark_the_quote():
    html = render.sources_html([CITATION], {"corpus/x.pdf": "/gradio_api/file=/c/x.pdf"},
                               {1: ("prev <p>", "next")})
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>the &lt;b&gt;bold&lt;/b&gt; claim here.</mark>" in html
    assert 'id="source-1-1"' in html and "#page=3" in html and "prev &lt;p&gt;" in html
    assert "T &lt;i&gt;" in html


def test_the_sources_panel_keeps_every_answers_cards_the_latest_first():
    """A chip of an earlier answer opens that answer's card, not the latest answer's."""
    first, second = _answer("A [1]."), _answer("B [1].")
    second.question = "Second?"
    html = render.conversation_sources_html([first, second])
    assert html.index('id="source-2-1"') < html.index('id="source-1-1"')
    assert html.count("<details class=\"pa-earlier\">") == 1 and "Sources for \"Q?\"" in html
    refused = render.conversation_sources_html([_answer("No.", answered=False)])
    assert "did not answer" in refused


def test_conversation_markdown_lists_references():
    markdown = render.conversation_markdown([_answer("A [1].")])
    assert "## 1. Q?" in markdown and "[1] T <i> (corpus/x.pdf, page 3)" in markdown
