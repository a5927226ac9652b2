"""Rules for the partnership's reference data. Services flush; views commit once."""
from __future__ import annotations

from sqlalchemy import select

from ..core import audit, concurrency, deletion
from ..core.errors import RuleError, not_found
from ..core.i18n import N_
from ..core.statements import built
from ..extensions import db
from .models import (
    AREA_LEVELS,
    AREA_ORDER,
    Area,
    Framework,
    Indicator,
    IndicatorReading,
    Organisation,
    Outcome,
    Partnership,
    Priority,
    Theme,
    priority_succession,
)

# The place rule and the postcode lookup live in places.py; other capabilities call them from here.
from .places import (  # noqa: E402,F401
    PlaceChoice,
    PlaceScope,
    PostcodeError,
    area_for_postcode,
    how_places_meet,
    lookup_postcode,
    place_scope,
    places_scope,
    resolve_place,
)

STATUS_LABELS = {  # marked for the catalogue; translated where shown
    "on-track": N_("On track"),
    "at-risk": N_("At risk"),
    "off-track": N_("Off track"),
    "no-data": N_("No readings yet"),
}


def get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        not_found(f"There is no {model.__name__.lower()} with that number.")
    return obj


# ---- choices for forms -------------------------------------------------------------------

def organisation_choices():
    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


def partnership_choices():
    return [(p.id, p.name) for p in db.session.scalars(select(Partnership).order_by(Partnership.kind.desc(), Partnership.name))]


def framework_choices():
    return [(f.id, f.name) for f in db.session.scalars(select(Framework).order_by(Framework.starts_on))]


def priority_choices():
    rows = db.session.execute(
        select(Priority.id, Priority.name, Framework.name)
        .join(Framework)
        .order_by(Framework.starts_on, Priority.position)
    )
    return [(pid, f"{name} ({fname})") for pid, name, fname in rows]


def theme_choices():
    rows = db.session.execute(built("theme choices", lambda: select(Theme.id, Theme.name, Framework.name).join(Framework)
                                    .order_by(Framework.starts_on, Theme.position)))
    return [(tid, f"{name} ({fname})") for tid, name, fname in rows]


def outcome_choices():
    rows = db.session.scalars(select(Outcome).join(Priority).join(Framework).order_by(Framework.starts_on, Priority.position, Outcome.code))
    return [(o.id, str(o)) for o in rows]


def area_choices(levels: tuple[str, ...] | None = None):
    """Areas as an indented list in tree order: "Runcorn", "— Castlefields"."""
    # The four columns the list shows, not ORM objects: the public filters ("You said, we
    # did", /consultations) draw it on every load (issue 21).
    areas = db.session.execute(built("area choices", lambda: select(Area.id, Area.name, Area.level, Area.parent_id)
                                     .order_by(Area.name))).all()
    children: dict[int | None, list] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    out = []

    def walk(parent_id, depth):
        for area in children.get(parent_id, []):
            if levels is None or area.level in levels:
                out.append((area.id, ("— " * depth) + area.name))
            walk(area.id, depth + 1)

    walk(None, 0)
    return out


# ---- trees and successions ---------------------------------------------------------------

def area_subtree_select(area_ids):
    """A SELECT of the ids of the areas and every area inside them (a recursive query; works
    on SQLite and PostgreSQL), to use inside another statement (``Area.id.in_(...)``)."""
    area_ids = [a for a in (area_ids if isinstance(area_ids, (list, tuple, set)) else [area_ids]) if a is not None]
    tree = select(Area.id).where(Area.id.in_(area_ids or [-1])).cte("tree", recursive=True)
    tree = tree.union_all(select(Area.id).where(Area.parent_id == tree.c.id))
    return select(tree.c.id)


def area_subtree_ids(area_ids) -> set[int]:
    """The areas and every area inside them (a recursive query; works on SQLite and PostgreSQL)."""
    area_ids = [a for a in (area_ids if isinstance(area_ids, (list, tuple, set)) else [area_ids]) if a is not None]
    if not area_ids:
        return set()
    return set(db.session.scalars(area_subtree_select(area_ids)))


def area_ancestor_ids(area_id: int) -> list[int]:
    area = db.session.get(Area, area_id)
    return [a.id for a in area.ancestors] if area else []


