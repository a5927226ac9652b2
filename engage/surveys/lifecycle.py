"""What happens around a survey's dates: the consultation's dates following the survey's,
moves people make (close now, extend, reopen: each a compare-and-set on the dates as the
person saw them, with a reason, recorded as a ``SurveyLifecycleMove``: who, when, from, to,
why), and personal data deleted on schedule (``flask --app wsgi engage purge-expired``).

``TABLE`` is the survey's lifecycle as ``engage/core/workflows.py`` steps (its states follow
from its dates, ``Survey.state_at``): the survey's pages show where it is, who can move it on
and what each button does, and a test checks no state but a final one is a dead end. A new
move (close now, extend, reopen) is one more ``workflows.step(...)`` in ``TABLE``: the page
and the test pick it up; if it makes "closed" a state people can leave, take "closed" out of
``FINAL``.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select, update

from ..core import audit, transitions, workflows
from ..core.i18n import N_, gettext as _
from ..core.templating import format_date
from ..core.mail import external_url
from ..core.i18n import N_
from ..core.models import utcnow
from ..extensions import db
from .models import Survey, SurveyAnswer, SurveyContact, SurveyLifecycleMove, SurveyQuestion, SurveyResponse, comment_code
from ..core import clock


MANAGER = "manager"
ROLES = {MANAGER: N_("someone who can change the consultation (its practitioners and partnership officers)")}
STATE_WORDS = {"draft": N_("Draft"), "scheduled": N_("Scheduled"), "open": N_("Open"), "closed": N_("Closed")}
# Nothing is final: a closed survey can be reopened (``reopen``).
FINAL: set = set()
MOVES = {"close-now": N_("Closed now"), "extend": N_("Extended"), "reopen": N_("Reopened")}

TABLE: list[workflows.Step] = [
    workflows.step("set-dates", N_("Set the dates"), "draft", "scheduled", {MANAGER},
                   does=N_("Sets when the survey opens and closes, in its settings. It opens by itself on the opening date.")),
    workflows.step("clear-dates", N_("Take the dates away"), "scheduled", "draft", {MANAGER},
                   does=N_("Clearing the opening date in the settings keeps the survey as a draft.")),
    workflows.step("opens", N_("Opens"), "scheduled", "open", automatic=True,
                   does=N_("On the opening date the survey opens and the consultation's “Take part” link goes to it.")),
    workflows.step("closes", N_("Closes"), "open", "closed", automatic=True,
                   does=N_("On the closing date the survey stops taking answers. Personal data is deleted when "
                        "the time it is kept for has passed.")),
    workflows.step("close-now", N_("Close now"), "open", "closed", {MANAGER},
                   does=N_("Stops the survey taking answers at once. Your reason is kept and shown, and the consultation's "
                        "closing date becomes today.")),
    workflows.step("extend", N_("Extend"), "open", "open", {MANAGER},
                   does=N_("Moves the closing date later. Your reason is kept and shown, and the consultation's closing "
                        "date follows.")),
    workflows.step("reopen", N_("Reopen"), "closed", "open", {MANAGER},
                   does=N_("Opens the survey again until a new closing date. Your reason is kept and shown, and the "
                        "consultation is open again until that date.")),
]


def _may(step, survey, user) -> bool:
    from .builder import can_manage

    return bool(user is not None and getattr(user, "is_authenticated", False) and can_manage(user, survey))


def _href(step, survey):
    from flask import url_for

    if step.action in ("set-dates", "clear-dates"):
        return url_for("surveys.settings", survey_id=survey.id)
    if step.action in MOVES:
        return url_for("surveys.lifecycle_page", survey_id=survey.id, _anchor=step.action)
    return None


def _who(step, survey):
    """Who can take a step, in the reader's language (the workflow's own words are English)."""
    from ..core.i18n import gettext

    roles = sorted(step.roles)
    return gettext(ROLES[roles[0]]) if len(roles) == 1 and roles[0] in ROLES else None   # else the workflow's own words


WORKFLOW = workflows.register(workflows.Workflow(
    name="surveys.survey", title=N_("Survey"), states=STATE_WORDS, start="draft", final=FINAL, roles=ROLES,
    steps=lambda: TABLE, state_of=lambda survey: survey.state, may=_may, href=_href, who_now=_who))


def public_url(survey) -> str:
    """The full address residents open from outside the site (posters, share codes, QR)."""
    return external_url("surveys.start", survey_id=survey.id)


def _points_here(url: str, survey) -> bool:
    return bool(url) and url.rstrip("/").endswith(f"/surveys/{survey.id}")


def sync_take_part(survey) -> None:
    """The consultation's "Take part" link to an open survey is worked out on each request
    (``panels.take_part``, through ``core.registry.take_part``), so it follows the site
    wherever it is served; nothing is stored. A consultation's stored ``take_part_url`` is for
    outside sites only: an address of this survey stored there (as older versions did) is
    dropped."""
    consultation = survey.consultation
    if _points_here(consultation.take_part_url, survey):
        consultation.take_part_url = ""


def last_day(closes_at: datetime | None) -> date | None:
    """The last day a survey closing at ``closes_at`` takes answers (it closes at midnight
    after its closing date, or at the moment someone closed it)."""
    if closes_at is None:
        return None
    return clock.local_day(closes_at - timedelta(microseconds=1))


def consultation_follows(actor, survey, now=None) -> None:
    """The consultation's dates follow the survey's: it starts when the survey opens, and its
    closing date is the survey's last day (planned while it is still to come, actual once it
    has closed). Recorded on the consultation (its version moves on, so a consultation form
    opened before is an edit conflict, never a silent overwrite). Flushes."""
    if survey.opens_at is None:
        return
    now = now or utcnow()
    consultation = survey.consultation
    opens, last = clock.local_day(survey.opens_at), last_day(survey.closes_at)
    values = {"planned_start": opens, "actual_start": opens if survey.opens_at <= now else None,
              "planned_close": last if last is not None else consultation.planned_close,
              "actual_close": last if survey.closes_at is not None and survey.closes_at <= now else None}
    changes = {k: [getattr(consultation, k).isoformat() if getattr(consultation, k) else None, v.isoformat() if v else None]
               for k, v in values.items() if getattr(consultation, k) != v}
    if not changes:
        return
    for name, value in values.items():
        setattr(consultation, name, value)
    audit.record(actor, "update", consultation, f"Dates follow the survey “{survey.title}”", changes=changes)
    db.session.flush()


class MoveError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _closing(day) -> datetime:
    return clock.end_of_day(day)  # local midnight at the end of the day, as UTC


def _new_closing(survey, day, now: datetime, later_than_current: bool = False) -> datetime:
    """The new closing moment for ``day`` typed by the person (extend, reopen): a date, today
    or later, and (``later_than_current``) after the survey's current closing date."""
    if not isinstance(day, date):
        raise MoveError(_("Enter the new closing date"), "closes_on")
    closes_at = _closing(day)
    if later_than_current and survey.closes_at is not None and closes_at <= survey.closes_at:
        raise MoveError(_("The new closing date must be after the current one, %(date)s", date=format_date(last_day(survey.closes_at))),
                        "closes_on")
    if closes_at <= now:
        raise MoveError(_("The new closing date must be today or later"), "closes_on")
    return closes_at


