"""Email through an outbox: stored with the change, sent by background work, once.

``queue_mail(to, subject, body, key=...)`` stores the message in the ``mail_outbox`` table in
the current transaction: work that is rolled back stores (and sends) nothing, and ``key``
("which email for which event", e.g. ``report-released:7:coordinator:3``) is unique, so two
processes making the same move store it once (the second insert does nothing). Without a key
each call is a message of its own.

Sending never happens inside a visitor's request. After a commit that stored mail, a
"send the mail that is due" job goes on the queue (engage/core/queue.py: the web process's
runner thread, or ``flask --app wsgi engage worker``; it queues itself again for the next
retry); ``flask --app wsgi engage send-mail`` does the same from cron or a systemd timer. Both take messages with a
compare-and-set claim on the row (a lease of ``ENGAGE_MAIL_LEASE_SECONDS``), so two senders
(threads, processes, machines) never send the same message twice; a sender that dies
mid-send lets its lease run out and the message is tried again.

A message the server does not accept is tried again later (after 1, 2, 4 ... minutes, at most
6 hours apart, ``ENGAGE_MAIL_RETRY_SECONDS``); after ``ENGAGE_MAIL_GIVE_UP_DAYS`` days of
failing, or a permanent refusal (a 5xx answer), it is given up. ``summary()`` counts what is
waiting, failing and given up (officers see it on their dashboard).

``after="name"`` with ``data={...}`` runs the handler registered with
``on_finished("name", handler)`` once the message is accepted (``handler(SENT, data)``) or
given up (``handler(GIVEN_UP, data)``), in the same transaction that records it: a resident's
"tell me what happens next" address is deleted only then (engage/sharing/notices.py).

Privacy: the body of every sent message is blanked (reset and invitation links); a personal
message (to a resident) also loses its address once sent or given up, and a resident's address
never reaches the log; a staff member's address goes ``ENGAGE_MAIL_KEEP_DAYS`` after
(``forget_addresses``, run by ``purge-expired``). With no ``MAIL_SERVER`` (local use) messages go to the log instead.
"""
from __future__ import annotations

import secrets
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import case, func, or_, select, update

from .forms import one_line
from .metrics import MAIL_FAILED, MAIL_SENT
from .urls import external_url, path_for  # noqa: F401  (the one public address)

WAITING, SENT, GIVEN_UP = "waiting", "sent", "given-up"
_STORED = "engage_mail_stored"
_HANDLERS = "engage_mail_handlers"
_LOGGED = "engage_outbox"          # messages "sent" to the log (no MAIL_SERVER), newest last


def _config(name: str, default):
    return current_app.config.get(name, default)


# ---- storing -----------------------------------------------------------------------------

def queue_mail(to: str, subject: str, body: str, personal: bool = False, *, key: str | None = None,
               topic: str | None = None, after: str | None = None, data: dict | None = None,
               headers: dict | None = None) -> bool:
    """Store this message in the outbox, in the current transaction; it is sent after the
    commit. False when a message with the same ``key`` is already stored."""
    from ..extensions import db
    from .models import OutboxMessage, utcnow

    values = {
        "key": key or f"once:{secrets.token_hex(16)}", "to_address": one_line(to).strip(),
        "subject": one_line(subject).strip()[:500], "body": body, "personal": bool(personal),
        "topic": topic, "after": after, "data": data, "headers": headers, "state": WAITING,
        "attempts": 0, "next_try_at": utcnow(), "created_at": utcnow(),
    }
    table = OutboxMessage.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
    stored = db.session.execute(statement).first() is not None
    if stored:
        db.session.info[_STORED] = True
    return stored


def send_mail(to: str, subject: str, body: str, personal: bool = False, **options) -> bool:
    """Old name: the message is stored in the outbox like ``queue_mail`` (commit to send)."""
    return queue_mail(to, subject, body, personal, **options)


