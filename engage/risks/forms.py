"""Forms of the risk register. Choices (owners, links) are filled in by the views."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..core.forms import EngageForm, GovDateField, VersionField
from .scale import CATEGORIES, CATEGORY_HINTS, IMPACT, LIKELIHOOD


class _Choice(SelectField):
    widget = GovSelect()

    def pre_validate(self, form):
        if str(self.data) not in {str(c[0]) for c in self.choices if c[0] != ""}:
            raise ValidationError(f"Select {self.label.text.lower()} from the list")


def _area(label, limit=5000, hint=""):
    return TextAreaField(label, description=hint, widget=GovTextArea(),
                         validators=[Optional(), Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")])


def _scale(label, scale, message):
    return RadioField(label, choices=[(str(k), f"{k} {words}: {hint}") for k, (words, hint) in scale.items()],
                      widget=GovRadioInput(), validators=[InputRequired(message)])


class RiskForm(EngageForm):
    version = VersionField()
    title = StringField("Risk", description="What could go wrong, in one line.", widget=GovTextInput(),
                        validators=[InputRequired("Enter the risk: what could go wrong"),
                                    Length(max=200, message="Risk must be 200 characters or fewer")])
    description = _area("More about the risk", hint="Optional. What would cause it, and what would follow.")
    category = RadioField("Kind of risk", choices=[(k, f"{v}: {CATEGORY_HINTS[k]}") for k, v in CATEGORIES.items()],
                          widget=GovRadioInput(), validators=[InputRequired("Select whether the risk is strategic or operational")])
    owner = _Choice("Owner", description="Who manages the risk.")
    likelihood = _scale("Likelihood", LIKELIHOOD, "Select the likelihood from 1 to 5")
    impact = _scale("Impact", IMPACT, "Select the impact from 1 to 5")
    controls = _area("Controls", hint="What is in place now to stop it or lessen it.")
    actions = _area("Actions", hint="What more will be done, by whom and when.")
    review_on = GovDateField("Next review", description="For example, 15 11 2006. The owner is reminded a week before.",
                             validators=[InputRequired("Enter the date of the next review")])
    reviewed = BooleanField("This is a review: the scores, controls and actions have been checked", widget=GovCheckboxInput())
    note = StringField("What changed", description="Optional. Kept in the risk's history.", widget=GovTextInput(),
                       validators=[Optional(), Length(max=1000, message="What changed must be 1,000 characters or fewer")])
    submit = SubmitField("Save risk", widget=GovSubmitInput())


class CloseForm(EngageForm):
    reason = TextAreaField("Why", widget=GovTextArea(), validators=[InputRequired("Say why"),
                                                                    Length(max=1000, message="Why must be 1,000 characters or fewer")])
    submit = SubmitField("Close the risk", widget=GovSubmitInput())


class LinkForm(EngageForm):
    target = _Choice("Outcome or plan action it threatens")
    submit = SubmitField("Add link", widget=GovSubmitInput())
