"""Default settings and validation of the ``ROUNDTABLE_*`` environment settings."""

from __future__ import annotations

import ipaddress
import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from roundtable.domain import zones

PREFIX = "ROUNDTABLE"


class ConfigError(RuntimeError):
    """A setting has a value the application cannot start with."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{PREFIX}_{name}: {problem}")
        self.name = name


DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "SQLITE_BUSY_TIMEOUT_MS": 30_000,
    "LOCK_TIMEOUT_MS": 5_000,  # PostgreSQL: how long a write waits for the event's lock
    "BASE_URL": "http://127.0.0.1:5000",
    "TRUSTED_PROXIES": 0,  # how many reverse proxies in front may set X-Forwarded-*
    "MAIL_FROM": "Roundtable <roundtable@localhost>",
    "MAIL_PREVIEW": False,  # the demo: a page listing the .eml files (loopback base URLs only)
    "SMTP_URL": None,
    "DEFAULT_TIMEZONE": "Europe/London",
    "BOOTSTRAP_SERVE_LOCAL": True,
    "BOOTSTRAP_BOOTSWATCH_THEME": None,
    "WTF_CSRF_TIME_LIMIT": 86_400,  # a form's token lasts a day; then it is shown again
    "ORGANIZER_IDLE_SECONDS": 12 * 3600,  # an organizer session unused this long is over
    "MAX_CONTENT_LENGTH": 256 * 1024,  # the largest form (an event's description) is ~80 KiB
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # hide_parameters: a database error never writes a registrant's details into the log.
    # pool_pre_ping (set in _finish for a database server, not for a SQLite file): a
    # connection that a server restart ended is replaced before use.
    "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
}


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Load defaults, the instance config.py, ROUNDTABLE_* variables, then ``overrides``."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(PREFIX)
    if overrides:
        app.config.update(overrides)
    _finish(app)


def _finish(app: Flask) -> None:
    """Derive the extension settings and fail on a value the app cannot use."""
    cfg = app.config
    cfg["SQLALCHEMY_DATABASE_URI"] = _database_uri(app)
    cfg["SECRET_KEY"] = cfg.get("SECRET_KEY") or _instance_secret_key(app)
    if not isinstance(cfg["SECRET_KEY"], str) or len(cfg["SECRET_KEY"]) < 16:
        raise ConfigError("SECRET_KEY", "must be a string of at least 16 characters")
    for name, least in (("SQLITE_BUSY_TIMEOUT_MS", 0), ("LOCK_TIMEOUT_MS", 1)):
        if not _whole_number(cfg[name], least):
            raise ConfigError(name, f"must be a whole number of milliseconds, got {cfg[name]!r}")
    if not _whole_number(cfg["TRUSTED_PROXIES"], 0):
        raise ConfigError(
            "TRUSTED_PROXIES",
            f"must be the number of proxies in front (0 or more), got {cfg['TRUSTED_PROXIES']!r}",
        )
    for name in ("WTF_CSRF_TIME_LIMIT", "MAX_CONTENT_LENGTH", "ORGANIZER_IDLE_SECONDS"):
        if not isinstance(cfg[name], int) or isinstance(cfg[name], bool) or cfg[name] < 1:
            raise ConfigError(name, f"must be a positive whole number, got {cfg[name]!r}")
    # The request guards check CSRF tokens themselves (roundtable.web.guards), so that a form
    # whose token merely expired comes back with what was typed; Flask-WTF's own hook stays off.
    cfg["WTF_CSRF_CHECK_DEFAULT"] = False
    server = not cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    options = cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True,
        "pool_pre_ping": server,
        **dict(cfg["SQLALCHEMY_ENGINE_OPTIONS"] or {}),
    }
    if server:
        # PostgreSQL: a lock is waited for at most LOCK_TIMEOUT_MS, on every connection of the
        # app (set as it connects: no statement per transaction), then the wait fails with an
        # error database.is_lock_timeout knows.
        connect_args = options["connect_args"] = dict(options.get("connect_args") or {})
        connect_args["options"] = " ".join(filter(None, [
            connect_args.get("options"), f"-c lock_timeout={int(cfg['LOCK_TIMEOUT_MS'])}"]))
    if not isinstance(cfg["RATELIMIT_ENABLED"], bool):
        raise ConfigError(
            "RATELIMIT_ENABLED", f"must be true or false, got {cfg['RATELIMIT_ENABLED']!r}"
        )
    if not str(cfg["BASE_URL"]).startswith(("http://", "https://")):
        raise ConfigError("BASE_URL", "must start with http:// or https://")
    base_host = urlsplit(str(cfg["BASE_URL"])).hostname
    if not base_host:
        raise ConfigError("BASE_URL", "must name a host, as in https://roundtable.example.org")
    if not isinstance(cfg["MAIL_PREVIEW"], bool):
        raise ConfigError("MAIL_PREVIEW", f"must be true or false, got {cfg['MAIL_PREVIEW']!r}")
    if cfg["MAIL_PREVIEW"] and not _is_loopback(str(cfg["BASE_URL"])):
        raise ConfigError(
            "MAIL_PREVIEW", "shows every mail to anyone: it is for a demo on a loopback address "
            "(ROUNDTABLE_BASE_URL http://127.0.0.1:PORT or http://localhost:PORT) only"
        )
    if str(cfg["BASE_URL"]).startswith("https://"):  # served over TLS: cookies only over TLS
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True
    if cfg.get("TRUSTED_HOSTS") is None:  # an explicit list (several names) is kept as given
        cfg["TRUSTED_HOSTS"] = _trusted_hosts(base_host)
    elif not isinstance(cfg["TRUSTED_HOSTS"], list) or not all(
        isinstance(host, str) and host for host in cfg["TRUSTED_HOSTS"]
    ):
        raise ConfigError("TRUSTED_HOSTS", 'must be a list of host names, as in ["example.org"]')
    if cfg["SMTP_URL"]:
        from roundtable.notify.transports import SmtpTransport

        try:
            SmtpTransport(str(cfg["SMTP_URL"]))
        except ValueError as exc:
            raise ConfigError("SMTP_URL", str(exc)) from exc
    if "@" not in parseaddr(str(cfg["MAIL_FROM"]))[1]:
        raise ConfigError("MAIL_FROM", "must be an address such as 'Roundtable <rt@example.org>'")
    if not zones.is_canonical(str(cfg["DEFAULT_TIMEZONE"])):
        raise ConfigError(
            "DEFAULT_TIMEZONE", "must be an IANA time zone of a place, such as Europe/Berlin"
        )


def _whole_number(value: object, least: int) -> bool:
    """Return whether ``value`` is an int (not a bool) of at least ``least``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _trusted_hosts(base_host: str) -> list[str]:
    """Return the Host names requests may carry: the base URL's, and loopback if it is local.

    A request naming any other host is refused (400), so no page or redirect is ever built on
    a name an attacker chose.
    """
    try:
        loopback = ipaddress.ip_address(base_host).is_loopback
    except ValueError:
        loopback = base_host == "localhost"
    hosts = [base_host, "localhost", "127.0.0.1"] if loopback else [base_host]
    return list(dict.fromkeys(hosts))
def _is_loopback(url: str) -> bool:
    """Return True when ``url``'s host is this machine only (127.0.0.0/8, ::1, localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _database_uri(app: Flask) -> str:
    """Return the SQLAlchemy URL from DATABASE_URL, defaulting to SQLite in the instance folder."""
    raw = app.config.get("DATABASE_URL")
    if raw is None or raw == "":
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(app.instance_path) / 'roundtable.sqlite'}"
    text = str(raw)
    if text.startswith("postgres://"):  # the form many hosting platforms hand out
        text = "postgresql://" + text.removeprefix("postgres://")
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise ConfigError("DATABASE_URL", f"is not a database URL: {exc}") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            "DATABASE_URL",
            "must be sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB, "
            f"got the {url.get_backend_name()!r} backend",
        )
    if url.get_backend_name() == "postgresql":
        if url.drivername not in ("postgresql", "postgresql+psycopg"):
            raise ConfigError("DATABASE_URL", "PostgreSQL URLs must use postgresql+psycopg://")
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _instance_secret_key(app: Flask) -> str:
    """Return the key kept in the instance folder, generating it on first start."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"secret_key.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from the start
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)  # atomic: of two first starts, one key wins and both read it
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip()