def priority_lineage_ids(priority_ids) -> set[int]:
    """The priorities and every earlier priority they replaced, however many frameworks back."""
    priority_ids = [p for p in (priority_ids if isinstance(priority_ids, (list, tuple, set)) else [priority_ids]) if p is not None]
    if not priority_ids:
        return set()
    base = select(Priority.id.label("id")).where(Priority.id.in_(priority_ids))
    lineage = base.cte("lineage", recursive=True)
    lineage = lineage.union(
        select(priority_succession.c.predecessor_id).where(priority_succession.c.successor_id == lineage.c.id)
    )
    return set(db.session.scalars(select(lineage.c.id)))


def current_framework() -> Framework | None:
    return db.session.scalar(built("current framework", lambda: select(Framework).order_by(Framework.starts_on.desc()).limit(1)))


# ---- indicator status --------------------------------------------------------------------

def _better_or_equal(value: float, than: float, direction: str) -> bool:
    return value <= than if direction == "lower" else value >= than


def expected_value(indicator: Indicator, on) -> float | None:
    """Where the indicator should be on a date: a straight line from baseline to target."""
    if indicator.target_value is None:
        return None
    if indicator.baseline_value is None or not indicator.baseline_date or not indicator.target_date:
        return indicator.target_value
    span = (indicator.target_date - indicator.baseline_date).days
    if span <= 0:
        return indicator.target_value
    share = min(max((on - indicator.baseline_date).days / span, 0.0), 1.0)
    return indicator.baseline_value + (indicator.target_value - indicator.baseline_value) * share


def indicator_status(indicator: Indicator) -> str:
    """On track, at risk or off track, computed from the latest reading, never typed in.

    On track: at or better than the straight line from baseline to target on the reading's date.
    Off track: worse than the monitoring level (the level that triggers action).
    At risk: behind the line but not past the monitoring level.
    """
    return reading_status(indicator, indicator.latest)


def reading_status(indicator: Indicator, latest) -> str:
    """The status one reading gives its indicator (``indicator_status`` for the latest one;
    engage/performance asks it of the reading a monitoring period holds)."""
    if latest is None:
        return "no-data"
    direction = indicator.direction
    if indicator.monitoring_level is not None and not _better_or_equal(latest.value, indicator.monitoring_level, direction):
        if latest.value != indicator.monitoring_level:
            return "off-track"
    expected = expected_value(indicator, latest.taken_on)
    if expected is None or _better_or_equal(latest.value, expected, direction):
        return "on-track"
    return "at-risk"


# ---- saving reference data ---------------------------------------------------------------

def _unique(model, field: str, value, exclude_id=None, message: str = "", **scope):
    query = select(model.id).where(getattr(model, field) == value)
    for key, val in scope.items():
        query = query.where(getattr(model, key) == val)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise RuleError(message or "This name is already used", field)


def save(actor, obj, data: dict, label: str, version=concurrency.UNCHECKED):
    """Apply ``data`` to ``obj`` (new or existing) after the model's rules; record and flush.
    ``version`` is the edit version the form was loaded from (engage/core/concurrency.py)."""
    creating = obj.id is None
    data = {k: v for k, v in data.items() if k != "version"}
    if not creating:
        concurrency.check(obj, version)
    check_rules(obj, data)
    for key, value in data.items():
        setattr(obj, key, value)
    if creating:
        db.session.add(obj)
        db.session.flush()
    audit.record(actor, "create" if creating else "update", obj, f"{label} {'added' if creating else 'changed'}: {obj}")
    concurrency.flush(obj)
    return obj


def check_rules(obj, data: dict) -> None:
    if isinstance(obj, Organisation):
        _unique(Organisation, "name", data["name"], obj.id, "An organisation with this name already exists")
    elif isinstance(obj, Partnership):
        _unique(Partnership, "name", data["name"], obj.id, "A partnership with this name already exists")
        _check_partnership_parent(obj, data.get("parent_id"))
        if "report_approvers" in data:
            data["report_approvers"] = data["report_approvers"] or "officers"
    elif isinstance(obj, Framework):
        _unique(Framework, "name", data["name"], obj.id, "A framework with this name already exists")
        if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise RuleError("The end date must be the same as or after the start date", "ends_on")
    elif isinstance(obj, Priority):
        _unique(Priority, "name", data["name"], obj.id, "This framework already has a priority with this name", framework_id=data["framework_id"])
    elif isinstance(obj, Theme):
        _unique(Theme, "name", data["name"], obj.id, "This framework already has a theme with this name", framework_id=data["framework_id"])
    elif isinstance(obj, Indicator):
        if data.get("target_value") is not None and data.get("baseline_value") is not None and data.get("target_date") and data.get("baseline_date"):
            if data["target_date"] <= data["baseline_date"]:
                raise RuleError("The target date must be after the baseline date", "target_date")
    elif isinstance(obj, IndicatorReading):
        _unique(IndicatorReading, "taken_on", data["taken_on"], obj.id, "There is already a reading for this date", indicator_id=data["indicator_id"])
    elif isinstance(obj, Area):
        _check_area(obj, data)


