"""Text fields take plain text: control characters, line breaks in single-line fields,
direction overrides and invisible-only values are refused with a message in every form, again in
the domain, and calendar files and mail headers stay sound whatever a stored title holds."""

from __future__ import annotations

import unicodedata
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from roundtable.domain import events
from roundtable.domain.models import Event, OutboxMessage
from roundtable.extensions import db
from roundtable.notify import calendar, compose
from roundtable.web import forms

from conftest import NOW, SIGNUP_FORM
from organizer_support import counts, snapshot, world

HOSTILE_LINES = {
    "NUL": "Ada\x00Lovelace",
    "C0 (bell)": "Ada\x07",
    "ESC": "Ada \x1b[31mred",
    "CR LF": "Ada\r\nBcc: victim@example.com",
    "tab": "Ada\tLovelace",
    "DEL": "Ada\x7f",
    "NEL": "Ada\x85Lovelace",
    "C1": "Ada\x9b",
    "line separator": "Ada\u2028Lovelace",
    "paragraph separator": "Ada\u2029Lovelace",
    "RLO override": "Ada \u202egnp.exe",
    "LRE embedding": "\u202aAda",
    "RLI isolate": "Ada \u2067x\u2069",
    "zero-width only": "\u200b\u200b\u200b",
    "Hangul filler only": "\u3164",
    "BOM and joiners only": "\ufeff\u200d\u2060",
    "combining mark only": "\u0301\u0301",
}
FINE_LINES = ["Ada Lovelace", "Zoë Ångström-Ñúñez", "李小龍", "محمد", "O'Brien & Co.",
              "<b>not bold</b>", "Ada\u200dLovelace"]


# --- Characters no text field may hold -----------------------------------------------------------


def text_fields() -> list[tuple[type[forms.Form], str, str]]:
    """Return (form class, field name, 'single' or 'multi') for every text field of the site."""
    found = []
    for form_class in vars(forms).values():
        if not (isinstance(form_class, type) and issubclass(form_class, forms.FlaskForm)):
            continue
        for name, unbound in vars(form_class).items():
            field_class = getattr(unbound, "field_class", None)
            if field_class is None or not issubclass(field_class, StringField):
                continue
            if issubclass(field_class, HiddenField | PasswordField):
                continue
            found.append((form_class, name,
                          "multi" if issubclass(field_class, TextAreaField) else "single"))
    return found


def test_every_form_is_a_site_form_and_the_text_fields_are_all_found() -> None:
    for value in vars(forms).values():
        if isinstance(value, type) and issubclass(value, forms.FlaskForm) and value not in (
                forms.FlaskForm, forms.Form):
            assert issubclass(value, forms.Form), f"{value.__name__} must extend forms.Form"
    names = {(f.__name__, n) for f, n, _ in text_fields()}
    assert {("SignupForm", "name"), ("EventForm", "title"), ("EventForm", "host"),
            ("LoginForm", "email"), ("AttendeeForm", "company"), ("DetailsForm", "job_title"),
            ("LostLinkForm", "email"), ("EventForm", "join_url")} <= names
    assert ("EventForm", "description") in names and ("NoteForm", "note") in names
    assert ("EventForm", "timezone") not in names  # a picker of places, not typed text


