"""The toolkit in a real Chromium: search, filter by a facet, open an entry, use the chooser,
with axe-core finding no problem; the same journey without JavaScript; print and embed."""
import re

import pytest

from tests.browser_support import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_search_filter_and_open_an_entry(page, live_server):
    page.goto(f"{live_server}/toolkit")
    assert page.locator("h1").inner_text() == "Practitioner toolkit"
    assert_no_axe_violations(page)

    page.get_by_label("Search the toolkit").fill("focus group")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/toolkit?q=focus+group*")
    results = page.locator(".engage-results__item h3 a")
    assert results.first.inner_text() == "Focus group"
    assert page.locator("mark.engage-highlight").count() > 0
    assert_no_axe_violations(page)

    # Filter by a facet: guides only. The URL holds the whole state.
    page.locator("#f-kind-guide").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**kind=guide*")
    assert "q=focus+group" in page.url
    kinds = page.locator(".engage-results__meta .govuk-tag").all_inner_texts()
    assert kinds and set(kinds) == {"Guide"}
    assert page.locator(".engage-chosen__link").count() == 1
    assert_no_axe_violations(page)

    # Remove the filter with one click.
    page.locator(".engage-chosen__link").click()
    page.wait_for_load_state()
    assert "kind=" not in page.url and "q=focus+group" in page.url

    # Open an entry.
    page.locator(".engage-results__item h3 a", has_text="Focus group").first.click()
    page.wait_for_url("**/toolkit/focus-group")
    assert page.locator("h1").inner_text() == "Focus group"
    assert page.locator(".engage-contents a", has_text="Step by step").count() == 1
    page.locator(".engage-contents a", has_text="Checklist").click()
    assert page.url.endswith("#checklist")
    assert_no_axe_violations(page)


def test_did_you_mean_in_the_browser(page, live_server):
    page.goto(f"{live_server}/toolkit?q=focsu+group")
    page.get_by_role("link", name="focus group", exact=True).click()
    page.wait_for_url("**/toolkit?q=focus+group")
    assert page.locator(".engage-results__item h3 a").first.inner_text() == "Focus group"


def test_method_chooser(page, live_server):
    page.goto(f"{live_server}/toolkit/choose")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Show methods").click()  # nothing answered: errors
    assert page.locator(".govuk-error-summary").count() == 1
    assert_no_axe_violations(page)
    page.get_by_label("Find out what people think").check()
    page.get_by_label("People who are seldom heard").check()
    page.get_by_label("Up to 15 people").check()
    page.get_by_label("A few weeks").check()
    page.get_by_label("£500 to £5,000").check()
    page.get_by_role("button", name="Show methods").click()
    assert page.locator("h1").inner_text() == "Methods that fit your answers"
    names = page.locator(".engage-picks__item h3 a").all_inner_texts()
    assert "Focus group" in names[:3]
    assert page.locator(".engage-picks__reason").count() == len(names)
    assert_no_axe_violations(page)


def test_works_without_javascript(page, live_server):
    context = page.context.browser.new_context(java_script_enabled=False)
    try:
        nojs = context.new_page()
        nojs.goto(f"{live_server}/toolkit")
        nojs.get_by_label("Search the toolkit").fill("survey")
        nojs.locator("#f-cost-low").check()
        nojs.get_by_role("button", name="Search", exact=True).click()
        nojs.wait_for_url("**q=survey*")
        assert "cost=low" in nojs.url
        costs = nojs.locator(".engage-results__meta").all_inner_texts()
        assert costs and all("under £500" in c for c in costs)
    finally:
        context.close()


def test_entry_prints_as_a_handout(page, live_server):
    page.goto(f"{live_server}/toolkit/focus-group")
    page.emulate_media(media="print")
    assert page.locator(".engage-header").is_hidden()
    assert page.locator("form").first.is_hidden()
    assert page.locator("h1").is_visible() and page.locator("#checklist").is_visible()


@pytest.fixture
def partner_site(live_server, tmp_path):
    """A partner's web page, on another origin, with the embed in an iframe."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>A partner</title></head><body><h1>Partner site</h1>'
        f'<iframe title="Toolkit search" src="{live_server}/embed/toolkit" width="600" height="300"></iframe></body></html>')
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/index.html"
    finally:
        server.shutdown()


def test_embed_search_box_works_in_a_partner_page(page, live_server, partner_site):
    page.goto(partner_site)
    frame = page.frame_locator("iframe")
    frame.get_by_label("Search the Engage practitioner toolkit").fill("door knocking")
    frame.get_by_role("button", name="Search").click()
    page.wait_for_url(f"{live_server}/toolkit?q=door+knocking")  # results open on Engage, in the whole window
    assert page.locator(".engage-results__item h3 a").first.inner_text() == "Door-knocking"


def test_printed_entry_has_numbered_steps_and_no_site_addresses_or_contents(page, live_server, tmp_path):
    """Printed to PDF through Chromium: step 10 prints as "10." (not "0."), links within the
    site print no address, the contents list is left off, and the print button is shown on
    screen (with JavaScript) but not on paper."""
    from pypdf import PdfReader

    page.goto(f"{live_server}/toolkit/citizens-panel")
    button = page.get_by_role("button", name="Print this page")
    assert button.is_visible()
    page.emulate_media(media="print")
    assert page.locator(".engage-contents").is_hidden() and button.is_hidden()
    pdf = tmp_path / "entry.pdf"
    page.pdf(path=str(pdf))
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert re.search(r"^10\. Replace about a third", text, re.M), "step 10 lost its first digit"
    assert "(/toolkit" not in text and "(#" not in text
    assert "Contents" not in text and "Print this page" not in text
    assert "Step by step" in text