def _reason(text: str) -> str:
    from ..core.sanitise import clean_text

    reason = clean_text(text or "")
    if not reason:
        raise MoveError(_("Say why, so that others can see why it was done"), "reason")
    if len(reason) > 1000:
        raise MoveError(_("The reason must be 1,000 characters or fewer"), "reason")
    return reason


def _move(actor, survey, move: str, closes_at: datetime, reason: str, now: datetime) -> SurveyLifecycleMove:
    """The move itself: a compare-and-set on the dates as the person saw them, first; then the
    record, the survey's version (an open settings form conflicts), the consultation's dates
    and its "Take part" link."""
    was_state, was_closes = survey.state_at(now), survey.closes_at
    transitions.compare_and_set(survey, {"opens_at": survey.opens_at, "closes_at": was_closes},
                                {"closes_at": closes_at, "updated_at": now}, done="changed this survey's dates")
    record = SurveyLifecycleMove(survey_id=survey.id, move=move, actor_id=actor.id, at=now, from_state=was_state,
                                 to_state=survey.state_at(now), from_closes=was_closes, to_closes=closes_at, reason=reason)
    db.session.add(record)
    audit.record(actor, "update", survey, f"{MOVES[move]}: {survey.title}",
                 changes={"closes_at": [was_closes.isoformat(timespec="minutes") if was_closes else None,
                                        closes_at.isoformat(timespec="minutes")], "reason": [None, reason]})
    sync_take_part(survey)
    consultation_follows(actor, survey, now)
    db.session.flush()
    return record


