"""Rules for consultations: who may see and change them, saving them with every link,
documents and findings. Services flush; views commit. The form's choices are in
``choices.py``, the "similar consultations" check in ``similar.py``, a question's headline
figure in ``headlines.py``.

Visibility lives in ONE place, ``audience(user)``. Everything else (SQL lists, the search
filter, single-record checks, exports and the API) derives from what it returns.
"""
from __future__ import annotations

from functools import lru_cache

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, false, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER, VCS
from ..core import audit, concurrency, deletion, events, registry
from ..core.errors import not_found
from ..core.i18n import gettext as _
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..extensions import db
from ..partnership.models import Area, Organisation, Outcome, Partnership, Priority, Theme
from ..partnership.services import RuleError, place_scope, priority_lineage_ids
from .choices import method_choices
from .models import (
    AUDIENCES,
    CHANNELS,
    STATUSES,
    VISIBILITY,
    Consultation,
    ConsultationTag,
    Finding,
    Question,
)
from ..core import clock

__all__ = ["RuleError"]

# Roles that log and edit their own organisation's consultations (officers pass every check).
EDITOR_ROLES = (VCS, PRACTITIONER, COORDINATOR)
TEXT_LIMITS = {"title": 200, "summary": 3000, "purpose": 5000, "how_to_take_part": 3000,
               "contact_name": 120, "contact_email": 254, "take_part_url": 500}
MAX_COUNT = 10_000_000
MAX_COST = 100_000_000


# ---- who may see what: the one rule ----------------------------------------------------

@dataclass(frozen=True)
class Audience:
    """What one person may see. ``everything`` for officers; otherwise every record whose
    visibility is in ``levels``, plus every record of ``organisation_id`` (any visibility)."""

    everything: bool
    levels: frozenset
    organisation_id: int | None


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def audience(user) -> Audience:
    """THE visibility rule. Public records: anyone. Partners-only: anyone signed in.
    Own-organisation records: people of the lead organisation, and officers (who see all)."""
    if not _signed_in(user):
        return Audience(False, frozenset({"public"}), None)
    if user.role == OFFICER:
        return Audience(True, frozenset(VISIBILITY), None)
    return Audience(False, frozenset({"public", "partners"}), user.organisation_id)


def public_audience() -> Audience:
    """The audience of open data and the API: the public, whoever asks."""
    return audience(None)


def visible_clause(user_or_audience):
    """An SQL condition on ``Consultation`` for the records this person may see."""
    aud = user_or_audience if isinstance(user_or_audience, Audience) else audience(user_or_audience)
    if aud.everything:
        return true()
    conditions = [Consultation.visibility.in_(sorted(aud.levels))]
    if aud.organisation_id is not None:
        conditions.append(Consultation.lead_organisation_id == aud.organisation_id)
    return or_(*conditions)


def search_filter(user_or_audience) -> list[list[tuple[str, str]]]:
    """The same rule as a search filter clause (ORed terms), for ``backend().search``."""
    aud = user_or_audience if isinstance(user_or_audience, Audience) else audience(user_or_audience)
    if aud.everything:
        return []
    clause = [("visibility", level) for level in sorted(aud.levels)]
    if aud.organisation_id is not None:
        clause.append(("org_id", str(aud.organisation_id)))
    return [clause]


def can_view(user_or_audience, consultation: Consultation) -> bool:
    aud = user_or_audience if isinstance(user_or_audience, Audience) else audience(user_or_audience)
    if aud.everything or consultation.visibility in aud.levels:
        return True
    return aud.organisation_id is not None and consultation.lead_organisation_id == aud.organisation_id


# ---- who may change what ---------------------------------------------------------------

def can_log(user) -> bool:
    """May this person log a new consultation? Officers always; editors need an organisation."""
    if not _signed_in(user):
        return False
    if user.role == OFFICER:
        return True
    return user.role in EDITOR_ROLES and user.organisation_id is not None


def can_edit(user, consultation: Consultation) -> bool:
    if not _signed_in(user):
        return False
    if user.role == OFFICER:
        return True
    return (user.role in EDITOR_ROLES and user.organisation_id is not None
            and consultation.lead_organisation_id == user.organisation_id)


