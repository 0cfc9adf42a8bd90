"""Every form of the site: shape checks only (length, required, syntax); policy is the domain's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FileField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)

# types-WTForms (for WTForms 3.2) does not know SelectChoice yet, which WTForms 3.3 added.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.fields.core import Field, UnboundField
from wtforms.form import BaseForm
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from roundtable.domain import events, messages, text, zones
from roundtable.domain.events import EventDetails
from roundtable.domain.messages import Draft
from roundtable.domain.models import ApprovalMode, EventFormat
from roundtable.domain.registrations import Applicant, DetailChanges
from roundtable.domain.seating import FullRoom
from roundtable.domain.seniority import CHOICES, Seniority


def strip(value: str | None) -> str | None:
    """Return submitted text without surrounding white space."""
    return value.strip() if isinstance(value, str) else value


def one_newline(value: str | None) -> str | None:
    """Return submitted text with every line break as a line feed (browsers send CR LF)."""
    return text.normalise_newlines(value) if isinstance(value, str) else value


class SingleLine:
    """Refuse control characters, line breaks, direction overrides, and values that show nothing.

    Every single-line text field of every form gets it (``Form`` adds it), before its own checks.
    """

    def __call__(self, form: BaseForm, field: Field) -> None:
        problem = text.single_line_problem(field.data) if isinstance(field.data, str) else None
        if problem:
            raise StopValidation(problem)


class MultiLine:
    """Refuse control characters other than tab and line feed in a multi-line text field."""

    def __call__(self, form: BaseForm, field: Field) -> None:
        problem = text.multi_line_problem(field.data) if isinstance(field.data, str) else None
        if problem:
            raise StopValidation(problem)


_F = TypeVar("_F", bound=Field)


def text_checks(field_class: type[Field]) -> tuple[list[object], list[Callable[..., Any]]]:
    """Return the validators and filters every text field of ``field_class`` gets first.

    Hidden fields carry paths, which ``safe_next`` checks where they are used; passwords are
    only ever hashed, and refusing characters in them could lock someone out.
    """
    if issubclass(field_class, TextAreaField):
        return [MultiLine()], [one_newline]
    if issubclass(field_class, StringField) and not issubclass(
        field_class, HiddenField | PasswordField
    ):
        return [SingleLine()], []
    return [], []


class Form(FlaskForm):
    """The base of every form of the site: text fields refuse what no text field may hold."""

    class Meta(FlaskForm.Meta):
        def bind_field(
            self, form: BaseForm, unbound_field: UnboundField[_F],
            options: MutableMapping[str, Any],
        ) -> _F:
            validators, filters = text_checks(unbound_field.field_class)
            if not validators:
                return super().bind_field(form, unbound_field, options)
            if len(unbound_field.args) > 1:
                raise TypeError("give a text field's validators by keyword")
            kwargs = unbound_field.kwargs
            return unbound_field.bind(
                form=form,
                validators=[*validators, *(kwargs.get("validators") or ())],
                filters=[*filters, *(kwargs.get("filters") or ())],
                **options,
            )


def email_validators(missing: str) -> list[object]:
    """Return the checks every email field makes (syntax only, never DNS)."""
    return [
        DataRequired(missing),
        Length(max=320),
        Email("Please enter a valid email address, like name@company.com.",
              check_deliverability=False),
    ]


def zone_choices() -> list[SelectChoice]:
    """Return the zone picker's options: the most used places, then every place by name."""
    return [SelectChoice(zone, label, optgroup=group)
            for group, options in zones.picker() for zone, label in options]


class ZoneField(SelectField):
    """A select of time zones whose current value is selected once, though listed twice."""

    def iter_groups(self) -> Iterator[tuple[str, list[Any]]]:
        seen = False
        for group, options in super().iter_groups():
            chosen: list[Any] = []
            for choice in options:
                option: Any = choice  # a Choice; the WTForms stubs still say a plain tuple
                if option.selected and seen:
                    option = option._replace(selected=False)
                seen = seen or option.selected
                chosen.append(option)
            yield group, chosen


def seniority_choices() -> list[SelectChoice]:
    """Return the seniority levels as select options: identifiers as values, labels as text."""
    return [SelectChoice(value, label) for value, label in CHOICES]


# --- Signing up ----------------------------------------------------------------------------------


def applicant_of(form: Any) -> Applicant:
    """Return a person's details as entered in a signup or add-by-hand form."""
    return Applicant(
        name=form.name.data or "",
        email=form.email.data or "",
        company=form.company.data or "",
        job_title=form.job_title.data or "",
        seniority=Seniority(form.seniority.data),
        discussion_topic=form.discussion_topic.data or "",
    )


