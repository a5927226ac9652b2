"""Shared form helpers: fields that keep bad input from ever reaching a 500."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from markupsafe import Markup
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovPasswordInput, GovSelect, GovTextInput
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import TextArea
from wtforms.validators import ValidationError
from .params import to_int


_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def one_line(value):
    """A single-line value: line breaks (CR, LF and Unicode's others) become one space, other
    control characters go. Every one-line box (titles, names) is filtered through it, so a
    crafted POST can never save a title with a line break (which would reach an email header,
    a feed or a CSV row)."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", value))


_HIDDEN_ERROR = '<span class="govuk-visually-hidden">Error:</span>'


class EngageForm(FlaskForm):
    """Base form: strips surrounding whitespace from every text field, makes every one-line
    box (a ``StringField`` not shown as a text area: titles, names) one line (``one_line``),
    gives every email field an email box (the right keyboard on a phone, autocomplete), puts a
    single checkbox's hint under its label, and gives every password box a "Show" button and
    every field's error message its hidden "Error:" in the reader's language."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            name = unbound_field.field_class.__name__
            widget = unbound_field.kwargs.get("widget")
            if name in {"StringField", "TextAreaField", "EmailField", "URLField"}:
                filters = [lambda v: v.strip() if isinstance(v, str) else v, *filters]
            if (issubclass(unbound_field.field_class, StringField)
                    and not issubclass(unbound_field.field_class, (TextAreaField, PasswordField))
                    and not isinstance(widget, TextArea)):
                filters = [one_line, *filters]
            if name == "EmailField" and (widget is None or type(widget) is GovTextInput):
                unbound_field.kwargs["widget"] = GovEmailInput()
            elif type(widget) is GovCheckboxInput:
                unbound_field.kwargs["widget"] = EngageCheckboxInput()
            elif type(widget) is GovPasswordInput:
                unbound_field.kwargs["widget"] = EngagePasswordInput()
            return unbound_field.bind(form=form, filters=filters, **options)

        def render_field(self, field, render_kw):
            # GOV.UK's error message starts with a hidden "Error:" for screen readers, in English
            # whatever the page's language (the widgets give the component no other words for it).
            html = super().render_field(field, render_kw)
            if field.errors and _HIDDEN_ERROR in str(html):
                from .i18n import current_language, default_language, gettext

                if current_language() != default_language():
                    words = Markup('<span class="govuk-visually-hidden">%s:</span>') % gettext("Error")
                    html = Markup(str(html).replace(_HIDDEN_ERROR, words))
            return html


class GovEmailInput(GovTextInput):
    """An email box: ``type="email"`` so phones offer the keyboard with @, no spell check, and
    ``autocomplete="email"`` (pass ``params={'autocomplete': 'off'}`` where the address is
    someone else's, as when an officer adds an account)."""

    input_type = "email"

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("autocomplete", "email")
        params.setdefault("spellcheck", False)
        return params


class EngagePasswordInput(GovPasswordInput):
    """A password box whose "Show" button (and what it tells a screen reader) is in the reader's
    language; in the site's own language GOV.UK's own words are left as they are."""

    def map_gov_params(self, field, **kwargs):
        from .i18n import current_language, default_language, gettext

        params = super().map_gov_params(field, **kwargs)
        if current_language() != default_language():
            for key, text in (("showPasswordText", gettext("Show")), ("hidePasswordText", gettext("Hide")),
                              ("showPasswordAriaLabelText", gettext("Show password")),
                              ("hidePasswordAriaLabelText", gettext("Hide password")),
                              ("passwordShownAnnouncementText", gettext("Your password is visible")),
                              ("passwordHiddenAnnouncementText", gettext("Your password is hidden"))):
                params.setdefault(key, text)
        return params


class EngageCheckboxInput(GovCheckboxInput):
    """One checkbox (a BooleanField) whose description is shown under its own label, where
    GOV.UK puts a checkbox's hint, not above the box as a group hint."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        hint = params.pop("hint", None)
        if hint and hint.get("text") and params.get("items"):
            params["items"][0].setdefault("hint", hint)
        return params


class IdSelectField(SelectField):
    """A select of database ids; blank means "none". A tampered value is a field error."""

    widget = GovSelect()

    def __init__(self, *args, blank: str | None = "None", **kwargs):
        kwargs.setdefault("coerce", self._coerce)
        kwargs.setdefault("validate_choice", True)
        super().__init__(*args, **kwargs)
        self.blank = blank

    @staticmethod
    def _coerce(value):
        if value in (None, "", "None"):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return -1

    def set_choices(self, pairs):
        choices = [(c_id, label) for c_id, label in pairs]
        if self.blank is not None:
            choices = [("", self.blank)] + choices
        self.choices = choices

    def pre_validate(self, form):
        if self.data is None and self.blank is not None:
            return
        if self.data not in {c[0] for c in self.choices if c[0] != ""}:
            raise ValidationError("Select an option from the list")


class MultiCheckboxField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        valid = {str(c[0]) for c in self.choices}
        for value in self.data or []:
            if str(value) not in valid:
                raise ValidationError("Select options from the list only")


class IdMultiCheckboxField(MultiCheckboxField):
    """Checkboxes of database ids. Ids compare as numbers, so boxes chosen before (or sent
    with a form that had errors) show as checked again."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", IdSelectField._coerce)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        out = []
        for value in valuelist:
            try:
                out.append(int(value))
            except (TypeError, ValueError):
                out.append(-1)
        self.data = out


