"""Reaching people (issue 20): the paper version, the poster and the QR code are linked from
the public survey page and open for residents and group leaders; what they say about paper
copies is the survey's own setting; paper respondents can ask to hear back."""
from __future__ import annotations

from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import PAPER_COPIES, PAPER_RETURN, SurveyContact, SurveyResponse
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401


def test_public_survey_page_links_paper_copy_poster_and_qr_for_anyone(client, survey):
    start = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    for link in (f"/surveys/{survey.id}/paper", f"/surveys/{survey.id}/poster", f"/surveys/{survey.id}/qr.png", f"/s/{survey.code}"):
        assert link in start, link
    assert PAPER_COPIES in start
    paper = client.get(f"/surveys/{survey.id}/paper")
    assert paper.status_code == 200 and b"Which ward do you live in?" in paper.data
    assert PAPER_RETURN.encode() in paper.data and b"freepost envelope or hand it in" not in paper.data
    # A resident goes back to the survey, not to the staff builder.
    assert f'href="/surveys/{survey.id}"'.encode() in paper.data and b"/build" not in paper.data
    poster = client.get(f"/surveys/{survey.id}/poster").get_data(as_text=True)
    # The poster has the QR code and the short link, and none of the site's navigation.
    assert f'src="/surveys/{survey.id}/qr.svg"' in poster and f"/s/{survey.code}" in poster and PAPER_COPIES in poster
    assert "engage-header" not in poster and "govuk-footer" not in poster and "govuk-service-navigation" not in poster
    assert "/static/poster.css" in poster
    png = client.get(f"/surveys/{survey.id}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_paper_and_poster_of_a_draft_are_for_its_editors_only(client, login, survey):
    survey.opens_at = survey.closes_at = None
    db.session.commit()
    assert client.get(f"/surveys/{survey.id}/paper").status_code == 404
    assert client.get(f"/surveys/{survey.id}/poster").status_code == 404
    assert b"Print a paper copy" not in client.get(f"/surveys/{survey.id}").data
    login("practitioner")
    assert client.get(f"/surveys/{survey.id}/paper").status_code == 200
    assert client.get(f"/surveys/{survey.id}/poster").status_code == 200


def test_paper_wording_is_a_survey_setting(client, login, survey):
    login("practitioner")
    form = client.get(f"/surveys/{survey.id}/settings").get_data(as_text=True)
    assert PAPER_COPIES in form and PAPER_RETURN in form
    version = form.split('name="version" type="hidden" value="')[1].split('"')[0] if 'name="version" type="hidden"' in form else \
        form.split('name="version" value="')[1].split('"')[0]
    data = {"title": "Parks survey", "opens_on": ["1", "1", "2020"],
            "retention_days": "365", "min_age": "0", "one_per_browser": "y", "ask_contact": "y", "version": version,
            "paper_copies": "Pick one up at Halton Lea reception.", "paper_return": "Leave it in the box at Halton Lea reception."}
    saved = client.post(f"/surveys/{survey.id}/settings", data=data)
    assert saved.status_code == 302, saved.data[:2000]
    login(None)
    start = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Pick one up at Halton Lea reception." in start, start[start.find("<main"):]
    assert b"Pick one up at Halton Lea reception." in client.get(f"/surveys/{survey.id}/poster").data
    paper = client.get(f"/surveys/{survey.id}/paper").data
    assert b"Leave it in the box at Halton Lea reception." in paper and PAPER_RETURN.encode() not in paper
    # Left blank, each goes back to the standard words rather than saying nothing.
    from engage.surveys import builder

    builder.update_settings(None, survey, {**data, "title": "Parks survey", "retention_days": 365, "min_age": 0,
                                           "opens_at": survey.opens_at, "closes_at": survey.closes_at,
                                           "paper_copies": "  ", "paper_return": ""}, survey.version)
    db.session.commit()
    assert survey.paper_copies == PAPER_COPIES and survey.paper_return == PAPER_RETURN


def test_paper_respondent_email_is_kept_apart_with_the_same_consent_words(client, login, survey, places):
    consent = "We will email you twice: once when the findings are published, and once when the partnerships say what they will do"
    q = survey.q
    login("practitioner")
    entry_page = client.get(f"/surveys/{survey.id}/entry").get_data(as_text=True)
    assert consent in entry_page and 'name="contact_email"' in entry_page
    assert consent in client.get(f"/surveys/{survey.id}/paper").get_data(as_text=True)
    data = {"submission_key": "paperkey1", "channel": "paper", f"q{q['ward'].id}": str(places["castle"].id),
            f"q{q['use'].id}": str(opt(q["use"], "Never").id), "contact_email": "not an address"}
    bad = client.post(f"/surveys/{survey.id}/entry", data=data)
    assert bad.status_code == 400 and b'href="#contact_email"' in bad.data and b"correct format" in bad.data
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.status == "complete")) == 0
    saved = client.post(f"/surveys/{survey.id}/entry", data={**data, "contact_email": "Resident@Example.org"})
    assert saved.status_code == 302
    contacts = db.session.scalars(select(SurveyContact)).all()
    assert [(c.survey_id, c.email) for c in contacts] == [(survey.id, "Resident@example.org")]
    # Sent twice, the form stores the answers once and the address once.
    client.post(f"/surveys/{survey.id}/entry", data={**data, "contact_email": "Resident@Example.org"})
    assert db.session.scalar(select(func.count()).select_from(SurveyContact)) == 1
    # The address is nowhere in the answers.
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.submission_key == "paperkey1"))
    assert all("example.org" not in (a.text or "").lower() for a in response.answers)


def test_public_paper_and_poster_pages_read_plainly(client, survey):
    from tests.readability_support import grade, own_words, stored_names

    names = stored_names() + [survey.title, survey.consultation.title]
    for path in (f"/surveys/{survey.id}", f"/surveys/{survey.id}/poster"):
        text = own_words(client.get(path).get_data(as_text=True), names)
        assert grade(text) <= 8.0, (path, grade(text), text)
