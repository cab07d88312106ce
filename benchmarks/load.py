"""Load: concurrent `gradio_client` users asking the running app questions.

Default (`--store disk`): starts `plan-assistant serve` on a fresh on-disk index of the sample
corpus (loopback only), then 20 client threads ask questions from eval/qa.jsonl until 1,000
have been answered or the time limit passes. Reports errors, latency p50/p95 and the server's
memory (RSS) sampled as it goes, so a leak shows as growth between the first and last hundred
questions. Results: benchmarks/results/load.json.

`--store pg`: starts the embedded PostgreSQL (assistant.devdb) in a temporary folder, ingests the
corpus into it with the CLI and serves it from `--replicas` processes on their own ports. Users
are spread round-robin over the replicas; errors, latency and RSS are reported per replica and
in total (the database's own memory is not counted). Then a cross-replica freshness check: a
Markdown file with a made-up fact is added to the store while the replicas keep running, and
replica 2 (not restarted) is asked about it through a fresh client. The app's upload button
has no API endpoint (its events are `api_visibility="private"`), so the file goes in through
`plan-assistant ingest FILE --store URL`, a separate writer process standing in for replica 1's
upload. Results: benchmarks/results/load-pg.json.

    .venv/bin/python benchmarks/load.py [--users 20] [--questions 1000] [--limit 900]
    .venv/bin/python benchmarks/load.py --store pg --replicas 2 [--users 20] [--questions 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
STARTUP_SECONDS = 120
FACT_FILE = "melton-stroke-unit.md"
FACT_TEXT = "# Stroke unit\n\nThe Melton stroke rehabilitation unit will open 24 beds in 2027.\n"
FACT_QUESTION = "How many beds will the Melton stroke rehabilitation unit open?"


@dataclass
class Replica:
    """One `serve` process and what the users sent to it measured."""

    number: int
    url: str
    process: subprocess.Popen
    log: Path
    users: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    memory: list[tuple[int, float]] = field(default_factory=list)  # (questions done, RSS MB)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(arguments: list[str], env: dict[str, str]) -> None:
    """Run a `plan-assistant` command; a failure stops the benchmark with the command's stderr."""
    done = subprocess.run([sys.executable, "-m", "assistant", *arguments], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"plan-assistant {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")


@contextlib.contextmanager
def store(kind: str, folder: Path) -> Iterator[list[str]]:
    """The CLI arguments naming the store: none for the on-disk index ($PLAN_ASSISTANT_INDEX),
    or `--store URL` of a PostgreSQL started in `folder` and stopped on exit."""
    if kind == "disk":
        yield []
        return
    from assistant import devdb

    pgdata = folder / "pgdata"
    server = devdb.start(pgdata)
    try:
        yield ["--store", server.get_uri()]
    finally:
        devdb.stop(pgdata)


def start_replica(number: int, env: dict[str, str], store_args: list[str],
                  folder: Path) -> Replica:
    port = free_port()
    log = folder / f"serve-{number}.log"
    with log.open("w") as stderr:  # kept so a replica that dies can say why
        process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port",
                                    str(port), *store_args], env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    return Replica(number, f"http://127.0.0.1:{port}", process, log)


def wait_until_up(replica: Replica) -> None:
    from gradio_client import Client

    deadline = time.time() + STARTUP_SECONDS
    while time.time() < deadline:
        if replica.process.poll() is not None:
            raise SystemExit(f"replica {replica.number} exited:\n"
                             f"{replica.log.read_text()[-2000:]}")
        try:
            Client(replica.url, verbose=False)
            return
        except Exception:  # not up yet
            time.sleep(0.5)
    raise SystemExit(f"replica {replica.number} not up after {STARTUP_SECONDS} s")


def stop_replicas(replicas: list[Replica]) -> None:
    for replica in replicas:
        replica.process.terminate()
    for replica in replicas:
        replica.process.wait(timeout=30)


def ask(client, question: str) -> dict:
    """The app's answer object; anything else raises, so the caller counts it as an error."""
    result = client.predict(question, api_name="/ask")
    answer = json.loads(result) if isinstance(result, str) else result
    if not isinstance(answer, dict) or "answer" not in answer or "citations" not in answer:
        raise ValueError(f"malformed answer: {str(answer)[:100]}")
    return answer


