"""The Network Group: joining, who sees how to reach members, the toolkit and consultation
panels, helpers named on consultations, events and the iCalendar feed."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from engage.extensions import db
from engage.strategy import network
from engage.strategy.common import EditConflict, RuleError
from engage.strategy.models import ConsultationHelper, NetworkEvent, NetworkMember


@pytest.fixture
def entry(app):
    from engage.toolkit.models import ToolkitEntry

    item = ToolkitEntry(slug="focus-group", kind="method", title="Focus group", summary="A small group discussion.", body="## What it is\n\nTalk.")
    db.session.add(item)
    db.session.commit()
    return item


def _join(user, **data):
    values = {"contact_email": "me@example.org", "methods": [], "audiences": [], "area_ids": []}
    values.update(data)
    member = network.join_or_update(user, values)
    db.session.commit()
    return member


def test_joining_needs_a_way_to_be_reached_and_known_choices(users, entry):
    with pytest.raises(RuleError, match="email address or a phone"):
        _join(users["practitioner"], contact_email="")
    db.session.rollback()
    with pytest.raises(RuleError, match="methods from the list"):
        _join(users["practitioner"], methods=["not-a-method"])
    db.session.rollback()
    with pytest.raises(RuleError, match="audiences from the list"):
        _join(users["practitioner"], audiences=["aliens"])
    db.session.rollback()
    member = _join(users["practitioner"], methods=["focus-group"], audiences=["young-people"], job_title="Consultation officer")
    assert member.methods == ["focus-group"] and member.user_id == users["practitioner"].id
    again = _join(users["practitioner"], job_title="Senior officer")
    assert again.id == member.id and again.job_title == "Senior officer"


def test_a_stale_entry_edit_is_a_conflict(users):
    member = _join(users["practitioner"])
    loaded = member.version
    network.join_or_update(users["practitioner"], {"contact_email": "new@example.org"}, loaded)
    db.session.commit()
    with pytest.raises(EditConflict):
        network.join_or_update(users["practitioner"], {"contact_email": "mine@example.org"}, loaded)


def test_contact_details_only_for_signed_in_people(client, login, users):
    member = _join(users["practitioner"], contact_email="pat@example.org", contact_phone="0151 000 0000")
    login(None)
    for path in ("/network", f"/network/members/{member.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "Test Practitioner" in page and "pat@example.org" not in page and "0151 000 0000" not in page
    login("vcs")
    page = client.get(f"/network/members/{member.id}").get_data(as_text=True)
    assert "pat@example.org" in page and "0151 000 0000" in page


def test_directory_filters_by_method_and_audience(client, users, entry):
    _join(users["practitioner"], methods=["focus-group"], audiences=["young-people"])
    _join(users["vcs"], audiences=["older-people"])
    assert [m.name for m in network.members(method="focus-group")] == ["Test Practitioner"]
    assert [m.name for m in network.members(audience="older-people")] == ["Test Vcs"]
    page = client.get("/network?method=focus-group").get_data(as_text=True)
    assert "Test Practitioner" in page and "Test Vcs" not in page


def test_joining_through_the_page(client, login, users, entry):
    login("vcs")
    bad = client.post("/network/join", data={"contact_email": "not an email"})
    assert bad.status_code == 400 and "right format" in bad.get_data(as_text=True)
    ok = client.post("/network/join", data={"contact_email": "vic@example.org", "methods": ["focus-group"], "job_title": "Worker"})
    assert ok.status_code == 302
    assert db.session.scalar(db.select(NetworkMember.job_title)) == "Worker"


def test_toolkit_entry_shows_members_who_used_the_method(client, login, users, entry):
    _join(users["practitioner"], methods=["focus-group"], contact_email="pat@example.org")
    login(None)
    page = client.get("/toolkit/focus-group").get_data(as_text=True)
    assert "Ask someone who has done it" in page and "Test Practitioner" in page and "pat@example.org" not in page
    login("coordinator")
    assert "pat@example.org" in client.get("/toolkit/focus-group").get_data(as_text=True)


def test_leaving_removes_the_entry_and_the_helper_mentions_together(users):
    from tests.consultations.records_support import log

    member = _join(users["practitioner"])
    consultation = log(users["practitioner"], title="Park survey")
    network.add_helper(users["practitioner"], consultation, member.id, "Ran the focus groups")
    db.session.commit()
    with pytest.raises(RuleError, match="only take yourself out"):
        network.leave(users["vcs"], member)
    assert network.leave(users["practitioner"], member) == 1
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsultationHelper)) == 0


def test_consultation_names_members_who_helped(client, login, users):
    from tests.consultations.records_support import log

    from engage.accounts.models import User
    from engage.partnership.models import Organisation
    from tests.conftest import password_hash

    member = _join(users["vcs"])
    consultation = log(users["practitioner"], title="Park survey")
    other_org = db.session.scalar(db.select(Organisation).where(Organisation.name == "Other Trust"))
    outsider = User(email="out@test.example", name="Out Sider", role="practitioner", organisation_id=other_org.id, active=True, password_hash=password_hash())
    db.session.add(outsider)
    db.session.commit()
    with pytest.raises(RuleError, match="Only people who can edit"):
        network.add_helper(outsider, consultation, member.id, "")
    db.session.rollback()
    login("practitioner")
    manage = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Name network members who helped" in manage
    assert client.post(f"/consultations/{consultation.id}/network-helpers", data={"member_id": "99999"}).status_code == 400
    ok = client.post(f"/consultations/{consultation.id}/network-helpers", data={"member_id": str(member.id), "role": "Brought groups along"})
    assert ok.status_code == 302
    login(None)
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Network members who helped" in page and "Test Vcs" in page and "Brought groups along" in page
    client._cookies.clear()
    with client.session_transaction() as session:
        session["_user_id"] = outsider.get_id()
        session["_fresh"] = True
    assert client.get(f"/consultations/{consultation.id}/network-helpers").status_code == 403


# ---- events -------------------------------------------------------------------------------

def _event(title, public, days=10, **extra):
    start = datetime.now().replace(microsecond=0, second=0) + timedelta(days=days)
    event = NetworkEvent(title=title, kind=extra.get("kind", "meeting"), starts_at=start, ends_at=start + timedelta(hours=2),
                         place="Town Hall", accessibility="Step-free access", public=public, description=extra.get("description", ""))
    db.session.add(event)
    db.session.commit()
    return event


def test_members_only_events_are_hidden_from_the_public(client, login, users):
    public = _event("Area forum", True, kind="forum")
    private = _event("Network meeting", False)
    login(None)
    page = client.get("/network/events").get_data(as_text=True)
    assert "Area forum" in page and "Network meeting" not in page
    assert client.get(f"/network/events/{private.id}").status_code == 404
    assert client.get(f"/network/events/{public.id}").status_code == 200
    login("vcs")
    assert "Network meeting" in client.get("/network/events").get_data(as_text=True)


def test_icalendar_feed_is_valid_and_holds_only_what_the_reader_may_see(client, login, users):
    public = _event("Area forum", True, kind="forum", description="Come and ask questions.")
    _event("Network meeting", False)
    login(None)
    response = client.get("/network/events.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Area forum (Area forum)"]
    event = events[0]
    assert str(event["UID"]).startswith(f"network-event-{public.id}@")
    assert event.decoded("DTSTART").astimezone(timezone.utc).replace(tzinfo=None) == public.starts_at   # stored UTC
    assert str(event["DTSTART"].params.get("TZID")) == "Europe/London"
    assert calendar.walk("VTIMEZONE"), "the feed carries the time zone it uses"
    assert "Step-free access" in str(event["DESCRIPTION"]) and str(event["LOCATION"]) == "Town Hall"
    assert "DTSTAMP" in event and event.decoded("DTEND") > event.decoded("DTSTART")
    login("vcs")
    assert len(Calendar.from_ical(client.get("/network/events.ics").data).walk("VEVENT")) == 2


def test_event_form_checks_times(client, login, users):
    login("officer")
    bad = client.post("/admin/network/events/new", data={"title": "Training", "kind": "training", "starts_on": ["5", "10", "2030"],
                                                          "start_time": "25:00", "end_time": "10:00", "place": "Hall"})
    assert bad.status_code == 400 and "must be a time like 14:30" in bad.get_data(as_text=True)
    backwards = client.post("/admin/network/events/new", data={"title": "Training", "kind": "training", "starts_on": ["5", "10", "2030"],
                                                                "start_time": "14:00", "end_time": "10:00", "place": "Hall"})
    assert backwards.status_code == 400 and "end time must be after" in backwards.get_data(as_text=True)
    ok = client.post("/admin/network/events/new", data={"title": "Training", "kind": "training", "starts_on": ["5", "10", "2030"],
                                                         "start_time": "14:00", "end_time": "16:30", "place": "Hall", "public": "y"})
    assert ok.status_code == 302
    event = db.session.scalar(db.select(NetworkEvent))
    # Typed on London's clocks (British Summer Time in October), stored as UTC.
    assert (event.starts_at, event.ends_at, event.public) == (datetime(2030, 10, 5, 13, 0), datetime(2030, 10, 5, 15, 30), True)
