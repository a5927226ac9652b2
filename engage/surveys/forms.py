"""Staff forms: survey settings, sections, questions, conditions, access codes, themes,
uploads. The services check every rule again; a tampered form saves nothing wrong."""
from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import EngageForm, GovDateField, IdSelectField, VersionField, WholeNumberField
from ..core.i18n import lazy_gettext as _l
from .equality import ELIGIBLE_AGES


def _text(label, max_length, hint="", required=None, area=False):
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return (TextAreaField if area else StringField)(label, description=hint, widget=GovTextArea() if area else GovTextInput(),
                                                    validators=validators)


def _check(label, hint=""):
    return BooleanField(label, description=hint, widget=GovCheckboxInput())


class SurveyForm(EngageForm):
    title = _text("Title", 200, "For example, “Cleaner streets survey”.", "Enter a title")
    introduction = _text("Introduction", 5000, "What the survey is about, how long it takes and what the answers will be used for. "
                                                "You can use Markdown.", area=True)
    privacy_notice = _text("Privacy notice", 5000, "Shown before the first question. Leave blank for the standard notice.", area=True)
    opens_on = GovDateField("Opens on", description="Leave blank to keep it as a draft. For example, 1 4 2026", validators=[Optional()])
    closes_on = GovDateField("Closes at the end of", description="For example, 30 4 2026", validators=[Optional()])
    results_note = _text("Where results will appear", 2000, "Optional. Shown once the survey closes, for example "
                                                            "“Results will be published here in June.”", area=True)
    retention_days = WholeNumberField("Keep personal data for (days after closing)", default=365,
                                      validators=[InputRequired("Enter how many days to keep personal data"),
                                                  NumberRange(min=1, max=3650, message="Enter a number of days from 1 to 3,650")])
    population_area_id = IdSelectField("Area the survey covers", blank="Every ward")
    min_age = RadioField("Who the survey is for", choices=list(ELIGIBLE_AGES.items()), coerce=int, default=0,
                         description="Weighting and “who answered” compare with the population of these ages.",
                         widget=GovRadioInput())
    one_per_browser = _check("Accept one response from each device", "Recommended. People on shared computers can still answer on paper.")
    codes_required = _check("Ask for a single-use access code", "For postal or panel surveys: you make and print the codes.")
    ask_contact = _check("Offer to tell people what happens next (asks for an optional email address)")
    paper_copies = _text("Where people get a paper copy", 300, "Shown on the survey's page and its poster. For example, "
                                                              "“Ask at your library for a paper copy.”")
    paper_return = _text("Where paper copies go back to", 300, "Printed at the end of the paper version. For example, "
                                                               "“Please post it back in the freepost envelope, or hand it in at any library.”")
    version = VersionField()
    submit = SubmitField("Save survey", widget=GovSubmitInput())


class SectionForm(EngageForm):
    title = _text("Section title", 200, "Residents see this as the heading of the page.", "Enter a title for the section")
    intro = _text("Introduction", 3000, "Optional. Shown above the section's first question.", area=True)
    version = VersionField()
    submit = SubmitField("Save section", widget=GovSubmitInput())


class QuestionForm(EngageForm):
    text = _text("Question", 500, "", "Enter the question")
    hint = _text("Hint", 1000, "Optional. Help with answering, shown under the question.")
    options = _text("Answers", 20000, "One on each line.", area=True)
    rows = _text("Statements", 20000, "One on each line. Each is answered on the scale above.", area=True)
    out_of_base = _text("Answers left out of the base", 2000,
                        "Optional. Copy answers from the list above, one on each line, such as “Don’t know” or “Not applicable”. "
                        "They are still counted and shown, but people who give only these answers are not in the base of the "
                        "percentages.", area=True)
    exclusive = _text("Answers that cannot be ticked with others", 2000,
                      "Optional. Copy answers from the list above, one on each line, such as “None of these” or “Don’t know”. "
                      "Anyone who ticks one of them cannot tick another answer as well.", area=True)
    allow_other = _check("Add “Other, please say”")
    randomise = _check("Show the answers in a random order", "Each person sees their own order. “Other” and “Prefer not to say” stay last.")
    min = StringField("Smallest number allowed", widget=GovTextInput(), validators=[Optional(), Length(max=20)])
    max = StringField("Largest number allowed", widget=GovTextInput(), validators=[Optional(), Length(max=20)])
    whole = _check("Whole numbers only")
    low_label = _text("What 0 means", 60, "For example, “Not at all likely”.")
    high_label = _text("What 10 means", 60, "For example, “Extremely likely”.")
    required = _check("People must answer this question")
    personal = _check("What people write may identify someone",
                      "Their written answer, or what they write beside “Other, please say”, is deleted with the other personal "
                      "data at the end of the retention period, and left out of exports.")
    version = VersionField()
    submit = SubmitField("Save question", widget=GovSubmitInput())


