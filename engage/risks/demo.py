"""Demo: a handful of the partnership's strategic risks, in the words of seed 004 ("Managing
Risk", the State of the Borough audit, funding and transformational issues) and seed 003 (the
Neighbourhood Renewal Fund ends by 2008). Scores, controls and dates are demo figures; the
strategic risk review was planned for October/November 2006. Idempotent (by title)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..accounts.models import User
from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Outcome, Partnership
from .models import Risk, RiskLink

RISKS = [
    ("The Neighbourhood Renewal Fund ends by 2008 and funded work stops with it", "strategic", None, 4, 5,
     "The fund falls from £6.7m in 2005/06 to £5.4m (indicative) in 2007/08 and is assumed to end by 2008.",
     "Each funded project has an exit strategy. Bids are scored on levering in other money.",
     "Partners agree by March 2007 which projects move into mainstream budgets.", date(2006, 11, 30), ["UR1", "ELS1"]),
    ("Economic inactivity stays stubbornly high, above all in the priority wards", "strategic",
     "Employment, Learning and Skills Partnership", 4, 4,
     "The level of human capital and trends in economic growth may present problems for the future: 36% of working-age "
     "residents were economically inactive in May 2006.",
     "Worklessness, not only Jobseeker's Allowance claimants, is the focus. Outreach in the six wards.",
     "Target the over 50s, lone parents, and sick and disabled people with personal support.", date(2006, 11, 30), ["ELS1"]),
    ("Government funding rules stop partners pooling budgets", "strategic", None, 4, 3,
     "The structure of government funding often prevents pooling: national organisations lack freedom because of "
     "nationally delivered schemes.",
     "Budgets are aligned behind the agreement in year 1 instead of pooled.",
     "Review pooling for years 2 and 3; ask Government Office for the freedoms in Annex C.", date(2006, 11, 30), []),
    ("The partnership's ambition is larger than the resources it has", "strategic", None, 3, 4,
     "The partnership is realistic about what can be achieved given the scale of resources being deployed.",
     "The outcomes framework sets a monitoring level for each target; the PSG reviews every six months.",
     "Prioritise the priorities: weighted criteria for bids instead of dividing the money pro rata.", date(2006, 11, 30), []),
    ("No single agency can reduce the harm caused by alcohol on its own", "strategic", "Healthy Halton Partnership", 3, 4,
     "Halton ranks in the worst 5 of 43 North West districts on every alcohol indicator; 92% of 15 to 16 year olds drink.",
     "A multi-agency task group and an Alcohol Harm Reduction Strategy.",
     "Appoint the Alcohol Intervention officer; every partnership treats alcohol as a cross-cutting issue.",
     date(2006, 11, 30), ["HH1", "CYP1"]),
    ("Thematic partnerships are not fit for purpose to deliver their blocks of the agreement", "operational",
     "Safer Halton Partnership", 2, 4,
     "Each thematic partnership must review its arrangements to make sure they are fit for purpose.",
     "Governance review of 2005; lead partners and named lead officers for each target.",
     "Assess operational risks in each partnership's action planning.", date(2007, 3, 31), ["SH1"]),
]


def seed_risks(echo=lambda m: None) -> None:
    from ..core.audit import record

    officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    if officer is None:
        return
    outcomes = {o.code: o.id for o in db.session.scalars(select(Outcome))}
    added = 0
    for title, category, owner, likelihood, impact, description, controls, actions, review_on, codes in RISKS:
        if db.session.scalar(select(Risk).where(Risk.title == title)) is not None:
            continue
        partnership = db.session.scalar(select(Partnership).where(Partnership.name == owner)) if owner else None
        risk = Risk(title=title, category=category, partnership_id=partnership.id if partnership else None,
                    likelihood=likelihood, impact=impact, description=description, controls=controls, actions=actions,
                    review_on=review_on, state="open", created_by_id=officer.id)
        db.session.add(risk)
        db.session.flush()
        record(officer, "create", risk, f"Added the risk “{title[:80]}” scored {risk.score}")
        for code in codes:
            if code in outcomes:
                db.session.add(RiskLink(risk=risk, kind="outcome", target_id=outcomes[code]))
        added += 1
    db.session.flush()
    echo(f"Risk register: {added} risks added.")


register_seeder(61, seed_risks)
