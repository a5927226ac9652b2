"""In Chromium: a resident on a phone finds what covers their place by postcode; an officer
loads the postcode lookup; a practitioner's file is checked before import. axe-core clean."""
from __future__ import annotations

import pytest

from tests.browser_support import assert_no_axe_violations, browser_login, evaluate_settled

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(_browser):
    context = _browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_resident_finds_what_covers_their_postcode_on_a_phone(phone, live_server):
    page = phone
    page.goto(live_server + "/have-your-say")
    page.get_by_label("Or your postcode").fill("wa7 2ha")
    page.get_by_role("button", name="Show consultations here").click()
    main = page.locator("main").inner_text()
    assert "WA7 2HA is in Castlefields ward (Runcorn, Halton)." in main
    assert "Castlefields neighbourhood walkabouts" in main and "Covers all of Halton" in main
    assert evaluate_settled(page, "document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    # A postcode Engage cannot use: a plain message, and the summary link takes focus to the box.
    page.get_by_label("Or your postcode").fill("WA7")
    page.get_by_role("button", name="Show consultations here").click()
    assert "Enter the full postcode, like WA7 2HA" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "postcode"


def test_date_error_link_takes_focus_to_the_wrong_box(page, live_server):
    browser_login(page, live_server, "practitioner")
    page.goto(live_server + "/consultations/new")
    page.get_by_label("Title", exact=True).fill("Bus shelter survey")
    page.get_by_label("Summary", exact=True).fill("Where should new bus shelters go?")
    page.locator("#planned_start-day").fill("45")
    page.get_by_role("button", name="Save consultation").click()
    page.locator(".govuk-error-summary a", has_text="Planned start date").click()
    assert page.evaluate("document.activeElement.id") == "planned_start-day"
    assert_no_axe_violations(page)


def test_officer_loads_postcodes_and_a_file_is_checked_before_import(page, live_server):
    browser_login(page, live_server, "officer")
    page.goto(live_server + "/admin/reference/postcodes")
    assert "Demo data" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    csv_text = "pcds,osward,ward name\nWA7 2HB,,Castlefields\nWA1 1AA,E05012345,Bewsey\n"
    page.get_by_label("Postcode file").set_input_files(files=[{"name": "wa.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}])
    page.get_by_label("Add to the list").check()
    page.get_by_role("button", name="Upload and check the file").click()
    assert "1 in 1 place" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Load these postcodes").click()
    assert "1 postcode loaded in 1 place." in page.locator("main").inner_text()

    page.goto(live_server + "/consultations/manage")
    page.get_by_role("link", name="Castlefields neighbourhood walkabouts").first.click()
    page.get_by_role("link", name="Import results from a spreadsheet").first.click()
    csv_text = "id,Ward,Age band,Q1 Did the walkabout help?\n1,Palace Fields,16-24,Yes\n2,Castlefields,sixteen,No,extra\n"
    page.get_by_label("Upload a file").set_input_files(files=[{"name": "walk.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}])
    page.get_by_label("Responses: one row per person who answered, one column per question").check()
    page.get_by_role("button", name="Upload and check the file").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "is not an age band" in summary and "more cell than the heading row" in summary
    assert "Palace Fields" not in summary  # a neighbourhood is one of Engage's places
    assert_no_axe_violations(page)
