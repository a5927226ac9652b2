"""Issue 18's "Done means", at 390 px in Debian's Chromium, mail through a real local SMTP
server (aiosmtpd): a resident follows their ward (weekly) and confirms by the emailed link,
answers the open survey asking to hear back; a practitioner drafts a findings report from
it; an officer who is not the author approves and publishes it; the coordinator drafts a
response with a due date and publishes it; the resident gets both hear-back emails and the
weekly digest; the due date passes and the action shows as overdue on the report and on
"you said, we did"; the emailed unsubscribe link leaves the address nowhere."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser_support import _tracked_page, browser_login

pytestmark = pytest.mark.browser
EMAIL = "whole.loop@home.example"
TITLE = "Cleaner streets and parks: what you told us"
PHONE = {"width": 390, "height": 844}


def _mail_to_resident(collector):
    return [m for m in collector.messages if EMAIL in m.envelope_to]


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _link(message, path: str, base: str) -> str:
    found = re.search(re.escape(base) + r"(/follow/%s/[\w-]+)" % path, _text(message))
    assert found, _text(message)
    return base + found.group(1)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _as(page, base, role):
    page.context.clear_cookies()
    browser_login(page, base, role)


def _rows_holding(app, text):
    from engage.extensions import db

    with app.app_context():
        found = [table.name for table in db.metadata.sorted_tables
                 for row in db.session.execute(select(table)) if any(isinstance(v, str) and text in v for v in row)]
        db.session.remove()
    return found


@pytest.fixture
def smtp_for_live(live_app):
    """Point the live server's mail at a real local SMTP server for this test, then back."""
    from aiosmtpd.controller import Controller

    from tests.mail_support import _Collector, _free_port

    collector = _Collector(live_app)
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    before = {k: live_app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME")}
    live_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, MAIL_USERNAME="")
    try:
        yield collector
    finally:
        live_app.config.update(before)
        controller.stop()


def test_the_whole_loop_on_a_phone(_browser, live_server, live_app, smtp_for_live):
    base, mail = live_server, smtp_for_live
    context = _browser.new_context(viewport=PHONE)
    page = _tracked_page(context)
    try:
        left = _walk(page, base, live_app, mail)
    finally:
        context.close()
    # Unsubscribing by the emailed link left the resident's address nowhere.
    assert left == []


