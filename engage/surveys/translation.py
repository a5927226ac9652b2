"""A survey as one translatable unit (engage/core/content.py): its title, introduction,
privacy notice and paper-copy texts, every section's title and introduction, and every
question's words, hint, answers and rows.
Answers are stored against the question and the answer option, never the words, so a
resident answering in Welsh is counted with everyone else."""
from __future__ import annotations

from flask import url_for

from ..core.content import Text, TranslatableKind
from ..extensions import db
from .builder import can_manage
from .models import Survey
from . import snapshot


def texts(survey_id: int) -> list[Text]:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        return []
    # The sections, questions and answers from the structure snapshot kept for the survey's
    # structure_version (engage/surveys/snapshot.py): the start page asks whether each offered
    # language is complete, and building the structure as ORM objects for that was most of
    # its work (issue 21). Unflushed changes are flushed first, so they move the version on
    # and the snapshot read is this transaction's own.
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    snap = snapshot.structure_of(survey)
    found = [
        Text(survey, "title", "Survey title"),
        Text(survey, "introduction", "Introduction on the start page", multiline=True),
        Text(survey, "privacy_notice", "Privacy notice", multiline=True),
        Text(survey, "paper_copies", "Where to get a paper copy"),
        Text(survey, "paper_return", "Where to return a paper copy"),
    ]
    for number, section in enumerate(snap.sections, start=1):
        found.append(Text(section, "title", f"Section {number}: title"))
        found.append(Text(section, "intro", f"Section {number}: introduction", multiline=True))
    for number, question in enumerate(snap.questions, start=1):
        found.append(Text(question, "text", f"Question {number}"))
        found.append(Text(question, "hint", f"Question {number}: hint", multiline=True))
        for n, option in enumerate(question.choices(), start=1):
            found.append(Text(option, "label", f"Question {number}: answer {n}"))
        for n, row in enumerate(question.rows(), start=1):
            found.append(Text(row, "label", f"Question {number}: row {n}"))
    return found


def _title(survey_id: int) -> str | None:
    survey = db.session.get(Survey, survey_id)
    return survey.title if survey else None


def _can_edit(user, survey_id: int) -> bool:
    survey = db.session.get(Survey, survey_id)
    return survey is not None and can_manage(user, survey)


KIND = TranslatableKind(
    kind="survey", label="survey", texts=texts, title=_title, can_edit=_can_edit,
    back_url=lambda survey_id: url_for("surveys.build", survey_id=survey_id),
    public_url=lambda survey_id: url_for("surveys.start", survey_id=survey_id),
    easy_read=True,
)
