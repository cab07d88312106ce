"""The index in PostgreSQL with pgvector, for teams that outgrow one machine.

Several app replicas read one database and see each other's uploads on their next question
(`generation` changes with every commit). Tables, all prefixed `pa_`:

    pa_schema      the applied migration version (`MIGRATIONS`)
    pa_manifest    one row: model, backend, dimension, chunking, the generation mark, chunk
                   count, total BM25 length and the next free row number
    pa_documents   one row per document: its `DocumentRecord`, first row, acronym counts
    pa_chunks      one row per chunk, with its BM25 length and `embedding vector(dim)` under an
                   HNSW index (inner product: the vectors are unit length), and its
                   sentences' vectors (float16 bytes, so answers need not embed them)
    pa_postings    (term, row, tf, length): BM25's inverted lists
    pa_vocabulary  (term, df): how many chunks use each term, kept in step by every commit

Lexical search is BM25 computed in SQL over the postings, with the same terms
(`lexical.Terms`) and the same formula as bm25s on disk, so both stores rank alike; PostgreSQL's
own `ts_rank` is not BM25 and its English configuration stems and drops other words. Dense
search is pgvector's HNSW; a document filter is a `WHERE` over the source, scanned exactly.

Why not llama-index's `PGVectorStore`: its hybrid mode ranks with `ts_rank`, it re-wraps every
chunk as a llama-index node, and replacing a document is a delete and an insert in separate
transactions; here a commit replaces documents in one transaction (a crash leaves the before
or after state), under an advisory lock so two ingests queue instead of interleaving.

Every value reaches SQL as a query parameter, never as text spliced into a statement.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from functools import cached_property, lru_cache

import numpy as np

from assistant.chunking import Chunk
from assistant.errors import (
    IndexBusyError,
    IndexMismatchError,
    IndexMissingError,
    StoreError,
)
from assistant.glossary import definition_counts, glossary_of
from assistant.lexical import K1, B, Terms, indexed_text
from assistant.records import DocumentRecord, Update
from assistant.store import FORMAT_VERSION, IndexSnapshot

SCHEMA_VERSION = 2
WRITER_LOCK = 0x504C_414E  # the advisory lock ingests queue on ("PLAN")
LOCK_WAIT = "10min"  # an ingest waits this long for another to finish, then gives up
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
# HNSW candidates per query: recall@10 at 100k synthetic chunks is 0.83 at 100, 0.94 at 200,
# 0.97 at 400 with a dense p95 of 9 ms (benchmarks/scale.py --store pg, docs/benchmarks.md)
EF_SEARCH = 400
GRAPH_BYTES_PER_ROW = 2500  # what pgvector's HNSW build holds per 384-dim vector in memory
ROW_CACHE = 8192  # chunks kept decoded per store (rows are never reused, so never stale)
CONNECT_TIMEOUT = 5
POOL_SIZE = 8  # connections per app process: the UI answers a few questions at once
COLUMNS = "row, id, source, title, page, section, text"
TABLES = ("pa_vocabulary", "pa_postings", "pa_chunks", "pa_documents", "pa_manifest",
          "pa_schema")

# Migration n (1-based) brings the schema from version n-1 to n; `{dimension}` is the
# embedding model's.
MIGRATIONS = (
    """
    CREATE TABLE pa_schema (version integer NOT NULL);
    INSERT INTO pa_schema VALUES (0);
    CREATE TABLE pa_manifest (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        format_version integer NOT NULL, model text NOT NULL, backend text NOT NULL,
        dimension integer NOT NULL, chunk_size integer NOT NULL, chunk_overlap integer NOT NULL,
        generation text NOT NULL, saved_at timestamptz NOT NULL DEFAULT now(),
        chunk_count bigint NOT NULL DEFAULT 0, total_length bigint NOT NULL DEFAULT 0,
        next_row bigint NOT NULL DEFAULT 0);
    CREATE TABLE pa_documents (
        source text PRIMARY KEY, record jsonb NOT NULL, first_row bigint NOT NULL,
        definitions json NOT NULL);
    CREATE TABLE pa_chunks (
        row bigint PRIMARY KEY, id text NOT NULL, source text NOT NULL, title text NOT NULL,
        page integer, section text, text text NOT NULL, length integer NOT NULL,
        embedding vector({dimension}) NOT NULL);
    CREATE INDEX pa_chunks_source ON pa_chunks (source, row);
    CREATE TABLE pa_postings (
        term text NOT NULL, row bigint NOT NULL, tf integer NOT NULL, length integer NOT NULL,
        PRIMARY KEY (term, row) INCLUDE (tf, length));
    CREATE INDEX pa_postings_row ON pa_postings (row);
    CREATE TABLE pa_vocabulary (term text PRIMARY KEY, df integer NOT NULL);
    """,
    "ALTER TABLE pa_chunks ADD COLUMN sentences bytea;",
)
HNSW_INDEX = (f"CREATE INDEX IF NOT EXISTS pa_chunks_embedding ON pa_chunks USING hnsw "
              f"(embedding vector_ip_ops) WITH (m = {HNSW_M}, "
              f"ef_construction = {HNSW_EF_CONSTRUCTION})")


def redacted(url: str) -> str:
    """The URL without its password, for messages and reports."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return "the PostgreSQL store (unparseable URL)"
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    user = f"{parts['user']}@" if parts.get("user") else ""
    return f"postgresql://{user}{host}{port}/{parts.get('dbname', '')}"


