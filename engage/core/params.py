"""Numbers and words people send us in addresses, query strings and hidden fields.

One rule everywhere: a number is written in plain ASCII digits (0-9). ``str.isdigit()`` and
``int()`` both accept other Unicode digits ("⁰⁴⁵" passes ``isdigit()`` and then fails
``int()``; "٤٥" and "４５" are turned into 45), so neither is used on what people send:
this module is the only parser of query strings (tests/foundation/test_params.py fails if
a view reads ``request.args`` itself).

- ``to_id(value)``: a database id, 1 to 2**31 - 1, or None.
- ``to_int(value, low, high)``, ``to_year``, ``to_date`` (YYYY-MM-DD), ``to_month`` (YYYY-MM),
  ``clean_text``: one value, None when it is not one.
- ``query()`` (a ``Query`` over ``request.args``): the query string read through the rules
  above. Each getter returns None (or its default) for a value that is missing or not valid;
  a value that was given but is not valid is noted in ``problems``, so an API answers
  ``refuse_problems()`` (a 400 in plain words) and an HTML page can show it or ignore it.
"""
from __future__ import annotations

import re
from datetime import date

_DIGITS = re.compile(r"[0-9]{1,10}")
_SIGNED = re.compile(r"-?[0-9]{1,10}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_ID = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_TEXT = 200
MAX_PAGE = 10_000


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def to_id(value) -> int | None:
    """``value`` (a string or an int) as a database id, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = _text(value)
        if not _DIGITS.fullmatch(text):
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None


def to_int(value, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from ``low`` to ``high`` in ASCII digits (a leading minus allowed), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = _text(value)
        if not _SIGNED.fullmatch(text):
            return None
        number = int(text)
    return number if low <= number <= high else None


def to_year(value) -> int | None:
    return to_int(value, FIRST_YEAR, LAST_YEAR) if _text(value)[:1] != "-" else None


def to_date(value) -> date | None:
    """An ISO date (2026-03-31), or None."""
    match = _DATE.fullmatch(_text(value))
    if not match:
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def to_month(value) -> date | None:
    """"2026-11" as 1 November 2026, or None."""
    match = _MONTH.fullmatch(_text(value))
    if not match:
        return None
    year, month = (int(part) for part in match.groups())
    return date(year, month, 1) if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12 else None


def clean_text(value, limit: int = MAX_TEXT) -> str:
    """Words from a query string: control characters (NUL...) taken out, trimmed, at most ``limit`` long."""
    return _CONTROL.sub(" ", _text(value)[: limit * 2]).strip()[:limit]


class Query:
    """The query string (``request.args`` unless ``args`` is given), read through the rules above."""

    def __init__(self, args=None):
        if args is None:
            from flask import request

            args = request.args
        elif isinstance(args, Query):
            args = args._args
        elif not hasattr(args, "getlist"):
            from werkzeug.datastructures import MultiDict

            args = MultiDict(args)
        self._args = args
        self.problems: list[str] = []

    # -- what was sent ------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        """The name is in the query string at all (even empty)."""
        return name in self._args

    def given(self, name: str) -> bool:
        """The name has a value that is not blank."""
        return bool(_text(self._args.get(name)))

    def _note(self, name: str, message: str) -> None:
        self.problems.append(f"“{name}” {message}")

    # -- typed values -------------------------------------------------------------------------
    def text(self, name: str, limit: int = MAX_TEXT, default: str = "") -> str:
        value = clean_text(self._args.get(name), limit)
        return value if value else default

    def raw(self, name: str, limit: int = MAX_TEXT) -> str | None:
        """The value exactly as sent (at most ``limit`` long), for a value its caller checks by
        its own stricter rule (a redirect target refuses any control character)."""
        value = self._args.get(name)
        return None if value is None else str(value)[:limit]

    def get(self, name: str, default=None):
        """As a mapping's ``get``: the value as words (``text``), for code that reads a query
        string as a mapping; numbers, dates and choices still go through the getters above."""
        return self.text(name, 1000) if self.given(name) else default

    def texts(self, name: str, limit: int = 20, length: int = MAX_TEXT) -> list[str]:
        """Every value of a repeated name, cleaned, blanks and repeats dropped, at most ``limit``."""
        out: list[str] = []
        for raw in self._args.getlist(name)[:limit]:
            value = _text(raw)
            if value and len(value) <= length and not _CONTROL.search(value) and value not in out:
                out.append(value)
        return out

    def id(self, name: str) -> int | None:
        raw = self._args.get(name)
        value = to_id(raw)
        if value is None and _text(raw):
            self._note(name, "must be a number, like 12.")
        return value

    def ids(self, name: str, limit: int = 50) -> list[int]:
        out: list[int] = []
        for raw in self._args.getlist(name)[:limit]:
            value = to_id(raw)
            if value is None:
                if _text(raw):
                    self._note(name, "must be a number, like 12.")
            elif value not in out:
                out.append(value)
        return out

    def number(self, name: str, low: int = 0, high: int = MAX_ID, default: int | None = None) -> int | None:
        raw = self._args.get(name)
        value = to_int(raw, low, high)
        if value is None:
            if _text(raw):
                self._note(name, f"must be a whole number from {low} to {high}.")
            return default
        return value

    def year(self, name: str = "year") -> int | None:
        raw = self._args.get(name)
        value = to_year(raw)
        if value is None and _text(raw):
            self._note(name, "must be a year, like 2026.")
        return value

    def date(self, name: str) -> date | None:
        raw = self._args.get(name)
        value = to_date(raw)
        if value is None and _text(raw):
            self._note(name, "must be a date written like 2026-03-31.")
        return value

    def month(self, name: str = "month") -> date | None:
        raw = self._args.get(name)
        value = to_month(raw)
        if value is None and _text(raw):
            self._note(name, "must be a month written like 2026-11.")
        return value

    def choice(self, name: str, choices, default=None):
        raw = _text(self._args.get(name))
        if raw in choices:
            return raw
        if raw:
            self._note(name, "must be one of: " + ", ".join(str(c) for c in choices) + ".")
        return default

    def flag(self, name: str, on: str = "1") -> bool:
        return _text(self._args.get(name)) == on

    def page(self, name: str = "page", last: int = MAX_PAGE) -> int:
        """A page number: anything that is not one is page 1, a huge one the last we serve."""
        raw = _text(self._args.get(name))
        if not _DIGITS.fullmatch(raw):
            return 1
        return min(max(int(raw), 1), last)

    def formdata(self):
        """A copy for a GET form (WTForms ``formdata``) with control characters taken out."""
        from werkzeug.datastructures import MultiDict

        return MultiDict([(k, clean_text(v, 1000)) for k, v in self._args.items(multi=True)])

    def refuse_problems(self) -> None:
        """For the API: a 400 in plain words naming what was not right, if anything was not."""
        if self.problems:
            from .errors import bad_request

            bad_request(" ".join(dict.fromkeys(self.problems)))


def query(args=None) -> Query:
    return Query(args)
