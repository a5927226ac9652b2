"""The sweep of tests/browser/test_every_page.py (a resident) and test_every_page_as_officer.py
(a partnership officer): every page a person can reach by following links, as a resident and as a partnership
officer (who sees every staff page), all of them: each passes axe-core, has one h1 and fits
a 320 px screen.

Where the sweep starts: each capability's own entry pages (every address of the site that
takes no id and is read with GET: /have-your-say, /admin/strategy, /findings/dashboard, ...)
and the few starts below. From there every link is followed, so a new page is checked as soon
as something links to it: nobody has to remember to add it here.

Which pages count as different: every address found is fetched (plain HTTP with the
browser's cookies, in a thread of its own while the browser checks pages), and a page is opened
in the browser and checked when its *signature* is new. The signature is the page's route
(``consultations.page``, with the names of its query parameters) and the set of links and
forms on it: each link by its route, each form by its method, its route and the names of its
fields. So /consultations/8, whose survey adds "Take part now", a survey panel and staff survey
links, is checked as well as /consultations/10, while two toolkit entries with the same kinds
of links are one page.

What no sweep of links reaches: pages shown only after posting a form (a survey's questions,
check your answers, saved, done, and their error states). tests/browser/test_every_template.py
answers the demo survey with every question type through each of them.
"""
from __future__ import annotations

import queue
import re
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from tests.browser_support import NARROW, browser_login, page_problems


# Addresses that are not pages to read: files, feeds, the API, signing out, and the
# browsers' own prefetch of assets.
SKIP = re.compile(r"/(static|api)/|/sign-out|\.(csv|json|atom|ics|docx|xlsx|pdf|png|svg|txt)(\?|$)"
                  r"|/download|/export|/feed|/qr|/print-version|/calendar|/open-data")
# Well above today's numbers (about 400 signatures and 1,100 addresses for an officer), so the
# sweep ends by running out of new pages, not by hitting these; the test says so when it does not.
MAX_PAGES = 700
MAX_FETCHES = 3000
# An address that is nobody's page: the "page not found" page is checked too.
NOT_FOUND = "/consultations/2147483646"


# ---- what a page is -------------------------------------------------------------------------

class _Routes:
    """The route an address leads to (``toolkit.entry?q``), from the app's own URL map."""

    def __init__(self, app, base: str):
        self.adapter = app.url_map.bind(urlsplit(base).netloc, url_scheme="http")

    def __call__(self, url: str) -> str:
        parts = urlsplit(url)
        try:
            route = self.adapter.match(unquote(parts.path), method="GET")[0]
        except Exception:  # not a route of the site (a 404), or a redirect to add a slash
            route = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
        keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
        return route + ("?" + "&".join(keys) if keys else "")


