"""Fixtures for the survey tests: a small place tree (three wards, one a priority ward), a
consultation led by the test organisation, and a survey built through the services with
one question of every type and two conditions. Import the fixtures into a test module."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from engage.extensions import db


@pytest.fixture
def places(app):
    from engage.partnership.models import Area

    borough = Area(name="Testborough", level="borough", population=3000)
    db.session.add(borough)
    db.session.flush()
    castle = Area(name="Castle", level="ward", parent_id=borough.id, priority_ward=True, population=1000)
    mill = Area(name="Mill", level="ward", parent_id=borough.id, population=1000)
    bridge = Area(name="Bridge", level="ward", parent_id=borough.id, population=1000)
    db.session.add_all([castle, mill, bridge])
    db.session.commit()
    return {"borough": borough, "castle": castle, "mill": mill, "bridge": bridge}


@pytest.fixture
def consultation(app, org, users, places):
    from engage.consultations.models import Consultation

    today = date.today()
    c = Consultation(title="Parks consultation", summary="What do you think of the parks?", lead_organisation_id=org.id,
                     planned_start=today - timedelta(days=3), actual_start=today - timedelta(days=3),
                     planned_close=today + timedelta(days=20), visibility="public")
    c.areas = [places["borough"]]
    db.session.add(c)
    db.session.commit()
    return c


def add(survey, section, qtype, text, **data):
    from engage.surveys import builder

    options = data.pop("options", None)
    rows = data.pop("rows", None)
    payload = {"text": text, **data}
    if options is not None:
        payload["options"] = "\n".join(options)
    if rows is not None:
        payload["rows"] = "\n".join(rows)
    if options is None and qtype in ("single", "multiple", "ranking", "agreement", "yesno", "grid"):
        from engage.surveys import questions

        payload["options"] = "\n".join(questions.get(qtype).default_options)
    return builder.add_question(None, survey, section, qtype, payload)


def opt(question, label):
    return next(o for o in question.options if o.label == label)


@pytest.fixture
def survey(app, consultation, places):
    """An open survey: page 1 (ward, park use, conditional rating on the same section so it
    gets its own page), page 3 section 'Problems' shown only to people who use the park."""
    from engage.surveys import builder, conditions
    from engage.surveys.models import SurveySection

    s = builder.create_survey(None, consultation, {"title": "Parks survey", "introduction": "About parks.",
                                                   "opens_at": datetime.now() - timedelta(days=1),
                                                   "closes_at": datetime.now() + timedelta(days=10)})
    first = s.sections[0]
    q = {}
    q["ward"] = add(s, first, "area", "Which ward do you live in?", required=True)
    q["use"] = add(s, first, "single", "Do you use the park?", options=["Often", "Sometimes", "Never"], required=True)
    q["rate"] = add(s, first, "rating", "How good is the park?")
    second = SurveySection(survey=s, position=2, title="Problems")
    db.session.add(second)
    db.session.flush()
    q["problems"] = add(s, second, "multiple", "What problems do you see?", options=["Litter", "Dogs", "Graffiti"], allow_other=True)
    q["comment"] = add(s, second, "long_text", "Anything else?")
    q["grid"] = add(s, second, "grid", "How much do you agree?", rows=["Clean", "Safe"])
    db.session.flush()
    conditions.set_rule(None, s, q["rate"], {"question_id": q["use"].id, "op": "one_of",
                                          "value": [opt(q["use"], "Often").id, opt(q["use"], "Sometimes").id]})
    conditions.set_rule(None, s, second, {"question_id": q["use"].id, "op": "one_of",
                                       "value": [opt(q["use"], "Often").id, opt(q["use"], "Sometimes").id]})
    db.session.commit()
    s.q = q
    return s


def choice(question, *labels, texts=None):
    ids = [opt(question, label).id for label in labels]
    return {"o": ids, "t": {str(opt(question, k).id): v for k, v in (texts or {}).items()}}


def store(survey, answers_by_key: dict, channel="online"):
    """A complete response through the service; answers keyed by survey.q names."""
    from engage.surveys import answering

    answers = {str(survey.q[k].id): v for k, v in answers_by_key.items()}
    response = answering.store_complete(survey, answers, channel=channel)
    db.session.commit()
    return response


def csrf_free(client):
    return client


def close(survey):
    """Close the survey a minute ago (results are published only once it has closed)."""
    from engage.core.models import utcnow

    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return survey
