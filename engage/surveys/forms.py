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


def _text(label, too_long, max_length, hint="", required=None, area=False):
    """A text box; ``too_long`` is the whole sentence shown when more than ``max_length`` is typed."""
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=too_long))
    return (TextAreaField if area else StringField)(label, description=hint, widget=GovTextArea() if area else GovTextInput(),
                                                    validators=validators)


def _check(label, hint=""):
    return BooleanField(label, description=hint, widget=GovCheckboxInput())


class SurveyForm(EngageForm):
    title = _text(_l("Title"), _l("Title must be 200 characters or fewer"), 200, _l("For example, “Cleaner streets survey”."), _l("Enter a title"))
    introduction = _text(_l("Introduction"), _l("Introduction must be 5,000 characters or fewer"), 5000, _l("What the survey is about, how long it takes and what the answers will be used for. "
                                                   "You can use Markdown."), area=True)
    privacy_notice = _text(_l("Privacy notice"), _l("Privacy notice must be 5,000 characters or fewer"), 5000, _l("Shown before the first question. Leave blank for the standard notice."), area=True)
    opens_on = GovDateField(_l("Opens on"), description=_l("Leave blank to keep it as a draft. For example, 1 4 2026"), validators=[Optional()])
    closes_on = GovDateField(_l("Closes at the end of"), description=_l("For example, 30 4 2026"), validators=[Optional()])
    results_note = _text(_l("Where results will appear"), _l("Where results will appear must be 2,000 characters or fewer"), 2000, _l("Optional. Shown once the survey closes, for example "
                                                               "“Results will be published here in June.”"), area=True)
    retention_days = WholeNumberField(_l("Keep personal data for (days after closing)"), default=365,
                                      validators=[InputRequired(_l("Enter how many days to keep personal data")),
                                                  NumberRange(min=1, max=3650, message=_l("Enter a number of days from 1 to 3,650"))])
    population_area_id = IdSelectField(_l("Area the survey covers"), blank=_l("Every ward"))
    min_age = RadioField(_l("Who the survey is for"), choices=[(age, _l(words)) for age, words in ELIGIBLE_AGES.items()], coerce=int, default=0,
                         description=_l("Weighting and “who answered” compare with the population of these ages."),
                         widget=GovRadioInput())
    one_per_browser = _check(_l("Accept one response from each device"), _l("Recommended. People on shared computers can still answer on paper."))
    codes_required = _check(_l("Ask for a single-use access code"), _l("For postal or panel surveys: you make and print the codes."))
    ask_contact = _check(_l("Offer to tell people what happens next (asks for an optional email address)"))
    paper_copies = _text(_l("Where people get a paper copy"), _l("Where people get a paper copy must be 300 characters or fewer"), 300, "Shown on the survey's page and its poster. For example, "
                                                              "“Ask at your library for a paper copy.”")
    paper_return = _text(_l("Where paper copies go back to"), _l("Where paper copies go back to must be 300 characters or fewer"), 300, "Printed at the end of the paper version. For example, "
                                                               "“Please post it back in the freepost envelope, or hand it in at any library.”")
    version = VersionField()
    submit = SubmitField(_l("Save survey"), widget=GovSubmitInput())


class SectionForm(EngageForm):
    title = _text(_l("Section title"), _l("Section title must be 200 characters or fewer"), 200, _l("Residents see this as the heading of the page."), _l("Enter a title for the section"))
    intro = _text(_l("Introduction"), _l("Introduction must be 3,000 characters or fewer"), 3000, _l("Optional. Shown above the section's first question."), area=True)
    version = VersionField()
    submit = SubmitField(_l("Save section"), widget=GovSubmitInput())


