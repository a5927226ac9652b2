"""Browser fixtures: a real Engage server on localhost with the demo data, driven by Debian's
Chromium through Playwright, and axe-core run inside the page.

Loaded by tests/conftest.py as a pytest plugin. Browsers are never downloaded: Playwright
launches /usr/bin/chromium (the Debian package) through ``executable_path``.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ENGAGE_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DEMO_PASSWORD = "demo-password"


def _require_browser():
    from tests.conftest import require

    try:
        import playwright  # noqa: F401
        have_playwright = True
    except ImportError:
        have_playwright = False
    require(have_playwright, "the playwright package is not installed")
    require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    require(AXE.exists(), "axe-core is not installed (run make assets)")


@pytest.fixture(scope="session")
def _live(tmp_path_factory):
    """(app, base URL) of a running Engage with migrations, demo data, toolkit and index built."""
    _require_browser()
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from engage.extensions import db
    from tests.conftest import make_app

    folder = tmp_path_factory.mktemp("live")
    app = make_app(f"sqlite:///{folder / 'live.db'}", folder, TESTING=False, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        runner = app.test_cli_runner()
        for args in (["engage", "seed-demo"], ["engage", "toolkit-load"], ["engage", "reindex"]):
            if args[1] in app.cli.commands["engage"].commands:
                result = runner.invoke(args=args)
                assert result.exit_code == 0, result.output
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Full links (embed codes, feeds, emails) on the address the browser opens.
    app.config["ENGAGE_PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(_live):
    """Base URL of a running Engage with migrations, demo data, toolkit and index built."""
    return _live[1]


@pytest.fixture(scope="session")
def live_app(_live):
    """The Flask app behind ``live_server``: its URL map, what it stored, its settings (to
    point its mail at a test SMTP server for one test and back). Requests go to the server."""
    return _live[0]


# Run in the page before a click: whether the page runs scripts at all (a context can turn
# them off), and a flag that the page's ``beforeunload`` raises when a navigation starts.
_ARM = """() => {
  let runs = false;
  const probe = () => { runs = true; };
  window.addEventListener('engage-probe', probe);
  window.dispatchEvent(new Event('engage-probe'));
  window.removeEventListener('engage-probe', probe);
  if (!runs) return false;
  window.__engageLeaving = false;
  if (!window.__engageWatching) {
    window.__engageWatching = true;
    window.addEventListener('beforeunload', () => { window.__engageLeaving = true; });
  }
  return true;
}"""
# After the click, five turns of the page's task queue: a form submission the click queued
# (form submissions start in a task of their own) has started its navigation by then.
_LEAVING = """() => new Promise(done => {
  const turn = (n) => n ? setTimeout(() => turn(n - 1), 0) : done(window.__engageLeaving === true);
  turn(5);
})"""
_ARRIVED = "() => window.__engageLeaving !== true"
_NEXT_PAGE_SECONDS = 30


class _Watch:
    """What one page did: main-frame navigation requests, main-frame navigations, downloads."""

    def __init__(self, page):
        self.requests = self.navigations = self.downloads = 0

        def request(req):
            if req.is_navigation_request() and req.frame.parent_frame is None:
                self.requests += 1

        def navigated(frame):
            if frame.parent_frame is None:
                self.navigations += 1

        def downloaded(_download):
            self.downloads += 1

        page.on("request", request)
        page.on("framenavigated", navigated)
        page.on("download", downloaded)

    def counts(self):
        return self.requests, self.navigations, self.downloads


def _watch(page) -> _Watch:
    if not hasattr(page, "engage_watch"):
        page.engage_watch = _Watch(page)
    return page.engage_watch


def _mid_navigation(exc) -> bool:
    return any(m in str(exc) for m in _MID_NAVIGATION)


def _arm(page) -> bool:
    """Raise the page's "leaving" flag on its next navigation; False when the page runs no
    scripts (then the page's requests tell instead)."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):
        try:
            return bool(page.evaluate(_ARM))
        except PlaywrightError as exc:
            if attempt == 2 or not _mid_navigation(exc):
                raise
            page.wait_for_load_state("load")
    return False


def _left(page) -> bool:
    """Whether the click started a navigation of the page (it may not have arrived yet)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return bool(page.evaluate(_LEAVING))
    except PlaywrightError as exc:
        if _mid_navigation(exc):
            return True   # the page went away while we asked
        raise


def _await_next_page(page, watch: _Watch, before: tuple, scripted: bool) -> None:
    """Wait until the document the click asked for has replaced the old one, or the
    navigation turned into a download."""
    import time

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _, navigations, downloads = before
    deadline = time.monotonic() + _NEXT_PAGE_SECONDS
    while time.monotonic() < deadline:
        if watch.downloads > downloads:
            return
        if scripted:
            try:
                page.wait_for_function(_ARRIVED, polling=50, timeout=250)
                return
            except PlaywrightTimeout:
                continue
            except PlaywrightError as exc:
                if not _mid_navigation(exc):
                    raise
        elif watch.navigations > navigations:
            return
        else:
            page.wait_for_timeout(50)
    raise AssertionError(f"a click started a navigation from {page.url} that did not arrive in {_NEXT_PAGE_SECONDS} s")


def _click_then_load(click):
    """``Locator.click`` that returns once the page the click leads to has loaded.

    Playwright's click waits for a navigation the page asks for while the click is being
    made, until the next page's first bytes arrive. Two gaps remain on a loaded machine:
    a form submission starts in a task of its own, and can ask for its navigation after
    Playwright stopped listening (CI signed out in that gap, so the form's request went
    without its session); and a committed page may not be parsed yet, so a test that reads
    it straight away sees half a page (no h1). So before the click the page is armed (a
    flag its ``beforeunload`` raises); after it, the page gets five turns of its task
    queue and is asked whether it is leaving; if so, the wait lasts until the next
    document is in place (or the navigation became a download), and then until it has
    loaded. A page without scripts is judged by its navigation requests instead. A click
    that starts no navigation (a menu button, a link to a fragment) returns at once."""
    def click_and_load(self, *args, **kwargs):
        from playwright.sync_api import Error as PlaywrightError

        page = self.page
        watch = _watch(page)
        scripted = _arm(page)
        before = watch.counts()
        result = click(self, *args, **kwargs)
        if kwargs.get("trial"):
            return result
        if scripted:
            leaving = _left(page)
        else:
            try:
                page.evaluate("() => document.readyState")   # one turn of the page's queue
            except PlaywrightError as exc:
                if not _mid_navigation(exc):
                    raise
            leaving = watch.requests > before[0]
        if leaving:
            _await_next_page(page, watch, before, scripted)
        page.wait_for_load_state("load")
        return result

    click_and_load.__doc__ = _click_then_load.__doc__
    return click_and_load


@pytest.fixture(scope="session")
def _browser():
    _require_browser()
    from playwright.sync_api import Locator, sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as p:
        patch.setattr(Locator, "click", _click_then_load(Locator.click))
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


NARROW = {"width": 320, "height": 640}
# What sticks out past the right edge of the window, outside any scrolling region: a few
# elements named by tag, id and classes, or nothing when the page fits.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !scrolls(el)) {
      const classes = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes);
      if (out.length >= 5) break;
    }
  }
  out.push('(the page is ' + document.documentElement.scrollWidth + ' px wide)');
  return out;
}"""


def sideways_overflow(page) -> list[str]:
    """What makes the page wider than its window ([] when nothing does)."""
    return evaluate_settled(page, _OVERFLOW)


def page_problems(page) -> list:
    """What is wrong with the page as it stands: not exactly one h1, wider than its window,
    or axe violations ([] when nothing is)."""
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
    return found


def narrow_problems(context, urls) -> dict[str, list[str]]:
    """Open each page again at 320 px wide in the same browser context (same sign-in) and
    report the pages that scroll sideways."""
    problems = {}
    seen = set()
    for url in urls:
        url = url.split("#", 1)[0]
        if url in seen or not url.startswith("http"):
            continue
        seen.add(url)
        narrow = context.new_page()
        narrow.set_viewport_size(NARROW)
        try:
            try:
                narrow.goto(url)
            except Exception:  # a test's own helper site that has already stopped: not ours to check
                continue
            found = sideways_overflow(narrow)
            if found:
                problems[url] = found
        finally:
            narrow.close()
    return problems


def _tracked_page(context):
    """A page that remembers every address its main frame shows."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.engage_visited = []
    page.on("framenavigated", lambda frame: page.engage_visited.append(frame.url) if frame.parent_frame is None else None)
    return page


@pytest.fixture
def page(_browser):
    """A desktop-sized page. Every page a test visits is opened again at 320 px wide when the
    test ends, and the test fails if one scrolls sideways."""
    context = _browser.new_context(viewport={"width": 1024, "height": 800})
    page = _tracked_page(context)
    yield page
    try:
        problems = narrow_problems(context, page.engage_visited)
    finally:
        context.close()
    assert problems == {}, f"pages wider than 320 px: {problems}"


@pytest.fixture
def narrow_page(_browser):
    """A phone-sized page, 320 px wide; the pages it visits must not scroll sideways."""
    context = _browser.new_context(viewport=NARROW)
    page = _tracked_page(context)
    yield page
    try:
        problems = narrow_problems(context, page.engage_visited)
    finally:
        context.close()
    assert problems == {}, f"pages wider than 320 px: {problems}"


def browser_login(page, base_url: str, role: str) -> None:
    """Sign in as the demo account for ``role`` (officer, coordinator, practitioner, vcs)."""
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address").fill(f"{role}@example.org")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/account")


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


_AXE_RUN = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

# What Chromium says when a script runs while the page is being replaced by the
# next one (a click that submits a form or follows a link returns before the new
# document is in place on a loaded machine).
_MID_NAVIGATION = ("Execution context was destroyed", "documentElement", "navigat")


def evaluate_settled(page, *scripts):
    """Run ``scripts`` in order on the page once it has finished loading; return the last
    result. A run that meets the page mid-navigation (a click that submits a form returns
    before the next document is in place on a loaded machine) is started again on the page
    that arrives, never skipped."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(5):
        page.wait_for_load_state("load")
        try:
            result = None
            for script in scripts:
                result = script(page) if callable(script) else page.evaluate(script)
            return result
        except PlaywrightError as exc:
            if attempt == 4 or not any(m in str(exc) for m in _MID_NAVIGATION):
                raise
    raise AssertionError("unreachable")


def _load_axe(page) -> None:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())


def axe_violations(page) -> list[dict]:
    """axe-core's violations for the page. Evaluated through the DevTools protocol, so the
    site's strict CSP stays in force."""
    return evaluate_settled(page, _load_axe, _AXE_RUN)


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found problems on {page.url}: {violations}"
