"""Logs an operator can use (engage/core/logs.py): JSON lines with a request id on every one,
the id on error pages and in the X-Request-ID header, background work with its job id, and
no personal data anywhere in them, even at DEBUG."""
from __future__ import annotations

import io
import json
import logging
import re
import socket

import pytest

from engage.core import logs, mail
from engage.extensions import db
from tests.conftest import QUIET_LOGGERS, make_app, running
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401

EMAIL = "jo.resident@example.net"
PHONE = "07700 900461"
FREE_TEXT = "my neighbour at number forty two leaves rubbish"
REFERENCE = re.compile(r"quote this reference: <strong class=\"engage-reference\">([A-Za-z0-9._-]+)</strong>")


@pytest.fixture
def app(_schema, tmp_path):
    """The suite's app, logging JSON at DEBUG (every logger) into a buffer we can read."""
    with running(make_app(_schema, tmp_path, ENGAGE_LOG_FORMAT="json", ENGAGE_LOG_LEVEL="DEBUG")) as app:
        handler = app.extensions["engage_log_handler"]
        app.log_buffer = io.StringIO()
        old = handler.setStream(app.log_buffer)
        # Every logger at DEBUG, the ones tests/conftest.py quiets (huey, the test mail server) too.
        quiet = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
        for name in quiet:
            logging.getLogger(name).setLevel(logging.NOTSET)
        try:
            yield app
        finally:
            for name, level in quiet.items():
                logging.getLogger(name).setLevel(level)
            handler.setStream(old)
            app.config.update(ENGAGE_LOG_LEVEL="INFO")
            logs.configure(app)   # the levels every other test runs with


def lines(app) -> list[dict]:
    text = app.log_buffer.getvalue()
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:  # a traceback's lines belong to the object before; JSON keeps them in one line
            raise AssertionError(f"a log line that is not JSON: {line!r}")
    return out


def test_every_line_is_json_with_the_request_id_shown_on_the_error_page(app, client):
    page = client.get("/consultations/999999999")
    assert page.status_code == 404
    shown = REFERENCE.search(page.get_data(as_text=True)).group(1)
    assert page.headers["X-Request-ID"] == shown
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    records = lines(app)
    mine = [r for r in records if r.get("request_id") == shown]
    assert mine, records[-5:]
    line = next(r for r in mine if r["logger"] == "engage.request")
    # One line per request: the route's pattern and name, never the address typed.
    assert line["route"] == "/consultations/<int:consultation_id>" and line["status"] == 404
    assert line["level"] == "INFO" and "time" in line and line["duration_ms"] >= 0
    # Each request its own id.
    again = client.get("/consultations/999999999")
    assert again.headers["X-Request-ID"] != shown


def test_a_proxys_request_id_is_believed_only_from_a_trusted_proxy_and_only_when_plain(app, client):
    sent = "5f0c6a1e9b2d4c8fa1b2c3d4e5f60718"
    assert client.get("/", headers={"X-Request-ID": sent}).headers["X-Request-ID"] != sent  # no proxy trusted
    app.config["ENGAGE_TRUSTED_PROXIES"] = 1
    assert client.get("/", headers={"X-Request-ID": sent}).headers["X-Request-ID"] == sent
    for bad in ("short", "x" * 65, "a b c d e f g h", "abcdefgh\"}{\"level", "<script>alert(1)</script>"):
        answer = client.get("/", headers={"X-Request-ID": bad})
        assert answer.headers["X-Request-ID"] != bad and re.fullmatch(r"[0-9A-Z-]{14}", answer.headers["X-Request-ID"])


def test_error_pages_quote_the_reference(app, client, login):
    # 400 (a bad id), 403 (a signed-in person without the role), 500 (something broke), 503 (busy).
    from werkzeug.exceptions import BadRequest

    @app.route("/_test/broken/<token>")
    def broken(token):
        raise RuntimeError("planted failure")

    @app.route("/_test/bad")
    def bad():
        raise BadRequest()

    @app.route("/_test/busy")
    def busy():
        from sqlalchemy.exc import OperationalError

        raise OperationalError("UPDATE x", {}, Exception("database is locked"))

    @app.route("/_test/moved")
    def moved():
        from engage.core.transitions import AlreadyMoved

        raise AlreadyMoved("Someone else has just published this.")

    for path, status in (("/_test/bad", 400), ("/_test/broken/secret-token-77", 500), ("/_test/busy", 503), ("/_test/moved", 409),
                         ("/no-such-page", 404), ("/set-up-account/not-a-real-token", 400)):
        page = client.get(path)
        assert page.status_code == status
        shown = REFERENCE.search(page.get_data(as_text=True))
        assert shown and shown.group(1) == page.headers["X-Request-ID"], path
    # The 500's log lines (the traceback included) carry the id the resident was shown.
    page = client.get("/_test/broken/secret-token-77")
    shown = page.headers["X-Request-ID"]
    failure = next(r for r in lines(app) if r.get("request_id") == shown and r["level"] == "ERROR" and r["logger"] != "engage.request")
    assert "planted failure" in failure.get("exc_info", "")
    # The route's pattern, never the address typed (a token in it stays out of the log).
    assert failure["message"] == "Unhandled error on /_test/broken/<token>"
    assert "secret-token-77" not in app.log_buffer.getvalue()
    login("practitioner")
    refused = client.get("/admin/accounts")
    assert refused.status_code == 403 and REFERENCE.search(refused.get_data(as_text=True))


