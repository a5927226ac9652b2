"""The follow form. What is followed comes from the page's address (or, for a place, the
place boxes); the services check everything again."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import EmailField, RadioField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from ..core.forms import EngageForm, GovEmailInput
from .models import CADENCES


class FollowForm(EngageForm):
    email = EmailField("Your email address", widget=GovEmailInput(),
                       description="We only use it to send you these emails. We never show it to anyone.",
                       validators=[InputRequired("Enter your email address"),
                                   Email("Enter an email address in the correct format, like name@example.org"),
                                   Length(max=254, message="Email address must be 254 characters or fewer")])
    cadence = RadioField("How often do you want emails?", choices=list(CADENCES.items()), default="immediate",
                         widget=GovRadioInput(), validators=[InputRequired("Select how often you want emails")])
    submit = SubmitField("Send me a link to confirm", widget=GovSubmitInput())


class ConfirmForm(EngageForm):
    submit = SubmitField("Yes, start the emails", widget=GovSubmitInput())