class QuestionForm(EngageForm):
    text = _text(_l("Question"), _l("Question must be 500 characters or fewer"), 500, "", _l("Enter the question"))
    hint = _text(_l("Hint"), _l("Hint must be 1,000 characters or fewer"), 1000, _l("Optional. Help with answering, shown under the question."))
    options = _text(_l("Answers"), _l("Answers must be 20,000 characters or fewer"), 20000, _l("One on each line."), area=True)
    rows = _text(_l("Statements"), _l("Statements must be 20,000 characters or fewer"), 20000, _l("One on each line. Each is answered on the scale above."), area=True)
    out_of_base = _text(_l("Answers left out of the base"), _l("Answers left out of the base must be 2,000 characters or fewer"), 2000,
                        _l("Optional. Copy answers from the list above, one on each line, such as “Don’t know” or “Not applicable”. "
                           "They are still counted and shown, but people who give only these answers are not in the base of the "
                           "percentages."), area=True)
    exclusive = _text(_l("Answers that cannot be ticked with others"), _l("Answers that cannot be ticked with others must be 2,000 characters or fewer"), 2000,
                      _l("Optional. Copy answers from the list above, one on each line, such as “None of these” or “Don’t know”. "
                         "Anyone who ticks one of them cannot tick another answer as well."), area=True)
    allow_other = _check(_l("Add “Other, please say”"))
    randomise = _check(_l("Show the answers in a random order"), _l("Each person sees their own order. “Other” and “Prefer not to say” stay last."))
    min = StringField(_l("Smallest number allowed"), widget=GovTextInput(),
                      validators=[Optional(), Length(max=20, message=_l("Smallest number allowed must be 20 characters or fewer"))])
    max = StringField(_l("Largest number allowed"), widget=GovTextInput(),
                      validators=[Optional(), Length(max=20, message=_l("Largest number allowed must be 20 characters or fewer"))])
    whole = _check(_l("Whole numbers only"))
    low_label = _text(_l("What 0 means"), _l("What 0 means must be 60 characters or fewer"), 60, _l("For example, “Not at all likely”."))
    high_label = _text(_l("What 10 means"), _l("What 10 means must be 60 characters or fewer"), 60, _l("For example, “Extremely likely”."))
    required = _check(_l("People must answer this question"))
    personal = _check(_l("What people write may identify someone"),
                      _l("Their written answer, or what they write beside “Other, please say”, is deleted with the other personal "
                         "data at the end of the retention period, and left out of exports."))
    version = VersionField()
    submit = SubmitField(_l("Save question"), widget=GovSubmitInput())


class CodesForm(EngageForm):
    count = WholeNumberField(_l("How many codes"), default=100, validators=[InputRequired(_l("Enter how many codes to make")),
                                                                        NumberRange(min=1, max=5000, message=_l("Make from 1 to 5,000 codes at a time"))])
    submit = SubmitField(_l("Make codes"), widget=GovSubmitInput())


class ThemeForm(EngageForm):
    name = _text(_l("New theme"), _l("New theme must be 100 characters or fewer"), 100, _l("For example, “Litter”, “Dog fouling”, “Parks”."), _l("Enter the theme"))
    submit = SubmitField(_l("Add theme"), widget=GovSubmitInput())


class UploadForm(EngageForm):
    file = FileField(_l("CSV file"), description=_l("Headings are the question numbers (Q1, Q2…). Download the template to see them."),
                     widget=GovFileInput())
    submit = SubmitField(_l("Upload and check"), widget=GovSubmitInput())


class PopulationUploadForm(EngageForm):
    """Population figures come with their own columns, not a survey's question numbers."""
    file = FileField(_l("CSV file"), description=_l("Columns: area, kind, age_band, sex, ethnicity and count, one row for each figure. "
                                                "Download the figures below to see the layout."), widget=GovFileInput())
    source = StringField(_l("Where these figures come from"), description=_l("For example, ONS mid-2024 population estimates"),
                         widget=GovTextInput(), filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
                         validators=[DataRequired(message=_l("Enter where these figures come from")),
                                                            Length(max=200, message=_l("Where these figures come from must be 200 characters or fewer"))])
    figures_date = GovDateField(_l("Date of the figures"), description=_l("The date the figures are for. For example, 30 6 2024"),
                                validators=[InputRequired(message=_l("Enter the date of the figures"))])
    submit = SubmitField(_l("Upload and check"), widget=GovSubmitInput())


