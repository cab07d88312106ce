"""The Gradio app: chat with cited answers, a sources panel, and the document library.

`build_app` only builds the Blocks; `launch` (used by `plan-assistant serve`) starts it. All
answers come from the shared `Assistant`, so the app, the CLI and the `/ask` API agree.
Queue: answers run at most two at a time (`ANSWER_CONCURRENCY`); on two cores more parallel
embedding only slows each answer, and the queue keeps the rest waiting in order.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import html
import json
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from assistant import render
from assistant.errors import PlanAssistantError
from assistant.service import Answer, Assistant, Commitment, Source

ANSWER_CONCURRENCY = 2
STARTERS = [
    "When was the five-year plan approved?",
    "What is the plan doing about mental health?",
    "What is Core20PLUS5?",
    "Where is the second community diagnostic centre being built?",
    "What are the plan's pledges on GP access?",
]
ADMINS_ONLY = "Only administrators can change the library."
ANY = "All"
REGISTER_HEADERS = ["#", "What", "Who", "When", "Deadline", "Strength", "Document", "Page"]
REGISTER_WIDTHS = ["5%", "33%", "10%", "11%", "11%", "9%", "14%", "7%"]
LIBRARY_WIDTHS = ["26%", "8%", "7%", "8%", "13%", "16%", "22%"]
NO_ROW = "Select a row to see the sentence it comes from."
FILES_HOURS = 24  # how long Gradio keeps the files the app hands out (a download
# button on a page left open longer needs the page reloaded)


class AppState:
    """What the event handlers share: the assistant, who may edit, and the feedback log."""

    def __init__(self, assistant: Assistant, admins: set[str] | None) -> None:
        self.assistant = assistant
        self.admins = admins  # None: no authentication, everyone may edit
        self.write_lock = threading.Lock()
        self._files = Path(tempfile.mkdtemp(prefix="plan-assistant-"))  # this app's own
        atexit.register(shutil.rmtree, self._files, ignore_errors=True)

    def scratch(self) -> Path:
        """A new folder for files the app hands out (exports, briefs, register downloads),
        in this app's private temporary folder; those older than an hour go first (Gradio
        serves its own copy of each, which it keeps for FILES_HOURS)."""
        self._files.mkdir(parents=True, exist_ok=True)  # a cleaner of /tmp may have taken it
        stale = time.time() - 3600
        for old in self._files.iterdir():
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < stale:
                    shutil.rmtree(old)
        return Path(tempfile.mkdtemp(dir=self._files))

    @property
    def settings(self):
        return self.assistant.settings

    def may_edit(self, request: gr.Request | None) -> bool:
        if self.admins is None:
            return True
        return bool(request and request.username in self.admins)

    def documents(self) -> list[list]:
        try:
            docs = self.assistant.documents.values()
        except PlanAssistantError:
            return []
        return [[d.title, d.kind, d.pages, d.chunks, d.ingested_at[:16].replace("T", " "),
                 "; ".join(f"p.{w['page']}: {w['warning']}" if w["page"] else w["warning"]
                           for w in d.warnings), d.source] for d in docs]

    def document_choices(self) -> list[tuple[str, str]]:
        return [(f"{row[0]} ({row[6]})", row[6]) for row in self.documents()]

    def links(self) -> dict[str, str]:
        """Served links for PDFs inside the corpus folder (the only files the app serves)."""
        corpus = self.settings.corpus.resolve()
        links = {}
        for source in self.assistant.documents:
            path = (self.settings.root / source).resolve()
            if path.suffix.lower() == ".pdf" and path.is_relative_to(corpus) and path.is_file():
                links[source] = render.file_url(str(path))
        return links

    def context(self, answer: Answer) -> dict[int, tuple[str, str]]:
        """Neighbouring passages of each citation (none when the library changed since)."""
        return {citation.id: around for citation in answer.citations
                if citation.hit and (around := self.assistant.surroundings(citation.hit))}

    def log_feedback(self, entry: dict) -> None:
        if not self.settings.feedback_enabled:
            return
        path = Path(self.settings.feedback_log)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.write_lock, path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def respond(state: AppState, question: str, chat: list, turns: list[Answer],
            sources: list[str], k: int, backend: str | None):
    """Answer one chat message, streaming the text in, then show chips and sources (every
    answer's, so that an earlier answer's chips still open its own) and ready the export."""
    question = (question or "").strip()
    if not question:
        gr.Info("Type a question first, or pick a starter question.")
        yield chat, gr.update(), turns, "", gr.update()
        return
    chat = [*chat, {"role": "user", "content": html.escape(question)}]
    try:
        answer = state.assistant.ask(question, int(k), sources=sources or None,
                                     backend=backend or None,
                                     history=[t.query or t.question for t in turns])
    except PlanAssistantError as exc:
        chat.append({"role": "assistant", "content": f"⚠️ {html.escape(str(exc))}"})
        yield chat, gr.update(), turns, "", gr.update()
        return
    turn = len(turns) + 1
    words = answer.text.split(" ")
    step = max(1, len(words) // 8)
    for end in range(step, len(words), step):
        partial = render.answer_html(answer, partial=" ".join(words[:end]) + " …", turn=turn)
        yield [*chat, {"role": "assistant", "content": partial}], gr.update(), turns, "", \
            gr.update()
        time.sleep(0.03)
    chat.append({"role": "assistant", "content": render.answer_html(answer, turn=turn)})
    turns = [*turns, answer]
    panel = render.conversation_sources_html(turns, state.links(),
                                             [state.context(t) for t in turns])
    yield chat, panel, turns, "", export_conversation(state, turns)


def _turn_of(chat: list, turns: list[Answer], index: int) -> Answer | None:
    """The answer behind chat message `index` (the chat as Gradio hands it to an event), or
    None when that message is no answer (a question, an error)."""
    if not 0 <= index < len(chat) or not _is_answer(chat[index]):
        return None
    answers = sum(1 for message in chat[:index + 1] if _is_answer(message))
    return turns[answers - 1] if answers <= len(turns) else None


def _is_answer(message: dict) -> bool:
    """An assistant message that is not an error ("⚠️ …"). Gradio hands a message's content
    over as a list of parts ([{"text": …, "type": "text"}]) or as the text itself."""
    content = message.get("content")
    parts = content if isinstance(content, list) else [content]
    text = "".join(part.get("text") or "" if isinstance(part, dict) else str(part or "")
                   for part in parts)
    return message.get("role") == "assistant" and not text.startswith("⚠️")


def record_feedback(state: AppState, turns: list[Answer], comment: str,
                    event: gr.LikeData | None = None, chat: list | None = None) -> str:
    if not turns:
        return "Ask a question first."
    if event is None:
        turn = turns[-1]
    else:
        index = event.index[0] if isinstance(event.index, list | tuple) else event.index
        turn = _turn_of(chat or [], turns, int(index))
        if turn is None:
            return "Only answers can be rated."
    rating = None if event is None else ("up" if event.liked else "down")
    state.log_feedback({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "rating": rating,
                        "comment": comment or None, "question": turn.question,
                        "answer": turn.text, "answered": turn.answered,
                        "citations": [{"id": c.id, "source": c.source, "page": c.page,
                                       "text": c.text} for c in turn.citations]})
    if not state.settings.feedback_enabled:
        return "Feedback logging is turned off on this server."
    return "Thank you: feedback recorded."


def export_conversation(state: AppState, turns: list[Answer]) -> str | None:
    """The conversation as a Markdown file, written after every answer so that one click on
    Export downloads what is on screen."""
    if not turns:
        return None
    path = state.scratch() / "conversation.md"
    path.write_text(render.conversation_markdown(turns), encoding="utf-8")
    return str(path)


def admins_only(change: Callable) -> Callable:
    """Library changes for administrators only; a PlanAssistantError becomes the message."""
    @functools.wraps(change)
    def guarded(state: AppState, *args, request: gr.Request | None = None, **kwargs) -> str:
        if not state.may_edit(request):
            return ADMINS_ONLY
        try:
            return change(state, *args, **kwargs)
        except PlanAssistantError as exc:
            return f"⚠️ {exc}"
    return guarded


def refreshed_lists(state: AppState, picked: str | None, ticked: list[str] | None,
                    digest_of: str | None, register_document: str | None, older: str | None,
                    newer: str | None, year: str | None, organisation: str | None) -> tuple:
    """Every list of documents, deadline years and organisations as the library now stands
    (on page load and after each change to the library), keeping the choices still valid."""
    choices = state.document_choices()
    sources = {source for _, source in choices}

    def one(value: str | None) -> dict:
        return gr.update(choices=choices, value=value if value in sources else None)

    everything = state.assistant.commitments() if sources else []
    years = [ANY, *sorted({str(c.when.end.year) for c in everything if c.when.end})]
    organisations = [ANY, *sorted({c.who for c in everything if c.who})]
    return (state.documents(), one(picked),
            gr.update(choices=choices, value=[v for v in ticked or [] if v in sources]),
            one(digest_of), one(register_document), one(older), one(newer),
            gr.update(choices=years, value=year if year in years else ANY),
            gr.update(choices=organisations,
                      value=organisation if organisation in organisations else ANY))


@admins_only
def add_documents(state: AppState, files: list | None, progress=None) -> str:
    uploads = []
    for file in files or []:
        original = Path(getattr(file, "orig_name", None) or getattr(file, "name", file)).name
        uploads.append((Path(file if isinstance(file, str) else file.name), original))
    if not uploads:
        return "Choose files to upload."
    if progress is not None:
        progress(0.1, desc="Indexing")
    report, refused = state.assistant.upload(uploads)
    messages = [f"❌ {_literal(reason)}" for reason in refused]
    if report is not None:
        messages += [f"❌ {_literal(f['source'])}: {_literal(f['error'])}" for f in report.failed]
        messages += [f"⚠️ {_literal(w['source'])}: {_literal(w['warning'])}"
                     for w in report.warnings]
        messages.append(f"✅ {report.added} added, {report.updated} updated; the library "
                        f"holds {report.documents} documents.")
    return "\n\n".join(messages)


@admins_only
def reindex(state: AppState) -> str:
    report = state.assistant.add_documents(show_progress=False)
    return (f"Re-indexed: {report.added} added, {report.updated} updated, {report.removed} "
            f"removed, {len(report.failed)} failed.")


def confirm_removal(state: AppState, source: str | None,
                    request: gr.Request | None = None) -> tuple[str, dict]:
    """The first step of removing a document: say what will go and show the confirm button."""
    if not state.may_edit(request):
        return ADMINS_ONLY, gr.update(visible=False)
    if not source:
        return "Choose a document to remove.", gr.update(visible=False)
    title = next((label for label, value in state.document_choices() if value == source),
                 source)
    return (f"Remove **{_literal(title)}** from the library? Its passages leave the index "
            "(an uploaded copy is deleted too). Click *Confirm removal* to go on.",
            gr.update(visible=True))


def _literal(text: str) -> str:
    """Text from a document or a file name, shown as it is in a Markdown message: no markup
    of its own (HTML escaped, Markdown's characters backslashed)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~$])", r"\\\1", html.escape(text, quote=False))


@admins_only
def remove_document(state: AppState, source: str | None) -> str:
    if not source:
        return "Choose a document to remove."
    state.assistant.remove_documents([source])
    return f"Removed {_literal(source)}."


def make_brief(state: AppState, topic: str, length: str, audience: str):
    """A topic brief, with Markdown and Word downloads."""
    if not (topic or "").strip():
        return "Enter a topic.", None, None
    return _brief_outputs(state, lambda: state.assistant.summarize(topic.strip(), length,
                                                                   audience))


def make_digest(state: AppState, document: str | None, length: str):
    """A document digest, with Markdown and Word downloads."""
    if not document:
        return "Choose a document to digest.", None, None
    return _brief_outputs(state, lambda: state.assistant.digest(document, length))


def _brief_outputs(state: AppState, write: Callable):
    try:
        brief = write()
    except PlanAssistantError as exc:
        return f"⚠️ {exc}", None, None
    folder = state.scratch()
    markdown = state.assistant.write_brief(brief, folder / "brief.md")
    docx = state.assistant.write_brief(brief, folder / "brief.docx")
    return brief.to_markdown(), str(markdown), str(docx)


def register_view(state: AppState, year: str, organisation: str, topic: str,
                  document: str | None):
    """The register for the chosen filters: table rows, the commitments per deadline year
    (the timeline), the three downloads and the commitments shown (for the source cards)."""
    import pandas as pd

    try:
        shown = state.assistant.commitments(
            due=int(year) if year and year != ANY else None, source=document or None,
            topic=(topic or "").strip() or None)
    except PlanAssistantError as exc:
        gr.Warning(str(exc))
        shown = []
    if organisation and organisation != ANY:
        shown = [c for c in shown if c.who == organisation]
    rows = [[n, c.what, c.who or "", c.when.text or "",
             c.when.end.isoformat() if c.when.end else "", c.strength,
             Path(c.citation.source).name, c.citation.page or ""]
            for n, c in enumerate(shown, start=1)]
    years = sorted({c.when.end.year for c in shown if c.when.end})
    timeline = pd.DataFrame({"year": [str(y) for y in years],
                             "commitments": [sum(1 for c in shown if c.when.end and
                                                 c.when.end.year == y) for y in years]})
    folder = state.scratch()
    files = [str(state.assistant.write_register(shown, folder / f"commitments.{suffix}"))
             for suffix in ("csv", "xlsx", "md")]
    return rows, timeline, *files, shown


def commitment_card(state: AppState, shown: list[Commitment],
                    event: gr.SelectData) -> str:
    """The source card of the selected row's commitment, as answers show theirs."""
    row = event.index[0] if isinstance(event.index, list | tuple) else event.index
    if not shown or row is None or not 0 <= row < len(shown):
        return render.sources_html([], empty=NO_ROW)
    chosen = shown[row]
    card = Source(row + 1, chosen.citation.source, chosen.citation.title, chosen.citation.page,
                  chosen.citation.section, chosen.citation.text, 1.0, chosen.what)
    return render.sources_html([card], state.links())


def comparison_view(state: AppState, old: str | None, new: str | None) -> str:
    """Two library documents' commitments compared, as Markdown."""
    if not old or not new:
        return "Choose the older and the newer version."
    if old == new:
        return "Choose two different documents."
    try:
        return state.assistant.compare_documents(old, new).to_markdown(old, new)
    except PlanAssistantError as exc:  # a document removed since the list was filled
        return f"Cannot compare: {exc}"


def _commitments_tab(state: AppState) -> tuple[Callable, list, list, list]:
    """The register: filters, a timeline of deadlines, the table, source cards, downloads.
    Returns the view function with its inputs and outputs, which the app runs on load, and
    its lists (documents, years, organisations) that follow the library."""
    with gr.Tab("Commitments"):
        gr.Markdown("What the documents commit to, each with its deadline and the sentence "
                    "it comes from. Pick a year (or drag across a bar of the timeline) to see "
                    "what is due; select a row to see its source.")
        with gr.Row():
            year = gr.Dropdown([ANY], value=ANY, label="Due in", elem_id="due-year")
            organisation = gr.Dropdown([ANY], value=ANY, label="Who")
            topic = gr.Textbox(label="Topic", placeholder="e.g. workforce")
            document = gr.Dropdown(state.document_choices(), value=None,
                                   label="Document (empty: all)")
        timeline = gr.BarPlot(x="year", y="commitments", label="Commitments by deadline year",
                              y_lim=[0, None], elem_id="timeline")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4):
                table = gr.Dataframe(headers=REGISTER_HEADERS, interactive=False, wrap=True,
                                     column_widths=REGISTER_WIDTHS, elem_id="register")
            with gr.Column(scale=2):
                card = gr.HTML(render.sources_html([], empty=NO_ROW), elem_id="register-source")
        with gr.Row():
            csv_file = gr.DownloadButton("Download CSV", elem_id="register-csv")
            excel_file = gr.DownloadButton("Download Excel", elem_id="register-xlsx")
            markdown_file = gr.DownloadButton("Download Markdown", elem_id="register-md")
        with gr.Accordion("Compare two versions", open=False, elem_id="compare"):
            with gr.Row():
                older = gr.Dropdown(state.document_choices(), value=None, label="Older version",
                                    elem_id="compare-old")
                newer = gr.Dropdown(state.document_choices(), value=None, label="Newer version",
                                    elem_id="compare-new")
                compare_button = gr.Button("Compare", elem_id="compare-button")
            comparison = gr.Markdown(elem_id="comparison")
        shown = gr.State([])
    filters = [year, organisation, topic, document]
    outputs = [table, timeline, csv_file, excel_file, markdown_file, shown]
    view = functools.partial(register_view, state)
    for control in (year, organisation, document):
        control.change(view, filters, outputs, api_visibility="private")
    topic.submit(view, filters, outputs, api_visibility="private")

    def on_bar(event: gr.SelectData) -> str:
        picked = str(event.value if not isinstance(event.value, list | tuple)
                     else event.value[0])[:4]
        due = {str(c.when.end.year) for c in state.assistant.commitments() if c.when.end}
        return picked if picked in due else ANY

    timeline.select(on_bar, None, year, api_visibility="private")
    def on_row(commitments: list[Commitment], event: gr.SelectData) -> str:
        return commitment_card(state, commitments, event)

    table.select(on_row, shown, card, api_visibility="private")
    compare_button.click(functools.partial(comparison_view, state), [older, newer], comparison,
                         api_visibility="private")
    return view, filters, outputs, [document, older, newer, year, organisation]


