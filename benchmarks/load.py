"""Load: 20 concurrent `gradio_client` users asking the running app questions.

Starts `plan-assistant serve` on a fresh index of the sample corpus (loopback only), then
20 client threads ask questions from eval/qa.jsonl until 1,000 have been answered or the time
limit passes. Reports errors, latency p50/p95 and the server's memory (RSS) sampled as it
goes, so a leak shows as growth between the first and last hundred questions.

    .venv/bin/python benchmarks/load.py [--users 20] [--questions 1000] [--limit 900]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=900, help="seconds at most")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "load.json")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "eval" / "qa.jsonl").read_text().splitlines() if line.strip()]
    from gradio_client import Client

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PLAN_ASSISTANT_INDEX": str(Path(tmp) / "index")}
        subprocess.run([sys.executable, "-m", "assistant", "ingest", str(ROOT / "corpus"),
                        "--quiet"], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port",
                                   str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    Client(url, verbose=False)
                    break
                except Exception:  # not up yet
                    time.sleep(0.5)
            latencies: list[float] = []
            errors: list[str] = []
            memory: list[tuple[int, float]] = [(0, rss_mb(server.pid))]
            lock = threading.Lock()
            counter = iter(range(args.questions))
            deadline = time.time() + args.limit

            def user() -> None:
                client = Client(url, verbose=False)
                while time.time() < deadline:
                    with lock:
                        number = next(counter, None)
                    if number is None:
                        return
                    started = time.perf_counter()
                    try:
                        result = client.predict(questions[number % len(questions)],
                                                api_name="/ask")
                        answer = json.loads(result) if isinstance(result, str) else result
                        assert "answer" in answer and "citations" in answer
                        with lock:
                            latencies.append((time.perf_counter() - started) * 1000)
                    except Exception as exc:  # every failure counts as an error
                        with lock:
                            errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    if number % 100 == 99:
                        with lock:
                            memory.append((number + 1, rss_mb(server.pid)))

            started = time.perf_counter()
            threads = [threading.Thread(target=user) for _ in range(args.users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    ordered = sorted(latencies)
    result = {
        "users": args.users, "answered": len(latencies), "errors": len(errors),
        "error_samples": errors[:5], "seconds": round(elapsed, 1),
        "throughput_qps": round(len(latencies) / elapsed, 2),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        "rss_mb": memory,
    }
    print(f"{'users':>5} {'answered':>8} {'errors':>6} {'seconds':>7} {'q/s':>5} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'RSS first→last MB':>18}")
    print(f"{result['users']:>5} {result['answered']:>8} {result['errors']:>6} "
          f"{result['seconds']:>7} {result['throughput_qps']:>5} {result['p50_ms']:>7} "
          f"{result['p95_ms']:>7} {memory[1][1] if len(memory) > 1 else memory[0][1]:>8.0f}"
          f" → {memory[-1][1]:.0f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
