"""Forms of performance management. Choices are filled in by the views."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..core.forms import EngageForm, GovDateField
from .models import PERIOD_KINDS


def _area(label, hint="", required=False, message=""):
    validators = [InputRequired(message)] if required else [Optional()]
    validators.append(Length(max=5000, message=f"{label} must be 5,000 characters or fewer"))
    return TextAreaField(label, description=hint, widget=GovTextArea(), validators=validators)


class PeriodForm(EngageForm):
    name = StringField("Name", description="For example, April to September 2006", widget=GovTextInput(),
                       validators=[InputRequired("Enter the period's name, for example April to September 2006"),
                                   Length(max=120, message="Name must be 120 characters or fewer")])
    kind = RadioField("Kind of review", choices=list(PERIOD_KINDS.items()), widget=GovRadioInput(),
                      validators=[InputRequired("Select six-monthly or quarterly")])
    starts_on = GovDateField("First day", description="For example, 1 4 2006", validators=[InputRequired("Enter the first day of the period")])
    ends_on = GovDateField("Last day", description="For example, 30 9 2006", validators=[InputRequired("Enter the last day of the period")])
    reports_on = GovDateField("Goes to the board on", description="For example, 15 11 2006",
                              validators=[InputRequired("Enter the date it goes to the board")])
    submit = SubmitField("Add period", widget=GovSubmitInput())


class PsgForm(EngageForm):
    user_id = SelectField("Person", widget=GovSelect(), validators=[InputRequired("Select a person from the list")])
    submit = SubmitField("Add to the PSG", widget=GovSubmitInput())


class ButtonForm(EngageForm):
    submit = SubmitField("Work out the ladder now", widget=GovSubmitInput())


class StartForm(EngageForm):
    stage = RadioField("Stage", choices=[("1", "Stage 1: the lead partner acts"), ("2", "Stage 2: the partnership agrees a plan"),
                                          ("3", "Stage 3: a PSG member agrees a revised plan")],
                       widget=GovRadioInput(), validators=[InputRequired("Select stage 1, 2 or 3")])
    reason = _area("Why the PSG is starting it", hint="The evidence of under-performance.", required=True,
                   message="Say why the PSG is starting this stage: the evidence of under-performance")
    submit = SubmitField("Start this stage", widget=GovSubmitInput())


class SettingForm(EngageForm):
    annual_only = BooleanField("Figures for this target come once a year (for example, exam results)", widget=GovCheckboxInput())
    lead_officer_id = SelectField("Lead officer", description="Gets the reminders at stage 1.", widget=GovSelect(),
                                  validators=[Optional()])
    submit = SubmitField("Save", widget=GovSubmitInput())


class MoveForm(EngageForm):
    action = HiddenField()
    plan = _area("The plan", hint="What will be done, by whom and by when.")
    report = _area("The report", hint="What has been done and what has changed.")
    nominee_id = SelectField("PSG member", widget=GovSelect(), validators=[Optional()])
    reason = _area("Why", hint="Recorded with the move.")
    submit = SubmitField("Save", widget=GovSubmitInput())
