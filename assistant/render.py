"""Answers and sources as HTML and Markdown for the chat app and exports.

Everything that came from a document is escaped before any markup is added, so a passage
containing `<script>` or `<b>` shows as literal text. Citation chips link to `#source-t-n`
(answer t of the conversation, source n); the sources panel gives each card that id, and CSS
`:target` highlights the card a chip points at, so no script is needed for the link between
them. The panel keeps every answer's cards, the latest first and the earlier ones folded, so a
chip of an earlier answer still opens its own source (Chromium unfolds the card it jumps to;
elsewhere the fold names the question, to open by hand).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from assistant.answer import MARKER, Answer
from assistant.sources import Source

CSS = """
.pa-chip { display:inline-block; min-width:1.4em; padding:0 .35em; margin:0 .1em;
  border-radius:.7em; background:#1d4ed8; color:#fff !important; font-size:.78em;
  font-weight:600; text-align:center; text-decoration:none !important; line-height:1.5; }
.pa-chip:focus, .pa-chip:hover { outline:2px solid #f59e0b; outline-offset:1px; }
.pa-refusal { border-left:4px solid #b45309; padding:.2em .7em; background:#fffbeb;
  color:#78350f; }
.pa-notice { font-size:.85em; color:#475569; margin-top:.4em; }
.pa-source { border:1px solid #cbd5e1; border-radius:8px; padding:.6em .8em;
  margin-bottom:.7em; background:#fff; color:#0f172a; scroll-margin-top:1em; }
.pa-source:target, .pa-source.pa-active { outline:3px solid #f59e0b; background:#fffbeb; }
.pa-source h4 { margin:0 0 .25em 0; font-size:.95em; }
.pa-meta { font-size:.82em; color:#334155; margin-bottom:.35em; }
.pa-passage { font-size:.9em; white-space:pre-wrap; line-height:1.45; }
.pa-passage mark { background:#fde68a; color:#0f172a; }
.pa-empty { color:#475569; font-style:italic; }
.pa-answer p, .pa-refusal p { margin:.2em 0; }
.pa-list { margin:.3em 0 .3em 1.2em; padding-left:.4em; }
.pa-list li { margin:.15em 0; }
.pa-gap { font-weight:700; }
.pa-earlier { margin:.8em 0 .4em 0; }
.pa-earlier summary { cursor:pointer; color:#334155; font-size:.88em; }
"""


def _card_id(turn: int, number: int | str) -> str:
    return f"source-{turn}-{number}"


def _chip(turn: int, number: str) -> str:
    return (f'<a class="pa-chip" href="#{_card_id(turn, number)}" aria-label="source {number}" '
            f'title="Show source {number}">{number}</a>')


_BULLET_LINE = re.compile(r"^(?:(-)|(\d+)\.|(…)) (.*)$")


def _blocks_html(text: str) -> str:
    """Answer lines as HTML: prose as paragraphs, "- " lines as a bulleted list, "1. " lines
    as numbered steps (the text is already escaped)."""
    out: list[str] = []
    open_tag = ""
    for line in text.split("\n"):
        match = _BULLET_LINE.match(line)
        tag = ("ul" if match.group(1) or match.group(3) else "ol") if match else ""
        if tag != open_tag:
            out.append(f"</{open_tag}>" if open_tag else "")
            out.append(f'<{tag} class="pa-list">' if tag else "")
            open_tag = tag
        if match:
            body = match.group(4) if not match.group(3) else f"… {match.group(4)}"
            out.append(f"<li>{body}</li>")
        elif line.strip():
            out.append(f"<p>{line}</p>")
    if open_tag:
        out.append(f"</{open_tag}>")
    return "".join(out)


def answer_html(answer: Answer, partial: str | None = None, turn: int = 1) -> str:
    """The answer text (or the `partial` text streamed so far, without the notice), escaped,
    with `[n]` turned into chips to the cards of answer `turn`, bullets and steps as lists;
    refusals styled apart."""
    shown = answer.text if partial is None else partial
    text = MARKER.sub(lambda m: _chip(turn, m.group(1)), _blocks_html(html.escape(shown)))
    body = (f'<div class="pa-refusal" role="note">{text}</div>' if not answer.answered
            else f'<div class="pa-answer">{text}</div>')
    if answer.notice and partial is None:
        body += f'<div class="pa-notice">Note: {html.escape(answer.notice)}</div>'
    if (named := answer.named_note()) and partial is None:
        body += f'<div class="pa-notice">{html.escape(named)}</div>'
    return body


def document_link(page: int | None, file_url: str | None) -> str | None:
    if not file_url:
        return None
    return file_url + (f"#page={page}" if page else "")


def _highlight(passage: str, quote_text: str | None) -> str:
    escaped = html.escape(passage)
    if not quote_text:
        return escaped
    target = html.escape(quote_text)
    index = escaped.find(target)
    if index < 0:  # the quote may have had its line breaks joined
        pattern = r"\s+".join(re.escape(w) for w in target.split())
        found = re.search(pattern, escaped)
        if not found:
            return escaped
        index, target = found.start(), found.group(0)
    return f"{escaped[:index]}<mark>{escaped[index:index + len(target)]}</mark>" \
           f"{escaped[index + len(target):]}"


def sources_html(citations: list[Source], links: dict[str, str] | None = None,
                 context: dict[int, tuple[str, str]] | None = None, turn: int = 1,
                 empty: str = "Sources for the answer appear here.") -> str:
    """One card per citation of answer `turn`: title, section, page, passage with the
    supporting sentence marked, and a link that opens the document at that page (or the
    surrounding text)."""
    if not citations:
        return f'<p class="pa-empty">{html.escape(empty)}</p>'
    cards = []
    for citation in citations:
        page = f"page {citation.page}" if citation.page else None
        meta = " · ".join(html.escape(part) for part in
                          (citation.section, page, citation.source) if part)
        link = document_link(citation.page, (links or {}).get(citation.source))
        opener = (f'<a href="{html.escape(link)}" target="_blank" rel="noopener">Open in '
                  f'document{" at " + page if page else ""}</a>' if link else "")
        before, after = (context or {}).get(citation.id, ("", ""))
        around = ""
        if before or after:
            around = ("<details><summary>Surrounding text</summary><div class='pa-passage'>"
                      f"{html.escape(before)}\n<span class='pa-gap'>…</span>\n{html.escape(after)}"
                      "</div></details>")
        cards.append(
            f'<div class="pa-source" id="{_card_id(turn, citation.id)}" tabindex="-1">'
            f'<h4>[{citation.id}] {html.escape(citation.title)}</h4>'
            f'<div class="pa-meta">{meta}</div>'
            f'<div class="pa-passage">{_highlight(citation.text, citation.quote)}</div>'
            f'{opener}{around}</div>')
    return "\n".join(cards)


def conversation_sources_html(turns: list[Answer], links: dict[str, str] | None = None,
                              contexts: list[dict[int, tuple[str, str]]] | None = None) -> str:
    """The sources of every answer of a conversation: the latest answer's cards, then each
    earlier answer's under its question, folded."""
    if not turns:
        return sources_html([])
    groups = []
    for turn in range(len(turns), 0, -1):
        answer = turns[turn - 1]
        cards = sources_html(answer.citations, links, (contexts or [{}] * turn)[turn - 1], turn,
                             empty="No sources: the documents did not answer this.")
        if turn == len(turns):
            groups.append(cards)
        else:
            groups.append(f'<details class="pa-earlier"><summary>Sources for "'
                          f'{html.escape(answer.question)}"</summary>{cards}</details>')
    return "\n".join(groups)


def conversation_markdown(turns: list[Answer]) -> str:
    """A conversation as Markdown with numbered references."""
    lines = ["# Plan Assistant conversation", ""]
    for number, turn in enumerate(turns, start=1):
        lines += [f"## {number}. {turn.question}", "", turn.text, ""]
        if turn.citations:
            lines.append("References:")
            lines += [f"- [{c.id}] {c.reference()}" for c in turn.citations]
            lines.append("")
    return "\n".join(lines)


def file_url(path: str) -> str:
    """Gradio's route for a file inside the app's allowed folders."""
    return "/gradio_api/file=" + quote(path)
