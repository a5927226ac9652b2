"""Paper and phone entry (channel and who entered it, sent twice stored once, conditions
applied), CSV import (checked whole, all or nothing, claimed once, export round trip)."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import SurveyResponse
from tests.surveys.survey_support import choice, consultation, opt, places, store, survey  # noqa: F401


def count(survey_id):
    return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey_id,
                                                                                    SurveyResponse.status == "complete"))


def test_paper_entry_records_channel_and_enterer_once(client, login, users, survey, places):
    q = survey.q
    login("practitioner")
    form = client.get(f"/surveys/{survey.id}/entry")
    assert form.status_code == 200 and b"Enter paper or phone answers" in form.data
    never = opt(q["use"], "Never").id
    data = {"submission_key": "abc123key", "channel": "paper", f"q{q['ward'].id}": str(places["castle"].id),
            f"q{q['use'].id}": str(never), f"q{q['comment'].id}": "Written on paper"}
    saved = client.post(f"/surveys/{survey.id}/entry", data=data)
    assert saved.status_code == 302
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.submission_key == "abc123key"))
    assert response.channel == "paper" and response.entered_by_id == users["practitioner"].id
    # The form's conditions apply: "Never" skips the Problems section, so its comment is left out.
    assert {a.question_id for a in response.answers} == {q["ward"].id, q["use"].id}
    again = client.post(f"/surveys/{survey.id}/entry", data=data, follow_redirects=True)
    assert b"already saved" in again.data
    assert count(survey.id) == 1
    bad = client.post(f"/surveys/{survey.id}/entry", data={**data, "submission_key": "other1", "channel": "pigeon"})
    assert bad.status_code == 400 and b"Select how these answers were given" in bad.data
    bad = client.post(f"/surveys/{survey.id}/entry", data={**data, "submission_key": "other2", f"q{q['use'].id}": "abc"})
    assert bad.status_code == 400 and b"Choose from the options shown" in bad.data
    assert count(survey.id) == 1


def _upload(client, survey, text, name="answers.csv"):
    return client.post(f"/surveys/{survey.id}/import", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def test_csv_import_is_checked_whole_and_imported_once(client, login, survey, places):
    login("practitioner")
    template = client.get(f"/surveys/{survey.id}/import/template.csv").get_data(as_text=True)
    assert template.strip() == "channel,Q1,Q2,Q3,Q4,Q5,Q6.1,Q6.2"
    bad = "channel,Q1,Q2,Q3\npaper,Castle,Often,7\nphone,Atlantis,Often,12\n"
    page = _upload(client, survey, bad)
    assert page.status_code == 400
    assert "Row 3, column ‘Q1’".encode() in page.data and "Row 3, column ‘Q3’".encode() in page.data
    assert count(survey.id) == 0
    good = "channel,Q1,Q2,Q3,Q4,Q6.1\npaper,Castle,Often,7,Litter;Dogs,Strongly agree\n,Mill,Never,,,\n"
    page = _upload(client, survey, good)
    assert page.status_code == 200 and b"2 responses ready" in page.data
    token = page.data.split(b"/import/")[1].split(b'"')[0].decode()
    first = client.post(f"/surveys/{survey.id}/import/{token}", data={"filename": "answers.csv"})
    assert first.status_code == 302
    assert count(survey.id) == 2
    second = client.post(f"/surveys/{survey.id}/import/{token}", data={"filename": "answers.csv"}, follow_redirects=True)
    assert b"already been imported" in second.data
    assert count(survey.id) == 2
    # The same file uploaded again is recognised too.
    page = _upload(client, survey, good)
    assert page.status_code == 400 and b"already been imported" in page.data
    channels = sorted(db.session.scalars(select(SurveyResponse.channel)))
    assert channels == ["import", "paper"]


def test_export_then_import_round_trip(client, login, survey, places):
    q = survey.q
    store(survey, {"ward": places["bridge"].id, "use": choice(q["use"], "Sometimes"), "rate": 6,
                   "problems": choice(q["problems"], "Graffiti"), "grid": {"g": {str(q["grid"].rows()[1].id): q["grid"].choices()[2].id}}})
    login("practitioner")
    exported = client.get(f"/surveys/{survey.id}/export/responses.csv").get_data(as_text=True)
    lines = exported.splitlines()
    header = lines[0].split(",")[2:]
    header[0] = "channel"
    body = [",".join(line.split(",")[2:]) for line in lines[1:]]
    rewritten = "\n".join([",".join(header[:1] + header[2:])] + [",".join([b.split(",")[0].lower()] + b.split(",")[2:]) for b in body])
    page = _upload(client, survey, rewritten, "again.csv")
    assert page.status_code == 200, page.data[:2000]
    token = page.data.split(b"/import/")[1].split(b'"')[0].decode()
    client.post(f"/surveys/{survey.id}/import/{token}", data={"filename": "again.csv"})
    values = []
    from engage.surveys.analysis import load_people

    for person in load_people(survey):
        values.append({k: v for k, v in person.values.items()})
    assert values[0] == values[1]
