"""The survey journey's pages under a launch (bench/pages.py, issue 21).

- The start page shows the survey's introduction and privacy notice, not its questions: it
  runs the same SQL statements for a survey of 2 questions as for one of 14 (it loaded every
  question and option before). Starting (its POST) still loads the structure it needs.
- A question page loads the survey's structure in a fixed number of queries, whatever the
  number of questions.
- Markdown renderings are remembered by their text (engage/core/sanitise.py): a changed
  introduction shows on the very next page load."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from engage.extensions import db
from tests.query_support import statements
from tests.surveys.survey_support import add, consultation, places, survey  # noqa: F401  (fixtures)


def make_survey(consultation, questions: int) -> int:
    from engage.surveys import builder

    survey = builder.create_survey(None, consultation, {
        "title": f"Survey of {questions}", "introduction": "We want to know about **parks**.",
        "opens_at": datetime.now() - timedelta(days=1), "closes_at": datetime.now() + timedelta(days=10)})
    for n in range(questions):
        add(survey, survey.sections[0], "single", f"Question number {n}?", options=["Yes", "No", "Not sure"])
    db.session.commit()
    return survey.id


def first_page(client, survey_id) -> str:
    reply = client.post(f"/surveys/{survey_id}", data={})
    assert reply.status_code == 302 and "/page/" in reply.headers["Location"], reply.status_code
    return re.search(r"/surveys/\d+/page/\d+", reply.headers["Location"]).group(0)


def test_the_start_and_question_pages_run_the_same_queries_for_2_or_14_questions(app, client, consultation):
    small, large = make_survey(consultation, 2), make_survey(consultation, 14)
    start_small, _ = statements(client, f"/surveys/{small}")
    seen: list[str] = []
    start_large, reply = statements(client, f"/surveys/{large}", seen)
    assert "<strong>parks</strong>" in reply.get_data(as_text=True)
    assert not [s for s in seen if "survey_question" in s or "survey_option" in s], "the start page loads the questions"
    assert start_small == start_large, f"start page: {start_small} statements for 2 questions, {start_large} for 14"
    assert start_large <= 2

    page_small, _ = statements(client, first_page(client, small))
    page_large, reply = statements(client, first_page(client, large))
    assert reply.get_data(as_text=True).count("Question number") == 14
    assert page_small == page_large, f"question page: {page_small} statements for 2 questions, {page_large} for 14"


def test_a_changed_introduction_shows_at_once(app, client, consultation):
    from engage.surveys.models import Survey

    survey_id = make_survey(consultation, 1)
    assert "<strong>parks</strong>" in client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    db.session.get(Survey, survey_id).introduction = "We want to know about *libraries* now."
    db.session.commit()
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "<em>libraries</em>" in page and "<strong>parks</strong>" not in page


def test_the_start_page_of_a_survey_offered_in_welsh_runs_the_same_queries_for_2_or_14_questions(app, client, consultation):
    """Offering a language checks every text is translated: the survey's structure is read
    in a fixed number of queries for that, not one per question (26 on the demo before)."""
    from engage.core import content
    from engage.surveys.models import Survey
    from engage.surveys.translation import KIND

    counts = []
    for questions in (2, 14):
        survey_id = make_survey(consultation, questions)
        rows = content.status(KIND, survey_id, "cy")
        content.save(None, KIND, survey_id, "cy", {r["text"].key: "CY " + r["english"] for r in rows if r["state"] != content.EMPTY})
        content.offer(None, KIND, survey_id, "cy")
        db.session.commit()
        assert content.offered_languages("survey", survey_id) == ["cy"]
        seen: list[str] = []
        counts.append(statements(client, f"/surveys/{survey_id}", seen)[0])
        # Whether every text is translated is read against the structure snapshot kept for the
        # survey's structure_version (engage/surveys/snapshot.py), not the ORM, once it is kept.
        assert not [s for s in seen if "survey_question" in s or "survey_option" in s], seen
        consultation = db.session.get(Survey, survey_id).consultation
    assert counts[0] == counts[1], f"start page offered in Welsh: {counts[0]} statements for 2 questions, {counts[1]} for 14"
    assert counts[1] <= 5, f"start page offered in Welsh: {counts[1]} statements"


def test_whether_welsh_is_complete_is_worked_out_once_per_structure_and_follows_every_change(app, client, consultation):
    """The start page asks, on every visit, whether each offered language still has every
    text translated. The fingerprints of the structure's English are kept on its snapshot (one
    per structure_version); the survey's own texts are read from its row each time. So a
    question's changed hint, or the introduction changed, stops the Welsh link at once."""
    from engage.core import content
    from engage.surveys import snapshot
    from engage.surveys.models import Survey, SurveyQuestion
    from engage.surveys.translation import KIND, PRINTS

    survey_id = make_survey(consultation, 3)
    rows = content.status(KIND, survey_id, "cy")
    content.save(None, KIND, survey_id, "cy", {r["text"].key: "CY " + r["english"] for r in rows if r["state"] != content.EMPTY})
    content.offer(None, KIND, survey_id, "cy")
    db.session.commit()
    welsh = "engage-survey-versions"
    assert welsh in client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    with app.test_request_context():
        kept = snapshot.structure_of(db.session.get(Survey, survey_id)).__dict__.get(PRINTS)
    assert kept, "the structure's fingerprints are not kept with its snapshot"

    question = db.session.scalars(db.select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id)).first()
    question.hint = "A new hint nobody has translated"
    db.session.commit()
    assert welsh not in client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    content.save(None, KIND, survey_id, "cy", {f"survey_question.{question.id}.hint": "Awgrym newydd"})
    db.session.commit()
    assert welsh in client.get(f"/surveys/{survey_id}").get_data(as_text=True)

    db.session.get(Survey, survey_id).introduction = "A new introduction."
    db.session.commit()
    assert welsh not in client.get(f"/surveys/{survey_id}").get_data(as_text=True)


