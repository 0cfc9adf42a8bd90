"""Forms of the organizer console: shape checks only; the domain checks the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from roundtable.events import EventDetails
from roundtable.fields import email_validators, seniority_choices, strip
from roundtable.models import ApprovalMode, EventFormat
from roundtable.registrations import Applicant
from roundtable.seniority import Seniority

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class LoginForm(FlaskForm):
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


class ActionForm(FlaskForm):
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


class EventForm(FlaskForm):
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
    timezone = StringField(
        "Time zone",
        filters=[strip],
        validators=[DataRequired("Please enter a time zone."), Length(max=64)],
        description="An IANA name such as Europe/London or America/New_York.",
        render_kw={"list": "timezones", "autocomplete": "off"},
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

    def details(self) -> EventDetails:
        """Return the entered values as the domain's EventDetails."""
        assert self.starts_local.data is not None and self.ends_local.data is not None
        return EventDetails(
            title=self.title.data or "",
            slug=self.slug.data or "",
            host=self.host.data or "",
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
            minimum_level=Seniority(self.minimum_level.data),
            approval_mode=ApprovalMode(self.approval_mode.data),
        )


class AttendeeForm(FlaskForm):
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

    def applicant(self) -> Applicant:
        """Return the entered details as the domain's Applicant."""
        return Applicant(
            name=self.name.data or "",
            email=self.email.data or "",
            company=self.company.data or "",
            job_title=self.job_title.data or "",
            seniority=Seniority(self.seniority.data),
            discussion_topic=self.discussion_topic.data or "",
        )
