"""Forms for the partnership's reference data. Choices are filled in by the views."""
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional

from ..core.forms import EngageForm, GovDateField, IdMultiCheckboxField, IdSelectField, NumberField, VersionField, WholeNumberField
from .models import AREA_LEVELS, ORGANISATION_KINDS, REPORT_APPROVERS


def _name(label="Name", max_length=200):
    return StringField(label, widget=GovTextInput(), validators=[InputRequired(f"Enter the {label.lower()}"), Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")])


def _description(label="Description", hint=""):
    return TextAreaField(label, description=hint, widget=GovTextArea(), validators=[Optional(), Length(max=5000, message=f"{label} must be 5,000 characters or fewer")])


class OrganisationForm(EngageForm):
    version = VersionField()
    name = _name()
    kind = RadioField("Kind of organisation", choices=list(ORGANISATION_KINDS.items()), widget=GovRadioInput(), validators=[InputRequired("Select the kind of organisation")])
    website = StringField("Website", description="Optional. For example, https://www.example.org", widget=GovTextInput(), validators=[Optional(), Length(max=300), URL(message="Enter a web address that starts with http:// or https://")])
    description = _description()
    submit = SubmitField("Save organisation", widget=GovSubmitInput())


class PartnershipForm(EngageForm):
    version = VersionField()
    name = _name()
    short_name = StringField("Short name", description="Optional. For example, HSP or Safer SSP", widget=GovTextInput(), validators=[Optional(), Length(max=40, message="Short name must be 40 characters or fewer")])
    kind = RadioField("Kind of partnership", choices=[("strategic", "The strategic partnership"), ("priority", "A priority partnership (one per priority)")], widget=GovRadioInput(), validators=[InputRequired("Select the kind of partnership")])
    parent_id = IdSelectField("Part of", description="A priority partnership is usually part of the strategic partnership.", blank="Not part of another partnership")
    description = _description()
    report_approvers = RadioField("Who may approve findings reports that name this partnership",
                                  description="Nobody approves a report they wrote or changed. If your partnership has only one officer, "
                                              "let the coordinators approve, so that no report is stuck waiting.",
                                  choices=list(REPORT_APPROVERS.items()), default="officers", widget=GovRadioInput(),
                                  validators=[Optional()])
    submit = SubmitField("Save partnership", widget=GovSubmitInput())


class MembersForm(EngageForm):
    version = VersionField()
    organisation_ids = IdMultiCheckboxField("Member organisations")
    coordinator_ids = IdMultiCheckboxField("Coordinators", description="People with a coordinator or officer account.")
    submit = SubmitField("Save members", widget=GovSubmitInput())


class FrameworkForm(EngageForm):
    version = VersionField()
    name = _name()
    starts_on = GovDateField("Start date", description="For example, 1 4 2006", validators=[InputRequired("Enter the start date")])
    ends_on = GovDateField("End date", description="Optional. Leave blank if the framework is still current.", validators=[Optional()])
    description = _description()
    submit = SubmitField("Save framework", widget=GovSubmitInput())


class PriorityForm(EngageForm):
    version = VersionField()
    framework_id = IdSelectField("Framework", blank=None)
    name = _name()
    position = WholeNumberField("Order", description="1 for the first priority, 2 for the second, and so on.", validators=[Optional(), NumberRange(min=0, max=999, message="Order must be between 0 and 999")])
    partnership_id = IdSelectField("Partnership that owns it", blank="No partnership yet")
    description = _description()
    submit = SubmitField("Save priority", widget=GovSubmitInput())


class SuccessorsForm(EngageForm):
    version = VersionField()
    successor_ids = IdMultiCheckboxField("Became", description="The priorities of later frameworks that this priority became. Anything tagged with this priority is then also found under them.")
    submit = SubmitField("Save mapping", widget=GovSubmitInput())


class ThemeForm(EngageForm):
    version = VersionField()
    framework_id = IdSelectField("Framework", blank=None)
    name = _name()
    position = WholeNumberField("Order", validators=[Optional(), NumberRange(min=0, max=999, message="Order must be between 0 and 999")])
    description = _description()
    submit = SubmitField("Save theme", widget=GovSubmitInput())


class OutcomeForm(EngageForm):
    version = VersionField()
    priority_id = IdSelectField("Priority", blank=None)
    code = StringField("Code", description="Optional. For example, SH1", widget=GovTextInput(), validators=[Optional(), Length(max=20, message="Code must be 20 characters or fewer")])
    title = _name("Title", 300)
    description = _description()
    submit = SubmitField("Save outcome", widget=GovSubmitInput())


class IndicatorForm(EngageForm):
    version = VersionField()
    outcome_id = IdSelectField("Outcome", blank=None)
    name = _name("Indicator", 300)
    unit = StringField("Unit", description="For example, %, people, or crimes per 1,000 residents", widget=GovTextInput(), validators=[Optional(), Length(max=60, message="Unit must be 60 characters or fewer")])
    direction = RadioField("Which way is better?", choices=[("higher", "Higher is better"), ("lower", "Lower is better")], widget=GovRadioInput(), validators=[InputRequired("Select which way is better")])
    baseline_value = NumberField("Baseline value", validators=[Optional()])
    baseline_date = GovDateField("Baseline date", validators=[Optional()])
    target_value = NumberField("Target value", validators=[Optional()])
    target_date = GovDateField("Target date", validators=[Optional()])
    monitoring_level = NumberField("Monitoring level", description="The value that triggers action when performance is worse than it.", validators=[Optional()])
    lead_organisation_id = IdSelectField("Lead organisation", blank="No lead organisation yet")
    source = StringField("Source of the figures", widget=GovTextInput(), validators=[Optional(), Length(max=300, message="Source must be 300 characters or fewer")])
    is_demo = BooleanField("These figures are demonstration data, not real", widget=GovCheckboxInput())
    submit = SubmitField("Save indicator", widget=GovSubmitInput())


class ReadingForm(EngageForm):
    taken_on = GovDateField("Date of the reading", validators=[InputRequired("Enter the date of the reading")])
    value = NumberField("Value", validators=[InputRequired("Enter the value")])
    note = StringField("Note", widget=GovTextInput(), validators=[Optional(), Length(max=300, message="Note must be 300 characters or fewer")])
    submit = SubmitField("Add reading", widget=GovSubmitInput())


class AreaForm(EngageForm):
    version = VersionField()
    name = _name()
    level = SelectField("Level", choices=list(AREA_LEVELS.items()), widget=GovSelect(), validators=[InputRequired("Select the level")])
    parent_id = IdSelectField("Inside", description="The larger area this one sits in.", blank="Nothing (the top of the tree)")
    code = StringField("Official code", description="Optional. For example, an ONS code.", widget=GovTextInput(), validators=[Optional(), Length(max=20, message="Code must be 20 characters or fewer")])
    population = WholeNumberField("Population", validators=[Optional(), NumberRange(min=0, max=100_000_000, message="Population must be between 0 and 100,000,000")])
    priority_ward = BooleanField("This is a priority ward (results are compared with the rest of the borough)", widget=GovCheckboxInput())
    submit = SubmitField("Save area", widget=GovSubmitInput())


class ConfirmDeleteForm(EngageForm):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())


class PostcodeUploadForm(EngageForm):
    file = FileField("Postcode file", description="A CSV file with the ONS postcode directory's postcode column (pcds or pcd) "
                      "and ward column (osward, or a ward name column).", widget=GovFileInput())
    mode = RadioField("What should the file do?", choices=[
        ("replace", "Replace the whole postcode list (the demo postcodes go too)"),
        ("add", "Add to the list (postcodes already in it move to the ward in the file)"),
    ], default="replace", widget=GovRadioInput(), validators=[InputRequired("Select whether the file replaces the list or adds to it")])
    submit = SubmitField("Upload and check the file", widget=GovSubmitInput())


class PostcodeLoadForm(EngageForm):
    submit = SubmitField("Load these postcodes", widget=GovSubmitInput())