class SignupForm(Form):
    """A leader's signup for one roundtable."""

    name = StringField(
        "Full name",
        filters=[strip],
        validators=[DataRequired("Please enter your name."), Length(max=200)],
    )
    email = EmailField(
        "Work email",
        filters=[strip],
        validators=email_validators("Please enter your work email."),
        description="We send your confirmation and calendar invite here.",
    )
    company = StringField(
        "Company",
        filters=[strip],
        validators=[DataRequired("Please enter your company."), Length(max=200)],
    )
    job_title = StringField(
        "Job title",
        filters=[strip],
        validators=[DataRequired("Please enter your job title."), Length(max=300)],
        description="As it appears on your profile, e.g. “VP Engineering” or “Head of Platform”.",
    )
    seniority = SelectField(
        "Seniority level",
        choices=[SelectChoice("", "Choose your level…")]
        + seniority_choices(),
        validators=[DataRequired("Please choose your seniority level.")],
        validate_choice=True,
    )
    discussion_topic = TextAreaField(
        "What would you like to discuss? (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=1000)],
    )
    consent = BooleanField(
        "I agree that Roundtable stores these details to run this roundtable, and deletes them "
        "after it (you can erase them at any time from your private link).",
        validators=[DataRequired("Please agree to the storage of your details to sign up.")],
    )
    website = StringField("Leave this field empty", filters=[strip])  # honeypot for bots

    def validate_website(self, field: StringField) -> None:
        if field.data:
            raise ValidationError("This form could not be accepted.")

    def applicant(self) -> Applicant:
        """Return the entered details as the domain's Applicant."""
        return applicant_of(self)


# --- The private page ----------------------------------------------------------------------------


class ConfirmForm(Form):
    """An empty form: a confirmation step that carries the CSRF token."""


class DetailsForm(Form):
    """What a registrant may change."""

    name = StringField("Full name", filters=[strip],
                       validators=[DataRequired("Please enter your name."), Length(max=200)])
    company = StringField("Company", filters=[strip],
                          validators=[DataRequired("Please enter your company."),
                                      Length(max=200)])
    job_title = StringField(
        "Job title", filters=[strip],
        validators=[DataRequired("Please enter your job title."), Length(max=300)],
        description="Changing your job title or level re-checks eligibility: your registration "
        "may move to an organizer's review, and a seat you hold would go to the waiting list.",
    )
    seniority = SelectField(
        "Seniority level",
        choices=seniority_choices(),
        validators=[DataRequired("Please choose your seniority level.")],
        validate_choice=True,
    )
    discussion_topic = TextAreaField("What would you like to discuss? (optional)",
                                     filters=[strip], validators=[Optional(), Length(max=1000)])
    accept = BooleanField("Yes, save my new details and accept what changes")

    def changes(self) -> DetailChanges:
        """Return the entered details as the domain's DetailChanges."""
        return DetailChanges(
            name=self.name.data or "",
            company=self.company.data or "",
            job_title=self.job_title.data or "",
            seniority=Seniority(self.seniority.data),
            discussion_topic=self.discussion_topic.data or "",
        )


class LostLinkForm(Form):
    """Ask for the private link to be sent again."""

    email = EmailField(
        "The email address you registered with",
        filters=[strip],
        validators=email_validators("Please enter your email address."),
    )


# --- The organizer console -----------------------------------------------------------------------


LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
ON, OFF = "on", "off"
KEEP, RELEASE = "keep", "release"


class Needed:
    """Refuse a field sent empty (when its ``switch`` is on, if it has one).

    A field left out of the post altogether keeps its default, as a form of an older page does.
    """

    def __init__(self, message: str, switch: str | None = None, zero: str | None = None) -> None:
        self.message = message
        self.switch = switch
        self.zero = zero  # refuse 0 too, with this message (0 hours would turn the step off)

    def __call__(self, form: BaseForm, field: Field) -> None:
        if self.switch is not None and form[self.switch].data != ON:
            return
        if field.raw_data and not str(field.raw_data[0]).strip():
            raise StopValidation(self.message)
        if self.zero is not None and field.data == 0:
            raise StopValidation(self.zero)


class HoursField(IntegerField):
    """A whole number of hours, with a plain message for anything else."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Please enter a whole number of hours, like 24.") from None


class LoginForm(Form):
    """An organizer's sign-in."""

    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired("Please enter your email."), Length(max=320)],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Please enter your password."), Length(max=1024)],
    )
    next = HiddenField()


