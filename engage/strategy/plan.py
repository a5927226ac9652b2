"""The implementation plan: themes, actions, dated progress notes, the status each action is
in (late is worked out from its date), links to other capabilities, filters, CSV and the
timeline by quarter. Functions flush; views commit."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.params import Query
from ..accounts.models import User
from ..core.audit import record
from ..core.i18n import N_, gettext
from ..core.mail import path_for
from ..core.params import to_id
from ..core.registry import LinkKind, ShownLink, links
from ..core.sanitise import clean_text
from ..extensions import db
from ..partnership.models import Organisation, Partnership, Priority
from .budget import quarter_of, year_label
from .common import UNCHECKED, RuleError, check_version
from .documents import _delete, is_officer
from .models import ACTION_STATUSES, SETTABLE_STATUSES, ActionLink, ActionProgress, PlanAction, PlanTheme
from ..core import clock


def _today() -> date:
    return clock.today()


# ---- status -----------------------------------------------------------------------------

def note_as_at(action: PlanAction, on: date | None = None) -> ActionProgress | None:
    """The latest progress note written on or before ``on`` (today when not given)."""
    on = on or _today()
    notes = [n for n in action.progress if n.noted_on <= on]
    return notes[-1] if notes else None


def status_of(action: PlanAction, on: date | None = None) -> str:
    """The status set by the latest note up to ``on``; "late" when the action is not complete
    and its date has passed."""
    on = on or _today()
    note = note_as_at(action, on)
    status = note.status if note else "not_started"
    if status != "complete" and action.due_on is not None and action.due_on < on:
        return "late"
    return status


def status_label(status: str) -> str:
    return ACTION_STATUSES.get(status, status)


# ---- who may do what --------------------------------------------------------------------

def can_update_progress(user, action: PlanAction) -> bool:
    """Officers, the action's lead officer, and coordinators of the partnership it serves."""
    if not (user is not None and getattr(user, "is_authenticated", False)):
        return False
    if is_officer(user) or action.lead_officer_id == user.id:
        return True
    return bool(action.partnership and any(c.id == user.id for c in action.partnership.coordinators))


def _require_officer(actor) -> None:
    if not is_officer(actor):
        raise RuleError("Only a partnership officer can change the plan.")


# ---- filters, lists, CSV, timeline ----------------------------------------------------------

@dataclass
class PlanFilters:
    theme: int | None = None
    partnership: int | None = None
    status: str | None = None
    lead: int | None = None
    problems: list[str] = field(default_factory=list)

    def args(self) -> dict:
        return {k: v for k, v in (("theme", self.theme), ("partnership", self.partnership), ("status", self.status), ("lead", self.lead)) if v}

    @property
    def active(self) -> bool:
        return bool(self.args())


# In the reader's language (the page says what is wrong with its own filters).
_NOT_ON_THE_LIST = {
    "theme": N_("“%(value)s” is not a theme on the list"),
    "partnership": N_("“%(value)s” is not a partnership on the list"),
    "lead": N_("“%(value)s” is not a lead on the list"),
}


def read_filters(args) -> PlanFilters:
    """Filters from a query string; anything that is not a known value is noted in ``problems``."""
    args = Query(args)
    out = PlanFilters()
    for name, problem in _NOT_ON_THE_LIST.items():
        raw = args.text(name)
        if raw:
            value = to_id(raw)
            if value is None:
                out.problems.append(gettext(problem, value=raw[:40]))
            setattr(out, name, value)
    raw = args.text("status")
    if raw:
        if raw in ACTION_STATUSES:
            out.status = raw
        else:
            out.problems.append(gettext("“%(value)s” is not a status. Use one of: %(statuses)s",
                                        value=raw[:40], statuses=", ".join(ACTION_STATUSES)))
    return out


def themes() -> list[PlanTheme]:
    return db.session.scalars(select(PlanTheme).order_by(PlanTheme.position, PlanTheme.name)).all()


def actions(filters: PlanFilters | None = None, on: date | None = None) -> list[PlanAction]:
    filters = filters or PlanFilters()
    query = (select(PlanAction).join(PlanTheme).options(selectinload(PlanAction.progress), selectinload(PlanAction.links))
             .order_by(PlanTheme.position, PlanTheme.name, PlanAction.position, PlanAction.id))
    if filters.theme:
        query = query.where(PlanAction.theme_id == filters.theme)
    if filters.partnership:
        query = query.where(PlanAction.partnership_id == filters.partnership)
    if filters.lead:
        query = query.where(PlanAction.lead_organisation_id == filters.lead)
    rows = db.session.scalars(query).all()
    if filters.status:
        rows = [a for a in rows if status_of(a, on) == filters.status]
    return rows