def on_finished(name: str, handler: Callable[[str, dict], None], app: Flask | None = None) -> None:
    """Register ``handler(outcome, data)`` for messages queued with ``after=name``."""
    (app or current_app).extensions.setdefault(_HANDLERS, {})[name] = handler


# ---- sending -----------------------------------------------------------------------------

def _message(row) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = one_line(row.to_address).strip()
    message["Subject"] = one_line(row.subject).strip()   # a title with a line break never breaks a header
    for name, value in (row.headers or {}).items():
        message[one_line(name).strip()] = one_line(str(value)).strip()
    message.set_content(row.body or "")
    return message


class _Connection:
    """One SMTP connection for a run of messages, opened when first needed."""

    def __init__(self):
        self.smtp = None

    def send(self, message: EmailMessage, personal: bool) -> None:
        config = current_app.config
        if not config.get("MAIL_SERVER"):
            # Local use only. No address reaches the log; a staff message's words (a reset or
            # invitation link a developer needs) are shown only outside production.
            show = not personal and config.get("ENGAGE_ENV") != "production"
            current_app.logger.warning("Email not sent (no MAIL_SERVER set). To: %s\nSubject: %s\n\n%s",
                                       "(a resident)" if personal else "(a member of staff)",
                                       message["Subject"] if show else "(not shown)",
                                       message.get_content() if show else "(not shown)")
            current_app.extensions.setdefault(_LOGGED, []).append(message)
            return
        if self.smtp is None:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
            try:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        try:
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPServerDisconnected):
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def _permanent(error: Exception) -> bool:
    """A 5xx answer: the server will never take this message (a wrong address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _describe(error: Exception) -> str:
    """What went wrong, without an address in it (a server's answer often quotes the address,
    so only its code is kept)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "SMTPRecipientsRefused: " + ", ".join(str(code) for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPException):
        return type(error).__name__
    return f"{type(error).__name__}: {error}"[:300]


def _finish(row, outcome: str, now) -> None:
    from ..extensions import db

    row.state = outcome
    row.finished_at = now
    row.claimed_by = None
    row.lease_until = None
    row.body = ""
    if row.personal:
        row.to_address = ""
    if row.after:
        handler = current_app.extensions.get(_HANDLERS, {}).get(row.after)
        if handler is None:
            current_app.logger.error("No mail handler %r for outbox message %s", row.after, row.id)
        else:
            handler(outcome, dict(row.data or {}))
    db.session.flush()


