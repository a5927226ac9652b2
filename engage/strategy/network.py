"""The Network Group: practitioners who opt in to a directory (the methods they have used,
the areas and audiences they know, how to reach them), the members named on consultations
as helpers, and network events with an iCalendar feed. Functions flush; views commit."""
from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event, vText
from sqlalchemy import select

from ..core.audit import record
from ..core.sanitise import clean_text
from ..core.vocabulary import AUDIENCES
from ..extensions import db
from ..partnership.models import Area, Organisation
from ..toolkit.models import ToolkitEntry
from .common import UNCHECKED, RuleError, check_version, get_or_404
from .documents import EMAIL, _delete, is_officer
from .models import EVENT_KINDS, ConsultationHelper, NetworkEvent, NetworkMember
from ..core import clock


def signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_see_contact(user) -> bool:
    """How to reach members is for signed-in users only."""
    return signed_in(user)


# ---- members ------------------------------------------------------------------------------

def members(method: str | None = None, area: int | None = None, audience: str | None = None) -> list[NetworkMember]:
    rows = db.session.scalars(select(NetworkMember)).all()
    if method:
        rows = [m for m in rows if method in (m.methods or [])]
    if area:
        rows = [m for m in rows if any(a.id == area for a in m.areas)]
    if audience:
        rows = [m for m in rows if audience in (m.audiences or [])]
    return sorted(rows, key=lambda m: m.name.lower())


def member_of(user) -> NetworkMember | None:
    if not signed_in(user):
        return None
    return db.session.scalar(select(NetworkMember).where(NetworkMember.user_id == user.id))


def members_using(slug: str) -> list[NetworkMember]:
    return members(method=slug)


def method_choices() -> list[tuple[str, str]]:
    """Toolkit methods by slug: (slug, title)."""
    return [(e.slug, e.title) for e in db.session.scalars(select(ToolkitEntry).where(ToolkitEntry.kind == "method").order_by(ToolkitEntry.title))]


def method_titles(member: NetworkMember) -> list[tuple[str, str]]:
    """The member's methods that are in the toolkit now: (slug, title), by title."""
    titles = dict(method_choices())
    return sorted(((s, titles[s]) for s in member.methods or [] if s in titles), key=lambda p: p[1].lower())


def area_choices() -> list[tuple[int, str]]:
    return [(a.id, f"{a.name} ({a.level_label.lower()})") for a in db.session.scalars(
        select(Area).where(Area.level.in_(["borough", "town", "ward"])).order_by(Area.name))]


def organisation_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


MEMBER_FIELDS = {"job_title": "Job title", "about": "About", "contact_email": "Email", "contact_phone": "Phone"}


def join_or_update(user, data: dict, loaded_version=UNCHECKED) -> NetworkMember:
    """The signed-in person joins the directory, or changes their own entry."""
    if not signed_in(user):
        raise RuleError("Sign in to join the Network Group.")
    email = clean_text(data.get("contact_email"), 254)
    phone = clean_text(data.get("contact_phone"), 40)
    if email and not EMAIL.match(email):
        raise RuleError("Enter an email address in the right format, like name@example.com", "contact_email")
    if not email and not phone:
        raise RuleError("Give an email address or a phone number, so members can reach you", "contact_email")
    audiences = [a for a in data.get("audiences") or []]
    if any(a not in AUDIENCES for a in audiences):
        raise RuleError("Select audiences from the list only", "audiences")
    methods = sorted(set(data.get("methods") or []))
    area_ids = set(data.get("area_ids") or [])
    areas = db.session.scalars(select(Area).where(Area.id.in_(area_ids))).all() if area_ids else []
    known = {slug for slug, _ in method_choices()}
    if any(m not in known for m in methods):
        raise RuleError("Select methods from the list only", "methods")
    if len(areas) != len(area_ids):
        raise RuleError("Select areas from the list only", "area_ids")
    org_id = data.get("organisation_id")
    if org_id and db.session.get(Organisation, org_id) is None:
        raise RuleError("Select an organisation from the list", "organisation_id")
    member = member_of(user)
    verb = "update"
    if member is None:
        member = NetworkMember(user_id=user.id)
        db.session.add(member)
        verb = "create"
    else:
        check_version(member, loaded_version, MEMBER_FIELDS, data)
    member.organisation_id = org_id
    member.job_title = clean_text(data.get("job_title"), 120)
    member.about = clean_text(data.get("about"), 2000)
    member.contact_email, member.contact_phone = email, phone
    member.audiences = sorted(audiences)
    member.methods = methods
    member.areas = list(areas)
    db.session.flush()
    record(user, verb, member, "Joined the Network Group" if verb == "create" else "Changed their Network Group entry")
    db.session.flush()
    return member


def leave(actor, member: NetworkMember) -> int:
    """Remove a member (themselves, or an officer removing anyone); the consultations that
    named them as helpers lose that mention, in the same transaction. Returns how many."""
    if not (is_officer(actor) or (signed_in(actor) and member.user_id == actor.id)):
        raise RuleError("You can only take yourself out of the directory.")
    helped = len(db.session.scalars(select(ConsultationHelper).where(ConsultationHelper.member_id == member.id)).all())
    _delete(actor, member, f"{member.name} left the Network Group" if member.user_id == getattr(actor, "id", None)
            else f"Removed {member.name} from the Network Group")
    return helped


# ---- helpers named on consultations -----------------------------------------------------------

