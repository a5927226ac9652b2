"""The mail outbox (engage/core/mail.py) against a real SMTP server (aiosmtpd): mail is stored
with the change and sent by background work; a resident's hear-back address is deleted, and
counted as told, only once the server has accepted its email; two senders at once send each
message exactly once; work rolled back stores nothing; a key stores an email once."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from engage.core import mail
from engage.core.models import OutboxMessage, utcnow
from engage.extensions import db
from tests.mail_support import _free_port
from tests.sharing.support import answer_everything, make_report, publish


def _contact(world, email="resident.three@example.net", key="abc123"):
    from engage.surveys.models import Survey, SurveyContact

    survey = db.session.scalar(select(Survey).where(Survey.consultation_id == world["consultation"].id))
    if survey is None:
        survey = Survey(consultation_id=world["consultation"].id, title="Litter survey online", code="LITTER01")
        db.session.add(survey)
        db.session.flush()
    db.session.add(SurveyContact(survey_id=survey.id, consultation_id=world["consultation"].id, key=key, email=email))
    db.session.commit()
    return SurveyContact


def _contacts() -> int:
    from engage.surveys.models import SurveyContact

    return db.session.scalar(select(func.count()).select_from(SurveyContact))


def _all_due_now():
    db.session.execute(update(OutboxMessage.__table__).where(OutboxMessage.state == mail.WAITING).values(next_try_at=utcnow()))
    db.session.commit()


def test_server_down_deletes_nothing_and_the_message_arrives_when_it_is_back(app, world, smtp):
    _contact(world)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _free_port()          # the mail server is down
    report = publish(world, make_report(world))
    answer_everything(world, report)                 # the second message is queued too
    mail.wait_idle(app)
    assert smtp.messages == []
    assert _contacts() == 1                          # nothing deleted
    db.session.refresh(report)
    assert report.residents_told == 0                # nobody told
    counts = mail.summary()
    assert counts["waiting"] == counts["failing"] > 0 and counts["sent"] == 0      # all tried, none lost
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.personal.is_(True)))
    assert row.attempts == 1 and row.next_try_at > utcnow() and "resident" not in (row.last_error or "")
    # The server is back; the retry falls due; the command-line sender delivers.
    app.config["MAIL_PORT"] = port
    _all_due_now()
    assert mail.send_due()["sent"] == counts["waiting"]
    assert len(smtp.to("resident.three@example.net")) == 2 and len(smtp.messages) == counts["waiting"]
    assert _contacts() == 0                          # deleted once the second was accepted
    db.session.refresh(report)
    assert report.residents_told == 1
    db.session.refresh(row)
    assert row.state == mail.SENT and row.to_address == "" and row.body == ""   # the address is not kept
    assert mail.send_due()["sent"] == 0              # never twice


def test_after_the_stated_days_the_address_is_deleted_and_the_failure_shown(app, world, smtp, client, login):
    _contact(world)
    app.config.update(MAIL_PORT=_free_port(), ENGAGE_MAIL_GIVE_UP_DAYS=2)
    report = publish(world, make_report(world))
    answer_everything(world, report)
    mail.wait_idle(app)
    assert _contacts() == 1
    login("officer")
    subjects = {row.subject for row in db.session.scalars(select(OutboxMessage))}
    page = client.get("/admin/background-work").get_data(as_text=True)
    failing = page.split('id="mail-failing"', 1)[1].split("</table>", 1)[0]
    assert subjects and all(subject in failing for subject in subjects)
    assert "a resident" in failing and "resident.three@example.net" not in page
    assert 'id="no-mail-given-up"' in page
    # Two days of failing later.
    db.session.execute(update(OutboxMessage.__table__).values(first_failed_at=utcnow() - timedelta(days=2, minutes=1)))
    db.session.commit()
    _all_due_now()
    waiting = mail.summary()["waiting"]
    assert mail.send_due()["given_up"] == waiting > 0
    assert _contacts() == 0
    db.session.refresh(report)
    assert report.residents_told == 0
    assert mail.summary()["given_up"] == waiting
    assert db.session.scalar(select(func.count()).where(OutboxMessage.to_address == "resident.three@example.net")) == 0
    account = client.get("/account").get_data(as_text=True)
    assert f"{waiting} given up after 2 days of trying" in account and "See which emails and why" in account
    page = client.get("/admin/background-work").get_data(as_text=True)
    given_up = page.split('id="mail-given-up"', 1)[1].split("</table>", 1)[0]
    assert all(subject in given_up for subject in subjects) and given_up.count("<tr") == waiting + 1
    assert "resident.three@example.net" not in page and 'id="no-mail-failing"' in page


def test_two_senders_at_once_send_each_message_exactly_once(app, world, smtp):
    app.config["ENGAGE_MAIL_BACKGROUND"] = False     # only the two senders below
    for n in range(40):
        mail.queue_mail(f"person{n}@example.net", f"Message {n}", "Hello", personal=True)
    db.session.commit()
    start = threading.Barrier(2)
    results, errors = [], []

    def sender():
        with app.app_context():
            try:
                start.wait(timeout=30)
                results.append(mail.send_due())
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    subjects = sorted(str(m["Subject"]) for m in smtp.received)
    assert subjects == sorted(f"Message {n}" for n in range(40))       # each once, none missing
    assert sum(r["sent"] for r in results) == 40
    assert mail.summary()["sent"] == 40


def test_rolled_back_work_stores_nothing_and_a_key_stores_once(app, world, smtp):
    app.config["ENGAGE_MAIL_BACKGROUND"] = False
    assert mail.queue_mail("a@example.net", "Hello", "Body", key="event:1")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert mail.queue_mail("a@example.net", "Hello", "Body", key="event:1")
    db.session.commit()
    assert not mail.queue_mail("a@example.net", "Hello", "Body", key="event:1")   # the same email, same event
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    mail.send_due()
    assert len(smtp.messages) == 1


def test_the_release_stores_each_email_once_when_run_twice(app, world, smtp):
    """The keys hold even if the release's own compare-and-set were bypassed."""
    from engage.sharing import notices

    _contact(world)
    report = publish(world, make_report(world))
    mail.wait_idle(app)
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    report.released_at = None                      # as if a second process had read it unreleased
    db.session.commit()
    notices.release(report)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before
    assert len(smtp.to("resident.three@example.net")) == 1