def editable_clause(user):
    if not _signed_in(user):
        return false()
    if user.role == OFFICER:
        return true()
    if user.role not in EDITOR_ROLES or user.organisation_id is None:
        return false()
    return Consultation.lead_organisation_id == user.organisation_id


def _get(consultation_id) -> Consultation:
    try:
        consultation_id = int(consultation_id)
    except (TypeError, ValueError):
        consultation_id = -1
    obj = db.session.get(Consultation, consultation_id) if 0 < consultation_id < 2**31 else None
    if obj is None:
        not_found("There is no consultation with that number.")
    return obj


def get_for_view(user, consultation_id) -> Consultation:
    """The consultation if this person may see it; otherwise a 404 (never a hint it exists)."""
    obj = _get(consultation_id)
    if not can_view(user, obj):
        not_found("There is no consultation with that number.")
    return obj


def get_for_edit(user, consultation_id) -> Consultation:
    """The consultation if this person may change it: 404 if they may not even see it,
    403 if they may see it but not change it."""
    obj = get_for_view(user, consultation_id)
    if not can_edit(user, obj):
        from flask import abort

        abort(403)
    return obj


# ---- status in SQL ---------------------------------------------------------------------

def status_expression(today: date | None = None):
    """The computed status as an SQL expression (same rule as ``Consultation.status_on``)."""
    return _status_expression(today or clock.today())


# An SQL expression cannot change once built and follows from the day alone (the day is its
# only parameter): built once per day, not two or three times on every list page.
@lru_cache(maxsize=8)
def _status_expression(today: date):
    start = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    close = func.coalesce(Consultation.actual_close, Consultation.planned_close)
    return case(
        (and_(Consultation.results_published_on.is_not(None), Consultation.results_published_on <= today), "results-published"),
        (or_(start.is_(None), start > today), "planned"),
        (and_(Consultation.actual_close.is_not(None), Consultation.actual_close <= today), "closed"),
        (or_(close.is_(None), close >= today), "open"),
        else_="closed",
    )


STATUS_ORDER = {"open": 0, "planned": 1, "results-published": 2, "closed": 3}


def status_rank_expression(today: date | None = None):
    return _status_rank_expression(today or clock.today())


@lru_cache(maxsize=8)
def _status_rank_expression(today: date):
    status = _status_expression(today)
    return case(*[(status == key, rank) for key, rank in STATUS_ORDER.items()], else_=9)


# ---- finding consultations -------------------------------------------------------------

def place_clause(scope):
    """The place rule (``partnership.places``) as an SQL condition on ``Consultation``: work
    in the place, inside it, or in a place it sits inside."""
    return Consultation.areas.any(Area.id.in_(sorted(scope.ids) if scope is not None else [-1]))


def finder_query(user_or_audience, *, statuses=(), area_id=None, place=None, priority_id=None, theme_id=None,
                 audience_value=None, text=None, today=None):
    """Consultations this person may see, open ones first, filtered by status, place (the
    place rule: ``place`` is a PlaceScope, or give ``area_id``), priority (and what it
    replaced) and theme."""
    today = today or clock.today()
    if place is None and area_id:
        place = place_scope(area_id)
        if place is None:
            return select(Consultation).where(false())
    query = select(Consultation).where(visible_clause(user_or_audience))
    statuses = [s for s in statuses if s in STATUSES]
    if statuses:
        query = query.where(status_expression(today).in_(statuses))
    if place is not None:
        query = query.where(place_clause(place))
    if priority_id:
        ids = priority_lineage_ids([priority_id]) or {-1}
        query = query.where(Consultation.priorities.any(Priority.id.in_(ids)))
    if theme_id:
        query = query.where(Consultation.themes.any(Theme.id == theme_id))
    if audience_value:
        query = query.where(Consultation.tags.any(and_(ConsultationTag.kind == "audience", ConsultationTag.value == audience_value)))
    if text:
        words = re.findall(r"\w+", text.lower())[:8]
        for word in words:
            like = f"%{word}%"
            query = query.where(or_(func.lower(Consultation.title).like(like), func.lower(Consultation.summary).like(like)))
    start = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    return query.order_by(status_rank_expression(today), start.desc().nulls_last(), Consultation.id.desc())