def _ask_tab(state: AppState) -> gr.CheckboxGroup:
    """The chat: question box, starters, search settings, feedback and the sources panel.
    Returns the document filter, which follows the library."""
    settings = state.settings
    llm = settings.backend if settings.backend != "extractive" else None
    turns = gr.State([])
    with gr.Tab("Ask"), gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chat = gr.Chatbot(label="Conversation", height=460, elem_id="chat", buttons=[],
                              placeholder="Ask a question about the plan, or pick a "
                                          "starter question below.")
            question = gr.Textbox(label="Your question", placeholder="e.g. When was the "
                                  "plan approved?", elem_id="question", lines=1)
            with gr.Row():
                send = gr.Button("Ask", variant="primary", elem_id="ask")
                clear = gr.Button("New conversation")
                download = gr.DownloadButton("Export conversation (Markdown)",
                                             elem_id="export")
            gr.Examples(STARTERS, inputs=question, label="Starter questions")
            with gr.Accordion("Search settings", open=False):
                document_filter = gr.CheckboxGroup(
                    state.document_choices(),
                    label="Only search these documents (none ticked: all)")
                k = gr.Slider(3, 10, value=settings.k, step=1, label="Passages to consider")
                backend = gr.Dropdown(["extractive", llm] if llm else ["extractive"],
                                      value=llm or "extractive", label="Answer backend",
                                      visible=llm is not None)
            with gr.Row():
                comment = gr.Textbox(label="Comment on the last answer (optional)", scale=4)
                send_comment = gr.Button("Send feedback", scale=1)
            feedback_status = gr.Markdown()
        with gr.Column(scale=2, min_width=280):
            gr.Markdown("### Sources")
            sources = gr.HTML(render.sources_html([]), elem_id="sources")

    answer_inputs = [question, chat, turns, document_filter, k, backend]
    for trigger in (send.click, question.submit):
        trigger(functools.partial(respond, state), answer_inputs,
                [chat, sources, turns, question, download],
                concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer",
                api_visibility="private")
    clear.click(lambda: ([], render.sources_html([]), [], "", None), None,
                [chat, sources, turns, question, download], api_visibility="private")
    # the chat's own clear icon: the conversation behind it goes too (follow-ups, export)
    chat.clear(lambda: (render.sources_html([]), [], None), None, [sources, turns, download],
               api_visibility="private")

    def on_like(history: list[Answer], note: str, messages: list, event: gr.LikeData) -> str:
        return record_feedback(state, history, note, event, messages)

    chat.like(on_like, [turns, comment, chat], feedback_status, api_visibility="private")
    def on_comment(history: list[Answer], note: str) -> tuple[str, str]:
        status = record_feedback(state, history, note)
        return status, "" if "recorded" in status else note  # kept when not recorded

    send_comment.click(on_comment, [turns, comment], [feedback_status, comment],
                       api_visibility="private")
    return document_filter


