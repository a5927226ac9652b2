"""Network event times across the 2027 clock changes: typed on London's clocks, stored as UTC,
shown on London's clocks, and carried in the iCal feed with TZID=Europe/London and its
VTIMEZONE (so a calendar in any zone puts them at the right moment)."""
from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar
from sqlalchemy import select

from engage.extensions import db
from engage.strategy.models import NetworkEvent


def _new(client, title, day, start, end):
    return client.post("/admin/network/events/new", data={
        "title": title, "kind": "training", "starts_on": [str(day[2]), str(day[1]), str(day[0])],
        "start_time": start, "end_time": end, "place": "Town Hall", "public": "y"})


def test_events_either_side_of_the_clock_changes_in_the_feed(client, login, users, clock):
    clock.set(datetime(2027, 3, 1, 12, 0))
    login("officer")
    assert _new(client, "Spring forum", (2027, 3, 28), "18:00", "19:30").status_code == 302
    assert _new(client, "Autumn forum", (2027, 10, 31), "18:00", "19:30").status_code == 302
    # 01:30 on 28 March never happens: read as 01:30 GMT (02:30 BST), not refused with a 500.
    assert _new(client, "Early bird", (2027, 3, 28), "01:30", "03:00").status_code == 302
    told = client.get("/network/events").get_data(as_text=True)
    assert "01:30 does not happen" in told and "Engage takes it as 02:30" in told, "the officer is told in words"
    events = {e.title: e for e in db.session.scalars(select(NetworkEvent))}
    assert events["Spring forum"].starts_at == datetime(2027, 3, 28, 17, 0), "18:00 BST is 17:00 UTC"
    assert events["Autumn forum"].starts_at == datetime(2027, 10, 31, 18, 0), "18:00 GMT is 18:00 UTC"
    assert events["Early bird"].starts_at == datetime(2027, 3, 28, 1, 30)
    assert events["Early bird"].ends_at == datetime(2027, 3, 28, 2, 0)

    login(None)
    spring = client.get(f"/network/events/{events['Spring forum'].id}").get_data(as_text=True)
    assert "28 March 2027 at 18:00 to 19:30" in spring, spring
    early = client.get(f"/network/events/{events['Early bird'].id}").get_data(as_text=True)
    assert "28 March 2027 at 02:30 to 03:00" in early

    feed = client.get("/network/events.ics")
    raw = feed.get_data(as_text=True)
    assert "DTSTART;TZID=Europe/London:20270328T180000" in raw
    assert "DTSTART;TZID=Europe/London:20271031T180000" in raw
    calendar = Calendar.from_ical(feed.data)
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/London"]
    names = {str(part["TZNAME"]) for z in zones for part in z.subcomponents}
    assert {"BST", "GMT"} <= names, "the feed says when London's clocks change"
    starts = {str(e["SUMMARY"]).split(" (")[0]: e.decoded("DTSTART").astimezone(timezone.utc) for e in calendar.walk("VEVENT")}
    assert starts["Spring forum"] == datetime(2027, 3, 28, 17, 0, tzinfo=timezone.utc)
    assert starts["Autumn forum"] == datetime(2027, 10, 31, 18, 0, tzinfo=timezone.utc)

    # The edit form gives back the times as typed.
    login("officer")
    form = client.get(f"/admin/network/events/{events['Spring forum'].id}").get_data(as_text=True)
    assert 'value="18:00"' in form and 'value="19:30"' in form
