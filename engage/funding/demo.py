"""The demo's funding: the Neighbourhood Renewal Fund with Halton's allocations and taper,
a few funded projects with their spend, a bid round scored and ranked, and the year before's
round decided by the board (its funded bids now projects). Everything goes
through the services, so the demo keeps the same rules as the pages."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Organisation, Outcome, Partnership
from . import bids, demo_content as content, services
from ..core.audit import record
from ..strategy.models import BudgetFigures, BudgetLine
from .models import BidRound, FundedProject, FundingAllocation, FundingProgramme, ProjectYear


def _one(model, **kw):
    return db.session.scalar(select(model).filter_by(**kw))


def seed(echo=lambda m: None) -> None:
    officer = _one(User, email="officer@example.org")
    if officer is None or _one(FundingProgramme, name=content.NRF) is not None:
        return
    nrf = FundingProgramme(name=content.NRF, summary=content.NRF_SUMMARY, last_year=content.NRF_LAST_YEAR, end_note=content.NRF_END_NOTE)
    db.session.add(nrf)
    db.session.flush()
    # Built directly (the demo loads with every test that uses it, so it is kept quick); the
    # rule the pages keep (no year's projects get more than its allocation) is checked below.
    for year, pounds, status in content.NRF_ALLOCATIONS:
        db.session.add(FundingAllocation(programme=nrf, year=year, amount=pounds * 100, status=status))
    for position, (name, partnership, org, summary, exit_strategy, money, figures) in enumerate(content.PROJECTS, start=1):
        project = FundedProject(programme=nrf, name=name, partnership=_one(Partnership, name=partnership),
                                organisation=_one(Organisation, name=org), summary=summary, exit_strategy=exit_strategy)
        db.session.add(project)
        for year, pounds in money.items():
            line = BudgetLine(book=services.BOOK, year=year, item=services._line_item(project), position=position,
                              annual_budget=pounds * 100, partnership=project.partnership)
            db.session.add(ProjectYear(project=project, year=year, line=line))
            if year in figures:
                quarter, spent, planned, estimate = figures[year]
                db.session.add(BudgetFigures(line=line, quarter=quarter, spend_to_date=spent * 100, budget_to_date=planned * 100,
                                             year_end_estimate=estimate * 100))
    db.session.flush()
    for allocation in nrf.allocations:
        given = services.allocated(nrf, allocation.year)
        if given > allocation.amount:
            raise RuntimeError(f"The demo gives {given} pence of {allocation.year}, more than its allocation")
    record(officer, "create", nrf, f"Demo: {content.NRF} with {len(content.NRF_ALLOCATIONS)} years of allocations and {len(content.PROJECTS)} projects")
    seed_round(officer, nrf, {"title": content.ROUND_TITLE, "partnership": content.ROUND_PARTNERSHIP, "year": content.ROUND_YEAR,
                              "pot": content.ROUND_POT, "scale": content.ROUND_SCALE, "bids": content.BIDS})
    decided = seed_round(officer, nrf, content.DECIDED_ROUND)
    bids.move(officer, decided, "decide", "ranked", content.DECIDED_ROUND["reason"])
    echo(f"{content.NRF}: {len(content.NRF_ALLOCATIONS)} years of allocations, {len(content.PROJECTS)} projects, "
         "a ranked bid round and a decided one.")


def _target(kind, key):
    from ..consultations.models import Consultation

    if kind == "consultation":
        found = _one(Consultation, title=key)
    else:
        found = _one(Outcome, code=key)
    return found.id if found else None


def seed_round(officer, nrf, spec: dict) -> BidRound:
    """A round (``spec``: title, partnership, year, pot and scale, its bids) opened, bid for,
    scored by the demo's assessors and ranked."""
    rnd = bids.open_round(officer, nrf, {"title": spec["title"], "partnership_id": _one(Partnership, name=spec["partnership"]).id,
                                         "year": spec["year"], "pot": spec["pot"], "scale_max": spec["scale"]})
    for name, guidance, weight in content.CRITERIA:
        bids.save_criterion(officer, rnd, None, {"name": name, "guidance": guidance, "weight": weight})
    assessors = {email: _one(User, email=email) for email in content.ASSESSORS}
    for user in assessors.values():
        if user is not None:
            bids.add_assessor(officer, rnd, user)
    made = []
    for title, partnership, org, summary, pounds, evidence, scores in spec["bids"]:
        bid = bids.save_bid(officer, rnd, {"title": title, "partnership_id": _one(Partnership, name=partnership).id,
                                           "organisation_id": _one(Organisation, name=org).id, "summary": summary, "requested": pounds})
        for kind, key in evidence:
            target = _target(kind, key)
            if target is not None:
                bids.add_evidence(officer, bid, f"{kind}:{target}")
        made.append((bid, scores))
    bids.move(officer, rnd, "start-scoring", "open")
    for bid, scores in made:
        for email, values in scores.items():
            user = assessors.get(email)
            if user is None:
                continue
            entries = {c.id: (v, f"Demo reason: scored {v} of {rnd.scale_max} on {c.name.lower()}.") for c, v in zip(rnd.criteria, values)}
            bids.save_scores(user, bid, entries)
    bids.move(officer, rnd, "rank", "scoring")
    return rnd


register_seeder(55, seed)