class ActionForm(Form):
    """A one-button action: the CSRF token and where to go back to."""

    return_to = HiddenField()


class NoteForm(ActionForm):
    """An action with an optional note to the person concerned."""

    note = TextAreaField(
        "Note to include in the email (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=1000, message="Please keep the note under 1000 "
                                                         "characters.")],
    )


class EventForm(Form):
    """Create or edit a roundtable; times are entered in the event's own zone."""

    title = StringField("Title", filters=[strip],
                        validators=[DataRequired("Please enter a title."), Length(max=200)])
    slug = StringField(
        "Address name",
        filters=[strip],
        validators=[DataRequired("Please choose an address name."), Length(max=80)],
        description="The end of the event's web address: lower-case letters, digits, hyphens.",
    )
    summary = StringField("One-line summary", filters=[strip],
                          validators=[Optional(), Length(max=300)])
    description = TextAreaField("Description", filters=[strip],
                                validators=[Optional(), Length(max=20_000)],
                                render_kw={"rows": 8})
    host = StringField("Host", filters=[strip],
                       validators=[DataRequired("Please name the host."), Length(max=200)])
    contact_email = EmailField(
        "Host's contact address", filters=[strip],
        validators=[Optional(), Length(max=320),
                    Email("Please enter a valid email address, like host@example.org.",
                          check_deliverability=False)],
        description="Replies to every mail go here, and calendars show it as the organizer. "
        "Needed before publishing.",
    )
    format = SelectField(
        "Format",
        choices=[SelectChoice(EventFormat.ONLINE.value, "Online"),
                 SelectChoice(EventFormat.IN_PERSON.value, "In person")],
        validate_choice=True,
    )
    location = StringField("Place (for in-person events)", filters=[strip],
                           validators=[Optional(), Length(max=300)])
    join_url = URLField(
        "Join link (for online events)",
        filters=[strip],
        validators=[Optional(), Length(max=500),
                    URL(require_tld=False, message="Please enter a full link, e.g. "
                                                   "https://meet.example.org/room.")],
        description="Sent only to confirmed attendees.",
    )
    starts_local = DateTimeLocalField(
        "Starts",
        format=LOCAL_FORMATS,
        validators=[InputRequired("Please enter the start date and time.")],
        description="In the event's time zone, below.",
    )
    ends_local = DateTimeLocalField(
        "Ends",
        format=LOCAL_FORMATS,
        validators=[InputRequired("Please enter the end date and time.")],
        description="In the event's time zone, below.",
    )
    deadline_local = DateTimeLocalField(
        "Registration closes (optional)",
        format=LOCAL_FORMATS,
        validators=[Optional()],
        description="In the event's time zone; before the start. Leave empty to take "
        "registrations until the start.",
    )
    timezone = ZoneField(
        "Time zone",
        filters=[strip],
        validators=[DataRequired("Please choose a time zone."), Length(max=64)],
        choices=zone_choices(),
        # The domain refuses anything else, with a suggestion (a posted "EST" is not a place).
        validate_choice=False,
        description="The place whose clocks the roundtable follows; the most used come first.",
    )
    capacity = IntegerField(
        "Seats",
        validators=[InputRequired("Please enter the number of seats."),
                    NumberRange(min=1, max=10_000, message="Seats must be between 1 and 10000.")],
    )
    company_cap = IntegerField(
        "Seats per company (optional)",
        validators=[Optional(), NumberRange(min=1, max=10_000,
                                            message="Seats per company must be at least 1.")],
        description="Room balance: leave empty for no limit.",
    )
    minimum_level = SelectField(
        "Minimum level",
        choices=seniority_choices(),
        validate_choice=True,
    )
    approval_mode = SelectField(
        "Approval",
        choices=[SelectChoice(ApprovalMode.AUTO.value, "Automatic for eligible leaders"),
                 SelectChoice(ApprovalMode.REVIEW_ALL.value, "An organizer reviews every signup")],
        validate_choice=True,
    )
    confirm_email = BooleanField(
        "Signups confirm their address by email before they hold a seat (recommended; turn "
        "off only for a roundtable you fill by hand)",
        default=True,
    )
    # No empty chairs. A field missing from a post keeps its default (the model's): a step is
    # turned off by its "off" choice, never by leaving a field out.
    reminder = SelectField(
        "Reminder",
        choices=[SelectChoice(ON, "Send seat holders a reminder"),
                 SelectChoice(OFF, "No reminder")],
        default=ON, validate_choice=True,
        description="With the time in their own calendar's terms, how to join, and their "
        "private link. Online roundtables also get the join link an hour before.",
    )
    reminder_hours = HoursField(
        "Reminder: hours before the start", default=24,
        validators=[Needed("Please enter how many hours before the start the reminder goes, "
                           "or choose “No reminder”.", switch="reminder",
                           zero="The reminder goes between 1 and 336 hours (two weeks) before "
                                "the start; or choose “No reminder”."), Optional()],
        description="24 is the day before.",
    )
    reconfirm = SelectField(
        "“Still coming?”",
        choices=[SelectChoice(ON, "Ask seat holders to confirm they are still coming"),
                 SelectChoice(OFF, "Do not ask")],
        default=ON, validate_choice=True,
        description="They answer with one click: “Yes, keep my seat” or “Release my seat” "
        "(a released seat goes to the waiting list).",
    )
    reconfirm_hours = HoursField(
        "Ask: hours before the start", default=72,
        validators=[Needed("Please enter how many hours before the start to ask, or choose "
                           "“Do not ask”.", switch="reconfirm",
                           zero="“Still coming?” is asked between 1 and 336 hours (two weeks) "
                                "before the start; or choose “Do not ask”."), Optional()],
    )
    reconfirm_deadline_hours = HoursField(
        "Answer deadline: hours before the start", default=24,
        validators=[Needed("Please enter the answer deadline, in hours before the start.",
                           switch="reconfirm"), Optional()],
        description="Must come at least 6 hours after the question.",
    )
    unanswered = SelectField(
        "Seats of people who have not answered by the deadline",
        choices=[SelectChoice(KEEP, "Keep them (they stay seated)"),
                 SelectChoice(RELEASE, "Release them to the waiting list")],
        default=KEEP, validate_choice=True,
    )
    offer_window_hours = HoursField(
        "Last-minute offers: hours before the start", default=48,
        validators=[Needed("Please enter the hours before the start when offers begin (0 for "
                           "none)."), Optional()],
        description="A seat freed this close to the start is offered to the next person "
        "waiting, who accepts with one click; one not taken passes to the next. Before that, "
        "the next person gets the seat at once. 0 turns offers off.",
    )
    offer_hours = HoursField(
        "Hours to accept an offer", default=6,
        validators=[Needed("Please enter how many hours an offer is held."), Optional()],
        description="Never past the start.",
    )
    review_no_shows = BooleanField(
        "Send people with two or more no-shows in the last 12 months to review",
        default=False,
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the shape, and when it fails, the event rules too: every mistake at once."""
        if super().validate(extra_validators):
            return True
        if self.starts_local.data is not None and self.ends_local.data is not None:
            try:
                details = self.details()
            except ValueError:  # a choice that is not one: its own message says so
                return False
            for name, message in events.problems(details):
                if name and name in self and not self[name].errors:
                    self[name].errors = [message]
        return False

    def details(self) -> EventDetails:
        """Return the entered values as the domain's EventDetails."""
        assert self.starts_local.data is not None and self.ends_local.data is not None
        return EventDetails(
            title=self.title.data or "",
            slug=self.slug.data or "",
            host=self.host.data or "",
            contact_email=self.contact_email.data or "",
            format=EventFormat(self.format.data),
            starts_local=self.starts_local.data,
            ends_local=self.ends_local.data,
            timezone=self.timezone.data or "",
            capacity=self.capacity.data or 0,
            summary=self.summary.data or "",
            description=self.description.data or "",
            location=self.location.data or "",
            join_url=self.join_url.data or "",
            company_cap=self.company_cap.data,
            deadline_local=self.deadline_local.data,
            minimum_level=Seniority(self.minimum_level.data),
            approval_mode=ApprovalMode(self.approval_mode.data),
            confirm_email=bool(self.confirm_email.data),
            # A step turned off is 0 hours; one left on but empty is the form's own refusal.
            reminder_hours=(self.reminder_hours.data or 0) if self.reminder.data == ON else 0,
            reconfirm_hours=(self.reconfirm_hours.data or 0) if self.reconfirm.data == ON else 0,
            # Off, the deadline is kept as entered (or the default), ready for turning it on.
            reconfirm_deadline_hours=(24 if self.reconfirm_deadline_hours.data is None
                                      else self.reconfirm_deadline_hours.data),
            release_unanswered=self.unanswered.data == RELEASE,
            offer_window_hours=self.offer_window_hours.data or 0,
            offer_hours=self.offer_hours.data or 0,
            review_no_shows=bool(self.review_no_shows.data),
        )

    @staticmethod
    def data_of(details: EventDetails) -> dict[str, Any]:
        """Return an event's details as the form fills in (the on/off choices of its steps)."""
        data = vars(details).copy()
        data.update(
            reminder=ON if details.reminder_hours else OFF,
            reminder_hours=details.reminder_hours or 24,
            reconfirm=ON if details.reconfirm_hours else OFF,
            reconfirm_hours=details.reconfirm_hours or 72,
            unanswered=RELEASE if details.release_unanswered else KEEP,
        )
        return data


class AttendeeForm(Form):
    """A person an organizer adds by hand."""

    name = StringField("Full name", filters=[strip],
                       validators=[DataRequired("Please enter a name."), Length(max=200)])
    email = EmailField(
        "Email",
        filters=[strip],
        validators=email_validators("Please enter an email address."),
    )
    company = StringField("Company", filters=[strip],
                          validators=[DataRequired("Please enter a company."), Length(max=200)])
    job_title = StringField("Job title", filters=[strip],
                            validators=[DataRequired("Please enter a job title."),
                                        Length(max=300)])
    seniority = SelectField(
        "Seniority level",
        choices=seniority_choices(),
        validate_choice=True,
        default=Seniority.DIRECTOR.value,
    )
    discussion_topic = TextAreaField("Discussion topic (optional)", filters=[strip],
                                     validators=[Optional(), Length(max=1000)])
    notify = BooleanField("Email them their confirmation (or waiting-list place)", default=True)
    when_full = SelectField(
        "If the room is full",
        choices=[
            SelectChoice(FullRoom.WAIT.value, "Put them on the waiting list"),
            SelectChoice(FullRoom.RAISE_CAPACITY.value,
                         "Raise the capacity by one (the room gets one more seat)"),
            SelectChoice(FullRoom.OVER_CAPACITY.value,
                         "Give them a seat over the capacity (the capacity stays)"),
        ],
        default=FullRoom.WAIT.value,
        validate_choice=True,
        description="Only matters when every seat is taken.",
    )

    def full_room(self) -> FullRoom:
        """Return what the organizer wants if the room is full."""
        return FullRoom(self.when_full.data or FullRoom.WAIT.value)

    def applicant(self) -> Applicant:
        """Return the entered details as the domain's Applicant."""
        return applicant_of(self)


class CloseForm(ActionForm):
    """Close a roundtable that took place, with the organizer's note for the thank-you mail."""

    note = TextAreaField(
        "Note for the thank-you mail (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="Please keep the note under 2000 "
                                                         "characters.")],
        render_kw={"rows": 3},
        description="Attendees get a thank-you with this note; those who did not come a "
        "“sorry we missed you” naming the next published roundtable.",
    )


