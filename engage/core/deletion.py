"""The one rule for deleting a record that other records depend on.

Before anything is deleted, ``plan(obj)`` follows every foreign key that points at the record
(and, for what would be deleted with it, at those rows too) and sorts what it finds:

- **refusals**: rows that must not lose the record (``ondelete="RESTRICT"`` or no ``ondelete``,
  or a column registered with ``refuse``). Then the delete is refused with a plain message
  naming them ("3 consultations it leads: Clean streets survey, ..."), and nothing changes.
- **goes with it**: rows deleted with it (``ondelete="CASCADE"``), counted and named on the
  "are you sure?" page, so the person knows what they take with it.
- **unlinked**: rows that stay but lose their link (``ondelete="SET NULL"``, and rows of link
  tables such as "consultations tagged with this priority").

``delete(actor, obj, summary)`` then checks the plan, records the delete in the audit trail,
closes the audit history of every row that goes (so it can never be shown for another
record), deletes the record in the current transaction (the database's own cascades do the
rest, the same on SQLite and PostgreSQL now that SQLite enforces foreign keys) and flushes.
Anything the database still refuses (a row added in the same moment) becomes a
``DeleteRefused``, never a 500. The view commits once, or rolls back on ``DeleteRefused``.

How a new capability uses it:

1. Declare foreign keys with the ``ondelete`` you mean: CASCADE for parts of the record,
   SET NULL for loose references, RESTRICT for things that must be moved first.
2. In ``init_app`` (or at import), name your tables so messages read well:
   ``deletion.describe("survey_response", "response", "responses", title="reference")``;
   name a particular link when the table name is not enough:
   ``deletion.describe_link("consultation", "lead_organisation_id", "consultations it leads")``;
   turn a SET NULL into a refusal when losing the link is not acceptable:
   ``deletion.refuse("user", "organisation_id", "accounts that belong to it", advice="Move them first.")``;
   hide bookkeeping tables from the lists: ``deletion.quiet("search_pending")``.
   If the parent model has a relationship to rows that point at it through a RESTRICT (or
   no ``ondelete``) key, give it ``passive_deletes="all"``: otherwise SQLAlchemy empties their
   key before deleting instead of letting the database refuse (``orm_problems()`` lists any;
   a test keeps the list empty).
3. In the service: ``deletion.delete(actor, obj, f"Survey deleted: {obj.title}")``; in the
   view, show ``deletion.plan(obj)`` on the confirm page (``templates/macros/delete.html``) and
   catch ``deletion.DeleteRefused`` (roll back, show its message).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db

MAX_DEPTH = 6
EXAMPLES = 3
_TITLE_COLUMNS = ("title", "name", "statement", "label", "email", "text", "filename")

_NAMES: dict[str, tuple[str, str, str | None]] = {}
_LINKS: dict[tuple[str, str], str] = {}
_REFUSE: dict[tuple[str, str], tuple[str, str]] = {}
_QUIET: set[str] = set()


def describe(table: str, singular: str, plural: str, title: str | None = None) -> None:
    """How rows of ``table`` are called, and which column names one (for the examples)."""
    _NAMES[table] = (singular, plural, title)


def describe_link(table: str, column: str, label: str) -> None:
    """The words for rows of ``table`` that point at the record through ``column``."""
    _LINKS[(table, column)] = label


def refuse(table: str, column: str, label: str, advice: str = "") -> None:
    """Refuse the delete while rows of ``table`` point at it through ``column``, whatever the
    column's ``ondelete`` says (for example accounts that belong to an organisation)."""
    _REFUSE[(table, column)] = (label, advice)


def quiet(table: str) -> None:
    """Leave ``table`` out of the lists people see (bookkeeping rows, such as the audit trail)."""
    _QUIET.add(table)


def _plural(table: Table) -> str:
    if table.name in _NAMES:
        return _NAMES[table.name][1]
    words = table.name.replace("_", " ")
    return words if words.endswith("s") else words + "s"


def _title_column(table: Table):
    name = _NAMES.get(table.name, (None, None, None))[2]
    if name and name in table.c:
        return table.c[name]
    for candidate in _TITLE_COLUMNS:
        if candidate in table.c:
            return table.c[candidate]
    return None


@dataclass
class Dependants:
    """Rows of one table, found through one foreign key column."""

    label: str
    count: int
    examples: list[str] = field(default_factory=list)
    advice: str = ""

    @property
    def text(self) -> str:
        shown = ", ".join(self.examples)
        more = self.count - len(self.examples)
        if shown and more > 0:
            shown += f" and {more:,} more"
        return f"{self.count:,} {self.label}" + (f" ({shown})" if shown else "")


