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


def test_open_and_close_publishing_results_responses_and_sharing_are_in_welsh(seeded, client, login):
    from engage.surveys.demo import STALL_TITLE
    from engage.surveys.models import Survey, SurveyResponse

    login("officer")
    survey = _demo_survey()
    stall = db.session.scalar(select(Survey).where(Survey.title == STALL_TITLE))
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                              SurveyResponse.status == "complete").order_by(SurveyResponse.id))
    s = survey.id
    assert_pages_in_welsh(client, {
        f"/surveys/{s}/open-and-close": ("Newidiadau i’w ddyddiadau", [
            "Open and close", "Opened ", "closes at the end of", "It stops taking answers at once", "Changes to its dates",
            "None yet.", "Why close it now?", "New closing date", "It closes at the end of this day", ">Back<"]),
        f"/surveys/{stall.id}/open-and-close": ("Mae’n derbyn atebion eto tan ddiwedd y dyddiad cau newydd", [
            "It takes answers again until the end", "Opens the survey again until a new closing date", ", closed "]),
        f"/surveys/{s}/publish": ("Mae’r arolwg hwn yn dal ar agor", [
            "Publish to the consultation database", "The counts and bases from", "Its results are not public",
            "groups of fewer than", "This survey is still open", "Back to results"]),
        f"/surveys/{stall.id}/publish": ("Cyhoeddi’r canlyniadau i bawb nawr", [
            "Publish the results to everyone now", "Sets the consultation's results date to today"]),
        f"/surveys/{s}/results?by=channel&moe=1": ("Dadansoddi’r canlyniadau yn ôl", [
            "people have answered so far", "Channel mix:", "Break the results down by", "Nothing: everyone together",
            "Margins of error", "Weight to the population", "Show as the public would see it", "Download:",
            "responses (CSV)", "How we work out these numbers", "Under each percentage is its", "higher or lower than",
            "tests on this page found", " answered.", "Everyone who answered", ">Answer<", "base ", "Average rank",
            "People who ranked it", "Read and code the", "Bar chart of the percentage", "Percentage of people who answered",
            "Priority wards and the rest of the borough", ">Online<", ">Paper<"]),
        f"/surveys/{s}/results?weighted=1": ("Pwysoli", [
            "Weighted to ", "in the survey’s wards", "people are weighted", "Each person counts as between",
            "Weighting efficiency", "Weighted groups against the population", "Share of population", "Weighted share",
            "People answered", " unweighted, effective ", "loaded by Engage on", "Ward: groups with fewer than",
            "Age band: ", "Age band: groups with fewer than", "weighted together with a neighbour", "answered in all", ">Age band<",
            "are left out of the weighted tables", "did not give all of their ward"]),
        f"/surveys/{s}/responses": ("Dod o hyd i ymatebion", [
            "responses counted in the results", "Find one by the reference", "For example, ABCD-2345", "Given on or after",
            "Every response", "Set aside (duplicates and spam)", "Find responses", "responses found", ">Counted?<",
            ">Yes<", ">Reference<"]),
        f"/surveys/{s}/responses?from=nonsense": ("Rhowch y diwrnod cyntaf fel dyddiad", [
            "Enter the first day as a date", "There is a problem"]),
        f"/surveys/{s}/responses/{response.id}": ("Atebion, fel y rhoddodd y person nhw", [
            "Counted in the results?", "Answers, as the person gave them", "Correct the answers",
            "Erase at the person’s request", "Duplicate or spam?", "A response set aside is kept", "Set it aside as",
            "A duplicate of another response", "What staff did", "Nothing yet: it is as the person gave it",
            "Back to responses"]),
        f"/surveys/{s}/share": ("Rhannu’r arolwg", [
            "Share the survey", "Short link for posters", "Full address", "Take part now", "QR code that opens",
            "Download the QR code (SVG", "Poster and paper copies", "Poster to print", "Paper version to print",
            "What they say about paper copies", "the survey’s settings"]),
    })