@pytest.mark.parametrize(("form_class", "name", "kind"), text_fields(),
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_single_line_field_refuses_control_and_invisible_characters(
    app, form_class, name, kind
) -> None:
    for label, value in HOSTILE_LINES.items():
        if kind == "multi" and label not in ("NUL", "C0 (bell)", "ESC", "DEL"):
            continue
        with app.test_request_context(method="POST", data={name: value}):
            form = form_class()
            form.validate()
            errors = form.errors.get(name, [])
            assert errors and ("characters we cannot accept" in errors[0]
                               or "visible letters" in errors[0]), (label, errors)


@pytest.mark.parametrize(("form_class", "name", "kind"), text_fields(),
                         ids=lambda v: getattr(v, "__name__", v))
def test_ordinary_text_passes_the_character_check(app, form_class, name, kind) -> None:
    values = FINE_LINES + (["Line one\r\nLine two\r\n\r\n\tindented"] if kind == "multi" else [])
    for value in values:
        with app.test_request_context(method="POST", data={name: value}):
            form = form_class()
            form.validate()
            for error in form.errors.get(name, []):
                assert "characters we cannot accept" not in error
                assert "visible letters" not in error


def test_multi_line_text_keeps_its_lines_as_line_feeds(app) -> None:
    with app.test_request_context(method="POST", data={"note": "One\r\nTwo\rThree"}):
        form = forms.NoteForm()
        form.validate()
        assert form.note.data == "One\nTwo\nThree"


@pytest.mark.parametrize("label", list(HOSTILE_LINES))
def test_a_signup_with_hostile_characters_is_refused_and_stores_nothing(
    client, make_event, label
) -> None:
    event = make_event()
    response = client.post(f"/events/{event.slug}/register",
                           data={**SIGNUP_FORM, "name": HOSTILE_LINES[label]})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="name-error"' in body
    assert response.headers["Cache-Control"] == "no-store"  # the form again, with what was typed
    assert counts()["Registration"] == 0


def test_organizer_forms_refuse_hostile_characters(console_client, make_event,
                                                   make_registration) -> None:
    ids = world(make_event, make_registration)
    before = snapshot()
    person = {"name": "Mallory", "email": "m@example.org", "company": "ACME\u202e",
              "job_title": "CTO", "seniority": "c_level"}
    response = console_client.post(f"/organizer/events/{ids['e']}/attendees/new", data=person)
    assert response.status_code == 400 and 'id="company-error"' in response.get_data(as_text=True)
    form = edit_form(ids["event"], title="Summit\r\nBcc: everyone@example.com")
    response = console_client.post(f"/organizer/events/{ids['e']}/edit", data=form)
    assert response.status_code == 400 and 'id="title-error"' in response.get_data(as_text=True)
    response = console_client.post(f"/organizer/events/{ids['e']}/edit",
                                   data=edit_form(ids["event"], description="Fine\x00not"))
    assert response.status_code == 400
    assert 'id="description-error"' in response.get_data(as_text=True)
    assert snapshot() == before


def edit_form(event: Event, **changes: str) -> dict[str, str]:
    local = events.details_of(event)
    return {
        "title": event.title, "slug": event.slug, "summary": event.summary,
        "description": event.description, "host": event.host, "format": event.format.value,
        "join_url": event.join_url or "", "location": event.location or "",
        "starts_local": f"{local.starts_local:%Y-%m-%dT%H:%M}",
        "ends_local": f"{local.ends_local:%Y-%m-%dT%H:%M}", "timezone": event.timezone,
        "capacity": str(event.capacity), "minimum_level": event.minimum_level.value,
        "approval_mode": event.approval_mode.value, **changes,
    }


def test_the_domain_refuses_control_characters_in_event_details(app, organizer) -> None:
    details = events.EventDetails(
        title="Summit\r\nBcc: everyone@example.com", slug="summit", host="Olive",
        format=events.EventFormat.ONLINE, starts_local=NOW.replace(tzinfo=None, year=2027),
        ends_local=NOW.replace(tzinfo=None, year=2027, hour=13), timezone="Europe/Berlin",
        capacity=10)
    with pytest.raises(events.InvalidEventDetails) as refused:
        events.create_event(db.session(), actor=organizer.id, now=NOW, details=details)
    assert refused.value.field == "title"
    for name, value in (("host", "\u202eOlive"), ("location", "Room\x0b1"),
                        ("description", "Fine\x00not"), ("summary", "\u200b")):
        changed = events.EventDetails(**{**vars(details), "title": "Summit", name: value})
        with pytest.raises(events.InvalidEventDetails) as refused:
            events.create_event(db.session(), actor=organizer.id, now=NOW, details=changed)
        assert refused.value.field == name
    db.session.rollback()
    assert counts()["Event"] == 0


# A title stored before these checks (or by hand) must still give a sound calendar and mail.
# (No NUL: PostgreSQL cannot store one; the calendar test adds it to the title in memory.)
EVIL_TITLE = "Summit\r\nATTENDEE:mailto:evil@example.com\r\nX-EVIL;a,b:\x0b\u2028end"


def test_calendar_text_is_escaped_whatever_the_title_holds(app, make_event) -> None:
    event = make_event(title=EVIL_TITLE, location="Room; 1, \\ back\rslash")
    body = calendar.public_calendar([event], base_url="https://rt.example", now=NOW,
                                    name=EVIL_TITLE)
    lines = body.decode().split("\r\n")
    assert not any(line.startswith(("ATTENDEE", "X-EVIL", "end")) for line in lines)
    assert b"\x00" not in body and "\u2028".encode() not in body
    (parsed,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == "Summit ATTENDEE:mailto:evil@example.com X-EVIL;a,b: end"
    assert "X-WR-CALNAME:Summit ATTENDEE:mailto:evil@example.com X-EVIL\\;a\\,b: end" in lines
    event.title = "Nul\x00here"  # in memory only
    body = calendar.public_calendar([event], base_url="https://rt.example", now=NOW,
                                    name="Nul\x00here")
    db.session.rollback()
    assert b"\x00" not in body and b"SUMMARY:Nul here" in body


def test_invitation_names_with_quotes_and_breaks_stay_in_their_parameter(app, make_event,
                                                                         make_registration
                                                                         ) -> None:
    event = make_event(title=EVIL_TITLE)
    registration = make_registration(event, name='Ada "the" Lovelace\r\nX-EVIL:1')
    body = compose.invite_ics(event, registration, "REQUEST", 1, NOW)
    (vevent,) = Calendar.from_ical(body).walk("VEVENT")
    assert len(vevent.get("ATTENDEE") if isinstance(vevent.get("ATTENDEE"), list) else
               [vevent.get("ATTENDEE")]) == 1
    assert not any(line.startswith("X-EVIL") for line in body.decode().split("\r\n"))


def test_a_line_break_in_a_title_never_breaks_a_mail_header(app, make_event,
                                                           make_registration) -> None:
    event = make_event(title=EVIL_TITLE)
    registration = make_registration(event)
    message = OutboxMessage(kind="confirmed", event_id=event.id,
                            registration_id=registration.id, recipient=registration.email,
                            payload={"calendar": "REQUEST", "sequence": 1})
    db.session.add(message)
    db.session.commit()
    email = compose.compose(db.session(), message, NOW)
    raw = bytes(email)
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"].startswith("Your seat is confirmed: Summit ATTENDEE:")
    assert parsed["Bcc"] is None and "X-EVIL" not in parsed
    assert list(parsed.keys()).count("Subject") == 1


def test_no_character_class_is_left_out() -> None:
    """Every C0 and C1 control, and every bidi control, is refused in a single-line field."""
    from roundtable.domain import text as rules

    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029,
                 *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        assert rules.single_line_problem(f"a{chr(code)}b"), hex(code)
    assert not rules.single_line_problem("a\u200db")  # a joiner inside a name is fine
    assert unicodedata.category("\u3164") == "Lo"  # shows nothing, yet a "letter"
    assert rules.single_line_problem("\u3164") == rules.INVISIBLE_MESSAGE


def test_typed_markup_is_shown_as_text_everywhere(console_client, make_event, sign_up) -> None:
    """Markup is plain text to the site: accepted, stored as typed, escaped wherever shown."""
    event = make_event()
    sign_up(event, name='<script>alert("x")</script>', company="<b>Bold</b> & Co")
    for url in (f"/organizer/events/{event.id}/attendees", f"/organizer/events/{event.id}",
                f"/organizer/events/{event.id}/check-in"):
        body = console_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<b>Bold</b>" not in body, url
    body = console_client.get(f"/organizer/events/{event.id}/attendees").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
