"""The demo's monitoring periods and ladder (``seed-demo``), on Halton's own figures where
the papers give them (seed 004: 92% of 15–16 year olds drink; 36% economically inactive in
May 2006; priority wards' unemployment above the Halton average of 3.5%). Readings the
papers do not give are demo figures, marked as such. The ladder is then worked out from the
readings, as the scheduled review would: one target at each stage in November 2006, and one
stage closed. Idempotent: everything is looked up by its natural key first."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..accounts.models import User
from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Indicator, IndicatorReading, Organisation, Outcome
from .models import LadderStage, MonitoringPeriod, PsgMember, TargetSetting

PERIODS = [
    ("April to June 2005", "quarterly", date(2005, 4, 1), date(2005, 6, 30), date(2005, 8, 17)),
    ("April to September 2005", "six-monthly", date(2005, 4, 1), date(2005, 9, 30), date(2005, 11, 16)),
    ("October 2005 to March 2006", "six-monthly", date(2005, 10, 1), date(2006, 3, 31), date(2006, 5, 17)),
    ("April to June 2006", "quarterly", date(2006, 4, 1), date(2006, 6, 30), date(2006, 8, 16)),
    ("April to September 2006", "six-monthly", date(2006, 4, 1), date(2006, 9, 30), date(2006, 11, 15)),
    ("October to December 2006", "quarterly", date(2006, 10, 1), date(2006, 12, 31), date(2007, 2, 28)),
    ("October 2006 to March 2007", "six-monthly", date(2006, 10, 1), date(2007, 3, 31), date(2007, 5, 16)),
]

# A target the demo adds (under an outcome the foundation seeds): seed 004 says all six
# priority wards have unemployment above the Halton average of 3.5%.
NEW_TARGETS = [
    ("ELS1", {"name": "Unemployment rate in the six priority wards", "unit": "%", "direction": "lower",
              "baseline_value": 6.2, "baseline_date": date(2005, 4, 1), "target_value": 5.0, "target_date": date(2009, 3, 31),
              "monitoring_level": 6.0, "lead": "Halton Borough Council", "is_demo": True,
              "source": "Seed 004: every priority ward is above the Halton average of 3.5%. Ward figures and target are demo data."}),
]

# Readings added to the demo targets (indicator name -> [(date, value)]), all demo figures.
READINGS = {
    # Stage 3 by November 2006: below the monitoring level (6.0) three six-monthly periods running.
    "Unemployment rate in the six priority wards": [(date(2005, 9, 1), 6.4), (date(2006, 3, 1), 6.6), (date(2006, 9, 1), 6.5)],
    # Stage 2 by November 2006: met in 2005, then below (45) twice running.
    "Residents satisfied with how clean their streets are": [(date(2006, 3, 1), 44), (date(2006, 9, 1), 43)],
    # Stage 1 by November 2006: a yearly survey, below (93) in July 2006.
    "15–16 year olds who drink alcohol": [(date(2006, 7, 1), 94)],
    # A stage that closed: below (37) in February 2006, back to the real 36% in May 2006.
    "Working-age residents who are economically inactive": [(date(2006, 2, 1), 37.4)],
}
ANNUAL_ONLY = ["15–16 year olds who drink alcohol", "Teenagers who say they drink in pubs",
               "Residents living in England's most deprived small areas"]
LEAD_OFFICERS = {"Residents satisfied with how clean their streets are": "practitioner@example.org"}
PSG_MEMBERS = ["officer2@example.org"]


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _indicator(name):
    return db.session.scalar(select(Indicator).where(Indicator.name == name))


def seed_performance(echo=lambda m: None) -> None:
    from . import services

    if _indicator("15–16 year olds who drink alcohol") is None:
        return  # no foundation data to build on
    for name, kind, starts, ends, reports in PERIODS:
        if db.session.scalar(select(MonitoringPeriod.id).where(MonitoringPeriod.name == name)) is None:
            db.session.add(MonitoringPeriod(name=name, kind=kind, starts_on=starts, ends_on=ends, reports_on=reports))
    for code, spec in NEW_TARGETS:
        outcome = db.session.scalar(select(Outcome).where(Outcome.code == code))
        if outcome is not None and _indicator(spec["name"]) is None:
            values = {k: v for k, v in spec.items() if k != "lead"}
            lead = db.session.scalar(select(Organisation).where(Organisation.name == spec["lead"]))
            db.session.add(Indicator(outcome_id=outcome.id, lead_organisation_id=lead.id if lead else None, **values))
    db.session.flush()
    for name, rows in READINGS.items():
        indicator = _indicator(name)
        if indicator is None:
            continue
        for taken_on, value in rows:
            if db.session.scalar(select(IndicatorReading.id).where(IndicatorReading.indicator_id == indicator.id,
                                                                   IndicatorReading.taken_on == taken_on)) is None:
                db.session.add(IndicatorReading(indicator_id=indicator.id, taken_on=taken_on, value=value, is_demo=True,
                                                note="Demo figure"))
    for name in set(ANNUAL_ONLY) | set(LEAD_OFFICERS):
        indicator = _indicator(name)
        if indicator is not None and services.setting(indicator) is None:
            officer = _user(LEAD_OFFICERS.get(name, ""))
            db.session.add(TargetSetting(indicator_id=indicator.id, annual_only=name in ANNUAL_ONLY,
                                         lead_officer_id=officer.id if officer else None))
    for email in PSG_MEMBERS:
        user = _user(email)
        if user is not None and db.session.scalar(select(PsgMember.id).where(PsgMember.user_id == user.id)) is None:
            db.session.add(PsgMember(user_id=user.id))
    db.session.flush()
    db.session.expire_all()
    if db.session.scalar(select(LadderStage.id).limit(1)) is not None:
        return
    counts = services.review(date(2007, 6, 1), tell=False)
    echo(f"Ladder of intervention worked out: {counts['started']} stages started, {counts['closed']} closed.")
    # What people did about them: the Safer Halton Partnership's plan at stage 2; the PSG
    # names a member to agree the revised plan at stage 3.
    coordinator, member = _user("coordinator@example.org"), _user("officer2@example.org")
    streets = services.open_stage(_indicator("Residents satisfied with how clean their streets are"))
    if streets is not None and coordinator is not None and streets.state == "planning":
        services.move(coordinator, streets, "record-plan", {
            "plan": "Extra street cleansing rounds in the six priority wards; a 'report it' phone line with the Housing Trust; "
                    "a walkabout with residents in Castlefields and Windmill Hill each quarter."}, today=date(2006, 12, 5), tell=False)
    jobs = services.open_stage(_indicator("Unemployment rate in the six priority wards"))
    if jobs is not None and member is not None and jobs.state == "nominating":
        services.move(member, jobs, "nominate", {"nominee_id": member.id}, today=date(2006, 11, 20), tell=False)
    db.session.flush()


register_seeder(45, seed_performance)