def card_loads() -> list:
    """Loader options for a list of consultation cards (templates/consultations/_macros.html
    ``card``): the lead organisation joined to each, and the places in one query for the
    whole list."""
    return [joinedload(Consultation.lead_organisation), selectinload(Consultation.areas)]


def editable_query(user):
    start = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    return select(Consultation).where(editable_clause(user)).order_by(Consultation.updated_at.desc(), start.desc(), Consultation.id.desc())


def results_published(consultation: Consultation, today: date | None = None) -> bool:
    today = today or clock.today()
    return bool(consultation.results_published_on and consultation.results_published_on <= today)


# ---- who may log for whom ---------------------------------------------------------------

def lead_organisation_choices(user):
    """Officers log for any organisation; everyone else for their own."""
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if not (_signed_in(user) and user.role == OFFICER):
        query = query.where(Organisation.id == (getattr(user, "organisation_id", None) or -1))
    return [(oid, name) for oid, name in db.session.execute(query)]


# ---- saving a consultation -------------------------------------------------------------

LINKS = {
    "partner_ids": ("partners", Organisation, "Select partner organisations from the list"),
    "partnership_ids": ("partnerships", Partnership, "Select partnerships from the list"),
    "priority_ids": ("priorities", Priority, "Select priorities from the list"),
    "theme_ids": ("themes", Theme, "Select themes from the list"),
    "outcome_ids": ("outcomes", Outcome, "Select outcomes from the list"),
    "area_ids": ("areas", Area, "Select areas from the list"),
}
TAGS = {"audiences": "audience", "methods": "method", "channels": "channel"}
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def _ids(values, field: str) -> list[int]:
    out = []
    for value in values or []:
        number = to_id(value)
        if number is None:
            raise RuleError(LINKS[field][2], field)
        if number not in out:
            out.append(number)
    return out


def _load(model, ids: list[int], field: str) -> list:
    if not ids:
        return []
    rows = db.session.scalars(select(model).where(model.id.in_(ids))).all()
    if len(rows) != len(ids):
        raise RuleError(LINKS[field][2], field)
    order = {i: n for n, i in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r.id])


def _tag_values(data: dict, field: str) -> list[str]:
    values = []
    for value in data.get(field) or []:
        value = clean_text(str(value))
        if not value:
            continue
        if len(value) > 120:
            raise RuleError("Each entry must be 120 characters or fewer", field)
        if value not in values:
            values.append(value)
    if field == "channels":
        bad = [v for v in values if v not in CHANNELS]
        if bad:
            raise RuleError("Select channels from the list", field)
    elif field == "methods":
        known = {slug for slug, _ in method_choices()}
        bad = [v for v in values if v not in known]
        if bad:
            raise RuleError("Select methods from the toolkit list", field)
    return values


def _date_rules(data: dict) -> None:
    pairs = [("planned_start", "planned_close", "The planned closing date must be the same as or after the planned start date"),
             ("actual_start", "actual_close", "The actual closing date must be the same as or after the actual start date")]
    for start, close, message in pairs:
        if data.get(start) and data.get(close) and data[close] < data[start]:
            raise RuleError(message, close)
    start = data.get("actual_start") or data.get("planned_start")
    if data.get("results_published_on") and start and data["results_published_on"] < start:
        raise RuleError("Results cannot be published before the consultation starts", "results_published_on")
    if data.get("actual_start") and data["actual_start"] > clock.today() + timedelta(days=1):
        raise RuleError("The actual start date cannot be in the future. Use the planned start date instead", "actual_start")
    if data.get("actual_close") and data["actual_close"] > clock.today() + timedelta(days=1):
        raise RuleError("The actual closing date cannot be in the future. Use the planned closing date instead", "actual_close")


