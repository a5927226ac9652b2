"""The one source of "now", and the site's time zone.

The rule everywhere in Engage:

- **Stored times are UTC.** Every ``DateTime`` column is naive (no zone) and holds UTC: use
  ``clock.utcnow()`` to stamp or compare with a column. ``clock.now()`` is the same moment as an
  aware UTC datetime, for code that talks to the outside (feeds, iCal, the API).
- **People see the site's zone** (``ENGAGE_TIMEZONE``, default ``Europe/London``): templates show
  stored times through the ``date``/``time``/``local`` filters (engage/core/templating.py), which
  call ``local(dt)``.
- **Times typed by staff are read in the site's zone** (an embargo at 09:00 on a July day is
  09:00 BST, 08:00 UTC): ``from_local(day, time)`` turns a date and a wall-clock time into the
  naive UTC value to store; ``start_of_day(day)`` / ``end_of_day(day)`` give the UTC moments a
  local day begins and ends (a survey that closes "on 31 October" takes answers until local
  midnight that night).
- **Today** is the site's date (``today()``), not the server's: just after midnight in British
  Summer Time it is already tomorrow in London while UTC still says today.

The clock changes. On the day the clocks go forward (last Sunday in March) the local times
01:00 to 01:59 never happen; on the day they go back (last Sunday in October) 01:00 to 01:59
happen twice. ``from_local`` gives a clear answer instead of an error (``describe_gap`` says
what it did, for a form to show):

- a time that never happens is read with the offset in force just before the change, so 01:30
  on 28 March 2027 is 01:30 UTC, which is 02:30 BST (the clocks have just gone forward);
- a time that happens twice is the first of the two (still summer time): 01:30 on 31 October
  2027 is 00:30 UTC.

Tests set the clock: ``clock.set(moment)`` freezes it (a naive moment is UTC),
``clock.advance(timedelta)`` moves a frozen clock on, ``clock.reset()`` lets it run again; the
``clock`` fixture in tests/conftest.py resets after each test. A server in another process (or
one started from a shell) follows ``ENGAGE_CLOCK_FILE``: a file holding an ISO time (UTC if no
offset is given) read on every call, so a test can move the time of a running server by
rewriting that file. Never set in production.
"""
from __future__ import annotations

import os
import threading
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/London"

_lock = threading.Lock()
_frozen: datetime | None = None          # aware UTC when set by a test
_zone: ZoneInfo = ZoneInfo(DEFAULT_ZONE)
_clock_file: str | None = os.environ.get("ENGAGE_CLOCK_FILE") or None


def init_app(app) -> None:
    """Take the site's zone (``ENGAGE_TIMEZONE``) and any clock file from the settings."""
    global _zone, _clock_file
    name = app.config.get("ENGAGE_TIMEZONE") or DEFAULT_ZONE
    _zone = zone_named(name)
    app.config["ENGAGE_TIMEZONE"] = name
    if app.config.get("ENGAGE_CLOCK_FILE"):
        _clock_file = app.config["ENGAGE_CLOCK_FILE"]


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"ENGAGE_TIMEZONE is {name!r}, which is not a time zone name "
                         f"such as Europe/London") from error


def zone() -> ZoneInfo:
    """The site's time zone."""
    return _zone


# ---- now ----------------------------------------------------------------------------------

def _aware_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _from_file(path: str) -> datetime | None:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read().strip()
    except OSError:
        return None
    if not text:
        return None
    return _aware_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def now() -> datetime:
    """This moment, aware, in UTC."""
    if _frozen is not None:
        return _frozen
    if _clock_file:
        moment = _from_file(_clock_file)
        if moment is not None:
            return moment
    return datetime.now(timezone.utc)


def utcnow() -> datetime:
    """This moment as stored: naive UTC (what every ``DateTime`` column holds)."""
    return now().replace(tzinfo=None)


def local_now() -> datetime:
    """This moment on the site's clocks (aware, in the site's zone)."""
    return now().astimezone(_zone)


def today() -> date:
    """The date in the site's zone."""
    return local_now().date()


# ---- conversions --------------------------------------------------------------------------

def local(moment: datetime | None) -> datetime | None:
    """A stored time (naive = UTC, or aware) as the site's wall-clock time (aware)."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        return moment
    return _aware_utc(moment).astimezone(_zone)


def to_utc(moment: datetime) -> datetime:
    """An aware time (any zone) as the naive UTC value to store."""
    return _aware_utc(moment).replace(tzinfo=None)


def from_local(day: date, at: time | None = None) -> datetime:
    """The naive UTC value to store for ``day`` at wall-clock time ``at`` in the site's zone.

    A wall-clock time that never happens (clocks going forward) is read with the offset in
    force before the change; one that happens twice (clocks going back) is the first."""
    wall = datetime.combine(day, (at or time()).replace(tzinfo=None))
    return wall.replace(tzinfo=_zone, fold=0).astimezone(timezone.utc).replace(tzinfo=None)


def start_of_day(day: date) -> datetime:
    """The UTC moment (naive) the local ``day`` begins."""
    return from_local(day, time())


def end_of_day(day: date) -> datetime:
    """The UTC moment (naive) the local ``day`` ends: the start of the next local day."""
    return from_local(day + timedelta(days=1), time())


def local_day(moment: datetime | None) -> date | None:
    """The site's date at a stored time."""
    moment = local(moment)
    return moment.date() if moment is not None else None


def describe_gap(day: date, at: time) -> str | None:
    """Plain words when ``at`` on ``day`` is not an ordinary local time (it never happens or
    happens twice because the clocks change), saying which moment Engage takes; else None."""
    wall = datetime.combine(day, at.replace(tzinfo=None))
    first = wall.replace(tzinfo=_zone, fold=0)
    second = wall.replace(tzinfo=_zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    back = first.astimezone(timezone.utc).replace(tzinfo=None)
    from .i18n import gettext
    from .templating import format_date

    if local(back).replace(tzinfo=None) != wall:
        shown = local(back)
        return gettext("The clocks go forward on %(day)s, so %(time)s does not happen that day. Engage takes it as "
                       "%(taken)s.", day=format_date(day), time=f"{at:%H:%M}", taken=f"{shown:%H:%M}")
    return gettext("The clocks go back on %(day)s, so %(time)s happens twice that day. Engage takes the first one "
                   "(summer time).", day=format_date(day), time=f"{at:%H:%M}")


# ---- tests move the clock ----------------------------------------------------------------

def set(moment: datetime) -> datetime:  # noqa: A001 - clock.set reads well
    """Freeze the clock at ``moment`` (naive means UTC). For tests only."""
    global _frozen
    with _lock:
        _frozen = _aware_utc(moment)
    return _frozen


def advance(by: timedelta) -> datetime:
    """Move a frozen clock on (freezing it now first if it runs). For tests only."""
    global _frozen
    with _lock:
        _frozen = (_frozen or now()) + by
    return _frozen


def reset() -> None:
    """Let the clock run again (the real time, or ``ENGAGE_CLOCK_FILE``)."""
    global _frozen
    with _lock:
        _frozen = None


def is_frozen() -> bool:
    return _frozen is not None