def _walk(page, base, app, mail):
    from playwright.sync_api import expect

    from engage.core import mail as outbox
    from engage.extensions import db
    from engage.core import clock

    # 1. The resident follows their ward, once a week, and confirms by the emailed link.
    page.goto(base + "/places")
    page.get_by_role("link", name="Get emails about news near you").click()
    area = page.locator("#area option", has_text="Castlefields").first.get_attribute("value")
    page.locator("#area").select_option(area)
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_label("Once a week, in one email").check()
    page.get_by_role("button", name="Send me a link to confirm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    _fits(page)
    confirm = _mail_to_resident(mail)
    assert [" ".join(str(m["Subject"]).split()) for m in confirm] == ["Confirm you want emails about Castlefields and the places around it"]
    page.goto(_link(confirm[0], "confirm", base))
    page.get_by_role("button", name="Yes, start the emails").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You will get emails"
    _fits(page)

    # 2. They answer the open survey and ask to hear back.
    page.goto(base + "/consultations?status=open")
    page.get_by_role("link", name=re.compile("Cleaner streets and parks survey")).first.click()
    page.get_by_role("button", name=re.compile("Start the survey")).click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Choose your ward").select_option(label="Castlefields")
    page.get_by_label("Tend to agree").check()
    page.get_by_label("Every week").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("7", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Litter", exact=True).check()
    page.locator("fieldset", has_text="Have you reported a problem").get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    while page.get_by_role("heading", level=1).inner_text() != "Check your answers before sending them":
        skip = page.get_by_role("button", name="Skip these questions")
        (skip if skip.count() else page.get_by_role("button", name="Continue")).click()
    page.get_by_label("Email address (optional)").fill(EMAIL)
    page.get_by_role("button", name="Send my answers").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your answers have been sent"
    _fits(page)

    # 3. A practitioner drafts a report from the consultation and sends it for review.
    _as(page, base, "practitioner")
    page.goto(base + "/consultations?status=open")
    page.get_by_role("link", name=re.compile("Cleaner streets and parks survey")).first.click()
    page.get_by_role("link", name="Write a findings report from it").click()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Plain-English summary").fill("Most people want cleaner parks and fewer bins left out.")
    page.get_by_role("button", name="Save report").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE, page.locator("main").inner_text()[:500]
    page.get_by_role("link", name=re.compile("^Recommendations")).click()
    page.get_by_label("Recommendation", exact=True).fill("Empty park bins twice a week in summer.")
    page.get_by_role("button", name="Save recommendation").click()
    page.get_by_role("link", name="Back to the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    report_url = page.url
    page.get_by_role("link", name=re.compile("^Send for review")).first.click()
    page.get_by_role("button", name="Send for review").click()
    # Each move is seen done before the next person signs in (signing out while the form's
    # request was still on its way would leave the report a draft).
    expect(page.locator("main")).to_contain_text("Report sent for review")
    _fits(page)

    # 4. An officer who is not the author approves and publishes it.
    _as(page, base, "officer2")
    page.goto(report_url)
    for name, done in (("Approve", "Report approved"), ("Publish", "Report published")):
        link = page.get_by_role("link", name=re.compile(f"^{name}")).first
        assert link.count() == 1, f"no {name} link on {page.url}: " + page.locator("main").inner_text()[:800]
        link.click()
        page.get_by_role("button", name=name).click()
        expect(page.locator("main")).to_contain_text(done)
        assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "Published" in page.locator("main").inner_text()
    _fits(page)

    # 5. The coordinator drafts the response with a due date, then publishes it.
    _as(page, base, "coordinator")
    page.goto(report_url)
    page.get_by_role("link", name=re.compile("Record the response of Safer Halton Partnership")).click()
    page.get_by_label("Action planned").check()
    page.get_by_label("The action", exact=True).fill("Park bins are emptied twice a week from June.")
    page.get_by_label("Who owns the action").fill("Parks manager, Halton Borough Council")
    due = clock.today() + timedelta(days=20)
    page.locator("#due_on-day").fill(str(due.day))
    page.locator("#due_on-month").fill(str(due.month))
    page.locator("#due_on-year").fill(str(due.year))
    page.get_by_role("button", name="Save response").click()
    assert "Draft" in page.locator("main").inner_text()
    page.get_by_role("button", name=re.compile("^Publish the response of Safer Halton Partnership")).click()
    assert "twice a week from June" in page.locator("main").inner_text()
    _fits(page)

    # 6. The resident has both hear-back emails and, once the sender runs, the weekly digest.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["engage", "send-follow-updates"])
        db.session.remove()
    assert result.exit_code == 0, result.output
    assert outbox.wait_idle(app, timeout=60)
    subjects = [" ".join(str(m["Subject"]).split()) for m in _mail_to_resident(mail)]
    assert "What happened after “Cleaner streets and parks survey" in subjects[1], subjects   # 1: findings out
    assert f"What the partnerships will do: {TITLE}" in subjects, subjects                  # 2: they responded
    digests = [m for m in _mail_to_resident(mail) if str(m["Subject"]).strip().startswith("This week:")]
    assert len(digests) == 1, subjects
    assert " ".join(str(digests[0]["Subject"]).split()).endswith("new things about Castlefields and the places around it")
    digest = _text(digests[0])
    assert f"Results published: {TITLE}" in digest and f"Safer Halton Partnership has responded: {TITLE}" in digest

    # 7. The due date passes: the site's clock (engage/core/clock.py, the live server runs in
    # this process) moves on three weeks, and the action shows as overdue.
    clock.advance(timedelta(days=21))
    page.context.clear_cookies()
    page.goto(report_url)
    assert "Overdue: the due date has passed and it is not marked done." in page.locator("main").inner_text()
    page.goto(base + "/you-said-we-did")
    card = page.locator(".engage-card", has_text=TITLE)
    assert card.locator(".engage-overdue").count() >= 1, card.inner_text()
    _fits(page)

    # 8. Unsubscribe by the emailed link: the address is nowhere any more.
    page.goto(_link(digests[0], "stop", base))
    page.get_by_role("button", name="Stop the emails").click()
    assert page.get_by_role("heading", level=1).inner_text() == "The emails have stopped"
    _fits(page)
    assert outbox.wait_idle(app, timeout=60)
    return _rows_holding(app, EMAIL)