def _check(actor, survey) -> None:
    from .builder import can_manage

    if actor is None or not can_manage(actor, survey):
        raise MoveError(_("You cannot change this survey. Only its consultation's organisation and partnership officers can."))


def close_now(actor, survey, reason: str, now=None) -> SurveyLifecycleMove:
    """Stop taking answers at once (no backdating: it closes now, after it opened)."""
    _check(actor, survey)
    now = now or utcnow()
    if survey.state_at(now) != "open":
        raise MoveError(_("Only an open survey can be closed now"))
    return _move(actor, survey, "close-now", now, _reason(reason), now)


def extend(actor, survey, day, reason: str, now=None) -> SurveyLifecycleMove:
    """A later closing date for an open survey (it closes at the end of ``day``)."""
    _check(actor, survey)
    now = now or utcnow()
    if survey.state_at(now) != "open":
        raise MoveError(_("Only an open survey can be extended. To open a closed one again, reopen it"))
    return _move(actor, survey, "extend", _new_closing(survey, day, now, later_than_current=True), _reason(reason), now)


def reopen(actor, survey, day, reason: str, now=None) -> SurveyLifecycleMove:
    """Open a closed survey again until the end of ``day``."""
    _check(actor, survey)
    now = now or utcnow()
    if survey.state_at(now) != "closed":
        raise MoveError(_("Only a closed survey can be reopened"))
    return _move(actor, survey, "reopen", _new_closing(survey, day, now), _reason(reason), now)


def moves(survey) -> list[SurveyLifecycleMove]:
    return db.session.scalars(select(SurveyLifecycleMove).where(SurveyLifecycleMove.survey_id == survey.id)
                              .order_by(SurveyLifecycleMove.at.desc(), SurveyLifecycleMove.id.desc())).all()


def retention_ends(survey):
    if survey.closes_at is None:
        return None
    return survey.closes_at + timedelta(days=survey.retention_days or 0)


def purge_expired(now=None, echo=lambda m: None) -> dict:
    """Delete what is kept only for a while:
    - for surveys closed longer than their retention period: the "tell me what happens next"
      addresses, and every free-text part of the answers whose text is personal
      (``SurveyQuestion.text_is_personal``: flagged questions and equality questions),
      including the words written beside a choice;
    - unfinished drafts not saved for ENGAGE_SURVEY_DRAFT_DAYS (30 unless set), and previews
      (for every survey).
    Flushes; the caller commits."""
    from .answering import drafts_cutoff

    now = now or utcnow()
    counts = {"surveys": 0, "contacts": 0, "texts": 0, "drafts": 0}
    surveys = db.session.scalars(select(Survey).where(Survey.closes_at.is_not(None), Survey.closes_at <= now)).all()
    for survey in surveys:
        ends = retention_ends(survey)
        if ends is None or ends > now:
            continue
        counts["contacts"] += db.session.execute(delete(SurveyContact).where(SurveyContact.survey_id == survey.id)).rowcount
        # Every free-text part of an answer to a question whose text is personal: a text
        # answer, or the words beside a choice (an equality "please say" box). The choice stays.
        personal = select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey.id, SurveyQuestion.text_is_personal)
        answers = select(SurveyAnswer.id).where(SurveyAnswer.question_id.in_(personal), SurveyAnswer.text.is_not(None))
        db.session.execute(delete(comment_code).where(comment_code.c.answer_id.in_(answers)))
        counts["texts"] += db.session.execute(
            update(SurveyAnswer).where(SurveyAnswer.question_id.in_(personal), SurveyAnswer.text.is_not(None))
            .values(text=None).execution_options(synchronize_session=False)).rowcount
        if survey.personal_purged_at is None:
            survey.personal_purged_at = now
            counts["surveys"] += 1
        echo(f"Survey {survey.id} ({survey.title}): personal data past its retention period deleted")
    counts["drafts"] = db.session.execute(delete(SurveyResponse).where(
        ((SurveyResponse.status == "draft") & (SurveyResponse.updated_at < drafts_cutoff()))
        | ((SurveyResponse.status == "preview") & (SurveyResponse.updated_at < now - timedelta(days=1))))).rowcount
    db.session.flush()
    return counts
