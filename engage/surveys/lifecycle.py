"""What happens around a survey's dates: personal data deleted on schedule
(``flask --app wsgi engage purge-expired``).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from ..core.mail import external_url
from ..core.models import utcnow
from ..extensions import db
from .models import Survey, SurveyAnswer, SurveyContact, SurveyQuestion, SurveyResponse, comment_code


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
