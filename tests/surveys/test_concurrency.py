"""Fifty residents answering at the same moment through a real threaded server on the test
database (SQLite, or PostgreSQL with TEST_DATABASE_URL): every answer they were told is
saved is in the database, once. (Killing a web worker mid-load is measured by
bench/survey_submit.py, which runs gunicorn.)"""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

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

    def post(path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with opener.open(base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read()

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