def _brief_tab(state: AppState) -> gr.Dropdown:
    """Topic briefs and document digests with Markdown and Word downloads. Returns the list
    of documents to digest, which follows the library."""
    with gr.Tab("Brief"):
        gr.Markdown("Draft a cited brief on a topic, or a digest of one document, to edit "
                    "and publish. Every point is the documents' own sentence with its "
                    "reference.")
        with gr.Row():
            length = gr.Radio(["short", "page", "long"], value="page", label="Length")
            audience = gr.Radio(["staff", "public"], value="staff",
                                label="Audience (topic briefs)")
        with gr.Row(equal_height=True):
            topic = gr.Textbox(label="Topic", placeholder="e.g. mental health",
                               elem_id="brief-topic", scale=3)
            make = gr.Button("Write brief", variant="primary", elem_id="brief-make", scale=1)
        with gr.Row(equal_height=True):
            digest_of = gr.Dropdown(state.document_choices(), value=None,
                                    label="…or digest a document", elem_id="digest-of",
                                    scale=3)
            digest = gr.Button("Digest document", elem_id="digest-make", scale=1)
        brief_view = gr.Markdown(elem_id="brief", buttons=["copy"])
        with gr.Row():
            brief_md = gr.DownloadButton("Download Markdown")
            brief_docx = gr.DownloadButton("Download Word (.docx)")
    written = [brief_view, brief_md, brief_docx]
    for trigger in (make.click, topic.submit):
        trigger(functools.partial(make_brief, state), [topic, length, audience], written,
                concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer",
                api_visibility="private")
    digest.click(functools.partial(make_digest, state), [digest_of, length], written,
                 concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer",
                 api_visibility="private")
    return digest_of


