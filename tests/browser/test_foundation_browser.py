"""Each demo role signs in through a real Chromium; axe-core finds no problem on the home,
sign-in and error pages; the layout works at 320 px and without JavaScript."""
import pytest

from tests.browser_support import assert_no_axe_violations, browser_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role,label", [
    ("officer", "Partnership officer"), ("coordinator", "Partnership coordinator"),
    ("practitioner", "Practitioner"), ("vcs", "VCS group member"),
])
def test_each_demo_role_signs_in(page, live_server, role, label):
    browser_login(page, live_server, role)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    assert label in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out", exact=True).click()
    assert "You have signed out" in page.locator("main").inner_text()


@pytest.mark.parametrize("path", ["/", "/sign-in", "/no-such-page", "/strategy", "/accessibility", "/forgot-password"])
def test_pages_have_no_axe_violations(page, live_server, path):
    page.goto(live_server + path)
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)


def test_sign_in_errors_are_accessible(page, live_server):
    page.goto(live_server + "/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page)


def test_signed_in_admin_pages_have_no_axe_violations(page, live_server):
    browser_login(page, live_server, "officer")
    for path in ("/account", "/admin/reference", "/admin/reference/areas", "/admin/accounts/new"):
        page.goto(live_server + path)
        assert_no_axe_violations(page)


def test_officer_rebuilds_the_search_index(page, live_server):
    browser_login(page, live_server, "officer")
    page.goto(live_server + "/account")
    page.get_by_role("link", name="Check and rebuild the search index").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Search index"
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Rebuild the search index").click()
    assert_no_axe_violations(page)  # the progress bars, or the result if it was quick
    for _ in range(60):  # "Check progress" reloads the page; no JavaScript needed
        if "The last rebuild" in page.locator("main").inner_text():
            break
        page.wait_for_timeout(500)
        page.get_by_role("link", name="Check progress").click()
    main = page.locator("main").inner_text()
    assert "The last rebuild, started by" in main and "finished" in main
    # Search works on the rebuilt index.
    page.goto(live_server + "/toolkit?q=focus+group")
    assert page.locator(".engage-results__item").first.inner_text().startswith("Focus group")


def test_keyboard_skip_link(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")


NARROW_PAGES = ["/", "/toolkit", "/toolkit?q=focus+group", "/strategy", "/strategy/outcomes", "/strategy/indicators",
                "/consultations/forward-plan",
                "/toolkit/sampling-and-representativeness", "/consultations", "/consultations/search?q=survey"]


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_readable_at_320_pixels(narrow_page, live_server, path):
    from tests.browser_support import sideways_overflow

    narrow_page.goto(live_server + path)
    assert sideways_overflow(narrow_page) == [], f"{path} scrolls sideways at 320 px"
    # A table wider than the screen scrolls inside a region a keyboard can reach and that has a name.
    regions = narrow_page.evaluate("""() => [...document.querySelectorAll('main table')].map(t => {
        const box = t.closest('.engage-table-scroll');
        return {wide: t.scrollWidth > document.documentElement.clientWidth,
                region: !!box && box.getAttribute('role') === 'region' && box.tabIndex === 0 && !!box.getAttribute('aria-label')};
    })""")
    assert all(r["region"] for r in regions if r["wide"]), f"{path}: a wide table is not in a named, focusable scrolling region"
    if any(r["wide"] for r in regions):
        assert_no_axe_violations(narrow_page)


def test_works_without_javascript(_browser, live_server):
    context = _browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("vcs@example.org")
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    assert "Hello" in page.locator("h1").inner_text()
    context.close()
