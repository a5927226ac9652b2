"""The one interface every question type has, and the pieces the types share."""
from __future__ import annotations

from ...core.i18n import N_, gettext as _, lazy_gettext as _l

import re
from dataclasses import dataclass, field

TEXT_LIMIT = 5000
SHORT_LIMIT = 200
OTHER_LIMIT = 200
REMOVED = "[removed: personal]"
NUMBER_LIMIT = 1e12
OPS = {   # the choices on the condition page (translated where shown)
    "equals": N_("is"),
    "one_of": N_("is one of"),
    "contains": N_("includes"),
    "gt": N_("is greater than"),
}


class Invalid(Exception):
    """An answer that cannot be accepted; the message is shown next to the question."""


@dataclass
class Part:
    """One table of results: most questions have one; a grid has one per statement."""

    key: str
    label: str
    categories: list[tuple[str, str]] = field(default_factory=list)  # (key, label)
    exclusive: set[str] = field(default_factory=set)                  # "prefer not to say" keys
    out_of_base: set[str] = field(default_factory=set)                # answers left out of the base
    multi: bool = False                                               # several answers per person
    numeric: bool = False                                             # summarised by mean/median


def _ids(values) -> list[int]:
    out = []
    for value in values:
        text = str(value).strip()
        if not re.fullmatch(r"[0-9]{1,10}", text):
            raise Invalid(_("Choose from the options shown"))
        number = int(text)
        if number not in out:
            out.append(number)
    return out


def _number(text: str, label: str = "Enter a number, like 12 or 3.5") -> float | None:
    text = str(text or "").replace(",", "").strip()
    if not text:
        return None
    if len(text) > 20 or not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        raise Invalid(label)
    value = float(text)
    if abs(value) > NUMBER_LIMIT:
        raise Invalid(label)
    return value


class QuestionType:
    key = ""
    label = ""
    description = ""
    template = ""
    has_options = False
    has_rows = False
    default_options: list[str] = []
    default_rows: list[str] = []
    # Shown in the hint of an empty answers or statements box (never put in the box).
    example_options: list[str] = []
    example_rows: list[str] = []
    ops: tuple[str, ...] = ()
    text_answer = False
    anchor_suffix = ""  # where a link to the question goes: f"q{id}{anchor_suffix}"

    # ---- reading answers -------------------------------------------------------------
    def parse(self, q, form) -> object:
        """The answer from a submitted form (a MultiDict), or None when left blank.
        Raises Invalid with a message for the person."""
        raise NotImplementedError

    def from_text(self, q, text: str) -> object:
        """The answer from a CSV cell (import), or None when blank."""
        raise NotImplementedError

    def empty(self, value) -> bool:
        return value is None or value == "" or value == [] or value == {} or value == {"o": [], "t": {}}

    def check(self, q, value) -> object:
        """Check a stored value (from a draft) still fits the question; returns it or None."""
        try:
            return self.from_value(q, value)
        except (Invalid, TypeError, ValueError, KeyError, AttributeError):
            return None

    def from_value(self, q, value):
        return value

    # ---- showing ---------------------------------------------------------------------
    def display(self, q, value) -> str:
        return "" if value is None else str(value)

    def form_value(self, q, value) -> dict:
        """What the form macro needs to show the answer again."""
        return {"value": value}

    # ---- storing ---------------------------------------------------------------------
    def rows(self, q, value) -> list[dict]:
        raise NotImplementedError

    def from_rows(self, q, rows) -> object:
        raise NotImplementedError

    # ---- results ---------------------------------------------------------------------
    def parts(self, q) -> list[Part]:
        return []

    def keys(self, q, value, part: Part) -> list[str]:
        return []

    def numeric_value(self, q, value) -> float | None:
        return None

    # ---- exports and imports ---------------------------------------------------------
    def columns(self, q, number: str) -> list[str]:
        return [number]

    def export(self, q, value) -> list:
        return ["" if value is None else self.display(q, value)]

    def without_text(self, q, value):
        """The answer with every free-text part replaced by ``REMOVED`` (what exports show
        when the question's text is personal). Types with no free text return it as it is."""
        return value

    def import_cells(self, q, number: str, row: dict) -> object:
        return self.from_text(q, row.get(number, ""))

    # ---- conditional rules -----------------------------------------------------------
    def matches(self, q, value, op: str, operand) -> bool:
        return False

    def operand_label(self, q, op: str, operand) -> str:
        return str(operand)

    def parse_operand(self, q, op: str, raw: list[str]):
        raise Invalid(_("This kind of question cannot be used in a rule"))


