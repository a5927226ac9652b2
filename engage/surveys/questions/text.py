"""Short and long text, and dates (day, month and year boxes)."""
from __future__ import annotations

from ...core.i18n import gettext as _, lazy_gettext as _l

import re
from datetime import date

from ...core.sanitise import clean_text
from ...core.templating import format_date
from .base import REMOVED, SHORT_LIMIT, TEXT_LIMIT, Invalid, Part, QuestionType

class ShortTextType(QuestionType):
    key = "short_text"
    label = _l("Short text")
    description = _l("A few words, up to 200 characters.")
    template = "text"
    limit = SHORT_LIMIT
    ops = ("contains",)
    text_answer = True

    def parse(self, q, form):
        raw = form.get(f"q{q.id}", "")
        text = clean_text(raw)
        if len(text) > self.limit:
            raise Invalid(_("Your answer must be %(limit)s characters or fewer (it has %(n)s)", limit=f"{self.limit:,}", n=f"{len(text):,}"))
        return text or None

    def from_value(self, q, value):
        return str(value)[: self.limit]

    def from_text(self, q, text):
        text = clean_text(text)
        if len(text) > self.limit:
            raise Invalid(_("The answer must be %(limit)s characters or fewer", limit=f"{self.limit:,}"))
        return text or None

    def rows(self, q, value):
        return [{"text": value}]

    def without_text(self, q, value):
        return REMOVED if value else value

    def from_rows(self, q, rows):
        return rows[0].text if rows and rows[0].text is not None else None

    def matches(self, q, value, op, operand):
        return bool(value) and op == "contains" and str(operand).casefold() in value.casefold()

    def parse_operand(self, q, op, raw):
        text = clean_text(raw[0] if raw else "")[:100]
        if op != "contains" or not text:
            raise Invalid(_("Enter the words the answer should include"))
        return text


class LongTextType(ShortTextType):
    key = "long_text"
    label = _l("Long text")
    description = _l("A comment of up to 5,000 characters. Comments can be coded with themes.")
    template = "textarea"
    limit = TEXT_LIMIT



class DateType(QuestionType):
    key = "date"
    label = _l("Date")
    description = _l("Day, month and year boxes.")
    template = "date"
    anchor_suffix = "-day"  # the first box: the box around the three cannot take focus

    def parse(self, q, form):
        parts = [form.get(f"q{q.id}-{p}", "").strip()[:6] for p in ("day", "month", "year")]
        if not any(parts):
            return None
        if not all(re.fullmatch(r"\d{1,4}", p) for p in parts):
            raise Invalid(_("Enter a real date, like 27 3 2007"))
        try:
            day = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise Invalid(_("Enter a real date, like 27 3 2007"))
        if not 1900 <= day.year <= 2100:
            raise Invalid(_("Enter a year between 1900 and 2100"))
        return day.isoformat()

    def from_value(self, q, value):
        return date.fromisoformat(str(value)).isoformat()

    def from_text(self, q, text):
        text = str(text or "").strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
        try:
            if match:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
            match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
            if match:
                return date(int(match.group(3)), int(match.group(2)), int(match.group(1))).isoformat()
        except ValueError:
            pass
        raise Invalid(_("Give the date as 2007-03-27 or 27/03/2007"))

    def display(self, q, value):
        if not value:
            return ""
        return format_date(date.fromisoformat(value))   # month names in the reader's language

    def form_value(self, q, value):
        if not value:
            return {"day": "", "month": "", "year": ""}
        d = date.fromisoformat(value)
        return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}

    def rows(self, q, value):
        return [{"day": date.fromisoformat(value)}]

    def from_rows(self, q, rows):
        return rows[0].day.isoformat() if rows and rows[0].day else None

    def parts(self, q):
        return [Part("all", q.text, [])]  # categories (months) are found from the answers

    def keys(self, q, value, part):
        return [value[:7]] if value else []

    def export(self, q, value):
        return [value or ""]
