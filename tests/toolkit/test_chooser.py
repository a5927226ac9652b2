"""The method chooser: five plain questions lead to ranked methods, each with a reason."""
import itertools
import re

import pytest

from engage.toolkit import services


def picks(purpose, audiences, size, time, budget):
    return services.choose(purpose, audiences, size, time, budget)


def slugs(recommendations):
    return [r.entry.slug for r in recommendations]


@pytest.mark.parametrize("answers,top,expected_in_top", [
    # Numbers from lots of residents, cheaply, in a few weeks.
    (("consult", ["residents"], "large", "weeks", "low"), 3, {"online-survey", "postcard-consultation"}),
    # Why seldom-heard people feel as they do, with a small group.
    (("consult", ["seldom-heard"], "small", "weeks", "medium"), 3, {"focus-group", "in-depth-interview"}),
    # Young people deciding things for themselves, over months.
    (("empower", ["young-people"], "medium", "months", "medium"), 3, {"youth-council"}),
    # Residents deciding how money is spent, with time and a big budget.
    (("empower", ["residents"], "large", "months", "high"), 2, {"participatory-budgeting"}),
    # A quick look at a street with a few people, on no money.
    (("involve", ["older-people", "disabled-people"], "small", "days", "low"), 3, {"walkabout"}),
])
def test_answers_lead_to_fitting_methods(toolkit, answers, top, expected_in_top):
    result = picks(*answers)
    assert expected_in_top <= set(slugs(result)[:top]), slugs(result)
    purpose, audiences, size, time, budget = answers
    for r in result:
        assert r.entry.kind == "method"
        _assert_fits_every_answer(r.entry, purpose, audiences, size, time, budget)
        assert r.reason.endswith(".") and len(r.fits) == 4 + len(audiences) and r.reason == " ".join(r.fits)
    assert [r.score for r in result] == sorted((r.score for r in result), reverse=True)


ORDER = {"time": ["days", "weeks", "months"], "cost": ["low", "medium", "high"]}


def _assert_fits_every_answer(entry, purpose, audiences, size, time, budget):
    assert purpose in entry.purpose, entry.slug
    assert set(audiences) <= set(entry.audiences), entry.slug
    assert entry.group_size == size, entry.slug
    assert ORDER["time"].index(entry.time_needed) <= ORDER["time"].index(time), entry.slug
    assert ORDER["cost"].index(entry.cost) <= ORDER["cost"].index(budget), entry.slug


def test_every_recommendation_fits_every_answer(toolkit):
    checked = 0
    for answers in itertools.product(("inform", "consult", "involve", "collaborate", "empower"),
                                     ([], ["young-people"], ["older-people", "disabled-people"], ["seldom-heard"]),
                                     ("small", "medium", "large"), ("days", "weeks", "months"), ("low", "medium", "high")):
        for r in picks(*answers):
            _assert_fits_every_answer(r.entry, *answers)
            checked += 1
    assert checked > 500


def test_young_people_on_a_small_budget_get_methods_and_the_young_people_guide(toolkit, client):
    """The case from the journeys review: young people, 15 to 100 people, a few weeks, under
    £500. Mystery shopping (up to 15 people) and public meetings (not for young people) do not
    fit, so they are not suggested; the "Engaging young people" guide is."""
    result = picks("consult", ["young-people"], "medium", "weeks", "low")
    assert "mystery-shopping" not in slugs(result) and "public-meeting" not in slugs(result)
    assert slugs(result) == ["street-stall"]
    stall = result[0]
    assert stall.fits == ["Good for finding out what people think.", "Works well with young people.", "Suits 15 to 100 people.",
                          "Can be done in a few days, well within your time.", "Costs under £500."]
    guides = [g.entry.slug for g in services.matching_guides(["young-people"], result, "consult")]
    assert guides[0] == "engaging-young-people"
    html = client.get("/toolkit/choose?purpose=consult&audiences=young-people&group_size=medium&time=weeks&budget=low").get_data(as_text=True)
    assert "1 method that fits all your answers" in html and "Why it fits" in html
    assert 'href="/toolkit/engaging-young-people"' in html and "Written for working with young people." in html
    assert "Mystery shopping" not in html
    # It says which one answer to change to see more, with a link that changes just that answer.
    more = re.search(r'<a class="govuk-link" href="([^"]+)">With more than 100 people</a>: (\d+) more methods', html)
    assert more and int(more.group(2)) >= 2
    assert "group_size=large" in more.group(1) and "audiences=young-people" in more.group(1)


def test_reasons_say_why(toolkit):
    result = picks("consult", ["seldom-heard"], "small", "weeks", "medium")
    focus = next(r for r in result if r.entry.slug == "focus-group")
    assert focus.reason == ("Good for finding out what people think. Works well with people who are seldom heard. "
                            "Suits up to 15 people. Can be done in a few weeks. Costs £500 to £5,000.")


def test_methods_that_cost_or_take_too_much_are_left_out(toolkit):
    result = picks("consult", [], "large", "days", "low")
    assert slugs(result) == ["social-media-poll"]
    assert "citizens-panel" not in slugs(result)  # months and over £5,000: far too much
    widen = {w.answer: w for w in services.widen("consult", [], "large", "days", "low")}
    assert widen["time"].value == "weeks" and widen["time"].more >= 2


def test_chooser_page_without_answers_shows_the_questions(client, toolkit):
    html = client.get("/toolkit/choose").get_data(as_text=True)
    assert html.count("<h1") == 1 and "Find a method in 5 questions" in html
    for question in ("1. What do you want to achieve?", "2. Who do you need to reach?", "3. How many people",
                     "4. How long do you have", "5. What is your budget?"):
        assert question in html
    assert 'method="get"' in html and "There is a problem" not in html


def test_chooser_results_page(client, toolkit):
    url = "/toolkit/choose?purpose=consult&audiences=residents&group_size=large&time=weeks&budget=low"
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Methods that fit your answers" in html and html.count("<h1") == 1
    listed = re.findall(r'<h3 class="govuk-heading-s govuk-!-margin-bottom-1"><a class="govuk-link" href="/toolkit/([\w-]+)">', html)
    expected = slugs(picks("consult", ["residents"], "large", "weeks", "low"))
    assert listed == expected and len(listed) >= 3
    assert html.count('class="govuk-list govuk-list--bullet engage-picks__reason"') == len(listed)
    # "Change your answers" keeps the answers in the URL and shows the form filled in.
    change = re.search(r'href="(/toolkit/choose\?[^"]+change=1)"', html).group(1).replace("&amp;", "&")
    form = client.get(change).get_data(as_text=True)
    assert 'value="consult" checked' in form and 'value="large" checked' in form and 'value="residents" checked' in form


def test_missing_answers_are_errors(client, toolkit):
    response = client.get("/toolkit/choose?purpose=consult")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error:" in html
    for message in ("Select how many people you want to hear from", "Select how long you have", "Select your budget"):
        assert message in html
    assert 'value="consult" checked' in html  # what was answered is kept


def test_tampered_answers_are_errors_not_crashes(client, toolkit):
    response = client.get("/toolkit/choose?purpose=rule&audiences=aliens&group_size=9&time=never&budget=<b>")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True) or "Select" in response.get_data(as_text=True)
