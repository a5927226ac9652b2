"""The implementation plan: status (late worked out from the date), progress updates and
who may add them, filters, CSV, the timeline, links through the registry, deletes."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask import Flask

from engage.core.registry import LinkKind, links
from engage.extensions import db
from engage.strategy import plan
from engage.strategy.common import EditConflict, RuleError
from engage.strategy.models import ActionLink, ActionProgress, PlanAction
from tests.strategy.support import plan as make_plan


@pytest.fixture
def actions(users, org):
    return make_plan(users["officer"], org)


def _note(user, action, status, days_ago=0, note="Work is going well."):
    item = plan.add_progress(user, action, {"status": status, "note": note, "noted_on": date.today() - timedelta(days=days_ago)})
    db.session.commit()
    return item


# ---- status ---------------------------------------------------------------------------------

def test_status_starts_not_started_and_follows_the_latest_note(users, actions):
    action = actions["due_future"]
    assert plan.status_of(action) == "not_started"
    _note(users["officer"], action, "on_track", days_ago=10)
    _note(users["officer"], action, "at_risk", days_ago=2)
    assert plan.status_of(action) == "at_risk"
    assert plan.status_of(action, date.today() - timedelta(days=5)) == "on_track"
    assert plan.status_of(action, date.today() - timedelta(days=20)) == "not_started"


def test_late_is_worked_out_from_the_date_and_complete_is_never_late(users, actions):
    past = actions["due_past"]
    assert plan.status_of(past) == "late"
    _note(users["officer"], past, "on_track")
    assert plan.status_of(past) == "late"
    assert plan.status_of(past, past.due_on) == "not_started"  # on its due day it is not late yet
    _note(users["officer"], past, "complete")
    assert plan.status_of(past) == "complete"
    assert plan.status_of(actions["undated"]) == "not_started"


def test_late_cannot_be_typed_in(users, actions):
    with pytest.raises(RuleError, match="Select the status"):
        plan.add_progress(users["officer"], actions["due_future"], {"status": "late", "note": "x"})
    with pytest.raises(RuleError, match="future"):
        plan.add_progress(users["officer"], actions["due_future"], {"status": "on_track", "note": "x", "noted_on": date.today() + timedelta(days=1)})


def test_who_may_add_progress(users, actions):
    from engage.partnership.models import Partnership

    action = actions["due_future"]
    assert not plan.can_update_progress(users["practitioner"], action)
    assert not plan.can_update_progress(users["coordinator"], action)
    with pytest.raises(RuleError, match="Only an officer"):
        plan.add_progress(users["practitioner"], action, {"status": "on_track", "note": "x"})
    db.session.rollback()
    partnership = Partnership(name="Branding Partnership", kind="priority")
    partnership.coordinators = [users["coordinator"]]
    db.session.add(partnership)
    action.partnership = partnership
    action.lead_officer_id = users["practitioner"].id
    db.session.commit()
    assert plan.can_update_progress(users["coordinator"], action)
    assert plan.can_update_progress(users["practitioner"], action)
    assert not plan.can_update_progress(users["vcs"], action)
    _note(users["practitioner"], action, "on_track")
    assert plan.status_of(action) == "on_track"


def test_progress_through_the_page_is_refused_to_others(client, login, users, actions):
    action = actions["due_future"]
    login("vcs")
    assert client.post(f"/plan/actions/{action.id}/progress", data={"status": "on_track", "note": "x"}).status_code == 403
    login("officer")
    bad = client.post(f"/plan/actions/{action.id}/progress", data={"status": "", "note": ""})
    assert bad.status_code == 400 and "Select the status" in bad.get_data(as_text=True)
    ok = client.post(f"/plan/actions/{action.id}/progress", data={"status": "at_risk", "note": "Waiting for the printers."})
    assert ok.status_code == 302
    assert db.session.scalar(db.select(ActionProgress.note)) == "Waiting for the printers."


# ---- lists -------------------------------------------------------------------------------

def test_filters_by_theme_status_partnership_and_lead(users, org, actions):
    theme = actions["theme"]
    assert [a.id for a in plan.actions(plan.PlanFilters(theme=theme.id))] == [actions["due_past"].id, actions["due_future"].id]
    assert [a.id for a in plan.actions(plan.PlanFilters(status="late"))] == [actions["due_past"].id]
    assert [a.id for a in plan.actions(plan.PlanFilters(lead=org.id))] == [actions["due_past"].id]
    assert plan.actions(plan.PlanFilters(partnership=999)) == []
    filters = plan.read_filters({"theme": "abc", "status": "soon"})
    assert len(filters.problems) == 2


def test_plan_page_filters_and_bad_filters(client, actions):
    page = client.get("/plan?status=late").get_data(as_text=True)
    assert "Agree a logo" in page and "Write brand guidance" not in page
    bad = client.get("/plan?status=soon")
    assert bad.status_code == 400 and "is not a status" in bad.get_data(as_text=True)


def test_csv_export_has_every_action_and_defuses_formulas(client, users, actions):
    plan.save_action(users["officer"], None, {"theme_id": actions["theme"].id, "activity": "=HYPERLINK(\"http://x\")"})
    db.session.commit()
    response = client.get("/plan.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Theme", "Purpose", "Activity"]
    assert len(rows) == 5
    by_activity = {r[2]: r for r in rows[1:]}
    assert by_activity["Agree a logo"][10] == "Late"
    assert by_activity["Monthly policy bulletin"][1] == "Share what we learn."
    assert "'=HYPERLINK(\"http://x\")" in by_activity
    filtered = list(csv.reader(io.StringIO(client.get("/plan.csv?status=late").get_data(as_text=True))))
    assert len(filtered) == 2
    assert client.get("/plan.csv?theme=x").status_code == 400


def test_timeline_groups_actions_by_financial_quarter(client, actions):
    quarters, undated = plan.timeline(plan.actions())
    assert [a.activity for a in undated] == ["Monthly policy bulletin"]
    assert sum(len(q.actions) for q in quarters) == 2
    assert quarters == sorted(quarters, key=lambda q: (q.year, q.quarter))
    page = client.get("/plan/timeline").get_data(as_text=True)
    assert quarters[0].label in page and "Ongoing or no date set" in page


def test_quarters_of_the_financial_year():
    from engage.strategy.budget import quarter_of

    assert quarter_of(date(2005, 4, 1)) == (2005, 1)
    assert quarter_of(date(2005, 6, 30)) == (2005, 1)
    assert quarter_of(date(2005, 12, 31)) == (2005, 3)
    assert quarter_of(date(2006, 3, 31)) == (2005, 4)


# ---- editing ----------------------------------------------------------------------------

def test_an_action_needs_a_theme_and_activity_and_sensible_dates(users, actions):
    officer = users["officer"]
    with pytest.raises(RuleError, match="Select the theme"):
        plan.save_action(officer, None, {"activity": "x"})
    with pytest.raises(RuleError, match="due date must be on or after"):
        plan.save_action(officer, None, {"theme_id": actions["theme"].id, "activity": "x", "starts_on": date(2006, 1, 1), "due_on": date(2005, 1, 1)})
    with pytest.raises(RuleError, match="lead organisation"):
        plan.save_action(officer, None, {"theme_id": actions["theme"].id, "activity": "x", "lead_organisation_id": 99999})
    with pytest.raises(RuleError, match="Only a partnership officer"):
        plan.save_action(users["coordinator"], None, {"theme_id": actions["theme"].id, "activity": "x"})


def test_stale_action_edit_is_a_conflict_and_keeps_nothing_half_saved(users, actions):
    officer = users["officer"]
    action = actions["due_future"]
    loaded = action.version
    plan.save_action(officer, action, {"theme_id": action.theme_id, "activity": "Write the brand book"}, loaded)
    db.session.commit()
    with pytest.raises(EditConflict) as caught:
        plan.save_action(officer, action, {"theme_id": action.theme_id, "activity": "Mine"}, loaded)
    db.session.rollback()
    assert ("activity", "Write the brand book") in [(c.key, c.now) for c in caught.value.describe().changes]
    assert db.session.get(PlanAction, action.id).activity == "Write the brand book"


def test_conflict_page_shows_what_changed(client, login, users, actions):
    action = actions["due_future"]
    loaded = action.version
    plan.save_action(users["officer"], action, {"theme_id": action.theme_id, "activity": "Their words"}, loaded)
    db.session.commit()
    login("officer")
    response = client.post(f"/admin/plan/actions/{action.id}", data={"theme_id": action.theme_id, "activity": "My words", "version": loaded})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this" in text and "Their words" in text and "My words" in text
    assert "Yours, kept in the form" in text


def test_deleting_a_theme_with_actions_is_refused_naming_them(users, actions):
    with pytest.raises(RuleError, match="Agree a logo"):
        plan.delete_theme(users["officer"], actions["theme"])


def test_deleting_an_action_takes_its_notes_and_links_in_one_go(client, login, users, actions):
    action = actions["due_past"]
    _note(users["officer"], action, "on_track")
    db.session.add(ActionLink(action_id=action.id, kind="test-kind", target_id=1))
    db.session.commit()
    login("officer")
    page = client.get(f"/admin/plan/actions/{action.id}/delete").get_data(as_text=True)
    assert "1 progress update" in page and "1 link" in page
    assert client.post(f"/admin/plan/actions/{action.id}/delete").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(ActionProgress)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(ActionLink)) == 0


# ---- links through the registry ---------------------------------------------------------

@pytest.fixture
def thing_kind(app: Flask):
    """A kind of link this test owns: targets 1 and 2 exist, 3 is gone."""
    titles = {1: "Findings from the street survey", 2: "Youth forum report"}
    kind = LinkKind("test-thing", "Test thing", lambda user: sorted(titles.items()),
                    lambda target, user: (titles[target], f"/things/{target}") if target in titles else None)
    links.register(kind, app)
    return kind


def test_links_store_kind_and_target_and_resolve_through_the_registry(users, actions, thing_kind):
    officer = users["officer"]
    action = actions["due_future"]
    plan.add_link(officer, action, "test-thing", "2")
    db.session.commit()
    assert [(l.kind, l.target_id) for l in action.links] == [("test-thing", 2)]
    shown = plan.resolved_links(action)
    assert [(s.label, s.title, s.url) for s in shown] == [("Test thing", "Youth forum report", "/things/2")]
    with pytest.raises(RuleError, match="already linked"):
        plan.add_link(officer, action, "test-thing", 2)
    with pytest.raises(RuleError, match="from the list"):
        plan.add_link(officer, action, "test-thing", 3)
    with pytest.raises(RuleError, match="kind of thing"):
        plan.add_link(officer, action, "no-such-kind", 1)
    db.session.rollback()
    db.session.add(ActionLink(action_id=action.id, kind="test-thing", target_id=3))  # its target has gone since
    db.session.commit()
    assert [s.title for s in plan.resolved_links(action)] == ["Youth forum report"]


def test_linking_through_the_action_page(client, login, users, actions, thing_kind):
    action = actions["due_future"]
    login("officer")
    page = client.get(f"/plan/actions/{action.id}").get_data(as_text=True)
    assert "Test thing: Findings from the street survey" in page
    assert client.post(f"/admin/plan/actions/{action.id}/links", data={"target": "test-thing:1"}).status_code == 302
    bad = client.post(f"/admin/plan/actions/{action.id}/links", data={"target": "test-thing:77"})
    assert bad.status_code == 400
    page = client.get(f"/plan/actions/{action.id}").get_data(as_text=True)
    assert 'href="/things/1"' in page
    link = action.links[0]
    assert client.post(f"/admin/plan/actions/{action.id}/links/{link.id}/remove").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(ActionLink)) == 0


def test_toolkit_entries_are_a_kind_of_link(app, users, actions):
    from engage.toolkit.models import ToolkitEntry

    entry = ToolkitEntry(slug="focus-group", kind="method", title="Focus group", summary="A small group discussion.")
    db.session.add(entry)
    db.session.commit()
    kind = links.get("toolkit-entry")
    assert kind is not None and (entry.id, "Focus group") in kind.choices(users["officer"])
    plan.add_link(users["officer"], actions["due_future"], "toolkit-entry", entry.id)
    db.session.commit()
    with app.test_request_context():
        assert [(s.title, s.url) for s in plan.resolved_links(actions["due_future"])] == [("Focus group", "/toolkit/focus-group")]