@dataclass
class DeletePlan:
    obj: object
    refusals: list[Dependants] = field(default_factory=list)
    goes_with: list[Dependants] = field(default_factory=list)
    unlinked: list[Dependants] = field(default_factory=list)
    # table name -> [select of the ids of its rows that are deleted]
    deleted: dict[str, list] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def message(self) -> str:
        if self.allowed:
            return ""
        parts = "; ".join(d.text for d in self.refusals)
        advice = " ".join(dict.fromkeys(d.advice for d in self.refusals if d.advice)) or \
            "Move them to something else, or delete them first."
        return f"You cannot delete {self.obj} because these depend on it: {parts}. {advice}"


class DeleteRefused(ValueError):
    """The delete would leave records pointing at nothing; nothing has been changed."""

    def __init__(self, plan: DeletePlan | None, message: str | None = None):
        super().__init__(message or (plan.message if plan else "This cannot be deleted."))
        self.plan = plan
        self.field = None


def _referencing(table: Table):
    """(child table, foreign key) for every foreign key in the metadata pointing at ``table``."""
    for child in db.metadata.tables.values():
        for fk in child.foreign_keys:
            if fk.column.table is table:
                yield child, fk


def _pk(table: Table):
    cols = list(table.primary_key.columns)
    return cols[0] if len(cols) == 1 else None


def _integer_key(table: Table) -> bool:
    pk = _pk(table)
    try:
        return pk is not None and pk.type.python_type is int
    except NotImplementedError:
        return False


def _is_link_table(table: Table) -> bool:
    pk = list(table.primary_key.columns)
    return len(pk) > 1 and all(c.foreign_keys for c in pk)


def _examples(table: Table, where, limit: int = EXAMPLES) -> list[str]:
    column = _title_column(table)
    if column is None:
        return []
    pk = _pk(table)
    query = select(column).where(where).limit(limit)
    if pk is not None:
        query = query.order_by(pk)
    return [str(v)[:80] for v in db.session.scalars(query) if v not in (None, "")]


def _count(table: Table, where) -> int:
    return db.session.scalar(select(func.count()).select_from(table).where(where)) or 0


def plan(obj) -> DeletePlan:
    """What deleting ``obj`` would refuse, take with it and unlink (nothing is changed)."""
    mapper = inspect(obj).mapper
    table = mapper.local_table
    pk = _pk(table)
    result = DeletePlan(obj=obj)
    result.deleted[table.name] = [select(pk).where(pk == obj.id)]

    # Pass 1: everything deleted with it, following CASCADE foreign keys (breadth first).
    frontier = [(table, select(pk).where(pk == obj.id))]
    cascades: list[tuple[Table, object, object]] = []  # (child, fk column, ids of parent rows)
    depth = 0
    while frontier and depth < MAX_DEPTH:
        depth += 1
        next_frontier = []
        for parent, parent_ids in frontier:
            for child, fk in _referencing(parent):
                key = (child.name, fk.parent.name)
                if (fk.ondelete or "").upper() != "CASCADE" or key in _REFUSE:
                    continue
                cascades.append((child, fk.parent, parent_ids))
                child_pk = _pk(child)
                if child_pk is not None:
                    ids = select(child_pk).where(fk.parent.in_(parent_ids))
                    result.deleted.setdefault(child.name, []).append(ids)
                    if child is not parent or depth == 1:
                        next_frontier.append((child, ids))
        frontier = next_frontier

    def going(child: Table):
        """A condition: this row of ``child`` is not itself being deleted."""
        child_pk = _pk(child)
        sets = result.deleted.get(child.name)
        if child_pk is None or not sets:
            return None
        cond = None
        for ids in sets:
            cond = child_pk.in_(ids) if cond is None else (cond | child_pk.in_(ids))
        return cond

    for child, column, parent_ids in cascades:
        if child.name in _QUIET:
            continue
        where = column.in_(parent_ids)
        count = _count(child, where)
        if not count:
            continue
        if _is_link_table(child):
            other = next((c for c in child.primary_key.columns if c is not column and c.foreign_keys), None)
            other_table = next(iter(other.foreign_keys)).column.table if other is not None else child
            label = _LINKS.get((child.name, column.name)) or f"{_plural(other_table)} linked to it (the link is removed)"
            examples = []
            if other is not None:
                target = next(iter(other.foreign_keys)).column
                title = _title_column(other_table)
                if title is not None:
                    examples = [str(v)[:80] for v in db.session.scalars(
                        select(title).where(target.in_(select(other).where(where))).order_by(target).limit(EXAMPLES))]
            result.unlinked.append(Dependants(label, count, examples))
        else:
            label = _LINKS.get((child.name, column.name)) or _plural(child)
            result.goes_with.append(Dependants(label, count, _examples(child, where)))

    # Pass 2: rows that stay but point at something that goes.
    for name, sets in list(result.deleted.items()):
        parent = db.metadata.tables[name]
        for parent_ids in sets:
            for child, fk in _referencing(parent):
                key = (child.name, fk.parent.name)
                ondelete = (fk.ondelete or "").upper()
                if ondelete == "CASCADE" and key not in _REFUSE:
                    continue
                where = fk.parent.in_(parent_ids)
                staying = going(child)
                if staying is not None:
                    where = where & ~staying
                count = _count(child, where)
                if not count:
                    continue
                if key in _REFUSE or ondelete not in ("SET NULL", "SET DEFAULT"):
                    label, advice = _REFUSE.get(key, (_LINKS.get(key) or _plural(child), ""))
                    _merge(result.refusals, Dependants(label, count, _examples(child, where), advice))
                elif child.name not in _QUIET:
                    label = _LINKS.get(key) or f"{_plural(child)} that stay but lose their link to it"
                    _merge(result.unlinked, Dependants(label, count, _examples(child, where)))
    return result


