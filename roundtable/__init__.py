"""Roundtable: event registration for small, invitation-style leadership roundtables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from roundtable.config import ConfigError, load_config
from roundtable.web import logs

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return a shipped folder: inside the package when installed, beside it in a checkout."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


_SYNCED = 512  # functions remembered (views and hooks: a few dozen)


class Roundtable(Flask):
    """Flask, but asking once per function whether it is a coroutine.

    Flask asks (``inspect.iscoroutinefunction``) for every hook and view at every request: a
    few microseconds each, on every page. The answer never changes for a function.
    """

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        made = self._synced.get(func)
        if made is None:
            if len(self._synced) >= _SYNCED:  # functions made per request (after_this_request)
                self._synced.clear()
            made = self._synced[func] = super().ensure_sync(func)
        return made

    @cached_property
    def _synced(self) -> dict[Callable[..., Any], Callable[..., Any]]:
        return {}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the Roundtable application."""
    app = Roundtable(
        __name__,
        instance_path=(config or {}).get("INSTANCE_PATH"),
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    load_config(app, config)
    logs.install()
    register_extensions(app)
    register_request_guards(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_kept_answers(app)
    register_security_headers(app)
    register_proxy(app)  # the outermost layer: what follows sees the client's address
    register_commands(app)
    return app


def register_kept_answers(app: Flask) -> None:
    """Answer plain GETs of kept calendar files ahead of Flask (``web/kept.py``)."""
    from roundtable.web.kept import KeptCalendars

    app.wsgi_app = KeptCalendars(app, app.wsgi_app)  # type: ignore[method-assign]


def register_proxy(app: Flask) -> None:
    """Believe X-Forwarded-For, -Proto and -Host from as many proxies as TRUSTED_PROXIES says.

    With none (the default) the headers are ignored: anyone could send them.
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons to ``app``."""
    from limits.errors import ConfigurationError as LimitsConfigurationError

    from roundtable import database
    from roundtable.extensions import bootstrap, csrf, db, limiter, login_manager, migrate
    from roundtable.web.organizer import load_organizer

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")))
    csrf.init_app(app)
    try:
        limiter.init_app(app)
    except LimitsConfigurationError as exc:  # an unknown scheme, or redis:// without redis
        raise ConfigError("RATELIMIT_STORAGE_URI", str(exc)) from exc
    bootstrap.init_app(app)
    # Public pages never ask who is signed in: loading the user there would make Flask-Login's
    # "strong" check rewrite an anonymous visitor's session (and its cookie) on every page. The
    # console's templates get ``current_user`` from the organizer blueprint instead.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.login_view = "organizer.log_in"
    login_manager.login_message = "Please sign in to use the organizer console."
    login_manager.login_message_category = "info"
    # A session cookie used from another browser or address (a copy) is dropped at once.
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_organizer)
    # Its remember-me cookie belongs to the console: public pages need not open the session,
    # nor pay for the hook.
    remember = login_manager._update_remember_cookie
    app.after_request_funcs[None].remove(remember)
    app.after_request_funcs["organizer"].append(remember)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            database.configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def register_request_guards(app: Flask) -> None:
    """Install the checks every request passes first, the id converter routes use, and the
    session cookie's interface."""
    from roundtable.web import guards
    from roundtable.web.cookies import SessionCookies

    guards.register(app)
    app.session_interface = SessionCookies()


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per audience."""
    from roundtable.web.attendee import bp as attendee_bp
    from roundtable.web.organizer import bp as organizer_bp
    from roundtable.web.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(attendee_bp)
    app.register_blueprint(organizer_bp)
    if app.config["MAIL_PREVIEW"]:
        from roundtable.web.preview import bp as preview_bp

        app.register_blueprint(preview_bp)


def register_errorhandlers(app: Flask) -> None:
    """Register the friendly error pages and the DomainError handler."""
    from roundtable.errors import register

    register(app)


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


PRIVATE_PAGES = {"public.show_outcome"}


def register_security_headers(app: Flask) -> None:
    """Send headers that keep pages (and private links) from leaking or being framed.

    They are the same for every response, so they are made once and added by a WSGI layer as
    the response starts, past Werkzeug's per-header checks (a response that set one of them
    keeps its own).
    """
    security = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        # Private links must not travel to Google or Outlook in the Referer header.
        ("Referrer-Policy", "same-origin"),
    ]
    if str(app.config["BASE_URL"]).startswith("https://"):
        # Browsers then never try plain http for this site again.
        security.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
    app.wsgi_app = SecurityHeaders(app.wsgi_app, security)  # type: ignore[method-assign]

    @app.after_request
    def keep_private_pages_out_of_caches(response: Response) -> Response:
        if request.method == "POST" or request.path.startswith("/r/") or (
            request.endpoint in PRIVATE_PAGES
        ):
            # Private links, the outcome of a signup, and a form shown again with what was
            # typed carry personal data: no cache keeps them.
            response.headers["Cache-Control"] = "no-store"
        return response


class SecurityHeaders:
    """WSGI layer: add fixed ``headers`` to every response that has not set them itself."""

    def __init__(self, app: WSGIApplication, headers: list[tuple[str, str]]) -> None:
        self.app = app
        self.headers = headers
        self.names = frozenset(name.lower() for name, _ in headers)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = self.names.intersection(name.lower() for name, _ in headers)
            headers.extend(self.headers if not present
                           else [h for h in self.headers if h[0].lower() not in present])
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def register_template_helpers(app: Flask) -> None:
    """Register the filters templates use to show times and statuses."""
    from roundtable.web import display

    display.register(app)


def register_commands(app: Flask) -> None:
    """Add the project's commands to ``app.cli`` (the ``roundtable`` script shares them)."""
    from roundtable.cli import commands

    for command in commands:
        app.cli.add_command(command)
