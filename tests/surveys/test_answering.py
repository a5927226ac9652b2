"""The answering journey over HTTP: pages, conditions, check answers, submitting once,
confirmation with a reference, resuming, duplicate controls, access codes, honeypot and
tampered input."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import SurveyAnswer, SurveyContact, SurveyResponse
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401


def complete(survey_id):
    return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.status == "complete"))


def begin(client, survey):
    response = client.post(f"/surveys/{survey.id}", data={})
    assert response.status_code == 302
    return response.headers["Location"]


def test_journey_with_conditions_stores_answers_once(client, survey, places):
    q = survey.q
    location = begin(client, survey)
    assert location.endswith(f"/surveys/{survey.id}/page/0")
    page = client.get(location)
    assert page.status_code == 200
    assert b"Which ward do you live in?" in page.data and b"Do you use the park?" in page.data
    # The rating depends on an answer on the same page, so it is not shown yet.
    assert b"How good is the park?" not in page.data
    assert b"Page 1 of" in page.data

    # Required questions left blank: errors next to the fields, nothing saved.
    page = client.post(location, data={})
    assert page.status_code == 400
    assert b"Select whether you use the park" in page.data and b"Select which ward you live in" in page.data
    assert b"There is a problem" in page.data and b"Select an answer" not in page.data

    never = opt(q["use"], "Never").id
    response = client.post(location, data={f"q{q['ward'].id}": str(places["castle"].id), f"q{q['use'].id}": str(never)})
    assert response.status_code == 302
    # "Never": the rating page and the whole Problems section are skipped.
    assert response.headers["Location"].endswith("/check")
    check = client.get(response.headers["Location"])
    assert b"Castle" in check.data and b"Never" in check.data
    assert b"How good is the park?" not in check.data and b"Problems" not in check.data

    # Change the answer: now the conditional page and section appear.
    change = client.get(f"/surveys/{survey.id}/page/0?change=1")
    assert change.status_code == 200
    often = opt(q["use"], "Often").id
    response = client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["castle"].id), f"q{q['use'].id}": str(often)})
    assert response.headers["Location"].endswith("/page/1")
    page = client.get(response.headers["Location"])
    assert b"How good is the park?" in page.data and b"Page 2 of 3" in page.data
    response = client.post(f"/surveys/{survey.id}/page/1", data={f"q{q['rate'].id}": "8"})
    assert response.headers["Location"].endswith("/page/2")
    litter = opt(q["problems"], "Litter").id
    other = opt(q["problems"], "Other, please say").id
    clean = q["grid"].rows()[0].id
    agree = q["grid"].choices()[0].id
    response = client.post(f"/surveys/{survey.id}/page/2", data={
        f"q{q['problems'].id}": [str(litter), str(other)], f"q{q['problems'].id}-text-{other}": "Broken benches",
        f"q{q['comment'].id}": "<script>alert(1)</script> More bins", f"q{q['grid'].id}-r{clean}": str(agree)})
    assert response.headers["Location"].endswith("/check")
    check = client.get(f"/surveys/{survey.id}/check")
    assert b"Other, please say: Broken benches" in check.data
    assert b"<script>alert(1)</script>" not in check.data and b"&lt;script&gt;" in check.data

    sent = client.post(f"/surveys/{survey.id}/check", data={"email": "resident@example.com"})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/done")
    done = client.get(sent.headers["Location"])
    reference = re.search(rb'engage-reference">([A-Z0-9-]+)<', done.data).group(1).decode()
    assert b"Your answers have been sent" in done.data
    # What happens next keeps the promise of the survey page, and offers to follow the consultation.
    assert b"we will email you twice" in done.data
    assert f'/follow?consultation={survey.consultation_id}'.encode() in done.data

    # Sending the same page again stores nothing more and shows the same confirmation.
    again = client.post(f"/surveys/{survey.id}/check", data={})
    assert again.status_code == 303 and again.headers["Location"].endswith("/done")
    assert complete(survey.id) == 1
    stored = db.session.scalar(select(SurveyResponse).where(SurveyResponse.status == "complete"))
    assert stored.reference == reference.replace("-", "")
    assert stored.ward_id == places["castle"].id and stored.channel == "online"
    answers = {(a.question_id, a.option_id, a.row_id): a for a in stored.answers}
    assert (q["problems"].id, other, None) in answers and answers[(q["problems"].id, other, None)].text == "Broken benches"
    assert (q["grid"].id, agree, clean) in answers
    assert [a.number for a in stored.answers if a.question_id == q["rate"].id] == [8.0]
    # The address is kept apart: nothing links it to the response.
    contact = db.session.scalar(select(SurveyContact))
    assert contact.email == "resident@example.com" and not hasattr(contact, "response_id")

    # One response per browser by default: the start page says so and starting again is refused.
    start = client.get(f"/surveys/{survey.id}")
    assert b"already answered this survey on this device" in start.data
    client.post(f"/surveys/{survey.id}", data={})
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_hidden_answers_are_dropped_when_an_earlier_answer_changes(client, survey, places):
    q = survey.q
    begin(client, survey)
    often, never = opt(q["use"], "Often").id, opt(q["use"], "Never").id
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(often)})
    client.post(f"/surveys/{survey.id}/page/1", data={f"q{q['rate'].id}": "3"})
    client.post(f"/surveys/{survey.id}/page/0?change=1", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(never)})
    client.post(f"/surveys/{survey.id}/check", data={})
    stored = db.session.scalar(select(SurveyResponse).where(SurveyResponse.status == "complete"))
    assert {a.question_id for a in stored.answers} == {q["ward"].id, q["use"].id}


def test_tampered_input_is_refused_and_nothing_stored(client, survey, places):
    q = survey.q
    begin(client, survey)
    other_question_option = opt(q["problems"], "Litter").id
    page = client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": "999999", f"q{q['use'].id}": str(other_question_option)})
    assert page.status_code == 400
    assert b"Choose a ward from the list" in page.data and b"Choose from the options shown" in page.data
    page = client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": "1e9", f"q{q['use'].id}": ["1", "2"]})
    assert page.status_code == 400
    often = opt(q["use"], "Often").id
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(often)})
    page = client.post(f"/surveys/{survey.id}/page/1", data={f"q{q['rate'].id}": "11"})
    assert page.status_code == 400 and b"Choose a number from 0 to 10" in page.data
    page = client.post(f"/surveys/{survey.id}/page/2", data={f"q{q['comment'].id}": "x" * 5001})
    assert page.status_code == 400 and b"5,000 characters or fewer" in page.data
    response = db.session.scalar(select(SurveyResponse))
    assert str(q["rate"].id) not in (response.draft or {}) and str(q["comment"].id) not in (response.draft or {})
    # Page numbers that do not exist go back to the start, never a 500.
    assert client.get(f"/surveys/{survey.id}/page/99").status_code == 302
    assert client.get(f"/surveys/{survey.id}/page/-1").status_code == 404
    assert client.get("/surveys/99999999999").status_code == 404


def test_honeypot_refuses_bots(client, survey):
    response = client.post(f"/surveys/{survey.id}", data={"website": "http://spam.example"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_save_and_resume_with_code_and_link(client, app, survey, places):
    q = survey.q
    begin(client, survey)
    often = opt(q["use"], "Often").id
    saved = client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["bridge"].id), f"q{q['use'].id}": str(often), "save": "1"})
    assert saved.headers["Location"].endswith("/saved")
    page = client.get(saved.headers["Location"])
    code = re.search(rb'engage-reference">([a-z0-9-]+)<', page.data).group(1).decode()
    link = re.search(rb'engage-code">([^<]+)<', page.data).group(1).decode()
    assert len(code.replace("-", "")) == 12
    # The code rides in the link's fragment, which browsers never send: no logged path has it.
    parts = urlsplit(link)
    assert parts.fragment == code and code.replace("-", "") not in parts.path + parts.query
    assert code.replace("-", "") not in saved.headers["Location"]

    other = app.test_client()  # another device
    wrong = other.post(f"/surveys/{survey.id}/resume", data={"code": "aaaa-bbbb-cccc"})
    assert wrong.status_code == 400 and b"does not match" in wrong.data
    resumed = other.post(f"/surveys/{survey.id}/resume", data={"code": code.upper()})
    # Coming back opens the page that was saved, with its answers.
    assert resumed.status_code == 302 and resumed.headers["Location"].endswith("/page/0")
    assert b"Which ward do you live in?" in other.get(resumed.headers["Location"]).data

    third = app.test_client()
    # Opening the link asks for the page without the fragment: the form, marked for the script
    # that fills it in from the fragment; sending the code carries on.
    form = third.get(parts.path)
    assert form.status_code == 200 and b"data-engage-resume" in form.data and b'name="code"' in form.data
    by_link = third.post(parts.path, data={"code": parts.fragment})
    assert by_link.status_code == 302 and "/page/" in by_link.headers["Location"]
    check = third.get(f"/surveys/{survey.id}/check")
    assert b"Bridge" in check.data

    # The old kind of link, with the code in the address, no longer opens saved answers.
    fourth = app.test_client()
    old = fourth.get(f"/surveys/{survey.id}/resume/{code.replace('-', '')}")
    assert old.status_code == 302 and old.headers["Location"].endswith(f"/surveys/{survey.id}/resume")
    assert fourth.get(f"/surveys/{survey.id}/check").status_code == 302  # no answers in this browser


def test_saved_answers_can_be_carried_on_only_for_the_set_number_of_days(client, app, survey, places):
    from datetime import timedelta

    from engage.core.models import utcnow

    q = survey.q
    begin(client, survey)
    saved = client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["bridge"].id),
                                                              f"q{q['use'].id}": str(opt(q["use"], "Never").id), "save": "1"})
    code = re.search(rb'engage-reference">([a-z0-9-]+)<', client.get(saved.headers["Location"]).data).group(1).decode()
    assert b"carry on for 30 days" in client.get(f"/surveys/{survey.id}/saved").data
    draft = db.session.scalar(select(SurveyResponse).where(SurveyResponse.status == "draft"))
    draft.updated_at = utcnow() - timedelta(days=31)
    db.session.commit()
    other = app.test_client()
    expired = other.post(f"/surveys/{survey.id}/resume", data={"code": code})
    assert expired.status_code == 400 and b"saved more than 30 days ago" in expired.data
    # The browser that saved them cannot carry on either: it is sent to the start.
    assert client.get(f"/surveys/{survey.id}/check").status_code == 302
    app.config["ENGAGE_SURVEY_DRAFT_DAYS"] = 60
    assert other.post(f"/surveys/{survey.id}/resume", data={"code": code}).status_code == 302


def test_looking_up_codes_is_rate_limited(database_url, tmp_path, survey):
    from tests.conftest import make_app

    limited = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, ENGAGE_SURVEY_RESUME_LIMIT="3 per minute")
    client = limited.test_client()
    with limited.app_context():
        answers = [client.post(f"/surveys/{survey.id}/resume", data={"code": f"aaaa-bbbb-ccc{n}"}) for n in range(5)]
        statuses = [r.status_code for r in answers]
        last = answers[-1].get_data(as_text=True)
        db.session.remove()
    assert statuses == [400, 400, 400, 429, 429], statuses
    assert "tried codes too many times" in last and 'name="code"' in last and "aaaa-bbbb-ccc4" not in last


def test_access_codes_are_single_use(client, app, survey, places, users):
    from engage.surveys import builder, codes

    survey.codes_required = True
    batch = codes.generate(users["officer"], survey, 3)
    db.session.commit()
    code = codes.batch_codes(survey, batch)[0].code
    assert client.post(f"/surveys/{survey.id}", data={"access_code": "NOPE1234"}).status_code == 400
    started = client.post(f"/surveys/{survey.id}", data={"access_code": f"{code[:4]}-{code[4:].lower()}"})
    assert started.status_code == 302
    q = survey.q
    never = opt(q["use"], "Never").id
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(never)})
    assert client.post(f"/surveys/{survey.id}/check", data={}).status_code == 303
    used = codes.batch_codes(survey, batch)[0]
    assert used.used is True
    # The complete response keeps no link to the code (a row of the mail merge).
    assert db.session.scalar(select(SurveyResponse.access_code_id).where(SurveyResponse.status == "complete")) is None
    second = app.test_client()
    refused = second.post(f"/surveys/{survey.id}", data={"access_code": code})
    assert refused.status_code == 400 and b"already been used" in refused.data
    assert codes.batches(survey) == [(batch, 3, 1)]
    assert builder.answer_count(survey) == 1


def test_closed_and_draft_surveys_say_so_and_take_no_answers(client, survey):
    from datetime import datetime, timedelta

    survey.opens_at = datetime.now() - timedelta(days=20)
    survey.closes_at = datetime.now() - timedelta(days=2)
    survey.results_note = "Results will be out in June."
    db.session.commit()
    page = client.get(f"/surveys/{survey.id}")
    assert b"This survey closed on" in page.data and b"Results will be out in June." in page.data
    assert client.post(f"/surveys/{survey.id}", data={}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    survey.opens_at = None
    survey.closes_at = None
    db.session.commit()
    assert b"not open yet" in client.get(f"/surveys/{survey.id}").data


def test_preview_stores_nothing(client, login, survey, places):
    login("practitioner")
    started = client.post(f"/surveys/{survey.id}/preview", data={})
    assert started.status_code == 302
    page = client.get(started.headers["Location"])
    assert b"Preview." in page.data
    q = survey.q
    never = opt(q["use"], "Never").id
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(never)})
    done = client.post(f"/surveys/{survey.id}/check", data={})
    assert b"End of the preview" in client.get(done.headers["Location"]).data
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_short_link_and_qr_code(client, survey):
    response = client.get(f"/s/{survey.code}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/surveys/{survey.id}")
    assert client.get("/s/nothere").status_code == 404
    qr = client.get(f"/surveys/{survey.id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def test_equality_section_can_be_skipped(client, survey, places):
    from engage.surveys import builder

    section = builder.add_equality_section(None, survey)
    db.session.commit()
    q = survey.q
    begin(client, survey)
    never = opt(q["use"], "Never").id
    response = client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(never)})
    page = client.get(response.headers["Location"])
    assert b"About you" in page.data and b"Skip these questions" in page.data and page.data.count(b"Prefer not to say") == 8
    age = next(x for x in section.questions if x.equality_key == "age")
    skipped = client.post(response.headers["Location"], data={f"q{age.id}": str(age.choices()[1].id), "skip": "1"})
    assert skipped.headers["Location"].endswith("/check")
    client.post(f"/surveys/{survey.id}/check", data={})
    stored = db.session.scalar(select(SurveyResponse).where(SurveyResponse.status == "complete"))
    assert age.id not in {a.question_id for a in stored.answers}


def test_sending_with_a_required_answer_missing_goes_back_to_its_page(client, survey, places):
    q = survey.q
    begin(client, survey)
    often = opt(q["use"], "Often").id
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(often)})
    q["rate"].required = True
    db.session.commit()
    sent = client.post(f"/surveys/{survey.id}/check", data={})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/page/1")
    assert complete(survey.id) == 0
