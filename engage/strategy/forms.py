"""Forms of the strategy, the plan and the Network Group. Choices are filled in by the views.
Every edit form carries the ``version`` of the record it was loaded from."""
from __future__ import annotations

import re
from datetime import time

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import EngageForm, VersionField, GovDateField, IdMultiCheckboxField, IdSelectField, MultiCheckboxField, NumberField, WholeNumberField
from ..core.i18n import lazy_gettext as _l
from ..core.vocabulary import AUDIENCES
from .budget import QUARTER_NAMES
from .models import EVENT_KINDS, RESPONSE_KINDS, SETTABLE_STATUSES


def _required(label, message):
    if message:
        return message
    return f"Enter {label[0].lower() + label[1:]}" if label.lower().startswith(("your ", "what ")) else f"Enter the {label.lower()}"


def _text(label, max_length=200, required=True, hint="", message=None):
    validators = [InputRequired(_required(label, message))] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return StringField(label, description=hint, widget=GovTextInput(), validators=validators)


def _area(label, max_length=5000, required=False, hint="", message=None):
    validators = [InputRequired(_required(label, message))] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return TextAreaField(label, description=hint, widget=GovTextArea(), validators=validators)


class ChoiceField(SelectField):
    """A select whose tampered value gets a plain-words error."""

    widget = GovSelect()

    def pre_validate(self, form):
        if self.data not in {str(c[0]) for c in self.choices if c[0] != ""}:
            raise ValidationError(f"Select {self.label.text.lower()} from the list")


class ConfirmForm(EngageForm):
    submit = SubmitField(_l("Yes, delete it"), widget=GovSubmitInput())


# ---- strategy ---------------------------------------------------------------------------

class DocumentForm(EngageForm):
    title = _text("Title", hint="For example, Community Engagement Strategy 2005")
    summary = _area("Summary", 2000, hint="Optional. One or two sentences about what the strategy is for.")
    submit = SubmitField("Start the strategy", widget=GovSubmitInput())


class VersionForm(EngageForm):
    version = VersionField()
    title = _text("Title")
    summary = _area("Summary", 2000, hint="Shown at the top of the strategy.")
    comments_close_on = GovDateField("Comments close on", description="Needed before sending it out for comment. For example, 21 9 2005", validators=[Optional()])
    public_comments = BooleanField("Anyone with a name and email address may comment, not only signed-in partners", widget=GovCheckboxInput())
    submit = SubmitField("Save details", widget=GovSubmitInput())


class SectionForm(EngageForm):
    version = VersionField()
    heading = _text("Heading")
    body = _area("Text", 20000, required=True, hint="Write in Markdown: a blank line between paragraphs, “## ” for a subheading, “- ” for a bullet.")
    preview = SubmitField("Preview", widget=GovSubmitInput())
    submit = SubmitField("Save section", widget=GovSubmitInput())


class TransitionForm(EngageForm):
    action = HiddenField()
    reason = _area("Why (shown in the version's history)", 2000)


class CommentForm(EngageForm):
    """A partner's comment (signed in: their account says who they are)."""
    # In the reader's language: members of the public comment here.
    passage = TextAreaField(_l("The words you are commenting on"),
                            description=_l("Optional. Copy them from the section, or leave this blank to comment on the whole section."),
                            widget=GovTextArea(), validators=[Optional(), Length(max=1000, message=_l("The words you are commenting on must be 1,000 characters or fewer"))])
    body = TextAreaField(_l("Your comment"), widget=GovTextArea(),
                         validators=[InputRequired(_l("Enter your comment")), Length(max=5000, message=_l("Your comment must be 5,000 characters or fewer"))])
    submit = SubmitField(_l("Send comment"), widget=GovSubmitInput())


