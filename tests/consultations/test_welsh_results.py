"""Results a resident reads, in Welsh (issue 23): a consultation's results tables (their titles,
the standard groups' names, the chart's words) and each question's headline ("X came first:
41%, base 2,500, 2005") are whole sentences from the Welsh catalogue with their figures written
by Babel's rules for Welsh, on the consultation page and in a findings report citing the
question. The search index and the API keep the headline in the site's own language (English),
whoever was reading when it was made."""
from __future__ import annotations

from datetime import date

from flask_babel import refresh

from engage.extensions import db
from tests.consultations.records_support import log, publish, ref  # noqa: F401  (fixture)
from tests.i18n_support import assert_pages_in_welsh
from tests.sharing.support import make_report, publish as publish_report, world  # noqa: F401  (fixture)

HEADLINE = "Removing rubbish came first: 41%, base 2,500, 2005"
WELSH_HEADLINE = "Removing rubbish ddaeth gyntaf: 41%, sylfaen 2,500, 2005"


def _results(consultation):
    """A question with figures for everyone, the priority wards and the rest of the borough,
    broken down by sex: 2,500 answered, 1,025 (41%) "Removing rubbish"."""
    from engage.consultations.models import AnswerOption, Question, ResultFigure, Segment

    question = Question(text="Which one improvement would make the biggest difference?", position=1)
    consultation.questions.append(question)
    options = [AnswerOption(label=label, position=i) for i, label in
               enumerate(["Removing rubbish", "Better parks", "Less graffiti"], start=1)]
    question.options.extend(options)
    groups = [("all", "All respondents", 2500, [1025, 900, 575]),
              ("area-group", "Priority wards", 700, [300, 250, 150]),
              ("area-group", "Rest of the borough", 1800, [725, 650, 425]),
              ("sex", "Female", 1300, [520, 480, 300]), ("sex", "Male", 1200, [505, 420, 275])]
    for dimension, label, base, counts in groups:
        segment = Segment(dimension=dimension, label=label)
        consultation.segments.append(segment)
        for option, count in zip(options, counts):
            question.figures.append(ResultFigure(option=option, segment=segment, count=count, base=base))
    db.session.commit()
    return question


def _consultation(users, **extra):
    c = log(users["practitioner"], title="Environment survey", summary="What would improve your area?",
            planned_start=date(2005, 5, 3), planned_close=date(2005, 6, 30), **extra)
    question = _results(c)
    publish(c)
    return c, question


# English each page shows (seen first in English) and must not show in Welsh.
RESULTS_ENGLISH = [
    "came first", "Priority wards compared with the borough", ">All respondents<",
    ">Rest of the borough<", "Results by sex", "Bar chart of the percentage", "Percentage of people who answered",
    "Chart: ", "the percentage giving each answer"]


def test_a_consultations_results_and_headline_are_in_welsh(app, client, users, ref):
    c, _question = _consultation(users)
    assert_pages_in_welsh(client, {f"/consultations/{c.id}": (WELSH_HEADLINE, RESULTS_ENGLISH)}, all_found=True)
    page = client.get(f"/consultations/{c.id}").text
    for welsh in ("Wardiau blaenoriaeth o’u cymharu â’r fwrdeistref", ">Pawb a ymatebodd<", ">Gweddill y fwrdeistref<",
                  "Canlyniadau yn ôl rhyw", "Siart: Which one improvement", "Canran y bobl a atebodd",
                  "Siart bar o’r ganran a roddodd bob ateb", "41% <span class=\"engage-count\">(1,025)</span>"):
        assert welsh in page, welsh
    # What staff typed (the answers, the groups they named) stays as they wrote it.
    assert ">Female<" in page and ">Removing rubbish<" in page
    client.get("/language/en")
    assert HEADLINE in client.get(f"/consultations/{c.id}").text


def test_a_findings_report_citing_a_question_gives_its_headline_in_welsh(app, client, world):  # noqa: F811
    from engage.sharing.models import ReportFinding

    c, question = _consultation(world["users"])
    report = publish_report(world, make_report(world))
    report.findings.append(ReportFinding(position=10, statement="Most want rubbish removed", question_id=question.id))
    db.session.commit()
    assert_pages_in_welsh(client, {f"/findings/{report.id}": (
        f"Tystiolaeth o’r cwestiwn “{question.text}”: {WELSH_HEADLINE}.",
        ["Evidence from the question", "came first", "See all the results"])}, all_found=True)


