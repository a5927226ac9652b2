"""Sending email through SMTP settings; with no MAIL_SERVER the message goes to the log.

``send_mail`` sends at once. ``queue_mail`` is for services: the message waits on the
database session and is sent only after the transaction commits (nothing is sent for work
that is rolled back). Mail to residents is marked ``personal``: its address is never logged.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import Flask, current_app

from .forms import one_line
from .urls import external_url, path_for  # noqa: F401  (the one public address)

_QUEUE = "engage_mail_queue"


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = one_line(to).strip()
    message["Subject"] = one_line(subject).strip()   # a title with a line break never breaks a header
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
        except Exception as error:  # a failing email never fails a page
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
