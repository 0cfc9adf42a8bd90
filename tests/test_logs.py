"""Request logs carry no private manage-link token and no console search term, however the
request line spells them."""

from __future__ import annotations

import logging

import pytest

from roundtable.web import logs

TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi12YWx1ZQ"


@pytest.mark.parametrize("path", [
    f"/r/{TOKEN}",
    f"/r/{TOKEN}/edit",
    f"/r/{TOKEN}/invite.ics?x=1",
    "/r/short",  # a token cut short is still part of one
    f"/r/{TOKEN[:5]}%2D{TOKEN[5:]}",  # percent-encoded characters in the token
    f"/r/%{ord(TOKEN[0]):02X}{TOKEN[1:]}",
    f"/%72/{TOKEN}",  # the "r" encoded: Werkzeug decodes it before routing
    f"%2Fr%2F{TOKEN}",
    f"/r%2f{TOKEN}",
    f"/r/{TOKEN}%2Fcancel",
    f"/r/{TOKEN}.ics",
    f"/r/{TOKEN}#x",
])
def test_any_segment_after_r_is_redacted(path: str) -> None:
    line = f'127.0.0.1 - - "GET {path} HTTP/1.1" 200 -'
    redacted = logs.redact(line)
    assert TOKEN[3:12] not in redacted and "short" not in redacted
    assert "[redacted]" in redacted


@pytest.mark.parametrize("path", ["/r/lost", "/r/lost?x=1", "/events/r-and-d", "/organizer/"])
def test_other_paths_are_kept(path: str) -> None:
    assert logs.redact(f"GET {path} HTTP/1.1") == f"GET {path} HTTP/1.1"


@pytest.mark.parametrize(("path", "kept"), [
    ("/organizer/events/3/attendees?q=Ada+Lovelace", "/organizer/events/3/attendees?q=[masked]"),
    ("/organizer/events/3/attendees?status=all&q=ada%40example.com&page=2",
     "/organizer/events/3/attendees?status=all&q=[masked]&page=2"),
    ("/organizer/events/3/check-in?q=Lovelace", "/organizer/events/3/check-in?q=[masked]"),
    ("/organizer/registrations/9/cancel?return_to=%2Forganizer%2Fevents%2F3%2Fattendees"
     "%3Fq%3DAda%2BLovelace%26page%3D2",
     "/organizer/registrations/9/cancel?return_to=%2Forganizer%2Fevents%2F3%2Fattendees"
     "%3Fq%3D[masked]%26page%3D2"),
    ("/organizer/events/3/attendees?faq=1", "/organizer/events/3/attendees?faq=1"),
])
def test_console_searches_are_masked(path: str, kept: str) -> None:
    assert logs.redact(f'"GET {path} HTTP/1.1" 200') == f'"GET {kept} HTTP/1.1" 200'


def test_the_filter_masks_searches_in_real_request_lines(console_client, make_event,
                                                         make_registration, caplog) -> None:
    event = make_event()
    make_registration(event, name="Ada Lovelace", email="ada@analytical.example")
    logger = logging.getLogger("werkzeug")
    response = console_client.get(f"/organizer/events/{event.id}/attendees?q=Lovelace")
    assert "Ada Lovelace" in response.get_data(as_text=True)
    with caplog.at_level(logging.INFO, logger="werkzeug"), \
            caplog.at_level(logging.INFO, logger="gunicorn.access"):
        # The line Werkzeug's server writes for that request (the test client writes none).
        logger.info('%s - - [%s] "%s" %s -', "127.0.0.1", "now",
                    f"GET /organizer/events/{event.id}/attendees?q=Lovelace HTTP/1.1", "200")
        access = logging.getLogger("gunicorn.access")
        access.info('%(h)s "%(r)s" %(s)s', {
            "h": "127.0.0.1", "r": "GET /organizer/events/1/check-in?q=ada%40analytical HTTP/1.1",
            "s": "200"})
    assert len(caplog.messages) == 2
    assert all("Lovelace" not in m and "analytical" not in m for m in caplog.messages)
