"""Forms for importing results and for the planning pages' filters."""
from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import BooleanField, RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from ..core.forms import EngageForm
from .importing import RAW_ROLES, TIDY_ROLES


class ImportUploadForm(EngageForm):
    file = FileField(
        "Upload a file",
        description="A CSV file (.csv) or an Excel workbook (.xlsx).",
        widget=GovFileInput(),
        validators=[FileRequired("Choose a CSV or Excel file to upload"),
                    FileAllowed(["csv", "xlsx"], "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)")],
    )
    format = RadioField(
        "What is in the file?",
        choices=[("tidy", "Figures: one row per answer and group, with a count and a base"),
                 ("raw", "Responses: one row per person who answered, one column per question")],
        widget=GovRadioInput(),
        validators=[InputRequired("Select what is in the file")],
    )
    submit = SubmitField("Upload and check the file", widget=GovSubmitInput())


class RoleSelectField(SelectField):
    """A column's role; a value that is not in the list is a plain field error."""

    widget = GovSelect()

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError("Choose what this column holds from the list")


def mapping_form(headers: list[str], fmt: str, guessed: dict[int, str], samples: dict[int, list[str]], background: bool,
                 replace: bool = False):
    """A form with one choice per column of the file (built for this file's headings)."""
    roles = TIDY_ROLES if fmt == "tidy" else RAW_ROLES

    class MappingForm(EngageForm):
        pass

    from .importing import column_letter

    for index, heading in enumerate(headers):
        shown = heading or "(no heading)"
        example = ", ".join(samples.get(index, [])[:3])
        field = RoleSelectField(
            f"Column {column_letter(index)}: {shown}",
            choices=list(roles.items()),
            default=guessed.get(index, "ignore"),
            description=f"For example: {example}" if example else "The first rows of this column are empty.",
        )
        setattr(MappingForm, f"col_{index}", field)
    MappingForm.replace = BooleanField("Replace earlier results of the same questions", widget=GovCheckboxInput(), default=replace,
                                       description="Only tick this if you mean to overwrite figures already in Engage for questions with the same wording.")
    if background:
        MappingForm.auto_refresh = BooleanField("Update the progress page by itself every few seconds", default=True,
                                                widget=GovCheckboxInput(),
                                                description="Untick this if you would rather check the progress yourself with a button.")
    MappingForm.check = SubmitField("Check the file with these columns", widget=GovSubmitInput())
    MappingForm.submit = SubmitField("Import results", widget=GovSubmitInput())

    def mapping(self) -> dict[int, str]:
        return {index: getattr(self, f"col_{index}").data for index in range(len(headers))}

    def column_fields(self):
        return [getattr(self, f"col_{index}") for index in range(len(headers))]

    MappingForm.mapping = mapping
    MappingForm.column_fields = column_fields
    return MappingForm


class LayoutForm(EngageForm):
    """Change what the uploaded file holds (figures or responses) without uploading it again."""

    format = RadioField("What is in the file?", choices=[("tidy", "Figures"), ("raw", "Responses")], widget=GovRadioInput(),
                        validators=[InputRequired("Select what is in the file")])
    submit = SubmitField("Change what is in the file", widget=GovSubmitInput())