def _explain(url: str, exc: Exception) -> StoreError:
    """One line naming the fix for a failed connection or statement. libpq's own text is
    never shown for a URL it cannot parse: it quotes the offending part, password included."""
    import psycopg

    where = redacted(url)
    text = str(exc).strip()
    lower = text.lower()
    if isinstance(exc, psycopg.ProgrammingError) and "invalid" in lower and \
            ("uri" in lower or "token" in lower or "connection option" in lower):
        fix = "the URL cannot be parsed: check its form, postgresql://user:password@host:" \
              "port/database (percent-encode special characters in the password)"
    elif "password authentication failed" in lower or "no password supplied" in lower:
        fix = "the server refused the user or password: fix them in --store / " \
              "$PLAN_ASSISTANT_STORE"
    elif "does not exist" in lower and "database" in lower:
        fix = "that database does not exist: create it (createdb) or fix the name in --store"
    elif any(s in lower for s in ("connection refused", "no such file", "timeout expired",
                                  "could not translate host", "could not connect")):
        fix = "cannot reach the server: start it (a local one: scripts/postgres.sh start) or " \
              "fix the host and port in --store"
    else:
        fix = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(f"{where}: {fix}")


def _text(value: str | None) -> str | None:
    """`value` without NUL characters, which PostgreSQL text and JSON cannot hold (a PDF
    title may carry one; the on-disk store keeps it)."""
    return value.replace("\x00", "").replace("\\u0000", "") if value else value


class PostgresTerms(Terms):
    """Terms as on disk; chunk count and document frequencies from the database."""

    def __init__(self, store: PostgresStore, chunk_count: int) -> None:
        super().__init__()
        self._store = store
        self._chunk_count = chunk_count
        self.frequency = lru_cache(maxsize=100_000)(self._frequency)

    @property
    def chunk_count(self) -> int:
        return self._chunk_count

    def _frequency(self, term: str) -> int:
        found = self._store.query("SELECT df FROM pa_vocabulary WHERE term = %s", (term,))
        return int(found[0][0]) if found else 0

    def document_frequency(self, term: str) -> int:
        return self.frequency(term)


