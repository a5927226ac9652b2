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
from ..core.i18n import lazy_gettext as _l
from .models import AREA_LEVELS, ORGANISATION_KINDS, REPORT_APPROVERS


def _name(label=_l("Name"), required=_l("Enter the name"), too_long=_l("Name must be 200 characters or fewer"), max_length=200):
    """A required one-line name: ``label``, ``required`` and ``too_long`` whole sentences (``_l``)."""
    return StringField(label, widget=GovTextInput(), validators=[InputRequired(required), Length(max=max_length, message=too_long)])


def _description():
    return TextAreaField(_l("Description"), widget=GovTextArea(),
                         validators=[Optional(), Length(max=5000, message=_l("Description must be 5,000 characters or fewer"))])


def _choices(labels: dict) -> list:
    """A dict of labels marked with ``N_`` as choices translated when shown."""
    return [(key, _l(label)) for key, label in labels.items()]


class OrganisationForm(EngageForm):
    version = VersionField()
    name = _name()
    kind = RadioField(_l("Kind of organisation"), choices=_choices(ORGANISATION_KINDS), widget=GovRadioInput(), validators=[InputRequired(_l("Select the kind of organisation"))])
    website = StringField(_l("Website"), description=_l("Optional. For example, https://www.example.org"), widget=GovTextInput(), validators=[Optional(), Length(max=300, message=_l("Website must be 300 characters or fewer")), URL(message=_l("Enter a web address that starts with http:// or https://"))])
    description = _description()
    submit = SubmitField(_l("Save organisation"), widget=GovSubmitInput())


class PartnershipForm(EngageForm):
    version = VersionField()
    name = _name()
    short_name = StringField(_l("Short name"), description=_l("Optional. For example, HSP or Safer SSP"), widget=GovTextInput(), validators=[Optional(), Length(max=40, message=_l("Short name must be 40 characters or fewer"))])
    kind = RadioField(_l("Kind of partnership"), choices=[("strategic", _l("The strategic partnership")), ("priority", _l("A priority partnership (one per priority)"))], widget=GovRadioInput(), validators=[InputRequired(_l("Select the kind of partnership"))])
    parent_id = IdSelectField(_l("Part of"), description=_l("A priority partnership is usually part of the strategic partnership."), blank=_l("Not part of another partnership"))
    description = _description()
    report_approvers = RadioField(_l("Who may approve findings reports that name this partnership"),
                                  description=_l("Nobody approves a report they wrote or changed. If your partnership has only one officer, "
                                                 "let the coordinators approve, so that no report is stuck waiting."),
                                  choices=_choices(REPORT_APPROVERS), default="officers", widget=GovRadioInput(),
                                  validators=[Optional()])
    submit = SubmitField(_l("Save partnership"), widget=GovSubmitInput())


class MembersForm(EngageForm):
    version = VersionField()
    organisation_ids = IdMultiCheckboxField(_l("Member organisations"))
    coordinator_ids = IdMultiCheckboxField(_l("Coordinators"), description=_l("People with a coordinator or officer account."))
    submit = SubmitField(_l("Save members"), widget=GovSubmitInput())


class FrameworkForm(EngageForm):
    version = VersionField()
    name = _name()
    starts_on = GovDateField(_l("Start date"), description=_l("For example, 1 4 2006"), validators=[InputRequired(_l("Enter the start date"))])
    ends_on = GovDateField(_l("End date"), description=_l("Optional. Leave blank if the framework is still current."), validators=[Optional()])
    description = _description()
    submit = SubmitField(_l("Save framework"), widget=GovSubmitInput())


class PriorityForm(EngageForm):
    version = VersionField()
    framework_id = IdSelectField(_l("Framework"), blank=None)
    name = _name()
    position = WholeNumberField(_l("Order"), description=_l("1 for the first priority, 2 for the second, and so on."), validators=[Optional(), NumberRange(min=0, max=999, message=_l("Order must be between 0 and 999"))])
    partnership_id = IdSelectField(_l("Partnership that owns it"), blank=_l("No partnership yet"))
    description = _description()
    submit = SubmitField(_l("Save priority"), widget=GovSubmitInput())


class SuccessorsForm(EngageForm):
    version = VersionField()
    successor_ids = IdMultiCheckboxField(_l("Became"), description=_l("The priorities of later frameworks that this priority became. Anything tagged with this priority is then also found under them."))
    submit = SubmitField(_l("Save mapping"), widget=GovSubmitInput())


class ThemeForm(EngageForm):
    version = VersionField()
    framework_id = IdSelectField(_l("Framework"), blank=None)
    name = _name()
    position = WholeNumberField(_l("Order"), validators=[Optional(), NumberRange(min=0, max=999, message=_l("Order must be between 0 and 999"))])
    description = _description()
    submit = SubmitField(_l("Save theme"), widget=GovSubmitInput())


