"""The four main journeys of issue 13, walked end to end in Chromium at a phone's width (390 px)
and at desktop width, with axe-core run on every page on the way. On every page: one h1,
nothing wider than the screen, and no chart label cut off."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import CHROMIUM_ARGS, assert_no_axe_violations, browser_login, evaluate_settled  # noqa: F401

pytestmark = pytest.mark.browser

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(params=list(SCREENS))
def screen(request, _browser):
    context = _browser.new_context(viewport=SCREENS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.screen_name = request.param
    yield page
    context.close()


def check(page) -> str:
    """The checks every page on a journey passes; returns the text of <main>."""
    assert page.locator("h1").count() == 1, page.url
    width = page.evaluate("window.innerWidth")
    overflow = evaluate_settled(page, "document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow} px wide on a {width} px screen"
    cut = page.evaluate("""() => [...document.querySelectorAll('.engage-chart__label, .engage-chart__value')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth)
        .map(e => e.textContent)""")
    assert cut == [], f"chart text cut off on {page.url}: {cut}"
    assert_no_axe_violations(page)
    return page.locator("main").inner_text()


def visit(page, url: str) -> str:
    page.goto(url)
    return check(page)


def go(page, name: str) -> None:
    """Follow a main-menu link; on a phone the menu opens first."""
    menu = page.get_by_role("button", name="Menu")
    if menu.count() and menu.is_visible():
        menu.click()
    page.locator(".govuk-service-navigation").get_by_role("link", name=name, exact=True).click()


def in_view(page, selector: str) -> bool:
    return page.evaluate(f"""() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
        return r.top > -2 && r.top < window.innerHeight; }}""")


def test_resident_journey(screen, live_server):
    page, phone = screen, screen.screen_name == "phone"
    visit(page, live_server + "/")
    go(page, "Have your say")
    main = check(page)
    assert "open now" in main
    page.locator("main .engage-card h3 a").first.click()  # each open consultation, under "Open now"
    check(page)

    # Filters on the list of consultations: the outcome is on screen after "Apply filters".
    go(page, "Consultations")
    check(page)
    page.get_by_label("Words in the title or summary").fill("environment")
    page.get_by_role("button", name="Apply filters").click()
    check(page)
    assert in_view(page, "#results-heading"), "the number of results is off screen after filtering"
    assert "match" in page.locator(".engage-outcome").inner_text()

    # Results with a chart and tables; the glossary explains "base".
    page.get_by_role("link", name=re.compile("Environment survey 2005")).first.click()
    check(page)
    assert page.locator(".engage-chart").count() > 0
    labels = page.locator(".engage-chart__label").all_inner_texts()
    assert any(label.endswith("parks") or "parks" in label for label in labels) and not any("…" in label for label in labels)
    region = page.locator(".engage-table-scroll").first
    scrolls = region.evaluate("r => r.scrollWidth > r.clientWidth")
    hint = page.locator(".engage-scroll-hint").first
    assert hint.is_visible() == scrolls
    if phone:
        assert scrolls, "a results table with several groups should scroll on a phone"
    page.get_by_role("link", name=re.compile("^Base")).first.click()
    assert page.url.endswith("/glossary#base")
    main = check(page)
    assert "The number of people who answered a question" in main

    # The forward plan: a list of days on a phone, the month grid on a desktop.
    visit(page, live_server + "/consultations/forward-plan")
    assert page.locator(".engage-calendar-list").is_visible() == phone
    assert page.locator(".engage-calendar").is_visible() == (not phone)
    page.get_by_role("link", name="See consultation activity by ward").click()
    check(page)


def test_vcs_member_journey(screen, live_server):
    page = screen
    browser_login(page, live_server, "vcs")
    check(page)
    font = page.evaluate("getComputedStyle(document.querySelector('.engage-link-button')).fontFamily")
    assert "serif" not in font.replace("sans-serif", ""), font
    go(page, "Toolkit")
    check(page)
    page.get_by_label("Search the toolkit").fill("young people")
    page.get_by_role("button", name="Search", exact=True).click()
    check(page)
    page.get_by_role("link", name="Answer 5 questions to find a method").first.click()
    check(page)
    page.get_by_label("Find out what people think").check()
    page.get_by_label("Young people").check()
    page.get_by_label("15 to 100 people").check()
    page.get_by_label("A few weeks").check()
    page.get_by_label("Under £500").check()
    page.get_by_role("button", name="Show methods").click()
    main = check(page)
    assert "Mystery shopping" not in main and "Public meeting" not in main
    assert "Why it fits" in main and "Works well with young people." in main
    page.locator(".engage-guides").get_by_role("link", name="Engaging young people").click()
    check(page)
    assert page.get_by_role("button", name="Print this page").is_visible()
    # A VCS member logs their own group's engagement.
    page.goto(live_server + "/consultations/manage")
    check(page)
    page.get_by_role("button", name="Log a consultation").click()
    assert check(page) and page.locator("h1").inner_text() == "Log a consultation"


def test_practitioner_journey(screen, live_server):
    page = screen
    browser_login(page, live_server, "practitioner")
    visit(page, live_server + "/consultations/forward-plan")
    page.get_by_role("link", name="Log a consultation").click()
    assert page.url.endswith("/consultations/new")
    check(page)
    title = f"Park benches survey ({page.screen_name})"
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Summary", exact=True).fill("Where should new benches go in the park? Tell us.")
    page.get_by_label("Residents", exact=True).check()
    page.get_by_label("Online", exact=True).check()
    page.get_by_role("button", name="Save consultation").click()
    if page.locator("#similar-title").count():
        check(page)
        page.get_by_role("button", name="Save consultation").click()
    assert page.locator("h1").inner_text() == title
    check(page)
    # Activity by ward: the chart shows the table's own figures.
    visit(page, live_server + "/consultations/activity")
    chart = page.locator("#activity-consultations .engage-chart__group").all_inner_texts()
    rows = page.locator("#activity-table tbody tr").all_inner_texts()
    table = {}
    for row in rows:
        cells = row.split("\t")
        table[cells[0].replace("Priority ward", "").strip()] = cells[3].strip()
    for group in chart:
        label, value = [part.strip() for part in group.split("\n") if part.strip()][:2]
        assert table[label.replace(" (priority ward)", "")] == value, (label, value)


def test_officer_journey(screen, live_server):
    page = screen
    browser_login(page, live_server, "officer")
    visit(page, live_server + "/admin/accounts")
    page.get_by_label("Search accounts").fill("practitioner@example")
    page.get_by_role("button", name="Search", exact=True).click()
    main = check(page)
    assert "1 account matching" in main
    visit(page, live_server + "/admin/accounts/new")
    assert page.locator("input[name=email]").get_attribute("type") == "email"
    assert "Plans and logs consultations" in page.locator(".govuk-radios").inner_text()
    # Every problem at once, values kept.
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Practitioner").check()
    page.get_by_role("button", name=re.compile("Add the account")).click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the person" in summary and "already exists" in summary
    check(page)
    assert page.get_by_label("Email address").input_value() == "officer@example.org"
    assert page.get_by_label("Practitioner").is_checked()
    page.get_by_label("Full name").fill("Robin Newcomer")
    page.get_by_label("Email address").fill(f"robin.{page.screen_name}@example.org")
    page.get_by_role("button", name=re.compile("Add the account")).click()
    main = check(page)
    assert "We are emailing" in main and "Invited" in main
    # The hint on the search page sits under its checkbox.
    visit(page, live_server + "/admin/search")
    box = page.locator("input[name=auto_refresh]").bounding_box()
    hint = page.get_by_text("Leave this unticked").bounding_box()
    assert hint["y"] > box["y"]
