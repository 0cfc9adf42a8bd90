"""Logging set-up: private manage-link tokens never reach a log line."""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"/r/[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    """Return ``text`` with manage-link tokens replaced."""
    return _TOKEN_PATH.sub("/r/[redacted]", text)


class RedactTokens(logging.Filter):
    """Rewrite log records so that request lines do not carry manage-link tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()  # whatever the arguments are: tuple, dict (gunicorn)
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install() -> None:
    """Attach the token filter to the loggers that print request lines."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "roundtable", "flask.app"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
