"""A survey's staff pages read in Welsh (issue 23): the builder and its forms, settings,
publishing, open and close, results, responses, sharing, access codes, comments, entry and
import, and the population pages. Each page is first read in English (so each English phrase
listed is known to be on it), then with the Welsh cookie: lang="cy", the Welsh phrase there and
none of the English left. What staff typed (titles, questions, answers) stays as they wrote it."""
from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from tests.i18n_support import assert_pages_in_welsh


def _demo_survey():
    from engage.surveys.demo import SURVEY_TITLE
    from engage.surveys.models import Survey

    return db.session.scalar(select(Survey).where(Survey.title == SURVEY_TITLE, Survey.is_demo.is_(True)))


def test_the_builder_and_its_forms_are_in_welsh(seeded, client, login):
    login("officer")
    survey = _demo_survey()
    section = sorted(survey.sections, key=lambda s: s.position)[0]
    question = sorted(section.questions, key=lambda q: q.position)[1]   # the agreement question, with answers
    s = survey.id
    assert_pages_in_welsh(client, {
        f"/surveys/{s}/build": ("Rhoi cynnig arni a rhannu", [
            ">Questions<", ">Settings<", "Open and close", "Enter paper answers", ">Who answered<", "Where the survey is",
            " responses.", "This survey has answers", "must be answered", "Add a question", "Add a section",
            "Try and share", "Preview as a resident", "Public page:", "Short link:", "QR code and poster",
            "Printable paper version", "Access codes for postal surveys", "Import answers from a CSV file",
            "Publish to the consultation database", "Make a new version", "Delete this survey", "Back to the consultation",
            "Single choice", "Moves the closing date later", "Close now", "Stops the survey taking answers at once",
            "someone who can change the consultation"]),
        f"/surveys/{s}/questions/{question.id}/edit": ("Mae pobl wedi ateb y cwestiwn hwn", [
            "People have answered this question", "From strongly agree to strongly disagree", "Save question", "People must answer this question",
            "Answers left out of the base", "Optional. Help with answering", "One on each line", ">Back<"]),
        f"/surveys/{s}/questions/new?section={section.id}&type=grid": ("Ychwanegu cwestiwn: grid o ddatganiadau", [
            "Add a question: grid of statements", "Several statements, each answered", "The park is clean", "Statements",
            "Each is answered on the scale above"]),
        f"/surveys/{s}/sections/new": ("Mae pob adran yn dudalen i drigolion", [
            "Add a section", "Each section is a page for residents", "Section title", "Residents see this as the heading",
            "Save section"]),
        f"/surveys/{s}/sections/{section.id}/edit": ("Newid yr adran", ["Change the section", "Save section"]),
        f"/surveys/{s}/settings": ("Gosodiadau’r arolwg", [
            "Survey settings", "When it is open", "Who can answer", "Paper copies", "Personal data", "Opens on",
            "Closes at the end of", "Area the survey covers", "The area question offers the wards", "Who the survey is for",
            "People aged 16 and over", "Accept one response from each device", "Ask for a single-use access code",
            "Keep personal data for", "Save survey", "Where people get a paper copy", "Privacy notice"]),
    }, all_found=True)


def test_a_question_type_the_form_does_not_accept_is_refused_in_welsh(seeded, client, login):
    login("officer")
    survey = _demo_survey()
    client.get("/language/cy")
    page = client.post(f"/surveys/{survey.id}/sections/new", data={"title": "x" * 201}).text
    assert '<html lang="cy"' in page
    assert "Rhaid i deitl yr adran fod yn 200 o nodau neu lai" in page
    assert "must be 200 characters or fewer" not in page
