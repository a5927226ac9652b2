"""Rules of the risk register. Functions flush; views commit once.

Who may do what: every signed-in member of staff (practitioners, coordinators, officers)
reads the register; an officer adds and changes any risk; a coordinator adds and changes
the risks of the partnerships they coordinate. A VCS member and a resident see nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER
from ..core import concurrency
from ..core.audit import record
from ..core.errors import RuleError
from ..core.mail import external_url, queue_mail
from ..core.params import to_id
from ..core.registry import ShownLink, links
from ..core.sanitise import clean_text
from ..core.transitions import compare_and_set
from ..extensions import db
from ..partnership.models import Partnership
from .models import Risk, RiskLink
from .scale import BANDS, CATEGORIES, IMPACT, LIKELIHOOD, band, score

# What a risk can link to (kinds registered in engage.core.registry.links by their owners).
LINK_KINDS = ("outcome", "plan-action")
REMIND_DAYS = 7


def _today() -> date:
    from ..core import clock

    return clock.today()  # Europe/London's date, settable in tests (engage/core/clock.py)


# ---- who may do what --------------------------------------------------------------------

def can_read(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_role(PRACTITIONER, COORDINATOR, OFFICER))


def _coordinates(user, partnership_id) -> bool:
    p = db.session.get(Partnership, partnership_id) if partnership_id else None
    return bool(p and any(c.id == user.id for c in p.coordinators))


def can_add(user) -> bool:
    return can_read(user) and user.has_role(COORDINATOR, OFFICER)


def can_edit(user, risk: Risk) -> bool:
    if not can_read(user):
        return False
    return user.has_role(OFFICER) or _coordinates(user, risk.partnership_id)


def owner_choices(user) -> list[tuple[int, str]]:
    """0 is the Board (officers only); then the thematic partnerships the person may choose."""
    rows = db.session.scalars(select(Partnership).where(Partnership.kind != "strategic").order_by(Partnership.name)).all()
    if user.has_role(OFFICER):
        return [(0, "The Board")] + [(p.id, p.name) for p in rows]
    return [(p.id, p.name) for p in rows if any(c.id == user.id for c in p.coordinators)]


# ---- the register -----------------------------------------------------------------------

def register_rows(category: str | None = None, include_closed: bool = False) -> list[Risk]:
    """Open risks, highest score first (then the higher impact, the earlier review)."""
    query = select(Risk).options(selectinload(Risk.partnership), selectinload(Risk.links))
    if not include_closed:
        query = query.where(Risk.state == "open")
    if category:
        query = query.where(Risk.category == category)
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda r: (r.state != "open", -r.score, -r.impact, r.review_on, r.id))


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return score(self.likelihood, self.impact)

    @property
    def band(self):
        return band(self.score)


@dataclass
class HeatMap:
    rows: list[tuple[int, str, list[HeatCell]]]   # likelihood 5 down to 1
    columns: list[tuple[int, str]]                 # impact 1 up to 5
    total: int
    by_band: dict[str, int]


def heat_map(risks: list[Risk]) -> HeatMap:
    counts: dict[tuple[int, int], int] = {}
    for r in risks:
        counts[(r.likelihood, r.impact)] = counts.get((r.likelihood, r.impact), 0) + 1
    rows = [(lk, LIKELIHOOD[lk][0], [HeatCell(lk, im, counts.get((lk, im), 0)) for im in sorted(IMPACT)])
            for lk in sorted(LIKELIHOOD, reverse=True)]
    by_band = {b.key: 0 for b in BANDS}
    for r in risks:
        by_band[r.band.key] += 1
    return HeatMap(rows, [(im, IMPACT[im][0]) for im in sorted(IMPACT)], len(risks), by_band)


def review_state(risk: Risk, today: date | None = None) -> str:
    """"overdue", "soon" (within a week) or "" for a risk's next review."""
    today = today or _today()
    if risk.state != "open":
        return ""
    if risk.review_on < today:
        return "overdue"
    if risk.review_on <= today + timedelta(days=REMIND_DAYS):
        return "soon"
    return ""


# ---- changing risks ---------------------------------------------------------------------

def _scale_value(value, field: str, label: str) -> int:
    number = to_id(value)
    if number is None or number not in LIKELIHOOD:
        raise RuleError(f"Select the {label} from 1 to 5", field)
    return number


