"""How figures from people's answers are rounded and when they are sure enough to qualify.

**One rounding rule.** Every percentage shown on a page, given by the API or written to an
export goes through ``percent`` (a number to a fixed number of places) or ``percent_text``
(whole percentages for people to read). Both round half up: 12.5% shows as 13% and 37.5% as
38%. Python's ``round`` and ``format`` round half to even (12.5 → 12, 37.5 → 38), which is
why neither is used for figures people read. A share is first taken to nine places, so that
float noise (100 × 0.285 = 28.499999999999996) does not decide which way an exact half goes.
Round from the count and base (``percent(count, base)``), never from a figure that was
already rounded: 12.46% rounded to 12.5 and then to a whole number would show as 13%.

``adds_to_100(shares)`` says whether whole percentages shown for one group of people add up to
100, so a page can say when rounding stops them doing so.

**One minimum base.** Margins of error (intervals) and significance marks need enough people:
``min_base()`` is the smallest (effective) base given an interval or a significance test,
``ENGAGE_MIN_BASE_FOR_INTERVALS`` (default 30). Read it through this function only.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.core import UnknownLocaleError
from babel.numbers import parse_pattern
from flask import current_app

DEFAULT_MIN_BASE = 30
_NOISE = Decimal("1e-9")


def min_base() -> int:
    """The smallest base (the effective base, with weights) that gets an interval or a test."""
    try:
        value = int(current_app.config.get("ENGAGE_MIN_BASE_FOR_INTERVALS", DEFAULT_MIN_BASE))
    except (RuntimeError, TypeError, ValueError):
        return DEFAULT_MIN_BASE
    return value if value >= 1 else DEFAULT_MIN_BASE


def round_half_up(value: float, places: int = 0) -> Decimal:
    """``value`` rounded half up (away from zero) to ``places`` decimal places."""
    try:
        exact = Decimal(repr(float(value))).quantize(_NOISE, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError):
        raise ValueError(f"not a finite number: {value!r}") from None
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def share(count: float, base: float) -> float | None:
    """count / base as a percentage, unrounded (None without a base)."""
    if not base:
        return None
    return 100.0 * count / base


def percent(count: float, base: float, places: int = 1) -> float | None:
    """count / base as a percentage rounded half up to ``places`` (for the API and exports)."""
    value = share(count, base)
    return None if value is None else rounded(value, places)


def rounded(value: float | None, places: int = 1) -> float | None:
    """A percentage (or any figure) rounded half up, as a float for JSON and spreadsheets."""
    if value is None:
        return None
    result = round_half_up(value, places)
    return float(result) if places else float(int(result))


@lru_cache(maxsize=64)
def _pattern(language: str, places: int, percent: bool):
    """Babel's locale and number pattern for ``places`` fixed decimal places, parsed once."""
    try:
        locale = Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    return locale, parse_pattern("#,##0" + ("." + "0" * places if places else "") + ("%" if percent else ""))


def number_text(value: Decimal | int, places: int = 0, percent: bool = False) -> str:
    """An already rounded figure written out in the reader's language by Babel's rules for it
    (grouping, decimal mark, where the per cent sign goes): ``places`` fixed places, never
    rounded again. ``percent``: ``value`` is a percentage (41 → "41%")."""
    from .i18n import current_language

    locale, pattern = _pattern(current_language(), places, percent)
    number = Decimal(value) / 100 if percent else Decimal(value)
    return pattern.apply(number, locale)


def percent_text(value: float | None, places: int = 0) -> str:
    """A percentage for people to read: "13%"; "<1%" for a share above 0 that would show
    as 0%; "" for no figure. Written in the reader's language (``number_text``)."""
    if value is None:
        return ""
    if 0 < value and round_half_up(value, places) == 0:
        return "<" + number_text(Decimal(1).scaleb(-places), places, percent=True)
    return number_text(round_half_up(value, places), places, percent=True)


def whole_text(value: float | None) -> str:
    """A count or base as whole people, rounded half up, with thousands commas ("1,235") in
    the reader's language (``number_text``)."""
    if value is None:
        return ""
    return number_text(round_half_up(value))


def decimal_text(value: float | None, places: int = 1) -> str:
    """Any other figure (an average, an average rank) to ``places`` decimal places, rounded
    half up like the percentages: 2.25 shows as 2.3, never 2.2."""
    if value is None:
        return ""
    return str(round_half_up(value, places))


def adds_to_100(values: list[float | None]) -> bool:
    """Whether these shares of one group, each shown as a whole percentage, add up to 100
    (shares that are not shown are left out)."""
    shown = [round_half_up(v) for v in values if v is not None]
    return not shown or sum(shown) == 100
