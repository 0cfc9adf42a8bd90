"""Logging set-up: private manage-link tokens, console searches and the values a database
error quotes never reach a log line."""

from __future__ import annotations

import logging
import re
import traceback

from sqlalchemy.exc import DBAPIError

# "/", "r", "/" as sent, any of them percent-encoded (Werkzeug and gunicorn decode them before
# routing), then the segment after it, whatever it holds, up to the next path, query or end.
_SLASH = r"(?:/|%2[fF])"
_TOKEN_PATH = re.compile(
    _SLASH + r"(?:r|%72)" + _SLASH + r"(?!lost(?:[/?#\s\"']|$))[^/?#\s\"']+"
)
# The attendee list's and the door list's search (names, emails, companies), also inside a
# percent-encoded return_to=... parameter.
_SEARCH = re.compile(r"((?:[?&;]|%3[fF]|%26)q(?:=|%3[dD]))(?:(?!%26)[^&;#\s\"'])*")


def redact(text: str) -> str:
    """Return ``text`` with manage-link tokens and search terms replaced."""
    return _SEARCH.sub(r"\1[masked]", _TOKEN_PATH.sub("/r/[redacted]", text))


class RedactTokens(logging.Filter):
    """Rewrite log records so that request lines carry no manage-link token or search term."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()  # whatever the arguments are: tuple, dict (gunicorn)
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class HideDatabaseErrorText(logging.Filter):
    """Log a database error's traceback without its message.

    SQLAlchemy's hide_parameters keeps the statement's values out, but PostgreSQL's own message
    quotes the values of a violated key ("Key (event_id, email)=(1, ada@…) already exists"). The
    frames, the error's type, its SQLSTATE and the constraint's name are kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DBAPIError):
            diag = getattr(error.orig, "diag", None)
            facts = [f"{name}={value}" for name, value in (
                ("sqlstate", getattr(error.orig, "sqlstate", None)),
                ("constraint", getattr(diag, "constraint_name", None)),
            ) if value]
            record.exc_text = "".join([
                "Traceback (most recent call last):\n",
                *traceback.format_tb(error.__traceback__),
                f"{type(error).__module__}.{type(error).__name__} "
                f"({type(error.orig).__name__}): message hidden, it may quote stored values"
                + (f" ({', '.join(facts)})" if facts else ""),
            ])
            record.exc_info = None
        return True


# The loggers that print request lines or tracebacks (a filter does not apply to records that
# reach a logger from its children, so each is named).
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "flask.app", "roundtable",
           "roundtable.errors", "roundtable.cli", "roundtable.notify.outbox")


def install() -> None:
    """Attach the filters to the loggers that print request lines and tracebacks."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for kind in (RedactTokens, HideDatabaseErrorText):
            if not any(isinstance(f, kind) for f in logger.filters):
                logger.addFilter(kind())
