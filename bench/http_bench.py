"""HTTP benchmark: the public pages and the signup POSTs as ratios to a trivial Flask endpoint.

For each database (a SQLite file, and a PostgreSQL cluster this script starts itself) it serves
Roundtable with gunicorn and the production ``gunicorn.conf.py`` (4 sync workers, rate limits
off, CSRF on as in production) on 127.0.0.1, and beside it a trivial Flask app served the same
way (``bench/trivial_app.py``). With wrk it loads, for a bounded time each and in rounds whose
order alternates, the trivial endpoint, the listing ``/``, an event page, its ``.ics``, the
signup POST (every request a new person) and the confirmation POST (every request a fresh
link; it gives the seat), at 10 and at 1,000 published events with 10,000 registrations (the
planner's statistics refreshed once the rows are in, as autovacuum would). The POSTs of each
round fill a roundtable of their own, so a round counts the seats of one filling room. Then
200 confirmations at once on a 50-seat event (time until all are answered; the database must
hold exactly 50 seated) and a memory check (one worker's RSS after 100 and after 10,000
requests). Each round opens and closes with the trivial endpoint; a figure's ratio is to the
mean of those two runs. Prints medians of the rounds, with the targets of issue 17 and PASS or
FAIL.

    python bench/http_bench.py [--rounds 7] [--seconds 2] [--connections 8] [--only sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "tests"))

from servers import free_port, postgres_server  # noqa: E402

SECRET = "benchmark-secret-key-not-for-production"
SCALES = (10, 1000)
REGISTRATIONS = 10_000
BURST, BURST_SEATS = 200, 50
TARGETS = {  # throughput as a share of the trivial endpoint's, per database
    "listing": {"sqlite": 0.5, "postgresql": 0.5},
    "event page": {"sqlite": 0.5, "postgresql": 0.5},
    "event .ics": {"sqlite": 0.7, "postgresql": 0.7},
    "confirm POST": {"sqlite": 0.15, "postgresql": 0.10},
}
SIGNUP_FIELDS = {"company": "Bench Firm", "job_title": "VP Engineering", "seniority": "vp",
                 "consent": "y"}


# --- Serving ------------------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(app: str, settings: dict[str, str], workers: int = 4, port: int | None = None
             ) -> Iterator[tuple[str, int]]:
    """Serve ``app`` with the production gunicorn.conf.py on 127.0.0.1; yield (base, pid)."""
    port = port or free_port()
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8",
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           **{f"ROUNDTABLE_{k}": v for k, v in settings.items()}}
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--access-logfile", "/dev/null", "--pythonpath", str(BENCH), app],
        env=env, cwd=tempfile.gettempdir(), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start:\n"
                                       + Path(log.name).read_text()[-3000:]) from None
                time.sleep(0.1)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        os.unlink(log.name)


# --- The database -------------------------------------------------------------------------------


class Data:
    """The benchmark's rows, written through the app's models (the app built in this process)."""

    def __init__(self, database_url: str, base_url: str) -> None:
        from roundtable import create_app

        self.app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
                               "BASE_URL": base_url})
        self.events = 0

    @contextlib.contextmanager
    def session(self) -> Iterator[Any]:
        from roundtable.extensions import db

        with self.app.app_context():
            try:
                yield db.session
                db.session.commit()
            finally:
                db.session.remove()

    def migrate(self) -> None:
        from flask_migrate import upgrade

        with self.app.app_context():
            upgrade()

    def add_events(self, n: int, *, capacity: int = 100_000, confirm: bool = True,
                   prefix: str = "event") -> list[int]:
        """Add ``n`` published events with filled-in details; return their ids."""
        from roundtable.domain.models import Event, EventFormat, EventStatus

        ids = []
        with self.session() as s:
            for _ in range(n):
                self.events += 1
                start = (datetime.now(UTC) + timedelta(days=3 + self.events % 300)).replace(
                    second=0, microsecond=0)
                event = Event(
                    slug=f"{prefix}-{self.events}", title=f"AI Adoption Roundtable {self.events}",
                    summary="Candid conversation between engineering leaders on AI adoption.",
                    description="What changed in review, hiring and planning.\n\nAnd what did "
                                "not: a conversation among peers, under the Chatham House rule.",
                    host="The Roundtable team", contact_email="host@example.org",
                    format=EventFormat.ONLINE, join_url="https://meet.example.org/room",
                    starts_at=start, ends_at=start + timedelta(hours=1),
                    timezone="Europe/Berlin", capacity=capacity, status=EventStatus.PUBLISHED,
                    confirm_email=confirm)
                s.add(event)
                s.flush()
                ids.append(event.id)
        return ids

    def add_registrations(self, event_ids: list[int], n: int) -> None:
        """Add ``n`` confirmed registrations spread over ``event_ids`` (rows, no rules)."""
        from sqlalchemy import insert

        from roundtable.domain.models import Registration, RegistrationStatus

        rows = [{"event_id": event_ids[i % len(event_ids)], "name": f"Leader {i}",
                 "email": f"leader{i}@firm{i % 500}.example",
                 "email_key": f"leader{i}@firm{i % 500}.example",
                 "company": f"Firm {i % 500}", "company_key": f"firm{i % 500}.example",
                 "job_title": "VP Engineering", "status": RegistrationStatus.CONFIRMED,
                 "eligibility_outcome": "eligible", "eligibility_reasons": []}
                for i in range(n)]
        with self.session() as s:
            s.execute(insert(Registration), rows)

    def add_signups(self, event_id: int, n: int, tag: str) -> list[str]:
        """Add ``n`` signups waiting for their address to answer; return their link tokens."""
        from roundtable.domain import signups, tokens
        from roundtable.domain.models import SignupRequest
        from roundtable.domain.seniority import Seniority

        now = datetime.now(UTC)
        with self.session() as s:
            rows = [SignupRequest(event_id=event_id, name=f"Leader {tag}-{i}",
                                  email=f"c{tag}x{i}@firm{i % 40}.example",
                                  email_key=f"c{tag}x{i}@firm{i % 40}.example",
                                  company=f"Firm {i % 40}", job_title="VP Engineering",
                                  seniority=Seniority.VP, salt=tokens.new_salt(),
                                  created_at=now, mailed_at=now,
                                  expires_at=now + timedelta(hours=24))
                    for i in range(n)]
            s.add_all(rows)
            s.flush()
            found = []
            for row in rows:
                token = signups.confirmation_token(SECRET, row)
                row.token_hash = tokens.hash_token(token)
                found.append(token)
        return found

    def seated(self, event_id: int) -> dict[str, int]:
        """Return how many registrations of the event are in each status."""
        from sqlalchemy import func, select

        from roundtable.domain.models import Registration

        with self.session() as s:
            rows = s.execute(select(Registration.status, func.count())
                             .where(Registration.event_id == event_id)
                             .group_by(Registration.status))
            return {status.value: n for status, n in rows}

    def analyze(self) -> None:
        """Refresh the planner's statistics, as PostgreSQL's autovacuum does after rows grow
        (it would a minute later: the rounds measure the database as it then stands)."""
        from sqlalchemy import text

        from roundtable.extensions import db

        with self.app.app_context():
            with db.engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()

    def settle(self) -> None:
        """After a run that wrote rows: on PostgreSQL, VACUUM ANALYZE now, what autovacuum
        would start on its own in a moment, so that its work lands between runs, not in one."""
        from sqlalchemy import text

        from roundtable.extensions import db

        with self.app.app_context():
            if db.engine.dialect.name != "postgresql":
                return
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))

    def dispose(self) -> None:
        from roundtable.extensions import db

        with self.app.app_context():
            db.engine.dispose()


# --- Load ---------------------------------------------------------------------------------------


@dataclass
class Run:
    """One wrk run: throughput, latency percentiles, answers that were not 2xx or 3xx."""

    rps: float
    p50: float
    p99: float
    requests: int
    bad: int


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None,
        env: dict[str, str] | None = None) -> Run:
    """Load ``url`` with wrk (one thread) for ``seconds``; return what it measured."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})}).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Run(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
               p50=_ms(percentiles.get("50", "0ms")), p99=_ms(percentiles.get("99", "0ms")),
               requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
               bad=int(bad.group(1)) if bad else 0)


