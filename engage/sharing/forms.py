"""Forms for findings reports and responses. Choices are filled in by the views; the services
check every rule again, so a tampered form never saves anything it should not."""
from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import EngageForm, GovDateField, IdMultiCheckboxField, IdSelectField, MultiCheckboxField, VersionField, WholeNumberField
from .models import PROGRESS_STAGES, RESPONSE_STATUSES, VISIBILITY


def _text(label, max_length, hint="", required=None, area=False):
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    field = TextAreaField if area else StringField
    return field(label, description=hint, widget=GovTextArea() if area else GovTextInput(), validators=validators)


class ReportForm(EngageForm):
    title = _text("Title", 200, "For example, “What residents told us about clean streets, 2005”.", "Enter a title")
    consultation_ids = IdMultiCheckboxField("Consultations it comes from", description="Select one or more.")
    seed_findings = BooleanField("Start with the key findings already recorded for these consultations", widget=GovCheckboxInput())
    summary = _text("Plain-English summary", 5000, "What people said and what it means, in a few short sentences anyone can read. Needed before it can be published.", area=True)
    meaning = _text("What it means", 10000, "Optional. What the partners should take from it. You can use Markdown.", area=True)
    method = _text("How the evidence was gathered", 3000, "For example, “Telephone survey of residents and four focus groups”.", area=True)
    sample_size = WholeNumberField("Sample size", description="Optional. How many people took part.",
                                   validators=[Optional(), NumberRange(min=0, max=10_000_000, message="Sample size must be between 0 and 10,000,000")])
    representativeness = _text("How representative it is", 3000, "Optional. Who took part compared with the people of the area.", area=True)
    gaps = _text("Known gaps", 3000, "Optional. Who was not heard, or what the evidence cannot tell us.", area=True)
    priority_ids = IdMultiCheckboxField("Priorities", description="At least one before it is published. Older priorities are shown under the ones they became.")
    outcome_ids = IdMultiCheckboxField("Outcomes", description="At least one before it is published.")
    indicator_ids = IdMultiCheckboxField("Indicators", description="Optional.")
    area_ids = IdMultiCheckboxField("Areas", description="Optional.")
    audiences = MultiCheckboxField("Who it is about", description="Optional.")
    partnership_ids = IdMultiCheckboxField("Partnerships that must respond", description="At least one before it is published. Each will record what it does about each recommendation.")
    visibility = RadioField("Who can see it once published", choices=list(VISIBILITY.items()), default="public", widget=GovRadioInput(),
                            validators=[InputRequired("Select who can see it once published")])
    version = VersionField()
    submit = SubmitField("Save report", widget=GovSubmitInput())


class FindingForm(EngageForm):
    statement = _text("Finding", 500, "One short statement, for example “Residents want cleaner streets above everything else”.", "Enter the finding")
    evidence = _text("Evidence", 10000, "Optional. Quotes or figures that back it up. You can use Markdown; put quotes after “>”.", area=True)
    question_id = IdSelectField("Question whose results back it up", blank="Not linked to one question")
    cited = SelectField("Comment theme that backs it up", widget=GovSelect(), validate_choice=False,
                        description="Its count of comments and example quotes are shown with the finding, and follow later coding. "
                                    "Personal details are removed from the quotes.")
    position = WholeNumberField("Order", description="Optional. 1 for the first.", validators=[Optional(), NumberRange(min=0, max=9999, message="Order must be between 0 and 9,999")])
    submit = SubmitField("Save finding", widget=GovSubmitInput())


class RecommendationForm(EngageForm):
    text = _text("Recommendation", 3000, "What the partnerships should do, for example “Clean the streets in the priority wards more often”.", "Enter the recommendation", area=True)
    position = WholeNumberField("Order", description="Optional. 1 for the first.", validators=[Optional(), NumberRange(min=0, max=9999, message="Order must be between 0 and 9,999")])
    submit = SubmitField("Save recommendation", widget=GovSubmitInput())


class AttachmentForm(EngageForm):
    title = _text("Title", 200, "Optional. The file name is used if you leave it blank.")
    file = FileField("File", description="A PDF, Word (.docx), Excel (.xlsx) or CSV file.", widget=GovFileInput())
    submit = SubmitField("Upload attachment", widget=GovSubmitInput())


class TransitionForm(EngageForm):
    action = HiddenField()
    comment = _text("Comment", 3000, "", area=True)
    embargo_date = GovDateField("Embargo date", description="Optional. Leave blank to publish now. For example, 27 3 2026", validators=[Optional()])
    embargo_time = _text("Embargo time", 5, "Optional. 24-hour clock, for example 09:30. Midnight if left blank.")
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ResponseForm(EngageForm):
    status = RadioField("What has the partnership decided?", choices=list(RESPONSE_STATUSES.items()), widget=GovRadioInput(),
                        validators=[InputRequired("Select what the partnership decided")])
    action = _text("The action", 3000, "What the partnership will do or has done.", area=True)
    reason = _text("Reason", 3000, "Needed if it will not act on this: say why, in plain words.", area=True)
    owner = _text("Who owns the action", 200, "A role or organisation, for example “Street scene manager, Halton Borough Council”.")
    due_on = GovDateField("When it is due", description="Optional. For example, 27 3 2026", validators=[Optional()])
    link = SelectField("Link to the implementation plan", choices=[], widget=GovSelect(), validate_choice=False)
    confirm_past_due = BooleanField("Yes, save it with this date: the action is already late", widget=GovCheckboxInput())
    version = VersionField()
    submit = SubmitField("Save response", widget=GovSubmitInput())


class UpdateForm(EngageForm):
    stage = RadioField("How far has the action got?", choices=list(PROGRESS_STAGES.items()), widget=GovRadioInput(),
                       validators=[InputRequired("Select how far the action has got")])
    note = _text("Progress", 3000, "What has happened since, for example “Extra street cleaning started in May”. "
                 "If it will not be taken, say why.", "Enter the progress made", area=True)
    submit = SubmitField("Add progress", widget=GovSubmitInput())


class PublishResponseForm(EngageForm):
    submit = SubmitField("Publish", widget=GovSubmitInput())


class ConfirmForm(EngageForm):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())