def send_due(limit: int | None = None) -> dict:
    """Send every message that is due, claiming each first; returns counts
    (``sent``, ``failed``, ``given_up``). Safe to run in any number of processes at once."""
    from ..extensions import db
    from .models import OutboxMessage, utcnow

    me = secrets.token_hex(8)
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    lease = timedelta(seconds=int(_config("ENGAGE_MAIL_LEASE_SECONDS", 300)))
    retry = int(_config("ENGAGE_MAIL_RETRY_SECONDS", 60))
    give_up = timedelta(days=give_up_days())
    connection = _Connection()
    table = OutboxMessage.__table__
    done = 0
    try:
        while limit is None or done < limit:
            now = utcnow()
            free = or_(table.c.lease_until.is_(None), table.c.lease_until < now)
            ids = db.session.scalars(select(table.c.id).where(table.c.state == WAITING, table.c.next_try_at <= now, free)
                                     .order_by(table.c.id).limit(50)).all()
            db.session.commit()
            if not ids:
                break
            server_down = False
            for message_id in ids:
                now = utcnow()
                # The claim: of any number of senders, exactly one changes the row.
                claimed = db.session.execute(
                    update(table).where(table.c.id == message_id, table.c.state == WAITING,
                                        or_(table.c.lease_until.is_(None), table.c.lease_until < now))
                    .values(claimed_by=me, lease_until=now + lease)).rowcount
                db.session.commit()
                if not claimed:
                    continue
                row = db.session.get(OutboxMessage, message_id, populate_existing=True)
                done += 1
                try:
                    connection.send(_message(row), row.personal)
                except Exception as error:  # noqa: BLE001  (anything: tried again later, never lost)
                    db.session.rollback()
                    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
                    now = utcnow()
                    row.attempts += 1
                    row.first_failed_at = row.first_failed_at or now
                    row.last_error = _describe(error)
                    if _permanent(error) or now - row.first_failed_at >= give_up:
                        _finish(row, GIVEN_UP, now)
                        counts["given_up"] += 1
                    else:
                        row.claimed_by = None
                        row.lease_until = None
                        row.next_try_at = now + timedelta(seconds=min(retry * 2 ** (row.attempts - 1), 6 * 3600))
                        counts["failed"] += 1
                    # The row's id and topic only: a subject can name a person.
                    current_app.logger.error("Email %s (%s) not sent (%s, attempt %d, %s)", row.id, row.topic or "no topic",
                                             row.last_error, row.attempts, row.state)
                    MAIL_FAILED.labels(outcome="given_up" if row.state == GIVEN_UP else "retry").inc()
                    db.session.commit()
                    server_down = not isinstance(error, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused))
                    if server_down and row.state == WAITING:
                        # The server is not answering: every other message due now waits for
                        # the same retry (counted as a failed try), instead of each timing out.
                        db.session.execute(
                            update(table).where(table.c.state == WAITING, table.c.next_try_at <= now,
                                                or_(table.c.lease_until.is_(None), table.c.lease_until < now))
                            .values(attempts=table.c.attempts + 1, next_try_at=row.next_try_at, last_error=row.last_error,
                                    first_failed_at=func.coalesce(table.c.first_failed_at, now)))
                        db.session.commit()
                        break
                    continue
                try:
                    _finish(row, SENT, utcnow())
                    db.session.commit()
                except Exception:  # noqa: BLE001  (it was sent: record that, whatever the handler did)
                    current_app.logger.exception("Email %s was sent, but what follows it failed", message_id)
                    db.session.rollback()
                    db.session.execute(update(table).where(table.c.id == message_id).values(
                        state=SENT, finished_at=utcnow(), claimed_by=None, lease_until=None, body="",
                        to_address="" if row.personal else table.c.to_address))
                    db.session.commit()
                counts["sent"] += 1
                MAIL_SENT.inc()
            if server_down:
                break
    finally:
        connection.close()
        db.session.commit()
    return counts


def summary(topic: str | None = None) -> dict:
    """How many messages are ``waiting`` (of which ``failing``: tried and not yet accepted),
    ``sent`` and ``given_up`` (for one topic, or all)."""
    from ..extensions import db
    from .models import OutboxMessage

    table = OutboxMessage.__table__
    tried = func.sum(case((table.c.attempts > 0, 1), else_=0))
    query = select(table.c.state, func.count(), tried).group_by(table.c.state)
    if topic is not None:
        query = query.where(table.c.topic == topic)
    out = {"waiting": 0, "failing": 0, "sent": 0, "given_up": 0}
    for state, count, failing in db.session.execute(query):
        if state == WAITING:
            out["waiting"] = count
            out["failing"] = int(failing or 0)
        elif state == SENT:
            out["sent"] = count
        elif state == GIVEN_UP:
            out["given_up"] = count
    return out


def give_up_days() -> float:
    """How many days a message is tried before it is given up (``ENGAGE_MAIL_GIVE_UP_DAYS``)."""
    return float(_config("ENGAGE_MAIL_GIVE_UP_DAYS", 3))


def troubled(limit: int = 50) -> list:
    """Messages not accepted yet after a try (``failing``, next try first) and the newest given
    up, at most ``limit`` of each: (failing, given_up) lists of outbox rows. What officers see
    on the background work page; a resident's address is never kept once a message is given
    up, and a failing one's is not shown (``personal``)."""
    from ..extensions import db
    from .models import OutboxMessage

    failing = db.session.scalars(select(OutboxMessage)
                                 .where(OutboxMessage.state == WAITING, OutboxMessage.attempts > 0)
                                 .order_by(OutboxMessage.next_try_at, OutboxMessage.id).limit(limit)).all()
    given_up = db.session.scalars(select(OutboxMessage).where(OutboxMessage.state == GIVEN_UP)
                                  .order_by(OutboxMessage.finished_at.desc(), OutboxMessage.id.desc()).limit(limit)).all()
    return failing, given_up


