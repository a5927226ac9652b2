"""In Chromium: the edit-conflict page, a refused delete and the account's session controls are
accessible (axe-core) and fit a 320 px screen, and a conflict keeps the person's own values."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import assert_no_axe_violations, browser_login, evaluate_settled

pytestmark = pytest.mark.browser


def _fits(page, width=320):
    assert evaluate_settled(page, "document.documentElement.scrollWidth") <= width, "the page is wider than the screen"


def test_two_officers_editing_the_same_organisation(_browser, live_server):
    context = _browser.new_context(viewport={"width": 320, "height": 640})
    first, second = context.new_page(), context.new_page()
    try:
        browser_login(first, live_server, "officer")
        first.goto(live_server + "/admin/reference/organisations/new")
        first.get_by_label("Name").fill("Browser Conflict Group")
        first.get_by_label("Voluntary or community group").check()
        first.get_by_role("button", name="Save organisation").click()
        edit_url = first.url
        assert re.search(r"/admin/reference/organisations/\d+$", edit_url)
        second.goto(edit_url)  # both have the form open now
        first.get_by_label("Website").fill("https://first.example.org")
        first.get_by_role("button", name="Save organisation").click()
        assert "saved" in first.locator("main").inner_text()
        second.get_by_label("Description").fill("Written by the second officer")
        second.get_by_role("button", name="Save organisation").click()
        main = second.locator("main").inner_text()
        assert "Someone else changed this" in main and "https://first.example.org" in main
        assert second.get_by_label("Description").input_value() == "Written by the second officer"
        assert second.title().startswith("Error:")
        assert_no_axe_violations(second)
        _fits(second)
        # Saving again, having seen their change, is deliberate and works.
        second.get_by_label("Website").fill("https://first.example.org")
        second.get_by_role("button", name="Save organisation").click()
        assert "saved" in second.locator("main").inner_text()
    finally:
        context.close()


def test_a_refused_delete_names_what_depends_on_it(narrow_page, live_server):
    page = narrow_page
    browser_login(page, live_server, "officer")
    page.goto(live_server + "/admin/reference/organisations")
    page.get_by_role("link", name="Halton Borough Council", exact=True).first.click()
    page.goto(page.url + "/delete")
    main = page.locator("main").inner_text()
    assert "You cannot delete Halton Borough Council yet" in main and "consultations it leads" in main
    assert page.get_by_role("button", name="Yes, delete it").count() == 0
    assert_no_axe_violations(page)
    _fits(page)


def test_account_page_session_controls(narrow_page, live_server):
    page = narrow_page
    browser_login(page, live_server, "vcs")
    assert page.get_by_role("button", name="Sign out everywhere").count() == 1
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change your password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Change your password"
    page.get_by_role("button", name="Change password").click()
    assert "Enter your current password" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    _fits(page)
