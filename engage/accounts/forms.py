from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from ..core.forms import EngageCheckboxInput, EngageForm, GovEmailInput, IdSelectField, VersionField
from ..core.i18n import gettext
from ..core.i18n import lazy_gettext as _l
from .roles import ROLE_HINTS, ROLES


class LoginForm(EngageForm):
    email = EmailField(_l("Email address"), widget=GovEmailInput(), validators=[InputRequired(_l("Enter your email address")), Length(max=254, message=_l("Email address must be 254 characters or fewer"))])
    password = PasswordField(_l("Password"), widget=GovPasswordInput(), validators=[InputRequired(_l("Enter your password")), Length(max=200, message=_l("Password must be 200 characters or fewer"))])
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class ForgotPasswordForm(EngageForm):
    email = EmailField(_l("Email address"), widget=GovEmailInput(), validators=[InputRequired(_l("Enter your email address")), Email(_l("Enter an email address in the correct format, like name@example.org")), Length(max=254, message=_l("Email address must be 254 characters or fewer"))])
    submit = SubmitField(_l("Send me a link"), widget=GovSubmitInput())


class ChangePasswordForm(EngageForm):
    current_password = PasswordField(_l("Current password"), widget=GovPasswordInput(), validators=[InputRequired(_l("Enter your current password")), Length(max=200, message=_l("Password must be 200 characters or fewer"))])
    password = PasswordField(_l("New password"), description=_l("Use 10 characters or more. A few unrelated words make a strong password."), widget=GovPasswordInput(), validators=[InputRequired(_l("Enter a new password")), Length(min=10, max=200, message=_l("Password must be between 10 and 200 characters"))])
    confirm = PasswordField(_l("Confirm new password"), widget=GovPasswordInput(), validators=[InputRequired(_l("Enter the new password again")), EqualTo("password", _l("The two passwords must match"))])
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class SignOutEverywhereForm(EngageForm):
    submit = SubmitField(_l("Sign out everywhere"), widget=GovSubmitInput())


class ResetPasswordForm(EngageForm):
    password = PasswordField(_l("New password"), description=_l("Use 10 characters or more. A few unrelated words make a strong password."), widget=GovPasswordInput(), validators=[InputRequired(_l("Enter a new password")), Length(min=10, max=200, message=_l("Password must be between 10 and 200 characters"))])
    confirm = PasswordField(_l("Confirm new password"), widget=GovPasswordInput(), validators=[InputRequired(_l("Enter the new password again")), EqualTo("password", _l("The two passwords must match"))])
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class UserForm(EngageForm):
    version = VersionField()
    name = StringField(_l("Full name"), widget=GovTextInput(), validators=[InputRequired(_l("Enter the person's name")), Length(max=120, message=_l("Name must be 120 characters or fewer"))])
    email = EmailField(_l("Email address"), widget=GovEmailInput(), validators=[InputRequired(_l("Enter an email address")), Email(_l("Enter an email address in the correct format, like name@example.org")), Length(max=254, message=_l("Email address must be 254 characters or fewer"))])
    role = RadioField(_l("Role"), choices=[(k, _l(v)) for k, v in ROLES.items()], widget=GovRadioInput(), validators=[InputRequired(_l("Select a role"))])
    organisation_id = IdSelectField(_l("Organisation"), description=_l("The organisation or group this person works or volunteers for."), blank=_l("No organisation"))
    active = BooleanField(_l("Account is active (the person can sign in)"), widget=EngageCheckboxInput(), default=True)
    submit = SubmitField(_l("Save account"), widget=GovSubmitInput())


class NewUserForm(UserForm):
    """Adding an account sends the person an emailed link to choose their own password."""

    submit = SubmitField(_l("Add the account and send the invitation"), widget=GovSubmitInput())


class InviteAgainForm(EngageForm):
    submit = SubmitField(_l("Send the invitation again"), widget=GovSubmitInput())


class AccountSearchForm(EngageForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search accounts"), description=_l("Part of a name, an email address or an organisation."),
                    widget=GovTextInput(), validators=[Length(max=100, message=_l("Search words must be 100 characters or fewer"))])


def role_items(field) -> list[dict]:
    """What each role may do, shown under its choice."""
    return [{"hint": {"text": gettext(ROLE_HINTS[value])}} for value, _label in field.choices]
