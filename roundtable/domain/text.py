"""What text the site stores: the characters a single-line or a multi-line value may hold.

Names, titles, companies and places end up in mail headers, calendar files, CSV exports and
pages. Control characters break or forge those (a CR/LF in a mail header or a calendar line),
line and paragraph separators break lines where no one sees a newline, and bidirectional
overrides make text read differently from what it is. A name of invisible characters only
looks empty. The forms refuse such values with a message; the domain refuses them again, so the
CLI and any later caller share the rule.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls, DEL and the C1 controls (NEL, U+0085, among them), the line and paragraph
# separators, and the bidirectional embeddings, overrides and isolates.
_SINGLE_LINE_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# Multi-line text keeps tabs and line feeds (CR LF is made LF first); the rest of C0 and DEL go.
_MULTI_LINE_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_NEWLINES = re.compile("\r\n|\r|\u2028|\u2029|\x85")

# Characters that show nothing although they are not white space or format characters.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")

SINGLE_LINE_MESSAGE = (
    "This field has characters we cannot accept (control characters, line breaks or "
    "text-direction overrides). Please type it again as plain text on one line."
)
MULTI_LINE_MESSAGE = (
    "This text has control characters we cannot accept. Please type it again as plain text."
)
INVISIBLE_MESSAGE = "Please use visible letters or digits here."


def single_line_problem(value: str) -> str | None:
    """Return why ``value`` cannot be a single-line value, or None when it can."""
    if _SINGLE_LINE_FORBIDDEN.search(value):
        return SINGLE_LINE_MESSAGE
    if value and not has_visible(value):
        return INVISIBLE_MESSAGE
    return None


def multi_line_problem(value: str) -> str | None:
    """Return why ``value`` cannot be a multi-line text, or None when it can."""
    if _MULTI_LINE_FORBIDDEN.search(normalise_newlines(value)):
        return MULTI_LINE_MESSAGE
    return None


def normalise_newlines(value: str) -> str:
    """Return ``value`` with every kind of line break as a line feed (browsers send CR LF)."""
    return _NEWLINES.sub("\n", value)


def has_visible(value: str) -> bool:
    """Return True when ``value`` has at least one character that shows on a page."""
    return any(_visible(char) for char in value)


def _visible(char: str) -> bool:
    if char in _BLANK_LETTERS:
        return False
    # Separators (Z*), controls, format, surrogates, private use and unassigned (C*), and
    # combining marks (M*) show nothing by themselves.
    return unicodedata.category(char)[0] not in "ZCM"


def one_line(value: str) -> str:
    """Return ``value`` with any run of line breaks and control characters made one space.

    For output that must stay on one line whatever is stored (mail headers, calendar names).
    """
    return re.sub(f"(?:{_SINGLE_LINE_FORBIDDEN.pattern})+", " ", value)


def plain_lines(value: str) -> str:
    """Return multi-line ``value`` with line feeds for line breaks and no other controls."""
    return _MULTI_LINE_FORBIDDEN.sub("", normalise_newlines(value))