def test_a_question_as_first_shown_is_drawn_once_and_follows_every_change(app, client, survey, places):
    """A question page's fields as first shown are drawn once per distinct input
    (engage/surveys/drawing.py): the next resident's page is a look-up. A changed answer
    label, a new ward, a resident's own answers, another resident and a Welsh reader each
    still get exactly their page."""
    from engage.partnership.models import Area
    from engage.surveys import drawing
    from engage.surveys.models import SurveyOption

    survey_id, use_id, ward_id = survey.id, survey.q["use"].id, survey.q["ward"].id
    often = next(o for o in survey.q["use"].options if o.label == "Often")
    often_id, mill_id = often.id, places["mill"].id
    path = first_page(client, survey_id)
    page = client.get(path).get_data(as_text=True)
    assert ">Often</label>" in page and ">Mill</option>" in page and " checked" not in page
    kept = app.extensions.get(drawing.EXTENSION)
    assert kept, "the fields as first shown are not remembered"
    size = len(kept)
    assert client.get(path).get_data(as_text=True) == page
    assert len(kept) == size, "the same fields were remembered again under another key"

    db.session.get(SurveyOption, often_id).label = "Very often"       # the structure changes
    db.session.add(Area(name="Brand New Ward", level="ward", parent_id=places["borough"].id))   # a ward is added
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert ">Very often</label>" in page and ">Often</label>" not in page
    assert ">Brand New Ward</option>" in page

    # A resident's own answers, shown when they come back to the page, are theirs alone.
    reply = client.post(path, data={f"q{ward_id}": str(mill_id), f"q{use_id}": str(often_id)})
    assert reply.status_code == 302, reply.status_code
    mine = client.get(path).get_data(as_text=True)
    assert f'value="{often_id}" checked' in mine and f'value="{mill_id}" selected' in mine
    other = app.test_client()
    theirs = other.get(first_page(other, survey_id)).get_data(as_text=True)
    assert " checked" not in theirs and " selected" not in theirs

    welsh = app.test_client()
    welsh.set_cookie("engage_lang", "cy")
    page = welsh.get(first_page(welsh, survey_id)).get_data(as_text=True)
    assert "Dewiswch eich ward" in page and "Choose your ward" not in page


