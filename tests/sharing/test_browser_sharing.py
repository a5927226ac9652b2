"""In Debian's Chromium, with three demo accounts: a practitioner writes a findings report from
a consultation and sends it for review, the Safer Halton coordinator asks for a change, the
practitioner makes it and sends it again, the officer approves and publishes it, and the
coordinator records the partnership's response; a resident then sees it on the report's page,
on "you said, we did" and in the embed. axe-core finds no problem on any of these pages."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import assert_no_axe_violations, browser_login, evaluate_settled

pytestmark = pytest.mark.browser
TITLE = "Streets and verges: what we heard in 2005"


def _as(page, base, role):
    page.context.clear_cookies()
    browser_login(page, base, role)


def _move(page, name, comment=None):
    page.get_by_role("link", name=re.compile(f"^{name}")).first.click()   # the workflow panel links it twice
    assert_no_axe_violations(page)
    if comment:
        page.get_by_label(re.compile("What needs to change")).fill(comment)
    page.get_by_role("button", name=name).click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE


def test_report_from_draft_to_published_and_answered(page, live_server):
    base = live_server
    _as(page, base, "practitioner")
    page.goto(base + "/consultations")
    page.get_by_role("link", name=re.compile("Environment survey 2005")).first.click()
    page.get_by_role("link", name="Write a findings report from it").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Start a findings report"
    assert_no_axe_violations(page)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Plain-English summary").fill("Residents want rubbish removed and streets and verges cleaned, most of all in the priority wards.")
    page.get_by_role("button", name="Save report").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE, page.locator("main").inner_text()[:500]
    assert "Removing rubbish and cleaning the streets" in page.locator("main").inner_text()  # seeded key finding
    assert_no_axe_violations(page)

    page.get_by_role("link", name=re.compile("^Recommendations")).click()
    page.get_by_label("Recommendation", exact=True).fill("Clean streets and verges in the priority wards every fortnight.")
    page.get_by_role("button", name="Save recommendation").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to the report").click()
    _move(page, "Send for review")
    report_url = page.url

    _as(page, base, "coordinator")
    page.goto(report_url)
    assert_no_axe_violations(page)
    _move(page, "Ask for changes", comment="Say which wards first.")

    _as(page, base, "practitioner")
    page.goto(report_url)
    assert "Changes requested" in page.locator("main").inner_text()
    _move(page, "Make the changes")
    _move(page, "Send for review")

    _as(page, base, "officer")
    page.goto(report_url)
    _move(page, "Approve")
    _move(page, "Publish")
    assert "Published" in page.locator("main").inner_text()
    timeline = page.locator("#timeline + ol").inner_text()
    assert "Cara Coordinator changes asked for" in timeline and "Olu Officer published" in timeline

    _as(page, base, "coordinator")
    page.goto(report_url)
    page.get_by_role("link", name=re.compile("Record the response of Safer Halton Partnership")).click()
    assert_no_axe_violations(page)
    page.get_by_label("Action taken").check()
    page.get_by_label("The action", exact=True).fill("Street cleaning in the six priority wards now happens every fortnight.")
    page.get_by_label("Who owns the action").fill("Street scene manager, Halton Borough Council")
    page.get_by_role("button", name="Save response").click()
    assert "every fortnight" in page.locator("main").inner_text() and "Not public yet" in page.locator("main").inner_text()
    # A draft until the coordinator publishes it.
    page.get_by_role("button", name=re.compile("Publish the response of Safer Halton Partnership")).first.click()
    assert "response published" in page.locator("main").inner_text()

    page.context.clear_cookies()
    page.goto(report_url)
    text = page.locator("main").inner_text()
    assert "Street cleaning in the six priority wards now happens every fortnight." in text and "Action taken" in text
    assert_no_axe_violations(page)
    page.goto(base + "/you-said-we-did")
    assert TITLE in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.goto(base + "/embed/you-said-we-did")
    embed = page.locator("main").inner_text()
    assert TITLE in embed and "Safer Halton Partnership" in embed
    assert_no_axe_violations(page)


def test_dashboard_and_narrow_pages(narrow_page, live_server):
    browser_login(narrow_page, live_server, "officer")
    for path in ("/findings/dashboard", "/findings/manage", "/you-said-we-did", "/embed/you-said-we-did", "/findings/1"):
        narrow_page.goto(live_server + path)
        assert evaluate_settled(narrow_page, "document.documentElement.scrollWidth") <= 320, path
        assert_no_axe_violations(narrow_page)
