"""The accessibility statement's form (officers)."""
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..core.forms import EngageForm, GovDateField, VersionField, WholeNumberField
from ..core.i18n import lazy_gettext as _l


def _text(label, too_long, hint="", required=None, rows_max=5000):
    """A text area: ``label``, ``hint``, ``required`` and ``too_long`` whole sentences (``_l``)."""
    checks = [InputRequired(required)] if required else [Optional()]
    return TextAreaField(label, description=hint, widget=GovTextArea(),
                         validators=checks + [Length(max=rows_max, message=too_long)])


class AccessibilityStatementForm(EngageForm):
    version = VersionField()
    organisation = StringField(_l("Who the statement is from"), description=_l("For example, Halton Strategic Partnership"),
                               widget=GovTextInput(), validators=[InputRequired(_l("Enter who the statement is from")),
                                                                  Length(max=200, message=_l("Who the statement is from must be 200 characters or fewer"))])
    compliance = RadioField(_l("How far the site meets the WCAG 2.2 AA standard"),
                            choices=[("full", _l("Fully compliant")), ("partial", _l("Partially compliant")), ("not", _l("Not compliant"))],
                            widget=GovRadioInput(), validators=[InputRequired(_l("Select how far the site meets the accessibility standard"))])
    non_compliant = _text(_l("Content that is not accessible, and why"),
                          _l("Content that is not accessible, and why must be 5,000 characters or fewer"),
                          _l("One line each, starting with a dash: the problem, the WCAG 2.2 success criterion it fails, and when it will be fixed."))
    disproportionate_burden = _text(_l("Content not fixed because it would be a disproportionate burden"),
                                    _l("Content not fixed because it would be a disproportionate burden must be 5,000 characters or fewer"),
                                    _l("Optional. Say what you assessed and why."))
    outside_scope = _text(_l("Content the regulations do not cover"),
                          _l("Content the regulations do not cover must be 5,000 characters or fewer"),
                          _l("Optional. For example, PDF files published before 23 September 2018."))
    format_contact = _text(_l("How to ask for information in another format"),
                           _l("How to ask for information in another format must be 5,000 characters or fewer"),
                           _l("For example, an email address and a phone number."),
                           required=_l("Enter how people can ask for another format"))
    format_days = WholeNumberField(_l("Working days to reply to a request for another format"), description=_l("From 1 to 60."),
                                   validators=[InputRequired(_l("Enter how many working days a reply takes"))])
    problem_contact = _text(_l("How to report an accessibility problem"),
                            _l("How to report an accessibility problem must be 5,000 characters or fewer"),
                            required=_l("Enter how people can report a problem"))
    improvements = _text(_l("What you are doing to improve accessibility"),
                         _l("What you are doing to improve accessibility must be 5,000 characters or fewer"), _l("Optional."))
    tested_on = GovDateField(_l("When the site was last tested"), description=_l("For example, 27 3 2026"), validators=[Optional()])
    tested_by = StringField(_l("Who tested it, and how"), description=_l("Optional. For example, an internal check with axe-core and a screen reader."),
                            widget=GovTextInput(), validators=[Optional(), Length(max=300, message=_l("Who tested it must be 300 characters or fewer"))])
    prepared_on = GovDateField(_l("When the statement was prepared"), description=_l("For example, 27 3 2026"),
                               validators=[DataRequired(_l("Enter the date the statement was prepared"))])
    reviewed_on = GovDateField(_l("When the statement was last reviewed"), description=_l("Optional. Review it at least once a year."),
                               validators=[Optional()])
    submit = SubmitField(_l("Save the statement"), widget=GovSubmitInput())