def _library_tab(state: AppState) -> tuple[gr.Markdown, list, dict]:
    """The documents in the index, uploads, re-indexing and removal (admins only). Returns
    the status line, the table and the list of documents to remove (which follow the library),
    and each change's event, to which the app chains refreshing every list."""
    with gr.Tab("Library"):
        library_status = gr.Markdown()
        table = gr.Dataframe(state.documents(), headers=["Title", "Type", "Pages", "Chunks",
                             "Ingested", "Warnings", "Source"],
                             column_widths=LIBRARY_WIDTHS, interactive=False, wrap=True,
                             elem_id="library")
        uploads = gr.File(label="Upload documents (PDF, Markdown, text, HTML, DOCX; "
                                f"{state.assistant.max_upload_bytes // 2**20} MB each)",
                          file_count="multiple", elem_id="upload",
                          file_types=list(state.assistant.document_types))
        with gr.Row():
            add = gr.Button("Add to library", variant="primary", elem_id="add")
            rebuild = gr.Button("Re-index corpus folder")
        with gr.Row():
            to_remove = gr.Dropdown(state.document_choices(), value=None,
                                    label="Document to remove", elem_id="to-remove")
            remove_button = gr.Button("Remove from library", variant="stop",
                                      elem_id="remove")
            confirm = gr.Button("Confirm removal", variant="stop", visible=False,
                                elem_id="confirm-remove")

    def on_add(files: list | None, request: gr.Request,
               progress=gr.Progress()):  # noqa: B008 - Gradio injects progress this way
        return add_documents(state, files, progress, request=request)

    def on_reindex(request: gr.Request):
        return reindex(state, request=request)

    def on_remove(source: str | None, request: gr.Request):
        return remove_document(state, source, request=request)

    def on_ask_removal(source: str | None, request: gr.Request):
        return confirm_removal(state, source, request)

    remove_button.click(on_ask_removal, to_remove, [library_status, confirm],
                        api_visibility="private")
    to_remove.change(lambda: gr.update(visible=False), None, confirm, api_visibility="private")
    changes = {}
    for button, handler, inputs in ((add, on_add, uploads), (rebuild, on_reindex, None),
                                    (confirm, on_remove, to_remove)):
        changes[button] = button.click(handler, inputs, library_status, concurrency_limit=1,
                                       concurrency_id="library", api_visibility="private")
    changes[confirm] = changes[confirm].then(lambda: gr.update(visible=False), None, confirm,
                                             api_visibility="private")
    return library_status, [table, to_remove], changes


