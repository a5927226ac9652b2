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


def _click_then_load(click):
    """``Locator.click`` that returns once the page the click leads to has loaded.

    Playwright's own click waits for a navigation it causes to be committed, which is when
    the first bytes of the next page arrive. On a loaded machine the rest of that page may
    not be parsed yet, so a test that reads it straight away sees half a page: no h1, or a
    form without the message printed below it. A click that starts no navigation (a menu
    button, a download link) finds the current page loaded and returns at once."""
    def click_and_load(self, *args, **kwargs):
        result = click(self, *args, **kwargs)
        self.page.wait_for_load_state("load")
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
