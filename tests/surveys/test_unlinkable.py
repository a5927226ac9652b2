"""Answers that cannot be re-linked to a resident (issue 16): a "tell me what happens next"
address cannot be paired with its response by time, by id or by the order rows were written,
and a complete response keeps no link to the access code (a row of the mail merge) it used."""
from __future__ import annotations

from sqlalchemy import Date, DateTime, Integer, inspect, select, text

from engage.extensions import db
from engage.surveys import answering, codes
from engage.surveys.models import SurveyAccessCode, SurveyContact, SurveyResponse
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401

PEOPLE = 12
# Given in an order that is neither the order they answer in nor its reverse, alphabetically.
EMAILS = [f"{name}@example.net" for name in
          ("mo", "al", "zed", "bea", "kit", "cy", "uma", "dev", "ola", "fay", "ivy", "pat")]


def _answer(app, survey, places, email):
    client = app.test_client()
    q = survey.q
    assert client.post(f"/surveys/{survey.id}", data={}).status_code == 302
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id),
                                                      f"q{q['use'].id}": str(opt(q["use"], "Never").id)})
    sent = client.post(f"/surveys/{survey.id}/check", data={"email": email})
    assert sent.status_code == 303


def test_a_contact_cannot_be_matched_to_its_response_by_time_id_or_order(app, survey, places):
    for email in EMAILS:
        _answer(app, survey, places, email)
    submitted = [db.session.get(SurveyResponse, rid) for rid in db.session.scalars(
        select(SurveyResponse.id).where(SurveyResponse.status == "complete").order_by(SurveyResponse.submitted_at,
                                                                                       SurveyResponse.id))]
    assert len(submitted) == PEOPLE

    # The table, as the database has it: no time finer than the day, no counting id.
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("survey_contact")}
    assert not any(isinstance(c["type"], DateTime) for c in columns.values()), columns
    assert isinstance(columns["created_on"]["type"], Date)
    counting = [name for name, c in columns.items() if isinstance(c["type"], Integer) and name not in ("survey_id", "consultation_id")]
    assert counting == [], counting
    assert inspect(db.engine).get_pk_constraint("survey_contact")["constrained_columns"] == ["key"]
    assert not any(c.name == "id" or "response" in c.name for c in SurveyContact.__table__.columns)

    # Every contact carries the same day: the day says nothing about which response it was.
    days = set(db.session.scalars(select(SurveyContact.created_on)))
    assert days == {submitted[0].submitted_at.date()}

    # Ordered by any of its columns (ties by the key), the addresses are not in answering order.
    for column in SurveyContact.__table__.columns:
        if column.name == "email":
            continue
        order = list(db.session.scalars(select(SurveyContact.email).order_by(column, SurveyContact.key)))
        assert sorted(order) == sorted(EMAILS)
        assert order != EMAILS, f"ordered by {column.name}, the addresses line up with the responses"
    if db.engine.dialect.name == "sqlite":
        # No hidden row number in order of writing (WITHOUT ROWID), and the stored order is the
        # random key's, not the order of writing.
        stored = [row[0] for row in db.session.execute(text("SELECT email FROM survey_contact"))]
        assert stored != EMAILS and sorted(stored) == sorted(EMAILS)
        try:
            db.session.execute(text("SELECT rowid FROM survey_contact")).all()
            has_rowid = True
        except Exception:
            has_rowid = False
        db.session.rollback()
        assert not has_rowid
    else:
        # Written in a transaction of its own: no contact shares a response's transaction id.
        contact_xids = set(db.session.scalars(text("SELECT xmin::text FROM survey_contact")))
        response_xids = set(db.session.scalars(text("SELECT xmin::text FROM survey_response")))
        answer_xids = set(db.session.scalars(text("SELECT xmin::text FROM survey_answer")))
        assert contact_xids and not contact_xids & (response_xids | answer_xids)


def test_a_complete_response_keeps_no_link_to_its_access_code(app, survey, places, users):
    survey.codes_required = True
    batch = codes.generate(users["officer"], survey, 3)
    db.session.commit()
    first, second, _third = codes.batch_codes(survey, batch)
    # Online: the draft holds the code until it is submitted.
    client = app.test_client()
    q = survey.q
    assert client.post(f"/surveys/{survey.id}", data={"access_code": first.code}).status_code == 302
    draft = db.session.scalar(select(SurveyResponse).where(SurveyResponse.status == "draft"))
    assert draft.access_code_id == first.id
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id),
                                                      f"q{q['use'].id}": str(opt(q["use"], "Never").id)})
    assert client.post(f"/surveys/{survey.id}/check", data={}).status_code == 303
    # Paper: entered by staff with the code on the form.
    answering.store_complete(survey, {str(q["ward"].id): places["castle"].id, str(q["use"].id): {"o": [opt(q["use"], "Often").id], "t": {}}},
                             channel="paper", access_code=second)
    db.session.commit()
    db.session.expire_all()
    responses = db.session.scalars(select(SurveyResponse).where(SurveyResponse.status == "complete")).all()
    assert len(responses) == 2 and all(r.access_code_id is None for r in responses)
    used = {c.code: c.used for c in db.session.scalars(select(SurveyAccessCode))}
    assert used == {first.code: True, second.code: True, _third.code: False}
    # Nothing on the code says when it was used.
    code_columns = {c["name"]: c for c in inspect(db.engine).get_columns("survey_access_code")}
    assert "used_at" not in code_columns
    assert codes.batches(survey) == [(batch, 3, 2)]
