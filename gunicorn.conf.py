"""Gunicorn's settings for serving Roundtable in production.

    gunicorn -c gunicorn.conf.py 'roundtable:create_app()'    (what `make serve` runs)

From the environment (the app's own settings stay ``ROUNDTABLE_*``):

- ``BIND``: where to listen, default ``127.0.0.1:8000`` (a proxy in front talks to it; a
  ``unix:/run/roundtable/web.sock`` path works too);
- ``WEB_CONCURRENCY``: how many worker processes, default 2 x CPUs + 1.

The access log leaves out what would identify a person: no client address, user agent or
referrer, no query string, and private-link tokens in the path are redacted by the app's log
filter (``roundtable.web.logs``), which is attached here before any worker starts.
"""

from __future__ import annotations

import os
from typing import Any


def _cpus() -> int:
    """Return the CPUs this process may run on (what a container or systemd grants)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _workers() -> int:
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not raw:
        return 2 * _cpus() + 1
    if not raw.isdigit() or int(raw) < 1:
        raise RuntimeError(f"WEB_CONCURRENCY: must be a whole number of workers, got {raw!r}")
    return int(raw)


bind = [os.environ.get("BIND", "").strip() or "127.0.0.1:8000"]
workers = _workers()
worker_class = "sync"  # one request per process: a slow client is the proxy's to buffer

# A worker silent this long is killed and replaced: above SQLite's 30 s busy timeout
# (ROUNDTABLE_SQLITE_BUSY_TIMEOUT_MS), so a write waiting for the lock gets its answer.
timeout = 60
# On SIGTERM or a reload (SIGHUP), workers finish the requests they hold for up to this long.
graceful_timeout = 30
# Seconds an idle keep-alive connection from the proxy stays open.
keepalive = 5

proc_name = "roundtable"
# Gunicorn 25.1+ opens a control socket in $HOME by default; this service is managed with
# signals instead (HUP reloads, TERM stops), as the systemd unit in deploy/ does.
control_socket_disable = True
errorlog = "-"  # standard error: the journal under systemd
accesslog = "-"  # standard output
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def on_starting(server: Any) -> None:
    """Redact private-link tokens from the access and error logs of the master and workers."""
    from roundtable.web import logs

    logs.install()