class CodesForm(EngageForm):
    count = WholeNumberField("How many codes", default=100, validators=[InputRequired("Enter how many codes to make"),
                                                                        NumberRange(min=1, max=5000, message="Make from 1 to 5,000 codes at a time")])
    submit = SubmitField("Make codes", widget=GovSubmitInput())


class ThemeForm(EngageForm):
    name = _text("New theme", 100, "For example, “Litter”, “Dog fouling”, “Parks”.", "Enter the theme")
    submit = SubmitField("Add theme", widget=GovSubmitInput())


class UploadForm(EngageForm):
    file = FileField("CSV file", description="Headings are the question numbers (Q1, Q2…). Download the template to see them.",
                     widget=GovFileInput())
    submit = SubmitField("Upload and check", widget=GovSubmitInput())


class PopulationUploadForm(EngageForm):
    """Population figures come with their own columns, not a survey's question numbers."""
    file = FileField("CSV file", description="Columns: area, kind, age_band, sex, ethnicity and count, one row for each figure. "
                                             "Download the figures below to see the layout.", widget=GovFileInput())
    source = StringField("Where these figures come from", description="For example, ONS mid-2024 population estimates",
                         widget=GovTextInput(), filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
                         validators=[DataRequired(message="Enter where these figures come from"),
                                                            Length(max=200, message="Where these figures come from must be 200 characters or fewer")])
    figures_date = GovDateField("Date of the figures", description="The date the figures are for. For example, 30 6 2024",
                                validators=[InputRequired(message="Enter the date of the figures")])
    submit = SubmitField("Upload and check", widget=GovSubmitInput())


class PopulationConfirmForm(EngageForm):
    """The preview's confirm button: the checked figures travel signed in ``figures``."""
    figures = StringField()
    submit = SubmitField("Load these figures", widget=GovSubmitInput())


class PublishForm(EngageForm):
    results_public = _check("Publish the results to everyone now", "Sets the consultation's results date to today, so the results show on its page.")
    submit = SubmitField("Publish to the consultation database", widget=GovSubmitInput())


class ConfirmForm(EngageForm):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())


class PlainForm(EngageForm):
    """A form with only its CSRF token (buttons that change something)."""


# ---- one response at a time (engage/surveys/records.py) ----------------------------------

def _reason(label="Why?", hint="Others will see this next to the change."):
    return _text(label, 1000, hint, "Say why, so that others can see why it was done", area=True)


class CorrectForm(EngageForm):
    """The reason and version of a correction; the answers are the entry form's questions."""
    version = VersionField()
    reason = _reason("Why are you correcting it?", "For example, “Typing slip: the paper form says Castle ward”.")


class SetAsideForm(EngageForm):
    kind = RadioField("Set it aside as", choices=[("duplicate", "A duplicate of another response"), ("spam", "Spam")],
                      validators=[InputRequired("Choose duplicate or spam")], widget=GovRadioInput())
    reason = _reason("Why?", "For example, “Same paper form entered twice: see reference ABCD-2345”.")
    submit = SubmitField("Set aside", widget=GovSubmitInput())


class RestoreForm(EngageForm):
    reason = _reason("Why put it back?")
    submit = SubmitField("Put it back into the results", widget=GovSubmitInput())


class EraseForm(EngageForm):
    category = RadioField("Why is it being erased?", choices=[], validators=[InputRequired("Choose why it is being erased")],
                          widget=GovRadioInput())
    email = StringField("Email address they gave to hear what happens next (optional)",
                        description="Addresses are kept apart from answers, so only the address itself can find them. "
                                    "Any with this address for this survey are deleted too.",
                        validators=[Optional(), Length(max=254, message="Enter an email address of 254 characters or fewer")],
                        widget=GovTextInput())
    submit = SubmitField("Erase this response", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        from .records import ERASE_REASONS

        super().__init__(*args, **kwargs)
        self.category.choices = list(ERASE_REASONS.items())


# ---- lifecycle moves (engage/surveys/lifecycle.py) ---------------------------------------

class CloseNowForm(EngageForm):
    reason = _reason("Why close it now?", "For example, “The decision meeting was brought forward”.")
    submit = SubmitField("Close now", widget=GovSubmitInput())


class NewCloseForm(EngageForm):
    closes_on = GovDateField("New closing date", description="It closes at the end of this day. For example, 30 4 2026",
                             validators=[InputRequired("Enter the new closing date")])
    reason = _reason("Why?", "For example, “Few answers from Castle ward yet”.")
    submit = SubmitField("Save", widget=GovSubmitInput())


class PictureForm(EngageForm):
    """A question's picture in the easy-read version (engage/surveys/pictures.py checks it)."""
    picture = FileField(_l("Picture"), description=_l("A PNG or JPEG file, 5 MB or smaller. It is shown at most 800 pixels wide."),
                        widget=GovFileInput())
    alt = TextAreaField(_l("What the picture shows"), widget=GovTextArea(),
                        description=_l("For people who cannot see it: one short sentence, for example “A bin overflowing with rubbish”."))
    submit = SubmitField(_l("Save the picture"), widget=GovSubmitInput())

