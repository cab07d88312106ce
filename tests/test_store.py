import json

import numpy as np
import pytest

from assistant.chunking import Chunk
from assistant.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)
from assistant.records import Update
from assistant.store import DocumentRecord, IndexSnapshot, IndexStore, pack_sentences


def _snapshot(n: int = 3, model: str = "m", backend: str = "onnx-int8") -> IndexSnapshot:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [Chunk(f"id{i}", "a.md", "Doc", None, "S", f"text {i} – é") for i in range(n)]
    docs = {"a.md": DocumentRecord("a.md", "sha", "Doc", "markdown", 1, n, "now")}
    return IndexSnapshot(model, 8, 200, 30, docs, chunks, vectors, backend=backend)


def test_save_then_load_round_trips_exactly(tmp_path):
    store = IndexStore(tmp_path / "idx")
    original = _snapshot()
    with store.write_lock():
        store.save(original)
    loaded = store.load(expect_model="m", expect_backend="onnx-int8")
    assert (loaded.model, loaded.backend) == ("m", "onnx-int8")
    assert list(loaded.chunks) == original.chunks
    assert loaded.documents == original.documents
    np.testing.assert_array_equal(loaded.embeddings, original.embeddings)
    manifest = json.loads(store.manifest_path.read_text())
    assert manifest["format_version"] == 4
    assert manifest["model"] == {"name": "m", "backend": "onnx-int8", "dimension": 8}
    assert manifest["counts"] == {"documents": 1, "pages": 1, "chunks": 3}


def test_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexMissingError, match="plan-assistant ingest"):
        IndexStore(tmp_path / "none").load()


def test_other_model_is_refused_with_the_fix(tmp_path):
    store = IndexStore(tmp_path)
    with store.write_lock():
        store.save(_snapshot(model="model-a"))
    with pytest.raises(IndexMismatchError, match=r"model-a.*--rebuild"):
        store.load(expect_model="model-b")


def test_other_backend_is_refused_naming_model_and_backend(tmp_path):
    store = IndexStore(tmp_path)
    with store.write_lock():
        store.save(_snapshot(model="model-a", backend="onnx-int8"))
    with pytest.raises(IndexMismatchError) as refused:
        store.load(expect_model="model-a", expect_backend="torch")
    message = str(refused.value)
    assert "model 'model-a' on the onnx-int8 backend" in message
    assert "model 'model-a' on the torch backend" in message
    assert 'embedding_backend = "onnx-int8"' in message and "--rebuild" in message


@pytest.mark.parametrize(("name", "expected"), [
    ("sentence-transformers/all-MiniLM-L6-v2#onnx-int8",
     ("sentence-transformers/all-MiniLM-L6-v2", "onnx-int8")),
    ("sentence-transformers/all-MiniLM-L6-v2#onnx-fp32",
     ("sentence-transformers/all-MiniLM-L6-v2", "onnx-fp32")),
    ("sentence-transformers/all-MiniLM-L6-v2", ("sentence-transformers/all-MiniLM-L6-v2", "torch")),
])
def test_format_2_manifests_name_the_backend_in_the_model_name(tmp_path, name, expected):
    store = IndexStore(tmp_path)
    with store.write_lock():
        store.save(_snapshot())
    manifest = json.loads(store.manifest_path.read_text())
    manifest["format_version"] = 2
    manifest["model"] = {"name": name, "dimension": 8}
    store.manifest_path.write_text(json.dumps(manifest))
    loaded = store.load(*expected)
    assert (loaded.model, loaded.backend) == expected
    with pytest.raises(IndexMismatchError, match=f"on the {expected[1]} backend"):
        store.load(expected[0], "some-other-backend")


def test_tampered_data_file_fails_its_checksum(tmp_path):
    store = IndexStore(tmp_path)
    with store.write_lock():
        store.save(_snapshot())
    generation = json.loads(store.manifest_path.read_text())["generation"]
    chunks = tmp_path / generation / "chunks.sqlite"
    chunks.write_bytes(chunks.read_bytes()[:-10])
    with pytest.raises(IndexCorruptError, match=r"checksum.*--rebuild"):
        store.load()


def test_second_writer_is_told_the_index_is_busy(tmp_path):
    store = IndexStore(tmp_path)
    with (store.write_lock(), pytest.raises(IndexBusyError, match="being updated"),
          IndexStore(tmp_path).write_lock()):
        pass


def test_saves_keep_current_and_previous_generation_only(tmp_path):
    store = IndexStore(tmp_path)
    with store.write_lock():
        for n in (1, 2, 3, 4):
            store.save(_snapshot(n))
    generations = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("data-"))
    assert len(generations) == 2
    assert len(store.load().chunks) == 4
    assert not list(tmp_path.glob(".tmp-*"))


def test_empty_snapshot_saves_and_loads(tmp_path):
    store = IndexStore(tmp_path)
    with store.write_lock():
        store.save(IndexSnapshot.empty("m", "torch", 8, 200, 30))
    loaded = store.load()
    assert list(loaded.chunks) == [] and loaded.embeddings.shape == (0, 8)


