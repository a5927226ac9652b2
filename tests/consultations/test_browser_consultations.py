"""In Debian's Chromium: a practitioner logs a consultation through the form (seeing similar
ones first when there are any), finds it and a demo question by search, and axe-core finds
no problem on the finder, search, consultation and form pages."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import assert_no_axe_violations, browser_login

pytestmark = pytest.mark.browser


def _save(page):
    page.get_by_role("button", name="Save consultation").click()
    if page.locator("#similar-title").count():
        page.get_by_role("button", name="Save consultation").click()


def test_log_a_consultation_and_find_it(page, live_server):
    browser_login(page, live_server, "practitioner")
    page.goto(live_server + "/consultations/manage")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Log a consultation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Log a consultation"
    assert_no_axe_violations(page)

    # Nothing filled in: the error summary links to the fields, and axe is still happy.
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Save consultation").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a title" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page)

    page.get_by_label("Title", exact=True).fill("Riverside allotments survey")
    page.get_by_label("Summary", exact=True).fill("Should the Allotmentplots by the river be extended? Tell us what you think.")
    page.get_by_label("Residents", exact=True).check()
    page.get_by_label("Online", exact=True).check()
    _save(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Riverside allotments survey"
    assert "logged" in page.locator(".govuk-notification-banner").inner_text()
    assert_no_axe_violations(page)

    page.goto(live_server + "/consultations/search?q=allotmentplots")
    results = page.locator("main").inner_text()
    assert "Riverside allotments survey" in results
    page.get_by_role("link", name=re.compile("Riverside allotments survey")).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Riverside allotments survey"


def test_import_results_then_find_the_question(page, live_server):
    """Log a consultation, import its results from a CSV file, see them on its page and find
    the question by search: the whole journey without JavaScript tricks, axe-core clean."""
    browser_login(page, live_server, "practitioner")
    page.goto(live_server + "/consultations/new")
    page.get_by_label("Title", exact=True).fill("Canal towpath survey")
    page.get_by_label("Summary", exact=True).fill("What people think of the canal towpath.")
    page.get_by_label("Residents", exact=True).check()
    _save(page)
    page.get_by_role("link", name="Import results from a spreadsheet").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import results"
    assert_no_axe_violations(page)

    csv_text = ("question,option,segment,count,base\n"
                "How safe do you feel on the towpath after dark?,Safe,All respondents,120,200\n"
                "How safe do you feel on the towpath after dark?,Unsafe,All respondents,80,200\n")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "towpath.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}])
    page.get_by_label("Figures: one row per answer and group, with a count and a base").check()
    page.get_by_role("button", name="Upload and check the file").click()
    assert_no_axe_violations(page)  # the preview with its column choices
    page.get_by_role("button", name="Import results").click()
    assert page.locator(".govuk-summary-list__row", has_text="Questions").inner_text().split()[-1] == "1"
    assert_no_axe_violations(page)

    page.get_by_role("link", name="How safe do you feel on the towpath after dark?").click()
    main = page.locator("main").inner_text()
    assert "How safe do you feel on the towpath after dark?" in main and "60" in main
    assert_no_axe_violations(page)

    page.goto(live_server + "/consultations/search?q=towpath+after+dark&kind=question")
    assert "How safe do you feel on the towpath after dark?" in page.locator("main").inner_text()


def test_similar_consultations_are_shown_before_saving(page, live_server):
    browser_login(page, live_server, "practitioner")
    page.goto(live_server + "/consultations/new")
    page.get_by_label("Title", exact=True).fill("Clean streets and parks follow-up survey")
    page.get_by_label("Summary", exact=True).fill("How clean are the streets and parks now?")
    page.get_by_label("A Safer Halton (Community Strategy and LAA 2006–09)", exact=True).check()
    page.get_by_label("Halton", exact=True).check()
    page.get_by_label("Residents", exact=True).check()
    page.get_by_role("button", name="Save consultation").click()
    banner = page.locator(".govuk-notification-banner")
    assert "Check before you save" in banner.inner_text()
    assert "Cleaner streets and parks survey" in banner.inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save consultation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Clean streets and parks follow-up survey"


def test_find_a_demo_question_by_search(page, live_server):
    page.goto(live_server + "/consultations/search")
    page.get_by_label("What are you looking for?").fill("what have residents said about clean streets")
    page.get_by_role("button", name="Search", exact=True).click()
    main = page.locator("main").inner_text()
    assert "Removing rubbish and cleaning streets came first: 41%, base 2,500, 2005" in main
    assert_no_axe_violations(page)
    # Narrow to questions with the facet checkboxes.
    page.get_by_label(re.compile(r"^Questions asked \(\d+\)$")).check()
    page.get_by_role("button", name="Apply filters").click()
    assert "kind=question" in page.url
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Which one environmental improvement")).first.click()
    assert "#question-" in page.url
    assert page.get_by_role("heading", level=1).inner_text().startswith("Environment survey 2005")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/consultations", "/consultations?status=open&status=planned", "/have-your-say",
                                  "/you-said-we-did", "/consultations/search?q=alcohol", "/consultations/search?q=zzzzqqq",
                                  "/consultations/open-data"])
def test_public_consultation_pages_have_no_axe_violations(page, live_server, path):
    page.goto(live_server + path)
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)


def test_every_demo_consultation_page_has_no_axe_violations(page, live_server):
    page.goto(live_server + "/consultations")
    links = page.locator("main .engage-card h3 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 8
    for href in hrefs:
        page.goto(live_server + href)
        assert page.locator("h1").count() == 1
        assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/consultations/search", "/toolkit", "/consultations/search?page=2"])
def test_paginated_lists_have_readable_page_numbers(page, live_server, path):
    # The current page sits on the blue highlight: its text must be white, not the body colour.
    page.goto(live_server + path)
    current = page.locator(".govuk-pagination__item--current")
    assert current.count() == 1, f"{path} should have more than one page on the demo data"
    colour = current.evaluate("el => getComputedStyle(el.querySelector('a') || el).color")
    assert colour == "rgb(255, 255, 255)"
    assert_no_axe_violations(page)