class PublicCommentForm(CommentForm):
    """A member of the public's comment: their name and email too, asked once per visit (the
    view remembers them for the next section). Every problem is found in one go."""
    name = StringField(_l("Your name"), widget=GovTextInput(),
                       validators=[InputRequired(_l("Enter your name")), Length(max=120, message=_l("Your name must be 120 characters or fewer"))])
    email = EmailField(_l("Your email address"),
                       description=_l("We email you when your comment has an answer and when the strategy is adopted. "
                                      "We never show it, and we delete it 90 days after the strategy is adopted."),
                       validators=[InputRequired(_l("Enter your email address")), Length(max=254, message=_l("Your email address must be 254 characters or fewer")),
                                   Email(_l("Enter an email address in the right format, like name@example.com"))])


class ResponseForm(EngageForm):
    version = VersionField()
    kind = RadioField("Was the strategy changed?", choices=list(RESPONSE_KINDS.items()), widget=GovRadioInput(),
                      validators=[InputRequired("Select whether the strategy was changed")])
    text = _area("What was changed, or why not", 5000, required=True, message="Say what was changed, or why the strategy was not changed")
    submit = SubmitField("Save response", widget=GovSubmitInput())


# ---- plan ---------------------------------------------------------------------------------

class ThemeForm(EngageForm):
    version = VersionField()
    name = _text("Name")
    purpose = _area("Purpose", 3000, hint="What the actions under this theme are for.")
    position = WholeNumberField("Order", validators=[Optional(), NumberRange(min=0, max=999, message="Order must be between 0 and 999")])
    submit = SubmitField("Save theme", widget=GovSubmitInput())


class ActionForm(EngageForm):
    version = VersionField()
    theme_id = IdSelectField("Theme", blank=None)
    activity = _area("Activity", 2000, required=True, hint="What will be done.", message="Enter the activity: what will be done")
    purpose = _area("Purpose", 3000, hint="Optional. Leave blank to use the theme's purpose.")
    lead_organisation_id = IdSelectField("Lead organisation", blank="None yet")
    lead_officer_id = IdSelectField("Lead officer", blank="None yet")
    partnership_id = IdSelectField("Partnership it serves", blank="None")
    priority_id = IdSelectField("Priority it serves", blank="None")
    timescale = _text("Timescale", 100, required=False, hint="As people say it, like “Spring 2005”, “2005–06” or “Monthly”.")
    starts_on = GovDateField("Starts", description="Optional, for work over a period.", validators=[Optional()])
    due_on = GovDateField("Due", description="Optional. The action is shown as late once this date has passed and it is not complete.", validators=[Optional()])
    position = WholeNumberField("Order within the theme", validators=[Optional(), NumberRange(min=0, max=999, message="Order must be between 0 and 999")])
    submit = SubmitField("Save action", widget=GovSubmitInput())


class ProgressForm(EngageForm):
    noted_on = GovDateField("Date of this update", description="Leave blank for today.", validators=[Optional()])
    status = RadioField("Status", choices=list(SETTABLE_STATUSES.items()), widget=GovRadioInput(),
                        validators=[InputRequired("Select the status")])
    note = _area("Progress", 5000, required=True, message="Say what progress has been made")
    submit = SubmitField("Add update", widget=GovSubmitInput())


class LinkForm(EngageForm):
    target = ChoiceField("What to link to", validators=[InputRequired("Select what to link to")])
    submit = SubmitField("Add link", widget=GovSubmitInput())


class BudgetLineForm(EngageForm):
    version = VersionField()
    year = WholeNumberField("Financial year starting in", description="For example, 2005 for 2005/06.",
                            validators=[InputRequired("Enter the year"), NumberRange(min=1990, max=2200, message="Enter a year between 1990 and 2200")])
    item = _text("Item")
    annual_budget = NumberField("Budget for the year in pounds", validators=[InputRequired("Enter the budget for the year"), NumberRange(min=0, max=10**10, message="Enter 0 or more")])
    partnership_id = IdSelectField("Partnership", blank="None")
    position = WholeNumberField("Order", validators=[Optional(), NumberRange(min=0, max=999, message="Order must be between 0 and 999")])
    submit = SubmitField("Save budget line", widget=GovSubmitInput())