class PopulationConfirmForm(EngageForm):
    """The preview's confirm button: the checked figures travel signed in ``figures``."""
    figures = StringField()
    submit = SubmitField(_l("Load these figures"), widget=GovSubmitInput())


class PublishForm(EngageForm):
    results_public = _check(_l("Publish the results to everyone now"), _l("Sets the consultation's results date to today, so the results show on its page."))
    submit = SubmitField(_l("Publish to the consultation database"), widget=GovSubmitInput())


class ConfirmForm(EngageForm):
    submit = SubmitField(_l("Yes, delete it"), widget=GovSubmitInput())


class PlainForm(EngageForm):
    """A form with only its CSRF token (buttons that change something)."""


# ---- one response at a time (engage/surveys/records.py) ----------------------------------

def _reason(label=_l("Why?"), hint=_l("Others will see this next to the change.")):
    return _text(label, _l("Your reason must be 1,000 characters or fewer"), 1000, hint, _l("Say why, so that others can see why it was done"),
                 area=True)


class CorrectForm(EngageForm):
    """The reason and version of a correction; the answers are the entry form's questions."""
    version = VersionField()
    reason = _reason(_l("Why are you correcting it?"), _l("For example, “Typing slip: the paper form says Castle ward”."))


class SetAsideForm(EngageForm):
    kind = RadioField(_l("Set it aside as"), choices=[("duplicate", _l("A duplicate of another response")), ("spam", _l("Spam"))],
                      validators=[InputRequired(_l("Choose duplicate or spam"))], widget=GovRadioInput())
    reason = _reason(_l("Why?"), _l("For example, “Same paper form entered twice: see reference ABCD-2345”."))
    submit = SubmitField(_l("Set aside"), widget=GovSubmitInput())


class RestoreForm(EngageForm):
    reason = _reason(_l("Why put it back?"))
    submit = SubmitField(_l("Put it back into the results"), widget=GovSubmitInput())


class EraseForm(EngageForm):
    category = RadioField(_l("Why is it being erased?"), choices=[], validators=[InputRequired(_l("Choose why it is being erased"))],
                          widget=GovRadioInput())
    email = StringField(_l("Email address they gave to hear what happens next (optional)"),
                        description=_l("Addresses are kept apart from answers, so only the address itself can find them. "
                                       "Any with this address for this survey are deleted too."),
                        validators=[Optional(), Length(max=254, message=_l("Enter an email address of 254 characters or fewer"))],
                        widget=GovTextInput())
    submit = SubmitField(_l("Erase this response"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        from .records import ERASE_REASONS

        super().__init__(*args, **kwargs)
        self.category.choices = [(key, _l(words)) for key, words in ERASE_REASONS.items()]


# ---- lifecycle moves (engage/surveys/lifecycle.py) ---------------------------------------

class CloseNowForm(EngageForm):
    reason = _reason(_l("Why close it now?"), _l("For example, “The decision meeting was brought forward”."))
    submit = SubmitField(_l("Close now"), widget=GovSubmitInput())


class NewCloseForm(EngageForm):
    closes_on = GovDateField(_l("New closing date"), description=_l("It closes at the end of this day. For example, 30 4 2026"),
                             validators=[InputRequired(_l("Enter the new closing date"))])
    reason = _reason(_l("Why?"), _l("For example, “Few answers from Castle ward yet”."))
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class PictureForm(EngageForm):
    """A question's picture in the easy-read version (engage/surveys/pictures.py checks it)."""
    picture = FileField(_l("Picture"), description=_l("A PNG or JPEG file, 5 MB or smaller. It is shown at most 800 pixels wide."),
                        widget=GovFileInput())
    alt = TextAreaField(_l("What the picture shows"), widget=GovTextArea(),
                        description=_l("For people who cannot see it: one short sentence, for example “A bin overflowing with rubbish”."))
    submit = SubmitField(_l("Save the picture"), widget=GovSubmitInput())

