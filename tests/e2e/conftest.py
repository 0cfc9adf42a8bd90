"""Browser fixtures: one Debian Chromium per module, one gunicorn per test, axe-core checks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import SECRET
from servers import gunicorn_server

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
# axe-core, pinned in package.json beside this file; `make install` runs `npm ci` here.
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")  # the impacts that fail a test; minor and moderate are read


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
                "RATELIMIT_ENABLED": "false"}  # CSRF stays on, as in production
    with gunicorn_server(settings, workers=2) as base:
        yield base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(bypass_csp=True)  # axe-core may be let in
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Return a callable that opens a page ``width`` pixels wide in a context of its own.

    Contexts let axe-core in (``bypass_csp``: the site's CSP rightly refuses an injected
    script) unless ``csp=True`` asks for the site's own policy; the reader is in New York and
    prefers reduced motion (no smooth scrolling, no eased focus glow: the same screenshots).
    """
    contexts = []

    def open_(width: int = 1280, *, csp: bool = False, **options: Any) -> Page:
        options.setdefault("viewport", {"width": width, "height": 844 if width < 600 else 900})
        options.setdefault("timezone_id", "America/New_York")
        options.setdefault("locale", "en-GB")
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(bypass_csp=not csp, **options)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return its serious and critical violations."""
    assert AXE.is_file(), "axe-core is missing: run `make install` (npm ci in tests/e2e)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


@pytest.fixture
def accessible() -> Callable[[Page], None]:
    """Return a check that fails, with axe-core's findings, on a serious or critical violation."""

    def check(page: Page) -> None:
        found = axe_violations(page)
        assert not found, f"{page.url}: " + json.dumps(
            [{"id": v["id"], "impact": v["impact"], "help": v["help"],
              "nodes": [n["html"][:200] for n in v["nodes"][:5]]} for v in found], indent=1)

    return check
