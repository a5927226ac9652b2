"""The paper version prints in each language the survey is offered in (issue 23): the survey's
texts in that language, the paper's own words from that language's catalogue."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from engage.core import content
from engage.extensions import db
from engage.surveys.demo import SURVEY_TITLE
from engage.surveys.models import Survey
from engage.surveys.translation import KIND


def _demo_survey():
    return db.session.scalar(select(Survey).where(Survey.title == SURVEY_TITLE, Survey.is_demo.is_(True)))


def test_the_paper_prints_in_welsh_with_welsh_questions_and_welsh_fixed_words(seeded, client):
    survey = _demo_survey()
    assert "cy" in content.offered_languages("survey", survey.id)
    first = next(r for r in content.status(KIND, survey.id, "cy")
                 if r["text"].field == "text" and r["text"].record_type == "survey_question")
    question_en, question_cy = first["english"], first["translation"]
    assert question_en != question_cy

    english = client.get(f"/surveys/{survey.id}/paper")
    assert english.status_code == 200 and '<html lang="en"' in english.text
    assert question_en in english.text and "Tick one box." in english.text
    assert f'/surveys/{survey.id}/paper?language=cy' in english.text and "Print in Cymraeg" in english.text

    welsh = client.get(f"/surveys/{survey.id}/paper?language=cy")
    assert welsh.status_code == 200 and '<html lang="cy"' in welsh.text
    assert question_cy in welsh.text and question_en not in welsh.text
    assert "Arolwg strydoedd a pharciau glanach" in welsh.text      # the title
    assert "Ticiwch un blwch." in welsh.text and "Tick one box." not in welsh.text  # the paper's own words
    assert "Rhif y papur" in welsh.text and "Paper number" not in welsh.text
    # A rule's wording is a whole Welsh sentence ("Answer only if ..."); anything not translatable
    # yet (a rating scale's end labels) would be English, and the paper would say it is partly English.
    survey_rules = {q.id for q in survey.questions if q.rule}
    assert survey_rules and "<em>Atebwch dim ond os " in welsh.text and "Answer only if" not in welsh.text
    assert 'lang="en"><em>' not in welsh.text
    allowed = {q.settings.get(end) for q in survey.questions if q.qtype == "rating" for end in ("low_label", "high_label")}
    shown_in_english = g.get("engage_untranslated") or set()
    assert all(t in allowed for t in shown_in_english), shown_in_english
    assert ("engage-untranslated" in welsh.text) == bool(shown_in_english)
    assert "Argraffu yn English" in welsh.text                    # the way back to English

    # The reader's own choice of language is not changed by printing in another one.
    assert '<html lang="en"' in client.get("/").text


def test_a_language_the_survey_is_not_offered_in_is_refused_in_plain_words(seeded, client):
    survey = _demo_survey()
    refused = client.get(f"/surveys/{survey.id}/paper?language=ur")
    assert refused.status_code == 404
    assert "not printed in that language" in refused.text and "English, Cymraeg" in refused.text
    assert client.get(f"/surveys/{survey.id}/paper?language=xx").status_code == 404
