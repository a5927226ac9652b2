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
from ..core.i18n import lazy_gettext as _l
from .models import VISIBILITY


def _text(label, max_length, too_long, hint="", required=None, area=False):
    """A text box: ``label``, ``hint``, ``required`` (the message when it is empty) and
    ``too_long`` (the message past ``max_length``) each a whole sentence through ``_l``."""
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=too_long))
    field = TextAreaField if area else StringField
    return field(label, description=hint, widget=GovTextArea() if area else GovTextInput(), validators=validators)


class ConsultationForm(EngageForm):
    # What it is
    title = _text(_l("Title"), 200, _l("Title must be 200 characters or fewer"),
                  _l("A plain title people will recognise, for example “Cleaner streets survey 2026”."), _l("Enter a title"))
    summary = _text(_l("Summary"), 3000, _l("Summary must be 3,000 characters or fewer"),
                    _l("In plain English: what you are asking and why. This is shown in search results."),
                    _l("Enter a short summary of what the consultation is about"), area=True)
    purpose = _text(_l("Purpose"), 5000, _l("Purpose must be 5,000 characters or fewer"),
                    _l("Optional. What decision the answers will inform, and who will use them."), area=True)
    # Who runs it
    lead_organisation_id = IdSelectField(_l("Lead organisation"), blank=None)
    partner_ids = IdMultiCheckboxField(_l("Partner organisations"), description=_l("Optional. Other organisations taking part."))
    partnership_ids = IdMultiCheckboxField(_l("Partnerships it serves"), description=_l("Optional."))
    # What it is about
    priority_ids = IdMultiCheckboxField(_l("Priorities"), description=_l("Optional. From any version of the priorities: older ones are found under the priorities they became."))
    theme_ids = IdMultiCheckboxField(_l("Cross-cutting themes"), description=_l("Optional."))
    outcome_ids = IdMultiCheckboxField(_l("Outcomes"), description=_l("Optional. The Local Area Agreement outcomes the answers inform."))
    # Where and who
    area_ids = IdMultiCheckboxField(_l("Areas covered"), description=_l("Choose the largest area that fits: the whole borough, a town, or the wards or neighbourhoods you are asking."))
    audiences = MultiCheckboxField(_l("Who you are asking"), description=_l("Optional. Select all that apply."))
    other_audiences = _text(_l("Other groups you are asking"), 500, _l("Other groups you are asking must be 500 characters or fewer"),
                            _l("Optional. Name them, separated by commas, for example “Tenants of Castlefields, Carers’ group”."))
    # How
    methods = MultiCheckboxField(_l("Methods"), description=_l("Optional. From the toolkit."))
    channels = MultiCheckboxField(_l("Ways to take part"), description=_l("Optional."))
    # When
    planned_start = GovDateField(_l("Planned start date"), description=_l("For example, 27 3 2026"), validators=[Optional()])
    planned_close = GovDateField(_l("Planned closing date"), validators=[Optional()])
    actual_start = GovDateField(_l("Actual start date"), description=_l("Optional. Leave blank until it has started."), validators=[Optional()])
    actual_close = GovDateField(_l("Actual closing date"), description=_l("Optional. Leave blank until it has closed."), validators=[Optional()])
    results_published_on = GovDateField(_l("Results published on"), description=_l("Optional. From this date the results and findings are shown to everyone who can see the consultation."), validators=[Optional()])
    # Taking part
    how_to_take_part = _text(_l("How to take part"), 3000, _l("How to take part must be 3,000 characters or fewer"),
                             _l("Optional. For example, where paper copies are, the phone number, the dates of events."), area=True)
    take_part_url = _text(_l("Link to the survey or event"), 500, _l("Link to the survey or event must be 500 characters or fewer"),
                          _l("Optional. A web address starting with https://"))
    contact_name = _text(_l("Contact name"), 120, _l("Contact name must be 120 characters or fewer"))
    contact_email = _text(_l("Contact email"), 254, _l("Contact email must be 254 characters or fewer"))
    # Reach and cost
    people_reached = WholeNumberField(_l("People reached"), description=_l("Optional. How many people were invited or attended."), validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l("People reached must be between 0 and 10,000,000"))])
    responses = WholeNumberField(_l("Responses"), description=_l("Optional. How many people answered."), validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l("Responses must be between 0 and 10,000,000"))])
    cost = NumberField(_l("Cost in pounds"), description=_l("Optional. For example, 1500"), validators=[Optional(), NumberRange(min=0, max=100_000_000, message=_l("Cost must be between 0 and 100,000,000"))])
    equality_monitoring = BooleanField(_l("Equality monitoring was collected (age, sex, ethnicity, disability)"), widget=GovCheckboxInput())
    visibility = RadioField(_l("Who can see this consultation"), choices=[(key, _l(label)) for key, label in VISIBILITY.items()],
                            default="public", widget=GovRadioInput(), validators=[InputRequired(_l("Select who can see this consultation"))])
    # The similar-consultations check: set once the person has seen the similar ones.
    checked_similar = HiddenField()
    # The edit version the form was loaded from (engage/core/concurrency.py).
    version = VersionField()
    submit = SubmitField(_l("Save consultation"), widget=GovSubmitInput())


class DocumentForm(EngageForm):
    title = _text(_l("Title"), 200, _l("Title must be 200 characters or fewer"),
                  _l("Optional. For example, “Full report” or “Questionnaire”. The file name is used if you leave it blank."))
    file = FileField(_l("File"), description=_l("A PDF, Word (.docx), Excel (.xlsx) or CSV file."), widget=GovFileInput())
    submit = SubmitField(_l("Upload document"), widget=GovSubmitInput())


class FindingForm(EngageForm):
    statement = _text(_l("Finding"), 500, _l("Finding must be 500 characters or fewer"),
                      _l("One short statement, for example “Residents want cleaner streets above everything else”."),
                      _l("Enter the finding"))
    evidence = _text(_l("Evidence"), 5000, _l("Evidence must be 5,000 characters or fewer"),
                     _l("Optional. The figures or quotes that back it up."), area=True)
    question_id = IdSelectField(_l("Question it comes from"), blank=_l("Not linked to one question"))
    position = WholeNumberField(_l("Order"), description=_l("Optional. 1 for the first finding, 2 for the second."), validators=[Optional(), NumberRange(min=0, max=9999, message=_l("Order must be between 0 and 9,999"))])
    version = VersionField()
    submit = SubmitField(_l("Save finding"), widget=GovSubmitInput())


class ConfirmForm(EngageForm):
    submit = SubmitField(_l("Yes, delete it"), widget=GovSubmitInput())
