"""How surveys meet the rest of Engage: the consultation page panel, "Take part now" on
/have-your-say and the finder, the contact source for results sharing, publishing to the
consultation database (searchable), the API, purge-expired and the demo data."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from engage.core.registry import contacts
from engage.extensions import db
from engage.surveys import answering, lifecycle, publishing
from engage.surveys.models import Survey, SurveyAnswer, SurveyContact, SurveyResponse
from tests.surveys.survey_support import choice, consultation, places, store, survey  # noqa: F401


def test_open_survey_shows_on_consultation_page_have_your_say_and_finder(client, survey, consultation):
    page = client.get(f"/consultations/{consultation.id}")
    assert b"Start the survey" in page.data and f"/surveys/{survey.id}".encode() in page.data
    assert f'href="/surveys/{survey.id}" role="button"'.encode() in page.data and b"Take part now" in page.data
    have = client.get("/have-your-say")
    assert f'href="/surveys/{survey.id}" rel="noopener">Take part online'.encode() in have.data
    assert b"Parks consultation" in client.get("/consultations?status=open").data
    # Closed: the panel says when, and where results will appear; the take-part link goes.
    survey.opens_at = datetime.now() - timedelta(days=10)
    survey.closes_at = datetime.now() - timedelta(days=1)
    lifecycle.sync_take_part(survey)
    db.session.commit()
    page = client.get(f"/consultations/{consultation.id}")
    assert b"This survey closed on" in page.data and b"will appear on this page" in page.data
    assert b"Take part now" not in page.data
    assert consultation.take_part_url == ""


def test_staff_links_in_the_manage_panel(client, login, survey, consultation):
    login("practitioner")
    page = client.get(f"/consultations/{consultation.id}")
    assert f"/surveys/{survey.id}/build".encode() in page.data and b"Build a survey" in page.data
    login("vcs")  # same organisation: VCS members edit their own organisation's consultations
    assert b"Build a survey" in client.get(f"/consultations/{consultation.id}").data


def test_contact_source_gives_and_forgets_addresses(app, survey):
    answering.add_contact(survey, "a@example.com")
    answering.add_contact(survey, "b@example.com")
    db.session.commit()
    entries = contacts.addresses(survey.consultation_id)
    assert sorted(e for _, _, e in entries) == ["a@example.com", "b@example.com"] and {n for n, _, _ in entries} == {"surveys"}
    assert contacts.forget(survey.consultation_id, entries[:1]) == 1
    db.session.commit()
    assert [e for _, _, e in contacts.addresses(survey.consultation_id)] == [entries[1][2]]


def test_publish_to_the_consultation_database(client, login, users, survey, places, consultation):
    from engage.consultations.models import Question, ResultFigure, Segment

    q = survey.q
    for ward, label in ((places["castle"], "Often"), (places["castle"], "Often"), (places["mill"], "Never")):
        store(survey, {"ward": ward.id, "use": choice(q["use"], label)})
    login("practitioner")
    response = client.post(f"/surveys/{survey.id}/publish", data={"results_public": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.scalar(select(Question).where(Question.consultation_id == consultation.id, Question.text == "Do you use the park?"))
    assert question.code == "Q2" and [o.label for o in question.options] == ["Often", "Sometimes", "Never"]
    figures = {(f.segment.dimension, f.segment.label, f.option.label): (f.count, f.base) for f in question.figures}
    assert figures[("all", "All respondents", "Often")] == (2, 3)
    assert figures[("ward", "Castle", "Often")] == (2, 2)
    assert figures[("area-group", "Priority wards", "Often")] == (2, 2)
    assert figures[("area-group", "Rest of the borough", "Never")] == (1, 1)
    assert figures[("channel", "Online", "Often")] == (2, 3)
    castle = db.session.scalar(select(Segment).where(Segment.consultation_id == consultation.id, Segment.label == "Castle"))
    assert castle.area_id == places["castle"].id
    assert consultation.results_published_on is not None and consultation.responses == 3
    # Publishing again replaces, never doubles.
    publishing.publish(users["officer"], survey)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Question).where(Question.consultation_id == consultation.id,
                                                                              Question.text == "Do you use the park?")) == 1
    # Searchable like any import.
    found = client.get("/consultations/search?q=park&kind=question").get_data(as_text=True)
    assert "Do you use the" in found and "Parks consultation" in found


def test_api_lists_open_surveys_and_guards_results(client, login, survey, places):
    q = survey.q
    store(survey, {"ward": places["castle"].id, "use": choice(q["use"], "Often")})
    listing = client.get("/api/v1/surveys").get_json()
    assert listing["count"] == 1
    item = listing["surveys"][0]
    assert item["id"] == survey.id and item["url"].endswith(f"/surveys/{survey.id}") and item["consultation"]["title"] == "Parks consultation"
    assert item["closes"]
    login(None)
    hidden = client.get(f"/api/v1/surveys/{survey.id}/results")
    assert hidden.status_code == 404 and hidden.get_json()["error"]["status"] == 404
    login("practitioner")
    staff = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    use = next(x for x in staff["questions"] if x["text"] == "Do you use the park?")
    assert any(f["count"] == 1 and f["segment"] == "All respondents" for f in use["figures"])
    survey.published_at = survey.results_public_at = datetime.now()
    survey.consultation.results_published_on = datetime.now().date()
    db.session.commit()
    login(None)
    public = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    use = next(x for x in public["questions"] if x["text"] == "Do you use the park?")
    everyone = [f for f in use["figures"] if f["segment"] == "All respondents"]
    assert everyone and all(f["suppressed"] and f["count"] is None for f in everyone)  # base 1 < 5
    assert client.get("/api/v1/surveys/abc/results").status_code == 404
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/surveys" in doc["paths"] and "/surveys/{id}/results" in doc["paths"]


def test_purge_expired_deletes_personal_data_after_retention(runner, survey, places):
    q = survey.q
    q["comment"].personal = True
    often = choice(q["use"], "Often")
    store(survey, {"ward": places["castle"].id, "use": often, "comment": "I live at 4 Mill Lane"})
    answering.add_contact(survey, "keep@example.com")
    draft, _ = answering.start(survey)
    draft.updated_at = datetime.now() - timedelta(days=61)
    db.session.commit()
    result = runner.invoke(args=["engage", "purge-expired"])
    assert result.exit_code == 0, result.output
    # Still open: the contact and the comment stay; the old draft goes.
    assert db.session.scalar(select(func.count()).select_from(SurveyContact)) == 1
    assert db.session.scalar(select(SurveyAnswer.text).where(SurveyAnswer.question_id == q["comment"].id)) == "I live at 4 Mill Lane"
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.status == "draft")) == 0
    survey.opens_at = datetime.now() - timedelta(days=100)
    survey.closes_at = datetime.now() - timedelta(days=40)
    survey.retention_days = 30
    db.session.commit()
    result = runner.invoke(args=["engage", "purge-expired"])
    assert "Deleted 1 email addresses, 1 personal comments" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SurveyContact)) == 0
    assert db.session.scalar(select(SurveyAnswer.text).where(SurveyAnswer.question_id == q["comment"].id)) is None
    # The answers themselves stay.
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.status == "complete")) == 1
    assert db.session.get(Survey, survey.id).personal_purged_at is not None


def test_demo_survey_runs_twice_without_change(seeded, runner):
    from engage.consultations.models import Consultation

    surveys = db.session.scalars(select(Survey).order_by(Survey.id)).all()
    # The open survey, the closed day centre stall survey (weighting that cannot meet its
    # targets), and the walkabout survey with one question of every type.
    assert len(surveys) == 3
    demo = surveys[0]
    assert surveys[1].state == "closed" and surveys[1].is_demo
    from engage.surveys import questions

    walk = surveys[2]
    assert walk.is_open and walk.is_demo and {q.qtype for q in walk.questions} == set(questions.REGISTRY)
    assert len({q.section_id for q in walk.questions}) == 1 and all(q.required for q in walk.questions)
    assert demo.is_open and demo.is_demo
    responses = db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == demo.id)).all()
    assert len(responses) >= 300
    assert {r.channel for r in responses} == {"online", "paper", "phone"}
    assert len({r.ward_id for r in responses}) >= 15
    consultation = db.session.get(Consultation, demo.consultation_id)
    # The survey is the consultation's "Take part" link, worked out per request: no address is stored.
    assert consultation.take_part_url == ""
    total = db.session.scalar(select(func.count()).select_from(SurveyResponse))
    result = runner.invoke(args=["engage", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 3
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == total


def test_deleting_the_consultation_says_its_surveys_go_with_it(client, login, survey, places, consultation):
    from engage.consultations.models import Consultation
    from engage.core import deletion

    q = survey.q
    store(survey, {"ward": places["castle"].id, "use": choice(q["use"], "Often")})
    answering.add_contact(survey, "x@example.com")
    db.session.commit()
    plan = deletion.plan(consultation)
    texts = " ".join(item.text for item in plan.goes_with)
    assert plan.allowed and "Parks survey" in texts and "survey response" in texts
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/delete")
    assert b"These are deleted with it" in page.data and b"survey response" in page.data
    assert client.post(f"/surveys/{survey.id}/delete", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    assert db.session.scalar(select(func.count()).select_from(SurveyContact)) == 0
    assert db.session.get(Consultation, consultation.id) is not None
