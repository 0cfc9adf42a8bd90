"""Configuration: defaults, ROUNDTABLE_* settings, validation at start-up."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from roundtable import create_app
from roundtable.config import ConfigError
from roundtable.extensions import db


def _app(tmp_path: Path, **config: object):
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"), **config})


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def test_defaults_to_sqlite_in_instance_folder(tmp_path: Path) -> None:
    app = _app(tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'instance' / 'roundtable.sqlite'}"
    )
    _dispose(app)


@pytest.mark.parametrize(
    "given", ["postgres://u:p@db.internal:5432/rt", "postgresql://u:p@db.internal:5432/rt"]
)
def test_postgres_urls_use_psycopg(tmp_path: Path, given: str) -> None:
    app = _app(tmp_path, DATABASE_URL=given)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal:5432/rt"


def test_secret_key_generated_once_and_kept_private(tmp_path: Path) -> None:
    first, second = _app(tmp_path), _app(tmp_path)
    key_file = tmp_path / "instance" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not list(key_file.parent.glob("*.tmp"))
    _dispose(first)
    _dispose(second)


def test_environment_settings_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("ROUNDTABLE_DATABASE_URL", url)
    monkeypatch.setenv("ROUNDTABLE_SECRET_KEY", "from-the-environment-0123456789")
    monkeypatch.setenv("ROUNDTABLE_RATELIMIT_ENABLED", "false")
    app = _app(tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    assert app.config["SECRET_KEY"] == "from-the-environment-0123456789"
    assert app.config["RATELIMIT_ENABLED"] is False
    _dispose(app)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://user@localhost/db"),
        ("DATABASE_URL", "not a url at all"),
        ("DATABASE_URL", "postgresql+asyncpg://user@localhost/db"),
        ("SECRET_KEY", "short"),
        ("SQLITE_BUSY_TIMEOUT_MS", '"soon"'),
        ("RATELIMIT_ENABLED", '"perhaps"'),
        ("BASE_URL", "ftp://example.org"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus_Mons"),
        ("LOCK_TIMEOUT_MS", "0"),
        ("LOCK_TIMEOUT_MS", '"5s"'),
        ("MAIL_FROM", "nobody"),
        ("BASE_URL", "https://"),
        ("TRUSTED_PROXIES", "-1"),
        ("TRUSTED_PROXIES", "1.5"),
        ("TRUSTED_PROXIES", "true"),
        ("TRUSTED_PROXIES", '"two"'),
        ("TRUSTED_HOSTS", '"roundtable.example.org"'),
        ("RATELIMIT_STORAGE_URI", "carrier-pigeon://loft"),
    ],
)
def test_bad_setting_fails_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"ROUNDTABLE_{name}", value)
    with pytest.raises(ConfigError, match=f"ROUNDTABLE_{name}"):
        _app(tmp_path)


def test_console_script_reports_bad_setting(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from roundtable.cli import main; main()", "routes"],
        env={"ROUNDTABLE_DATABASE_URL": "mysql://nope", "PATH": ""},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "ROUNDTABLE_DATABASE_URL" in result.stderr


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path: Path) -> None:
    app = _app(tmp_path, SQLITE_BUSY_TIMEOUT_MS=1234)
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 1234
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_https_base_url_makes_cookies_secure(tmp_path: Path) -> None:
    app = _app(tmp_path, BASE_URL="https://roundtable.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    plain = _app(tmp_path, BASE_URL="http://127.0.0.1:5000")
    assert plain.config["SESSION_COOKIE_SECURE"] is False
    _dispose(app)
    _dispose(plain)


@pytest.mark.parametrize(
    ("base_url", "hosts"),
    [
        ("https://Roundtable.example.org/", ["roundtable.example.org"]),
        ("http://roundtable.internal:8000", ["roundtable.internal"]),
        ("http://127.0.0.1:5000", ["127.0.0.1", "localhost"]),
        ("http://localhost:8000", ["localhost", "127.0.0.1"]),
    ],
)
def test_trusted_hosts_follow_the_base_url(tmp_path: Path, base_url: str, hosts: list[str]) -> None:
    app = _app(tmp_path, BASE_URL=base_url)
    assert app.config["TRUSTED_HOSTS"] == hosts
    _dispose(app)


def test_trusted_hosts_given_explicitly_are_kept(tmp_path: Path) -> None:
    names = ["roundtable.example.org", "www.roundtable.example.org"]
    app = _app(tmp_path, BASE_URL="https://roundtable.example.org", TRUSTED_HOSTS=names)
    assert app.config["TRUSTED_HOSTS"] == names
    _dispose(app)


def test_trusted_proxies_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    direct = _app(tmp_path)
    assert direct.config["TRUSTED_PROXIES"] == 0
    assert not isinstance(direct.wsgi_app, ProxyFix)
    monkeypatch.setenv("ROUNDTABLE_TRUSTED_PROXIES", "2")
    proxied = _app(tmp_path)
    assert proxied.config["TRUSTED_PROXIES"] == 2
    assert isinstance(proxied.wsgi_app, ProxyFix)
    assert (proxied.wsgi_app.x_for, proxied.wsgi_app.x_proto, proxied.wsgi_app.x_host) == (2, 2, 2)
    _dispose(direct)
    _dispose(proxied)