def session_cookie(base: str, slug: str) -> tuple[str, str]:
    """Open the event page as a browser does; return its session cookie and the form's token."""
    with urllib.request.urlopen(f"{base}/events/{slug}") as response:
        cookie = next(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie")
                      if c.startswith("session="))
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return cookie, token


def burst(base: str, slug: str, cookie: str, csrf: str, tokens: list[str]) -> float:
    """Send one confirmation per token, all at once; return seconds until all are answered."""
    import http.client

    ready = threading.Barrier(len(tokens) + 1)
    statuses: list[int] = []
    port = urllib.parse.urlsplit(base).port

    def confirm(token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        ready.wait()
        conn.request("POST", f"/events/{slug}/confirm/{token}",
                     body=urllib.parse.urlencode({"csrf_token": csrf}),
                     headers={"Content-Type": "application/x-www-form-urlencoded",
                              "Cookie": cookie})
        statuses.append(conn.getresponse().status)
        conn.close()

    threads = [threading.Thread(target=confirm, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    ready.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if sorted(set(statuses)) != [303]:
        raise RuntimeError(f"burst answers: {sorted(statuses)}")
    return elapsed


def worker_rss_kib(master: int) -> int:
    """Return the resident memory of the one worker of gunicorn master ``master``, in KiB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


# --- One database -------------------------------------------------------------------------------


@dataclass
class Results:
    """Every run of one database, by scale and endpoint; the burst and the memory check."""

    runs: dict[int, dict[str, list[Run]]] = field(default_factory=dict)
    ratios: dict[int, dict[str, list[float]]] = field(default_factory=dict)
    burst_s: float = 0.0
    burst_seated: dict[str, int] = field(default_factory=dict)
    rss_kib: tuple[int, int] = (0, 0)


def measure(database_url: str, args: argparse.Namespace) -> Results:
    """Benchmark one database at each scale; return what was measured."""
    results = Results()
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
                "RATELIMIT_ENABLED": "false"}
    with gunicorn("trivial_app:app", {}) as (trivial, _), \
            tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        data = Data(database_url, base)
        data.migrate()
        target = data.add_events(1, prefix="target")[0]
        fillers = data.add_events(SCALES[0] - 1)
        data.add_registrations([target, *fillers], REGISTRATIONS)
        settings["BASE_URL"] = base
        with _serving_on(port, settings) as (app_base, _pid):
            for scale in SCALES:
                if data.events < scale:
                    data.add_events(scale - data.events)
                data.analyze()
                results.runs[scale], results.ratios[scale] = _rounds(
                    data, app_base, trivial, target, Path(tmp), scale, args)
            burst_event = data.add_events(1, capacity=BURST_SEATS, prefix="burst")[0]
            tokens = data.add_signups(burst_event, BURST, "burst")
            cookie, csrf = session_cookie(app_base, f"burst-{data.events}")
            results.burst_s = burst(app_base, f"burst-{data.events}", cookie, csrf, tokens)
            results.burst_seated = data.seated(burst_event)
        settings["BASE_URL"] = base
        results.rss_kib = _memory(settings, port, data, target)
        data.dispose()
    return results


def _serving_on(port: int, settings: dict[str, str], workers: int = 4
                ) -> contextlib.AbstractContextManager[tuple[str, int]]:
    """Serve Roundtable on ``port``, the one its BASE_URL names."""
    return gunicorn("roundtable:create_app()", settings, workers, port)


def _rounds(data: Data, base: str, trivial: str, target: int, tmp: Path, scale: int,
            args: argparse.Namespace) -> tuple[dict[str, list[Run]], dict[str, list[float]]]:
    """Run the alternating rounds at one scale; return the runs and the ratios per endpoint."""
    slug = f"target-{target}"
    cookie, csrf = session_cookie(base, slug)
    env = {"WRK_COOKIE": cookie}
    script = BENCH / "wrk_requests.lua"
    runs: dict[str, list[Run]] = {}
    ratios: dict[str, list[float]] = {}
    for round_no in range(args.rounds):
        tag = f"{scale}r{round_no}"
        # The POSTs fill a roundtable of their own each round (seats for every one of them),
        # so each round counts the seats of one filling room, not of every earlier round's.
        door_id = data.add_events(1, prefix="door")[0]
        door = f"door-{data.events}"
        signup_file = tmp / f"signup-{tag}.txt"
        signup_file.write_text("".join(
            f"/events/{door}/register "
            + urllib.parse.urlencode({"name": f"Leader {tag} {i}",
                                      "email": f"s{tag}x{i}@firm{i % 40}.example",
                                      "csrf_token": csrf, **SIGNUP_FIELDS}) + "\n"
            for i in range(args.posts)))
        confirm_file = tmp / f"confirm-{tag}.txt"
        confirm_file.write_text("".join(
            f"/events/{door}/confirm/{token} csrf_token={urllib.parse.quote(csrf)}\n"
            for token in data.add_signups(door_id, args.posts, tag)))
        loads: list[tuple[str, Callable[[], Run]]] = [
            ("trivial", lambda: wrk(trivial + "/", args.seconds, args.connections)),
            ("listing", lambda: wrk(base + "/", args.seconds, args.connections)),
            ("event page", lambda: wrk(f"{base}/events/{slug}", args.seconds, args.connections)),
            ("event .ics", lambda: wrk(f"{base}/events/{slug}.ics", args.seconds,
                                       args.connections)),
            ("signup POST", lambda f=signup_file: wrk(base, args.seconds, args.connections,
                                                      script, {**env, "WRK_REQUESTS": str(f)})),
            ("confirm POST", lambda f=confirm_file: wrk(base, args.seconds, args.connections,
                                                        script, {**env, "WRK_REQUESTS": str(f)})),
        ]
        if round_no % 2:
            loads.reverse()
        # The trivial endpoint opens and closes each round: a page's ratio is to the mean of
        # the two, so a machine that speeds up or slows down during a round moves both alike.
        loads = [*loads, ("trivial", loads[0][1])] if loads[0][0] == "trivial" else [
            ("trivial", loads[-1][1]), *loads]
        measured: dict[str, Run] = {}
        trivial_rps: list[float] = []
        for name, load in loads:
            measured[name] = load()
            runs.setdefault(name, []).append(measured[name])
            if name == "trivial":
                trivial_rps.append(measured[name].rps)
            print(f"  {scale:>5} events, round {round_no + 1}: {name:<12} "
                  f"{measured[name].rps:8.0f} req/s", file=sys.stderr, flush=True)
            if name.endswith("POST"):
                data.settle()
        for name in ("signup POST", "confirm POST"):
            if measured[name].requests > args.posts:
                raise RuntimeError(f"{name}: wrk sent {measured[name].requests} requests, only "
                                   f"{args.posts} prepared: raise --posts")
        for name, run in measured.items():
            ratios.setdefault(name, []).append(
                1.0 if name == "trivial" else run.rps / statistics.mean(trivial_rps))
    return runs, ratios


def _memory(settings: dict[str, str], port: int, data: Data, target: int) -> tuple[int, int]:
    """Return one worker's RSS (KiB) after 100 and after 10,000 requests to the public pages."""
    import http.client

    slug = f"target-{target}"
    paths = ["/", f"/events/{slug}", f"/events/{slug}.ics", "/calendar.ics", "/?page=2"]

    def send(count: int, threads: int) -> None:
        numbers = iter(range(count))
        lock = threading.Lock()

        def run() -> None:
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", paths[n % len(paths)])
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    raise RuntimeError(f"{paths[n % len(paths)]}: {response.status}")

        pool = [threading.Thread(target=run) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()

    with _serving_on(port, settings, workers=1) as (_base, master):
        send(100, 1)
        after_100 = worker_rss_kib(master)
        send(9900, 4)
        after_10k = worker_rss_kib(master)
    return after_100, after_10k


# --- Report -------------------------------------------------------------------------------------


def report(all_results: dict[str, Results], args: argparse.Namespace) -> list[str]:
    """Return the table's lines: medians, ratios to the trivial endpoint, targets, verdicts."""
    lines = [f"wrk, 1 thread, {args.connections} connections, {args.seconds} s per run; "
             f"median of {args.rounds} alternating rounds; gunicorn.conf.py, 4 sync workers; "
             f"{REGISTRATIONS:,} registrations",
             "ratio = req/s of the page / req/s of the trivial endpoint in the same round "
             "(the mean of its runs that open and close the round); "
             "p50 and p99 in ms (x: times the trivial endpoint's)", ""]
    head = (f"| {'database':<10} | {'events':>6} | {'endpoint':<12} | {'req/s':>7} | "
            f"{'ratio':>6} | {'p50 ms':>13} | {'p99 ms':>13} | {'target':>7} | result |")
    lines += [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for db_name, res in all_results.items():
        for scale in SCALES:
            runs = res.runs[scale]
            base = runs["trivial"]
            base_p50 = statistics.median(r.p50 for r in base)
            base_p99 = statistics.median(r.p99 for r in base)
            for name, rows in runs.items():
                rps = statistics.median(r.rps for r in rows)
                ratio = statistics.median(res.ratios[scale][name])
                p50 = statistics.median(r.p50 for r in rows)
                p99 = statistics.median(r.p99 for r in rows)
                bad = sum(r.bad for r in rows)
                goal = TARGETS.get(name, {}).get(db_name)
                verdict = "" if goal is None else ("PASS" if ratio >= goal and not bad
                                                   else "FAIL")
                if bad:
                    verdict += f" ({bad} errors)"
                p50_text = f"{p50:.1f} (x{p50 / base_p50:.1f})"
                p99_text = f"{p99:.1f} (x{p99 / base_p99:.1f})"
                lines.append(
                    f"| {db_name:<10} | {scale:>6} | {name:<12} | {rps:>7.0f} | "
                    f"{ratio:>5.2f}x | {p50_text:>13} | {p99_text:>13} | "
                    f"{'' if goal is None else f'>= {goal}x':>7} | {verdict:<6} |")
    lines += ["", f"| {'database':<10} | {'check':<54} | {'measured':<30} | result |",
              f"|{'-' * 12}|{'-' * 56}|{'-' * 32}|--------|"]
    for db_name, res in all_results.items():
        small = statistics.median(res.ratios[SCALES[0]]["listing"])
        large = statistics.median(res.ratios[SCALES[-1]]["listing"])
        change = large / small - 1
        seated = res.burst_seated.get("confirmed", 0)
        grew = res.rss_kib[1] / res.rss_kib[0] - 1
        checks = [
            (f"listing flat, {SCALES[0]} to {SCALES[-1]} events (within 20%)",
             f"{change:+.0%} ({small:.2f}x to {large:.2f}x)", abs(change) <= 0.20),
            (f"{BURST} confirmations at once, {BURST_SEATS} seats",
             f"{res.burst_s:.2f} s, {seated} seated, "
             f"{res.burst_seated.get('waitlisted', 0)} waiting", seated == BURST_SEATS),
            ("worker RSS after 10,000 vs 100 requests (+10% at most)",
             f"{res.rss_kib[0] // 1024} -> {res.rss_kib[1] // 1024} MiB ({grew:+.0%})",
             grew <= 0.10),
        ]
        for what, measured, ok in checks:
            lines.append(f"| {db_name:<10} | {what:<54} | {measured:<30} | "
                         f"{'PASS' if ok else 'FAIL':<6} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--posts", type=int, default=6000,
                        help="requests prepared per POST run (more than a run sends)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    started = time.monotonic()
    all_results: dict[str, Results] = {}
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as tmp:
            print("SQLite ...", file=sys.stderr, flush=True)
            all_results["sqlite"] = measure(f"sqlite:///{tmp}/bench.sqlite", args)
    if args.only in (None, "postgresql"):
        with postgres_server() as url:
            print("PostgreSQL ...", file=sys.stderr, flush=True)
            all_results["postgresql"] = measure(url, args)
    lines = report(all_results, args)
    lines.append(f"\n{time.monotonic() - started:.0f} s in all")
    print("\n".join(lines))
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "http_bench.txt").write_text("\n".join(lines) + "\n")
    (out / "http_bench.json").write_text(json.dumps(
        {db: {"ratios": r.ratios, "burst_s": r.burst_s, "burst_seated": r.burst_seated,
              "rss_kib": r.rss_kib,
              "runs": {s: {n: [vars(x) for x in rows] for n, rows in per.items()}
                       for s, per in r.runs.items()}}
         for db, r in all_results.items()}, indent=2))


if __name__ == "__main__":
    main()
