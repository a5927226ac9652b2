"""A survey's results are public only by a decision on the survey ("Publish the results to
everyone now"), recorded who and when; never because its consultation already has a results
date. Publishing happens once when two people click at the same moment."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.consultations.models import Question
from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.surveys import publishing
from engage.surveys.builder import BuildError
from engage.surveys.models import Survey
from tests.surveys.survey_support import choice, close, consultation, places, store, survey  # noqa: F401


def _answers(survey, places):
    for label in ("Often", "Often", "Never", "Sometimes", "Often"):
        store(survey, {"ward": places["castle"].id, "use": choice(survey.q["use"], label)})
    close(survey)


def _park_questions(consultation):
    return db.session.scalar(select(func.count()).select_from(Question).where(
        Question.consultation_id == consultation.id, Question.text == "Do you use the park?"))


@pytest.mark.parametrize("results_day", [-10, 0, 30])
def test_interim_results_are_not_made_public_by_the_consultations_date(client, login, survey, places, results_day):
    """The review's case: an open survey, the consultation already has a results date, and
    "Publish to everyone now" is left unticked."""
    _answers(survey, places)
    survey.consultation.results_published_on = date.today() + timedelta(days=results_day)
    db.session.commit()
    login("practitioner")
    response = client.post(f"/surveys/{survey.id}/publish", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "would be shown to everyone" in html and "Publish the results to everyone now" in html
    db.session.expire_all()
    assert _park_questions(survey.consultation) == 0           # nothing written where everyone can read it
    assert db.session.get(Survey, survey.id).results_public_at is None
    login(None)
    assert client.get(f"/api/v1/surveys/{survey.id}/results").status_code == 404
    assert "Do you use the park?" not in client.get(f"/consultations/{survey.consultation_id}").get_data(as_text=True)


def test_results_are_public_by_the_decision_on_the_survey(client, login, users, survey, places):
    _answers(survey, places)
    login("practitioner")
    # Without a consultation results date, unticked: into the database for staff, not public.
    assert client.post(f"/surveys/{survey.id}/publish", data={}).status_code == 302
    db.session.expire_all()
    assert _park_questions(survey.consultation) == 1
    assert db.session.get(Survey, survey.id).results_public_at is None
    login(None)
    assert client.get(f"/api/v1/surveys/{survey.id}/results").status_code == 404
    # The decision: who and when, and then the results are public.
    login("practitioner")
    assert client.post(f"/surveys/{survey.id}/publish", data={"results_public": "y"}).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Survey, survey.id)
    assert saved.results_public_at is not None and saved.results_public_by_id == users["practitioner"].id
    assert saved.consultation.results_published_on == date.today()
    login(None)
    assert client.get(f"/api/v1/surveys/{survey.id}/results").status_code == 200
    # Once decided, publishing again (unticked) updates the public results.
    publishing.publish(users["practitioner"], saved)
    db.session.commit()
    assert _park_questions(saved.consultation) == 1


def test_the_api_needs_the_decision_not_just_a_published_date(client, survey, places):
    _answers(survey, places)
    from engage.core.models import utcnow

    survey.published_at = utcnow()
    survey.consultation.results_published_on = date.today()
    db.session.commit()
    assert client.get(f"/api/v1/surveys/{survey.id}/results").status_code == 404


def test_two_people_publishing_at_once_publish_once(app, users, survey, places):
    _answers(survey, places)
    assert survey.published_at is None  # this request read it unpublished...
    with app.app_context():  # ...and another person's request publishes first
        publishing.publish(users["officer"], db.session.get(Survey, survey.id))
        db.session.commit()
        db.session.remove()
    with pytest.raises(AlreadyMoved, match="Someone else has just published this survey's results"):
        publishing.publish(users["practitioner"], survey)
    db.session.rollback()
    assert _park_questions(survey.consultation) == 1


def test_refusal_is_a_build_error_next_to_the_box(users, survey, places):
    _answers(survey, places)
    survey.consultation.results_published_on = date.today()
    db.session.commit()
    with pytest.raises(BuildError) as caught:
        publishing.publish(users["practitioner"], survey)
    assert caught.value.field == "results_public"
    db.session.rollback()


def test_a_results_date_on_the_consultation_waits_for_the_decision_on_the_survey(users, survey, places):
    """Results written into the consultation for staff only stay there: giving the
    consultation a results date later is refused, naming the survey, until the survey's
    results are made public by decision; then the date can be set."""
    from engage.consultations import services
    from engage.core.errors import RuleError
    from tests.consultations.records_support import data

    _answers(survey, places)
    publishing.publish(users["practitioner"], survey)      # unticked: for staff only
    db.session.commit()
    consultation = survey.consultation
    start = consultation.actual_start or consultation.planned_start or date.today()
    values = data(title=consultation.title, lead_organisation_id=consultation.lead_organisation_id,
                  planned_start=start, planned_close=None, results_published_on=max(start, date.today()))
    with pytest.raises(RuleError) as caught:
        services.save_consultation(users["practitioner"], consultation, values)
    assert caught.value.field == "results_published_on" and survey.title in str(caught.value)
    db.session.rollback()
    assert db.session.get(type(consultation), consultation.id).results_published_on is None
    # The decision on the survey, and the date can be set.
    publishing.publish(users["practitioner"], db.session.get(Survey, survey.id), results_public=True)
    db.session.commit()
    consultation = db.session.get(type(consultation), consultation.id)
    services.save_consultation(users["practitioner"], consultation, values)
    db.session.commit()
    assert db.session.get(type(consultation), consultation.id).results_published_on == values["results_published_on"]
