"""The handlers that turn errors (HTTP, domain refusals, failures) into friendly pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from roundtable.domain.errors import DomainError

logger = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Register error pages for HTTP errors, domain errors and unexpected failures."""
    from roundtable.extensions import db

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/domain.html", error=error), error.status_code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_template("errors/http.html", error=error, code=code), code

    @app.errorhandler(500)
    def internal_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        logger.exception("unhandled error: %s", type(error).__name__)
        return render_template("errors/500.html"), 500
