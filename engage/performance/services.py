"""Rules of performance management. Services flush; views commit once.

- ``review``/``sync``: bring the stored ladder stages in line with the ladder worked out from
  the readings (``ladder.py``) over every six-monthly period that has ended: start the stages
  the readings call for, close or escalate the ones they end. Safe to run again and again
  (``flask --app wsgi engage ladder-review``, hourly with the reminders).
- ``start_by_hand``: the PSG starts any stage, with its reason.
- ``move``: the owner's, the PSG's and officers' moves (the table in ``workflow.py``).
- ``send_reminders``: report-back dates due soon or passed, through the mail outbox, once per
  stage, kind and date (the mail key).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..core import audit, clock
from ..core.errors import RuleError, not_found
from ..core.i18n import N_
from ..core.mail import queue_mail
from ..core.models import get_or_404
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..core.transitions import compare_and_set
from ..core.urls import external_url
from ..extensions import db
from ..partnership.models import Framework, Indicator, Outcome, Priority
from . import ladder
from .models import OPEN_STATES, STAGE_STATES, LadderMove, LadderStage, MonitoringPeriod, PsgMember, TargetSetting
from .workflow import OFFICER as OFFICER_ROLE, OWNER, PSG, steps_from

PSG_NAME = "Performance and Standards Group"
DUE_SOON_DAYS = 14


def _today() -> date:
    return clock.today()   # the site's date (engage/core/clock.py)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, last))


# ---- who may do what --------------------------------------------------------------------

def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_officer(user) -> bool:
    return _signed_in(user) and user.role == OFFICER


def is_psg(user) -> bool:
    """Officers act for the Performance and Standards Group; so do its members."""
    if not _signed_in(user):
        return False
    return is_officer(user) or db.session.scalar(select(PsgMember.id).where(PsgMember.user_id == user.id)) is not None


def partnership_of(indicator: Indicator):
    priority = indicator.outcome.priority if indicator.outcome else None
    return priority.partnership if priority else None


def is_owner(user, stage: LadderStage) -> bool:
    """The stage's named owner, or (stages 1 and 2) a coordinator of the target's partnership."""
    if not _signed_in(user):
        return False
    if stage.owner_id == user.id:
        return True
    partnership = partnership_of(stage.indicator)
    return stage.stage < 3 and partnership is not None and any(c.id == user.id for c in partnership.coordinators)


def may(user, stage: LadderStage, step) -> bool:
    if step is None or step.automatic or not _signed_in(user):
        return False
    roles = set(step.roles)
    return bool((OFFICER_ROLE in roles and is_officer(user)) or (PSG in roles and is_psg(user))
                or (OWNER in roles and is_owner(user, stage)))


def can_manage(user) -> bool:
    return is_officer(user)


# ---- periods and targets ----------------------------------------------------------------

def periods(kind: str | None = None) -> list[MonitoringPeriod]:
    query = select(MonitoringPeriod).order_by(MonitoringPeriod.starts_on, MonitoringPeriod.ends_on)
    if kind:
        query = query.where(MonitoringPeriod.kind == kind)
    return db.session.scalars(query).all()


def ended_reviews(today: date | None = None, upto: MonitoringPeriod | None = None) -> list[MonitoringPeriod]:
    """The six-monthly periods that have ended (by ``today``, or up to ``upto``'s end)."""
    today = today or _today()
    rows = [p for p in periods("six-monthly") if p.ends_on < today]
    if upto is not None:
        rows = [p for p in rows if p.ends_on <= upto.ends_on]
    return rows


def get_period(period_id) -> MonitoringPeriod:
    return get_or_404(MonitoringPeriod, period_id, "There is no monitoring period at this address.")


def get_target(indicator_id) -> Indicator:
    return get_or_404(Indicator, indicator_id, "There is no target at this address.")


def get_stage(stage_id) -> LadderStage:
    return get_or_404(LadderStage, stage_id, "There is no ladder stage at this address.")


def targets() -> list[Indicator]:
    """Every target with a monitoring level, by framework, priority and outcome."""
    return db.session.scalars(
        select(Indicator).join(Outcome).join(Priority).join(Framework)
        .where(Indicator.monitoring_level.is_not(None))
        .options(selectinload(Indicator.readings))
        .order_by(Framework.starts_on, Priority.position, Outcome.code, Indicator.id)).all()


def setting(indicator: Indicator) -> TargetSetting | None:
    return db.session.scalar(select(TargetSetting).where(TargetSetting.indicator_id == indicator.id))


def annual_only(indicator: Indicator) -> bool:
    found = setting(indicator)
    return bool(found and found.annual_only)


def stages_of(indicator: Indicator) -> list[LadderStage]:
    return db.session.scalars(select(LadderStage).where(LadderStage.indicator_id == indicator.id)
                              .order_by(LadderStage.id)).all()


def open_stage(indicator: Indicator) -> LadderStage | None:
    return db.session.scalar(select(LadderStage).where(LadderStage.indicator_id == indicator.id,
                                                       LadderStage.state.in_(OPEN_STATES)).order_by(LadderStage.id.desc()).limit(1))


def manual_starts(indicator: Indicator, reviews: list[MonitoringPeriod]) -> dict[int, int]:
    index = {p.id: i for i, p in enumerate(reviews)}
    out: dict[int, int] = {}
    for stage in stages_of(indicator):
        if stage.by_hand and stage.state != "withdrawn" and stage.started_period_id in index:
            i = index[stage.started_period_id]
            out[i] = max(out.get(i, 0), stage.stage)
    return out


def series(indicator: Indicator, today: date | None = None, upto: MonitoringPeriod | None = None) -> list[ladder.Point]:
    reviews = ended_reviews(today, upto)
    return ladder.series(indicator, reviews, annual_only(indicator), manual_starts(indicator, reviews))


# ---- working out the ladder ---------------------------------------------------------------

def _owner_for(indicator: Indicator, stage: int):
    """(owner user, owner's name, who it reports to) for a new stage."""
    partnership = partnership_of(indicator)
    pname = partnership.name if partnership else "its thematic partnership"
    if stage == 1:
        found = setting(indicator)
        officer = found.lead_officer if found and found.lead_officer and found.lead_officer.active else None
        lead = indicator.lead_organisation.name if indicator.lead_organisation else "The lead partner"
        return officer, lead, pname
    if stage == 2:
        return None, pname, PSG_NAME
    return None, f"A member of the {PSG_NAME} (to be named)", PSG_NAME


def _record(actor, stage: LadderStage, action: str, from_state: str, to_state: str, reason: str) -> None:
    db.session.add(LadderMove(ladder_stage=stage, actor_id=getattr(actor, "id", None), action=action,
                              from_state=from_state, to_state=to_state, reason=reason))
    said = (N_("Stage %(stage)s for “%(target)s”: %(before)s to %(after)s. %(reason)s"),
            {"stage": stage.stage, "target": stage.indicator.name[:120], "before": STAGE_STATES.get(from_state, N_("new")),
             "after": STAGE_STATES.get(to_state, to_state), "reason": reason[:120]}, ("before", "after"))
    audit.record(actor, action, stage, f"Stage {stage.stage} for “{stage.indicator.name[:120]}”: {from_state or 'new'} to {to_state}. {reason}"[:300],
                 said=said)


def _begin(actor, indicator: Indicator, number: int, period: MonitoringPeriod, started_on: date, reason: str,
           by_hand: bool, previous: LadderStage | None, tell: bool) -> LadderStage:
    owner, owner_name, reports_to = _owner_for(indicator, number)
    state = "nominating" if number == 3 else "planning"
    stage = LadderStage(indicator_id=indicator.id, stage=number, state=state, started_period_id=period.id,
                        started_on=started_on, by_hand=by_hand, reason=reason, started_by_id=getattr(actor, "id", None),
                        owner_id=owner.id if owner else None, owner_name=owner_name, reports_to=reports_to,
                        report_back_on=add_months(started_on, 3), previous_id=previous.id if previous else None)
    db.session.add(stage)
    db.session.flush()
    _record(actor, stage, "start", "", state, reason)
    if tell:
        _tell_started(stage)
    return stage


def _end(actor, stage: LadderStage, action: str, period: MonitoringPeriod | None, reason: str) -> None:
    target = "closed" if action == "close" else "escalated"
    before = stage.state
    values = {"state": target, "ended_on": period.reports_on if period else _today(),
              "ended_period_id": period.id if period else None}
    compare_and_set(stage, {"state": before}, values, done="moved this stage on")
    _record(actor, stage, action, before, target, reason)


def _fmt(value) -> str:
    if value is None:
        return "none"
    return f"{value:g}"


def sync(indicator: Indicator, today: date | None = None, tell: bool = True) -> dict[str, int]:
    """Start, close and escalate ``indicator``'s stages as its readings call for, period by
    period. Returns how many were started, closed and escalated."""
    reviews = ended_reviews(today)
    counts = {"started": 0, "closed": 0, "escalated": 0}
    if not reviews or indicator.monitoring_level is None:
        return counts
    points = ladder.series(indicator, reviews, annual_only(indicator), manual_starts(indicator, reviews))
    stored = {(s.stage, s.started_period_id): s for s in stages_of(indicator)}
    previous = None
    for ep in ladder.episodes([p.position for p in points], manual_starts(indicator, reviews)):
        period = reviews[ep.start]
        point = points[ep.start]
        record = stored.get((ep.stage, period.id))
        if record is None and not ep.by_hand:
            if ep.stage == 1:
                why = (f"The six-monthly review of {period.name} found {_fmt(point.value)}{indicator.unit if indicator.unit == '%' else ''}, "
                       f"below the monitoring level of {_fmt(point.level)}.")
            elif ep.stage == 2:
                why = f"Below the monitoring level for two six-monthly periods in a row (latest: {period.name}, {_fmt(point.value)})."
            else:
                why = f"Still below the monitoring level despite the partnership's plan (latest: {period.name}, {_fmt(point.value)})."
            if previous is not None and previous.is_open:
                _end(None, previous, "escalate", period, f"Stage {ep.stage} starts: {why}")
                counts["escalated"] += 1
            record = _begin(None, indicator, ep.stage, period, period.reports_on, why, False, previous, tell)
            stored[(ep.stage, period.id)] = record
            counts["started"] += 1
        if record is None:
            continue
        if ep.end is not None and record.is_open and ep.ended == "closed":
            end_period = reviews[ep.end]
            _end(None, record, "close", end_period,
                 f"The review of {end_period.name} found {_fmt(points[ep.end].value)}, at or above the monitoring level.")
            counts["closed"] += 1
        # An escalation is recorded when the next stage starts (above, or by the PSG's hand).
        previous = record
    db.session.flush()
    return counts


def review(today: date | None = None, tell: bool = True) -> dict[str, int]:
    """``sync`` for every target."""
    total = {"started": 0, "closed": 0, "escalated": 0}
    for indicator in targets():
        for key, n in sync(indicator, today, tell).items():
            total[key] += n
    return total


def start_by_hand(actor, indicator: Indicator, number, reason: str, today: date | None = None) -> LadderStage:
    """The PSG's right (seed 004) to start stage 1, 2 or 3 where there is other evidence of
    under-performance, with its reason. It counts from the latest six-monthly review."""
    if not is_psg(actor):
        raise RuleError("Only a member of the Performance and Standards Group can start a stage by hand.")
    number = to_id(number)
    if number not in (1, 2, 3):
        raise RuleError("Select stage 1, 2 or 3", "stage")
    reason = clean_text(reason, 3000)
    if not reason:
        raise RuleError("Say why the PSG is starting this stage: the evidence of under-performance", "reason")
    today = today or _today()
    reviews = ended_reviews(today)
    if not reviews:
        raise RuleError("There is no six-monthly review yet to start a stage from. Add the monitoring periods first.")
    period = reviews[-1]
    current = open_stage(indicator)
    if current is not None and current.stage >= number:
        raise RuleError(f"This target is already at stage {current.stage}. Choose a higher stage", "stage")
    if db.session.scalar(select(LadderStage.id).where(LadderStage.indicator_id == indicator.id, LadderStage.stage == number,
                                                       LadderStage.started_period_id == period.id)) is not None:
        raise RuleError(f"Stage {number} was already started for the review of {period.name}", "stage")
    if current is not None:
        _end(actor, current, "escalate", None, f"The PSG started stage {number} by hand: {reason}")
    stage = _begin(actor, indicator, number, period, today, reason, True, current, tell=True)
    return stage


# ---- the owner's and the PSG's moves --------------------------------------------------------

def psg_members() -> list[User]:
    return db.session.scalars(select(User).join(PsgMember, PsgMember.user_id == User.id).order_by(User.name)).all()


def move(actor, stage: LadderStage, action: str, data: dict, today: date | None = None, tell: bool = True) -> None:
    today = today or _today()
    step = steps_from(stage.state, action)
    if step is None or step.automatic:
        raise RuleError("That cannot be done to this stage now. Reload the page to see where it is.")
    if not may(actor, stage, step):
        raise RuleError(f"Only {' or '.join(sorted(_who(step)))} can do that.")
    before = stage.state
    values: dict = {"state": step.target}
    reason = clean_text(data.get("reason"), 3000)
    if action == "nominate":
        nominee = to_id(data.get("nominee_id"))
        if nominee is None or nominee not in {u.id for u in psg_members()}:
            raise RuleError("Select a member of the Performance and Standards Group", "nominee_id")
        user = db.session.get(User, nominee)
        values.update(owner_id=user.id, owner_name=user.name)
        reason = reason or f"{user.name} will agree a revised plan."
    elif action == "record-plan":
        text = clean_text(data.get("plan"), 5000)
        if not text:
            raise RuleError("Enter the plan: what will be done, by whom and by when", "plan")
        values["plan"] = text
        reason = reason or "Plan recorded."
    elif action == "report-back":
        text = clean_text(data.get("report"), 5000)
        if not text:
            raise RuleError("Enter the report: what has been done and what has changed", "report")
        values.update(report=text, reported_on=today)
        reason = reason or "Report received."
    elif action in ("ask-again", "withdraw"):
        if not reason:
            raise RuleError("Say why", "reason")
        if action == "ask-again":
            values["report_back_on"] = add_months(today, 3)
    compare_and_set(stage, {"state": before}, values, done="moved this stage on")
    _record(actor, stage, action, before, step.target, reason)
    if tell and action in ("nominate", "ask-again"):
        _tell_owner(stage, action)
    db.session.flush()


def _who(step) -> set[str]:
    from .workflow import ROLES

    return {ROLES[r] for r in step.roles}


# ---- mail ----------------------------------------------------------------------------------

def recipients(stage: LadderStage) -> list[User]:
    """Who is told about a stage: its owner; else (stages 1 and 2) the coordinators of the
    target's partnership; else (stage 3 waiting for a name) the PSG's members."""
    if stage.owner is not None and stage.owner.active:
        return [stage.owner]
    if stage.stage < 3:
        partnership = partnership_of(stage.indicator)
        people = [u for u in (partnership.coordinators if partnership else []) if u.active]
        if people:
            return people
    return [u for u in psg_members() if u.active]


def _site() -> str:
    return current_app.config.get("ENGAGE_SITE_NAME", "Engage")


def _send(stage: LadderStage, kind: str, subject: str, lines: list[str], key_part: str) -> int:
    sent = 0
    link = external_url("performance.stage", stage_id=stage.id)
    for user in recipients(stage):
        body = "\n\n".join([f"Dear {user.name},", *lines, f"See the stage and act on it here:\n{link}", f"{_site()}"])
        if queue_mail(user.email, subject, body, key=f"ladder:{stage.id}:{kind}:{key_part}:{user.id}", topic="ladder"):
            sent += 1
    return sent


def _tell_started(stage: LadderStage) -> int:
    target = stage.indicator.name
    return _send(stage, "start", f"Stage {stage.stage} of the ladder: {target[:120]}",
                 [f"“{target}” is now at stage {stage.stage} of the ladder of intervention.", stage.reason, stage.asks,
                  f"Please report to the {stage.reports_to} by {stage.report_back_on.day} {stage.report_back_on:%B %Y}."],
                 stage.started_on.isoformat())


def _tell_owner(stage: LadderStage, action: str) -> int:
    target = stage.indicator.name
    if action == "nominate":
        lines = [f"You have been named to agree a revised plan for “{target}” (stage 3).",
                 f"Please report to the {PSG_NAME} by {stage.report_back_on.day} {stage.report_back_on:%B %Y}."]
    else:
        lines = [f"A further report on “{target}” is asked for by {stage.report_back_on.day} {stage.report_back_on:%B %Y}."]
    return _send(stage, action, f"Ladder stage {stage.stage}: {target[:120]}", lines, stage.report_back_on.isoformat())


def reminders_due(today: date | None = None) -> list[tuple[LadderStage, str]]:
    today = today or _today()
    out = []
    for stage in db.session.scalars(select(LadderStage).where(LadderStage.state.in_(("nominating", "planning", "acting")))
                                    .order_by(LadderStage.report_back_on, LadderStage.id)):
        if today > stage.report_back_on:
            out.append((stage, "overdue"))
        elif today >= stage.report_back_on - timedelta(days=DUE_SOON_DAYS):
            out.append((stage, "due-soon"))
    return out


def send_reminders(today: date | None = None) -> int:
    """Remind each open stage's people when its report is due within two weeks, and once it
    is overdue: once per stage, kind and report-back date (the mail key), so safe hourly."""
    sent = 0
    for stage, kind in reminders_due(today):
        when = f"{stage.report_back_on.day} {stage.report_back_on:%B %Y}"
        words = "is due soon" if kind == "due-soon" else "is overdue"
        sent += _send(stage, kind, f"Ladder report {words}: {stage.indicator.name[:120]}",
                      [f"The report on stage {stage.stage} for “{stage.indicator.name}” to the {stage.reports_to} {words}: "
                       f"it was asked for by {when}.", stage.asks], stage.report_back_on.isoformat())
    return sent


# ---- managing ------------------------------------------------------------------------------

PERIOD_MONTHS = {"six-monthly": 6, "quarterly": 3}


def save_period(actor, data: dict) -> MonitoringPeriod:
    if not can_manage(actor):
        raise RuleError("Only a partnership officer can add monitoring periods.")
    name = clean_text(data.get("name"), 120)
    kind = data.get("kind")
    starts, ends, reports = data.get("starts_on"), data.get("ends_on"), data.get("reports_on")
    if not name:
        raise RuleError("Enter the period's name, for example April to September 2006", "name")
    if kind not in PERIOD_MONTHS:
        raise RuleError("Select six-monthly or quarterly", "kind")
    if not starts:
        raise RuleError("Enter the first day of the period", "starts_on")
    if not ends:
        raise RuleError("Enter the last day of the period", "ends_on")
    if ends <= starts:
        raise RuleError("The last day must be after the first day", "ends_on")
    if not reports:
        raise RuleError("Enter the date it goes to the board", "reports_on")
    if reports <= ends:
        raise RuleError("The report to the board comes after the period ends", "reports_on")
    if db.session.scalar(select(MonitoringPeriod.id).where(MonitoringPeriod.name == name)) is not None:
        raise RuleError("There is already a period with this name", "name")
    clash = db.session.scalar(select(MonitoringPeriod).where(MonitoringPeriod.kind == kind, MonitoringPeriod.starts_on <= ends,
                                                            MonitoringPeriod.ends_on >= starts).limit(1))
    if clash is not None:
        raise RuleError(f"It overlaps {clash.name}. {clash.kind_label}s cannot overlap", "starts_on")
    period = MonitoringPeriod(name=name, kind=kind, starts_on=starts, ends_on=ends, reports_on=reports)
    db.session.add(period)
    db.session.flush()
    audit.record(actor, "create", period, f"Monitoring period added: {name}")
    return period


def set_target(actor, indicator: Indicator, annual: bool, lead_officer_id) -> TargetSetting:
    if not can_manage(actor):
        raise RuleError("Only a partnership officer can change how a target is monitored.")
    officer = None
    if lead_officer_id not in (None, "", 0):
        officer = db.session.get(User, to_id(lead_officer_id) or 0)
        if officer is None:
            raise RuleError("Select the lead officer from the list", "lead_officer_id")
    found = setting(indicator) or TargetSetting(indicator_id=indicator.id)
    found.annual_only, found.lead_officer_id = bool(annual), officer.id if officer else None
    db.session.add(found)
    db.session.flush()
    audit.record(actor, "update", indicator, f"Monitoring of “{indicator.name[:120]}”: "
                 f"{'figures once a year' if annual else 'figures every six months'}, lead officer {officer.name if officer else 'none'}",
                 changes={"annual_only": bool(annual), "lead_officer_id": officer.id if officer else None})
    return found


def add_psg_member(actor, user_id) -> PsgMember:
    if not can_manage(actor):
        raise RuleError("Only a partnership officer can change who is in the PSG.")
    user = db.session.get(User, to_id(user_id) or 0)
    if user is None:
        raise RuleError("Select a person from the list", "user_id")
    if db.session.scalar(select(PsgMember.id).where(PsgMember.user_id == user.id)) is not None:
        raise RuleError(f"{user.name} is already a member", "user_id")
    member = PsgMember(user_id=user.id)
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "create", member, f"{user.name} joined the {PSG_NAME}")
    return member


def remove_psg_member(actor, member_id) -> None:
    if not can_manage(actor):
        raise RuleError("Only a partnership officer can change who is in the PSG.")
    member = db.session.get(PsgMember, to_id(member_id) or 0)
    if member is None:
        not_found("That person is not a member of the PSG.")
    audit.record(actor, "delete", member, f"{member.user.name} left the {PSG_NAME}")
    db.session.delete(member)
    db.session.flush()
