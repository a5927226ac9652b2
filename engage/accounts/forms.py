from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from ..core.forms import EngageCheckboxInput, EngageForm, GovEmailInput, IdSelectField, VersionField
from .roles import ROLE_HINTS, ROLES


class LoginForm(EngageForm):
    email = EmailField("Email address", widget=GovEmailInput(), validators=[InputRequired("Enter your email address"), Length(max=254, message="Email address must be 254 characters or fewer")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password"), Length(max=200, message="Password must be 200 characters or fewer")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(EngageForm):
    email = EmailField("Email address", widget=GovEmailInput(), validators=[InputRequired("Enter your email address"), Email("Enter an email address in the correct format, like name@example.org"), Length(max=254, message="Email address must be 254 characters or fewer")])
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ChangePasswordForm(EngageForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput(), validators=[InputRequired("Enter your current password"), Length(max=200, message="Password must be 200 characters or fewer")])
    password = PasswordField("New password", description="Use 10 characters or more. A few unrelated words make a strong password.", widget=GovPasswordInput(), validators=[InputRequired("Enter a new password"), Length(min=10, max=200, message="Password must be between 10 and 200 characters")])
    confirm = PasswordField("Confirm new password", widget=GovPasswordInput(), validators=[InputRequired("Enter the new password again"), EqualTo("password", "The two passwords must match")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SignOutEverywhereForm(EngageForm):
    submit = SubmitField("Sign out everywhere", widget=GovSubmitInput())


class ResetPasswordForm(EngageForm):
    password = PasswordField("New password", description="Use 10 characters or more. A few unrelated words make a strong password.", widget=GovPasswordInput(), validators=[InputRequired("Enter a new password"), Length(min=10, max=200, message="Password must be between 10 and 200 characters")])
    confirm = PasswordField("Confirm new password", widget=GovPasswordInput(), validators=[InputRequired("Enter the new password again"), EqualTo("password", "The two passwords must match")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class UserForm(EngageForm):
    version = VersionField()
    name = StringField("Full name", widget=GovTextInput(), validators=[InputRequired("Enter the person's name"), Length(max=120, message="Name must be 120 characters or fewer")])
    email = EmailField("Email address", widget=GovEmailInput(), validators=[InputRequired("Enter an email address"), Email("Enter an email address in the correct format, like name@example.org"), Length(max=254, message="Email address must be 254 characters or fewer")])
    role = RadioField("Role", choices=[(k, v) for k, v in ROLES.items()], widget=GovRadioInput(), validators=[InputRequired("Select a role")])
    organisation_id = IdSelectField("Organisation", description="The organisation or group this person works or volunteers for.", blank="No organisation")
    active = BooleanField("Account is active (the person can sign in)", widget=EngageCheckboxInput(), default=True)
    submit = SubmitField("Save account", widget=GovSubmitInput())


class NewUserForm(UserForm):
    """Adding an account sends the person an emailed link to choose their own password."""

    submit = SubmitField("Add the account and send the invitation", widget=GovSubmitInput())


class InviteAgainForm(EngageForm):
    submit = SubmitField("Send the invitation again", widget=GovSubmitInput())


class AccountSearchForm(EngageForm):
    class Meta:
        csrf = False

    q = StringField("Search accounts", description="Part of a name, an email address or an organisation.",
                    widget=GovTextInput(), validators=[Length(max=100, message="Search words must be 100 characters or fewer")])


def role_items(field) -> list[dict]:
    """What each role may do, shown under its choice."""
    return [{"hint": {"text": ROLE_HINTS[value]}} for value, _label in field.choices]
