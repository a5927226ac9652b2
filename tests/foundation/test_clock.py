"""The one clock (engage/core/clock.py): stored times are UTC, people see and type Europe/London,
and the clock changes in March and October 2027 give clear answers, never an error."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from engage.core import templating

UTC = timezone.utc


def test_summer_wall_clock_times_are_an_hour_ahead_of_utc(clock):
    # An embargo typed as 09:00 on a July day is 08:00 UTC; in January it is 09:00 UTC.
    assert clock.from_local(date(2027, 7, 14), time(9)) == datetime(2027, 7, 14, 8, 0)
    assert clock.from_local(date(2027, 1, 14), time(9)) == datetime(2027, 1, 14, 9, 0)
    assert clock.local(datetime(2027, 7, 14, 8, 0)).strftime("%H:%M %Z") == "09:00 BST"
    assert clock.local(datetime(2027, 1, 14, 9, 0)).strftime("%H:%M %Z") == "09:00 GMT"


def test_the_days_the_clocks_change_have_23_and_25_hours(clock):
    assert clock.end_of_day(date(2027, 3, 28)) - clock.start_of_day(date(2027, 3, 28)) == timedelta(hours=23)
    assert clock.end_of_day(date(2027, 10, 31)) - clock.start_of_day(date(2027, 10, 31)) == timedelta(hours=25)
    # A day in summer ends at 23:00 UTC; in winter at midnight UTC.
    assert clock.end_of_day(date(2027, 3, 28)) == datetime(2027, 3, 28, 23, 0)
    assert clock.end_of_day(date(2027, 10, 31)) == datetime(2027, 11, 1, 0, 0)


def test_a_time_that_never_happens_or_happens_twice_gets_a_clear_answer(clock):
    # 28 March 2027: 01:00 GMT becomes 02:00 BST, so 01:30 never happens. Read with the offset
    # before the change: 01:30 UTC, which the clocks show as 02:30.
    gap = clock.from_local(date(2027, 3, 28), time(1, 30))
    assert gap == datetime(2027, 3, 28, 1, 30)
    assert clock.local(gap).strftime("%H:%M") == "02:30"
    said = clock.describe_gap(date(2027, 3, 28), time(1, 30))
    assert "clocks go forward" in said and "02:30" in said
    # 31 October 2027: 02:00 BST becomes 01:00 GMT, so 01:30 happens twice: the first one.
    twice = clock.from_local(date(2027, 10, 31), time(1, 30))
    assert twice == datetime(2027, 10, 31, 0, 30)
    assert "happens twice" in clock.describe_gap(date(2027, 10, 31), time(1, 30))
    # An ordinary time on the same days needs no words.
    assert clock.describe_gap(date(2027, 10, 31), time(9)) is None
    assert clock.describe_gap(date(2027, 3, 28), time(3)) is None


def test_today_is_the_sites_date_not_utcs(clock):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London.
    clock.set(datetime(2027, 7, 1, 23, 30))
    assert clock.today() == date(2027, 7, 2)
    assert clock.utcnow() == datetime(2027, 7, 1, 23, 30)
    assert clock.now() == datetime(2027, 7, 1, 23, 30, tzinfo=UTC)
    clock.set(datetime(2027, 1, 1, 23, 30))
    assert clock.today() == date(2027, 1, 1)


def test_tests_can_freeze_and_move_the_clock_and_it_runs_again_after(clock):
    clock.set(datetime(2027, 10, 30, 23, 0, tzinfo=UTC))
    assert clock.is_frozen()
    clock.advance(timedelta(hours=3))
    assert clock.utcnow() == datetime(2027, 10, 31, 2, 0)
    from engage.core.models import utcnow

    assert utcnow() == datetime(2027, 10, 31, 2, 0), "the stored-time stamp follows the one clock"
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_clock_file_moves_the_time_of_a_running_server(app, clock, tmp_path, monkeypatch):
    moment = tmp_path / "now.txt"
    moment.write_text("2027-03-28T00:59:00Z")
    monkeypatch.setattr(clock, "_clock_file", str(moment))
    assert clock.utcnow() == datetime(2027, 3, 28, 0, 59)
    moment.write_text("2027-03-28T03:00:00+01:00")   # rewritten while running
    assert clock.utcnow() == datetime(2027, 3, 28, 2, 0)
    moment.write_text("")
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_the_zone_is_a_setting(app, clock):
    from engage.core.clock import init_app

    try:
        app.config["ENGAGE_TIMEZONE"] = "America/New_York"
        init_app(app)
        assert clock.from_local(date(2027, 7, 14), time(9)) == datetime(2027, 7, 14, 13, 0)
        app.config["ENGAGE_TIMEZONE"] = "Mars/Olympus_Mons"
        with pytest.raises(ValueError, match="not a time zone name"):
            init_app(app)
    finally:
        app.config["ENGAGE_TIMEZONE"] = "Europe/London"
        init_app(app)
    assert clock.zone().key == "Europe/London"


def test_templates_show_stored_times_on_london_clocks(app):
    with app.test_request_context():
        render = app.jinja_env.from_string("{{ t | date }}|{{ t | time }}|{{ t | date('day') }}|{{ (t | local).strftime('%Z') }}")
        assert render.render(t=datetime(2027, 7, 14, 23, 30)) == "15 July 2027 at 00:30|00:30|15 July 2027|BST"
        assert render.render(t=datetime(2027, 12, 14, 23, 30)) == "14 December 2027 at 23:30|23:30|14 December 2027|GMT"
    assert templating.format_time(None) == "" and templating.format_date(None) == ""


def test_nothing_reads_the_server_clock_except_the_one_clock():
    """``date.today()`` is the server's date and ``datetime.now()`` its local time: neither is
    the site's (a server on UTC is an hour behind London all summer), and tests cannot move
    them. Everything asks engage/core/clock.py."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(\)|\bdatetime\.utcnow\(\)|\btime\.localtime\(")
    found = [f"{path.relative_to(root)}:{n}" for path in sorted((root / "engage").rglob("*.py")) if path.name != "clock.py"
             for n, line in enumerate(path.read_text().splitlines(), start=1) if pattern.search(line)]
    assert found == [], "use engage.core.clock (today(), utcnow(), now()) instead"
    stamped = re.compile(r"_at\.strftime\(|_at\)\.strftime\(|\.at\.strftime\(|to_closes\.strftime\(")
    shown = [f"{path.relative_to(root)}:{n}" for path in sorted((root / "templates").rglob("*.html"))
             for n, line in enumerate(path.read_text().splitlines(), start=1) if stamped.search(line)]
    assert shown == [], "show stored times with the date/time/local filters (London's clocks), not strftime (UTC)"
