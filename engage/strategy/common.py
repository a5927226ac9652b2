"""Shared rules of the strategy capability: rule errors, edit conflicts, fetching by id."""
from __future__ import annotations

from ..core.concurrency import UNCHECKED, EditConflict, check  # noqa: F401  (EditConflict is re-exported)
from ..core.errors import RuleError, not_found
from ..core.params import to_id
from ..extensions import db


def check_version(obj, loaded_version=UNCHECKED, *_unused) -> None:
    """Refuse the edit (``EditConflict``) when ``obj`` moved on from the version the form was
    loaded from; ``UNCHECKED`` (the default) is for callers that are not forms."""
    check(obj, loaded_version)


def get_or_404(model, object_id, message: str | None = None):
    number = to_id(object_id)
    obj = db.session.get(model, number) if number else None
    if obj is None:
        not_found(message or "There is nothing at this address. It may have been deleted.")
    return obj


def money(pence: int | None) -> str:
    """£1,234 for whole pounds, £1,234.50 otherwise; a minus sign before the £."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}" + (f".{rest:02d}" if rest else "")