def _clean_fields(data: dict) -> dict:
    out = {}
    for name, limit in TEXT_LIMITS.items():
        value = clean_text(data.get(name) or "")
        if len(value) > limit:
            raise RuleError(f"This must be {limit:,} characters or fewer", name)
        out[name] = value
    if not out["title"]:
        raise RuleError("Enter a title", "title")
    if not out["summary"]:
        raise RuleError("Enter a short summary of what the consultation is about", "summary")
    if out["contact_email"] and not _EMAIL.match(out["contact_email"]):
        raise RuleError("Enter an email address in the correct format, like name@example.org", "contact_email")
    if out["take_part_url"] and not _URL.match(out["take_part_url"]):
        raise RuleError("Enter a web address that starts with http:// or https://", "take_part_url")
    for name in ("people_reached", "responses"):
        value = data.get(name)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_COUNT:
                raise RuleError(f"Enter a whole number between 0 and {MAX_COUNT:,}", name)
        out[name] = value
    cost = data.get("cost")
    if cost is not None:
        try:
            cost = float(cost)
        except (TypeError, ValueError):
            raise RuleError("Enter the cost as a number of pounds, like 1500", "cost")
        if not (0 <= cost <= MAX_COST):
            raise RuleError(f"Enter a cost between 0 and {MAX_COST:,}", "cost")
    out["cost"] = cost
    for name in ("planned_start", "planned_close", "actual_start", "actual_close", "results_published_on"):
        value = data.get(name)
        if value is not None and not isinstance(value, date):
            raise RuleError("Enter a real date", name)
        out[name] = value
    _date_rules(out)
    visibility = data.get("visibility") or "public"
    if visibility not in VISIBILITY:
        raise RuleError("Select who can see this consultation", "visibility")
    out["visibility"] = visibility
    out["equality_monitoring"] = bool(data.get("equality_monitoring"))
    return out


def _link_summary(consultation: Consultation) -> dict:
    out = {attr: sorted(o.id for o in getattr(consultation, attr)) for attr, _, _ in LINKS.values()}
    for field, kind in TAGS.items():
        out[field] = consultation.tag_values(kind)
    return out


def save_consultation(actor, consultation: Consultation | None, data: dict, version=concurrency.UNCHECKED) -> Consultation:
    """Create (``consultation`` None) or update a consultation from cleaned form data.

    ``data`` holds the column values plus ``lead_organisation_id``, the ``*_ids`` lists and
    the ``audiences``, ``methods`` and ``channels`` lists. Any broken rule raises RuleError
    before anything is changed, so nothing is ever half-saved.
    """
    creating = consultation is None
    if creating and not can_log(actor):
        raise RuleError("Your account cannot log consultations. Ask a partnership officer for help.")
    if not creating and not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    if not creating:
        concurrency.check(consultation, version)
    values = _clean_fields(data)
    if not creating and values.get("results_published_on") and values["results_published_on"] != consultation.results_published_on:
        held = registry.result_holds.reasons(consultation.id)
        if held:
            raise RuleError(held[0], "results_published_on")

    lead_id = data.get("lead_organisation_id")
    try:
        lead_id = int(lead_id) if lead_id is not None else None
    except (TypeError, ValueError):
        lead_id = None
    if lead_id is None:
        lead_id = getattr(actor, "organisation_id", None) if creating else consultation.lead_organisation_id
    if lead_id is None or db.session.get(Organisation, lead_id) is None:
        raise RuleError("Select the lead organisation from the list", "lead_organisation_id")
    if actor.role != OFFICER and lead_id != actor.organisation_id:
        raise RuleError("You can only log consultations for your own organisation", "lead_organisation_id")
    values["lead_organisation_id"] = lead_id

    links = {field: _load(model, _ids(data.get(field), field), field) for field, (_, model, _) in LINKS.items()}
    tags = {field: _tag_values(data, field) for field in TAGS}
    audiences_ = tags["audiences"]
    for value in audiences_:
        if value not in AUDIENCES and not re.search(r"\w", value):
            raise RuleError("Name the group in words", "audiences")

    before = {} if creating else _link_summary(consultation)
    was_open = not creating and consultation.visibility == "public" and consultation.status == "open"
    if creating:
        consultation = Consultation(created_by_id=getattr(actor, "id", None), is_demo=bool(data.get("is_demo")))
        db.session.add(consultation)
    for name, value in values.items():
        setattr(consultation, name, value)
    for field, (attr, _unused, _unused2) in LINKS.items():
        setattr(consultation, attr, links[field])
    _set_tags(consultation, tags)
    changes = audit.changes_of(consultation) if not creating else None
    if creating:
        db.session.flush()
        after = _link_summary(consultation)
        audit.record(actor, "create", consultation, f"Consultation logged: {consultation.title}",
                     changes={**{k: [None, v] for k, v in after.items() if v}, "title": [None, consultation.title]})
    else:
        after = _link_summary(consultation)
        changes = dict(changes or {})
        for key, value in after.items():
            if before.get(key) != value:
                changes[key] = [before.get(key), value]
        changes.pop("updated_at", None)
        if changes:
            from ..core.models import utcnow

            consultation.updated_at = utcnow()
        audit.record(actor, "update", consultation, f"Consultation changed: {consultation.title}", changes=changes or {})
    concurrency.flush(consultation)
    if not was_open and consultation.visibility == "public" and consultation.status == "open":
        # Opening by date alone (no save) is found by the follow sender's daily look.
        events.publish(events.CONSULTATION_OPENED, consultation_id=consultation.id)
    return consultation