def _read(actor, data: dict, risk: Risk | None) -> dict:
    title = clean_text(data.get("title"), 200)
    if not title:
        raise RuleError("Enter the risk: what could go wrong", "title")
    category = data.get("category")
    if category not in CATEGORIES:
        raise RuleError("Select whether the risk is strategic or operational", "category")
    owner = to_id(data.get("owner")) if str(data.get("owner", "")).strip() not in ("0", "") else 0
    if owner is None or owner not in {c[0] for c in owner_choices(actor)}:
        raise RuleError("Select who owns the risk from the list", "owner")
    review_on = data.get("review_on")
    if not isinstance(review_on, date):
        raise RuleError("Enter the date of the next review", "review_on")
    return {
        "title": title, "description": clean_text(data.get("description"), 5000), "category": category,
        "partnership_id": owner or None,
        "likelihood": _scale_value(data.get("likelihood"), "likelihood", "likelihood"),
        "impact": _scale_value(data.get("impact"), "impact", "impact"),
        "controls": clean_text(data.get("controls"), 5000), "actions": clean_text(data.get("actions"), 5000),
        "review_on": review_on,
    }


def add_risk(actor, data: dict) -> Risk:
    if not can_add(actor):
        raise RuleError("Only a partnership officer or a partnership coordinator can add a risk.")
    values = _read(actor, data, None)
    risk = Risk(**values, created_by_id=actor.id, state="open")
    db.session.add(risk)
    db.session.flush()
    record(actor, "create", risk, f"Added the risk “{risk.title[:80]}” scored {risk.score} "
                                  f"(likelihood {risk.likelihood} × impact {risk.impact})")
    db.session.flush()
    return risk


def update_risk(actor, risk: Risk, data: dict, loaded_version=concurrency.UNCHECKED, note: str = "") -> Risk:
    """Change a risk (a review, when ``reviewed`` is set: its date is today). The audit event
    keeps every changed column, old and new: that is the risk's history."""
    if not can_edit(actor, risk):
        raise RuleError("Only a partnership officer or the owning partnership's coordinator can change this risk.")
    concurrency.check(risk, loaded_version)
    values = _read(actor, data, risk)
    if risk.partnership_id is not None and values["partnership_id"] != risk.partnership_id and not actor.has_role(OFFICER):
        raise RuleError("Only a partnership officer can give the risk to another owner", "owner")
    old_score = risk.score
    for name, value in values.items():
        setattr(risk, name, value)
    reviewed = bool(data.get("reviewed"))
    if reviewed:
        risk.reviewed_on = _today()
    note = clean_text(note or data.get("note"), 1000)
    verb = "Reviewed" if reviewed else "Changed"
    summary = f"{verb} the risk “{risk.title[:60]}”"
    if risk.score != old_score:
        summary += f": score {old_score} → {risk.score}"
    if note:
        summary += f". {note}"
    record(actor, "update", risk, summary)
    concurrency.flush(risk)
    return risk


def close_risk(actor, risk: Risk, reason: str) -> None:
    if not can_edit(actor, risk):
        raise RuleError("Only a partnership officer or the owning partnership's coordinator can close this risk.")
    reason = clean_text(reason, 1000)
    if not reason:
        raise RuleError("Say why the risk can be closed", "reason")
    compare_and_set(risk, {"state": "open"}, {"state": "closed"}, done="closed this risk")
    record(actor, "close", risk, f"Closed the risk: {reason}", {"state": ["open", "closed"]})
    db.session.flush()


def reopen_risk(actor, risk: Risk, reason: str) -> None:
    if not can_edit(actor, risk):
        raise RuleError("Only a partnership officer or the owning partnership's coordinator can reopen this risk.")
    reason = clean_text(reason, 1000)
    if not reason:
        raise RuleError("Say why the risk is open again", "reason")
    compare_and_set(risk, {"state": "closed"}, {"state": "open"}, done="reopened this risk")
    record(actor, "reopen", risk, f"Reopened the risk: {reason}", {"state": ["closed", "open"]})
    db.session.flush()


# ---- links to outcomes and plan actions ---------------------------------------------------