def run_load(replicas: list[Replica], questions: list[str], users: int, total: int,
             limit: float) -> float:
    """Ask `total` questions from `users` threads (round-robin over the replicas); seconds
    taken. Every hundredth question samples every replica's RSS, so the samples line up."""
    from gradio_client import Client

    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.time() + limit
    for replica in replicas:
        replica.memory.append((0, rss_mb(replica.process.pid)))

    def user(replica: Replica) -> None:
        client = Client(replica.url, verbose=False)
        while time.time() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            started = time.perf_counter()
            try:
                ask(client, questions[number % len(questions)])
                with lock:
                    replica.latencies.append((time.perf_counter() - started) * 1000)
            except Exception as exc:  # every failure counts as an error
                with lock:
                    replica.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            if number % 100 == 99:
                with lock:
                    for each in replicas:
                        each.memory.append((number + 1, rss_mb(each.process.pid)))

    threads = []
    for index in range(users):
        replica = replicas[index % len(replicas)]
        replica.users += 1
        threads.append(threading.Thread(target=user, args=(replica,)))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def freshness_check(replicas: list[Replica], env: dict[str, str], store_args: list[str],
                    folder: Path) -> dict:
    """Add a new fact to the shared store while the replicas run, then ask the second replica
    about it: it should answer, citing the new file, without a restart."""
    from gradio_client import Client

    fact = folder / "fresh" / FACT_FILE
    fact.parent.mkdir()
    fact.write_text(FACT_TEXT, encoding="utf-8")
    run_cli(["ingest", str(fact), "--quiet", *store_args], env)
    asked = replicas[1] if len(replicas) > 1 else replicas[0]
    check = {"added_by": "plan-assistant ingest FILE --store URL", "asked_replica": asked.number,
             "question": FACT_QUESTION}
    try:
        answer = ask(Client(asked.url, verbose=False), FACT_QUESTION)
    except Exception as exc:  # reported, not raised: the load results still stand
        return {"upload_seen_by_other_replica": False, "answer": None, **check,
                "error": f"{type(exc).__name__}: {exc}"[:200]}
    cited = [citation["source"] for citation in answer["citations"]]
    seen = bool(answer.get("answered")) and any(source.endswith(FACT_FILE) for source in cited)
    return {"upload_seen_by_other_replica": seen, "answer": answer["answer"], **check,
            "answered": answer.get("answered"), "cited_sources": cited}


def summary(users: int, latencies: list[float], errors: list[str], elapsed: float,
            memory: list[tuple[int, float]]) -> dict:
    ordered = sorted(latencies)
    return {
        "users": users, "answered": len(latencies), "errors": len(errors),
        "error_samples": errors[:5], "seconds": round(elapsed, 1),
        "throughput_qps": round(len(latencies) / elapsed, 2),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        "rss_mb": memory,
    }


def total_summary(replicas: list[Replica], elapsed: float) -> dict:
    """All replicas as one: latencies and errors pooled, RSS summed at each sample point."""
    memory = [(points[0][0], sum(rss for _, rss in points))
              for points in zip(*(replica.memory for replica in replicas), strict=True)]
    return summary(sum(replica.users for replica in replicas),
                   [ms for replica in replicas for ms in replica.latencies],
                   [error for replica in replicas for error in replica.errors], elapsed, memory)


def print_table(rows: list[tuple[str, dict]]) -> None:
    """One line per row; a label column only when there is more than one row."""
    labels = len(rows) > 1
    print(("replica   " if labels else "") + f"{'users':>5} {'answered':>8} {'errors':>6} "
          f"{'seconds':>7} {'q/s':>5} {'p50 ms':>7} {'p95 ms':>7} {'RSS first→last MB':>18}")
    for label, row in rows:
        memory = row["rss_mb"]
        first = memory[1][1] if len(memory) > 1 else memory[0][1]  # after warm-up
        print((f"{label:<9} " if labels else "") + f"{row['users']:>5} {row['answered']:>8} "
              f"{row['errors']:>6} {row['seconds']:>7} {row['throughput_qps']:>5} "
              f"{row['p50_ms']!s:>7} {row['p95_ms']!s:>7} {first:>8.0f}"
              f" → {memory[-1][1]:.0f}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["disk", "pg"], default="disk",
                        help="on-disk index, or an embedded PostgreSQL shared by the replicas")
    parser.add_argument("--replicas", type=int, default=1, help="serve processes (pg only)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=900, help="seconds at most")
    parser.add_argument("--out", type=Path, help="default results/load.json or load-pg.json")
    args = parser.parse_args()
    if args.replicas < 1 or (args.store == "disk" and args.replicas > 1):
        parser.error("--replicas above 1 needs --store pg (replicas share one database)")
    if args.users < args.replicas:
        parser.error("--users must be at least --replicas, so every replica gets a user")
    args.out = args.out or RESULTS / ("load-pg.json" if args.store == "pg" else "load.json")
    return args


def main() -> None:
    args = parse_args()
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "eval" / "qa.jsonl").read_text().splitlines() if line.strip()]
    freshness = None
    with tempfile.TemporaryDirectory() as tmp, store(args.store, Path(tmp)) as store_args:
        folder = Path(tmp)
        env = {**os.environ, "PLAN_ASSISTANT_INDEX": str(folder / "index")}
        run_cli(["ingest", str(ROOT / "corpus"), "--quiet", *store_args], env)
        replicas: list[Replica] = []
        try:
            for number in range(1, args.replicas + 1):
                replicas.append(start_replica(number, env, store_args, folder))
            for replica in replicas:
                wait_until_up(replica)
            elapsed = run_load(replicas, questions, args.users, args.questions, args.limit)
            if args.store == "pg":
                freshness = freshness_check(replicas, env, store_args, folder)
        finally:
            stop_replicas(replicas)
    result = total_summary(replicas, elapsed)
    rows = [("total", result)]
    if args.store == "pg":
        per_replica = [{"replica": replica.number, **summary(replica.users, replica.latencies,
                        replica.errors, elapsed, replica.memory)} for replica in replicas]
        rows = [(f"{row['replica']}", row) for row in per_replica] + rows
        result |= {"store": "pg", "replicas": per_replica, "freshness": freshness}
    print_table(rows)
    if freshness is not None:
        print(f"freshness: upload seen by replica {freshness['asked_replica']}: "
              f"{freshness['upload_seen_by_other_replica']}; answer: {freshness['answer']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