def test_the_send_mail_command(app, world, smtp, runner):
    app.config["ENGAGE_MAIL_BACKGROUND"] = False
    mail.queue_mail("coordinator@test.example", "Hello", "Body")
    db.session.commit()
    result = runner.invoke(args=["engage", "send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 1;" in result.output
    assert len(smtp.messages) == 1


def test_purge_expired_deletes_staff_addresses_on_old_emails_and_keeps_the_key(app, world, smtp, runner):
    app.config.update(ENGAGE_MAIL_BACKGROUND=False, ENGAGE_MAIL_KEEP_DAYS=90)
    for n in (1, 2, 3):
        mail.queue_mail(f"officer{n}@test.example", f"Report {n} is ready", "Body", key=f"ready:{n}")
    db.session.commit()
    assert mail.send_due()["sent"] == 3
    rows = {row.key: row for row in db.session.scalars(select(OutboxMessage))}
    rows["ready:1"].finished_at = utcnow() - timedelta(days=91)     # sent long ago
    rows["ready:2"].finished_at = utcnow() - timedelta(days=89)     # not yet due to go
    db.session.commit()
    result = runner.invoke(args=["engage", "purge-expired"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    addresses = {row.key: row.to_address for row in db.session.scalars(select(OutboxMessage))}
    assert addresses == {"ready:1": "", "ready:2": "officer2@test.example", "ready:3": "officer3@test.example"}
    # The row (and its key) stays: the same email is still never stored or sent twice.
    mail.queue_mail("officer1@test.example", "Report 1 is ready", "Body", key="ready:1")
    db.session.commit()
    assert mail.send_due()["sent"] == 0 and len(smtp.messages) == 3


def test_every_workflow_email_is_keyed_by_its_move_and_stored_once(app, world, smtp):
    """Each email of a move carries a send-once key (the move and the person): telling the
    same move's people again stores nothing new."""
    from engage.sharing import notices, services
    from engage.sharing.models import ReportTransition

    app.config["ENGAGE_MAIL_BACKGROUND"] = False
    report = make_report(world)
    step = services.transition(world["users"]["practitioner"], report, "submit")
    db.session.commit()
    keys = set(db.session.scalars(select(OutboxMessage.key)))
    assert keys and all(k.startswith(f"report-move:{step.id}:") for k in keys)
    notices.after_move(world["users"]["practitioner"], report, "submit", "", db.session.get(ReportTransition, step.id))
    db.session.commit()
    assert set(db.session.scalars(select(OutboxMessage.key))) == keys
