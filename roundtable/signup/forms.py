"""The signup form: shape checks only; eligibility and capacity are the domain's."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from roundtable.fields import email_validators, seniority_choices, strip
from roundtable.registrations import Applicant
from roundtable.seniority import Seniority


class SignupForm(FlaskForm):
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
        return Applicant(
            name=self.name.data or "",
            email=self.email.data or "",
            company=self.company.data or "",
            job_title=self.job_title.data or "",
            seniority=Seniority(self.seniority.data),
            discussion_topic=self.discussion_topic.data or "",
        )
