"""Forms of the annual cycle and the action plans. Choices are filled in by the views."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import EngageForm, GovDateField, VersionField, WholeNumberField
from .models import EVENTS, MONTHS, SUBMITTERS


class _Choice(SelectField):
    widget = GovSelect()

    def pre_validate(self, form):
        if str(self.data) not in {str(c[0]) for c in self.choices if c[0] != ""}:
            raise ValidationError(f"Select {self.label.text.lower()} from the list")


def _area(label, limit=3000, hint="", required=False, message=None):
    validators = [InputRequired(message or f"Enter the {label.lower()}")] if required else [Optional()]
    validators.append(Length(max=limit, message=f"{label} must be {limit:,} characters or fewer"))
    return TextAreaField(label, description=hint, widget=GovTextArea(), validators=validators)


_MONTHS = [(str(i), m) for i, m in enumerate(MONTHS, start=1)]


def _day(label):
    return WholeNumberField(label, validators=[InputRequired(f"Enter the {label.lower()}"),
                                               NumberRange(min=1, max=31, message="Enter a day from 1 to 31")])


class TemplateStepForm(EngageForm):
    version = VersionField()
    title = StringField("Step", description="For example, Draft action plans sent by the partnerships.", widget=GovTextInput(),
                        validators=[InputRequired("Enter what the step is"), Length(max=200, message="Step must be 200 characters or fewer")])
    activity = _area("What happens", hint="Optional. What is sent, and what the PSG does with it.")
    opens_month = _Choice("Opens in", choices=_MONTHS)
    opens_day = _day("Opens on day")
    due_month = _Choice("Due in", choices=_MONTHS, description="A cycle runs from June to May.")
    due_day = _day("Due on day")
    submitter = RadioField("Who sends it", choices=list(SUBMITTERS.items()), widget=GovRadioInput(),
                           validators=[InputRequired("Select who sends it")])
    event = RadioField("What marks it done", choices=list(EVENTS.items()), widget=GovRadioInput(), default="",
                       validators=[Optional()])
    board_output = _area("What goes to the Board", hint="For example, Exception or summary report. Performance report.")
    position = WholeNumberField("Order", validators=[Optional(), NumberRange(min=0, max=999, message="Order must be between 0 and 999")])
    submit = SubmitField("Save step", widget=GovSubmitInput())


class YearForm(EngageForm):
    year = WholeNumberField("First year of the cycle", description="For example, 2006 for the 2006/07 cycle (June 2006 to May 2007).",
                            validators=[InputRequired("Enter the first year of the cycle"),
                                        NumberRange(min=1990, max=2200, message="Enter a year from 1990 to 2200")])
    submit = SubmitField("Set up the year", widget=GovSubmitInput())


class DoneForm(EngageForm):
    note = StringField("Note", description="Optional.", widget=GovTextInput(),
                       validators=[Optional(), Length(max=1000, message="Note must be 1,000 characters or fewer")])
    submit = SubmitField("Mark done", widget=GovSubmitInput())


class StartPlanForm(EngageForm):
    partnership = _Choice("Thematic partnership")
    submit = SubmitField("Start the action plan", widget=GovSubmitInput())


class SummaryForm(EngageForm):
    summary = _area("What the plan will achieve", 5000)
    funding = _area("Funding", 5000, hint="Where the money comes from, for example Neighbourhood Renewal Fund.")
    submit = SubmitField("Save", widget=GovSubmitInput())


class ActionForm(EngageForm):
    activity = _area("What will be done", 2000, required=True, message="Enter what will be done")
    lead_organisation_id = _Choice("Who leads it")
    due_on = GovDateField("When it will be done by", description="For example, 31 3 2007",
                          validators=[InputRequired("Enter when it will be done")])
    outcome_id = _Choice("Which outcome it serves")
    # Its own id: the plan page also has the summary form's "funding" box, and two elements with
    # one id leave this box's label pointing at the other one.
    funding = StringField("Funding", id="action-funding", description="Optional. For example, £40,000 NRF.", widget=GovTextInput(),
                          validators=[Optional(), Length(max=300, message="Funding must be 300 characters or fewer")])
    submit = SubmitField("Add action", widget=GovSubmitInput())


class DecisionForm(EngageForm):
    decision = RadioField("PSG decision", choices=[("accepted", "Accept"), ("challenged", "Challenge")], widget=GovRadioInput(),
                          validators=[InputRequired("Select accept or challenge")])
    reason = _area("Reason for the challenge", hint="Needed for a challenge: is it a priority, and is it plausible?")
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class ReplyForm(EngageForm):
    reply = _area("The partnership's reply", required=True, message="Enter the partnership's reply to the challenge")
    submit = SubmitField("Send reply", widget=GovSubmitInput())


class MoveForm(EngageForm):
    reason = StringField("Note", description="Optional. Kept with the move.", widget=GovTextInput(),
                         validators=[Optional(), Length(max=2000, message="Note must be 2,000 characters or fewer")])
    submit = SubmitField("Confirm", widget=GovSubmitInput())
