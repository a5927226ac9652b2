"""The strategy in a real Chromium: an officer starts a new version of the demo strategy and
sends it out for comment, a partner comments on a section, the officer records what was done
and adopts it, and the quarterly board report opens; axe-core finds no problem on the
strategy, plan and report pages."""
from datetime import date, timedelta

import pytest

from tests.browser_support import assert_no_axe_violations, browser_login, evaluate_settled

pytestmark = pytest.mark.browser


def test_comment_respond_adopt_and_report(_browser, live_server):
    officer_context = _browser.new_context(viewport={"width": 1024, "height": 800})
    partner_context = _browser.new_context(viewport={"width": 1024, "height": 800})
    officer, partner = officer_context.new_page(), partner_context.new_page()
    for p in (officer, partner):
        p.set_default_timeout(15_000)
    try:
        # Everyone lands on the adopted demo strategy.
        partner.goto(f"{live_server}/strategy")
        assert "Halton Community Engagement Strategy" in partner.locator("h1").inner_text()
        assert partner.locator(".engage-contents a").count() >= 5
        assert_no_axe_violations(partner)

        # The officer starts version 2 from it and sends it out for comment.
        browser_login(officer, live_server, "officer")
        officer.goto(f"{live_server}/admin/strategy")
        officer.locator("a", has_text="(version 1)").first.click()
        officer.get_by_role("button", name="Start a new version from this one").click()
        assert "Version 2" in officer.locator("h1").inner_text()
        version_url = officer.url
        close = date.today() + timedelta(days=21)
        officer.locator("#comments_close_on-day").fill(str(close.day))
        officer.locator("#comments_close_on-month").fill(str(close.month))
        officer.locator("#comments_close_on-year").fill(str(close.year))
        officer.get_by_role("button", name="Save details").click()
        officer.wait_for_url(version_url)
        assert_no_axe_violations(officer)
        officer.get_by_role("button", name="Send out for comment").click()
        # It asks first, saying who will be emailed.
        assert "and email everyone?" in officer.locator("h1").inner_text()
        assert_no_axe_violations(officer)
        officer.get_by_role("button", name="Yes, send out for comment").click()
        assert "Out for comment" in officer.locator("h1").inner_text()
        version_id = version_url.rstrip("/").split("/")[-1]

        # A partner comments on a section, quoting a passage.
        browser_login(partner, live_server, "practitioner")
        partner.goto(f"{live_server}/strategy/versions/{version_id}")
        assert_no_axe_violations(partner)
        partner.locator("section.engage-strategy-section", has_text="Our principles").get_by_role("link", name="Comment on this section").click()
        assert "Comment on “Our principles”" in partner.locator("h1").inner_text()
        partner.get_by_label("The words you are commenting on").fill("feed back")
        partner.get_by_label("Your comment").fill("Say how quickly people will hear back: within 12 weeks.")
        assert_no_axe_violations(partner)
        partner.get_by_role("button", name="Send comment").click()
        assert "Your comment has been sent" in partner.locator(".govuk-notification-banner").inner_text()

        # The officer cannot adopt until the comment has a response; then records one and adopts.
        officer.goto(version_url)
        officer.get_by_role("button", name="Adopt this version").click()
        assert "still needs a response" in officer.locator(".govuk-error-summary").inner_text()
        officer.goto(f"{live_server}/admin/strategy/versions/{version_id}/comments")
        assert "Say how quickly people will hear back" in officer.locator("main").inner_text()
        assert_no_axe_violations(officer)
        comment = officer.locator(".engage-comment", has_text="Say how quickly")
        comment.get_by_label("Changed", exact=True).check()
        comment.get_by_label("What was changed, or why not").fill("We added: people hear back within 12 weeks of a consultation closing.")
        comment.get_by_role("button", name="Save response").click()
        assert "Response saved" in officer.locator(".govuk-notification-banner").inner_text()
        officer.goto(version_url)
        officer.get_by_role("button", name="Adopt this version").click()
        # Comments are still open: it asks first, saying how many days were left.
        assert "21 days are left" in officer.locator("#what-happens").inner_text()
        officer.get_by_role("button", name="Yes, adopt this version").click()
        assert "Adopted" in officer.locator("h1").inner_text()

        # The public sees version 2, and what was done with the comment.
        partner.goto(f"{live_server}/strategy")
        assert "version 2" in partner.locator(".govuk-caption-l").inner_text()
        partner.get_by_role("link", name="see what we did with each one").click()
        text = partner.locator("main").inner_text()
        assert "within 12 weeks of a consultation closing" in text and "Halton Borough Council said" in text
        assert_no_axe_violations(partner)

        # The implementation plan and the quarterly board report.
        partner.goto(f"{live_server}/plan")
        assert partner.locator("h2", has_text="Community engagement").count() == 1
        assert_no_axe_violations(partner)
        partner.goto(f"{live_server}/plan/timeline")
        assert_no_axe_violations(partner)
        partner.goto(f"{live_server}/plan/reports")
        partner.get_by_role("link", name="Quarter 1 2005/06", exact=True).click()
        assert "Quarter 1 2005/06" in partner.locator("h1").inner_text()
        total = partner.locator("tr.engage-total").inner_text()
        assert "£94,995" in total and "£110,250" in total and "86%" in total and "-£65,369" in total
        assert_no_axe_violations(partner)
        with partner.expect_download() as download:
            partner.get_by_role("link", name="Download as a Word document").click()
        assert download.value.suggested_filename == "board-report-2005-06-q1.docx"

        # The Network Group and its events.
        partner.goto(f"{live_server}/network")
        assert_no_axe_violations(partner)
        partner.goto(f"{live_server}/network/events")
        assert_no_axe_violations(partner)
    finally:
        officer_context.close()
        partner_context.close()


def test_strategy_pages_fit_a_narrow_screen(narrow_page, live_server):
    for path in ("/strategy", "/plan", "/plan/reports/2005/q1"):
        narrow_page.goto(f"{live_server}{path}")
        width = evaluate_settled(narrow_page, "document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide"


def test_officer_and_member_pages_are_axe_clean(page, live_server):
    browser_login(page, live_server, "officer")
    for path in ("/admin/strategy", "/admin/plan", "/admin/plan/themes/1", "/admin/plan/actions/1", "/admin/plan/actions/new",
                 "/admin/plan/budget/1", "/admin/plan/budget/1/delete", "/admin/network/events/new", "/admin/network/events/1",
                 "/network/join", "/network/members/1", "/network/events/1", "/plan/actions/1", "/plan/budget", "/strategy/versions",
                 "/strategy/compare", "/strategy/priorities", "/strategy/outcomes", "/consultations/1/network-helpers"):
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)
    # Errors next to the fields, with the summary, are clean too.
    page.goto(f"{live_server}/admin/plan/budget/new")
    page.get_by_role("button", name="Save budget line").click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert_no_axe_violations(page)