def _set_tags(consultation: Consultation, tags: dict[str, list[str]]) -> None:
    wanted = {(TAGS[field], value) for field, values in tags.items() for value in values}
    for tag in list(consultation.tags):
        if (tag.kind, tag.value) not in wanted:
            consultation.tags.remove(tag)
    have = {(t.kind, t.value) for t in consultation.tags}
    for kind, value in sorted(wanted - have):
        consultation.tags.append(ConsultationTag(kind=kind, value=value))


def delete_consultation(actor, consultation: Consultation) -> list[str]:
    """Delete a consultation and everything in it; returns stored file names to remove after commit."""
    if not can_edit(actor, consultation):
        raise RuleError("You cannot delete this consultation.")
    stored = [d.stored_name for d in consultation.documents]
    deletion.delete(actor, consultation, f"Consultation deleted: {consultation.title}",
                    changes={"title": [consultation.title, None]})
    return stored


def delete_plan(obj) -> deletion.DeletePlan:
    """What deleting a consultation, document or finding takes with it (the confirm page)."""
    return deletion.plan(obj)


# ---- findings --------------------------------------------------------------------------

def save_finding(actor, consultation: Consultation, finding: Finding | None, data: dict,
                 version=concurrency.UNCHECKED) -> Finding:
    if not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    if finding is not None:
        concurrency.check(finding, version)
    statement = clean_text(data.get("statement") or "")
    evidence = clean_text(data.get("evidence") or "")
    if not statement:
        raise RuleError("Enter the finding", "statement")
    if len(statement) > 500:
        raise RuleError("The finding must be 500 characters or fewer", "statement")
    if len(evidence) > 5000:
        raise RuleError("The evidence must be 5,000 characters or fewer", "evidence")
    question_id = data.get("question_id")
    if question_id is not None:
        question = db.session.get(Question, question_id) if isinstance(question_id, int) and 0 < question_id < 2**31 else None
        if question is None or question.consultation_id != consultation.id:
            raise RuleError("Select a question of this consultation from the list", "question_id")
    position = data.get("position")
    if position is not None and (not isinstance(position, int) or not 0 <= position <= 9999):
        raise RuleError("Order must be a whole number between 0 and 9,999", "position")
    creating = finding is None
    if creating:
        if position is None:
            position = max((f.position for f in consultation.findings), default=0) + 1
        finding = Finding(consultation=consultation)
        db.session.add(finding)
    finding.statement, finding.evidence, finding.question_id = statement, evidence, question_id
    if position is not None:
        finding.position = position
    if creating:
        db.session.flush()
        audit.record(actor, "create", finding, f"Finding added to {consultation.title}: {statement}",
                     changes={"statement": [None, statement], "consultation_id": [None, consultation.id]})
    else:
        audit.record(actor, "update", finding, f"Finding changed in {consultation.title}: {statement}")
    consultation.updated_at = _now()
    concurrency.flush(finding)
    return finding


def get_finding(consultation: Consultation, finding_id: int) -> Finding:
    finding = db.session.get(Finding, finding_id) if 0 < finding_id < 2**31 else None
    if finding is None or finding.consultation_id != consultation.id:
        not_found("There is no finding with that number in this consultation.")
    return finding


