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
def live_server(tmp_path_factory):
    """Base URL of a running Engage with migrations, demo data, toolkit and index built."""
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def _browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser):
    context = _browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def narrow_page(_browser):
    """A phone-sized page, 320 px wide."""
    context = _browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


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


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol, so the site's strict CSP stays in force.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found problems on {page.url}: {violations}"