class FiguresForm(EngageForm):
    quarter = ChoiceField("Quarter", choices=[(str(q), f"Quarter {q} ({name})") for q, name in QUARTER_NAMES.items()], widget=GovSelect(),
                          validators=[InputRequired("Select the quarter")])
    spend_to_date = NumberField("Spend to date in pounds", validators=[InputRequired("Enter the spend to date (0 if none)"), NumberRange(min=0, max=10**10, message="Enter 0 or more")])
    budget_to_date = NumberField("Budget to date in pounds", description="The part of the year's budget planned to be spent by the end of the quarter.",
                                 validators=[InputRequired("Enter the budget to date (0 if none)"), NumberRange(min=0, max=10**10, message="Enter 0 or more")])
    year_end_estimate = NumberField("Year-end estimate in pounds", validators=[InputRequired("Enter the year-end estimate"), NumberRange(min=0, max=10**10, message="Enter 0 or more")])
    submit = SubmitField("Save figures", widget=GovSubmitInput())


# ---- network ------------------------------------------------------------------------------

class MemberForm(EngageForm):
    version = VersionField()
    # In the reader's language: practitioners join the directory themselves.
    organisation_id = IdSelectField(_l("Organisation"), blank=_l("None"))
    job_title = StringField(_l("Job title"), widget=GovTextInput(),
                            validators=[Optional(), Length(max=120, message=_l("Job title must be 120 characters or fewer"))])
    about = TextAreaField(_l("What you can help with"), widget=GovTextArea(),
                          validators=[Optional(), Length(max=2000, message=_l("What you can help with must be 2,000 characters or fewer"))])
    methods = MultiCheckboxField(_l("Methods you have used"), description=_l("From the toolkit. Members looking at a method will see you have used it."))
    audiences = MultiCheckboxField(_l("People you know how to reach"), choices=[(key, _l(label)) for key, label in AUDIENCES.items()])
    area_ids = IdMultiCheckboxField(_l("Areas you know"))
    contact_email = StringField(_l("Email address for members"), description=_l("Shown only to people who are signed in."), widget=GovTextInput(),
                                validators=[Optional(), Length(max=254, message=_l("Email address for members must be 254 characters or fewer"))])
    contact_phone = StringField(_l("Phone number for members"), description=_l("Optional. Shown only to people who are signed in."), widget=GovTextInput(),
                                validators=[Optional(), Length(max=40, message=_l("Phone number for members must be 40 characters or fewer"))])
    submit = SubmitField(_l("Save my entry"), widget=GovSubmitInput())


TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class TimeField(StringField):
    widget = GovTextInput()

    def parsed(self) -> time | None:
        match = TIME.match((self.data or "").strip())
        return time(int(match.group(1)), int(match.group(2))) if match else None


def _time_format(form, field):
    if field.data and field.parsed() is None:
        raise ValidationError(f"{field.label.text} must be a time like 14:30")


class EventForm(EngageForm):
    version = VersionField()
    title = _text("Title")
    kind = RadioField("Kind of event", choices=list(EVENT_KINDS.items()), widget=GovRadioInput(), validators=[InputRequired("Select the kind of event")])
    starts_on = GovDateField("Date", description="For example, 5 10 2005", validators=[InputRequired("Enter the date")])
    start_time = TimeField("Start time", description="For example, 14:30", validators=[InputRequired("Enter the start time"), _time_format])
    end_time = TimeField("End time", description="For example, 16:00", validators=[InputRequired("Enter the end time"), _time_format])
    place = _text("Place", 300, hint="The venue and its address.")
    accessibility = _area("Accessibility", 2000, hint="Step-free access, hearing loop, parking, toilets, and who to ask for help.")
    description = _area("About the event", 5000)
    public = BooleanField("Open to the public (otherwise for network members and partners only)", widget=GovCheckboxInput())
    submit = SubmitField("Save event", widget=GovSubmitInput())


class HelperForm(EngageForm):
    member_id = IdSelectField("Network member", blank=None)
    role = _text("How they helped", 200, required=False, hint="Optional. For example, ran the focus groups.")
    submit = SubmitField("Add", widget=GovSubmitInput())