def _check_area(area: Area, data: dict) -> None:
    parent_id = data.get("parent_id")
    level = data["level"]
    _unique(Area, "name", data["name"], area.id, "There is already an area with this name in the same place", parent_id=parent_id)
    if data.get("priority_ward") and level != "ward":
        raise RuleError("Only wards can be priority wards", "priority_ward")
    if area.id is not None and level in AREA_ORDER:
        inside = [c for c in area.children if c.level in AREA_ORDER and AREA_ORDER.index(c.level) <= AREA_ORDER.index(level)]
        if inside:
            child = inside[0]
            raise RuleError(f"{child.name} sits inside this area and is a {AREA_LEVELS.get(child.level, child.level).lower()}, "
                            f"so this area cannot become a {AREA_LEVELS.get(level, level).lower()}. Move the areas inside it first, "
                            "or choose a larger level", "level")
    if parent_id is None:
        return
    parent = db.session.get(Area, parent_id)
    if parent is None:
        raise RuleError("Select a containing area from the list", "parent_id")
    if AREA_ORDER.index(level) <= AREA_ORDER.index(parent.level):
        raise RuleError(f"A {level} cannot sit inside a {parent.level}: choose a larger containing area", "parent_id")
    if area.id is not None and (parent.id == area.id or area.id in {a.id for a in parent.ancestors}):
        raise RuleError("An area cannot sit inside itself", "parent_id")


def _check_partnership_parent(partnership: Partnership, parent_id) -> None:
    """A partnership may not sit inside itself, however many steps round (A→B→A)."""
    if parent_id is None or partnership.id is None:
        return
    seen = set()
    node = db.session.get(Partnership, parent_id)
    while node is not None and node.id not in seen:
        if node.id == partnership.id:
            if parent_id == partnership.id:
                raise RuleError("A partnership cannot be part of itself", "parent_id")
            raise RuleError("A partnership cannot be part of a partnership that is part of it. "
                            "Choose a partnership above it, or none", "parent_id")
        seen.add(node.id)
        node = node.parent


def delete_plan(obj) -> deletion.DeletePlan:
    """What deleting ``obj`` would refuse, take with it and unlink (for the confirm page)."""
    return deletion.plan(obj)


def delete(actor, obj, label: str) -> deletion.DeletePlan:
    """Delete reference data through the one delete rule (engage/core/deletion.py): refused
    with a plain message naming what depends on it, or deleted with what goes with it."""
    return deletion.delete(actor, obj, f"{label} deleted: {obj}")


def set_successors(actor, priority: Priority, successor_ids: list[int], version=concurrency.UNCHECKED) -> None:
    concurrency.check(priority, version)
    successors = [get_or_404(Priority, sid) for sid in successor_ids]
    for succ in successors:
        if succ.framework_id == priority.framework_id:
            raise RuleError("A priority can only become a priority of another framework", "successor_ids")
        if succ.framework.starts_on < priority.framework.starts_on:
            raise RuleError("A priority can only become a priority of a later framework", "successor_ids")
    priority.successors = successors
    audit.record(actor, "update", priority, f"Priority {priority.name} now maps to: {', '.join(s.name for s in successors) or 'nothing'}",
                 changes={"successors": [s.id for s in successors]})
    concurrency.flush(priority)


def set_members(actor, partnership: Partnership, organisation_ids: list[int], coordinator_ids: list[int],
                version=concurrency.UNCHECKED) -> None:
    from ..accounts.models import User

    concurrency.check(partnership, version)
    partnership.members = [get_or_404(Organisation, oid) for oid in organisation_ids]
    partnership.coordinators = [get_or_404(User, uid) for uid in coordinator_ids]
    audit.record(actor, "update", partnership, f"Members and coordinators of {partnership.name} changed",
                 changes={"members": organisation_ids, "coordinators": coordinator_ids})
    concurrency.flush(partnership)