def test_conditions_deleting_codes_comments_and_who_answered_are_in_welsh(seeded, client, login):
    login("officer")
    survey = _demo_survey()
    s = survey.id
    sections = sorted(survey.sections, key=lambda x: x.position)
    ruled = next(q for q in survey.questions if q.rule)
    last = sorted(sections[-1].questions, key=lambda q: q.position)[-1]
    # The ward question by its type: "the first question" is a tie on PostgreSQL (positions
    # count within a section).
    area_question = next(q for q in survey.questions if q.qtype == "area")
    made = client.post(f"/surveys/{s}/codes", data={"count": "3"})
    assert made.status_code == 302
    from engage.surveys.models import SurveyAccessCode as AccessCode

    batch = db.session.scalar(select(AccessCode.batch).where(AccessCode.survey_id == s).order_by(AccessCode.id.desc()))
    assert_pages_in_welsh(client, {
        f"/surveys/{s}/questions/new?section={sections[0].id}": ("Pa fath o gwestiwn?", [
            "What kind of question?", "It goes in the section", "Single choice", "People choose one answer from a list",
            "Grid of statements", ">Continue<"]),
        f"/surveys/{s}/questions/{ruled.id}/rule": ("Yn cael ei ddangos dim ond os", [
            "When to show ", "Shown only if the answer to", " the answer to ", "Its condition", "Condition 1", "Shown if the answer to",
            ">Remove<", "Add another condition: the answer to", "Choose this question", "Remove the condition: always show it"]),
        f"/surveys/{s}/questions/{ruled.id}/rule?source={area_question.id}": ("Y wardiau hyn", [
            "’s answer", ">is one of<", "These wards", "Show it when", "All of these conditions are met",
            "Any one of these conditions is met", "Add another condition"]),
        f"/surveys/{s}/sections/{sections[0].id}/rule": ("Pryd i ddangos yr adran", [
            "When to show the section", "It is always shown.",
            "There is no earlier question it could depend on"]),
        f"/surveys/{s}/delete": ("Ydych chi’n siŵr eich bod am ddileu’r arolwg", [
            "Are you sure you want to delete the survey", "This also deletes", "responses and their answers", "No, go back",
            "Yes, delete it"]),
        f"/surveys/{s}/sections/{sections[0].id}/delete": ("Ni allwch ddileu’r adran", [
            "You cannot delete the section", "of its questions have answers", "Go back"]),
        f"/surveys/{s}/questions/{last.id}/delete": ("Ni allwch ddileu", [
            "You cannot delete ", "It has ", "Close the survey and make a new version instead"]),
        f"/surveys/{s}/codes": ("Codau mynediad", [
            "Access codes", "print one code on each letter", "This survey does not ask for a code yet", "Batches",
            "Print or download", "CSV for a mail merge", "How many codes", "Make codes"]),
        f"/surveys/{s}/codes/{batch}": ("Eich cod mynediad", [
            "access codes, batch", "Back to access codes", "Answer online at", "Your access code"]),
        f"/surveys/{s}/comments": ("Codio llawer o sylwadau ar unwaith", [
            ">Comments<", ">Themes<", "Example quotes", "Suggest themes for comments without one", "New theme", "Add theme",
            "All open questions", "Words in the comment", "Any theme", "Only comments without a theme", "Search comments",
            " comments.", "Code many comments at once", "Theme to add or take off", "Add the theme", "The comments I ticked",
            "comments this search found", "Apply to comments", "Tick to code with others", "Themes of this comment",
            "Save themes", "· response ", "Page 1 of", "Next<"]),
        f"/surveys/{s}/comments/suggestions": ("Awgrymiadau thema", [
            "Theme suggestions", "These groups come from the words", "Back to comments"]),
        f"/surveys/{s}/who-answered": ("Cynrychiolaeth", [
            "Who answered", "people have answered", "Each group’s share", "under-represented", "People who answered",
            "Share of answers", "Share of population", "Representation", " said", "did not say", "Officers keep the population",
            "Back to results", ">Age band<", ">Sex<", "Ethnic group"]),
    })


