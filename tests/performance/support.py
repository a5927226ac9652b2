"""Helpers for the performance tests: a small partnership with one target, periods and
readings, made directly (the partnership's own services are tested in tests/partnership)."""
from __future__ import annotations

from datetime import date

from engage.extensions import db

HALVES = [  # (name, kind, starts, ends, reports)
    ("Apr-Sep 2005", "six-monthly", date(2005, 4, 1), date(2005, 9, 30), date(2005, 11, 16)),
    ("Oct 2005-Mar 2006", "six-monthly", date(2005, 10, 1), date(2006, 3, 31), date(2006, 5, 17)),
    ("Apr-Sep 2006", "six-monthly", date(2006, 4, 1), date(2006, 9, 30), date(2006, 11, 15)),
    ("Oct-Dec 2006", "quarterly", date(2006, 10, 1), date(2006, 12, 31), date(2007, 2, 28)),
    ("Oct 2006-Mar 2007", "six-monthly", date(2006, 10, 1), date(2007, 3, 31), date(2007, 5, 16)),
]
READ_ON = [date(2005, 9, 1), date(2006, 3, 1), date(2006, 9, 1), None, date(2007, 3, 1)]


def world(users=None, coordinator=None):
    """A priority partnership (with ``coordinator``), an outcome, and the five periods above."""
    from engage.partnership.models import Framework, Organisation, Outcome, Partnership, Priority
    from engage.performance.models import MonitoringPeriod

    lead = db.session.query(Organisation).first() or Organisation(name="Lead Council", kind="council", website="")
    partnership = Partnership(name="Safer Test Partnership", kind="priority")
    if coordinator is not None:
        partnership.coordinators.append(coordinator)
    framework = Framework(name="Test framework", starts_on=date(2005, 4, 1))
    priority = Priority(framework=framework, name="A Safer Place", partnership=partnership)
    outcome = Outcome(priority=priority, code="S1", title="Cleaner streets")
    db.session.add_all([lead, partnership, framework, priority, outcome])
    periods = [MonitoringPeriod(name=n, kind=k, starts_on=s, ends_on=e, reports_on=r) for n, k, s, e, r in HALVES]
    db.session.add_all(periods)
    db.session.flush()
    return {"lead": lead, "partnership": partnership, "outcome": outcome, "periods": periods}


def target(w, values, name="Clean streets", level=45.0, direction="higher", annual=False):
    """A target whose six-monthly readings are ``values`` (None: no reading that period)."""
    from engage.partnership.models import Indicator, IndicatorReading
    from engage.performance.models import TargetSetting

    indicator = Indicator(outcome=w["outcome"], name=name, unit="%", direction=direction, monitoring_level=level,
                          baseline_value=48, baseline_date=date(2005, 4, 1), target_value=60, target_date=date(2009, 3, 31),
                          lead_organisation=w["lead"])
    db.session.add(indicator)
    days = [d for d in READ_ON if d is not None]
    for day, value in zip(days, values):
        if value is not None:
            db.session.add(IndicatorReading(indicator=indicator, taken_on=day, value=value))
    db.session.flush()
    if annual:
        db.session.add(TargetSetting(indicator_id=indicator.id, annual_only=True))
    db.session.commit()
    return indicator