def link_choices(user) -> list[tuple[str, str]]:
    out = []
    for kind in LINK_KINDS:
        entry = links.get(kind)
        if entry:
            out += [(f"{kind}:{target}", f"{entry.label}: {title}") for target, title in entry.choices(user)]
    return out


def add_link(actor, risk: Risk, value: str) -> RiskLink:
    if not can_edit(actor, risk):
        raise RuleError("Only a partnership officer or the owning partnership's coordinator can change this risk.")
    kind, _, raw = str(value or "").partition(":")
    entry = links.get(kind) if kind in LINK_KINDS else None
    target = to_id(raw)
    if entry is None or target is None or target not in {c[0] for c in entry.choices(actor)}:
        raise RuleError("Select an outcome or a plan action from the list", "target")
    if any(link.kind == kind and link.target_id == target for link in risk.links):
        raise RuleError("The risk is already linked to that", "target")
    link = RiskLink(risk=risk, kind=kind, target_id=target)
    db.session.add(link)
    record(actor, "link", risk, f"Linked to {entry.label.lower()} {target}", {"link": [None, f"{kind}:{target}"]})
    db.session.flush()
    return link


def remove_link(actor, risk: Risk, link_id) -> None:
    if not can_edit(actor, risk):
        raise RuleError("Only a partnership officer or the owning partnership's coordinator can change this risk.")
    link = next((x for x in risk.links if x.id == to_id(link_id)), None)
    if link is None:
        raise RuleError("That link is not on this risk")
    record(actor, "unlink", risk, f"Removed the link to {link.kind} {link.target_id}",
           {"link": [f"{link.kind}:{link.target_id}", None]})
    db.session.delete(link)
    db.session.flush()


def resolved_links(risk: Risk) -> list[ShownLink]:
    """The risk's links the reader may see, with titles; links to things now gone are left out."""
    return links.shown(risk.links)


def risks_linked_to(kind: str, target_id: int) -> list[Risk]:
    return [r for r in db.session.scalars(select(Risk).join(RiskLink).where(RiskLink.kind == kind, RiskLink.target_id == target_id,
                                                                         Risk.state == "open")).unique()]


# ---- review reminders (outbox) ----------------------------------------------------------

def recipients(risk: Risk) -> list[User]:
    """The owning partnership's coordinators; for the Board's risks (or a partnership with no
    coordinator) every active partnership officer."""
    people = [u for u in (risk.partnership.coordinators if risk.partnership else []) if u.active]
    if not people:
        people = db.session.scalars(select(User).where(User.role == OFFICER, User.active.is_(True)).order_by(User.id)).all()
    return people


def send_review_reminders(today: date | None = None) -> int:
    """Queue a reminder for every open risk whose review is due within a week ("soon"), and
    another once it is overdue. Each is keyed on the risk and its review date: run as often as
    you like, each person gets each reminder once; a new review date brings new reminders."""
    today = today or _today()
    queued = 0
    rows = db.session.scalars(select(Risk).where(Risk.state == "open", Risk.review_on <= today + timedelta(days=REMIND_DAYS))
                              .order_by(Risk.id)).all()
    for risk in rows:
        stage = review_state(risk, today)
        if not stage:
            continue
        link = external_url("risks.risk", risk_id=risk.id)
        if stage == "overdue":
            subject = f"Risk review overdue: {risk.title}"
            lead = f"The review of this risk was due on {risk.review_on:%-d %B %Y} and has not been recorded."
        else:
            subject = f"Risk review due {risk.review_on:%-d %B %Y}: {risk.title}"
            lead = f"The review of this risk is due on {risk.review_on:%-d %B %Y}."
        for person in recipients(risk):
            body = (f"Hello {person.name},\n\n{lead}\n\nRisk: {risk.title}\nOwner: {risk.owner_label}\n"
                    f"Score now: {risk.score} ({risk.band.label}): likelihood {risk.likelihood}, impact {risk.impact}\n\n"
                    f"Review it here (check the scores, controls and actions, then save it as reviewed):\n{link}\n")
            if queue_mail(person.email, subject, body, key=f"risk-review:{risk.id}:{risk.review_on.isoformat()}:{stage}:{person.id}",
                          topic="risk-review"):
                queued += 1
    db.session.flush()
    return queued
