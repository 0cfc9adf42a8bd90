"""Logging set-up: private manage-link tokens and console searches never reach a log line."""

from __future__ import annotations

import logging
import re

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


def install() -> None:
    """Attach the token filter to the loggers that print request lines."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "roundtable", "flask.app"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