def test_entering_correcting_erasing_importing_and_population_pages_are_in_welsh(seeded, client, login):
    import io

    from engage.partnership.models import Area
    from engage.surveys import import_jobs
    from engage.surveys.models import SurveyResponse

    login("officer")
    survey = _demo_survey()
    s = survey.id
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == s, SurveyResponse.status == "complete")
                                 .order_by(SurveyResponse.id.desc()))
    ward = db.session.scalar(select(Area).where(Area.level == "ward").order_by(Area.id))
    # A file to import: the template's headings and one comment for the open question.
    headings = client.get(f"/surveys/{s}/import/template.csv").get_data(as_text=True).splitlines()[0].lstrip("\ufeff")
    from engage.surveys import structure

    idea = next(q for q in survey.questions if q.text == "What one thing would most improve your area?")
    columns = headings.split(",")
    row = ["More bins near the park" if h == structure.numbers(survey)[idea.id] else "" for h in columns]
    uploaded = client.post(f"/surveys/{s}/import", data={"file": (io.BytesIO(f"{headings}\n{','.join(row)}\n".encode()), "answers.csv")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 302, [l for l in uploaded.get_data(as_text=True).splitlines() if "error-summary__list" in l or "<li><a" in l][:5]
    token = uploaded.headers["Location"].split("/import/")[1].split("/")[0].split("?")[0]
    assert_pages_in_welsh(client, {
        f"/surveys/{s}/entry": ("Sut cafodd yr atebion hyn eu rhoi?", [
            "Enter paper or phone answers", "One form per questionnaire", "How were these answers given?", ">Paper<",
            ">Face to face<", "Access code (optional)", "Email address to hear what happens next", "Copy it from the paper form",
            "Save these answers"]),
        f"/surveys/{s}/responses/{response.id}/correct": ("Cadw’r cywiriad", [
            "Correct response ", "Change the answers that are wrong", "Why are you correcting it?", "Typing slip",
            "Save the correction"]),
        f"/surveys/{s}/responses/{response.id}/erase": ("Nid oes modd dadwneud hyn", [
            "Erase response ", "This cannot be undone.", "Every answer, any words written in it", "A note is kept",
            "Why is it being erased?", "The person asked us to erase their answers", "Another legal reason",
            "Email address they gave", "Erase this response"]),
        f"/surveys/{s}/import": ("Mewnforio atebion a gasglwyd gan offeryn arall", [
            "Import answers collected by another tool", "One row per person", "Download the template",
            "The whole file is checked first", "CSV file", "Headings are the question numbers", "Upload and check"]),
        f"/surveys/{s}/import/{token}": ("1 ymateb yn barod", [
            "1 response ready", "was checked and nothing is wrong with it", "Responses in the file, by channel",
            "Imported from another tool", "The import runs in the background", "Import 1 response", "Upload a different file"]),
        "/admin/population": ("Proffiliau poblogaeth", [
            "Population profiles", "How many people live in each area", "Areas with figures", ">Source<", "Demo data",
            "Download all figures (CSV)", "Change an area:", "Figures loaded", "Where they come from", "Loaded by",
            "Load from CSV", "Columns: area, kind", "Where these figures come from", "Date of the figures",
            "Upload and check"]),
        f"/admin/population/{ward.id}": ("Poblogaeth ", [
            "Population of ", "People by age band and sex", ">Age band<", "Save figures", ">Back<"]),
    })
    # Problems in a file, the import's progress and a population file's check, in Welsh.
    bad = client.post(f"/surveys/{s}/import", data={"file": (io.BytesIO(b"Q99,channel\nx,pigeon\n"), "answers.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert '<html lang="cy"' in bad and "Ni fewnforiwyd dim" in bad and "Nothing was imported" not in bad
    assert "Rhifau’r cwestiynau yw’r penawdau" in bad or "Rhaid i benawdau’r ffeil fod yn rhifau’r cwestiynau" in bad
    assert "headings must be the question numbers" not in bad
    client.post(f"/surveys/{s}/import/{token}")
    import_jobs.wait(token)
    done = client.get(f"/surveys/{s}/import/{token}/progress").get_data(as_text=True)
    assert "Atebion wedi’u mewnforio" in done and "1 ymateb o answers.csv" in done and "Gweld y canlyniadau" in done
    assert "Answers imported" not in done and "See the results" not in done
    checked = client.post("/admin/population", data={
        "file": (io.BytesIO(f"area,kind,age_band,sex,ethnicity,count\n{ward.name},age-sex,16 to 24,Female,,120\nNowhere,age-sex,16 to 24,Male,,5\n".encode()),
                 "figures.csv"),
        "source": "ONS mid-2024 population estimates", "figures_date": ["30", "6", "2024"]}, content_type="multipart/form-data")
    page = checked.get_data(as_text=True)
    assert '<html lang="cy"' in page and "Gwirio ffigurau’r boblogaeth" in page and "Nid oedd modd darllen rhai rhesi" in page
    assert "Rhes 3: nid yw ‘Nowhere’ yn ardal y mae Engage yn ei hadnabod" in page
    assert "Check the population figures" not in page and "is not an area Engage knows" not in page
    assert "Cancel and keep the figures you have" not in page and "Canslo a chadw’r ffigurau sydd gennych" in page
