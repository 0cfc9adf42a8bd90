"""The benchmark's yardstick: the cheapest Flask endpoint, served the way Roundtable is.

    gunicorn -c gunicorn.conf.py --pythonpath bench 'trivial_app:app'
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def answer() -> tuple[str, int, dict[str, str]]:
    """Answer with two bytes of plain text."""
    return "ok", 200, {"Content-Type": "text/plain"}
