"""What happens around a survey's dates: personal data deleted on schedule
(``flask --app wsgi engage purge-expired``).

``TABLE`` is the survey's lifecycle as ``engage/core/workflows.py`` steps (its states follow
from its dates, ``Survey.state_at``): the survey's pages show where it is, who can move it on
and what each button does, and a test checks no state but a final one is a dead end. A new
move (close now, extend, reopen) is one more ``workflows.step(...)`` in ``TABLE``: the page
and the test pick it up; if it makes "closed" a state people can leave, take "closed" out of
``FINAL``.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from ..core import workflows
from ..core.mail import external_url
from ..core.models import utcnow
from ..extensions import db
from .models import Survey, SurveyAnswer, SurveyContact, SurveyQuestion, SurveyResponse, comment_code


MANAGER = "manager"
ROLES = {MANAGER: "someone who can change the consultation (its practitioners and partnership officers)"}
STATE_WORDS = {"draft": "Draft", "scheduled": "Scheduled", "open": "Open", "closed": "Closed"}
FINAL = {"closed"}

TABLE: list[workflows.Step] = [
    workflows.step("set-dates", "Set the dates", "draft", "scheduled", {MANAGER},
                   does="Sets when the survey opens and closes, in its settings. It opens by itself on the opening date."),
    workflows.step("clear-dates", "Take the dates away", "scheduled", "draft", {MANAGER},
                   does="Clearing the opening date in the settings keeps the survey as a draft."),
    workflows.step("opens", "Opens", "scheduled", "open", automatic=True,
                   does="On the opening date the survey opens and the consultation's “Take part” link goes to it."),
    workflows.step("closes", "Closes", "open", "closed", automatic=True,
                   does="On the closing date the survey stops taking answers. Personal data is deleted when "
                        "the time it is kept for has passed."),
]


def _may(step, survey, user) -> bool:
    from .builder import can_manage

    return bool(user is not None and getattr(user, "is_authenticated", False) and can_manage(user, survey))


def _href(step, survey):
    from flask import url_for

    return url_for("surveys.settings", survey_id=survey.id) if step.action in ("set-dates", "clear-dates") else None


WORKFLOW = workflows.register(workflows.Workflow(
    name="surveys.survey", title="Survey", states=STATE_WORDS, start="draft", final=FINAL, roles=ROLES,
    steps=lambda: TABLE, state_of=lambda survey: survey.state, may=_may, href=_href))


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
