"""Seeds the partnership model and accounts from ``halton.py``."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..partnership.models import Area, Framework, Indicator, IndicatorReading, Organisation, Outcome, Partnership, Priority, Theme
from . import halton, register_seeder


def get_or_create(model, lookup: dict, defaults: dict | None = None):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
    return obj


def seed_foundation(echo=lambda m: None) -> None:
    orgs = {}
    for name, kind, description in halton.ORGANISATIONS:
        orgs[name] = get_or_create(Organisation, {"name": name}, {"kind": kind, "description": description, "website": ""})

    name, short, description = halton.STRATEGIC
    strategic = get_or_create(Partnership, {"name": name}, {"short_name": short, "kind": "strategic", "description": description})
    partnerships = {name: strategic}
    for name, short, description in halton.PRIORITY_PARTNERSHIPS:
        partnerships[name] = get_or_create(Partnership, {"name": name}, {"short_name": short, "kind": "priority", "description": description, "parent_id": strategic.id})
    for name, members in halton.MEMBERS.items():
        p = partnerships[name]
        if not p.members:
            p.members = [orgs[m] for m in members]

    priorities = {}
    for fw in halton.FRAMEWORKS:
        framework = get_or_create(Framework, {"name": fw["name"]}, {"starts_on": fw["starts_on"], "ends_on": fw["ends_on"], "description": fw["description"]})
        for position, (pname, owner) in enumerate(fw["priorities"], start=1):
            priorities[pname] = get_or_create(Priority, {"framework_id": framework.id, "name": pname}, {"position": position, "partnership_id": partnerships[owner].id, "description": ""})
        for position, (tname, tdesc) in enumerate(fw["themes"], start=1):
            get_or_create(Theme, {"framework_id": framework.id, "name": tname}, {"position": position, "description": tdesc})
    for old, new_names in halton.SUCCESSION.items():
        old_p = priorities[old]
        if not old_p.successors:
            old_p.successors = [priorities[n] for n in new_names]

    for pname, code, title, indicators in halton.OUTCOMES:
        outcome = get_or_create(Outcome, {"priority_id": priorities[pname].id, "code": code}, {"title": title, "description": ""})
        for spec in indicators:
            ind = get_or_create(Indicator, {"outcome_id": outcome.id, "name": spec["name"]}, {
                "unit": spec["unit"], "direction": spec["direction"],
                "baseline_value": spec["baseline"][0], "baseline_date": spec["baseline"][1],
                "target_value": spec["target"][0], "target_date": spec["target"][1],
                "monitoring_level": spec["monitoring"], "lead_organisation_id": orgs[spec["lead"]].id,
                "is_demo": spec["demo"], "source": spec["source"],
            })
            for taken_on, value, demo in spec["readings"]:
                get_or_create(IndicatorReading, {"indicator_id": ind.id, "taken_on": taken_on}, {"value": value, "is_demo": demo, "note": "Demo figure" if demo else ""})

    borough = get_or_create(Area, {"name": halton.BOROUGH[0], "parent_id": None}, {"level": "borough", "population": halton.BOROUGH[1]})
    for town, (population, wards) in halton.TOWNS.items():
        t = get_or_create(Area, {"name": town, "parent_id": borough.id}, {"level": "town", "population": population, "population_is_demo": True})
        for ward, ward_pop, priority in wards:
            w = get_or_create(Area, {"name": ward, "parent_id": t.id}, {"level": "ward", "population": ward_pop, "priority_ward": priority, "population_is_demo": True})
            for hood, hood_pop in halton.NEIGHBOURHOODS.get(ward, []):
                get_or_create(Area, {"name": hood, "parent_id": w.id}, {"level": "neighbourhood", "population": hood_pop, "population_is_demo": True})

    for email, name, role, org in halton.USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role, organisation_id=orgs[org].id, active=True)
            user.set_password(halton.DEMO_PASSWORD)
            db.session.add(user)
            db.session.flush()
    for email, pname in halton.COORDINATES.items():
        p = partnerships[pname]
        user = db.session.scalar(select(User).where(User.email == email))
        if user not in p.coordinators:
            p.coordinators.append(user)
    echo("Partnership, priorities, outcomes, places and demo accounts loaded.")


register_seeder(10, seed_foundation)