def grouped(rows: list[PlanAction]) -> list[tuple[PlanTheme, list[PlanAction]]]:
    out: list[tuple[PlanTheme, list[PlanAction]]] = []
    for action in rows:
        if not out or out[-1][0].id != action.theme_id:
            out.append((action.theme, []))
        out[-1][1].append(action)
    return out


def status_counts(rows: list[PlanAction], on: date | None = None) -> dict[str, int]:
    counts = {k: 0 for k in ACTION_STATUSES}
    for action in rows:
        counts[status_of(action, on)] += 1
    return counts


CSV_COLUMNS = ["Theme", "Purpose", "Activity", "Lead organisation", "Lead officer", "Partnership", "Priority",
               "Timescale", "Starts", "Due", "Status", "Latest progress", "Progress date"]


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: list[PlanAction], on: date | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for a in rows:
        note = note_as_at(a, on)
        writer.writerow([_cell(v) for v in (
            a.theme.name, a.purpose_text, a.activity, a.lead_organisation, a.lead_officer.name if a.lead_officer else "",
            a.partnership, a.priority, a.timescale, a.starts_on.isoformat() if a.starts_on else "",
            a.due_on.isoformat() if a.due_on else "", status_label(status_of(a, on)), note.note if note else "",
            note.noted_on.isoformat() if note else "")])
    return buffer.getvalue()


@dataclass
class TimelineQuarter:
    year: int
    quarter: int
    actions: list[PlanAction]

    @property
    def label(self) -> str:
        return f"Quarter {self.quarter} {year_label(self.year)}"


def timeline(rows: list[PlanAction]) -> tuple[list[TimelineQuarter], list[PlanAction]]:
    """Actions in the financial quarter they are due, earliest first; and those with no date."""
    buckets: dict[tuple[int, int], list[PlanAction]] = {}
    undated = []
    for action in rows:
        if action.due_on is None:
            undated.append(action)
        else:
            buckets.setdefault(quarter_of(action.due_on), []).append(action)
    quarters = [TimelineQuarter(y, q, sorted(items, key=lambda a: (a.due_on, a.id))) for (y, q), items in sorted(buckets.items())]
    return quarters, undated


# ---- changing the plan ------------------------------------------------------------------

def save_theme(actor, theme: PlanTheme | None, data: dict, loaded_version=UNCHECKED) -> PlanTheme:
    _require_officer(actor)
    name = clean_text(data.get("name"), 200)
    if not name:
        raise RuleError("Enter the theme's name", "name")
    clash = db.session.scalar(select(PlanTheme).where(PlanTheme.name == name))
    if clash is not None and clash is not theme:
        raise RuleError("There is already a theme with this name", "name")
    if theme is None:
        theme = PlanTheme(position=max((t.position for t in themes()), default=0) + 1)
        db.session.add(theme)
        action = "create"
    else:
        check_version(theme, loaded_version, {"name": "Name", "purpose": "Purpose"}, data)
        action = "update"
    theme.name, theme.purpose = name, clean_text(data.get("purpose"))
    if data.get("position") is not None:
        theme.position = data["position"]
    record(actor, action, theme, f"{'Added' if action == 'create' else 'Changed'} the plan theme “{name}”")
    db.session.flush()
    return theme


def delete_theme(actor, theme: PlanTheme) -> None:
    _require_officer(actor)
    _delete(actor, theme, f"Deleted the plan theme “{theme.name}”")


ACTION_FIELDS = {"activity": "Activity", "purpose": "Purpose", "timescale": "Timescale", "due_on": "Due",
                 "theme_id": "Theme", "lead_organisation_id": "Lead organisation"}


def _check_ref(model, value, field: str, label: str):
    if value in (None, ""):
        return None
    if db.session.get(model, value) is None:
        raise RuleError(f"Select a {label} from the list", field)
    return value


def save_action(actor, action: PlanAction | None, data: dict, loaded_version=UNCHECKED) -> PlanAction:
    _require_officer(actor)
    activity = clean_text(data.get("activity"), 2000)
    if not activity:
        raise RuleError("Enter the activity: what will be done", "activity")
    theme_id = data.get("theme_id")
    if not theme_id or db.session.get(PlanTheme, theme_id) is None:
        raise RuleError("Select the theme", "theme_id")
    starts, due = data.get("starts_on"), data.get("due_on")
    if starts and due and due < starts:
        raise RuleError("The due date must be on or after the start date", "due_on")
    refs = {
        "lead_organisation_id": _check_ref(Organisation, data.get("lead_organisation_id"), "lead_organisation_id", "lead organisation"),
        "lead_officer_id": _check_ref(User, data.get("lead_officer_id"), "lead_officer_id", "lead officer"),
        "partnership_id": _check_ref(Partnership, data.get("partnership_id"), "partnership_id", "partnership"),
        "priority_id": _check_ref(Priority, data.get("priority_id"), "priority_id", "priority"),
    }
    if action is None:
        action = PlanAction(position=max((a.position for a in db.session.get(PlanTheme, theme_id).actions), default=0) + 1)
        db.session.add(action)
        verb = "create"
    else:
        check_version(action, loaded_version, ACTION_FIELDS, data)
        verb = "update"
    action.activity, action.theme_id = activity, theme_id
    action.purpose = clean_text(data.get("purpose"))
    action.timescale = clean_text(data.get("timescale"), 100)
    action.starts_on, action.due_on = starts, due
    for name, value in refs.items():
        setattr(action, name, value)
    if data.get("position") is not None:
        action.position = data["position"]
    record(actor, verb, action, f"{'Added' if verb == 'create' else 'Changed'} the action “{activity[:80]}”")
    db.session.flush()
    return action