class PostgresIndex:
    """One generation of the index as read from the database (`stores.IndexView`)."""

    parallel_search = True  # searches wait on the server: several can run at once

    def __init__(self, store: PostgresStore, manifest: dict, documents: list[tuple]) -> None:
        self._store = store
        self.model = manifest["model"]
        self.backend = manifest["backend"]
        self.dimension = manifest["dimension"]
        self.chunk_size = manifest["chunk_size"]
        self.chunk_overlap = manifest["chunk_overlap"]
        self.generation = manifest["generation"]
        self._count = manifest["chunk_count"]
        self._sentences_stored = manifest.get("schema_version", 0) >= 2
        self._average_length = manifest["total_length"] / max(manifest["chunk_count"], 1)
        ordered = sorted(documents, key=lambda d: d[1])  # by first row: the disk store's order
        self.documents = {record["source"]: DocumentRecord(**record)
                          for record, _, _ in sorted(documents, key=lambda d: d[0]["source"])}
        self.glossary = glossary_of({acronym: Counter(names) for acronym, names in
                                     definitions.items()} for _, _, definitions in ordered)

    @property
    def count(self) -> int:
        return self._count

    @property
    def pages(self) -> int:
        return sum(doc.pages for doc in self.documents.values())

    @cached_property
    def lexical(self) -> PostgresTerms:
        return PostgresTerms(self._store, self._count)

    def chunk(self, row: int) -> Chunk | None:
        found = self._store.chunks_at([row])
        return found[0]

    def chunks_at(self, rows: Sequence[int]) -> list[Chunk]:
        found = self._store.chunks_at(rows)
        if any(chunk is None for chunk in found):
            raise IndexError(f"rows {[r for r, c in zip(rows, found, strict=True) if c is None]}"
                             " are no longer in the index")
        return found  # type: ignore[return-value]

    def iter_chunks(self) -> Iterator[Chunk]:
        return self._store.iter_chunks()

    def neighbours(self, row: int) -> tuple[Chunk | None, Chunk | None]:
        this, before, after = self._store.chunks_at([row, row - 1, row + 1])
        source = this.source if this else None
        return (before if before and before.source == source else None,
                after if after and after.source == source else None)

    def run(self, row: int, reach: int) -> list[tuple[int, Chunk]]:
        rows = list(range(max(0, row - reach), row + reach + 1))
        chunks = dict(zip(rows, self._store.chunks_at(rows), strict=True))
        source = chunks[row].source if chunks.get(row) else None
        return [(r, c) for r, c in chunks.items() if c is not None and c.source == source]

    def rows_of(self, sources: set[str]) -> np.ndarray:
        found = self._store.query("SELECT row FROM pa_chunks WHERE source = ANY(%s) ORDER BY row",
                                  (sorted(sources),))
        return np.fromiter((r for (r,) in found), dtype=np.int64, count=len(found))

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        rows = [int(r) for r in rows]
        found = dict(self._store.query(
            "SELECT row, embedding::real[] FROM pa_chunks WHERE row = ANY(%s)", (rows,)))
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([np.asarray(found[r], dtype=np.float32) for r in rows])

    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        empty = np.zeros((0, self.dimension), dtype=np.float16)
        rows = [int(r) for r in rows]
        if not self._sentences_stored or not rows:
            return [empty for _ in rows]
        found = dict(self._store.query(
            "SELECT row, sentences FROM pa_chunks WHERE row = ANY(%s) AND sentences IS NOT NULL",
            (rows,)))
        return [np.frombuffer(found[r], dtype=np.float16).reshape(-1, self.dimension)
                if r in found else empty for r in rows]

    def dense_search(self, vector: np.ndarray, n: int,
                     sources: set[str] | None = None) -> list[tuple[int, float]]:
        query = "[" + ",".join(map(str, np.asarray(vector, np.float32).reshape(-1).tolist())) + "]"
        if sources:  # one or a few documents: an exact scan of their rows
            sql = ("WITH chosen AS MATERIALIZED (SELECT row, embedding FROM pa_chunks "
                   "WHERE source = ANY(%s)) SELECT row, -(embedding <#> %s::vector) AS score "
                   "FROM chosen ORDER BY score DESC, row LIMIT %s")
            parameters: tuple = (sorted(sources), query, n)
        else:
            sql = ("SELECT row, -(embedding <#> %s::vector) FROM pa_chunks "
                   "ORDER BY embedding <#> %s::vector LIMIT %s")
            parameters = (query, query, n)
        # The planner prices an HNSW scan by ef_search and picks a full scan of a table of
        # 10k rows at ef_search 400 (18 ms instead of 1.5): the graph is always the faster way.
        found = self._store.query(sql, parameters,
                                  planner=None if sources else {"enable_seqscan": "off"})
        return sorted(((int(row), float(score)) for row, score in found),
                      key=lambda pair: (-pair[1], pair[0]))

    def lexical_search(self, query: str, n: int,
                       sources: set[str] | None = None) -> list[tuple[int, float]]:
        where = " AND p.row IN (SELECT row FROM pa_chunks WHERE source = ANY(%(sources)s))" \
            if sources else ""
        return self._bm25(query, where, {"n": n, "sources": sorted(sources or ())})

    def lexical_scores(self, query: str, rows: Sequence[int]) -> dict[int, float]:
        """The BM25 score of each of `rows` (0 for one that holds no term of `query`)."""
        found = dict(self._bm25(query, " AND p.row = ANY(%(rows)s)",
                                {"n": len(rows), "rows": [int(row) for row in rows]}))
        return {row: found.get(row, 0.0) for row in rows}

    def _bm25(self, query: str, where: str, parameters: dict) -> list[tuple[int, float]]:
        """The best rows by BM25 (`parameters["n"]` of them) among those `where` keeps."""
        terms = [term for term in self.lexical.terms(query)
                 if self.lexical.document_frequency(term)]
        if not terms or not parameters["n"]:
            return []
        weights = [self.lexical.idf(term) for term in terms]
        sql = ("SELECT p.row, sum(q.weight * p.tf / (p.tf + %(k1)s * (1 - %(b)s + %(b)s * "
               "p.length / %(average)s))) AS score "
               "FROM unnest(%(terms)s::text[], %(weights)s::float8[]) AS q(term, weight) "
               "JOIN pa_postings p ON p.term = q.term" + where +
               " GROUP BY p.row ORDER BY score DESC, p.row LIMIT %(n)s")
        found = self._store.query(sql, {"terms": terms, "weights": weights, "k1": K1, "b": B,
                                        "average": self._average_length, **parameters})
        # in the disk store's precision (bm25s scores in float32), so that both stores
        # print the same score, ties then broken by row as there
        scored = [(int(row), float(np.float32(score))) for row, score in found if score > 0]
        return sorted(scored, key=lambda pair: (-pair[1], pair[0]))