def test_a_browsers_draft_is_read_with_its_survey_and_never_shown_to_anyone_else(app, client, consultation):
    """The survey and this browser's draft of it are read in one statement (two before, on
    every page of the journey): the draft found is this browser's, of this survey, and one
    that was sent is not carried on."""
    first, second = make_survey(consultation, 2), make_survey(consultation, 2)
    page = first_page(client, first)
    count, reply = statements(client, f"/surveys/{first}")
    assert "Carry on where you stopped" in reply.get_data(as_text=True)
    assert count <= 2, f"start page with a draft: {count} statements (3 before)"
    count, reply = statements(client, page)
    assert reply.status_code == 200 and "Question number 0" in reply.get_data(as_text=True)
    assert count <= 2, f"question page: {count} statements (3 before)"

    # Another browser: no draft, and the question page sends it to the start.
    other = app.test_client()
    start = other.get(f"/surveys/{first}").get_data(as_text=True)
    assert "Carry on where you stopped" not in start and "Start now" in start
    assert other.get(page).status_code == 302
    # This browser's draft of the first survey is not a draft of the second.
    start = client.get(f"/surveys/{second}").get_data(as_text=True)
    assert "Carry on where you stopped" not in start and "Start now" in start
    assert client.get(page.replace(f"/surveys/{first}/", f"/surveys/{second}/")).status_code == 302
    # Even when the browser sends the first survey's secret for the second (a tampered session).
    tampered = app.test_client()
    with client.session_transaction() as kept:
        secret = kept["surveys"][str(first)]
    with tampered.session_transaction() as forged:
        forged["surveys"] = {str(second): secret}
    start = tampered.get(f"/surveys/{second}").get_data(as_text=True)
    assert "Carry on where you stopped" not in start and "Start now" in start
    assert tampered.get(page.replace(f"/surveys/{first}/", f"/surveys/{second}/")).status_code == 302

    # Each browser's own answer, never the other's.
    from engage.surveys.models import SurveyOption, SurveyQuestion, SurveyResponse

    question = db.session.scalars(db.select(SurveyQuestion).join(SurveyQuestion.section)
                                  .where(SurveyQuestion.text == "Question number 0?").order_by(SurveyQuestion.id)).first()
    options = {o.label: o.id for o in db.session.scalars(db.select(SurveyOption).where(SurveyOption.question_id == question.id))}
    assert first_page(other, first) == page
    client.post(page, data={"save": "1", f"q{question.id}": str(options["Yes"])})
    other.post(page, data={"save": "1", f"q{question.id}": str(options["No"])})

    def chosen(browser):
        html = browser.get(page).get_data(as_text=True)
        return re.findall(rf'value="(\d+)" checked|checked[^>]*value="(\d+)"', html)

    mine, theirs = chosen(client), chosen(other)
    assert mine and theirs and mine != theirs, (mine, theirs)
    assert str(options["Yes"]) in str(mine) and str(options["No"]) in str(theirs)

    # Sent: not carried on.
    mine_id = db.session.scalars(db.select(SurveyResponse.id).where(SurveyResponse.survey_id == first).order_by(SurveyResponse.id)).first()
    draft = db.session.get(SurveyResponse, mine_id)
    draft.status = "complete"
    db.session.commit()
    assert "Carry on where you stopped" not in client.get(f"/surveys/{first}").get_data(as_text=True)
    assert client.get(page).status_code == 302