def build_app(assistant: Assistant, admins: set[str] | None = None) -> gr.Blocks:
    """The whole app as Blocks; `admins` is None when authentication is off."""
    state = AppState(assistant, admins)
    with gr.Blocks(title="Plan Assistant", delete_cache=(FILES_HOURS * 3600,
                                                          FILES_HOURS * 3600)) as app:
        gr.Markdown("## Plan Assistant\nAsk about the plan documents. Every answer cites the "
                    "passages it comes from; when the documents don't say, it tells you.")
        document_filter = _ask_tab(state)
        digest_of = _brief_tab(state)
        view, filters, outputs, register_lists = _commitments_tab(state)
        _, (table, to_remove), changes = _library_tab(state)
        lists = [to_remove, document_filter, digest_of, *register_lists]
        refresh = functools.partial(refreshed_lists, state)
        app.load(refresh, lists, [table, *lists], api_visibility="private").then(
            view, filters, outputs, api_visibility="private")
        for change in changes.values():
            change.then(refresh, lists, [table, *lists], api_visibility="private").then(
                view, filters, outputs, api_visibility="private")

        def ask(question: str) -> dict:
            """The `ask --json` object for one question over this app's index."""
            return assistant.ask(question).to_json()

        gr.api(ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY,
               concurrency_id="answer")
    return app


def launch(assistant: Assistant, host: str, port: int,
           users: list[tuple[str, str]] | None = None, admins: set[str] | None = None) -> None:
    app = build_app(assistant, admins if users else None)
    app.queue(default_concurrency_limit=ANSWER_CONCURRENCY, max_size=200)
    app.launch(server_name=host, server_port=port, auth=users or None,
               allowed_paths=[str(assistant.settings.corpus.resolve())],
               css=render.CSS, theme=gr.themes.Soft(), max_file_size="50mb",
               footer_links=["api"], show_error=True)
