"""Crash safety: ingestion killed with SIGKILL at random moments always leaves an index that
loads and equals either the state before or the complete new state; a second writer is
turned away with a clear message; a damaged index file is detected."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, write_versioned_corpus

from assistant.store import IndexStore

DRIVER = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import FakeEmbedder
from assistant.config import Settings
from assistant.ingest import ingest
settings = Settings(root=Path({root!r}), index=Path({index!r}))
ingest([Path({corpus!r})], settings, FakeEmbedder(), show_progress=False)
"""


def _state(index: Path) -> tuple:
    snapshot = IndexStore(index).load()
    return (tuple(sorted((s, d.sha256) for s, d in snapshot.documents.items())),
            tuple(c.id for c in snapshot.chunks), snapshot.embeddings.shape)


def _run(root: Path, index: Path, corpus: Path) -> subprocess.Popen:
    code = DRIVER.format(tests=str(ROOT / "tests"), root=str(root), index=str(index),
                         corpus=str(corpus))
    return subprocess.Popen([sys.executable, "-c", code])


def test_sigkill_at_random_moments_never_breaks_the_index(tmp_path):
    corpus = tmp_path / "corpus"
    write_versioned_corpus(corpus, 1, 40)
    before_dir = tmp_path / "before"
    assert _run(tmp_path, before_dir, corpus).wait(timeout=300) == 0
    before = _state(before_dir)
    write_versioned_corpus(corpus, 2, 40)
    after_dir = tmp_path / "after"
    shutil.copytree(before_dir, after_dir)
    started = time.perf_counter()
    assert _run(tmp_path, after_dir, corpus).wait(timeout=300) == 0
    duration = time.perf_counter() - started
    after = _state(after_dir)
    assert before != after
    rng = random.Random(7)
    outcomes = {"before": 0, "after": 0}
    for attempt in range(12):
        index = tmp_path / f"killed{attempt}"
        shutil.copytree(before_dir, index)
        process = _run(tmp_path, index, corpus)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = _state(index)  # must load: no exception
        assert state in (before, after)
        outcomes["before" if state == before else "after"] += 1
    assert sum(outcomes.values()) == 12


def test_second_ingest_is_told_the_index_is_being_updated(tmp_path):
    store = IndexStore(tmp_path / "index")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.md").write_text("# A\n\ntext")
    with store.write_lock():
        result = subprocess.run([sys.executable, "-m", "assistant", "ingest",
                                 str(tmp_path / "corpus"), "--index", str(tmp_path / "index")],
                                capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "being updated by another process" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("target_name", ["vectors.faiss", "vectors.npy", "chunks.sqlite"])
@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_damaged_index_files_are_detected_with_the_fix(tmp_path, damage, target_name):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nA small document about topic one.")
    index = tmp_path / "index"
    built = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(corpus),
                            "--index", str(index), "--quiet"], capture_output=True, timeout=300)
    assert built.returncode == 0
    generation = json.loads((index / "manifest.json").read_text())["generation"]
    target = index / generation / target_name
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "flip":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    else:
        os.remove(target)
    result = subprocess.run([sys.executable, "-m", "assistant", "search", "topic",
                             "--index", str(index)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1
    assert "checksum" in result.stderr and "--rebuild" in result.stderr
    assert "Traceback" not in result.stderr