def _merge(items: list[Dependants], new: Dependants) -> None:
    for item in items:
        if item.label == new.label:
            item.count += new.count
            item.examples = (item.examples + new.examples)[:EXAMPLES]
            return
    items.append(new)


def _close_history(result: DeletePlan) -> None:
    """Mark the audit events of every row that goes as belonging to a deleted record, and
    delete the translations of its texts (engage/core/content.py) and the versions offered of
    it (a translatable kind is named after its owner's table)."""
    from sqlalchemy import delete as delete_rows

    from .models import AuditEvent, ContentLanguage, ContentTranslation

    by_table = {m.local_table.name: m.class_.__name__ for m in db.Model.registry.mappers}
    for name, sets in result.deleted.items():
        object_type = by_table.get(name)
        if object_type is None or not _integer_key(db.metadata.tables[name]):
            # Audit events name records by integer id; a table keyed otherwise (a random key,
            # as survey contacts are) has no history to close.
            continue
        for ids in sets:
            db.session.execute(
                update(AuditEvent)
                .where(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))
                .values(record_deleted=True)
                .execution_options(synchronize_session=False)
            )
            db.session.execute(delete_rows(ContentTranslation).where(
                ContentTranslation.record_type == name, ContentTranslation.record_id.in_(ids)
            ).execution_options(synchronize_session=False))
            db.session.execute(delete_rows(ContentLanguage).where(
                ContentLanguage.owner_kind == name, ContentLanguage.owner_id.in_(ids)
            ).execution_options(synchronize_session=False))


def delete(actor, obj, summary: str, changes: dict | None = None) -> DeletePlan:
    """Delete ``obj`` and what goes with it, or raise ``DeleteRefused`` naming what depends
    on it. Records the delete, closes the history of every row that goes; flushes."""
    from . import audit

    label = str(obj)
    result = plan(obj)
    if not result.allowed:
        raise DeleteRefused(result)
    described = dict(changes or {})
    if result.goes_with:
        described["deleted_with_it"] = [d.text for d in result.goes_with]
    _close_history(result)
    event = audit.record(actor, "delete", obj, summary, changes=described or {})
    event.record_deleted = True
    try:
        db.session.delete(obj)
        db.session.flush()
    except (IntegrityError, StaleDataError):
        raise DeleteRefused(None, f"{label} changed or gained new links while you were deleting it, so it has not been "
                                  "deleted. Go back, look at it again and try again.") from None
    return result


def orm_problems() -> list[str]:
    """Relationships where SQLAlchemy would empty the children's key before deleting the parent
    (one-to-many, no delete cascade) and that is wrong: over a RESTRICT / NO ACTION key (the
    rows are quietly detached where the database should refuse), unless
    ``passive_deletes="all"``; or over a NOT NULL key (the delete fails with an integrity
    error where the database would cascade), unless ``passive_deletes`` is set."""
    from sqlalchemy.orm import RelationshipDirection

    out = []
    for mapper in db.Model.registry.mappers:
        for rel in mapper.relationships:
            if (rel.direction is not RelationshipDirection.ONETOMANY or "delete" in rel.cascade or rel.secondary is not None
                    or rel.viewonly):   # a read-only view of rows (published ones only) changes nothing
                continue
            for column in rel.local_remote_pairs:
                remote = column[1]
                if not remote.nullable and not rel.passive_deletes:
                    out.append(f"{mapper.class_.__name__}.{rel.key}")
                for fk in remote.foreign_keys:
                    if (fk.ondelete or "").upper() not in ("CASCADE", "SET NULL", "SET DEFAULT") and rel.passive_deletes != "all":
                        out.append(f"{mapper.class_.__name__}.{rel.key}")
    return sorted(set(out))
