"""Forms of the private manage link: confirmations, detail changes, lost-link requests."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from roundtable.fields import email_validators, seniority_choices, strip
from roundtable.registrations import DetailChanges
from roundtable.seniority import Seniority


class ConfirmForm(FlaskForm):
    """An empty form: a confirmation step that carries the CSRF token."""


class DetailsForm(FlaskForm):
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

    def changes(self) -> DetailChanges:
        """Return the entered details as the domain's DetailChanges."""
        return DetailChanges(
            name=self.name.data or "",
            company=self.company.data or "",
            job_title=self.job_title.data or "",
            seniority=Seniority(self.seniority.data),
            discussion_topic=self.discussion_topic.data or "",
        )


class LostLinkForm(FlaskForm):
    """Ask for the private link to be sent again."""

    email = EmailField(
        "The email address you registered with",
        filters=[strip],
        validators=email_validators("Please enter your email address."),
    )
