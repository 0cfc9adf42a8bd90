"""Scaling out: two app servers on one database and one Redis, two mail workers on one outbox.

The servers stand behind a (pretend) load balancer: they trust one proxy, and each request
names its client in X-Forwarded-For. The control run keeps the limiter's counters in each
process's memory (the default), which must NOT share a limit between the servers; with Redis
the same requests are limited across both.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from roundtable.domain.models import OutboxMessage, OutboxStatus
from roundtable.extensions import db

from conftest import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, SECRET
from servers import gunicorn_server, python_path, redis_server

pytestmark = pytest.mark.slow

LOGINS_PER_ADDRESS = 10  # the documented limits the servers must share
SIGNUPS_PER_MINUTE = 20


@contextlib.contextmanager
def two_servers(database_url: str, storage: str) -> Iterator[tuple[str, str]]:
    """Serve the app twice (two gunicorns, two workers each) on one database and one store."""
    settings = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "WTF_CSRF_ENABLED": "false",
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": storage,
        "TRUSTED_PROXIES": "1",
    }
    with gunicorn_server(settings, workers=2) as a, gunicorn_server(settings, workers=2) as b:
        yield a, b


@contextlib.contextmanager
def limiter_storage(kind: str) -> Iterator[str]:
    """Yield the limiter storage URI of the run: memory:// (control) or a fresh Redis."""
    if kind == "memory":
        yield "memory://"
    else:
        with redis_server() as url:
            yield url


def log_in(base: str, client: str, email: str, password: str) -> int:
    response = requests.post(
        f"{base}/organizer/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": client},
        allow_redirects=False,
        timeout=60,
    )
    return response.status_code


def sign_up(base: str, client: str, slug: str, n: int) -> int:
    response = requests.post(
        f"{base}/events/{slug}/register",
        data={
            "name": f"Leader {n}",
            "email": f"leader{n}@company{n}.example",
            "company": f"Company {n}",
            "job_title": "VP of Engineering",
            "seniority": "vp",
            "consent": "y",
        },
        headers={"X-Forwarded-For": client},
        allow_redirects=False,
        timeout=60,
    )
    return response.status_code


@pytest.mark.parametrize(("storage", "shared"), [("memory", False), ("redis", True)],
                         ids=["memory-control", "redis"])
def test_two_servers_share_the_rate_limits(
    database_url, make_event, organizer, storage, shared
) -> None:
    event = make_event(capacity=5)
    slug = event.slug
    db.session.commit()
    refused = 429 if shared else 400
    with limiter_storage(storage) as uri, two_servers(database_url, uri) as servers:
        # Failed sign-ins from one address, every other one on the other server.
        for n in range(LOGINS_PER_ADDRESS):
            code = log_in(servers[n % 2], "127.0.0.10", f"guess{n}@organizers.example", "x")
            assert code == 400
        after = [log_in(base, "127.0.0.10", "late@organizers.example", "x") for base in servers]
        assert after == [refused, refused], "the address's failures are counted " + (
            "on both servers together" if shared else "per process, without a shared store")
        # Five failures at one account from one address, spread over both servers.
        for n in range(5):
            assert log_in(servers[n % 2], "127.0.0.11", ORGANIZER_EMAIL, "guess") == 400
        assert [log_in(base, "127.0.0.11", ORGANIZER_EMAIL, "guess") for base in servers] == [
            refused, refused]
        # The organizer, at another address, signs in on either server all the same.
        assert [log_in(base, "127.0.0.12", ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
                for base in servers] == [303, 303]

        # Signups from one address, alternating between the servers.
        codes = [sign_up(servers[n % 2], "127.0.0.20", slug, n)
                 for n in range(SIGNUPS_PER_MINUTE)]
        assert codes == [303] * SIGNUPS_PER_MINUTE
        more = [sign_up(base, "127.0.0.20", slug, 100 + k) for k, base in enumerate(servers)]
        assert more == ([429, 429] if shared else [303, 303])
        assert sign_up(servers[0], "127.0.0.21", slug, 200) == 303  # another address is free


def test_two_mail_workers_deliver_each_signup_once_while_two_servers_take_signups(
    database_url, make_event, smtp
) -> None:
    signups = 40
    event = make_event(capacity=10)
    slug = event.slug
    db.session.commit()
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "PYTHONUNBUFFERED": "1",
           **python_path(), "ROUNDTABLE_DATABASE_URL": database_url,
           "ROUNDTABLE_SECRET_KEY": SECRET, "ROUNDTABLE_SMTP_URL": smtp.url}
    command = [sys.executable, "-c", "from roundtable.cli import main; main()", "send-mail",
               "--watch", "--interval", "0.2"]
    with redis_server() as uri, two_servers(database_url, uri) as servers:
        workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                # Four clients of ten signups each, every signup on the next server in turn.
                codes = Counter(pool.map(
                    lambda n: sign_up(servers[n % 2], f"127.0.0.{30 + n % 4}", slug, n),
                    range(signups),
                ))
            assert codes == Counter({303: signups})
            deadline = time.monotonic() + 60
            while len(smtp.messages) < signups and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1)  # long enough for a message sent twice to arrive twice
            assert all(w.poll() is None for w in workers), "the workers keep watching"
        finally:
            for worker in workers:
                worker.terminate()
            outputs = [worker.communicate(timeout=20)[0] for worker in workers]
    recipients = Counter(m["To"] for m in smtp.messages)
    assert recipients == Counter({f"leader{n}@company{n}.example": 1 for n in range(signups)})
    sent = [sum(int(line.split(" sent")[0]) for line in out.splitlines() if " sent" in line)
            for out in outputs]
    assert sum(sent) == signups, (sent, outputs)
    db.session.rollback()
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert len(rows) == signups
    assert all(m.status == OutboxStatus.SENT and m.attempts == 1 for m in rows)
