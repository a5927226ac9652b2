"""Reading the site in another language, in a real browser on a 320 px screen: the language
link on the home page switches to Welsh (kept for the next pages), and to Urdu, which lays out
right to left; every page passes axe-core, has one h1 and does not scroll sideways."""
from __future__ import annotations

import pytest

from tests.browser_support import NARROW, page_problems

pytestmark = pytest.mark.browser


def test_a_resident_reads_the_site_in_welsh_and_in_urdu(_browser, live_server):
    context = _browser.new_context(viewport=NARROW)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.get_by_role("link", name="Cymraeg").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "cy"
        assert page.locator("h1").inner_text() == "Dweud eich dweud, cynllunio ymgysylltu gwell, gweld beth newidiodd"
        assert page.locator(".engage-untranslated").count() == 0
        assert page_problems(page) == []

        # The choice is kept: the accessibility statement, reached from the footer, is in Welsh.
        page.get_by_role("link", name="Datganiad hygyrchedd").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().startswith("Datganiad hygyrchedd ar gyfer")
        assert page_problems(page) == []

        page.get_by_role("link", name="اردو").click()
        page.wait_for_load_state()
        html = page.locator("html")
        assert html.get_attribute("lang") == "ur" and html.get_attribute("dir") == "rtl"
        # Laid out right to left: the skip link and the notice start at the right-hand edge.
        notice = page.locator(".engage-untranslated").bounding_box()
        assert notice and notice["x"] + notice["width"] > NARROW["width"] - 40
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        assert page_problems(page) == []

        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
