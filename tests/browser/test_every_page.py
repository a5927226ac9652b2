"""Every page a person can reach by following links, as a resident and as a partnership
officer (who sees every staff page), all of them: each passes axe-core, has one h1 and fits
a 320 px screen.

The pages are found by following links from the home page and the officer's account page,
so a new page is checked as soon as something links to it: nobody has to remember to add it
here. One page is opened for each shape of address (``/findings/12`` and ``/findings/13``
are the same page with other data), so the sweep stays short."""
from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.browser_support import NARROW, axe_violations, browser_login, evaluate_settled, sideways_overflow

pytestmark = pytest.mark.browser

# Addresses that are not pages to read: files, feeds, the API, signing out, and the
# browsers' own prefetch of assets.
SKIP = re.compile(r"/(static|api)/|/sign-out|\.(csv|json|atom|ics|docx|xlsx|pdf|png|svg|txt)(\?|$)"
                  r"|/download|/export|/feed|/qr|/print-version|/calendar|/open-data")
# Well above the number of page shapes today (about 300 for an officer), so the sweep ends by
# running out of new pages, not by hitting this; the test says so when it does not.
MAX_PAGES = 450


def _shape(url: str) -> str:
    """The address with its numbers and query values blurred: one visit per shape."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(keys) if keys else "")


def _links(page, base: str) -> list[str]:
    hrefs = evaluate_settled(page, "() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    out = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if href.startswith(base) and not SKIP.search(href[len(base):]):
            out.append(href)
    return out


def _sweep(page, base: str, starts: list[str]) -> tuple[list[str], dict[str, object]]:
    seen_shapes: set[str] = set()
    queue = [base + s for s in starts]
    visited, problems = [], {}
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        shape = _shape(url)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 500:
            problems[url] = f"status {response.status}"
            continue
        visited.append(url)
        found = []
        h1s = page.locator("h1").count()
        if h1s != 1:
            found.append(f"{h1s} h1 headings")
        wide = sideways_overflow(page)
        if wide:
            found.append({"wider than 320 px": wide})
        violations = axe_violations(page)
        if violations:
            found.append({"axe": violations})
        if found:
            problems[url] = found
        queue.extend(_links(page, base))
    return visited, problems


@pytest.mark.parametrize("role,starts,least", [
    (None, ["/", "/have-your-say", "/you-said-we-did", "/toolkit", "/consultations", "/strategy",
           "/how-we-work-out-the-numbers"], 20),
    ("officer", ["/account", "/findings/manage", "/findings/dashboard", "/admin/reference", "/admin/search",
                 "/consultations/new", "/strategy/plan"], 60),
])
def test_every_linked_page_is_accessible_and_fits_a_phone(_browser, live_server, role, starts, least):
    context = _browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role:
            browser_login(page, live_server, role)
        visited, problems = _sweep(page, live_server, starts)
    finally:
        context.close()
    # The sweep really walked the site (a broken link finder would pass an empty sweep), and
    # all of it: stopping at the cap would leave pages unchecked.
    assert len(visited) >= least, visited
    assert len(visited) < MAX_PAGES, f"the site has grown past {MAX_PAGES} kinds of page: raise MAX_PAGES"
    assert problems == {}, problems
