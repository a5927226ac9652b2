"""Forms for importing results and for the planning pages' filters."""
from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import BooleanField, RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from ..core.forms import EngageForm
from ..core.i18n import gettext, lazy_gettext as _l
from .importing import RAW_ROLES, TIDY_ROLES


class ImportUploadForm(EngageForm):
    file = FileField(
        _l("Upload a file"),
        description=_l("A CSV file (.csv) or an Excel workbook (.xlsx)."),
        widget=GovFileInput(),
        validators=[FileRequired(_l("Choose a CSV or Excel file to upload")),
                    FileAllowed(["csv", "xlsx"], _l("The file must be a CSV file (.csv) or an Excel workbook (.xlsx)"))],
    )
    format = RadioField(
        _l("What is in the file?"),
        choices=[("tidy", _l("Figures: one row per answer and group, with a count and a base")),
                 ("raw", _l("Responses: one row per person who answered, one column per question"))],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select what is in the file"))],
    )
    submit = SubmitField(_l("Upload and check the file"), widget=GovSubmitInput())


class RoleSelectField(SelectField):
    """A column's role; a value that is not in the list is a plain field error."""

    widget = GovSelect()

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(gettext("Choose what this column holds from the list"))


def mapping_form(headers: list[str], fmt: str, guessed: dict[int, str], samples: dict[int, list[str]], background: bool,
                 replace: bool = False):
    """A form with one choice per column of the file (built for this file's headings)."""
    roles = TIDY_ROLES if fmt == "tidy" else RAW_ROLES

    class MappingForm(EngageForm):
        pass

    from .importing import column_letter

    for index, heading in enumerate(headers):
        shown = heading or gettext("(no heading)")
        example = ", ".join(samples.get(index, [])[:3])
        field = RoleSelectField(
            gettext("Column %(letter)s: %(heading)s", letter=column_letter(index), heading=shown),
            choices=[(role, gettext(label)) for role, label in roles.items()],
            default=guessed.get(index, "ignore"),
            description=(gettext("For example: %(examples)s", examples=example) if example
                         else gettext("The first rows of this column are empty.")),
        )
        setattr(MappingForm, f"col_{index}", field)
    MappingForm.replace = BooleanField(_l("Replace earlier results of the same questions"), widget=GovCheckboxInput(), default=replace,
                                       description=_l("Only tick this if you mean to overwrite figures already in Engage for questions with the same wording."))
    if background:
        MappingForm.auto_refresh = BooleanField(_l("Update the progress page by itself every few seconds"), default=True,
                                                widget=GovCheckboxInput(),
                                                description=_l("Untick this if you would rather check the progress yourself with a button."))
    MappingForm.check = SubmitField(_l("Check the file with these columns"), widget=GovSubmitInput())
    MappingForm.submit = SubmitField(_l("Import results"), widget=GovSubmitInput())

    def mapping(self) -> dict[int, str]:
        return {index: getattr(self, f"col_{index}").data for index in range(len(headers))}

    def column_fields(self):
        return [getattr(self, f"col_{index}") for index in range(len(headers))]

    MappingForm.mapping = mapping
    MappingForm.column_fields = column_fields
    return MappingForm


class LayoutForm(EngageForm):
    """Change what the uploaded file holds (figures or responses) without uploading it again."""

    format = RadioField(_l("What is in the file?"), choices=[("tidy", _l("Figures")), ("raw", _l("Responses"))], widget=GovRadioInput(),
                        validators=[InputRequired(_l("Select what is in the file"))])
    submit = SubmitField(_l("Change what is in the file"), widget=GovSubmitInput())
