"""Scheduled work is safe when two nodes run it at once (issue 21): each command that cron or
a systemd timer runs (docs/scheduled-work.md) is run twice at the same moment, in two
threads with their own database sessions and connections (as two machines have), and
nothing is done twice: one reminder, one release, one digest, one purge, each email sent
once."""
from __future__ import annotations

import threading
from datetime import timedelta

from flask.cli import ScriptInfo
from sqlalchemy import func, select

from engage.core import mail
from engage.extensions import db
from tests.consultations.records_support import ref  # noqa: F401  (fixture)
from tests.sharing.support import smtp, world  # noqa: F401  (fixtures)


def twice_at_once(app, command) -> None:
    """Run the command's own code twice at the same moment, each in its own app context."""
    barrier = threading.Barrier(2, timeout=30)
    errors: list = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                command.main([], standalone_mode=False, obj=ScriptInfo(create_app=lambda: app))
            except BaseException as error:  # noqa: BLE001  (reported to the test)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
        assert not thread.is_alive(), f"{command.name} never finished"
    assert errors == [], f"{command.name}: {errors}"
    db.session.expire_all()


def test_send_reminders_and_publish_due_twice_at_once(app, world, smtp):
    from engage.sharing import publish_due_command, send_reminders_command, services
    from engage.sharing.models import ResponseReminder
    from tests.sharing.support import make_report, publish
    from tests.sharing.test_responses import _published

    late = _published(world)
    late.published_at = late.released_at = services.now() - timedelta(weeks=9)
    embargoed = make_report(world, title="Embargoed findings")
    publish(world, embargoed, embargo_until=services.now() + timedelta(seconds=30))
    embargoed.embargo_until = services.now() - timedelta(minutes=1)   # its time has come
    db.session.commit()
    smtp.clear()

    twice_at_once(app, send_reminders_command)
    assert db.session.scalar(select(func.count()).select_from(ResponseReminder)) == 2   # one per partnership, not four
    overdue = [m for m in smtp.messages if m["subject"].startswith("Response overdue")]
    assert len(overdue) == 2 and sorted(m["to"][0] for m in overdue) == ["coord2@test.example",
                                                                        "coordinator@test.example"]

    twice_at_once(app, publish_due_command)
    from engage.core.audit import AuditEvent

    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "FindingsReport", AuditEvent.object_id == embargoed.id,
        AuditEvent.action == "release")) == 1
    assert len(smtp.to("coordinator@test.example", "must respond")) == 1


def test_send_mail_twice_at_once_sends_each_message_once(app, smtp_server):
    from engage.cli import send_mail_command

    app.config["ENGAGE_MAIL_BACKGROUND"] = False      # only the two commands send
    for n in range(12):
        mail.queue_mail(f"person{n}@example.org", f"Message {n}", "Hello")
    db.session.commit()
    twice_at_once(app, send_mail_command)
    subjects = sorted(m["Subject"] for m in smtp_server)
    assert subjects == sorted(f"Message {n}" for n in range(12))   # twelve, not twenty-four
    assert mail.summary()["sent"] == 12


def test_send_follow_updates_twice_at_once_queues_one_digest(app, world, client, smtp_server):
    from engage.follow import send_follow_updates_command
    from tests.follow.test_follow import _answer, _confirm, _follow, _to_me
    from tests.sharing.support import make_report, publish

    _confirm(client, _follow(client, smtp_server, "what=you-said-we-did", cadence="weekly"))
    report = publish(world, make_report(world, title="Parks findings"))
    _answer(world, report)
    db.session.commit()
    assert len(_to_me(smtp_server)) == 1                   # the confirm email: the news waits for the digest
    twice_at_once(app, send_follow_updates_command)
    digests = _to_me(smtp_server)[1:]
    assert [m["Subject"] for m in digests] == ["This week: 2 new things about “You said, we did”"]