class PostgresStore:
    """Reads and writes the index in one PostgreSQL database (`stores.Store`)."""

    shared = True  # other processes (replicas, ingest jobs) change it while this one reads

    def __init__(self, url: str, ef_search: int = EF_SEARCH) -> None:
        self.url = url
        self.ef_search = ef_search
        self._writer = None  # the connection holding the writer lock, during an ingest
        self._rows: OrderedDict[int, Chunk] = OrderedDict()  # recently read chunks by row
        self._lock = threading.Lock()

    @property
    def location(self) -> str:
        return redacted(self.url)

    # -- connections ---------------------------------------------------------------------

    def connect(self, autocommit: bool = True):
        """A new connection with pgvector's types, or a `StoreError` naming the fix."""
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=autocommit,
                                   connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise _explain(self.url, exc) from exc

    @cached_property
    def _pool(self):
        """Reading connections. Vectors travel as text and `real[]`, so these need no pgvector
        type registration (which would fail on a database where no ingest has yet created
        the extension, and stay failed after one has)."""
        from psycopg_pool import ConnectionPool

        self.connect().close()  # a clear error now rather than a pool timeout later

        def configure(connection) -> None:
            connection.execute("SELECT set_config('hnsw.ef_search', %s, false)",
                               (str(self.ef_search),))

        pool = ConnectionPool(self.url, min_size=1, max_size=POOL_SIZE, open=False,
                              kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
                              configure=configure, check=ConnectionPool.check_connection,
                              timeout=30)
        pool.open(wait=True, timeout=30)
        return pool

    def query(self, sql: str, parameters: Sequence | dict = (), *,
              planner: dict[str, str] | None = None) -> list[tuple]:
        """Rows of one read-only statement on a pooled connection, with `planner` settings for
        that statement only. A connection the server dropped (a restart) is noticed by the
        pool's check and replaced."""
        import psycopg

        with self._lock:
            pool = self._pool
        try:
            with pool.connection() as connection:
                if not planner:
                    return connection.execute(sql, parameters).fetchall()
                with connection.transaction():
                    for name, value in planner.items():
                        connection.execute("SELECT set_config(%s, %s, true)", (name, value))
                    return connection.execute(sql, parameters).fetchall()
        except psycopg.errors.UndefinedTable:
            raise  # callers that probe for an index before one exists handle this
        except psycopg.Error as exc:
            raise _explain(self.url, exc) from exc

    def close(self) -> None:
        if "_pool" in self.__dict__:
            self.__dict__.pop("_pool").close()

    # -- reading -------------------------------------------------------------------------

    def _schema_version(self) -> int:
        found = self.query("SELECT to_regclass('pa_schema') IS NOT NULL")
        if not found[0][0]:
            return 0
        return int(self.query("SELECT version FROM pa_schema")[0][0])

    def exists(self) -> bool:
        return self._schema_version() > 0 and bool(self.query("SELECT 1 FROM pa_manifest"))

    def generation(self) -> str:
        from psycopg.errors import UndefinedTable

        try:
            found = self.query("SELECT generation FROM pa_manifest")
        except UndefinedTable:  # nothing ingested yet
            return ""
        return found[0][0] if found else ""

    def _manifest(self) -> dict:
        version = self._schema_version()
        if version > SCHEMA_VERSION:
            raise IndexMismatchError(
                f"{self.location} holds schema version {version}; this version of Plan "
                f"Assistant reads up to {SCHEMA_VERSION}: upgrade Plan Assistant")
        found = self.query(
            "SELECT format_version, model, backend, dimension, chunk_size, chunk_overlap, "
            "generation, chunk_count, total_length FROM pa_manifest") if version else []
        if not found:
            raise IndexMissingError(
                f"no index in {self.location}: build one with `plan-assistant ingest --store "
                "URL`, or copy an on-disk one with `plan-assistant migrate --index DIR --store "
                "URL`")
        keys = ("format_version", "model", "backend", "dimension", "chunk_size",
                "chunk_overlap", "generation", "chunk_count", "total_length")
        return dict(zip(keys, found[0], strict=True)) | {"schema_version": version}

    def load(self, expect_model: str | None = None,
             expect_backend: str | None = None) -> PostgresIndex:
        manifest = self._manifest()
        if expect_model not in (None, manifest["model"]) or \
                expect_backend not in (None, manifest["backend"]):
            asked = f" on the {expect_backend} backend" if expect_backend else ""
            raise IndexMismatchError(
                f"{self.location} was embedded with model '{manifest['model']}' on the "
                f"{manifest['backend']} backend ({manifest['dimension']} dims), but the "
                f"settings ask for model '{expect_model or manifest['model']}'{asked}: "
                "rebuild it with `plan-assistant ingest --rebuild`, or set model = "
                f"\"{manifest['model']}\" and embedding_backend = \"{manifest['backend']}\"")
        documents = self.query("SELECT record, first_row, definitions FROM pa_documents")
        return PostgresIndex(self, manifest, documents)

    def chunks_at(self, rows: Sequence[int]) -> list[Chunk | None]:
        """Chunks by row (None for a row not in the index); misses are read in one query and
        kept, least recently used first out."""
        rows = [int(r) for r in rows]
        with self._lock:
            found = {r: self._rows[r] for r in rows if r in self._rows}
            for row in found:
                self._rows.move_to_end(row)
        missing = sorted({r for r in rows if r >= 0} - set(found))
        if missing:
            read = {values[0]: Chunk(*values[1:]) for values in self.query(
                f"SELECT {COLUMNS} FROM pa_chunks WHERE row = ANY(%s)", (missing,))}
            found |= read
            with self._lock:
                self._rows.update(read)
                while len(self._rows) > ROW_CACHE:
                    self._rows.popitem(last=False)
        return [found.get(r) for r in rows]

    def iter_chunks(self, batch: int = 10_000) -> Iterator[Chunk]:
        """Every chunk in row order, read a batch at a time."""
        after = -1
        while True:
            found = self.query(f"SELECT {COLUMNS} FROM pa_chunks WHERE row > %s ORDER BY row "
                               "LIMIT %s", (after, batch))
            yield from (Chunk(*values[1:]) for values in found)
            if len(found) < batch:
                return
            after = found[-1][0]

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """The writer lock on a connection of its own: a second ingest (from any machine)
        waits for the first to commit, up to `LOCK_WAIT`."""
        import psycopg

        connection = self.connect(autocommit=True)
        try:
            connection.execute(f"SET lock_timeout = '{LOCK_WAIT}'")
            try:
                connection.execute("SELECT pg_advisory_lock(%s)", (WRITER_LOCK,))
            except psycopg.errors.LockNotAvailable as exc:
                raise IndexBusyError(f"{self.location} has been updated by another process "
                                     f"for over {LOCK_WAIT}: try again later") from exc
            self._writer = connection
            yield
        finally:
            self._writer = None
            connection.close()

    def commit(self, old: IndexSnapshot | PostgresIndex, update: Update) -> PostgresIndex:
        """Apply `update` in one transaction. The caller holds `write_lock()`."""
        import psycopg

        if self._writer is None:
            raise RuntimeError("commit() needs write_lock()")
        connection = self._writer
        try:
            with connection.transaction():
                self._apply(connection, update)
        except psycopg.errors.FeatureNotSupported as exc:
            raise _explain(self.url, exc) from exc
        except psycopg.errors.UndefinedFile as exc:  # no pgvector on the server
            raise StoreError(
                f"{self.location}: the server has no pgvector extension: install it (managed "
                "PostgreSQL: enable the 'vector' extension) and run the command again") from exc
        except psycopg.errors.InsufficientPrivilege as exc:
            first = str(exc).splitlines()[0]
            fix = ("a superuser or the database owner must run CREATE EXTENSION vector in "
                   "this database once (managed PostgreSQL: enable the 'vector' extension)"
                   if "extension" in first else
                   "grant this role CREATE on the database's public schema")
            raise StoreError(f"{self.location}: {first}: {fix}, then run the command again"
                             ) from exc
        except psycopg.Error as exc:
            raise _explain(self.url, exc) from exc
        return self.load()

    def _apply(self, connection, update: Update) -> None:
        from pgvector.psycopg import register_vector

        version = self._version_on(connection)
        carried = 0  # a rebuild keeps counting rows: replicas' caches key chunks by row
        if update.rebuild and version:
            found = connection.execute("SELECT next_row FROM pa_manifest").fetchone()
            carried = found[0] if found else 0
            connection.execute("DROP TABLE IF EXISTS " + ", ".join(TABLES))
            version = 0
        connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(connection)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            connection.execute(MIGRATIONS[number - 1].format(dimension=int(update.dimension)))
            connection.execute("UPDATE pa_schema SET version = %s", (number,))
        row = connection.execute("SELECT next_row, chunk_count FROM pa_manifest FOR UPDATE"
                                 ).fetchone()
        next_row, count = row if row else (carried, 0)
        gone = [source for (source,) in connection.execute(
            "SELECT source FROM pa_documents WHERE NOT (source = ANY(%s))",
            (sorted(update.kept),))]
        if gone:
            self._delete(connection, gone)
        bulk = count == 0
        if bulk:  # an empty table: load first, build the HNSW graph once afterwards
            connection.execute("DROP INDEX IF EXISTS pa_chunks_embedding")
        next_row = self._insert(connection, update, next_row)
        if bulk:
            # the whole graph in memory builds several times faster than one spilled to disk
            memory_mb = min(4096, max(256, next_row * GRAPH_BYTES_PER_ROW // 2**20))
            connection.execute(f"SET LOCAL maintenance_work_mem = '{memory_mb}MB'")
            connection.execute(HNSW_INDEX)
        connection.execute("DELETE FROM pa_vocabulary WHERE df <= 0")
        totals = connection.execute(
            "SELECT count(*), coalesce(sum(length), 0) FROM pa_chunks").fetchone()
        generation = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        connection.execute(
            "INSERT INTO pa_manifest (format_version, model, backend, dimension, chunk_size, "
            "chunk_overlap, generation, chunk_count, total_length, next_row) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (only_row) DO UPDATE SET "
            "format_version = excluded.format_version, model = excluded.model, backend = "
            "excluded.backend, dimension = excluded.dimension, chunk_size = "
            "excluded.chunk_size, chunk_overlap = excluded.chunk_overlap, generation = "
            "excluded.generation, saved_at = now(), chunk_count = excluded.chunk_count, "
            "total_length = excluded.total_length, next_row = excluded.next_row",
            (FORMAT_VERSION, update.model, update.backend, update.dimension, update.chunk_size,
             update.chunk_overlap, generation, totals[0], totals[1], next_row))

    @staticmethod
    def _version_on(connection) -> int:
        if not connection.execute("SELECT to_regclass('pa_schema') IS NOT NULL").fetchone()[0]:
            return 0
        return int(connection.execute("SELECT version FROM pa_schema").fetchone()[0])

    @staticmethod
    def _delete(connection, sources: list[str]) -> None:
        """Take documents out, their terms' document frequencies with them."""
        chosen = "SELECT row FROM pa_chunks WHERE source = ANY(%s)"
        connection.execute(
            "UPDATE pa_vocabulary v SET df = v.df - g.n FROM (SELECT term, count(*) AS n FROM "
            f"pa_postings WHERE row IN ({chosen}) GROUP BY term) g WHERE v.term = g.term",
            (sources,))
        connection.execute(f"DELETE FROM pa_postings WHERE row IN ({chosen})", (sources,))
        connection.execute("DELETE FROM pa_chunks WHERE source = ANY(%s)", (sources,))
        connection.execute("DELETE FROM pa_documents WHERE source = ANY(%s)", (sources,))

    def _insert(self, connection, update: Update, next_row: int) -> int:
        """Write the added documents' chunks, postings and terms from row `next_row`;
        return the next free row."""
        terms = PostgresTerms(self, 0)
        frequencies: Counter[str] = Counter()
        vectors = iter(update.vectors)
        sentences = iter(update.sentence_vectors or [])
        with connection.cursor() as cursor:
            for source, (record, chunks) in update.added.items():
                first = next_row
                tokens = terms.tokenize([indexed_text(chunk) for chunk in chunks])
                with cursor.copy("COPY pa_chunks (row, id, source, title, page, section, text, "
                                 "length, embedding, sentences) FROM STDIN WITH (FORMAT BINARY)"
                                 ) as copy:
                    copy.set_types(["int8", "text", "text", "text", "int4", "text", "text",
                                    "int4", "vector", "bytea"])
                    for offset, (chunk, words) in enumerate(zip(chunks, tokens, strict=True)):
                        stored = next(sentences, None)
                        copy.write_row([first + offset, chunk.id, _text(chunk.source),
                                        _text(chunk.title), chunk.page, _text(chunk.section),
                                        _text(chunk.text), len(words),
                                        np.asarray(next(vectors), dtype=np.float32),
                                        None if stored is None else
                                        np.asarray(stored, dtype=np.float16).tobytes()])
                with cursor.copy("COPY pa_postings (term, row, tf, length) FROM STDIN WITH "
                                 "(FORMAT BINARY)") as copy:
                    copy.set_types(["text", "int8", "int4", "int4"])
                    for offset, words in enumerate(tokens):
                        counted = Counter(word for word in words if word)
                        frequencies.update(counted.keys())
                        for word, tf in counted.items():
                            copy.write_row([word, first + offset, tf, len(words)])
                definitions = definition_counts(chunk.text for chunk in chunks)
                cursor.execute(
                    "INSERT INTO pa_documents (source, record, first_row, definitions) "
                    "VALUES (%s, %s, %s, %s)",
                    (_text(source), _text(json.dumps(asdict(record))), first,
                     _text(json.dumps(definitions))))
                next_row += len(chunks)
            if frequencies:
                cursor.execute(
                    "INSERT INTO pa_vocabulary (term, df) SELECT * FROM unnest(%s::text[], "
                    "%s::int[]) ON CONFLICT (term) DO UPDATE SET df = pa_vocabulary.df + "
                    "excluded.df", (list(frequencies), list(frequencies.values())))
        return next_row
