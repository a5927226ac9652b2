"""Fifty residents answering at the same moment through a real threaded server on the test
database (SQLite, or PostgreSQL with TEST_DATABASE_URL): every answer they were told is
saved is in the database, once. (Killing a web worker mid-load is measured by
bench/survey_submit.py, which runs gunicorn.)"""
from __future__ import annotations

import html as htmllib
import http.cookiejar
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import SurveyAnswer, SurveyResponse
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401

PEOPLE = 50


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _journey(base: str, survey, ward_id: int, use_id: int, barrier: threading.Barrier) -> str | None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    def send(path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with opener.open(base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read()

    def post(path, data):
        # As a person would: a "busy, try again" page (503) keeps what was sent; press its
        # button. Nothing here depends on the database never being busy.
        for _ in range(20):
            status, location, body = send(path, data)
            if status != 503:
                return status, location, body
            data = busy_page_fields(body.decode())
        return status, location, body

    barrier.wait(timeout=60)
    status, location, _ = post(f"/surveys/{survey['id']}", {})
    if status != 302:
        return None
    status, location, _ = post(f"/surveys/{survey['id']}/page/0", {f"q{survey['ward']}": str(ward_id), f"q{survey['use']}": str(use_id)})
    if status != 302:
        return None
    status, location, _ = post(f"/surveys/{survey['id']}/check", {"email": ""})
    if status != 303 or not location.endswith("/done"):
        return None
    with opener.open(base + f"/surveys/{survey['id']}/done", timeout=60) as response:
        match = re.search(rb'engage-reference">([A-Z0-9-]+)<', response.read())
    return match.group(1).decode().replace("-", "") if match else None


def busy_page_fields(page: str) -> list[tuple[str, str]]:
    assert "Try again" in page, page[:500]
    return [(htmllib.unescape(k), htmllib.unescape(v)) for k, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)]


def test_a_busy_database_asks_to_try_again_and_keeps_the_answers(app, client, survey, places, monkeypatch):
    """A write that waited ENGAGE_SQLITE_BUSY_SECONDS for another is a 503 "try again" page
    carrying the answers, never a 500; pressing "Try again" saves them. The other write is a
    real second connection holding SQLite's write lock, so the outcome does not depend on luck."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock: PostgreSQL writers wait on row locks, not a database lock")
    monkeypatch.setenv("ENGAGE_SQLITE_BUSY_SECONDS", "0.2")
    survey_id, page = survey.id, f"/surveys/{survey.id}/page/0"
    ward, use = survey.q["ward"].id, survey.q["use"].id
    never, mill = str(opt(survey.q["use"], "Never").id), str(places["mill"].id)
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # new connections wait 0.2 s
    assert client.post(f"/surveys/{survey_id}").status_code == 302
    blocker = sqlite3.connect(db.engine.url.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another write in progress
    try:
        response = client.post(page, data={f"q{ward}": mill, f"q{use}": never})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert "The service is very busy just now, so nothing has been saved yet" in html
    fields = dict(busy_page_fields(html))
    assert fields == {f"q{ward}": mill, f"q{use}": never}
    assert f'action="{page}"' in html
    draft = lambda: db.session.scalar(select(SurveyResponse.draft).where(SurveyResponse.survey_id == survey_id)) or {}  # noqa: E731
    assert str(ward) not in draft()  # nothing saved
    again = client.post(page, data=fields)
    assert again.status_code == 302
    db.session.remove()
    saved = draft()
    assert saved[str(ward)] == int(mill) and saved[str(use)]["o"] == [int(never)]


def test_fifty_concurrent_respondents_lose_nothing(app, survey, places):
    from werkzeug.serving import make_server

    info = {"id": survey.id, "ward": survey.q["ward"].id, "use": survey.q["use"].id}
    never = opt(survey.q["use"], "Never").id
    wards = [places["castle"].id, places["mill"].id, places["bridge"].id]
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    barrier = threading.Barrier(PEOPLE)
    try:
        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            futures = [pool.submit(_journey, base, info, wards[n % 3], never, barrier) for n in range(PEOPLE)]
            acknowledged = [f.result() for f in futures]
    finally:
        server.shutdown()
    db.session.remove()
    confirmed = [ref for ref in acknowledged if ref]
    assert len(confirmed) == PEOPLE, f"{PEOPLE - len(confirmed)} people were not told their answers were saved"
    stored = set(db.session.scalars(select(SurveyResponse.reference).where(SurveyResponse.status == "complete")))
    assert set(confirmed) <= stored and len(stored) == PEOPLE
    # Two answers each (ward and park use), none doubled.
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 2 * PEOPLE