def test_background_work_logs_with_its_job_id(app):
    from engage.core.jobs import Background

    background = Background()

    def work():
        logging.getLogger("engage.test").warning("working on it")

    background.in_background(app, "abcdefgh12345678", work, name="test-work")
    background.wait("abcdefgh12345678", timeout=30)
    line = next(r for r in lines(app) if r.get("message") == "working on it")
    assert line["job_id"] == "test-work-abcdefgh" and line["request_id"] is None


class _Refusing:
    """A mail server that refuses the first message for good (550, quoting the address as
    real servers do) and puts off the next (451)."""

    def __init__(self):
        self.seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.seen += 1
        if self.seen == 1:
            return f"550 5.1.1 <{address}>: Recipient address rejected: {PHONE}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return f"451 4.7.1 <{envelope.rcpt_tos[0]}> greylisted, try again later"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_personal_data_in_the_logs(app, client, survey):
    """A survey answered through the real app with an email address, a phone number and free
    text, then mail to that address that the server refuses, and a mail server that is down:
    none of it appears in any log line, at DEBUG, from any logger of the app."""
    from aiosmtpd.controller import Controller

    q = survey.q
    client.post(f"/surveys/{survey.id}", data={})
    from engage.partnership.models import Area
    from sqlalchemy import select

    castle = db.session.scalar(select(Area).where(Area.name == "Castle"))
    often = opt(q["use"], "Often").id
    other = opt(q["problems"], "Other, please say").id
    assert client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(castle.id),
                                                               f"q{q['use'].id}": str(often)}).status_code == 302
    client.post(f"/surveys/{survey.id}/page/1", data={f"q{q['rate'].id}": "8"})
    assert client.post(f"/surveys/{survey.id}/page/2", data={
        f"q{q['problems'].id}": [str(other)], f"q{q['problems'].id}-text-{other}": f"Call me on {PHONE}",
        f"q{q['comment'].id}": f"{FREE_TEXT}. Email me at {EMAIL} or ring {PHONE}"}).status_code == 302
    sent = client.post(f"/surveys/{survey.id}/check", data={"email": EMAIL})
    assert sent.status_code == 303
    # The same address sent again, badly typed (a form error) and with a phone number.
    client.post(f"/surveys/{survey.id}/check", data={"email": f"{EMAIL} {PHONE}"})

    # Mail to that address: refused for good, then put off, then the server is down.
    handler = _Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, MAIL_USERNAME="")
        mail.queue_mail(EMAIL, f"Your answers, {PHONE}", f"Hello. You said: {FREE_TEXT}", personal=True)
        mail.queue_mail(EMAIL, f"Reminder for {EMAIL}", f"You said: {FREE_TEXT}", personal=True)
        db.session.commit()
        assert mail.wait_idle(app, timeout=60)
    finally:
        controller.stop()
    app.config.update(MAIL_PORT=_free_port())   # nothing listens there: the server is down
    mail.queue_mail(EMAIL, f"Results for {EMAIL}", FREE_TEXT, personal=True)
    db.session.commit()
    assert mail.wait_idle(app, timeout=60)
    counts = mail.summary()
    assert counts["given_up"] == 1 and counts["failing"] >= 1, counts

    records = lines(app)
    assert len(records) > 20
    # The refusals were logged (by message id), so the scan below read real failure lines.
    failures = [r for r in records if r["logger"] == "flask.app" or r["logger"].startswith("engage")]
    assert sum("not sent" in r["message"] for r in failures) >= 2
    assert any(r["logger"].startswith("sqlalchemy.engine") for r in records)  # DEBUG reached the libraries too
    # The test's own mail server (aiosmtpd, "mail.log") is another program's log, not Engage's.
    ours = [r for r in records if not r["logger"].startswith("mail.log")]
    text = "\n".join(json.dumps(r) for r in ours)
    for secret in (EMAIL, EMAIL.split("@")[0], PHONE, PHONE.replace(" ", ""), FREE_TEXT, "neighbour"):
        hits = [r for r in ours if secret in json.dumps(r)]
        assert not hits, f"{secret!r} in the log: {hits[:2]}"
    assert "jo.resident" not in text


def test_a_rate_limit_line_names_no_address(_schema, tmp_path):
    """Flask-Limiter logs the key it counts by (a visitor's address) when a limit is hit:
    the line stays, the key is hidden."""
    with running(make_app(_schema, tmp_path, ENGAGE_LOG_FORMAT="json", RATELIMIT_ENABLED=True,
                          ENGAGE_LOGIN_LIMIT="1 per minute")) as app:
        handler = app.extensions["engage_log_handler"]
        app.log_buffer = io.StringIO()
        old = handler.setStream(app.log_buffer)
        try:
            client = app.test_client()
            for _ in range(3):
                client.post("/sign-in", data={"email": EMAIL, "password": "wrong"},
                            environ_base={"REMOTE_ADDR": "203.0.113.77"})
        finally:
            handler.setStream(old)
        records = lines(app)
        hit = [r for r in records if r["logger"] == "flask-limiter"]
        assert hit and "exceeded" in hit[0]["message"]
        assert not [r for r in records if "203.0.113.77" in json.dumps(r) or EMAIL in json.dumps(r)]
