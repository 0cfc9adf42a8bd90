"""Domain errors and the handlers that turn errors into friendly pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused an action; the message is safe to show to the user."""

    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing named does not exist."""

    status_code = 404


class RegistrationClosed(DomainError):
    """The event takes no registrations (draft, cancelled, started or past)."""


class CapacityBelowConfirmed(DomainError):
    """A capacity lower than the number of confirmed attendees was asked for."""


class InvalidTransition(DomainError):
    """The registration or event is not in a state that allows the action."""


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
