"""The accessibility statement's form (officers)."""
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..core.forms import EngageForm, GovDateField, VersionField, WholeNumberField


def _text(label, hint="", required: str | None = None, rows_max=5000):
    checks = [InputRequired(required)] if required else [Optional()]
    return TextAreaField(label, description=hint, widget=GovTextArea(),
                         validators=checks + [Length(max=rows_max, message=f"{label} must be {rows_max:,} characters or fewer")])


class AccessibilityStatementForm(EngageForm):
    version = VersionField()
    organisation = StringField("Who the statement is from", description="For example, Halton Strategic Partnership",
                               widget=GovTextInput(), validators=[InputRequired("Enter who the statement is from"),
                                                                  Length(max=200, message="Who the statement is from must be 200 characters or fewer")])
    compliance = RadioField("How far the site meets the WCAG 2.2 AA standard",
                            choices=[("full", "Fully compliant"), ("partial", "Partially compliant"), ("not", "Not compliant")],
                            widget=GovRadioInput(), validators=[InputRequired("Select how far the site meets the accessibility standard")])
    non_compliant = _text("Content that is not accessible, and why",
                          "One line each, starting with a dash: the problem, the WCAG 2.2 success criterion it fails, and when it will be fixed.")
    disproportionate_burden = _text("Content not fixed because it would be a disproportionate burden",
                                    "Optional. Say what you assessed and why.")
    outside_scope = _text("Content the regulations do not cover", "Optional. For example, PDF files published before 23 September 2018.")
    format_contact = _text("How to ask for information in another format", "For example, an email address and a phone number.",
                           required="Enter how people can ask for another format")
    format_days = WholeNumberField("Working days to reply to a request for another format", description="From 1 to 60.",
                                   validators=[InputRequired("Enter how many working days a reply takes")])
    problem_contact = _text("How to report an accessibility problem", required="Enter how people can report a problem")
    improvements = _text("What you are doing to improve accessibility", "Optional.")
    tested_on = GovDateField("When the site was last tested", description="For example, 27 3 2026", validators=[Optional()])
    tested_by = StringField("Who tested it, and how", description="Optional. For example, an internal check with axe-core and a screen reader.",
                            widget=GovTextInput(), validators=[Optional(), Length(max=300, message="Who tested it must be 300 characters or fewer")])
    prepared_on = GovDateField("When the statement was prepared", description="For example, 27 3 2026",
                               validators=[DataRequired("Enter the date the statement was prepared")])
    reviewed_on = GovDateField("When the statement was last reviewed", description="Optional. Review it at least once a year.",
                               validators=[Optional()])
    submit = SubmitField("Save the statement", widget=GovSubmitInput())
