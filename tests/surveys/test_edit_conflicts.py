"""Staff edits of a survey use the shared edit-conflict mechanism (engage/core/concurrency.py):
a save made from a page loaded before someone else's save shows "Someone else changed
this" (409) with what they changed, keeps the person's own values in the form, and saves
nothing. Covers survey settings, sections, questions, conditions and population figures."""
from __future__ import annotations

import re

from engage.extensions import db
from engage.surveys import builder, conditions, population
from engage.surveys.equality import AGE_BANDS, SEXES
from engage.surveys.models import PopulationFigure, Survey, SurveyQuestion, SurveySection
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401


def _version(page: bytes) -> str:
    match = re.search(rb'name="version"[^>]*value="(\d+)"', page) or re.search(rb'value="(\d+)"[^>]*name="version"', page)
    assert match, "the form carries the version it was loaded from"
    return match.group(1).decode()


def test_stale_settings_save_shows_the_conflict_and_saves_nothing(client, login, survey, users):
    login("practitioner")
    loaded = _version(client.get(f"/surveys/{survey.id}/settings").data)
    # Someone else saves the settings after the page was loaded.
    builder.update_settings(users["coordinator"], survey, {"title": "Their title", "retention_days": 365,
                                                          "opens_at": survey.opens_at, "closes_at": survey.closes_at}, int(loaded))
    db.session.commit()
    stale = client.post(f"/surveys/{survey.id}/settings", data={"title": "My title", "retention_days": "365", "version": loaded})
    assert stale.status_code == 409
    page = stale.data.decode()
    assert "Someone else changed this" in page and "Test Coordinator" in page
    assert "Their title" in page and 'value="My title"' in page          # theirs in the panel, mine kept in the form
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).title == "Their title"
    # The form now carries the saved version: saving again on purpose works.
    again = client.post(f"/surveys/{survey.id}/settings", data={"title": "My title", "retention_days": "365",
                                                               "version": _version(stale.data)})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).title == "My title"


def test_a_settings_form_without_its_version_is_a_conflict(client, login, survey):
    login("practitioner")
    missing = client.post(f"/surveys/{survey.id}/settings", data={"title": "No version", "retention_days": "365"})
    assert missing.status_code == 409
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).title == "Parks survey"


def test_stale_section_and_question_saves_save_nothing(client, login, survey, users):
    login("practitioner")
    section = survey.q["problems"].section
    loaded = _version(client.get(f"/surveys/{survey.id}/sections/{section.id}/edit").data)
    builder.save_section(users["coordinator"], survey, section, {"title": "Their problems", "intro": ""}, int(loaded))
    db.session.commit()
    stale = client.post(f"/surveys/{survey.id}/sections/{section.id}/edit", data={"title": "My problems", "version": loaded})
    assert stale.status_code == 409 and b"Someone else changed this" in stale.data and b"My problems" in stale.data
    db.session.expire_all()
    assert db.session.get(SurveySection, section.id).title == "Their problems"

    question = survey.q["use"]
    loaded = _version(client.get(f"/surveys/{survey.id}/questions/{question.id}/edit").data)
    builder.update_question(users["coordinator"], survey, question, {"text": "Do you go to the park?",
                                                                    "options": "Often\nSometimes\nNever\nOnce a year", "required": True},
                            int(loaded))
    db.session.commit()
    stale = client.post(f"/surveys/{survey.id}/questions/{question.id}/edit",
                        data={"text": "My wording", "options": "Often\nSometimes\nNever", "required": "y", "version": loaded})
    assert stale.status_code == 409
    page = stale.data.decode()
    assert "Do you go to the park?" in page and "Once a year" in page and "My wording" in page
    db.session.expire_all()
    saved = db.session.get(SurveyQuestion, question.id)
    assert saved.text == "Do you go to the park?" and [o.label for o in saved.choices()][-1] == "Once a year"


def test_stale_condition_save_saves_nothing(client, login, survey, users):
    login("practitioner")
    target = survey.q["comment"]
    use = survey.q["use"]
    page = client.get(f"/surveys/{survey.id}/questions/{target.id}/rule?source={use.id}")
    loaded = _version(page.data)
    conditions.set_rule(users["coordinator"], survey, target, {"question_id": use.id, "op": "one_of", "value": [opt(use, "Never").id]},
                     int(loaded))
    db.session.commit()
    stale = client.post(f"/surveys/{survey.id}/questions/{target.id}/rule",
                        data={"source": str(use.id), "op": "one_of", "value": [str(opt(use, "Often").id)], "version": loaded})
    assert stale.status_code == 409 and b"Someone else changed this" in stale.data
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, target.id).rule["value"] == [opt(use, "Never").id]


def test_stale_population_figures_save_nothing(client, login, places, users):
    login("officer")
    ward = places["mill"]
    loaded = _version(client.get(f"/admin/population/{ward.id}").data)
    population.save_area_figures(users["coordinator"], ward, {(AGE_BANDS[1], SEXES[0]): 500}, int(loaded))
    db.session.commit()
    stale = client.post(f"/admin/population/{ward.id}", data={"c-1-0": "120", "version": loaded})
    assert stale.status_code == 409
    page = stale.data.decode()
    assert "Someone else changed this" in page and "500" in page and 'value="120"' in page
    db.session.expire_all()
    figures = db.session.query(PopulationFigure).filter_by(area_id=ward.id).all()
    assert [(f.age_band, f.sex, f.count) for f in figures] == [(AGE_BANDS[1], SEXES[0], 500)]


def test_stale_comment_coding_saves_nothing(client, login, survey, places, users):
    from engage.surveys import comments
    from engage.surveys.models import SurveyAnswer
    from tests.surveys.survey_support import choice, store

    q = survey.q
    store(survey, {"ward": places["mill"].id, "use": choice(q["use"], "Often"), "comment": "More bins please"})
    litter = comments.add_theme(users["officer"], survey, "Litter")
    dogs = comments.add_theme(users["officer"], survey, "Dogs")
    db.session.commit()
    answer = db.session.scalars(comments.comments_query(survey)).one()
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/comments")
    loaded = _version(page.data[page.data.index(f'id="comment-{answer.id}"'.encode()):])
    comments.code_comment(users["coordinator"], survey, answer, [str(dogs.id)], int(loaded))
    db.session.commit()
    stale = client.post(f"/surveys/{survey.id}/comments/{answer.id}",
                        data={"theme": [str(litter.id)], "version": loaded, "back": f"/surveys/{survey.id}/comments"})
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "Someone else changed this" in text and "Test Coordinator" in text
    # My tick stays on the comment's form; theirs is what is saved.
    assert f'value="{litter.id}" checked' in text
    db.session.expire_all()
    assert [t.name for t in db.session.get(SurveyAnswer, answer.id).themes] == ["Dogs"]
    again = client.post(f"/surveys/{survey.id}/comments/{answer.id}",
                        data={"theme": [str(litter.id)], "version": _version(text[text.index(f'id="comment-{answer.id}"'):].encode())})
    assert again.status_code == 302
    db.session.expire_all()
    assert [t.name for t in db.session.get(SurveyAnswer, answer.id).themes] == ["Litter"]
