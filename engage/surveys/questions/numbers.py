"""Numbers: a rating from 0 to 10, and a number with a range."""
from __future__ import annotations

from ...core.i18n import gettext as _, lazy_gettext as _l

import re

from .base import Invalid, Part, QuestionType, _number

class RatingType(QuestionType):
    key = "rating"
    label = _l("Rating 0 to 10")
    description = _l("People choose a number from 0 to 10.")
    template = "rating"
    ops = ("equals", "gt")

    def parse(self, q, form):
        raw = form.get(f"q{q.id}", "").strip()
        if raw == "":
            return None
        if not re.fullmatch(r"(10|[0-9])", raw):
            raise Invalid(_("Choose a number from 0 to 10"))
        return int(raw)

    def from_value(self, q, value):
        value = int(value)
        if not 0 <= value <= 10:
            raise Invalid("stale")
        return value

    def from_text(self, q, text):
        text = str(text or "").strip()
        if not text:
            return None
        if not re.fullmatch(r"(10|[0-9])(\.0+)?", text):
            raise Invalid(_("Give a whole number from 0 to 10"))
        return int(float(text))

    def rows(self, q, value):
        return [{"number": float(value)}]

    def from_rows(self, q, rows):
        return int(rows[0].number) if rows and rows[0].number is not None else None

    def parts(self, q):
        return [Part("all", q.text, [(str(i), str(i)) for i in range(11)])]

    def keys(self, q, value, part):
        return [str(value)] if value is not None else []

    def numeric_value(self, q, value):
        return float(value) if value is not None else None

    def matches(self, q, value, op, operand):
        if value is None:
            return False
        return value == float(operand) if op == "equals" else (value > float(operand) if op == "gt" else False)

    def parse_operand(self, q, op, raw):
        if op not in self.ops:
            raise Invalid(_("Choose a condition this question can meet"))
        value = _number(raw[0] if raw else "")
        if value is None:
            raise Invalid(_("Enter the number the condition looks for"))
        return value


class NumberType(RatingType):
    key = "number"
    label = _l("Number")
    description = _l("A number, with the smallest and largest allowed.")
    template = "number"

    def _range(self, q):
        s = q.settings or {}
        return s.get("min"), s.get("max")

    def _check(self, q, value):
        low, high = self._range(q)
        if low is not None and value < low or high is not None and value > high:
            if low is not None and high is not None:
                raise Invalid(_("Enter a number from %(low)s to %(high)s", low=_fmt(low), high=_fmt(high)))
            if low is not None:
                raise Invalid(_("Enter a number of %(low)s or more", low=_fmt(low)))
            raise Invalid(_("Enter a number of %(high)s or less", high=_fmt(high)))
        if (q.settings or {}).get("whole") and not float(value).is_integer():
            raise Invalid(_("Enter a whole number"))
        return value

    def parse(self, q, form):
        value = _number(form.get(f"q{q.id}", ""))
        return None if value is None else self._check(q, value)

    def from_value(self, q, value):
        return self._check(q, float(value))

    def from_text(self, q, text):
        value = _number(text)
        return None if value is None else self._check(q, value)

    def display(self, q, value):
        return "" if value is None else _fmt(value)

    def rows(self, q, value):
        return [{"number": float(value)}]

    def from_rows(self, q, rows):
        return rows[0].number if rows and rows[0].number is not None else None

    def parts(self, q):
        return [Part("all", q.text, numeric=True)]

    def keys(self, q, value, part):
        return []


def _fmt(value) -> str:
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
