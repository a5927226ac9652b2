"""The builder (issue 20): answers boxes start empty with an example in the hint and refuse
the old placeholder words; an answer of a multiple choice question can be one that is
ticked alone ("None of these"), which the server enforces without JavaScript; a closing
date without an opening date is an error linked to its field."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import SurveyResponse
from tests.surveys.survey_support import consultation, places, survey  # noqa: F401


def test_answers_box_starts_empty_with_an_example_and_refuses_placeholder_words(client, login, survey):
    login("practitioner")
    section = survey.sections[0]
    url = f"/surveys/{survey.id}/questions/new?section={section.id}&type=multiple"
    page = client.get(url).get_data(as_text=True)
    box = page.split('name="options"')[1].split("</textarea>")[0]
    assert box.split(">", 1)[1].strip() == ""   # nothing in the box to type onto
    assert "for example:<br>Every week" in page
    joined = client.post(url, data={"text": "What needs doing?", "options": "Empty homesFirst answer\nSecond answer"})
    assert joined.status_code == 400 and "still has the example words ‘First answer’" in joined.get_data(as_text=True)
    assert not any(q.text == "What needs doing?" for q in survey.questions)
    grid = client.get(f"/surveys/{survey.id}/questions/new?section={section.id}&type=grid").get_data(as_text=True)
    assert "Strongly agree" in grid.split('name="options"')[1].split("</textarea>")[0]   # a real scale is still filled in
    assert grid.split('name="rows"')[1].split("</textarea>")[0].split(">", 1)[1].strip() == ""


def test_an_exclusive_answer_cannot_be_ticked_with_another(client, login, survey, places):
    login("practitioner")
    section = survey.sections[0]
    url = f"/surveys/{survey.id}/questions/new?section={section.id}&type=multiple"
    data = {"text": "Which would you use?", "options": "Bus\nBike\nNone of these", "exclusive": "None of those"}
    wrong = client.post(url, data=data)
    assert wrong.status_code == 400 and b"is not one of the answers above" in wrong.data and b'href="#exclusive"' in wrong.data
    every = client.post(url, data={**data, "exclusive": "Bus\nBike\nnone of these"})
    assert every.status_code == 400 and b"Leave at least one answer" in every.data
    assert client.post(url, data={**data, "exclusive": "none of these"}).status_code == 302
    question = next(q for q in survey.questions if q.text == "Which would you use?")
    flags = {o.label: o.is_exclusive for o in question.choices()}
    assert flags == {"Bus": False, "Bike": False, "None of these": True}
    edit = client.get(f"/surveys/{survey.id}/questions/{question.id}/edit").get_data(as_text=True)
    assert "None of these</textarea>" in edit.split('name="exclusive"')[1]
    # Answering: ticking "None of these" with "Bus" is refused by the server (no JavaScript needed).
    login(None)
    from engage.surveys import answering, structure

    response, _secret = answering.start(survey)
    page = next(p for p in structure.pages(survey) if question in p.questions)
    ids = {o.label: str(o.id) for o in question.choices()}
    from werkzeug.datastructures import MultiDict

    form = MultiDict([(f"q{survey.q['ward'].id}", str(places["castle"].id)), (f"q{survey.q['use'].id}", str(survey.q['use'].choices()[2].id)),
                      (f"q{question.id}", ids["Bus"]), (f"q{question.id}", ids["None of these"])])
    result = answering.read_page(survey, response, page, form)
    assert result.errors.get(question.id) == "You cannot choose ‘None of these’ and another answer"
    form.setlist(f"q{question.id}", [ids["Bus"], ids["Bike"]])
    assert question.id not in answering.read_page(survey, response, page, form).errors


def test_an_answered_answer_cannot_become_exclusive(survey, places):
    from engage.surveys import builder
    from tests.surveys.survey_support import store

    question = builder.add_question(None, survey, survey.sections[0], "multiple", {"text": "Which?", "options": "Bus\nBike"})
    db.session.commit()
    survey.q["which"] = question
    store(survey, {"which": {"o": [o.id for o in question.choices()], "t": {}}})
    import pytest

    with pytest.raises(builder.BuildError, match="cannot become an answer that is ticked alone"):
        builder.update_question(None, survey, question, {"text": "Which?", "options": "Bus\nBike", "exclusive": "Bike"}, question.version)


def test_a_closing_date_without_an_opening_date_is_linked_to_the_field(client, login, survey):
    login("practitioner")
    form = client.get(f"/surveys/{survey.id}/settings").get_data(as_text=True)
    version = form.split('name="version" type="hidden" value="')[1].split('"')[0]
    sent = client.post(f"/surveys/{survey.id}/settings", data={
        "title": "Parks survey", "retention_days": "365", "min_age": "0", "version": version, "closes_on": ["1", "1", "2099"]})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 400 and "Enter the date the survey opens" in page
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert 'href="#main-content"' not in summary and 'href="#opens_on' in summary
    assert 'id="opens_on-error"' in page


def test_population_upload_hint_names_its_own_columns(client, login):
    login("officer")
    page = client.get("/admin/population").get_data(as_text=True)
    assert "question numbers" not in page and "Columns: area, kind, age_band, sex, ethnicity and count" in page
