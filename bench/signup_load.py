"""Signup load benchmark: throughput and latency of the signup POST under gunicorn.

For each database (SQLite file, and a PostgreSQL server this script starts itself) it serves the
app with gunicorn (4 sync workers) on 127.0.0.1, then runs, several times each, a bounded burst
of requests against a trivial endpoint (GET /healthz, the baseline measured in the same run) and
against the signup POST (every request a new person, a 50-seat event, so both the seat and the
waiting-list paths are taken). It prints medians over the runs and the ratio signup/baseline.

    python bench/signup_load.py [--runs 5] [--requests 300] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers import gunicorn_server, postgres_server  # noqa: E402

SECRET = "benchmark-secret-key-not-for-production"


def prepare(database_url: str, slug: str) -> None:
    """Migrate the database and add a published 50-seat event."""
    from flask_migrate import upgrade

    from roundtable import create_app
    from roundtable.domain.models import Event, EventFormat, EventStatus
    from roundtable.extensions import db

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        start = datetime.now(UTC) + timedelta(days=30)
        db.session.add(Event(slug=slug, title="Benchmark roundtable", host="Bench",
                             format=EventFormat.ONLINE, starts_at=start,
                             ends_at=start + timedelta(hours=1), timezone="Europe/London",
                             capacity=50, status=EventStatus.PUBLISHED))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def burst(port: int, requests: int, concurrency: int, make_request) -> dict[str, float]:
    """Send ``requests`` requests from ``concurrency`` threads; return throughput and latency."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        nonlocal errors
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            method, path, body, headers = make_request(n)
            began = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                status = conn.getresponse().status
            finally:
                conn.close()
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                errors += status >= 400

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "throughput": requests / wall,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": errors,
    }


def measure(database_url: str, runs: int, requests: int, concurrency: int) -> dict:
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": "false",
                "WTF_CSRF_ENABLED": "false"}
    slugs = [f"bench-{n}" for n in range(runs)]
    for slug in slugs:
        prepare(database_url, slug)
    results: dict[str, list[dict[str, float]]] = {"baseline": [], "signup": []}
    with gunicorn_server(settings) as base:
        port = urllib.parse.urlsplit(base).port
        for run, slug in enumerate(slugs):
            results["baseline"].append(burst(port, requests, concurrency,
                                             lambda n: ("GET", "/healthz", None, {})))

            def signup(n: int, slug: str = slug, run: int = run):
                body = urllib.parse.urlencode({
                    "name": f"Leader {run}-{n}", "email": f"l{run}x{n}@firm{n % 40}.example",
                    "company": f"Firm {n % 40}", "job_title": "VP Engineering",
                    "seniority": "vp", "consent": "y"})
                return ("POST", f"/events/{slug}/register", body,
                        {"Content-Type": "application/x-www-form-urlencoded"})

            results["signup"].append(burst(port, requests, concurrency, signup))
    summary = {}
    for name, rows in results.items():
        summary[name] = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    summary["ratio"] = {
        "throughput": summary["signup"]["throughput"] / summary["baseline"]["throughput"],
        "p50": summary["signup"]["p50_ms"] / summary["baseline"]["p50_ms"],
        "p99": summary["signup"]["p99_ms"] / summary["baseline"]["p99_ms"],
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = measure(f"sqlite:///{tmp}/bench.sqlite", args.runs, args.requests,
                                   args.concurrency)
    with postgres_server() as url:
        report["postgresql"] = measure(url, args.runs, args.requests, args.concurrency)
    print(f"median of {args.runs} runs, {args.requests} requests each, "
          f"{args.concurrency} concurrent clients, gunicorn 4 sync workers")
    header = ("database", "endpoint", "req/s", "p50 ms", "p99 ms", "errors")
    print("{:<11} {:<9} {:>8} {:>8} {:>8} {:>7}".format(*header))
    for db_name, summary in report.items():
        for endpoint in ("baseline", "signup"):
            r = summary[endpoint]
            print(f"{db_name:<11} {endpoint:<9} {r['throughput']:8.1f} {r['p50_ms']:8.1f} "
                  f"{r['p99_ms']:8.1f} {int(r['errors']):7d}")
        ratio = summary["ratio"]
        print(f"{db_name:<11} signup/baseline: throughput x{ratio['throughput']:.2f}, "
              f"p50 x{ratio['p50']:.2f}, p99 x{ratio['p99']:.2f}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "signup_load.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
