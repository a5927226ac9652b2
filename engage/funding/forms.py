"""Forms of funding programmes, projects and bid rounds. Choices are filled in by the views."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import EngageForm, IdSelectField, NumberField, VersionField, WholeNumberField
from ..strategy.budget import QUARTER_NAMES
from .models import ALLOCATION_STATUSES

YEAR_HINT = "The year the financial year starts in: 2006 for 2006/07."
MONEY = dict(validators=[InputRequired("Enter the amount in pounds"), NumberRange(min=0, max=10**10, message="Enter 0 or more")])


def _year(label="Financial year"):
    return WholeNumberField(label, description=YEAR_HINT, validators=[InputRequired("Enter the year"),
                            NumberRange(min=1990, max=2200, message="Enter a year between 1990 and 2200")])


class AllocationForm(EngageForm):
    year = _year()
    amount = NumberField("Allocation in pounds", **MONEY)
    status = SelectField("Status", choices=list(ALLOCATION_STATUSES.items()), widget=GovSelect(),
                         validators=[InputRequired("Select the status")])
    submit = SubmitField("Save allocation", widget=GovSubmitInput())


class ProjectForm(EngageForm):
    version = VersionField()
    name = StringField("Project name", widget=GovTextInput(), validators=[InputRequired("Enter the project's name"), Length(max=200)])
    partnership_id = IdSelectField("Thematic partnership", blank=None)
    organisation_id = IdSelectField("Lead organisation", blank="None")
    summary = TextAreaField("What it does", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    exit_strategy = TextAreaField("Exit strategy", widget=GovTextArea(), validators=[Optional(), Length(max=5000)],
                                  description="How the work carries on, or ends well, when the money stops.")
    submit = SubmitField("Save project", widget=GovSubmitInput())


class FundingForm(EngageForm):
    year = _year()
    amount = NumberField("Money for the year in pounds", **MONEY)
    submit = SubmitField("Save money for the year", widget=GovSubmitInput())


class SpendForm(EngageForm):
    year = _year()
    quarter = SelectField("Quarter", choices=[(str(q), f"Quarter {q} ({name})") for q, name in QUARTER_NAMES.items()],
                          widget=GovSelect(), validators=[InputRequired("Select the quarter")])
    spend_to_date = NumberField("Spent to date in pounds", **MONEY)
    budget_to_date = NumberField("Planned spend to date in pounds", **MONEY)
    year_end_estimate = NumberField("Year-end estimate in pounds", **MONEY)
    submit = SubmitField("Save spend", widget=GovSubmitInput())


class RoundForm(EngageForm):
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired("Enter the round's title"), Length(max=200)])
    partnership_id = IdSelectField("Partnership setting the criteria", blank=None)
    year = _year()
    pot = NumberField("Money to give out in pounds", **MONEY)
    scale_max = WholeNumberField("Highest score on each criterion", description="Assessors score each criterion from 0 to this.",
                                 default=5, validators=[InputRequired("Enter the highest score"), NumberRange(min=1, max=10, message="Enter a number from 1 to 10")])
    submit = SubmitField("Open the round", widget=GovSubmitInput())


class CriterionForm(EngageForm):
    name = StringField("Criterion", widget=GovTextInput(), validators=[InputRequired("Enter the criterion"), Length(max=200)])
    guidance = TextAreaField("What assessors look for", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    weight = WholeNumberField("Weight", description="0 to 100. A criterion weighted 2 counts twice as much as one weighted 1.",
                              validators=[InputRequired("Enter the weight"), NumberRange(min=0, max=100, message="Enter a weight from 0 to 100")])
    submit = SubmitField("Save criterion", widget=GovSubmitInput())


class AssessorForm(EngageForm):
    user_id = IdSelectField("Assessor", blank=None)
    submit = SubmitField("Name as assessor", widget=GovSubmitInput())


class BidForm(EngageForm):
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired("Enter the bid's title"), Length(max=200)])
    partnership_id = IdSelectField("Thematic partnership", blank=None)
    organisation_id = IdSelectField("Organisation that would run it", blank=None)
    summary = TextAreaField("What the money would do", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    requested = NumberField("Amount asked for in pounds",
                            validators=[InputRequired("Enter the amount asked for"), NumberRange(min=0.01, max=10**10, message="Enter more than 0")])
    submit = SubmitField("Enter the bid", widget=GovSubmitInput())


class EvidenceForm(EngageForm):
    target = SelectField("Evidence", widget=GovSelect(), validate_choice=False,
                         validators=[InputRequired("Select something from the list")])
    submit = SubmitField("Add evidence", widget=GovSubmitInput())


class MoveForm(EngageForm):
    action = HiddenField()
    state = HiddenField()
    reason = TextAreaField("Why (optional unless reopening)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])


class ScoreForm(EngageForm):
    """Built per round: a score and a reason for each criterion (``score_<id>``, ``reason_<id>``)."""

    submit = SubmitField("Save scores", widget=GovSubmitInput())


def score_form(rnd, formdata=None, data=None):
    class _Form(ScoreForm):
        pass

    for c in rnd.criteria:
        setattr(_Form, f"score_{c.id}", SelectField(
            f"{c.name}: score", choices=[("", "Choose a score")] + [(str(n), str(n)) for n in range(rnd.scale_max + 1)],
            widget=GovSelect(), validate_choice=False, validators=[InputRequired(f"Score “{c.name}” from 0 to {rnd.scale_max}")]))
        setattr(_Form, f"reason_{c.id}", TextAreaField(
            f"{c.name}: your reason", widget=GovTextArea(), validators=[InputRequired(f"Give your reason for the score on “{c.name}”"), Length(max=2000)]))
    return _Form(data=data) if formdata is None and data is not None else _Form()
