"""Readable labels for the search page's facet values: ids become names. The organisations,
partnerships, areas, priorities (with their framework's name, as ``Priority.label`` says it)
and outcomes named in the facets are read in one statement (a union of one small select per
kind, only for the kinds with ids), not one statement per kind (issue 21: five before)."""
from __future__ import annotations

from sqlalchemy import String, cast, literal, null, select, union_all

from ..core.i18n import gettext
from ..core.params import to_id
from ..extensions import db
from ..partnership.models import Area, Framework, Organisation, Outcome, Partnership, Priority
from . import choices
from .models import AUDIENCES, CHANNELS, STATUSES
from .search import KINDS

NAMED = {"organisation": Organisation, "partnership": Partnership, "area": Area}
READ = ("organisation", "partnership", "area", "priority", "outcome")
WORDS = {"status": STATUSES, "kind": KINDS, "audience": AUDIENCES, "channel": CHANNELS}


def _columns(field: str, record_id, first, second=None) -> list:
    """The four columns each select of the union has: kind, id, and up to two texts."""
    return [cast(literal(field), String).label("kind"), record_id.label("id"), cast(first, String).label("first"),
            cast(second if second is not None else null(), String).label("second")]


def _named(ids_by_field: dict[str, list[int]]) -> dict[str, dict[str, str]]:
    """{field: {id: label}} for the fields whose values are ids of records, in one statement."""
    parts = []
    for field, ids in ids_by_field.items():
        if not ids:
            continue
        if field in NAMED:
            model = NAMED[field]
            parts.append(select(*_columns(field, model.id, model.name)).where(model.id.in_(ids)))
        elif field == "priority":
            parts.append(select(*_columns(field, Priority.id, Priority.name, Framework.name))
                         .join(Framework, Framework.id == Priority.framework_id).where(Priority.id.in_(ids)))
        elif field == "outcome":
            parts.append(select(*_columns(field, Outcome.id, Outcome.code, Outcome.title)).where(Outcome.id.in_(ids)))
    out: dict[str, dict[str, str]] = {field: {} for field in ids_by_field}
    if not parts:
        return out
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    for field, record_id, first, second in db.session.execute(statement):
        if field == "priority":
            label = f"{first} ({second})"
        elif field == "outcome":
            label = f"{first or ''} {second or ''}".strip()
        else:
            label = first
        out[field][str(record_id)] = label
    return out


def facet_labels(keys_by_field: dict[str, set]) -> dict[str, dict[str, str]]:
    """{field: {value: label}} for each facet's values (``keys_by_field``: field -> values)."""
    keys_by_field = {field: [k for k in keys if k] for field, keys in keys_by_field.items()}
    out = _named({field: [n for n in map(to_id, keys) if n] for field, keys in keys_by_field.items() if field in READ})
    for field, keys in keys_by_field.items():
        if field in READ:
            continue
        if field in WORDS:
            words = WORDS[field]
            out[field] = {k: gettext(words[k]) if k in words else k for k in keys}
        elif field == "method":
            labels = dict(choices.method_choices()) if keys else {}
            out[field] = {k: labels.get(k, k) for k in keys}
        else:
            out[field] = {k: k for k in keys}
    return out
