"""The browser harness itself: a click that leads to another page returns only once that
page has loaded, however slowly the server sends it. Without this, a test on a busy
machine reads a half-parsed page (CI saw a page with no h1 yet, and a form whose message
below the fold had not arrived)."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.browser

FIRST = b"""<!doctype html><html lang="en"><title>First</title><h1>First</h1>
<form method="post" action="/next"><button>Send</button></form>
<a href="/next">Follow</a> <a href="/file.csv">Get the file</a>"""


class _SlowPages(BaseHTTPRequestHandler):
    """The next page arrives in two parts: its h1 at once, the rest half a second later."""

    def log_message(self, *args):
        pass

    def _send_slowly(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<!doctype html><html lang='en'><title>Next</title><h1>Next</h1>" + b" " * 4096)
        self.wfile.flush()
        time.sleep(0.5)
        self.wfile.write(b"<p id='late'>The end of the page.</p>")

    def do_GET(self):
        if self.path == "/file.csv":
            body = b"a,b\n1,2\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Disposition", "attachment; filename=file.csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/next":
            self._send_slowly()
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(FIRST)))
            self.end_headers()
            self.wfile.write(FIRST)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send_slowly()


@pytest.fixture(scope="module")
def slow_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowPages)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.parametrize("role,name", [("button", "Send"), ("link", "Follow")])
def test_a_click_returns_once_the_next_page_has_loaded(_browser, slow_site, javascript, role, name):
    context = _browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(slow_site + "/")
        page.get_by_role(role, name=name).click()
        assert page.locator("h1").inner_text() == "Next"
        assert page.locator("#late").count() == 1
    finally:
        context.close()


def test_a_click_that_downloads_a_file_returns_on_the_same_page(_browser, slow_site):
    context = _browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(slow_site + "/")
        with page.expect_download() as download:
            page.get_by_role("link", name="Get the file").click()
        assert download.value.suggested_filename == "file.csv"
        assert page.locator("h1").inner_text() == "First"
    finally:
        context.close()
