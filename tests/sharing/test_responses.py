"""The partnerships' responses: who may record them, what each needs, when they are due and
late, progress on actions, links to the implementation plan both ways, and reminders (one per
partnership, report and due date, however often the command runs)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engage.core.registry import LinkKind, links
from engage.extensions import db
from engage.sharing import responses, services
from engage.sharing.models import ResponseReminder
from tests.sharing.support import answer, make_report, publish


def _published(world, **kw):
    report = make_report(world, recommendations=("Clean more often", "Tell residents when"), **kw)
    return publish(world, report)


def _answer(world, report, who, partnership, recommendation, **data):
    base = {"status": "planned", "action": "Fortnightly cleaning", "owner": "Street scene manager", "due_on": date(2030, 1, 1)}
    base.update(data)
    return answer(who, report, partnership, recommendation, base)


def test_only_the_partnerships_coordinators_or_officers_respond(world, smtp):
    report = _published(world)
    p, rec = world["partnership"], report.recommendations[0]
    with pytest.raises(services.RuleError, match="Only a coordinator"):
        _answer(world, report, world["other_coordinator"], p, rec)  # coordinates the other partnership
    with pytest.raises(services.RuleError):
        _answer(world, report, world["users"]["practitioner"], p, rec)
    saved = _answer(world, report, world["coordinator"], p, rec)
    assert saved.status_label == "Action planned"
    assert _answer(world, report, world["officer2"], world["second"], rec).partnership_id == world["second"].id


def test_no_response_before_publication(world):
    report = make_report(world)
    with pytest.raises(services.RuleError):
        _answer(world, report, world["coordinator"], world["partnership"], report.recommendations[0])


@pytest.mark.parametrize("data, message", [
    ({"status": "maybe"}, "Select what the partnership decided"),
    ({"status": "not-taken", "reason": ""}, "Say why"),
    ({"status": "taken", "action": ""}, "Describe the action"),
    ({"status": "planned", "owner": ""}, "who owns"),
    ({"link": "plan-action:999"}, "Select something from the list"),
])
def test_each_answer_needs_what_it_needs(world, smtp, data, message):
    report = _published(world)
    with pytest.raises(services.RuleError, match=message):
        _answer(world, report, world["coordinator"], world["partnership"], report.recommendations[0], **data)


def test_late_is_computed_from_the_due_date(app, world, smtp):
    report = _published(world)
    due = responses.due_on(report)
    assert due == (report.published_at + timedelta(weeks=8)).date()
    app.config["ENGAGE_RESPONSE_WEEKS"] = 4
    assert responses.due_on(report) == (report.published_at + timedelta(weeks=4)).date()
    app.config["ENGAGE_RESPONSE_WEEKS"] = 8
    states = lambda today: {i.partnership.name: i.state_on(today) for i in responses.progress(report)}  # noqa: E731
    assert set(states(due).values()) == {"due"}
    assert set(states(due + timedelta(days=1)).values()) == {"late"}
    for rec in report.recommendations:
        _answer(world, report, world["coordinator"], world["partnership"], rec)
    db.session.commit()
    after = states(due + timedelta(days=1))
    assert after == {"Safer Borough Partnership": "done", "Healthy Borough Partnership": "late"}
    # Half an answer is not a response.
    _answer(world, report, world["other_coordinator"], world["second"], report.recommendations[0])
    assert states(due + timedelta(days=1))["Healthy Borough Partnership"] == "late"


def test_reminders_once_per_due_date(app, runner, world, smtp):
    report = _published(world)
    for rec in report.recommendations:
        _answer(world, report, world["coordinator"], world["partnership"], rec)
    db.session.commit()
    smtp.clear()
    report.published_at = report.released_at = services.now() - timedelta(weeks=9)
    db.session.commit()
    for _ in range(3):  # run hourly: one reminder, not a flood
        result = runner.invoke(args=["engage", "send-reminders"])
        assert result.exit_code == 0, result.output
    overdue = [m for m in smtp.messages if m["subject"].startswith("Response overdue")]
    assert [m["to"] for m in overdue] == [["coord2@test.example"]]  # the partnership that answered is not reminded
    assert "0 of 2" in overdue[0]["body"]
    assert db.session.scalar(db.select(db.func.count(ResponseReminder.id))) == 1
    # A new due date (the setting changed) is a new reminder, once.
    app.config["ENGAGE_RESPONSE_WEEKS"] = 6
    runner.invoke(args=["engage", "send-reminders"])
    runner.invoke(args=["engage", "send-reminders"])
    assert len([m for m in smtp.messages if m["subject"].startswith("Response overdue")]) == 2


def test_a_coordinator_gets_one_email_listing_every_late_report(runner, world, smtp):
    reports = [_published(world) for _ in range(3)]
    for report in reports:
        report.published_at = report.released_at = services.now() - timedelta(weeks=9)
    db.session.commit()
    smtp.clear()
    runner.invoke(args=["engage", "send-reminders"])
    mine = smtp.to("coordinator@test.example")
    assert len(mine) == 1 and mine[0]["subject"] == "Responses overdue: 3 findings reports"
    assert all(f"/findings/{r.id}" in mine[0]["body"] for r in reports)


def test_nothing_to_remind_before_the_due_date(runner, world, smtp):
    _published(world)
    result = runner.invoke(args=["engage", "send-reminders"])
    assert "0 reminders sent" in result.output


def test_progress_and_version_conflict(world, smtp):
    from engage.core.concurrency import EditConflict

    report = _published(world)
    rec = report.recommendations[0]
    saved = _answer(world, report, world["coordinator"], world["partnership"], rec)
    db.session.commit()
    loaded_version = saved.version
    answer(world["officer2"], report, world["partnership"], rec,
                            {"status": "planned", "action": "Weekly cleaning", "owner": "Team", "due_on": None}, version=loaded_version)
    db.session.commit()
    assert saved.version > loaded_version
    with pytest.raises(EditConflict):
        answer(world["coordinator"], report, world["partnership"], rec,
                                {"status": "planned", "action": "Daily cleaning", "owner": "Team", "due_on": None}, version=loaded_version)
    db.session.rollback()
    assert db.session.get(type(saved), saved.id).action == "Weekly cleaning"
    update = responses.add_update(world["coordinator"], report, saved, "Started in May", "in-progress")
    db.session.commit()
    assert [u.note for u in saved.updates] == ["Started in May"] and update.author_id == world["coordinator"].id
    with pytest.raises(services.RuleError, match="Enter the progress"):
        responses.add_update(world["coordinator"], report, saved, "  ", "in-progress")


def test_links_to_the_plan_both_ways(app, world, smtp):
    """A response links to a plan action (a kind another capability registers), and the plan
    links to responses through the "findings-response" kind registered here."""
    links.register(LinkKind("plan-action", "Plan action", lambda user: [(5, "Clean streets programme")],
                            lambda tid, user: ("Clean streets programme", "/plan/5") if tid == 5 else None), app)
    report = _published(world)
    rec = report.recommendations[0]
    saved = _answer(world, report, world["coordinator"], world["partnership"], rec, link="plan-action:5")
    db.session.commit()
    assert responses.linked(saved) == ("Clean streets programme", "/plan/5")
    kind = links.get("findings-response")
    assert kind is not None
    assert [cid for cid, _ in kind.choices(world["users"]["officer"])] == [saved.id]
    assert kind.choices(None) == [(saved.id, kind.choices(None)[0][1])]  # public report: anyone may see it
    title, url = kind.resolve(saved.id, None)
    assert "Safer Borough Partnership" in title and url.endswith(f"#response-{saved.id}")
    assert kind.resolve(999, None) is None
    report.visibility = "partners"
    db.session.commit()
    assert kind.resolve(saved.id, None) is None and kind.choices(None) == []
