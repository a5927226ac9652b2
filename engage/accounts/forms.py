from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from ..core.forms import EngageForm, IdSelectField, VersionField
from .roles import ROLE_HINTS, ROLES


class LoginForm(EngageForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter your email address"), Length(max=254, message="Email address must be 254 characters or fewer")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password"), Length(max=200, message="Password must be 200 characters or fewer")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(EngageForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter your email address"), Email("Enter an email address in the correct format, like name@example.org"), Length(max=254, message="Email address must be 254 characters or fewer")])
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ResetPasswordForm(EngageForm):
    password = PasswordField("New password", description="Use 10 characters or more. A few unrelated words make a strong password.", widget=GovPasswordInput(), validators=[InputRequired("Enter a new password"), Length(min=10, max=200, message="Password must be between 10 and 200 characters")])
    confirm = PasswordField("Confirm new password", widget=GovPasswordInput(), validators=[InputRequired("Enter the new password again"), EqualTo("password", "The two passwords must match")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class UserForm(EngageForm):
    version = VersionField()
    name = StringField("Full name", widget=GovTextInput(), validators=[InputRequired("Enter the person's name"), Length(max=120, message="Name must be 120 characters or fewer")])
    email = EmailField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter an email address"), Email("Enter an email address in the correct format, like name@example.org"), Length(max=254, message="Email address must be 254 characters or fewer")])
    role = RadioField("Role", choices=[(k, v) for k, v in ROLES.items()], widget=GovRadioInput(), validators=[InputRequired("Select a role")])
    organisation_id = IdSelectField("Organisation", description="The organisation or group this person works or volunteers for.", blank="No organisation")
    active = BooleanField("Account is active (the person can sign in)", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save account", widget=GovSubmitInput())


class NewUserForm(UserForm):
    password = PasswordField("Temporary password", description="10 characters or more. Ask the person to change it with “Forgot your password?”.", widget=GovPasswordInput(), validators=[InputRequired("Enter a temporary password"), Length(min=10, max=200, message="Password must be between 10 and 200 characters")])


ROLE_ITEM_HINTS = ROLE_HINTS