def test_the_languages_a_survey_is_offered_in_are_read_with_their_translations_in_one_statement(app, client, consultation):
    """``content.offered_languages``: the languages offered and the fingerprints of their
    translations in one statement (one more for each language before), each language judged
    on its own translations: one whose text is emptied or out of date stops being offered at
    once, whatever the other has."""
    from engage.core import content
    from engage.surveys.models import Survey
    from engage.surveys.translation import KIND
    from tests.query_support import counting

    survey_id = make_survey(consultation, 2)
    for code in ("cy", "ur"):
        rows = content.status(KIND, survey_id, code)
        content.save(None, KIND, survey_id, code, {r["text"].key: f"{code} {r['english']}" for r in rows if r["state"] != content.EMPTY})
        content.offer(None, KIND, survey_id, code)
    db.session.commit()
    with app.test_request_context(), counting() as seen:
        assert sorted(content.offered_languages("survey", survey_id)) == ["cy", "ur"]
    # (the survey's own texts are read from its row, which a page has already loaded)
    assert len([text for text in seen if "content_" in text]) == 1, seen
    other_id = make_survey(db.session.get(Survey, survey_id).consultation, 1)   # offered in nothing
    with app.test_request_context():
        assert content.offered_languages("survey", other_id) == []
        assert sorted(content.offered_languages("survey", survey_id)) == ["cy", "ur"]
    def offered_on_page(page: str) -> list[str]:
        box = re.search(r'<ul class="govuk-list engage-survey-versions">(.*?)</ul>', page, re.S)
        return re.findall(r'hreflang="([^"]+)"', box.group(1)) if box else []

    count, reply = statements(client, f"/surveys/{survey_id}")
    assert offered_on_page(reply.get_data(as_text=True)) == ["cy", "ur"]
    assert count <= 2, f"start page offered in two languages: {count} statements"

    # Urdu's title emptied: Urdu is no longer offered, Welsh still is.
    content.save(None, KIND, survey_id, "ur", {f"survey.{survey_id}.title": ""})
    db.session.commit()
    with app.test_request_context():
        assert content.offered_languages("survey", survey_id) == ["cy"]
    assert offered_on_page(client.get(f"/surveys/{survey_id}").get_data(as_text=True)) == ["cy"]
    # The English changed: neither is up to date.
    db.session.get(Survey, survey_id).title = "A new title nobody has translated"
    db.session.commit()
    with app.test_request_context():
        assert content.offered_languages("survey", survey_id) == []


def test_the_ward_question_lists_the_wards_of_its_own_surveys_area_as_they_are_now(app, client, survey, places):
    """The ward list's statement is built once and given its survey's area each time (areas
    ``_wards``): each survey lists the wards inside its own area, and a renamed or moved
    ward shows on the next page."""
    from engage.partnership.models import Area
    from engage.surveys.models import Survey

    north = Area(name="Northtown", level="town", parent_id=places["borough"].id)
    south = Area(name="Southtown", level="town", parent_id=places["borough"].id)
    db.session.add_all([north, south])
    db.session.flush()
    db.session.get(Area, places["castle"].id).parent_id = north.id
    db.session.get(Area, places["bridge"].id).parent_id = south.id
    survey_id, north_id, south_id, mill_id = survey.id, north.id, south.id, places["mill"].id
    db.session.get(Survey, survey_id).population_area_id = north_id
    db.session.commit()

    def wards(browser):
        page = browser.get(f"/surveys/{survey_id}/page/0").get_data(as_text=True)
        box = re.search(r'<select[^>]*>(.*?)</select>', page, re.S)
        return re.findall(r"<option[^>]*>([^<]+)</option>", box.group(1)) if box else re.findall(r'<label[^>]*>\s*([A-Z][a-z]+)\s*</label>', page)

    first_page(client, survey_id)
    shown = wards(client)
    assert "Castle" in shown and "Bridge" not in shown and "Mill" not in shown, shown
    db.session.get(Survey, survey_id).population_area_id = south_id
    db.session.commit()
    shown = wards(client)
    assert "Bridge" in shown and "Castle" not in shown, shown
    db.session.get(Area, mill_id).parent_id = south_id
    db.session.get(Area, places["bridge"].id).name = "Bridgewater"
    db.session.commit()
    shown = wards(client)
    assert "Bridgewater" in shown and "Mill" in shown and "Bridge" not in shown, shown