class FileChosen:
    """Refuse a file field sent without a file (a browser sends an empty part then)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        if not isinstance(field.data, FileStorage) or not field.data.filename:
            raise StopValidation(self.message)


class AttendanceFileForm(ActionForm):
    """An attendance list exported from the video tool (CSV with an email column)."""

    attendance_file = FileField(
        "Attendance file (CSV)",
        validators=[FileChosen("Please choose the attendance file (CSV) to import.")],
        render_kw={"accept": ".csv,text/csv"},
        description="As Zoom, Teams or Meet export it: a header row with an email column. "
        "Everyone with a seat whose address is in it is marked as attended.",
    )


class MessageForm(Form):
    """An organizer's message to the people of one roundtable (checked again by the domain)."""

    audience = SelectField(
        "Send to",
        choices=[SelectChoice(name, audience.label)
                 for name, audience in messages.AUDIENCES.items()],
        validate_choice=True,
        default="seats",
    )
    subject = StringField(
        "Subject",
        filters=[strip],
        validators=[DataRequired("Please write a subject."),
                    Length(max=messages.SUBJECT_MAX, message=f"Please keep the subject under "
                           f"{messages.SUBJECT_MAX} characters.")],
    )
    text = TextAreaField(
        "Message",
        filters=[strip],
        validators=[DataRequired("Please write the message."),
                    Length(max=messages.TEXT_MAX, message=f"Please keep the message under "
                           f"{messages.TEXT_MAX} characters.")],
        render_kw={"rows": 10},
        description="Plain text. Each person's mail ends with the roundtable's details and "
                    "their private link, and a reply reaches the host.",
    )

    def draft(self) -> Draft:
        """Return the entered message as the domain's Draft."""
        return Draft(self.audience.data or "", self.subject.data or "", self.text.data or "")