def helpers_of(consultation_id: int) -> list[ConsultationHelper]:
    rows = db.session.scalars(select(ConsultationHelper).where(ConsultationHelper.consultation_id == consultation_id)).all()
    return sorted(rows, key=lambda h: h.member.name.lower())


def can_name_helpers(user, consultation) -> bool:
    from ..consultations.services import can_edit

    return signed_in(user) and can_edit(user, consultation)


def add_helper(actor, consultation, member_id, role: str) -> ConsultationHelper:
    if not can_name_helpers(actor, consultation):
        raise RuleError("Only people who can edit this consultation can name who helped.")
    member = db.session.get(NetworkMember, member_id) if member_id else None
    if member is None:
        raise RuleError("Select a network member from the list", "member_id")
    if any(h.member_id == member.id for h in helpers_of(consultation.id)):
        raise RuleError(f"{member.name} is already named on this consultation", "member_id")
    row = ConsultationHelper(consultation_id=consultation.id, member_id=member.id, role=clean_text(role, 200))
    db.session.add(row)
    record(actor, "update", consultation, f"Named {member.name} as a network member who helped", {"helpers": [None, member.name]})
    db.session.flush()
    return row


def remove_helper(actor, consultation, helper_id) -> None:
    if not can_name_helpers(actor, consultation):
        raise RuleError("Only people who can edit this consultation can change who helped.")
    row = get_or_404(ConsultationHelper, helper_id)
    if row.consultation_id != consultation.id:
        raise RuleError("That person is not named on this consultation.")
    record(actor, "update", consultation, f"Took {row.member.name} off the network members who helped", {"helpers": [row.member.name, None]})
    db.session.delete(row)
    db.session.flush()


# ---- events -------------------------------------------------------------------------------

def can_see_event(user, event: NetworkEvent) -> bool:
    return event.public or signed_in(user)


def events(user, upcoming_from: datetime | None = None) -> list[NetworkEvent]:
    query = select(NetworkEvent).order_by(NetworkEvent.starts_at)
    if upcoming_from is not None:
        query = query.where(NetworkEvent.ends_at >= upcoming_from)
    return [e for e in db.session.scalars(query) if can_see_event(user, e)]


def past_events(user, before: datetime) -> list[NetworkEvent]:
    query = select(NetworkEvent).where(NetworkEvent.ends_at < before).order_by(NetworkEvent.starts_at.desc())
    return [e for e in db.session.scalars(query) if can_see_event(user, e)]


def get_event(user, event_id) -> NetworkEvent:
    event = get_or_404(NetworkEvent, event_id, "There is no event at this address.")
    if not can_see_event(user, event):
        from ..core.errors import not_found

        not_found("There is no event at this address.")
    return event


EVENT_FIELDS = {"title": "Title", "place": "Place", "starts_at": "Starts", "ends_at": "Ends", "accessibility": "Accessibility"}


def save_event(actor, event: NetworkEvent | None, data: dict, loaded_version=UNCHECKED) -> NetworkEvent:
    if not is_officer(actor):
        raise RuleError("Only a partnership officer can arrange network events.")
    title = clean_text(data.get("title"), 200)
    place = clean_text(data.get("place"), 300)
    kind = data.get("kind")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not title:
        raise RuleError("Enter the event's title", "title")
    if kind not in EVENT_KINDS:
        raise RuleError("Select the kind of event", "kind")
    if starts is None:
        raise RuleError("Enter the date and start time", "starts_on")
    if ends is None or ends <= starts:
        raise RuleError("The end time must be after the start time", "end_time")
    if not place:
        raise RuleError("Enter where the event is", "place")
    verb = "create"
    if event is None:
        event = NetworkEvent()
        db.session.add(event)
    else:
        check_version(event, loaded_version, EVENT_FIELDS, data)
        verb = "update"
    event.title, event.kind, event.place = title, kind, place
    event.starts_at, event.ends_at = starts, ends
    event.accessibility = clean_text(data.get("accessibility"), 2000)
    event.description = clean_text(data.get("description"), 5000)
    event.public = bool(data.get("public"))
    db.session.flush()
    record(actor, verb, event, f"{'Arranged' if verb == 'create' else 'Changed'} the event “{title}”")
    db.session.flush()
    return event


def delete_event(actor, event: NetworkEvent) -> None:
    if not is_officer(actor):
        raise RuleError("Only a partnership officer can cancel network events.")
    _delete(actor, event, f"Deleted the event “{event.title}”")


def to_ical(rows: list[NetworkEvent], site_name: str, host: str, url_for_event) -> bytes:
    """An RFC 5545 calendar of ``rows``. Times carry the site's zone (TZID, with its VTIMEZONE), stored as UTC."""
    cal = Calendar()
    cal.add("prodid", f"-//{site_name}//Network Group events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{site_name}: Network Group events")
    stamp = clock.now()
    for row in rows:
        event = Event()
        event.add("uid", f"network-event-{row.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", clock.local(row.starts_at))   # stored UTC; TZID of the site's zone
        event.add("dtend", clock.local(row.ends_at))
        event.add("summary", f"{row.title} ({row.kind_label})")
        event.add("location", vText(row.place))
        description = row.description
        if row.accessibility:
            description = (description + "\n\n" if description else "") + "Accessibility: " + row.accessibility
        if description:
            event.add("description", description)
        event.add("url", url_for_event(row))
        event.add("categories", [row.kind_label])
        event.add("class", "PUBLIC" if row.public else "PRIVATE")
        event.add("sequence", max((row.version or 1) - 1, 0))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
