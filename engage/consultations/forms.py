"""Forms for consultations, documents and findings. Choices are filled in by the views; the
services check every rule again, so a tampered form never saves anything it should not."""
from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import EngageForm, GovDateField, IdMultiCheckboxField, IdSelectField, MultiCheckboxField, NumberField, VersionField, WholeNumberField
from .models import VISIBILITY


def _text(label, max_length, hint="", required=None, area=False):
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    field = TextAreaField if area else StringField
    return field(label, description=hint, widget=GovTextArea() if area else GovTextInput(), validators=validators)


class ConsultationForm(EngageForm):
    # What it is
    title = _text("Title", 200, "A plain title people will recognise, for example “Cleaner streets survey 2026”.", "Enter a title")
    summary = _text("Summary", 3000, "In plain English: what you are asking and why. This is shown in search results.", "Enter a short summary of what the consultation is about", area=True)
    purpose = _text("Purpose", 5000, "Optional. What decision the answers will inform, and who will use them.", area=True)
    # Who runs it
    lead_organisation_id = IdSelectField("Lead organisation", blank=None)
    partner_ids = IdMultiCheckboxField("Partner organisations", description="Optional. Other organisations taking part.")
    partnership_ids = IdMultiCheckboxField("Partnerships it serves", description="Optional.")
    # What it is about
    priority_ids = IdMultiCheckboxField("Priorities", description="Optional. From any version of the priorities: older ones are found under the priorities they became.")
    theme_ids = IdMultiCheckboxField("Cross-cutting themes", description="Optional.")
    outcome_ids = IdMultiCheckboxField("Outcomes", description="Optional. The Local Area Agreement outcomes the answers inform.")
    # Where and who
    area_ids = IdMultiCheckboxField("Areas covered", description="Choose the largest area that fits: the whole borough, a town, or the wards or neighbourhoods you are asking.")
    audiences = MultiCheckboxField("Who you are asking", description="Optional. Select all that apply.")
    other_audiences = _text("Other groups you are asking", 500, "Optional. Name them, separated by commas, for example “Tenants of Castlefields, Carers’ group”.")
    # How
    methods = MultiCheckboxField("Methods", description="Optional. From the toolkit.")
    channels = MultiCheckboxField("Ways to take part", description="Optional.")
    # When
    planned_start = GovDateField("Planned start date", description="For example, 27 3 2026", validators=[Optional()])
    planned_close = GovDateField("Planned closing date", validators=[Optional()])
    actual_start = GovDateField("Actual start date", description="Optional. Leave blank until it has started.", validators=[Optional()])
    actual_close = GovDateField("Actual closing date", description="Optional. Leave blank until it has closed.", validators=[Optional()])
    results_published_on = GovDateField("Results published on", description="Optional. From this date the results and findings are shown to everyone who can see the consultation.", validators=[Optional()])
    # Taking part
    how_to_take_part = _text("How to take part", 3000, "Optional. For example, where paper copies are, the phone number, the dates of events.", area=True)
    take_part_url = _text("Link to the survey or event", 500, "Optional. A web address starting with https://")
    contact_name = _text("Contact name", 120)
    contact_email = _text("Contact email", 254)
    # Reach and cost
    people_reached = WholeNumberField("People reached", description="Optional. How many people were invited or attended.", validators=[Optional(), NumberRange(min=0, max=10_000_000, message="People reached must be between 0 and 10,000,000")])
    responses = WholeNumberField("Responses", description="Optional. How many people answered.", validators=[Optional(), NumberRange(min=0, max=10_000_000, message="Responses must be between 0 and 10,000,000")])
    cost = NumberField("Cost in pounds", description="Optional. For example, 1500", validators=[Optional(), NumberRange(min=0, max=100_000_000, message="Cost must be between 0 and 100,000,000")])
    equality_monitoring = BooleanField("Equality monitoring was collected (age, sex, ethnicity, disability)", widget=GovCheckboxInput())
    visibility = RadioField("Who can see this consultation", choices=list(VISIBILITY.items()), default="public", widget=GovRadioInput(), validators=[InputRequired("Select who can see this consultation")])
    # The similar-consultations check: set once the person has seen the similar ones.
    checked_similar = HiddenField()
    # The edit version the form was loaded from (engage/core/concurrency.py).
    version = VersionField()
    submit = SubmitField("Save consultation", widget=GovSubmitInput())


class DocumentForm(EngageForm):
    title = _text("Title", 200, "Optional. For example, “Full report” or “Questionnaire”. The file name is used if you leave it blank.")
    file = FileField("File", description="A PDF, Word (.docx), Excel (.xlsx) or CSV file.", widget=GovFileInput())
    submit = SubmitField("Upload document", widget=GovSubmitInput())


class FindingForm(EngageForm):
    statement = _text("Finding", 500, "One short statement, for example “Residents want cleaner streets above everything else”.", "Enter the finding")
    evidence = _text("Evidence", 5000, "Optional. The figures or quotes that back it up.", area=True)
    question_id = IdSelectField("Question it comes from", blank="Not linked to one question")
    position = WholeNumberField("Order", description="Optional. 1 for the first finding, 2 for the second.", validators=[Optional(), NumberRange(min=0, max=9999, message="Order must be between 0 and 9,999")])
    version = VersionField()
    submit = SubmitField("Save finding", widget=GovSubmitInput())


class ConfirmForm(EngageForm):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())
