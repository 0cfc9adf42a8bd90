"""The handlers that turn errors (HTTP, domain refusals, failures) into friendly pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from roundtable import database
from roundtable.domain.errors import DomainError

logger = logging.getLogger(__name__)

BUSY_RETRY_S = 5  # what a busy page asks the browser (and the person) to wait
UNAVAILABLE_RETRY_S = 15  # the same when the database cannot be reached (a restart, a failover)


def register(app: Flask) -> None:
    """Register error pages for HTTP errors, domain errors and unexpected failures."""
    from roundtable.extensions import db

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/domain.html", error=error), error.status_code

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
        # A Host outside TRUSTED_HOSTS leaves no URL adapter: the page is plain, with no links.
        return "This address does not serve Roundtable.\n", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int, list[tuple[str, str]]]:
        code = error.code or 500
        # The exception's own headers (Allow on a 405, Retry-After, ...) stay; the body is ours.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template("errors/http.html", error=error, code=code), code, headers

    @app.errorhandler(OperationalError)  # what drivers raise for locks and lost connections
    def database_error(error: OperationalError) -> tuple[str, int, dict[str, str]]:
        database.roll_back_quietly(db.session())
        if database.is_lock_timeout(error):
            logger.warning("a write waited too long for a lock; answered 503")
            return render_template("errors/busy.html"), 503, {"Retry-After": str(BUSY_RETRY_S)}
        if database.is_unavailable(error):
            # Expected while the database restarts: a warning without a stack trace.
            logger.warning("database unavailable (%s); answered 503", database.error_code(error))
            return render_template("errors/unavailable.html"), 503, {
                "Retry-After": str(UNAVAILABLE_RETRY_S)
            }
        logger.exception("database error: %s", type(error).__name__)
        return render_template("errors/500.html"), 500, {}

    @app.errorhandler(500)
    def internal_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        logger.exception("unhandled error: %s", type(error).__name__)
        return render_template("errors/500.html"), 500
