"""``purge-expired`` run twice at the same moment (two nodes' timers) deletes each piece of
personal data once and reports it once (see test_scheduled_twice.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys import answering
from engage.surveys.models import SurveyAnswer, SurveyContact
from tests.background.test_scheduled_twice import twice_at_once
from tests.surveys.survey_support import choice, consultation, places, store, survey  # noqa: F401


def test_purge_expired_twice_at_once(app, survey, places, capsys):
    from engage.surveys.commands import purge_expired_command

    q = survey.q
    q["comment"].personal = True
    store(survey, {"ward": places["castle"].id, "use": choice(q["use"], "Often"), "comment": "I live at 4 Mill Lane"})
    answering.add_contact(survey, "keep@example.com")
    survey.opens_at = datetime.now() - timedelta(days=100)
    survey.closes_at = datetime.now() - timedelta(days=40)
    survey.retention_days = 30
    db.session.commit()
    capsys.readouterr()
    twice_at_once(app, purge_expired_command)
    said = capsys.readouterr().out
    assert said.count("Deleted 1 email addresses, 1 personal comments") == 1, said   # one of them did it
    assert said.count("Deleted 0 email addresses, 0 personal comments") == 1, said   # the other found it done
    assert db.session.scalar(select(func.count()).select_from(SurveyContact)) == 0
    assert db.session.scalar(select(SurveyAnswer.text).where(SurveyAnswer.question_id == q["comment"].id)) in (None, "")
