"""With authentication on, every route needs a login: the app's config, the API and the
served files; nothing outside the corpus folder is served even after login; only admins
may change the library."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from types import SimpleNamespace

import httpx
import pytest
from conftest import ROOT
from test_ui import _free_port

from assistant.ui import AppState

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    root = tmp_path_factory.mktemp("auth")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    env = {**os.environ, "PLAN_ASSISTANT_ROOT": str(root)}
    subprocess.run([sys.executable, "-m", "assistant", "ingest", "--quiet"], env=env,
                   check=True, capture_output=True, timeout=600)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port),
                                "--auth", "alice:pw-alice,bob:pw-bob", "--admins", "alice"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.5)
    yield url, root
    process.terminate()
    process.wait(timeout=20)


def _routes(root) -> dict[str, str]:
    pdf = (root / "corpus" / "llr-plan-sections-digest.pdf").resolve()
    return {"config": "/config", "info": "/gradio_api/info", "file": f"/gradio_api/file={pdf}"}


def test_every_route_needs_a_login(secured):
    url, root = secured
    for name, route in _routes(root).items():
        assert httpx.get(url + route).status_code == 401, name
    call = httpx.post(url + "/gradio_api/call/ask", json={"data": ["When was it approved?"]})
    assert call.status_code == 401
    wrong = httpx.post(url + "/login", data={"username": "alice", "password": "nope"})
    assert wrong.status_code >= 400


def test_after_login_routes_work_and_only_the_corpus_is_served(secured):
    url, root = secured
    with httpx.Client(base_url=url) as client:
        assert client.post("/login", data={"username": "bob", "password": "pw-bob"}) \
            .status_code == 200
        for name, route in _routes(root).items():
            assert client.get(route).status_code == 200, name
        assert client.post("/gradio_api/call/ask",
                           json={"data": ["When was the plan approved?"]}).status_code == 200
        for outside in (ROOT / "pyproject.toml", root / "index" / "manifest.json"):
            assert client.get(f"/gradio_api/file={outside.resolve()}").status_code == 403


def test_only_admins_may_change_the_library():
    state = AppState(assistant=None, admins={"alice"})  # type: ignore[arg-type]
    assert state.may_edit(SimpleNamespace(username="alice"))
    assert not state.may_edit(SimpleNamespace(username="bob"))
    assert not state.may_edit(None)
    assert AppState(assistant=None, admins=None).may_edit(None)  # type: ignore[arg-type]
