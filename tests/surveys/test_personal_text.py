"""Personal free text (issue 16): every free-text part of an answer whose text is personal,
including the words written beside a choice (the equality "please say" boxes, "Other, please
say" on a question flagged personal), is left out of the exports and deleted by the
retention purge; the choice itself is kept and still counted."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from engage.extensions import db
from engage.surveys import builder, exports, lifecycle
from engage.surveys.models import SurveyAnswer, SurveyQuestion
from tests.surveys.survey_support import choice, consultation, opt, places, store, survey  # noqa: F401

SECRETS = {
    "sexual-orientation": ("Other sexual orientation, please say", "Pansexual, ask Jo at 12 Mill Lane"),
    "religion": ("Any other religion, please say", "Pagan, I run the Castle moot"),
    "gender-identity": ("No, please say your gender identity", "Non-binary, the only one on my street"),
    "ethnicity": ("Other ethnic group: Any other ethnic group", "Kurdish, the family above the chip shop"),
}
PROBLEM_WORDS = "Broken benches by the pond"
STORY = "My neighbour Sam at number 4 lets his dog foul the path"
FLAGGED_OTHER = "The man at 9 Bridge Street"


@pytest.fixture
def answered(survey, places):
    """Three responses: one with every equality "please say" box filled, an "Other" beside a
    question that is not personal, a personal comment, and words beside a choice of a
    question flagged personal."""
    section = builder.add_equality_section(None, survey)
    by_key = {q.equality_key: q for q in section.questions}
    survey.q.update({f"eq-{key}": q for key, q in by_key.items()})
    flagged = builder.add_question(None, survey, survey.sections[0], "single", {
        "text": "Who causes the most trouble?", "options": "Nobody\nSomeone I know", "allow_other": True, "personal": True})
    survey.q["flagged"] = flagged
    survey.q["comment"].personal = True
    db.session.commit()
    assert all(q.text_is_personal for q in by_key.values()) and flagged.text_is_personal
    assert not survey.q["problems"].text_is_personal
    use = choice(survey.q["use"], "Often")
    answers = {"ward": places["castle"].id, "use": use,
               "problems": choice(survey.q["problems"], "Litter", "Other, please say", texts={"Other, please say": PROBLEM_WORDS}),
               "comment": STORY, "flagged": choice(flagged, "Other, please say", texts={"Other, please say": FLAGGED_OTHER})}
    for key, (label, words) in SECRETS.items():
        answers[f"eq-{key}"] = choice(by_key[key], label, texts={label: words})
    store(survey, answers)
    store(survey, {"ward": places["mill"].id, "use": choice(survey.q["use"], "Never")})
    store(survey, {"ward": places["bridge"].id, "use": use, "eq-religion": choice(by_key["religion"], "No religion")})
    # An equality question whose flag was never set (made before the rule): still personal.
    db.session.execute(update(SurveyQuestion).where(SurveyQuestion.id == by_key["religion"].id).values(personal=False))
    db.session.commit()
    db.session.expire_all()
    return survey


def _all_cells(survey) -> str:
    headers, rows = exports.response_table(survey)
    csv_text = exports.to_csv(headers, rows)
    xlsx = exports.to_xlsx(headers, rows, "responses")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx), read_only=True).active
    xlsx_text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    return csv_text + "\n" + xlsx_text


def test_exports_leave_out_every_personal_free_text_part_but_keep_the_choice(answered):
    cells = _all_cells(answered)
    for label, words in SECRETS.values():
        assert words not in cells and words.split(",")[0] not in cells, words
        assert f"{label}: [removed: personal]" in cells
    assert STORY not in cells and FLAGGED_OTHER not in cells
    assert "Other, please say: [removed: personal]" in cells
    # Words beside a choice of a question that is not personal are exported as written.
    assert f"Litter; Other, please say: {PROBLEM_WORDS}" in cells
    # A choice with nothing written beside it is exported as it is.
    assert "No religion" in cells


def test_the_purge_deletes_the_words_beside_a_choice_and_keeps_the_choice(answered):
    survey = answered
    survey.opens_at = datetime.now() - timedelta(days=500)
    survey.closes_at = datetime.now() - timedelta(days=400)
    survey.retention_days = 30
    db.session.commit()
    other_ids = {opt(survey.q[f"eq-{key}"], label).id for key, (label, _words) in SECRETS.items()}
    counts = lifecycle.purge_expired()
    db.session.commit()
    texts = [t for t in db.session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None)))]
    assert texts == [PROBLEM_WORDS], texts
    assert counts["texts"] == len(SECRETS) + 2
    # The choices are still there (and so still counted).
    chosen = set(db.session.scalars(select(SurveyAnswer.option_id).where(SurveyAnswer.option_id.in_(other_ids))))
    assert chosen == other_ids
    assert _all_cells(survey).count("[removed: personal]") == 0


def test_equality_questions_stay_personal_when_edited(answered):
    survey = answered
    question = survey.q["eq-religion"]
    payload = {"text": question.text, "hint": question.hint, "personal": False,
               "options": "\n".join(o.label for o in question.choices() if not o.invites_text)}
    builder.update_question(None, survey, question, payload, question.version)
    db.session.commit()
    assert question.personal and question.text_is_personal
    # The rule is the same in SQL as in Python.
    ids = set(db.session.scalars(select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey.id,
                                                                 SurveyQuestion.text_is_personal)))
    assert ids == {q.id for q in survey.questions if q.text_is_personal}