class OutcomeForm(EngageForm):
    version = VersionField()
    priority_id = IdSelectField(_l("Priority"), blank=None)
    code = StringField(_l("Code"), description=_l("Optional. For example, SH1"), widget=GovTextInput(), validators=[Optional(), Length(max=20, message=_l("Code must be 20 characters or fewer"))])
    title = _name(_l("Title"), _l("Enter the title"), _l("Title must be 300 characters or fewer"), 300)
    description = _description()
    submit = SubmitField(_l("Save outcome"), widget=GovSubmitInput())


class IndicatorForm(EngageForm):
    version = VersionField()
    outcome_id = IdSelectField(_l("Outcome"), blank=None)
    name = _name(_l("Indicator"), _l("Enter the indicator"), _l("Indicator must be 300 characters or fewer"), 300)
    unit = StringField(_l("Unit"), description=_l("For example, %, people, or crimes per 1,000 residents"), widget=GovTextInput(), validators=[Optional(), Length(max=60, message=_l("Unit must be 60 characters or fewer"))])
    direction = RadioField(_l("Which way is better?"), choices=[("higher", _l("Higher is better")), ("lower", _l("Lower is better"))], widget=GovRadioInput(), validators=[InputRequired(_l("Select which way is better"))])
    baseline_value = NumberField(_l("Baseline value"), validators=[Optional()])
    baseline_date = GovDateField(_l("Baseline date"), validators=[Optional()])
    target_value = NumberField(_l("Target value"), validators=[Optional()])
    target_date = GovDateField(_l("Target date"), validators=[Optional()])
    monitoring_level = NumberField(_l("Monitoring level"), description=_l("The value that triggers action when performance is worse than it."), validators=[Optional()])
    lead_organisation_id = IdSelectField(_l("Lead organisation"), blank=_l("No lead organisation yet"))
    source = StringField(_l("Source of the figures"), widget=GovTextInput(), validators=[Optional(), Length(max=300, message=_l("Source must be 300 characters or fewer"))])
    is_demo = BooleanField(_l("These figures are demonstration data, not real"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Save indicator"), widget=GovSubmitInput())


class ReadingForm(EngageForm):
    taken_on = GovDateField(_l("Date of the reading"), validators=[InputRequired(_l("Enter the date of the reading"))])
    value = NumberField(_l("Value"), validators=[InputRequired(_l("Enter the value"))])
    note = StringField(_l("Note"), widget=GovTextInput(), validators=[Optional(), Length(max=300, message=_l("Note must be 300 characters or fewer"))])
    submit = SubmitField(_l("Add reading"), widget=GovSubmitInput())


class AreaForm(EngageForm):
    version = VersionField()
    name = _name()
    level = SelectField(_l("Level"), choices=_choices(AREA_LEVELS), widget=GovSelect(), validators=[InputRequired(_l("Select the level"))])
    parent_id = IdSelectField(_l("Inside"), description=_l("The larger area this one sits in."), blank=_l("Nothing (the top of the tree)"))
    code = StringField(_l("Official code"), description=_l("Optional. For example, an ONS code."), widget=GovTextInput(), validators=[Optional(), Length(max=20, message=_l("Code must be 20 characters or fewer"))])
    population = WholeNumberField(_l("Population"), validators=[Optional(), NumberRange(min=0, max=100_000_000, message=_l("Population must be between 0 and 100,000,000"))])
    priority_ward = BooleanField(_l("This is a priority ward (results are compared with the rest of the borough)"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Save area"), widget=GovSubmitInput())


class ConfirmDeleteForm(EngageForm):
    submit = SubmitField(_l("Yes, delete it"), widget=GovSubmitInput())


class PostcodeUploadForm(EngageForm):
    file = FileField(_l("Postcode file"), description=_l("A CSV file with the ONS postcode directory's postcode column (pcds or pcd) "
                                                         "and ward column (osward, or a ward name column)."), widget=GovFileInput())
    mode = RadioField(_l("What should the file do?"), choices=[
        ("replace", _l("Replace the whole postcode list (the demo postcodes go too)")),
        ("add", _l("Add to the list (postcodes already in it move to the ward in the file)")),
    ], default="replace", widget=GovRadioInput(), validators=[InputRequired(_l("Select whether the file replaces the list or adds to it"))])
    submit = SubmitField(_l("Upload and check the file"), widget=GovSubmitInput())


class PostcodeLoadForm(EngageForm):
    submit = SubmitField(_l("Load these postcodes"), widget=GovSubmitInput())
