"""Translating what staff write: a survey translated into Welsh and into easy read, offered
only when complete, out of date when the English changes, answered in Welsh and counted with
everyone else; the side-by-side editor; translations go when their records are deleted."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engage.core import content
from engage.core.errors import RuleError
from engage.core.models import ContentLanguage, ContentTranslation
from engage.extensions import db
from engage.surveys.models import SurveyResponse
from engage.surveys.translation import KIND
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401


def _translate_all(survey, language="cy", prefix="CY "):
    rows = content.status(KIND, survey.id, language)
    values = {r["text"].key: prefix + r["english"] for r in rows if r["state"] != content.EMPTY}
    content.save(None, KIND, survey.id, language, values)
    db.session.commit()
    return values


def test_a_survey_is_offered_in_a_language_only_when_every_text_is_translated(app, survey):
    rows = content.status(KIND, survey.id, "cy")
    labels = [r["text"].label for r in rows]
    # Every text a resident reads: title, introduction, sections, questions, hints, answers, rows.
    assert labels[:2] == ["Survey title", "Introduction on the start page"]
    assert "Question 2: answer 3" in labels and "Question 6: row 2" in labels
    tally = content.counts(rows)
    assert tally[content.DONE] == 0 and tally[content.MISSING] > 20
    with pytest.raises(RuleError) as refused:
        content.offer(None, KIND, survey.id, "cy")
    assert f"{tally[content.MISSING]} texts are missing or out of date" in str(refused.value)

    _translate_all(survey)
    content.offer(None, KIND, survey.id, "cy")
    db.session.commit()
    assert content.offered_languages("survey", survey.id) == ["cy"]

    # The English changes: that text is out of date, and the survey is no longer shown in
    # Welsh until it is translated again (never half in Welsh).
    survey.q["use"].text = "How often do you use the park?"
    db.session.commit()
    outdated = [r["text"].label for r in content.status(KIND, survey.id, "cy") if r["state"] == content.OUTDATED]
    assert outdated == ["Question 2"]
    assert content.offered_languages("survey", survey.id) == []
    content.save(None, KIND, survey.id, "cy", {f"survey_question.{survey.q['use'].id}.text": "Pa mor aml ydych chi’n defnyddio’r parc?"})
    db.session.commit()
    assert content.offered_languages("survey", survey.id) == ["cy"]


def test_a_resident_answers_in_welsh_and_is_counted_with_everyone(app, client, login, survey):
    _translate_all(survey)
    content.offer(None, KIND, survey.id, "cy")
    db.session.commit()
    client.get("/language/cy")
    start = client.get(f"/surveys/{survey.id}")
    assert "CY Parks survey" in start.text and "CY About parks." in start.text
    location = client.post(f"/surveys/{survey.id}", data={}).headers["Location"]
    page = client.get(location)
    assert "CY Do you use the park?" in page.text and "CY Sometimes" in page.text
    assert "Do you use the park?</" not in page.text.replace("CY Do you use the park?</", "")
    q = survey.q
    ward = q["ward"].choices()[0] if q["ward"].choices() else None
    data = {f"q{q['use'].id}": str(opt(q["use"], "Never").id)}
    if ward is not None:
        data[f"q{q['ward'].id}"] = str(ward.id)
    else:
        from engage.partnership.models import Area
        data[f"q{q['ward'].id}"] = str(db.session.scalar(select(Area.id).where(Area.level == "ward").limit(1)))
    nxt = client.post(location, data=data)
    assert nxt.status_code == 302, nxt.text[:500]
    while "/check" not in nxt.headers["Location"]:
        nxt = client.post(nxt.headers["Location"], data={})
        assert nxt.status_code == 302
    done = client.post(f"/surveys/{survey.id}/check", data={})
    assert done.status_code in (302, 303)
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                              SurveyResponse.status == "complete"))
    assert response.language == "cy"
    # An answer in English as well: both are counted together, and the results say how many
    # answered in each language.
    from tests.surveys.survey_support import store
    store(survey, {"use": {"o": [opt(q["use"], "Never").id], "t": {}}, "ward": data[f"q{q['ward'].id}"]})
    client.get("/language/en")
    login("officer")
    results = client.get(f"/surveys/{survey.id}/results")
    assert "Answered in: English 1, Cymraeg 1." in results.text


def test_the_side_by_side_editor(app, client, login, survey):
    login("officer")
    overview = client.get(f"/translate/survey/{survey.id}")
    assert overview.status_code == 200 and "Cymraeg" in overview.text and "Easy read" in overview.text
    editor = client.get(f"/translate/survey/{survey.id}/cy")
    assert editor.status_code == 200
    key = f"survey_question.{survey.q['use'].id}.text"
    assert f'name="{key}"' in editor.text and "Do you use the park?" in editor.text and "Missing" in editor.text

    too_long = client.post(f"/translate/survey/{survey.id}/cy", data={key: "x" * 5001, "survey.%d.title" % survey.id: "Arolwg"})
    assert too_long.status_code == 400 and "5,000 characters or fewer" in too_long.text
    assert "Arolwg" in too_long.text                        # what was typed is kept
    assert db.session.scalar(select(func.count(ContentTranslation.id))) == 0  # nothing half-saved

    saved = client.post(f"/translate/survey/{survey.id}/cy", data={key: "Ydych chi’n defnyddio’r parc?"})
    assert saved.status_code == 302
    todo = client.get(f"/translate/survey/{survey.id}/cy?show=todo")
    assert f'name="{key}"' not in todo.text                  # only what is missing or out of date

    refused = client.post(f"/translate/survey/{survey.id}/cy/offer", data={"action": "offer"})
    assert refused.status_code == 400 and "missing or out of date" in refused.text
    assert db.session.scalar(select(func.count(ContentLanguage.id))) == 0

    assert client.get(f"/translate/survey/{survey.id}/fr").status_code == 404
    assert client.get("/translate/nothing/1").status_code == 404
    # Who may translate: tests/surveys/test_roles.py (the survey's editors, as for building it).


def test_easy_read_is_chosen_on_the_survey_and_counted(app, client, survey):
    _translate_all(survey, content.EASY_READ, prefix="EASY ")
    content.offer(None, KIND, survey.id, content.EASY_READ)
    db.session.commit()
    start = client.get(f"/surveys/{survey.id}")
    assert "Read the easy-read version" in start.text and "EASY Parks survey" not in start.text
    easy = client.get(f"/surveys/{survey.id}?version=easyread")
    assert "EASY Parks survey" in easy.text and "Read the standard version" in easy.text
    location = client.post(f"/surveys/{survey.id}", data={}).headers["Location"]
    assert "EASY Do you use the park?" in client.get(location).text   # kept on the next pages
    assert "EASY" not in client.get(f"/surveys/{survey.id}?version=standard").text


def test_a_survey_read_in_welsh_but_not_offered_in_it_is_english_and_says_so(app, client, survey):
    client.get("/language/cy")
    start = client.get(f"/surveys/{survey.id}")
    assert "Parks survey" in start.text
    assert "wedi’u cyfieithu i’r Gymraeg eto" in start.text   # "parts of this page are not yet translated"


def test_deleting_a_survey_deletes_its_translations(app, survey):
    from engage.core import deletion

    _translate_all(survey)
    content.offer(None, KIND, survey.id, "cy")
    db.session.commit()
    assert db.session.scalar(select(func.count(ContentTranslation.id))) > 20
    deletion.delete(None, survey, "test")
    db.session.commit()
    assert db.session.scalar(select(func.count(ContentTranslation.id))) == 0
    assert db.session.scalar(select(func.count(ContentLanguage.id))) == 0


def test_a_rating_scales_end_words_and_postcode_problems_are_in_welsh(app, client, survey):
    """The words for a rating scale's ends are texts of the survey like any other (translated,
    and needed before it is offered); a postcode the place question cannot use is explained
    in Welsh to a Welsh reader."""
    q = survey.q
    q["rate"].settings = {"low_label": "very poor", "high_label": "excellent"}
    db.session.commit()
    labels = {r["text"].label: r["state"] for r in content.status(KIND, survey.id, "cy")}
    assert [label for label in labels if label.endswith(("what 0 means", "what 10 means"))] == \
        ["Question 3: what 0 means", "Question 3: what 10 means"]
    _translate_all(survey)
    content.offer(None, KIND, survey.id, "cy")
    db.session.commit()
    client.get("/language/cy")
    location = client.post(f"/surveys/{survey.id}", data={}).headers["Location"]
    often = str(opt(q["use"], "Often").id)
    wrong = client.post(location, data={f"q{q['use'].id}": often, f"q{q['ward'].id}-postcode": "WA7"})
    assert wrong.status_code == 400
    assert "Rhowch y cod post llawn, fel WA7 2HA: mae WA7 ar ei ben ei hun yn cwmpasu mwy nag un ward" in wrong.text
    assert "Enter the full postcode" not in wrong.text
    from engage.partnership.models import Area

    ward = db.session.scalar(select(Area.id).where(Area.level == "ward").limit(1))
    rating = client.post(location, data={f"q{q['use'].id}": often, f"q{q['ward'].id}": str(ward)})
    assert rating.status_code == 302, rating.text[:300]
    page = client.get(rating.headers["Location"]).text
    assert "Mae 0 yn golygu CY very poor; mae 10 yn golygu CY excellent." in page
    assert "very poor" not in page.replace("CY very poor", "") and "excellent" not in page.replace("CY excellent", "")


def test_the_start_page_offers_welsh_only_while_every_text_is_up_to_date(app, client, survey):
    """The start page reads completeness from the survey's structure snapshot (kept per
    structure_version, engage/surveys/snapshot.py) and the translations' fingerprints: an
    answer's English changed, or a translation emptied, stops the Welsh link on the very next
    visit, and translating it again brings it back."""
    values = _translate_all(survey)
    content.offer(None, KIND, survey.id, "cy")
    db.session.commit()
    welsh = "engage-survey-versions"   # the survey's own list of versions (only Welsh is offered)
    assert welsh in client.get(f"/surveys/{survey.id}").text      # offered (and the snapshot kept)

    sometimes = opt(survey.q["use"], "Sometimes")
    sometimes.label = "Now and then"                                # an answer's English changes
    db.session.commit()
    assert welsh not in client.get(f"/surveys/{survey.id}").text
    content.save(None, KIND, survey.id, "cy", {f"survey_option.{sometimes.id}.label": "Weithiau"})
    db.session.commit()
    assert welsh in client.get(f"/surveys/{survey.id}").text

    key = f"survey.{survey.id}.title"                               # a translation emptied
    assert key in values
    content.save(None, KIND, survey.id, "cy", {key: ""})
    db.session.commit()
    assert welsh not in client.get(f"/surveys/{survey.id}").text


def test_the_editor_names_each_text_in_the_readers_language(app, client, login, survey):
    """The side-by-side editor read in Welsh: the name of every text (question 2, its
    answers, the survey's title) is Welsh too, not an English label inside a Welsh page."""
    login("practitioner")
    client.get("/language/cy")
    editor = client.get(f"/translate/survey/{survey.id}/cy").text
    assert "Teitl yr arolwg" in editor and "Cwestiwn 2: ateb 3" in editor and "Adran 1: teitl" in editor
    for english in ("Survey title", "Question 2: answer 3", "Section 1: title", "Introduction on the start page"):
        assert english not in editor, english
