"""Serving in production: gunicorn.conf.py, make run/serve, the readiness probe, a database down."""

from __future__ import annotations

import logging
import os
import runpy
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from roundtable import create_app, database
from roundtable.config import DEFAULTS
from roundtable.domain import registrations

from conftest import DATABASE, SECRET, SIGNUP_FORM, base_config
from servers import free_port, gunicorn_server

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"


# --- gunicorn.conf.py ----------------------------------------------------------------------------


def _conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    for name in ("BIND", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_gunicorn_conf_defaults_to_loopback_and_two_workers_per_cpu_plus_one(monkeypatch) -> None:
    conf = _conf(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    # A write waiting out SQLite's busy timeout is answered before gunicorn kills its worker.
    assert conf["timeout"] > DEFAULTS["SQLITE_BUSY_TIMEOUT_MS"] / 1000
    assert 0 < conf["graceful_timeout"] <= conf["timeout"]
    assert conf["keepalive"] > 0


def test_gunicorn_conf_takes_bind_and_workers_from_the_environment(monkeypatch) -> None:
    conf = _conf(monkeypatch, BIND="unix:/run/roundtable/web.sock", WEB_CONCURRENCY="3")
    assert conf["bind"] == ["unix:/run/roundtable/web.sock"]
    assert conf["workers"] == 3
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY"):
        _conf(monkeypatch, WEB_CONCURRENCY="many")


def test_access_log_format_leaves_out_personal_data(monkeypatch) -> None:
    fmt = str(_conf(monkeypatch)["access_log_format"])
    assert "%(U)s" in fmt  # the path, without its query string
    # client address, remote user, request line with query, query, referrer, user agent, headers
    for atom in ("%(h)s", "%(u)s", "%(r)s", "%(q)s", "%(f)s", "%(a)s", "}i)s", "}e)s"):
        assert atom not in fmt


def _settings(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": "false",
            "RATELIMIT_ENABLED": "false"}


def _access_lines(log: Path, expected: int) -> list[str]:
    """Return the access-log lines, once ``expected`` of them are written (bounded wait)."""
    deadline = time.monotonic() + 10
    while True:
        lines = [line for line in log.read_text().splitlines() if ' "GET ' in line
                 or ' "POST ' in line]
        if len(lines) >= expected or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_gunicorn_with_the_project_config_is_ready_and_logs_no_personal_data(
    database_url, make_event, make_registration, tmp_path
) -> None:
    event = make_event()
    token = registrations.manage_token(SECRET, make_registration(event))
    log = tmp_path / "gunicorn.log"
    with gunicorn_server(_settings(database_url), workers=2, config=CONF, log_path=log) as base:
        ready = requests.get(f"{base}/readyz", timeout=10)
        private = requests.get(f"{base}/r/{token}?email=ada%40secret.example", timeout=10)
        health = requests.get(f"{base}/healthz?who=bob%40secret.example", timeout=10)
        signup = requests.post(f"{base}/events/{event.slug}/register?ref=mail",
                               data=SIGNUP_FORM, allow_redirects=False, timeout=10)
        lines = _access_lines(log, 5)  # the /healthz polls of the start-up come first
    assert (ready.status_code, ready.text) == (200, "ready")
    assert private.status_code == health.status_code == 200
    assert signup.status_code == 303
    text = "\n".join(lines)
    assert '"GET /readyz HTTP/1.1" 200' in text
    assert '"GET /r/[redacted] HTTP/1.1" 200' in text
    assert f'"POST /events/{event.slug}/register HTTP/1.1" 303' in text
    assert token not in log.read_text()
    for personal in ("secret.example", "?", "127.0.0.1", "python-requests"):
        assert personal not in text, personal


# --- make run and make serve ---------------------------------------------------------------------


def _make(target: str, tmp_path: Path, *args: str, **env: str) -> list[str]:
    """Run a make target with stand-ins for the venv's programs; return what they were run with."""
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.log"
    for program in ("roundtable", "gunicorn"):
        script = bindir / program
        script.write_text(
            "#!/bin/sh\n"
            f'echo "$(basename "$0") $* | BASE=$ROUNDTABLE_BASE_URL BIND=$BIND" >> {calls}\n'
            # `roundtable run` outlives the mail worker started beside it in the background
            'if [ "$1" = run ]; then sleep 0.5; fi\n'
        )
        script.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: make installs nothing
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ROUNDTABLE_") and k not in ("PORT", "BIND", "MAKEFLAGS")}
    subprocess.run(["make", "-s", target, f"BIN={bindir}", f"STAMP={stamp}", *args],
                   cwd=ROOT, env={**clean, **env}, check=True, capture_output=True, timeout=60)
    return sorted(calls.read_text().splitlines())


def test_make_run_points_mailed_links_at_the_port_it_serves(tmp_path) -> None:
    calls = _make("run", tmp_path, "PORT=8000")
    assert calls == sorted([
        "roundtable db upgrade | BASE=http://127.0.0.1:8000 BIND=",
        "roundtable seed-demo | BASE=http://127.0.0.1:8000 BIND=",
        "roundtable send-mail --watch --interval 2 | BASE=http://127.0.0.1:8000 BIND=",
        "roundtable run --host 127.0.0.1 --port 8000 | BASE=http://127.0.0.1:8000 BIND=",
    ])


def test_make_run_keeps_a_base_url_that_is_set(tmp_path) -> None:
    calls = _make("run", tmp_path, ROUNDTABLE_BASE_URL="https://events.example.org")
    assert ("roundtable run --host 127.0.0.1 --port 5000 "
            "| BASE=https://events.example.org BIND=") in calls


def test_make_serve_upgrades_then_runs_gunicorn_with_the_project_config(tmp_path) -> None:
    assert _make("serve", tmp_path) == [
        "gunicorn -c gunicorn.conf.py roundtable:create_app() "
        "| BASE=http://127.0.0.1:8000 BIND=127.0.0.1:8000",
        "roundtable db upgrade | BASE=http://127.0.0.1:8000 BIND=127.0.0.1:8000",
    ]
    (tmp_path / "calls.log").unlink()
    calls = _make("serve", tmp_path, PORT="9001", BIND="0.0.0.0:9001")
    assert calls[0] == ("gunicorn -c gunicorn.conf.py roundtable:create_app() "
                        "| BASE=http://127.0.0.1:9001 BIND=0.0.0.0:9001")


# --- The readiness probe and a database that is down ---------------------------------------------


def test_readyz_is_ready_while_the_database_answers(client) -> None:
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ready")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Retry-After" not in response.headers


@pytest.fixture
def down_url(database_url: str, tmp_path: Path) -> str:
    """Return a URL of this run's kind of database that cannot be reached."""
    if DATABASE == "sqlite":
        return f"sqlite:///{tmp_path / 'not-mounted' / 'roundtable.sqlite'}"
    closed = free_port()  # nothing listens there
    return make_url(database_url).set(port=closed).render_as_string(hide_password=False)


def test_a_database_that_is_down_gets_503_pages_not_stack_traces(down_url, caplog) -> None:
    app = create_app(base_config(down_url))
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        health = client.get("/healthz")
        ready = client.get("/readyz")
        listing = client.get("/")
        signup = client.post("/events/some-roundtable/register", data=SIGNUP_FORM)
    assert (health.status_code, health.get_data(as_text=True)) == (200, "ok")  # liveness only
    assert ready.status_code == 503
    assert ready.get_data(as_text=True) == "not ready: database unavailable"
    for response in (ready, listing, signup):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "15"
        assert "Traceback" not in response.get_data(as_text=True)
    for response in (listing, signup):
        assert "We cannot reach our records for a moment" in response.get_data(as_text=True)
    assert caplog.records and not any(record.exc_info for record in caplog.records)
    assert not any(down_url.split("@")[-1] in record.getMessage() for record in caplog.records)


def test_the_app_serves_again_once_the_sqlite_file_is_back(sqlite_database, tmp_path) -> None:
    mount = tmp_path / "mount"
    app = create_app(base_config(f"sqlite:///{mount / 'roundtable.sqlite'}"))
    client = app.test_client()
    assert client.get("/readyz").status_code == 503
    assert client.get("/").status_code == 503
    mount.mkdir()
    shutil.copyfile(sqlite_database, mount / "roundtable.sqlite")  # the volume is back
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 200


class _Psycopg(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("x")
        self.sqlstate = sqlstate


class _Sqlite(Exception):
    def __init__(self, name: str) -> None:
        super().__init__("x")
        self.sqlite_errorname = name


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (OperationalError("x", {}, _Psycopg(None)), True),  # no server answered
        (OperationalError("x", {}, _Psycopg("08006")), True),  # connection failure
        (OperationalError("x", {}, _Psycopg("57P01")), True),  # admin shutdown
        (OperationalError("x", {}, _Psycopg("57P03")), True),  # starting up / shutting down
        (OperationalError("x", {}, _Psycopg("55P03")), False),  # lock timeout: busy, not down
        (OperationalError("x", {}, _Psycopg("53300")), True),  # too many connections
        (IntegrityError("x", {}, _Psycopg(None)), False),
        (OperationalError("x", {}, _Sqlite("SQLITE_CANTOPEN")), True),
        (OperationalError("x", {}, _Sqlite("SQLITE_IOERR_SHORT_READ")), True),
        (OperationalError("x", {}, _Sqlite("SQLITE_BUSY")), False),
        (OperationalError("x", {}, _Sqlite("SQLITE_CORRUPT")), False),
        (DBAPIError("x", {}, Exception("gone"), connection_invalidated=True), True),
        (ValueError("connection refused"), False),
    ],
)
def test_is_unavailable_tells_a_lost_database_from_other_errors(error, unavailable) -> None:
    assert database.is_unavailable(error) is unavailable


def test_the_app_remembers_which_functions_are_coroutines_within_bounds(app) -> None:
    """Views and hooks are asked once whether they are coroutines; functions made per request
    (after_this_request) do not pile up."""
    from roundtable import _SYNCED

    def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is view
    assert view in app._synced
    for n in range(3 * _SYNCED):
        app.ensure_sync(lambda n=n: n)
    assert len(app._synced) <= _SYNCED
    assert app.ensure_sync(view) is view
