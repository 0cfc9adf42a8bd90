"""Behind a proxy: links built on BASE_URL, foreign hosts refused, forwarded headers, HSTS."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import request

LOCAL = "http://127.0.0.1:5000"  # the default BASE_URL, a loopback one
PUBLIC = "https://roundtable.example.org"


def absolute_links(html: str) -> list[str]:
    """Return every href and src of a page that names a scheme."""
    return [url.replace("&amp;", "&") for url in re.findall(r'(?:href|src)="([^"]+)"', html)
            if "://" in url]


def assert_links_on(base: str, html: str, slug: str) -> None:
    """Check that every absolute link of an event page is on ``base`` (or carries it)."""
    host = urlsplit(base).netloc
    links = absolute_links(html)
    assert f"webcal://{host}/calendar.ics" in links
    own = [u for u in links if not u.startswith(("https://calendar.google.com/",
                                                   "https://outlook.live.com/"))]
    assert all(u.startswith((f"{base}/", f"webcal://{host}/")) for u in own), own
    carried = [u for u in links if u not in own]
    assert len(carried) == 2  # Google and Outlook, whose text links back to the event page
    for url in carried:
        query = parse_qs(urlsplit(url).query)
        details = (query.get("details") or query["body"])[0]
        assert details.endswith(f"Details: {base}/events/{slug}")


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "localhost:9999"},  # a trusted name, but not the public address
        {"X-Forwarded-Host": "evil.example"},  # no proxy is trusted: the header is ignored
        {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.9"},
    ],
)
def test_event_page_links_come_from_the_base_url_not_the_request(
    client, make_event, headers
) -> None:
    event = make_event()
    response = client.get(f"/events/{event.slug}", headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "9999" not in html and "evil" not in html
    assert_links_on(LOCAL, html, event.slug)


def test_links_use_an_https_base_url(make_app, make_event) -> None:
    app = make_app(BASE_URL=PUBLIC)
    event = make_event()
    response = app.test_client().get(f"/events/{event.slug}", base_url=PUBLIC)
    assert response.status_code == 200
    assert_links_on(PUBLIC, response.get_data(as_text=True), event.slug)


@pytest.mark.parametrize(
    ("proxies", "headers"),
    [
        (0, {"Host": "evil.example"}),
        (0, {"Host": "localhost"}),  # loopback names only when the base URL is loopback
        (1, {"X-Forwarded-Host": "evil.example"}),
        (2, {"X-Forwarded-Host": "evil.example, roundtable.example.org"}),
    ],
)
def test_a_foreign_host_is_refused(make_app, make_event, proxies, headers) -> None:
    app = make_app(BASE_URL=PUBLIC, TRUSTED_PROXIES=proxies)
    event = make_event()
    client = app.test_client()
    assert client.get(f"/events/{event.slug}", base_url=PUBLIC).status_code == 200
    refused = client.get(f"/events/{event.slug}", base_url=PUBLIC, headers=headers)
    assert refused.status_code == 400
    assert "evil" not in refused.get_data(as_text=True)
    assert refused.headers["Content-Type"].startswith("text/plain")


def test_the_loopback_base_url_trusts_only_loopback_names(client) -> None:
    assert client.get("/healthz").status_code == 200  # the test client's "localhost"
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def _who(make_app, proxies: int):
    """Return a client of an app with a route that shows what the request looked like."""
    app = make_app(TRUSTED_PROXIES=proxies)

    @app.get("/test-who")
    def who() -> dict[str, str | None]:
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app.test_client()


FORWARDED = {
    "X-Forwarded-For": "127.0.0.8, 127.0.0.7",  # the client's own claim, then the proxy's
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "localhost",
}


def test_forwarded_headers_are_ignored_with_no_trusted_proxy(make_app) -> None:
    client = _who(make_app, 0)
    seen = client.get("/test-who", base_url="http://127.0.0.1:5000", headers=FORWARDED).json
    assert seen == {"addr": "127.0.0.1", "scheme": "http", "host": "127.0.0.1:5000"}


def test_forwarded_headers_of_one_trusted_proxy_are_used(make_app) -> None:
    client = _who(make_app, 1)
    seen = client.get("/test-who", base_url="http://127.0.0.1:5000", headers=FORWARDED).json
    # Only the hop the proxy added is believed, not what the client wrote before it.
    assert seen == {"addr": "127.0.0.7", "scheme": "https", "host": "localhost"}


@pytest.mark.parametrize(("base", "sent"), [(PUBLIC, True), (LOCAL, False)])
def test_hsts_only_when_the_base_url_is_https(make_app, base, sent) -> None:
    response = make_app(BASE_URL=base).test_client().get("/healthz", base_url=base)
    assert response.status_code == 200
    if sent:
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )
    else:
        assert "Strict-Transport-Security" not in response.headers
