"""Sending email through SMTP settings; with no MAIL_SERVER the message goes to the log.

``send_mail`` sends at once. ``queue_mail`` is for services: the message waits on the
database session and is sent only after the transaction commits (nothing is sent for work
that is rolled back). Mail to residents is marked ``personal``: its address is never logged.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import Flask, current_app, has_request_context, url_for

_QUEUE = "engage_mail_queue"


def external_url(endpoint: str, **values) -> str:
    """A full web address for an email, in a request or from the command line (where the
    site's address comes from ENGAGE_BASE_URL)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("ENGAGE_BASE_URL") or "http://localhost:5000"
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def path_for(endpoint: str, **values) -> str:
    """A site-relative address, in a request or not."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send_message(message: EmailMessage, personal: bool = False) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        to = "(a resident)" if personal else message["To"]
        current_app.logger.warning("Email not sent (no MAIL_SERVER set). To: %s\nSubject: %s\n\n%s", to, message["Subject"],
                                   "(not shown)" if personal else message.get_content())
        current_app.extensions.setdefault("engage_outbox", []).append(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def send_mail(to: str, subject: str, body: str, personal: bool = False) -> None:
    send_message(_message(to, subject, body), personal=personal)


def queue_mail(to: str, subject: str, body: str, personal: bool = False) -> None:
    """Send this message once the current transaction commits."""
    from ..extensions import db

    db.session.info.setdefault(_QUEUE, []).append((_message(to, subject, body), personal))


def _after_commit(session) -> None:
    queued = session.info.pop(_QUEUE, None)
    if not queued:
        return
    failed = 0
    for message, personal in queued:
        try:
            send_message(message, personal=personal)
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            current_app.logger.error("Email could not be sent (%s): %s", type(error).__name__, message["Subject"])
    if failed:
        current_app.logger.error("%d of %d emails could not be sent", failed, len(queued))


def _after_rollback(session) -> None:
    session.info.pop(_QUEUE, None)


def init_app(app: Flask) -> None:
    from sqlalchemy import event

    from ..extensions import db

    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)
