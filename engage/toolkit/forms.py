"""Forms for the toolkit. Choices that depend on the database are filled in by the views."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..core.forms import EngageForm, MultiCheckboxField, VersionField
from ..core.i18n import lazy_gettext as _l
from .models import AUDIENCES, COSTS, GROUP_SIZES, KINDS, PURPOSE_ANSWERS, PURPOSE_HINTS, PURPOSES, TIMES

PURPOSE_CHOICES = [(k, f"{v}: {PURPOSE_HINTS[k]}") for k, v in PURPOSES.items()]
METHODS_ONLY = "Methods only. Leave blank for a guide."


def _lines(label, hint, max_length=2000):
    return TextAreaField(label, description=hint, widget=GovTextArea(),
                         validators=[Optional(), Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer")])


class EntryForm(EngageForm):
    """An officer adding or editing an entry. ``slug`` and ``kind`` are used when adding."""

    slug = StringField("Web name", description="Used in the page's address, like focus-group. Lower-case letters, numbers and hyphens only. It cannot be changed later.",
                       widget=GovTextInput(), validators=[Optional(), Length(max=80, message="Web name must be 80 characters or fewer")])
    kind = RadioField("Kind of entry", choices=[(k, v) for k, v in KINDS.items()], widget=GovRadioInput(), validators=[Optional()])
    title = StringField("Title", description="Plain words, like “Focus group”.", widget=GovTextInput(),
                        validators=[InputRequired("Enter the title"), Length(max=120, message="Title must be 120 characters or fewer")])
    summary = TextAreaField("Summary", description="One plain sentence, shown in search results. 200 characters or fewer.", widget=GovTextArea(),
                            validators=[InputRequired("Enter the summary"), Length(max=200, message="Summary must be 200 characters or fewer")])
    purpose = MultiCheckboxField("Purpose", description="Where it sits on the spectrum of participation. Select all that apply.", choices=PURPOSE_CHOICES)
    audiences = MultiCheckboxField("Good for", description="Who it works well with. Select all that apply.", choices=list(AUDIENCES.items()))
    group_size = RadioField("Group size", description=METHODS_ONLY, choices=list(GROUP_SIZES.items()), widget=GovRadioInput(), validators=[Optional()])
    time_needed = RadioField("Time needed", description="From the start of planning to the results. " + METHODS_ONLY,
                             choices=[(k, f"{v}") for k, v in TIMES.items()], widget=GovRadioInput(), validators=[Optional()])
    cost = RadioField("Cost", description=METHODS_ONLY, choices=list(COSTS.items()), widget=GovRadioInput(), validators=[Optional()])
    skills = _lines("Skills needed", "One skill per line, like facilitation. " + METHODS_ONLY)
    accessibility = TextAreaField("Accessibility notes", description="One or two sentences on access needs. " + METHODS_ONLY, widget=GovTextArea(),
                                  validators=[Optional(), Length(max=1000, message="Accessibility notes must be 1,000 characters or fewer")])
    related = MultiCheckboxField("Related entries", description="Other methods and guides to show beside this one.")
    keywords = _lines("Extra search words", "One per line: other words people might type to find this, like “group discussion”.")
    body = TextAreaField("Content", description="Markdown: ## for a heading, 1. for a numbered step, - for a bullet, - [ ] for a checklist item. Methods keep the nine headings in order.",
                         widget=GovTextArea(), validators=[InputRequired("Enter the content"), Length(max=100_000, message="Content must be 100,000 characters or fewer")])
    reason = StringField("What did you change, and why?", description="Kept in the history, like “Updated the costs for 2025”.", widget=GovTextInput(),
                         validators=[InputRequired("Say what you changed and why"), Length(max=300, message="The reason must be 300 characters or fewer")])
    # The edit version the form was loaded from (engage/core/concurrency.py).
    version = VersionField()
    preview = SubmitField("Preview", widget=GovSubmitInput())
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class SuggestionForm(EngageForm):
    # In the reader's language: practitioners of every partner suggest changes.
    title = StringField(_l("Title"), widget=GovTextInput(), validators=[InputRequired(_l("Enter the title")), Length(max=120, message=_l("Title must be 120 characters or fewer"))])
    summary = TextAreaField(_l("Summary"), description=_l("One plain sentence, 200 characters or fewer."), widget=GovTextArea(),
                            validators=[InputRequired(_l("Enter the summary")), Length(max=200, message=_l("Summary must be 200 characters or fewer"))])
    body = TextAreaField(_l("Content"), description=_l("Change the text below. It uses Markdown: ## for a heading, - for a bullet."), widget=GovTextArea(),
                         validators=[InputRequired(_l("Enter the content")), Length(max=100_000, message=_l("Content must be 100,000 characters or fewer"))])
    reason = TextAreaField(_l("Why should it change?"), description=_l("For example, “The costs are out of date: rooms now cost about £60”."), widget=GovTextArea(),
                           validators=[InputRequired(_l("Say why it should change")), Length(max=1000, message=_l("Your reason must be 1,000 characters or fewer"))])
    preview = SubmitField(_l("Preview"), widget=GovSubmitInput())
    submit = SubmitField(_l("Send suggestion"), widget=GovSubmitInput())


class DecisionForm(EngageForm):
    note = TextAreaField(_l("Note to the person who suggested it"), description=_l("Optional when you accept. Needed when you decline, so they know why."),
                         widget=GovTextArea(), validators=[Optional(), Length(max=1000, message=_l("The note must be 1,000 characters or fewer"))])
    accept = SubmitField(_l("Accept and publish"), widget=GovSubmitInput())
    decline = SubmitField(_l("Decline"), widget=GovSubmitInput())


class RestoreForm(EngageForm):
    reason = StringField(_l("Why are you restoring it?"), description=_l("Optional. Kept in the history."), widget=GovTextInput(),
                         validators=[Optional(), Length(max=200, message=_l("The reason must be 200 characters or fewer"))])
    submit = SubmitField(_l("Restore this revision"), widget=GovSubmitInput())


class UseFileForm(EngageForm):
    submit = SubmitField(_l("Go back to the file version"), widget=GovSubmitInput())


class FeedbackForm(EngageForm):
    # In the reader's language: the form is on every public toolkit page.
    useful = RadioField(_l("Was this page useful?"), choices=[("yes", _l("Yes")), ("no", _l("No"))], widget=GovRadioInput(),
                        validators=[InputRequired(_l("Select yes if this page was useful, or no if it was not"))])
    comment = TextAreaField(_l("How could we make this page better? (optional)"), description=_l("Do not include personal details, like your name or email address."),
                            widget=GovTextArea(), validators=[Optional(), Length(max=1200, message=_l("Your comment must be 1,200 characters or fewer"))])
    submit = SubmitField(_l("Send feedback"), widget=GovSubmitInput())


class ChooserForm(FlaskForm):
    """The method chooser: read from the query string, so results can be shared."""

    class Meta:
        csrf = False

    # In the reader's language: the chooser is public.
    purpose = RadioField(_l("What do you want to achieve?"), choices=[(k, _l(v)) for k, v in PURPOSE_ANSWERS.items()],
                         widget=GovRadioInput(), validators=[InputRequired(_l("Select what you want to achieve"))])
    audiences = MultiCheckboxField(_l("Who do you need to reach?"), description=_l("Select all that apply. Leave blank if it is anyone."),
                                   choices=[(k, _l(v)) for k, v in AUDIENCES.items()])
    group_size = RadioField(_l("How many people do you want to hear from?"), choices=[(k, _l(v)) for k, v in GROUP_SIZES.items()],
                            widget=GovRadioInput(), validators=[InputRequired(_l("Select how many people you want to hear from"))])
    time = RadioField(_l("How long do you have, from planning to results?"),
                      choices=[("days", _l("A few days")), ("weeks", _l("A few weeks")), ("months", _l("A few months"))],
                      widget=GovRadioInput(), validators=[InputRequired(_l("Select how long you have"))])
    budget = RadioField(_l("What is your budget?"), choices=[(k, _l(v)) for k, v in COSTS.items()], widget=GovRadioInput(),
                        validators=[InputRequired(_l("Select your budget"))])
    submit = SubmitField(_l("Show methods"), widget=GovSubmitInput())