def delete_finding(actor, consultation: Consultation, finding: Finding) -> None:
    if not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    consultation.updated_at = _now()
    deletion.delete(actor, finding, f"Finding deleted from {consultation.title}: {finding.statement}",
                    changes={"statement": [finding.statement, None], "consultation_id": [consultation.id, None]})
    db.session.expire(consultation, ["findings"])


def _now():
    from ..core.models import utcnow

    return utcnow()


# ---- what the public is told -----------------------------------------------------------

def equality_monitored(consultation: Consultation) -> bool:
    """Equality monitoring is collected when the form says so, or when another capability
    knows it is (a survey of the consultation asks the equality questions: registry ``facts``)."""
    from ..core.registry import facts

    return bool(consultation.equality_monitoring) or (consultation.id is not None and facts.holds("equality_monitoring", consultation.id))


def public_preview(data: dict, today: date | None = None) -> list[str]:
    """What the consultation form's values will show, in words, before it is saved: who can
    see it, and whether it shows as planned or open on "Have your say"."""
    today = today or clock.today()
    draft = Consultation(planned_start=data.get("planned_start"), planned_close=data.get("planned_close"),
                         actual_start=data.get("actual_start"), actual_close=data.get("actual_close"),
                         results_published_on=data.get("results_published_on"))
    visibility = data.get("visibility") or "public"
    public = visibility not in ("partners", "organisation")
    who = (_("Only people who are signed in can see it. It is not listed on “Have your say”.") if visibility == "partners"
           else _("Only people in its lead organisation can see it. It is not listed on “Have your say”.")
           if visibility == "organisation" else _("Anyone can see it on this website."))
    status = draft.status_on(today)
    start, close = draft.starts_on, draft.closes_on
    from ..core.templating import format_date

    # Each sentence whole, for a consultation listed on "Have your say" (public) and not.
    if status == "planned" and start is None:
        when = (_("On “Have your say” it shows as planned, not open, because it has no start date. Add a start date when you know it.")
                if public else _("It shows as planned, not open, because it has no start date. Add a start date when you know it."))
    elif status == "planned":
        when = (_("On “Have your say” it shows as planned until %(date)s, then as open.", date=format_date(start)) if public
                else _("It shows as planned until %(date)s, then as open.", date=format_date(start)))
    elif status == "open" and close:
        when = (_("On “Have your say” it shows as open, inviting people to take part, until %(date)s.", date=format_date(close))
                if public else _("It shows as open, inviting people to take part, until %(date)s.", date=format_date(close)))
    elif status == "open":
        when = (_("On “Have your say” it shows as open, inviting people to take part, with no closing date.") if public
                else _("It shows as open, inviting people to take part, with no closing date."))
    elif status == "closed":
        when = _("On “Have your say” it shows as closed.") if public else _("It shows as closed.")
    else:
        when = _("On “Have your say” it shows as closed, with its results.") if public else _("It shows as closed, with its results.")
    return [who, when]


# ---- what residents said about an outcome (engage.core.registry.outcome_evidence) ---------

def outcome_evidence(outcome_ids, user) -> list[dict]:
    """The consultations linked to these outcomes that ``user`` may see, with a few of their
    findings, for a ladder stage's page."""
    from flask import url_for
    from .models import consultation_outcome

    linked = select(consultation_outcome.c.consultation_id).where(consultation_outcome.c.outcome_id.in_(list(outcome_ids)))
    rows = db.session.scalars(select(Consultation).where(Consultation.id.in_(linked), visible_clause(user))
                              .order_by(Consultation.id)).all()
    out = []
    for c in rows:
        findings = db.session.scalars(select(Finding.statement).where(Finding.consultation_id == c.id)
                                      .order_by(Finding.position, Finding.id).limit(3)).all()
        out.append({"kind": "Consultation", "title": c.title, "url": url_for("consultations.page", consultation_id=c.id),
                    "on": c.actual_close or c.planned_close or c.actual_start or c.planned_start,
                    "summary": c.summary, "points": list(findings)})
    return out