def next_due_in() -> float | None:
    """Seconds until the next waiting message is due (0 if now); None when nothing waits."""
    from ..extensions import db
    from .models import OutboxMessage, utcnow

    table = OutboxMessage.__table__
    soonest = db.session.scalar(select(func.min(table.c.next_try_at)).where(table.c.state == WAITING))
    if soonest is None:
        return None
    return max(0.0, (soonest - utcnow()).total_seconds())


# ---- sending as a job on the queue ----------------------------------------------------------

SEND_KEY = "mail.send"   # the queue's name for "send the mail that is due" (one waits at a time)


def _next_attempt_in() -> float | None:
    """Seconds until a waiting message can next be tried: its retry time, or the end of the
    lease of a sender that took it and died. None when nothing waits."""
    from ..extensions import db
    from .models import OutboxMessage, utcnow

    table = OutboxMessage.__table__
    later = case((table.c.lease_until > table.c.next_try_at, table.c.lease_until), else_=table.c.next_try_at)
    soonest = db.session.scalar(select(func.min(later)).where(table.c.state == WAITING))
    db.session.commit()
    if soonest is None:
        return None
    return max(0.0, (soonest - utcnow()).total_seconds())


def send_job() -> None:
    """The queue's job: send what is due (``send_due``: each message claimed once, so two
    senders never send one twice), then queue itself for when the next retry falls due."""
    from . import queue

    send_due()
    later = _next_attempt_in()
    if later is not None:
        queue.enqueue(send_job, key=SEND_KEY, label="Send the emails that are due", delay=max(1.0, later), now=True)


def wake(app: Flask | None = None) -> int | None:
    """Queue a pass of the sender now (after a commit that stored mail)."""
    from . import queue

    return queue.enqueue(send_job, key=SEND_KEY, label="Send the emails that are due", now=True)


def wait_idle(app: Flask | None = None, timeout: float = 60.0) -> bool:
    """Wait until every pass of the sender queued so far (and due now) has run: the mail
    stored before this call has been sent, or failed and waits for its retry."""
    from . import queue

    app = app or current_app._get_current_object()
    if not app.config.get("ENGAGE_MAIL_BACKGROUND", True):
        return True
    return queue.wait_for(SEND_KEY, timeout, app)


def _after_commit(session) -> None:
    if session.info.pop(_STORED, None) and current_app.config.get("ENGAGE_MAIL_BACKGROUND", True):
        wake()


def _after_rollback(session) -> None:
    session.info.pop(_STORED, None)


def forget_addresses(now=None, echo=lambda message: None) -> int:
    """``purge-expired``: a staff member's address on an email sent or given up more than
    ``ENGAGE_MAIL_KEEP_DAYS`` days ago (90 by default) is deleted (a resident's is deleted as
    soon as the message is sent or given up). The row stays, with its subject and outcome,
    because its key is what stops the same email being stored again."""
    from ..extensions import db
    from .models import OutboxMessage, utcnow

    now = now or utcnow()
    before = now - timedelta(days=float(_config("ENGAGE_MAIL_KEEP_DAYS", 90)))
    table = OutboxMessage.__table__
    done = db.session.execute(update(table).where(
        table.c.state.in_((SENT, GIVEN_UP)), table.c.finished_at < before, table.c.to_address != "")
        .values(to_address="")).rowcount or 0
    if done:
        echo(f"Deleted the address on {done:,} old emails.")
    return done


def init_app(app: Flask) -> None:
    from sqlalchemy import event

    from ..extensions import db
    from .registry import purges

    purges.register("addresses on old emails", forget_addresses, app)   # part of purge-expired

    app.config.setdefault("ENGAGE_MAIL_BACKGROUND", True)
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)