def test_saving_never_deletes_folders_it_did_not_create(tmp_path):
    keep = tmp_path / "data-important"
    keep.mkdir()
    (keep / "f.txt").write_text("keep")
    (tmp_path / ".tmp-notes").mkdir()
    store = IndexStore(tmp_path)
    with store.write_lock():
        for n in (1, 2, 3):
            store.save(_snapshot(n))
    assert (keep / "f.txt").read_text() == "keep" and (tmp_path / ".tmp-notes").is_dir()


def test_format_1_indexes_are_still_read(tmp_path):
    import faiss

    from assistant.store import file_sha256

    original = _snapshot()
    generation = "data-20260101T000000-0000abcd"
    (tmp_path / generation).mkdir()
    flat = faiss.IndexFlatIP(8)
    flat.add(original.embeddings)
    faiss.write_index(flat, str(tmp_path / generation / "vectors.faiss"))
    (tmp_path / generation / "chunks.jsonl").write_text(
        "".join(json.dumps(c.__dict__) + "\n" for c in original.chunks))
    (tmp_path / generation / "glossary.json").write_text("{}")
    files = {name: file_sha256(tmp_path / generation / name)
             for name in ("vectors.faiss", "chunks.jsonl", "glossary.json")}
    (tmp_path / "manifest.json").write_text(json.dumps({
        "format_version": 1, "generation": generation, "model": {"name": "m", "dimension": 8},
        "chunking": {"chunk_size": 200, "chunk_overlap": 30}, "files": files,
        "documents": [original.documents["a.md"].__dict__]}))
    store = IndexStore(tmp_path)
    loaded = store.load("m", "torch")  # no "#backend" suffix: torch
    assert list(loaded.chunks) == original.chunks
    np.testing.assert_array_equal(loaded.embeddings, original.embeddings)
    with store.write_lock():
        store.save(loaded)  # the next save writes the current format
    manifest = json.loads(store.manifest_path.read_text())
    assert manifest["format_version"] == 4 and manifest["model"]["backend"] == "torch"
    assert list(store.load("m", "torch").chunks) == original.chunks


def test_loaded_index_answers_lexical_and_filter_queries(tmp_path):
    store = IndexStore(tmp_path)
    snapshot = _snapshot(6)
    with store.write_lock():
        store.save(snapshot)
    loaded = store.load()
    assert loaded.rows_of({"a.md"}).tolist() == list(range(6))
    scores = loaded.lexical.scores("text")
    assert scores.shape == (6,) and (scores > 0).all()
    manifest = json.loads(store.manifest_path.read_text())
    assert manifest["vector_index"] == {"requested": "auto", "kind": "flat"}
    assert {"vectors.npy", "vectors.faiss", "chunks.sqlite",
            "glossary.json"} <= set(manifest["files"])


def test_large_files_are_checked_by_size(tmp_path, monkeypatch):
    import assistant.store as store_module

    store = IndexStore(tmp_path)
    with store.write_lock():
        store.save(_snapshot())
    monkeypatch.setattr(store_module, "VERIFY_FULLY_BELOW", 0)
    generation = json.loads(store.manifest_path.read_text())["generation"]
    vectors = tmp_path / generation / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes() + b"\0")
    with pytest.raises(IndexCorruptError, match="checksum"):
        store.load()


def _sentences(counts: list[int], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, 8)).astype(np.float16) for n in counts]


def test_sentence_vectors_are_saved_kept_by_a_commit_and_appended(tmp_path):
    store = IndexStore(tmp_path)
    snapshot = _snapshot(3)
    stored = _sentences([2, 0, 3], seed=1)
    snapshot.sentence_offsets, snapshot.sentence_matrix = pack_sentences(stored, 8)
    with store.write_lock():
        store.save(snapshot)
    loaded = store.load()
    for got, expected in zip(loaded.sentence_vectors([0, 1, 2]), stored, strict=True):
        np.testing.assert_array_equal(got, expected)
    new = [Chunk("b0", "b.md", "B", None, None, "One. Two.")]
    added = _sentences([2], seed=2)
    update = Update("m", "onnx-int8", 8, 200, 30, "auto", dict(loaded.documents),
                    {"b.md": (DocumentRecord("b.md", "sha", "B", "markdown", 1, 1, "now"), new)},
                    np.ones((1, 8), dtype=np.float32) / np.sqrt(8), sentence_vectors=added)
    with store.write_lock():
        store.commit(loaded, update)
    after = store.load()
    for got, expected in zip(after.sentence_vectors(range(after.count)), stored + added,
                             strict=True):
        np.testing.assert_array_equal(got, expected)
    assert {"sentences.npy", "sentence_offsets.npy"} <= set(
        json.loads(store.manifest_path.read_text())["files"])


def test_an_index_saved_before_sentence_vectors_reads_with_none_stored(tmp_path):
    store = IndexStore(tmp_path)
    with store.write_lock():
        store.save(_snapshot(3))
    manifest = json.loads(store.manifest_path.read_text())
    manifest["format_version"] = 3
    for name in ("sentences.npy", "sentence_offsets.npy"):
        (tmp_path / manifest["generation"] / name).unlink()
        del manifest["files"][name]
    store.manifest_path.write_text(json.dumps(manifest))
    assert [v.shape for v in store.load().sentence_vectors([0, 2])] == [(0, 8), (0, 8)]
