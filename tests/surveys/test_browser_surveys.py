"""In Debian's Chromium: a resident answers the demo survey on a 320 px phone screen,
meeting its conditional questions, with axe-core finding nothing on any page and nothing
wider than the screen; and staff pages of the survey are axe-clean too."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import assert_no_axe_violations, browser_login, evaluate_settled

pytestmark = pytest.mark.browser


def check_page(page):
    assert_no_axe_violations(page)
    width = evaluate_settled(page, "document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide"
    assert page.locator("h1").count() == 1


def test_resident_answers_on_a_phone(narrow_page, live_server):
    page = narrow_page
    page.goto(live_server + "/consultations?status=open")
    page.get_by_role("link", name=re.compile("Cleaner streets and parks survey")).first.click()
    check_page(page)
    page.get_by_role("button", name=re.compile("Start the survey")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Cleaner streets and parks survey"
    check_page(page)
    page.get_by_role("button", name="Start now").click()

    # Page 1: nothing chosen gives an error summary, still accessible.
    assert page.get_by_role("heading", level=1).inner_text() == "Your area"
    check_page(page)
    page.get_by_role("button", name="Continue").click()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error:")
    check_page(page)
    page.get_by_label("Choose your ward").select_option(label="Castlefields")
    page.get_by_label("Tend to agree").check()
    page.get_by_label("Every week").check()
    page.get_by_role("button", name="Continue").click()

    # The rating is asked only of people who use their park.
    assert page.get_by_text("How would you rate your local park?").is_visible()
    check_page(page)
    page.get_by_label("7", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "What would make a difference"
    check_page(page)
    page.get_by_label("Litter", exact=True).check()
    page.locator("fieldset", has_text="Have you reported a problem").get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()

    # "Yes" opens the follow-up question.
    assert page.get_by_text("Tell us what happened when you reported it.").is_visible()
    check_page(page)
    page.get_by_label(re.compile("Tell us what happened")).fill("It was fixed <quickly> & well")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "About you"
    check_page(page)
    # A "please say" box under a single choice is revealed with its option (GOV.UK
    # conditional reveal) and labelled from it.
    other_asian = page.get_by_label("Describe your other Asian background (optional)")
    assert not other_asian.is_visible()
    page.get_by_label("Asian or Asian British: Any other Asian background", exact=True).check()
    assert other_asian.is_visible()
    check_page(page)
    # Save and come back later: the link carries the code after "#" (never sent to the
    # server); the resume page's script fills in the code, sends it and drops it from the address.
    page.get_by_role("button", name="Save and come back later").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your answers so far are saved"
    check_page(page)
    link = page.locator(".engage-code").inner_text().strip()
    assert "#" in link and "/resume#" in link
    page.goto(link)
    page.wait_for_url(re.compile(r"/page/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "About you"
    assert "#" not in page.url
    page.get_by_role("button", name="Skip these questions").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending them"
    check_page(page)
    assert "It was fixed <quickly> & well" in page.locator("main").inner_text()
    assert "Castlefields" in page.locator("main").inner_text()
    page.get_by_role("button", name="Send my answers").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your answers have been sent"
    check_page(page)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator(".engage-reference").inner_text().strip())


def test_staff_survey_pages_are_accessible(page, live_server):
    browser_login(page, live_server, "practitioner")
    page.goto(live_server + "/consultations?status=open")
    page.get_by_role("link", name=re.compile("Cleaner streets and parks survey")).first.click()
    page.get_by_role("link", name=re.compile("^Survey: ")).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Cleaner streets and parks survey"
    base = page.url.rsplit("/", 1)[0]
    # A confirmation after a redirect to a place on the page is put there and takes focus
    # (role="alert"), so it is seen and heard. ("Up" on the first section moves nothing.)
    page.goto(f"{base}/build")
    up = page.locator("section.engage-card > form.engage-inline-form button").first
    assert "Up" in up.inner_text(), page.locator("main").inner_text()[:500]
    up.click()
    page.wait_for_url(re.compile(r"/build#section-\d+$"))
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains("
                           "'govuk-notification-banner--success')", timeout=15000)
    placed = evaluate_settled(page, """(() => {
        const banner = document.querySelector(".govuk-notification-banner--success");
        return {focused: document.activeElement === banner, role: banner && banner.getAttribute("role"),
                next: banner && banner.nextElementSibling && banner.nextElementSibling.id, hash: location.hash.slice(1)};
    })()""")
    assert placed == {"focused": True, "role": "alert", "next": placed["hash"], "hash": placed["hash"]}, placed
    assert_no_axe_violations(page)
    for path in ("build", "settings", "share", "entry", "results", "results?by=area-group&moe=1", "results?weighted=1&by=q",
                 "who-answered", "comments", "codes", "import", "publish"):
        page.goto(f"{base}/{path}")
        assert_no_axe_violations(page)


def test_one_response_at_a_time_and_close_now(page, live_server):
    """Issue 20, one lean journey: find a response by its reference, correct it, erase it and
    see the results stop counting it; close the survey now and reopen it (its old closing date)."""
    browser_login(page, live_server, "practitioner")
    page.goto(live_server + "/consultations?status=open")
    page.get_by_role("link", name=re.compile("Cleaner streets and parks survey")).first.click()
    page.get_by_role("link", name=re.compile("^Survey: ")).first.click()
    base = page.url.rsplit("/", 1)[0]
    page.goto(f"{base}/responses")
    assert_no_axe_violations(page)

    def counted():
        return int(re.search(r"([\d,]+) responses? counted", page.locator("main").inner_text()).group(1).replace(",", ""))

    before = counted()
    reference = page.locator("table a").first.inner_text().strip()
    # Typed as a resident reads it out: lower case.
    page.get_by_label("Reference").fill(reference.lower())
    page.get_by_role("button", name="Find responses").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Response {reference}"
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Correct the answers").click()
    assert_no_axe_violations(page)
    ward = page.locator("main select").first
    options = ward.locator("option").all_inner_texts()
    chosen = ward.locator("option:checked").inner_text()
    other = next(o for o in options if o.strip() and o != chosen and not o.startswith("Choose"))
    ward.select_option(label=other)
    page.get_by_label("Why are you correcting it?").fill("Typing slip: the paper form says " + other)
    page.get_by_role("button", name="Save the correction").click()
    assert "Corrected" in page.locator("#history").inner_text() and other in page.locator("#history").inner_text()

    page.get_by_role("link", name=re.compile("Erase at the person")).click()
    assert_no_axe_violations(page)
    page.get_by_label("The person asked us to erase their answers").check()
    page.get_by_role("button", name="Erase this response").click()
    assert page.locator("#counted").inner_text() == "No: erased"
    assert "Typing slip" not in page.locator("main").inner_text()  # the correction's words went too
    page.goto(f"{base}/responses")
    assert counted() == before - 1

    page.goto(f"{base}/open-and-close")
    assert_no_axe_violations(page)
    status = page.locator("#survey-state").inner_text()
    last_day = re.search(r"closes at the end of (\d+ \w+ \d{4})", status).group(1)
    page.get_by_label("Why close it now?").fill("The decision meeting was brought forward")
    page.get_by_role("button", name="Close now").click()
    assert "Closed" in page.locator("#survey-state").inner_text()
    assert "The decision meeting was brought forward" in page.locator("#moves").inner_text()
    from datetime import datetime

    day = datetime.strptime(last_day, "%d %B %Y")
    boxes = page.locator('input[name="reopen-closes_on"]')
    for n, value in enumerate((day.day, day.month, day.year)):
        boxes.nth(n).fill(str(value))
    page.get_by_label("Why?").fill("Closed by mistake")
    page.get_by_role("button", name="Reopen").click()
    assert "Open" in page.locator("#survey-state").inner_text() and last_day in page.locator("#survey-state").inner_text()
    assert "Reopened" in page.locator("#moves").inner_text()
    assert_no_axe_violations(page)


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def test_paper_copy_poster_and_bulk_coding(page, live_server):
    """A group leader finds the paper copy and the poster on the survey's public page; the
    poster prints as one page with its QR code (Chromium's PDF printing); then a coder codes
    comments in bulk and undoes it."""
    page.goto(live_server + "/consultations?status=open")
    page.get_by_role("link", name=re.compile("Cleaner streets and parks survey")).first.click()
    page.get_by_role("button", name=re.compile("Start the survey")).click()
    start = page.url
    page.get_by_role("link", name="Print a paper copy of the survey").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Cleaner streets and parks survey"
    assert_no_axe_violations(page)
    paper_pages = _pdf_pages(page.pdf(format="A4"))
    page.goto(start)
    page.get_by_role("link", name="Print a poster with a QR code").click()
    assert_no_axe_violations(page)
    qr = page.locator("img.engage-poster-qr")
    assert evaluate_settled(page, "document.querySelector('img.engage-poster-qr').naturalWidth") > 0
    assert page.locator(".engage-header, .govuk-footer").count() == 0
    pdf = page.pdf(format="A4")
    # The poster is one page; the paper version (many questions) is more, so the count is real.
    assert _pdf_pages(pdf) == 1 and paper_pages > 1, (paper_pages, _pdf_pages(pdf))
    page.emulate_media(media="print")
    box, sheet = qr.bounding_box(), page.locator(".engage-poster-sheet").bounding_box()
    assert box["width"] > 200 and sheet["y"] <= box["y"] and box["y"] + box["height"] <= sheet["y"] + sheet["height"]
    page.emulate_media(media="screen")

    browser_login(page, live_server, "practitioner")
    page.goto(start.rsplit("/", 1)[0] + "/" + start.rsplit("/", 1)[1] + "/comments")
    page.get_by_label("Words in the comment").fill("fine where I live")
    page.get_by_role("button", name="Search comments").click()
    found = page.locator("input[name=selected]")
    assert found.count() >= 2
    found.nth(0).check()
    found.nth(1).check()
    page.locator("#bulk-theme").select_option(label="Parks")
    page.get_by_role("button", name="Apply to comments").click()
    assert "‘Parks’ added to 2 comments" in page.locator(".govuk-notification-banner").inner_text()
    assert_no_axe_violations(page)
    page.locator("#theme").select_option(label="Parks")
    page.get_by_role("button", name="Search comments").click()
    assert "fine where I live" in page.locator("main").inner_text()
    page.get_by_role("button", name="Undo this change").click()
    assert "Undone" in page.locator(".govuk-notification-banner").inner_text()
    assert "fine where I live" not in page.locator("main").inner_text()
