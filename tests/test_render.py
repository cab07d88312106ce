from assistant import render

CITATION = {"id": 1, "source": "corpus/x.pdf", "title": "T <i>", "page": 3, "section": None,
            "text": "Before <script>alert(1)</script> the <b>bold</b> claim here. After.",
            "score": 1.0, "quote": "the <b>bold</b> claim here."}


def test_answer_html_escapes_text_and_makes_chips():
    html = render.answer_html({"answer": "A <b>claim</b> [1].", "answered": True,
                               "notice": "n <x>"})
    assert "&lt;b&gt;claim&lt;/b&gt;" in html and "<b>" not in html
    assert 'href="#source-1"' in html and "&lt;x&gt;" in html


def test_refusal_is_styled_apart():
    html = render.answer_html({"answer": "The documents don't cover this.", "answered": False})
    assert 'class="pa-refusal"' in html


def test_sources_escape_passages_and_mark_the_quote():
    html = render.sources_html([CITATION], {"corpus/x.pdf": "/gradio_api/file=/c/x.pdf"},
                               {1: ("prev <p>", "next")})
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>the &lt;b&gt;bold&lt;/b&gt; claim here.</mark>" in html
    assert 'id="source-1"' in html and "#page=3" in html and "prev &lt;p&gt;" in html
    assert "T &lt;i&gt;" in html


def test_conversation_markdown_lists_references():
    turn = {"question": "Q?", "answer": "A [1].", "citations": [CITATION]}
    markdown = render.conversation_markdown([turn])
    assert "## 1. Q?" in markdown and "[1] T <i> (corpus/x.pdf, page 3)" in markdown
