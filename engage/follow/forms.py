"""The follow form. What is followed comes from the page's address (or, for a place, the
place boxes); the services check everything again. Its words are translated when shown."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import EmailField, RadioField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from ..core.forms import EngageForm, GovEmailInput
from ..core.i18n import lazy_gettext as _l
from .models import CADENCES


class FollowForm(EngageForm):
    email = EmailField(_l("Your email address"), widget=GovEmailInput(),
                       description=_l("We only use it to send you these emails. We never show it to anyone."),
                       validators=[InputRequired(_l("Enter your email address")),
                                   Email(_l("Enter an email address in the correct format, like name@example.org")),
                                   Length(max=254, message=_l("Email address must be 254 characters or fewer"))])
    cadence = RadioField(_l("How often do you want emails?"), choices=[(k, _l(v)) for k, v in CADENCES.items()],
                         default="immediate", widget=GovRadioInput(),
                         validators=[InputRequired(_l("Select how often you want emails"))])
    submit = SubmitField(_l("Send me a link to confirm"), widget=GovSubmitInput())


class ConfirmForm(EngageForm):
    submit = SubmitField(_l("Yes, start the emails"), widget=GovSubmitInput())
