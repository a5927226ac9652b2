"""Shared rules of the strategy capability: rule errors, edit conflicts, fetching by id."""
from __future__ import annotations

from ..core.concurrency import UNCHECKED, EditConflict, check  # noqa: F401  (EditConflict is re-exported)
from ..core.errors import RuleError  # noqa: F401  (re-exported)
from ..core.models import get_or_404  # noqa: F401  (re-exported: engage/core/models.py)


def check_version(obj, loaded_version=UNCHECKED, *_unused) -> None:
    """Refuse the edit (``EditConflict``) when ``obj`` moved on from the version the form was
    loaded from; ``UNCHECKED`` (the default) is for callers that are not forms."""
    check(obj, loaded_version)


def money(pence: int | None) -> str:
    """£1,234 for whole pounds, £1,234.50 otherwise; a minus sign before the £."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}" + (f".{rest:02d}" if rest else "")
