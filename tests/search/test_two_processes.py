"""Two Engage processes, each with its own instance folder, on one PostgreSQL database with the
postgres search backend (as on a site with two web servers): a consultation saved through one
is found through the other at once, and neither needs an index folder."""
from __future__ import annotations

import http.cookiejar
import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from engage.extensions import db
from tests.conftest import PASSWORD, require, search_backend_for
from tests.consultations.records_support import form_data, ref  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
SERVE = """
import sys
from werkzeug.serving import make_server
from engage import create_app
url, instance = sys.argv[1], sys.argv[2]
app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url, "ENGAGE_SEARCH_BACKEND": "postgres",
                  "SECRET_KEY": "two-processes-test", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                  "ENGAGE_INDEX_DIR": instance + "/index"})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


class Browser:
    """A client with its own cookies, talking HTTP to one process."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, **query):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return response.status, response.geturl()


@pytest.fixture
def two_processes(app, tmp_path):
    url = db.engine.url.render_as_string(hide_password=False)
    if not (search_backend_for(url) == "postgres"):
        pytest.skip("runs in the PostgreSQL pass (TEST_DATABASE_URL); CI runs that pass too")
    processes, ports = [], []
    try:
        for name in ("web-one", "web-two"):
            instance = tmp_path / name
            instance.mkdir()
            process = subprocess.Popen([sys.executable, "-c", SERVE, url, str(instance)], cwd=ROOT,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            processes.append(process)
            ports.append(int(process.stdout.readline()))  # printed once the server listens
        yield [Browser(port) for port in ports], [tmp_path / "web-one", tmp_path / "web-two"]
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


def test_a_consultation_saved_through_one_process_is_found_through_the_other(two_processes, users, ref):
    (one, two), instances = two_processes
    for browser in (one, two):
        status, _ = browser.post("/sign-in", {"email": users["practitioner"].email, "password": PASSWORD})
        assert status == 200
    status, where = one.post("/consultations/new", form_data(title="Marshmallow riverside survey"))
    assert status == 200 and "/consultations/" in where
    status, body = two.get("/api/v1/search", q="marshmallow riverside")
    found = json.loads(body)
    assert status == 200 and [h["title"] for h in found["hits"]] == ["Marshmallow riverside survey"]
    consultation_id = int(where.rstrip("/").split("/")[-1])
    from engage.consultations.models import Consultation

    db.session.expire_all()
    version = str(db.session.get(Consultation, consultation_id).version)  # the edit form carries it
    db.session.commit()
    # And back the other way: an edit through the second is found through the first.
    status, where = two.post(f"/consultations/{consultation_id}/edit",
                             form_data(title="Butterscotch riverside survey", version=version))
    assert status == 200 and where.endswith(f"/consultations/{consultation_id}"), where
    _, html = one.get("/consultations/search", q="butterscotch")
    assert '<mark class="engage-highlight">Butterscotch</mark> riverside survey' in html
    assert json.loads(one.get("/api/v1/search", q="marshmallow")[1])["total"] == 0
    # Neither process made an index folder.
    assert not any((instance / "index").exists() for instance in instances)