class _LinksAndForms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, str, set[str]]] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = ((a.get("method") or "get").lower(), a.get("action") or "", set())
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and a.get("name"):
            self._form[2].add(re.sub(r"\d+", "N", a["name"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _read(html: str, url: str, base: str, route) -> tuple[list[str], tuple]:
    """The site's links on a page, and its signature."""
    parsed = _LinksAndForms()
    parsed.feed(html)
    links = []
    for href in parsed.links:
        href = urldefrag(urljoin(url, href))[0]
        if href.startswith(base + "/") and not SKIP.search(href[len(base):]):
            links.append(href)
    forms = frozenset((method, route(urljoin(url, action or url)), frozenset(names)) for method, action, names in parsed.forms)
    return links, (route(url), frozenset(route(link) for link in links), forms)


def _fetch_key(url: str) -> str:
    """One fetch per path and set of query parameter names (``?page=2`` and ``?page=3`` are one)."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return parts.path + "?" + "&".join(keys)


# ---- finding pages (a thread) and checking them (the browser) ----------------------------------

def _fetcher(cookies: str):
    opener = urllib.request.build_opener()

    def fetch(url: str) -> tuple[int, str, str, str]:
        request = urllib.request.Request(url, headers={"Cookie": cookies, "Accept": "text/html"})
        try:
            response = opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:   # 4xx and 5xx pages are pages too
            response = error
        with response:
            body = response.read()
            kind = response.headers.get("Content-Type") or ""
            return response.status, response.geturl(), kind, body.decode("utf-8", "replace") if "text/html" in kind else ""
    return fetch


def _discover(fetch, route, base: str, starts: list[str], found: queue.Queue, stats: dict) -> None:
    """Breadth first from ``starts``: fetch each address once, and put each page with a new
    signature on ``found`` (then ``None`` when there is nothing left)."""
    fetched: set[str] = set()
    signatures: set[tuple] = set()
    todo = deque(starts)
    try:
        while todo and stats["fetched"] < MAX_FETCHES:
            url = todo.popleft()
            if _fetch_key(url) in fetched:
                continue
            fetched.add(_fetch_key(url))
            status, final, kind, html = fetch(url)
            stats["fetched"] += 1
            fetched.add(_fetch_key(final))
            if status >= 500:
                found.put(("error", url, f"status {status}"))
                continue
            if not html or not final.startswith(base + "/"):
                continue
            links, signature = _read(html, final, base, route)
            if signature not in signatures:
                signatures.add(signature)
                found.put(("page", final, signature[0]))
            todo.extend(links)
    except BaseException as error:  # handed to the test's own thread, which fails with it
        found.put(("crash", repr(error), error))
    finally:
        found.put(None)


def _check(page, url: str) -> list:
    response = page.goto(url)
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return [f"not a page when opened ({response.status if response else 'no response'})"]
    if response.status >= 500:
        return [f"status {response.status}"]
    return page_problems(page)


def entry_pages(app) -> list[str]:
    """Each capability's own entry pages: every GET address of the site that takes no id."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments and not SKIP.search(r.rule)]
    return sorted({r.rule for r in rules})


def sweep(page, app, base: str, starts: list[str]) -> tuple[dict[str, str], dict[str, object], dict]:
    """Check every page with a new signature; ({url: route} checked, {url: problems}, figures)."""
    route = _Routes(app, base)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies(base))
    found: queue.Queue = queue.Queue()
    stats = {"fetched": 0}
    started = time.monotonic()
    finder = threading.Thread(target=_discover, args=(_fetcher(cookies), route, base, [base + s for s in starts], found, stats),
                              daemon=True)
    finder.start()
    checked, problems = {}, {}
    waiting = 0.0
    while True:
        before = time.monotonic()
        item = found.get(timeout=600)
        waiting += time.monotonic() - before
        if item is None:
            break
        kind, url, detail = item
        if kind == "crash":
            raise AssertionError(f"finding pages failed: {url}") from detail
        if kind == "error":
            problems[url] = detail
        elif len(checked) < MAX_PAGES:
            checked[url] = detail
            trouble = _check(page, url)
            if trouble:
                problems[url] = trouble
    finder.join(timeout=60)
    stats.update(checked=len(checked), seconds=round(time.monotonic() - started, 1), waiting_for_pages=round(waiting, 1))
    return checked, problems, stats


# Pages the sweep must reach (issue 19: it once opened no survey page at all).
MUST_REACH = {
    None: {"surveys.start", "strategy.version", "strategy.comment", "consultations.page"},
    "officer": {"surveys.start", "surveys.build", "surveys.results", "surveys.who_answered", "surveys.comments",
                "strategy.admin_version", "strategy.admin_comments", "strategy.admin_section", "strategy.admin_section_new"},
}


@dataclass
class Swept:
    """What a sweep found: the kinds of page checked (route: address), each page's problems,
    the routes opened and the link finder's counts."""

    checked: dict
    problems: dict
    stats: dict

    @property
    def reached(self) -> set:
        return {r.split("?")[0] for r in self.checked.values()}

    def short_of(self, role, least: int) -> list[str]:
        """Why the sweep did not walk the whole site: fewer than ``least`` kinds of page (a
        broken link finder would pass an empty sweep), a cap reached (pages left unchecked), or
        a page it once missed not opened. Empty when it walked it all."""
        out = []
        if len(self.checked) < least:
            out.append(f"only {len(self.checked)} kinds of page checked, at least {least} expected")
        if len(self.checked) >= MAX_PAGES:
            out.append(f"the site has grown past {MAX_PAGES} kinds of page: raise MAX_PAGES")
        if self.stats["fetched"] >= MAX_FETCHES:
            out.append(f"the site has grown past {MAX_FETCHES} addresses: raise MAX_FETCHES")
        if not MUST_REACH[role] <= self.reached:
            out.append(f"never opened: {MUST_REACH[role] - self.reached}")
        return out


def sweep_as(browser, live_server, live_app, role, starts) -> Swept:
    """Sweep the site as ``role`` (None: a resident) at 320 px from ``starts`` and every entry
    page: each kind of page is checked with axe-core, for one h1 and for fitting the screen."""
    context = browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role:
            browser_login(page, live_server, role)
        checked, problems, stats = sweep(page, live_app, live_server, starts + entry_pages(live_app))
    finally:
        context.close()
    print(f"sweep as {role or 'resident'}: {stats}")
    return Swept(checked, problems, stats)
