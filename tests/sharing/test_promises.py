"""Promises kept, or seen to be late (issue 18): responses are drafts until published (and
then nowhere public before), a past due date asks for confirmation, an action past its date
and not done is overdue on every page that shows it, coordinators are reminded once per
stage, and residents who asked to hear back get their second message (in, or late)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engage.core import transitions
from engage.extensions import db
from engage.sharing import notices, responses, services
from engage.sharing.models import Response, StageReminder
from engage.sharing.search import matching_ids
from tests.sharing.support import answer, make_report, publish

YESTERDAY = date.today() - timedelta(days=1)


def _promise(world, report, due=None, publish_it=True, action="Install forty new litter bins", **extra):
    data = {"status": "planned", "action": action, "owner": "Street scene manager",
            "due_on": due or date.today() + timedelta(days=60), "confirm_past_due": True, **extra}
    saved = answer(world["coordinator"], report, world["partnership"], report.recommendations[0], data, publish_it=publish_it)
    db.session.commit()
    return saved


# ---- overdue, computed --------------------------------------------------------------------

def test_overdue_is_a_published_promise_past_its_date_and_not_done(world, smtp):
    report = publish(world, make_report(world))
    saved = _promise(world, report, due=YESTERDAY, publish_it=False)
    assert not saved.overdue_on(date.today())                       # a draft is nobody's promise yet
    responses.publish_response(world["coordinator"], report, saved)
    db.session.commit()
    assert saved.overdue_on(date.today()) and not saved.overdue_on(YESTERDAY)   # due today is not late
    assert saved.stage == "planned"
    responses.add_update(world["coordinator"], report, saved, "Twenty bins in so far", "in-progress")
    db.session.commit()
    assert saved.stage_label == "In progress" and saved.overdue_on(date.today())   # progress is not done
    assert [r.id for r in responses.overdue_actions(report, date.today())] == [saved.id]
    responses.add_update(world["coordinator"], report, saved, "All forty bins are in", "done")
    db.session.commit()
    assert saved.stage == "done" and not saved.overdue_on(date.today())
    with pytest.raises(services.RuleError, match="Say why"):
        responses.add_update(world["coordinator"], report, saved, " ", "not-taken")
    with pytest.raises(services.RuleError, match="how far"):
        responses.add_update(world["coordinator"], report, saved, "Something", "finished-ish")


def test_not_taken_carries_its_reason(world, smtp):
    report = publish(world, make_report(world))
    saved = _promise(world, report, due=YESTERDAY)
    responses.add_update(world["coordinator"], report, saved, "The budget was cut in April", "not-taken")
    db.session.commit()
    assert saved.stage == "not-taken" and saved.stage_reason == "The budget was cut in April"
    assert not saved.overdue_on(date.today())


# ---- a due date in the past asks first ------------------------------------------------------

def test_a_past_due_date_asks_for_confirmation_and_saves_nothing_until_then(world, smtp):
    report = publish(world, make_report(world))
    rec, partnership = report.recommendations[0], world["partnership"]
    data = {"status": "planned", "action": "New bins", "owner": "Team", "due_on": YESTERDAY}
    with pytest.raises(responses.PastDueDate) as caught:
        responses.save_response(world["coordinator"], report, partnership, rec, data)
    assert caught.value.field == "due_on" and "already passed" in str(caught.value)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0
    saved = responses.save_response(world["coordinator"], report, partnership, rec, {**data, "confirm_past_due": True})
    db.session.commit()
    # Changing something else keeps the date it already had: no second question.
    responses.save_response(world["coordinator"], report, partnership, rec, {**data, "action": "Newer bins"}, version=saved.version)
    db.session.commit()
    # An action already taken is not a promise: its date may be in the past.
    responses.save_response(world["other_coordinator"], report, world["second"], rec,
                            {"status": "taken", "action": "Done", "owner": "Team", "due_on": YESTERDAY})


def test_the_form_warns_and_a_second_submit_confirms(client, login, world, smtp):
    report = publish(world, make_report(world))
    rec = report.recommendations[0]
    url = f"/findings/{report.id}/respond/{world['partnership'].id}/{rec.id}"
    login("coordinator")
    past = [str(YESTERDAY.day), str(YESTERDAY.month), str(YESTERDAY.year)]
    data = {"status": "planned", "action": "New bins", "owner": "Team", "due_on": past}
    first = client.post(url, data=data)
    html = first.get_data(as_text=True)
    assert first.status_code == 400 and "govuk-warning-text" in html and 'name="confirm_past_due"' in html
    assert "has already passed" in html and 'href="#due_on' in html          # in the error summary too
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0
    assert client.post(url, data={**data, "confirm_past_due": "y"}).status_code == 302
    assert db.session.scalar(db.select(Response.due_on)) == YESTERDAY


# ---- drafts are nowhere public ------------------------------------------------------------

def test_a_draft_is_nowhere_public_until_the_coordinator_publishes_it(app, client, login, world, smtp):
    report = publish(world, make_report(world))
    draft = _promise(world, report, publish_it=False, action="Zebrafish crossing patrols")
    word = "Zebrafish"

    def seen(who=None):
        login(who)
        pages = [client.get(f"/findings/{report.id}"), client.get("/you-said-we-did"), client.get("/you-said-we-did/feed.atom"),
                 client.get(f"/api/v1/findings/{report.id}"), client.get("/findings/dashboard")]
        return [word in page.get_data(as_text=True) for page in pages]

    assert seen() == [False] * 5
    assert seen("officer")[1:] == [False] * 4        # staff pages show drafts only on the report, to those who answer
    assert matching_ids(word) == []                                              # search
    assert responses.linking_to(responses.PLAN_ACTION, 1, None) == []
    assert all(i.answered == 0 for i in responses.progress(report))             # not counted as an answer
    login("coordinator")
    page = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert word in page and "Not public yet" in page and f"/responses/{draft.id}/publish" in page
    assert client.post(f"/findings/{report.id}/responses/{draft.id}/publish", data={}).status_code == 302
    db.session.expire_all()
    published = db.session.get(Response, draft.id)
    assert published.state == "published" and published.published_by_id == world["coordinator"].id
    assert published.published_at is not None
    assert seen() == [True, True, True, True, False]                             # the board shows counts only
    assert matching_ids(word) == [report.id]
    # Publishing is a move made once: the second click is told it already happened.
    login("coordinator")
    again = client.post(f"/findings/{report.id}/responses/{draft.id}/publish", data={})
    assert again.status_code == 409 and "Someone else has just published this response" in again.get_data(as_text=True)


def test_publish_is_a_compare_and_set_and_only_for_those_who_answer(app, world, smtp):
    from engage.core import events

    heard = []
    for name in (events.RESPONSE_PUBLISHED, events.RESPONSE_PROGRESS):
        events.subscribe(name, lambda name=name, **payload: heard.append((name, payload.get("response_id"))), app)
    report = publish(world, make_report(world))
    draft = _promise(world, report, publish_it=False)
    responses.add_update(world["coordinator"], report, draft, "Bins ordered", "in-progress")
    assert heard == []                                          # a draft, and progress on it, is nobody's news
    with pytest.raises(services.RuleError, match="Only a coordinator"):
        responses.publish_response(world["other_coordinator"], report, draft)
    responses.publish_response(world["coordinator"], report, draft)
    db.session.commit()
    assert heard == [(events.RESPONSE_PUBLISHED, draft.id)]
    responses.add_update(world["coordinator"], report, draft, "Bins in", "done")
    assert heard[-1] == (events.RESPONSE_PROGRESS, draft.id)
    db.session.commit()
    with pytest.raises(transitions.AlreadyMoved):
        responses.publish_response(world["officer2"], report, draft)
    db.session.rollback()
    assert db.session.get(Response, draft.id).published_by_id == world["coordinator"].id
    assert [name for name, _ in heard].count(events.RESPONSE_PUBLISHED) == 1   # the refused second click fired nothing


# ---- overdue shows everywhere -------------------------------------------------------------

def test_an_overdue_action_shows_on_the_report_the_list_the_feed_the_api_and_the_board(client, login, world, smtp):
    report = publish(world, make_report(world, priority_ids=[world["old"].id]))
    late = _promise(world, report, due=YESTERDAY)
    report_page = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert "Overdue" in report_page and "not marked done" in report_page and "1 overdue" in report_page
    listing = client.get("/you-said-we-did").get_data(as_text=True)
    assert "Install forty new litter bins" in listing and "engage-overdue" in listing and "Planned" in listing
    feed = client.get("/you-said-we-did/feed.atom").get_data(as_text=True)
    assert "OVERDUE" in feed and f"#response-{late.id}-overdue-{YESTERDAY.isoformat()}" in feed
    api = client.get(f"/api/v1/findings/{report.id}").get_json()
    item = api["recommendations"][0]["responses"][0]
    assert item["overdue"] is True and item["stage"] == "planned"
    assert [p["overdue_actions"] for p in api["partnerships"] if p["id"] == world["partnership"].id] == [1]
    login("officer")
    board = client.get("/findings/dashboard").get_data(as_text=True)
    assert 'id="overdue-count">1<' in board and "Overdue actions" in board
    # Marked done: the mark goes everywhere.
    responses.add_update(world["coordinator"], report, late, "All bins installed", "done")
    db.session.commit()
    assert "engage-overdue" not in client.get("/you-said-we-did").get_data(as_text=True)
    assert 'id="overdue-count">0<' in client.get("/findings/dashboard").get_data(as_text=True)
    assert "OVERDUE" not in client.get("/you-said-we-did/feed.atom").get_data(as_text=True)


# ---- reminders once per stage -------------------------------------------------------------

def test_reminders_go_once_per_stage_due_soon_then_overdue(world, smtp):
    report = publish(world, make_report(world))
    due = date.today() + timedelta(days=20)
    promise = _promise(world, report, due=due)
    smtp.clear()
    assert responses.send_reminders(today=due - timedelta(days=10)) == [] or not smtp.to("coordinator@test.example", "Due soon")
    db.session.commit()
    for _ in range(3):                                     # hourly runs: one email per stage
        responses.send_reminders(today=due - timedelta(days=3))
        db.session.commit()
    soon = smtp.to("coordinator@test.example", "Due soon")
    assert len(soon) == 1 and "action due soon" in soon[0]["body"] and f"/responses/{promise.id}/progress" in soon[0]["body"]
    for _ in range(2):
        responses.send_reminders(today=due + timedelta(days=1))
        db.session.commit()
    over = [m for m in smtp.to("coordinator@test.example") if "action overdue" in m["body"]]
    assert len(over) == 1
    assert smtp.to("coord2@test.example", "Due soon") == []              # not the other partnership's
    stages = db.session.execute(db.select(StageReminder.stage).where(StageReminder.response_id == promise.id)).scalars().all()
    assert sorted(stages) == ["due-soon", "overdue"]
    # A promise marked done before its dates is never reminded.
    other = publish(world, make_report(world, title="Another report"))
    kept = _promise(world, other, due=due, action="Repaint the bus shelters")
    responses.add_update(world["coordinator"], other, kept, "Finished early", "done")
    db.session.commit()
    before = len(smtp.messages)
    responses.send_reminders(today=due - timedelta(days=3))
    responses.send_reminders(today=due + timedelta(days=1))
    db.session.commit()
    assert [m for m in smtp.messages[before:] if "bus shelters" in m["body"]] == []


def test_a_response_due_soon_is_reminded_once(world, smtp):
    report = publish(world, make_report(world))
    due = responses.due_on(report)
    smtp.clear()
    for _ in range(2):
        responses.send_reminders(today=due - timedelta(days=2))
        db.session.commit()
    soon = smtp.to("coordinator@test.example", "Due soon")
    assert len(soon) == 1 and "response due soon" in soon[0]["body"] and "0 of 1" in soon[0]["body"]
    assert len(smtp.to("coord2@test.example", "Due soon")) == 1


# ---- residents: the second message when responses are late ---------------------------------

def test_residents_hear_when_the_responses_are_late_then_their_address_goes(app, runner, world, smtp):
    from engage.surveys.models import Survey, SurveyContact

    survey = Survey(consultation_id=world["consultation"].id, title="Litter survey online", code="LITTER02")
    db.session.add(survey)
    db.session.flush()
    db.session.add(SurveyContact(survey_id=survey.id, consultation_id=world["consultation"].id, key="late1",
                                 email="resident.late@example.net"))
    db.session.commit()
    report = publish(world, make_report(world))
    _promise(world, report)                               # one partnership answers, the other does not
    assert len(smtp.to("resident.late@example.net")) == 1
    runner.invoke(args=["engage", "send-reminders"])      # not late yet: nothing more
    assert len(smtp.to("resident.late@example.net")) == 1
    report.published_at = report.released_at = services.now() - timedelta(weeks=9)
    db.session.commit()
    for _ in range(2):
        result = runner.invoke(args=["engage", "send-reminders"])
        assert result.exit_code == 0, result.output
    late = smtp.to("resident.late@example.net", "The responses are late")
    assert len(late) == 1 and "Healthy Borough Partnership has not answered" in late[0]["body"]
    assert "Install forty new litter bins" in late[0]["body"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyContact)) == 0
