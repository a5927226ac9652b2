"""Small builders for funding tests: a programme with allocations, projects, and a round with
criteria and assessors, made through the services (so the rules hold)."""
from __future__ import annotations

from engage.accounts.models import User
from engage.extensions import db
from engage.funding import bids, services
from engage.funding.models import FundingProgramme
from engage.partnership.models import Organisation, Partnership
from tests.conftest import password_hash


def partnerships():
    out = []
    for name in ("Healthy Halton Partnership", "Safer Halton Partnership"):
        p = db.session.scalar(db.select(Partnership).filter_by(name=name)) or Partnership(name=name, kind="priority")
        db.session.add(p)
        out.append(p)
    db.session.flush()
    return out


def programme(officer, allocations=((2005, 6_720_760, "confirmed"), (2006, 6_048_684, "confirmed"), (2007, 5_376_608, "indicative")),
              last_year=2007):
    prog = FundingProgramme(name="Neighbourhood Renewal Fund", last_year=last_year)
    db.session.add(prog)
    db.session.flush()
    for year, pounds, status in allocations:
        services.save_allocation(officer, prog, year, pounds, status)
    return prog


def project(officer, prog, name, partnership, money=None, exit_strategy=""):
    p = services.save_project(officer, None, {"programme_id": prog.id, "name": name, "partnership_id": partnership.id,
                                              "exit_strategy": exit_strategy})
    for year, pounds in (money or {}).items():
        services.set_funding(officer, p, year, pounds)
    return p


def person(email, org, role="practitioner"):
    user = User(email=email, name=email.split("@")[0].title(), role=role, organisation_id=org.id, active=True, password_hash=password_hash())
    db.session.add(user)
    db.session.flush()
    return user


def round_with(officer, prog, partnership, criteria, pot=1000, scale=5, year=2007):
    rnd = bids.open_round(officer, prog, {"title": "Test round", "partnership_id": partnership.id, "year": year, "pot": pot, "scale_max": scale})
    for name, weight in criteria:
        bids.save_criterion(officer, rnd, None, {"name": name, "weight": weight})
    return rnd


def bid(officer, rnd, title, partnership, org, pounds):
    return bids.save_bid(officer, rnd, {"title": title, "partnership_id": partnership.id, "organisation_id": org.id, "requested": pounds})


def org(name, kind="other"):
    o = db.session.scalar(db.select(Organisation).filter_by(name=name)) or Organisation(name=name, kind=kind)
    db.session.add(o)
    db.session.flush()
    return o