def test_search_and_the_api_keep_the_english_headline_for_a_welsh_reader(app, client, users, ref, login):
    from engage.consultations import results
    from engage.consultations import search as csearch

    c, question = _consultation(users)
    client.get("/language/cy")
    with app.test_request_context("/", headers={"Cookie": "engage_lang=cy"}):
        refresh()
        head = results.headlines(c)[question.id]
        assert head.sentence == WELSH_HEADLINE      # what a Welsh page shows
        assert head.text == HEADLINE                # what search and the API are given
        # The documents the index stores, made in a Welsh request (the postgres backend writes
        # them in the request's own transaction).
        doc = next(d for d in csearch.documents(c) if d["kind"] == "question")
        assert doc["headline"] == HEADLINE
        assert results.question_results(c)[0].headline == WELSH_HEADLINE
    # A change saved by a Welsh reader: the index is written again, in that request, still in English.
    login("practitioner")
    client.get("/language/cy")
    saved = client.post(f"/consultations/{c.id}/findings", data={"statement": "Rubbish comes first"})
    assert saved.status_code == 302
    found = {h.fields["title"]: h.fields["headline"] for h in csearch.run_search(
        csearch_audience(), "biggest difference", {}).hits if h.fields["kind"] == "question"}
    assert found == {question.text: HEADLINE}
    body = client.get("/api/v1/search", query_string={"q": "biggest difference", "kind": "question"}).get_json()
    assert body["hits"][0]["headline"] == HEADLINE
    found = client.get("/consultations/search", query_string={"q": "biggest difference"}).text
    assert '<html lang="cy"' in found and HEADLINE in found


def test_what_staff_are_told_after_saving_is_in_welsh(app, client, login, world):  # noqa: F811
    """The messages shown after a change (flashed) are whole Welsh sentences, names inside."""
    report = make_report(world, recommendations=())
    login("practitioner")
    said = {}
    for lang in ("en", "cy"):
        client.get(f"/language/{lang}")
        said[lang] = [
            client.post(f"/findings/{report.id}/recommendations", data={"text": f"Empty bins ({lang})"},
                        follow_redirects=True).text,
            client.post(f"/findings/{report.id}/key-findings", data={"statement": f"Bins overflow ({lang})"},
                        follow_redirects=True).text,
            client.post(f"/consultations/{world['consultation'].id}/findings", data={"statement": f"Litter ({lang})"},
                        follow_redirects=True).text,
        ]
    english = ["Recommendation added.", "Key finding added.", "Finding added."]
    welsh = ["Mae’r argymhelliad wedi’i ychwanegu.", "Mae’r prif ganfyddiad wedi’i ychwanegu.",
             "Mae’r canfyddiad wedi’i ychwanegu."]
    for page, text in zip(said["en"], english):
        assert text in page, text
    for page, text, gone in zip(said["cy"], welsh, english):
        assert '<html lang="cy"' in page and text in page and gone not in page, text


def csearch_audience():
    from engage.consultations import services

    return services.audience(None)


def test_the_similar_consultations_check_is_in_welsh(client, login, users, ref):
    """"Check before you save": the count, each consultation's line and its reasons are whole
    Welsh sentences (the places' and priorities' names as staff wrote them)."""
    from datetime import timedelta

    from tests.consultations.records_support import form_data

    log(users["practitioner"], title="Cleaner streets survey", priority_ids=[ref["old"].id], area_ids=[ref["north"].id],
        audiences=["residents"], planned_start=date.today() - timedelta(days=300),
        planned_close=date.today() - timedelta(days=270))
    login("practitioner")
    post = form_data(title="Street cleanliness questionnaire", priority_ids=[str(ref["new"].id)],
                     area_ids=[str(ref["castle"].id)], audiences=["residents"])
    post.pop("checked_similar")
    english = client.post("/consultations/new", data=post).text
    assert "In the same places: it covers all of Northtown, which takes in Castle" in english
    client.get("/language/cy")
    page = client.post("/consultations/new", data=post).text
    assert '<html lang="cy"' in page and "Gwiriwch cyn cadw" in page
    assert "Mae 1 ymgynghoriad yn debyg i’ch un chi" in page
    assert "Yn yr un lleoedd: mae’n cwmpasu Northtown i gyd, sy’n cynnwys Castle" in page
    assert "Yr un flaenoriaeth: Safe neighbourhoods" in page and "Yn cael ei ddangos oherwydd:" in page
    for gone in ("Check before you save", "is like yours", "In the same places", "it covers all of", "The same priority",
                 "Shown because", "opens in new tab"):
        assert gone not in page, gone
