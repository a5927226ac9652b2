"""Resident surveys: a builder with conditional questions, the answering journey with no
account, paper and phone entry, live results with cross-tabs, and publishing to the
consultation database.

Connections to the rest of Engage, all through ``engage.core.registry`` (nothing imports
this package's views):
- ``consultation.page`` panel: the survey's state on its consultation's page (open, with a
  start button; or closed, with when and where results will appear);
- ``consultation.manage`` panel: staff links (build, results, new survey);
- ``ContactSource("surveys")``: residents' "tell me what happens next" addresses;
- ``take_part``: while a survey is open, its start page is the consultation's "Take part"
  link (built per request, never stored), so it appears on /have-your-say and on the
  consultation's page like any open consultation's.
"""
from __future__ import annotations

import os

from flask import Blueprint, Flask

bp = Blueprint("surveys", __name__)

DEFAULTS = {
    # Starting and submitting answers, per address (shared computers in libraries count once).
    "ENGAGE_SURVEY_RATE_LIMIT": os.environ.get("ENGAGE_SURVEY_RATE_LIMIT", "60 per hour"),
    # Saved, unfinished answers can be carried on for this many days after they were last
    # saved; then they can no longer be used and the purge deletes them.
    "ENGAGE_SURVEY_DRAFT_DAYS": int(os.environ.get("ENGAGE_SURVEY_DRAFT_DAYS", "30")),
    # Looking up saved answers by their code, per address.
    "ENGAGE_SURVEY_RESUME_LIMIT": os.environ.get("ENGAGE_SURVEY_RESUME_LIMIT", "10 per minute;30 per hour"),
}


def init_app(app: Flask) -> None:
    from ..core.registry import ContactSource, EvidenceKind, contacts, evidence, facts, panels, result_holds, take_part
    from . import answering, api, demo, demo_welsh, equality, models, publishing, snapshot, views_lifecycle, views_manage, views_pictures, views_public, views_responses, views_results  # noqa: F401
    from .panels import consultation_manage, consultation_page
    from .panels import take_part as survey_take_part

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(bp)
    panels.register("consultation.page", consultation_page, app=app)
    panels.register("consultation.manage", consultation_manage, app=app)
    contacts.register(ContactSource("surveys", answering.contact_addresses, answering.forget_contacts,
                                    languages=answering.contact_languages), app=app)
    result_holds.register(publishing.results_hold, app=app)
    facts.register("equality_monitoring", equality.asked_in_consultation, app=app)
    take_part.register(survey_take_part, app=app)
    from ..core.content import translatable
    from .translation import KIND as TRANSLATABLE

    translatable.register(TRANSLATABLE, app=app)
    from . import comments

    evidence.register(EvidenceKind("comment-theme", "Survey comment theme", comments.theme_choices, comments.theme_evidence), app=app)
    from . import commands  # noqa: F401  (purge-expired)
    _describe_for_deletes()


def _describe_for_deletes() -> None:
    """How the one delete rule (engage.core.deletion) names survey rows on confirm pages,
    for example when a consultation that has surveys is deleted."""
    from ..core import deletion

    for table, singular, plural, title in (
        ("survey", "survey", "surveys", "title"),
        ("survey_section", "survey section", "survey sections", "title"),
        ("survey_question", "survey question", "survey questions", "text"),
        ("survey_option", "answer option", "answer options", "label"),
        ("survey_response", "survey response", "survey responses", "reference"),
        ("survey_answer", "survey answer", "survey answers", None),
        ("survey_access_code", "access code", "access codes", None),
        ("survey_contact", "email address waiting to hear what happens next", "email addresses waiting to hear what happens next", None),
        ("survey_comment_theme", "comment theme", "comment themes", "name"),
        ("population_figure", "population figure", "population figures", None),
    ):
        deletion.describe(table, singular, plural, title=title)
    deletion.quiet("survey_comment_code")
    deletion.quiet("survey_coding_batch")
    deletion.quiet("survey_comment_redaction")
    deletion.quiet("survey_response_event")
    deletion.quiet("survey_lifecycle_move")
