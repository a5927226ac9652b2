"""Shared rules of the strategy capability: rule errors, edit conflicts, fetching by id."""
from __future__ import annotations

from ..core.errors import not_found
from ..core.params import to_id
from ..extensions import db


class RuleError(ValueError):
    """A rule was broken; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class EditConflict(RuleError):
    """Someone else saved the record after this person loaded it. ``changes`` lists
    (field, their value now) so the page can show what changed."""

    def __init__(self, obj, changes: list[tuple[str, str]]):
        super().__init__("Someone else changed this while you were editing it. Check their changes below, "
                         "then save again: your own changes are still in the form.")
        self.obj = obj
        self.changes = changes


def check_version(obj, loaded_version, fields: dict[str, str] | None = None, submitted: dict | None = None) -> None:
    """Refuse the edit when ``obj`` moved on from the version the form was loaded from."""
    loaded = to_id(loaded_version) if loaded_version not in (None, "") else None
    if loaded is None or obj.version is None or loaded == obj.version:
        return
    changes = []
    for name, label in (fields or {}).items():
        now = getattr(obj, name, None)
        mine = (submitted or {}).get(name)
        if str(now if now is not None else "") != str(mine if mine is not None else ""):
            changes.append((label, "" if now is None else str(now)))
    raise EditConflict(obj, changes)


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
