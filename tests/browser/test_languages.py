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


def _survey_id(app) -> int:
    from sqlalchemy import select

    from engage.extensions import db
    from engage.surveys.demo import SURVEY_TITLE
    from engage.surveys.models import Survey

    with app.app_context():
        found = db.session.scalar(select(Survey.id).where(Survey.title == SURVEY_TITLE))
        db.session.remove()
    return found


def test_a_resident_answers_the_demo_survey_in_welsh_and_is_counted_in_the_english_results(_browser, live_server, live_app):
    from tests.browser_support import browser_login

    survey_id = _survey_id(live_app)
    context = _browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/")
        page.get_by_role("link", name="Cymraeg").click()
        page.wait_for_load_state()
        page.goto(f"{live_server}/surveys/{survey_id}")
        assert page.locator("h1").inner_text() == "Arolwg strydoedd a pharciau glanach"
        assert page.locator(".engage-untranslated").count() == 0      # nothing left in English
        assert page_problems(page) == []
        page.get_by_role("button", name="Dechrau nawr").click()          # "Start now"
        assert page.locator("h1").inner_text() == "Eich ardal"          # "Your area"
        assert page.locator(".engage-untranslated").count() == 0
        # A required question left blank: the error names it, in Welsh.
        page.get_by_role("button", name="Parhau").click()
        summary = page.locator(".govuk-error-summary")
        assert "Mae problem" in summary.inner_text() and "Ym mha ward ydych chi’n byw?" in summary.inner_text()
        assert page_problems(page) == []
        page.get_by_label("Dewiswch eich ward").select_option(label="Castlefields")
        page.get_by_label("Tueddu i gytuno").check()
        page.get_by_label("Bob wythnos").check()
        page.get_by_role("button", name="Parhau").click()
        page.get_by_label("7", exact=True).check()
        page.get_by_role("button", name="Parhau").click()
        page.get_by_label("Sbwriel", exact=True).check()
        page.locator("fieldset", has_text="Ydych chi wedi rhoi gwybod").get_by_label("Nac ydw").check()
        page.get_by_role("button", name="Parhau").click()
        while page.locator("h1").inner_text() != "Gwiriwch eich atebion cyn eu hanfon":
            skip = page.get_by_role("button", name="Hepgor y cwestiynau hyn")
            (skip if skip.count() else page.get_by_role("button", name="Parhau")).click()
        check = page.locator("main").inner_text()
        assert "Bob wythnos" in check and "Sbwriel" in check                # the answers, in Welsh
        assert page.locator(".engage-untranslated").count() == 0
        assert page_problems(page) == []
        page.get_by_role("button", name="Anfon fy atebion").click()
        assert page.locator("h1").inner_text() == "Mae eich atebion wedi’u hanfon"
        assert page_problems(page) == []

        # In the English results, the Welsh answer is counted with everyone else's.
        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        browser_login(page, live_server, "officer")
        page.goto(f"{live_server}/surveys/{survey_id}/results")
        answered_in = page.locator("#answered-in").inner_text()
        assert answered_in.startswith("Answered in: English") and "Cymraeg 1" in answered_in
    finally:
        context.close()
