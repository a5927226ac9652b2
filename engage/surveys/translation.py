"""A survey as one translatable unit (engage/core/content.py): its title, introduction,
privacy notice and paper-copy texts, every section's title and introduction, and every
question's words, hint, answers and rows (and a rating scale's words for its ends).
Answers are stored against the question and the answer option, never the words, so a
resident answering in Welsh is counted with everyone else."""
from __future__ import annotations

from flask import url_for

from ..core.content import Text, TranslatableKind, fingerprint
from ..core.i18n import N_, lazy_gettext as _l
from ..extensions import db
from .builder import can_manage
from .models import Survey
from . import snapshot


# The survey's own texts (read from its row, as loaded for this request). Every label is
# translated when shown (lazily), so the editor names each text in the reader's language.
OWN_TEXTS = (
    ("title", _l("Survey title"), False),
    ("introduction", _l("Introduction on the start page"), True),
    ("privacy_notice", _l("Privacy notice"), True),
    ("paper_copies", _l("Where to get a paper copy"), False),
    ("paper_return", _l("Where to return a paper copy"), False),
)


def _survey_and_structure(survey_id: int):
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        return None, None
    # The sections, questions and answers from the structure snapshot kept for the survey's
    # structure_version (engage/surveys/snapshot.py): the start page asks whether each offered
    # language is complete, and building the structure as ORM objects for that was most of
    # its work (issue 21). Unflushed changes are flushed first, so they move the version on
    # and the snapshot read is this transaction's own.
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return survey, snapshot.structure_of(survey)


def _structure_texts(snap) -> list[Text]:
    found = []
    for number, section in enumerate(snap.sections, start=1):
        found.append(Text(section, "title", _l("Section %(number)s: title", number=number)))
        found.append(Text(section, "intro", _l("Section %(number)s: introduction", number=number), multiline=True))
    for number, question in enumerate(snap.questions, start=1):
        found.append(Text(question, "text", _l("Question %(number)s", number=number)))
        found.append(Text(question, "hint", _l("Question %(number)s: hint", number=number), multiline=True))
        for n, option in enumerate(question.choices(), start=1):
            found.append(Text(option, "label", _l("Question %(number)s: answer %(answer)s", number=number, answer=n)))
        for n, row in enumerate(question.rows(), start=1):
            found.append(Text(row, "label", _l("Question %(number)s: row %(row)s", number=number, row=n)))
        if question.qtype == "rating":
            found.append(Text(question, "low_label", _l("Question %(number)s: what 0 means", number=number)))
            found.append(Text(question, "high_label", _l("Question %(number)s: what 10 means", number=number)))
    return found


def texts(survey_id: int) -> list[Text]:
    survey, snap = _survey_and_structure(survey_id)
    if survey is None:
        return []
    return [Text(survey, field, label, multiline=multiline) for field, label, multiline in OWN_TEXTS] + _structure_texts(snap)


PRINTS = "translation_prints"  # kept on the snapshot itself: it follows from the snapshot alone


def fingerprints(survey_id: int) -> list[tuple[tuple[str, int, str], str]]:
    """What ``content.complete`` checks, for each text with words: ((table, id, field), the
    fingerprint of its English). The structure's part follows from the snapshot alone (an
    immutable copy of one structure_version), so it is worked out once per snapshot: the start
    page asks on every visit, for each language the survey is offered in (issue 21). The
    survey's own texts are read from its row each time."""
    survey, snap = _survey_and_structure(survey_id)
    if survey is None:
        return []
    kept = snap.__dict__.get(PRINTS)
    if kept is None:
        kept = tuple(((t.record_type, t.record_id, t.field), fingerprint(t.english))
                     for t in _structure_texts(snap) if t.english.strip())
        object.__setattr__(snap, PRINTS, kept)   # the same value whichever request gets here first
    own = [((Survey.__tablename__, survey.id, field), fingerprint(english))
           for field, _label, _multi in OWN_TEXTS if (english := getattr(survey, field, "") or "").strip()]
    return own + list(kept)


def _title(survey_id: int) -> str | None:
    survey = db.session.get(Survey, survey_id)
    return survey.title if survey else None


def _can_edit(user, survey_id: int) -> bool:
    survey = db.session.get(Survey, survey_id)
    return survey is not None and can_manage(user, survey)


KIND = TranslatableKind(
    kind="survey", label=N_("survey"), texts=texts, title=_title, can_edit=_can_edit,
    back_url=lambda survey_id: url_for("surveys.build", survey_id=survey_id),
    public_url=lambda survey_id: url_for("surveys.start", survey_id=survey_id),
    easy_read=True, fingerprints=fingerprints,
)
