"""The chat app for real: a running server, `gradio_client`, and Chromium driven by
Playwright (Debian's browser, installed by .ci/run)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = ("# Hostile test note\n\nThe hostile test note says <script>alert(1)</script> and "
           "<b>bold</b> must stay literal text in the sources panel.\n")
QUESTION = "Where is the second community diagnostic centre being built?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLAN_ASSISTANT_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, env=env, timeout=600, check=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    (root / "corpus" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    assert _cli(root, "ingest", "--quiet").returncode == 0
    port = _free_port()
    env = {**os.environ, "PLAN_ASSISTANT_ROOT": str(root)}
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the app did not start: " + (process.stdout.read() if process.stdout
                                                 else ""))
    yield url, root
    process.terminate()
    process.wait(timeout=20)


def test_a_thumb_rates_the_answer_it_is_under_whatever_came_before(tmp_path):
    """An error in the chat is no answer: the rating goes to the answer under the thumb, and a
    thumb on the error rates nothing. The chat is what Gradio hands the event."""
    from types import SimpleNamespace

    import gradio as gr

    from assistant.answer import Answer
    from assistant.config import Settings
    from assistant.ui import AppState, record_feedback

    log = tmp_path / "feedback.jsonl"
    state = AppState(SimpleNamespace(settings=Settings(root=tmp_path, feedback_log=log)), None)
    turns = [Answer(f"Question {n}?", f"Answer {n} [1].", True, [], "extractive")
             for n in (2, 3)]
    shown = [{"role": "user", "content": "Question 1?"},
             {"role": "assistant", "content": "⚠️ the index is busy"},
             {"role": "user", "content": "Question 2?"},
             {"role": "assistant", "content": "<div>Answer 2</div>"},
             {"role": "user", "content": "Question 3?"},
             {"role": "assistant", "content": "<div>Answer 3</div>"}]
    chatbot = gr.Chatbot()
    chat = chatbot.preprocess(chatbot.postprocess(shown))
    like = gr.LikeData(None, {"index": 3, "value": "Answer 2", "liked": True})
    assert "recorded" in record_feedback(state, turns, "", like, chat)
    assert json.loads(log.read_text().splitlines()[-1])["question"] == "Question 2?"
    on_error = gr.LikeData(None, {"index": 1, "value": "⚠️", "liked": False})
    assert record_feedback(state, turns, "", on_error, chat) == "Only answers can be rated."
    assert len(log.read_text().splitlines()) == 1


def _without_timings(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def test_gradio_client_matches_the_cli(server):
    from gradio_client import Client

    url, root = server
    result = Client(url, verbose=False).predict(QUESTION, api_name="/ask")
    api = json.loads(result) if isinstance(result, str) else result
    cli = json.loads(_cli(root, "ask", QUESTION, "--json").stdout)
    assert _without_timings(api) == _without_timings(cli)
    assert api["answered"] and "Hinckley" in api["answer"] and api["citations"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield instance
        instance.close()


def _ask(page, question: str) -> None:
    before = page.locator("#chat .message").count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .message').length >= n + 2", arg=before,
        timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('#chat .message:last-child')?.innerText.includes('…')",
        timeout=60_000)
    page.wait_for_timeout(500)


def test_chat_in_a_real_browser(server, browser, tmp_path):
    url, root = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)

    _ask(page, QUESTION)
    chip = page.locator("#chat a.pa-chip").first
    assert chip.inner_text() == "1"
    card = page.locator("#sources #source-1-1")
    assert "Hinckley" in card.inner_text()
    assert card.locator("mark").count() == 1
    pdf_cards = page.locator("#sources .pa-source", has_text="page ")
    assert pdf_cards.count() >= 1
    chip.click()
    page.wait_for_function("() => location.hash === '#source-1-1'")
    outline = card.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"

    _ask(page, "What is the plan doing about mental health?")
    bullets = page.locator("#chat .message").last.locator("ul.pa-list li")
    assert bullets.count() >= 3
    assert all(bullets.nth(i).locator("a.pa-chip").count() >= 1
               for i in range(bullets.count()))
    # the first answer's chip still opens the first answer's card, not the latest one's
    page.locator("#chat .message.bot").first.locator("a.pa-chip").first.click()
    page.wait_for_function("() => location.hash === '#source-1-1'")
    assert card.is_visible() and "Hinckley" in card.inner_text()
    # a thumb rates the answer it is under
    page.locator("#chat").get_by_role("button", name="Like", exact=True).first.click()
    page.wait_for_function("() => document.body.innerText.includes('feedback recorded')")
    rated = json.loads((root / "feedback" / "feedback.jsonl").read_text().splitlines()[-1])
    assert (rated["rating"], rated["question"]) == ("up", QUESTION)
    # one click exports the conversation on screen, and after "New conversation" only it
    exported = _download(page, "#export", tmp_path / "conversation.md")
    assert QUESTION in exported and "mental health" in exported
    page.get_by_role("button", name="New conversation").click()
    page.wait_for_function("() => !document.querySelector('#chat .message')")
    _ask(page, "What is Core20PLUS5?")
    exported = _download(page, "#export", tmp_path / "conversation-2.md")
    assert "Core20PLUS5" in exported and QUESTION not in exported

    _ask(page, "What does the hostile test note say must stay literal?")
    panel = page.locator("#sources")
    text = panel.inner_text()
    assert "<script>alert(1)</script>" in text and "<b>bold</b>" in text
    assert panel.locator(".pa-passage b").count() == 0
    assert panel.locator("script").count() == 0
    assert dialogs == []
    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)

    upload = tmp_path / "clinic-note.txt"
    upload.write_text("Clinic note\n\nThe Oakham walk-in clinic will open on Tuesdays from "
                      "spring 2025 for minor injuries.\n", encoding="utf-8")
    page.get_by_role("tab", name="Library").click()
    page.locator("#upload input[type=file]").set_input_files(str(upload))
    page.wait_for_timeout(1000)
    page.locator("#add").click()
    page.wait_for_function("() => document.body.innerText.includes('1 added')",
                           timeout=120_000)
    assert (root / "corpus" / "uploads" / "clinic-note.txt").is_file()
    page.get_by_role("tab", name="Ask").click()
    _ask(page, "When will the Oakham walk-in clinic open?")
    assert "Oakham" in page.locator("#chat .message").last.inner_text()
    assert "uploads/clinic-note.txt" in page.locator("#sources").inner_text()
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "chat.png"), full_page=True)
    page.close()


def _download(page, button: str, path: Path) -> str:
    with page.expect_download(timeout=30_000) as download:
        page.locator(button).click()
    download.value.save_as(path)
    return path.read_text(encoding="utf-8")


def _choose(page, box: str, option: str) -> None:
    page.locator(f"{box} input").click()
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()


def test_briefs_digests_and_removal_in_a_real_browser(server, browser, tmp_path):
    """A topic brief is not a digest; removing a document takes two clicks, and every list
    of documents follows the library."""
    url, root = server
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(url)
    page.get_by_role("tab", name="Brief").click()
    page.locator("#brief-topic textarea").fill("mental health")
    page.locator("#brief-make").click()
    page.wait_for_function("() => document.querySelector('#brief').innerText.includes("
                           "'What the documents say about mental health')", timeout=60_000)
    _choose(page, "#digest-of", "llr-plan-pledges.md")
    page.locator("#digest-make").click()
    page.wait_for_function("() => document.querySelector('#brief').innerText.includes("
                           "'Digest:')", timeout=60_000)

    page.get_by_role("tab", name="Library").click()
    page.locator("#remove").click()
    page.wait_for_function("() => document.body.innerText.includes('Choose a document to "
                           "remove')")
    _choose(page, "#to-remove", "hostile.md")
    page.locator("#remove").click()
    page.locator("#confirm-remove").click()
    page.wait_for_function("() => document.body.innerText.includes('Removed corpus/"
                           "hostile.md')", timeout=60_000)
    assert (root / "corpus" / "hostile.md").is_file()  # a team file: only the index forgets it
    page.get_by_role("tab", name="Brief").click()
    page.locator("#digest-of input").click()
    page.wait_for_timeout(500)
    assert not page.get_by_role("option", name=re.compile("hostile")).count()
    page.close()


def test_the_commitments_tab_in_a_real_browser(server, browser, tmp_path):
    """Filter the register by year, open a row's source card, download the Excel file."""
    from openpyxl import load_workbook

    url, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(url)
    page.get_by_role("tab", name="Commitments").click()
    rows = page.locator("#register .virtual-row")  # the Dataframe renders rows as divs
    rows.first.wait_for(timeout=60_000)
    everything = rows.count()
    page.locator("#due-year input").click()
    page.get_by_role("option", name="2028").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#register .virtual-row').length < n", arg=everything,
        timeout=30_000)
    due = page.locator("#register .virtual-row")
    assert 0 < due.count() < everything
    assert all("2028" in due.nth(i).inner_text() for i in range(due.count()))
    due.first.locator("[role=gridcell]").nth(1).click()
    card = page.locator("#register-source .pa-source")
    card.wait_for(timeout=30_000)
    what = due.first.locator("[role=gridcell]").nth(1).inner_text().strip()
    assert what[:30] in card.locator(".pa-passage").inner_text().replace("\n", " ")
    with page.expect_download(timeout=30_000) as download:
        page.locator("#register-xlsx").click()
    saved = tmp_path / "register.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet.max_row == 1 + due.count()
    page.locator("#compare").get_by_text("Compare two versions").click()
    for box, name in (("#compare-old", "llr-five-year-plan-overview.md"),
                      ("#compare-new", "llr-plan-explained.txt")):
        _choose(page, box, name)
    page.locator("#compare-button").click()
    page.wait_for_function(
        "() => document.querySelector('#comparison').innerText.includes('added')",
        timeout=30_000)
    assert "Removed" in page.locator("#comparison").inner_text()
    page.close()