def delete_action(actor, action: PlanAction) -> dict[str, int]:
    """Deletes the action with its progress notes and links, in one go (the confirm page
    lists them). Returns what went with it."""
    _require_officer(actor)
    gone = {"progress notes": len(action.progress), "links": len(action.links)}
    _delete(actor, action, f"Deleted the action “{action.activity[:80]}”")
    return gone


def add_progress(actor, action: PlanAction, data: dict, today: date | None = None) -> ActionProgress:
    if not can_update_progress(actor, action):
        raise RuleError("Only an officer, the action's lead officer or its partnership's coordinator can update progress.")
    today = today or _today()
    status = data.get("status")
    if status not in SETTABLE_STATUSES:
        raise RuleError("Select the status", "status")
    note = clean_text(data.get("note"), 5000)
    if not note:
        raise RuleError("Say what progress has been made", "note")
    noted_on = data.get("noted_on") or today
    if noted_on > today:
        raise RuleError("The date of the note cannot be in the future", "noted_on")
    item = ActionProgress(action=action, noted_on=noted_on, status=status, note=note, author_id=actor.id)
    db.session.add(item)
    record(actor, "progress", action, f"Progress on “{action.activity[:80]}”: {status_label(status)}", {"status": [None, status]})
    db.session.flush()
    return item


# ---- links to other capabilities (engage.core.registry.links) ---------------------------

ACTION_LINK_KIND = "plan-action"


def link_choices(user) -> dict[str, list]:
    """What an action can link to: every registered kind but the plan's own actions."""
    return {kind: entry.choices(user) for kind, entry in links.kinds().items() if kind != ACTION_LINK_KIND}


def add_link(actor, action: PlanAction, kind: str, target_id) -> ActionLink:
    _require_officer(actor)
    link_kind = links.get(kind) if kind != ACTION_LINK_KIND else None
    if link_kind is None:
        raise RuleError("Select what kind of thing to link to", "kind")
    target = to_id(target_id)
    if target is None or target not in {c[0] for c in link_kind.choices(actor)}:
        raise RuleError(f"Select a {link_kind.label.lower()} from the list", "target_id")
    if any(link.kind == kind and link.target_id == target for link in action.links):
        raise RuleError("The action is already linked to that", "target_id")
    link = ActionLink(action=action, kind=kind, target_id=target)
    db.session.add(link)
    record(actor, "link", action, f"Linked to {link_kind.label.lower()} {target}", {"link": [None, f"{kind}:{target}"]})
    db.session.flush()
    return link


def remove_link(actor, action: PlanAction, link_id) -> None:
    _require_officer(actor)
    link = next((x for x in action.links if x.id == to_id(link_id)), None)
    if link is None:
        raise RuleError("That link is not on this action")
    record(actor, "unlink", action, f"Removed the link to {link.kind} {link.target_id}", {"link": [f"{link.kind}:{link.target_id}", None]})
    db.session.delete(link)
    db.session.flush()


def resolved_links(action: PlanAction) -> list[ShownLink]:
    """The action's links the reader may see, with titles; links to things now gone are left out."""
    return links.shown(action.links)


# ---- the link kind others use (a findings report's response names the action it led to) ----

def _action_choices(user) -> list[tuple[int, str]]:
    """Every action (the plan is public), as (id, "Theme: activity")."""
    rows = db.session.execute(select(PlanAction.id, PlanTheme.name, PlanAction.activity).join(PlanTheme)
                              .order_by(PlanTheme.position, PlanTheme.name, PlanAction.position, PlanAction.id)).all()
    return [(row.id, f"{row.name}: {row.activity[:80]}") for row in rows]


def _action_resolve(action_id, user):
    aid = to_id(action_id)
    found = db.session.get(PlanAction, aid) if aid else None
    if found is None:
        return None
    return found.activity, path_for("strategy.action", action_id=found.id)


ACTION_LINK = LinkKind(kind=ACTION_LINK_KIND, label=N_("Implementation plan action"), choices=_action_choices,
                       resolve=_action_resolve)
