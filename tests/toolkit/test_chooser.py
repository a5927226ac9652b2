"""The method chooser: five plain questions lead to ranked methods, each with a reason."""
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
    purpose = answers[0]
    assert purpose in result[0].entry.purpose
    for r in result:
        assert r.entry.kind == "method"
        # Either it does what you asked, or it is one step along the spectrum and says so.
        assert purpose in r.entry.purpose or r.reason.startswith("Close to what you want: good for"), r.reason
        assert r.reason.endswith(".") and len(r.reason) < 200
    assert [r.score for r in result] == sorted((r.score for r in result), reverse=True)


def test_reasons_say_why(toolkit):
    result = picks("consult", ["seldom-heard"], "small", "weeks", "medium")
    focus = next(r for r in result if r.entry.slug == "focus-group")
    assert focus.reason == "Good for finding out what people think, works well with people who are seldom heard and suits up to 15 people."


def test_methods_that_cost_or_take_too_much_are_marked_or_left_out(toolkit):
    result = picks("consult", [], "large", "days", "low")
    for r in result:
        if r.entry.time_needed != "days" or r.entry.cost != "low":
            assert r.caution and r.caution.startswith("But it usually")
    assert "citizens-panel" not in slugs(result)  # months and over £5,000: far too much


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
    assert html.count('class="govuk-body govuk-!-margin-bottom-1 engage-picks__reason"') == len(listed)
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
