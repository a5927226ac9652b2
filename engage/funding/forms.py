"""Forms of funding programmes, projects and bid rounds. Choices are filled in by the views."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import EngageForm, IdSelectField, NumberField, VersionField, WholeNumberField
from ..core.i18n import lazy_gettext as _l
from ..strategy.budget import QUARTER_NAMES
from .models import ALLOCATION_STATUSES

YEAR_HINT = _l("The year the financial year starts in: 2006 for 2006/07.")
MONEY = dict(validators=[InputRequired(_l("Enter the amount in pounds")), NumberRange(min=0, max=10**10, message=_l("Enter 0 or more"))])


def _year(label=_l("Financial year")):
    return WholeNumberField(label, description=YEAR_HINT, validators=[InputRequired(_l("Enter the year")),
                            NumberRange(min=1990, max=2200, message=_l("Enter a year between 1990 and 2200"))])


class AllocationForm(EngageForm):
    year = _year()
    amount = NumberField(_l("Allocation in pounds"), **MONEY)
    status = SelectField(_l("Status"), choices=[(k, _l(v)) for k, v in ALLOCATION_STATUSES.items()], widget=GovSelect(),
                         validators=[InputRequired(_l("Select the status"))])
    submit = SubmitField(_l("Save allocation"), widget=GovSubmitInput())


class ProjectForm(EngageForm):
    version = VersionField()
    name = StringField(_l("Project name"), widget=GovTextInput(), validators=[InputRequired(_l("Enter the project's name")), Length(max=200)])
    partnership_id = IdSelectField(_l("Thematic partnership"), blank=None)
    organisation_id = IdSelectField(_l("Lead organisation"), blank=_l("None"))
    summary = TextAreaField(_l("What it does"), widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    exit_strategy = TextAreaField(_l("Exit strategy"), widget=GovTextArea(), validators=[Optional(), Length(max=5000)],
                                  description=_l("How the work carries on, or ends well, when the money stops."))
    submit = SubmitField(_l("Save project"), widget=GovSubmitInput())


class FundingForm(EngageForm):
    year = _year()
    amount = NumberField(_l("Money for the year in pounds"), **MONEY)
    submit = SubmitField(_l("Save money for the year"), widget=GovSubmitInput())


class SpendForm(EngageForm):
    year = _year()
    quarter = SelectField(_l("Quarter"), choices=[(str(q), _l("Quarter %(quarter)s (%(months)s)", quarter=q, months=_l(name))) for q, name in QUARTER_NAMES.items()],
                          widget=GovSelect(), validators=[InputRequired(_l("Select the quarter"))])
    spend_to_date = NumberField(_l("Spent to date in pounds"), **MONEY)
    budget_to_date = NumberField(_l("Planned spend to date in pounds"), **MONEY)
    year_end_estimate = NumberField(_l("Year-end estimate in pounds"), **MONEY)
    submit = SubmitField(_l("Save spend"), widget=GovSubmitInput())


class RoundForm(EngageForm):
    title = StringField(_l("Title"), widget=GovTextInput(), validators=[InputRequired(_l("Enter the round's title")), Length(max=200)])
    partnership_id = IdSelectField(_l("Partnership setting the criteria"), blank=None)
    year = _year()
    pot = NumberField(_l("Money to give out in pounds"), **MONEY)
    scale_max = WholeNumberField(_l("Highest score on each criterion"), description=_l("Assessors score each criterion from 0 to this."),
                                 default=5, validators=[InputRequired(_l("Enter the highest score")), NumberRange(min=1, max=10, message=_l("Enter a number from 1 to 10"))])
    submit = SubmitField(_l("Open the round"), widget=GovSubmitInput())


class CriterionForm(EngageForm):
    name = StringField(_l("Criterion"), widget=GovTextInput(), validators=[InputRequired(_l("Enter the criterion")), Length(max=200)])
    guidance = TextAreaField(_l("What assessors look for"), widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    weight = WholeNumberField(_l("Weight"), description=_l("0 to 100. A criterion weighted 2 counts twice as much as one weighted 1."),
                              validators=[InputRequired(_l("Enter the weight")), NumberRange(min=0, max=100, message=_l("Enter a weight from 0 to 100"))])
    submit = SubmitField(_l("Save criterion"), widget=GovSubmitInput())


class AssessorForm(EngageForm):
    user_id = IdSelectField(_l("Assessor"), blank=None)
    submit = SubmitField(_l("Name as assessor"), widget=GovSubmitInput())


class BidForm(EngageForm):
    title = StringField(_l("Title"), widget=GovTextInput(), validators=[InputRequired(_l("Enter the bid's title")), Length(max=200)])
    partnership_id = IdSelectField(_l("Thematic partnership"), blank=None)
    organisation_id = IdSelectField(_l("Organisation that would run it"), blank=None)
    summary = TextAreaField(_l("What the money would do"), widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    requested = NumberField(_l("Amount asked for in pounds"),
                            validators=[InputRequired(_l("Enter the amount asked for")), NumberRange(min=0.01, max=10**10, message=_l("Enter more than 0"))])
    submit = SubmitField(_l("Enter the bid"), widget=GovSubmitInput())


class EvidenceForm(EngageForm):
    target = SelectField(_l("Evidence"), widget=GovSelect(), validate_choice=False,
                         validators=[InputRequired(_l("Select something from the list"))])
    submit = SubmitField(_l("Add evidence"), widget=GovSubmitInput())


class MoveForm(EngageForm):
    action = HiddenField()
    state = HiddenField()
    reason = TextAreaField(_l("Why (optional unless reopening)"), widget=GovTextArea(), validators=[Optional(), Length(max=2000)])


class ScoreForm(EngageForm):
    """Built per round: a score and a reason for each criterion (``score_<id>``, ``reason_<id>``)."""

    submit = SubmitField(_l("Save scores"), widget=GovSubmitInput())


def score_form(rnd, formdata=None, data=None):
    class _Form(ScoreForm):
        pass

    for c in rnd.criteria:
        setattr(_Form, f"score_{c.id}", SelectField(
            _l("%(criterion)s: score", criterion=c.name), choices=[("", _l("Choose a score"))] + [(str(n), str(n)) for n in range(rnd.scale_max + 1)],
            widget=GovSelect(), validate_choice=False,
            validators=[InputRequired(_l("Score “%(criterion)s” from 0 to %(top)s", criterion=c.name, top=rnd.scale_max))]))
        setattr(_Form, f"reason_{c.id}", TextAreaField(
            _l("%(criterion)s: your reason", criterion=c.name), widget=GovTextArea(),
            validators=[InputRequired(_l("Give your reason for the score on “%(criterion)s”", criterion=c.name)), Length(max=2000)]))
    return _Form(data=data) if formdata is None and data is not None else _Form()