from datetime import date as _date  # noqa: E402

from govuk_frontend_wtf.wtforms_widgets import GovDateInput  # noqa: E402
from wtforms import DateField, DecimalField, IntegerField  # noqa: E402


DATE_PARTS = ("day", "month", "year")


class EngageDateInput(GovDateInput):
    """The GOV.UK date input, marking only the boxes that are wrong (all three when the
    date as a whole is wrong), as the Design System asks."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        wrong = set(field.wrong_parts()) if field.errors else set()
        for item, part in zip(params.get("items", []), DATE_PARTS):
            classes = [c for c in item.get("classes", "").split() if c != "govuk-input--error"]
            if part in wrong:
                classes.append("govuk-input--error")
            item["classes"] = " ".join(classes)
        return params


class GovDateField(DateField):
    """Day, month and year boxes (the GOV.UK date pattern). Any other shape of input is a
    field error, never an exception. ``error_target_id`` is the first wrong box, where the
    error summary's link takes the person."""

    widget = EngageDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            # Not sent at all: the widget still needs three (empty) boxes to show.
            self.raw_data = ["", "", ""] if self.raw_data is not None else None
            return
        parts = [str(v).strip()[:10] for v in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        if not any(parts):
            self.data = None
            return
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1900 or year > 2200:
                raise ValueError
            self.data = _date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2007")

    def validate(self, form, extra_validators=()):
        """As DateField, except that ``Optional`` only lets a date be left out when all three
        boxes are blank: a date with a box missing is an error, never quietly dropped."""
        valid = super().validate(form, extra_validators)
        parts = list(self.raw_data or [])[:3]
        if any(parts) and self.data is None and not self.errors:
            missing = [part for part, text in zip(DATE_PARTS, parts + [""] * 3) if not text]
            if missing:
                self.errors.append(f"{self.label.text} must include a {' and a '.join(missing)}")
            else:
                self.errors.append(f"{self.label.text} must be a real date, like 27 3 2007")
            return False
        return valid

    def wrong_parts(self) -> list[str]:
        """The boxes that are wrong: blank or impossible ones; the day when each box is
        possible but the date is not (31 2 2027); all three when the date as a whole is wrong
        (a rule about it, or nothing typed)."""
        parts = list(self.raw_data or [])[:3]
        parts += [""] * (3 - len(parts))
        if not any(parts):
            return list(DATE_PARTS)
        limits = {"day": (1, 31), "month": (1, 12), "year": (1900, 2200)}
        wrong = []
        for part, text in zip(DATE_PARTS, parts):
            low, high = limits[part]
            if to_int(text, low, high) is None:
                wrong.append(part)
        if wrong:
            return wrong
        if self.data is None:
            return ["day"]
        return list(DATE_PARTS)

    @property
    def error_target_id(self) -> str:
        return f"{self.id}-{self.wrong_parts()[0]}"


class _TypedNumber:
    """What both number boxes do with what was typed: blank is no value, thousands commas are
    dropped ("1,250"), and text that is not a number is an error in plain words."""

    max_chars = 30
    message = "{label} must be a number"

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        if str(valuelist[0]).strip() == "":
            self.data = None
            return
        try:
            super().process_formdata([str(valuelist[0]).replace(",", "").strip()[:self.max_chars]])
        except ValueError:
            raise ValueError(self.message.format(label=self.label.text))


class NumberField(_TypedNumber, DecimalField):
    """A number typed into a text box; letters give a clear error."""

    widget = GovTextInput()
    message = "{label} must be a number, like 42 or 3.5"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", None)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if valuelist and self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.message.format(label=self.label.text))

    def float_data(self):
        return float(self.data) if self.data is not None else None


class WholeNumberField(_TypedNumber, IntegerField):
    widget = GovTextInput()
    max_chars = 15
    message = "{label} must be a whole number, like 250"


from wtforms import HiddenField  # noqa: E402


class VersionField(HiddenField):
    """The version of the record the form was loaded from (engage/core/concurrency.py).
    Never a form error itself: a missing or tampered value is an edit conflict, so the person
    sees what is saved now and keeps what they typed."""

    def process_formdata(self, valuelist):
        from .params import to_id

        self.data = to_id(valuelist[0]) if valuelist else None

    def _value(self):
        return "" if self.data is None else str(self.data)


def attach_error(form, error, field: str | None = None) -> None:
    """Put a rule's message next to its field (``field``, else the error's own), or at the
    top of the form when the form has no such field. The person's input stays as typed."""
    name = field or getattr(error, "field", None)
    target = form._fields.get(name) if name else None
    if target is not None:
        target.errors = list(target.errors or []) + [str(error)]
    else:
        form.form_errors.append(str(error))


def form_status(form, conflict=None) -> int:
    """The status a form page answers with: 409 for an edit conflict, 400 when the form
    carries errors (so a browser test or a script can tell), else 200."""
    if conflict is not None:
        return 409
    return 400 if form.errors or form.form_errors else 200
