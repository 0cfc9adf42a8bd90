"""The demo's mail preview: the messages written to the instance folder, links clickable.

Registered only with ROUNDTABLE_MAIL_PREVIEW=true, which the app refuses unless its base URL is
a loopback address (``make run``): it shows every message to whoever can open the page.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape

bp = Blueprint("preview", __name__, url_prefix="/mail-preview")

_NAME = re.compile(r"[0-9A-Za-z_.-]+\.eml")
_URL = re.compile(r"https?://[^\s<>\"']+")


def _folder() -> Path:
    return Path(current_app.instance_path) / "mail"


def _read(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _text(message: EmailMessage) -> Markup:
    """Return the plain-text part, escaped, with its addresses as links."""
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else ""
    escaped = str(escape(body))  # every character of the mail escaped first, then links added
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    # Safe markup: built from escaped text, and the links' addresses hold no < > or quotes.
    return Markup(linked)  # nosec B704


@bp.get("/")
def list_mail() -> str:
    """List the messages written so far, newest first."""
    files = sorted(_folder().glob("*.eml"), reverse=True)[:200] if _folder().is_dir() else []
    rows = [(path.name, _read(path)) for path in files]
    return render_template("preview/list.html", rows=rows)


@bp.get("/<name>")
def show_mail(name: str) -> str:
    """Show one message: its headers and its text with clickable links."""
    path = _folder() / name
    if not _NAME.fullmatch(name) or not path.is_file():
        abort(404)
    message = _read(path)
    return render_template("preview/show.html", message=message, body=_text(message))
