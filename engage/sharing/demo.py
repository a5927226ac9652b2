"""Demo findings reports from the Halton demo consultations: two published (with responses
from their partnerships, one of them late) and one in review. Dates are relative to today so
the late one stays late. Idempotent: a report whose title exists is left alone."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..consultations.models import Consultation
from ..core.models import utcnow
from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Area, Outcome, Partnership, Priority
from .models import FindingsReport, Recommendation, ReportFinding, ReportTransition, Response, ResponseUpdate

ENVIRONMENT = "Environment survey 2005: what would improve your area?"
ALCOHOL = "Young people's alcohol survey 2005 (years 10 and 11)"
RESIDENTS = "Community Strategy residents' survey 2005: telephone survey and focus groups"

REPORTS = [
    {
        "title": "Cleaner streets and safer parks: what residents told us in 2005",
        "from": [ENVIRONMENT], "weeks_ago": 14, "state": "published",
        "summary": "2,500 residents told us that removing rubbish and cleaning streets and verges would improve their area most. "
                   "People in the priority wards feel their streets are less clean than the rest of the borough.",
        "meaning": "Liveability matters most where deprivation is highest. Cleaning and park work should start in the priority wards.",
        "method": "Postal survey of 2,500 residents, 2005.", "sample_size": 2500,
        "representativeness": "Sent to every area of the borough. Younger people answered less often (demo note).",
        "gaps": "No breakdown by ethnicity was collected.",
        "priorities": ["Safe and attractive neighbourhoods"], "outcomes": ["SH1"], "areas": ["Halton"], "audiences": ["residents"],
        "partnerships": ["Safer Halton Partnership", "Urban Renewal Partnership"],
        "recommendations": ["Clean the streets and verges in the priority wards more often, and tell residents when.",
                            "Make local parks safer and tidier, starting with those residents named."],
        "responses": {"Safer Halton Partnership": [
            ("taken", "Street cleaning in the six priority wards went from monthly to fortnightly.", "Street scene manager, Halton Borough Council", 10,
             ["Fortnightly cleaning started in all six priority wards (demo)."]),
            ("planned", "Park wardens to patrol the three parks residents named most, with new bins and lighting.", "Parks and open spaces team", -6, []),
        ]},
        # The Urban Renewal Partnership has not answered: its response is late.
    },
    {
        "title": "Young people and alcohol: what pupils told us",
        "from": [ALCOHOL], "weeks_ago": 3, "state": "published",
        "summary": "92% of 15 to 16 year olds in Halton drink, more than the North West average. 40% drink in pubs and half get "
                   "alcohol from their parents.",
        "meaning": "Work with parents and licensees is as important as work with young people.",
        "method": "Survey of year 10 and 11 pupils in Halton's schools, 2005.", "sample_size": 1850,
        "representativeness": "Pupils in school on the day; those not in school are missing.",
        "gaps": "Young people not in school were not asked.",
        "priorities": ["A Healthy Halton", "Halton's Children and Young People"], "outcomes": ["HH1", "CYP1"], "areas": ["Halton"],
        "audiences": ["young-people"],
        "partnerships": ["Healthy Halton Partnership", "Children and Young People's Partnership"],
        "recommendations": ["Run a campaign with parents about giving alcohol to teenagers.",
                            "Work with licensees to stop under-age drinking in pubs."],
        "responses": {"Healthy Halton Partnership": [
            ("accepted", "A parents' campaign will be part of the Alcohol Harm Reduction Strategy.", "Public health team, Halton PCT", 20, []),
        ]},
    },
    {
        "title": "What residents want improved: the 2005 residents' survey",
        "from": [RESIDENTS], "weeks_ago": 0, "state": "in-review",
        "summary": "Crime and anti-social behaviour is what residents most want improved, followed by activities for young people.",
        "meaning": "", "method": "Telephone survey of 3,000 residents and focus groups, 2005.", "sample_size": 3000,
        "representativeness": "", "gaps": "",
        "priorities": ["A Safer Halton"], "outcomes": ["SH1"], "areas": ["Halton"], "audiences": ["residents"],
        "partnerships": ["Safer Halton Partnership"],
        "recommendations": ["Give young people more to do in the evenings, in every ward."],
        "responses": {},
    },
]


def _by(model, attr, values):
    rows = db.session.scalars(select(model).where(getattr(model, attr).in_(values))).all() if values else []
    found = {getattr(r, attr): r for r in rows}
    return [found[v] for v in values if v in found]


def seed_reports(echo=lambda m: None, today: date | None = None) -> None:
    now = utcnow()
    practitioner = db.session.scalar(select(User).where(User.email == "practitioner@example.org"))
    officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    if practitioner is None or officer is None:
        return
    added = 0
    for spec in REPORTS:
        if db.session.scalar(select(FindingsReport.id).where(FindingsReport.title == spec["title"])) is not None:
            continue
        consultations = _by(Consultation, "title", spec["from"])
        if not consultations:
            continue
        at = now - timedelta(weeks=spec["weeks_ago"], days=1)
        report = FindingsReport(
            title=spec["title"], summary=spec["summary"], meaning=spec["meaning"], method=spec["method"],
            sample_size=spec["sample_size"], representativeness=spec["representativeness"], gaps=spec["gaps"],
            audiences=spec["audiences"], visibility="public", state=spec["state"], is_demo=True,
            organisation_id=practitioner.organisation_id, created_by_id=practitioner.id, created_at=at - timedelta(days=14),
        )
        report.consultations = consultations
        report.priorities = [p for p in db.session.scalars(select(Priority).where(Priority.name.in_(spec["priorities"])))]
        report.outcomes = _by(Outcome, "code", spec["outcomes"])
        report.areas = _by(Area, "name", spec["areas"])
        report.partnerships = _by(Partnership, "name", spec["partnerships"])
        for position, c in enumerate(consultations):
            for f in c.findings:
                report.findings.append(ReportFinding(position=len(report.findings) + 1, statement=f.statement,
                                                     evidence=f.evidence, question_id=f.question_id))
        recs = [Recommendation(position=i, text=text) for i, text in enumerate(spec["recommendations"], start=1)]
        report.recommendations.extend(recs)
        steps = [("create", "", "draft", practitioner, 14), ("submit", "draft", "in-review", practitioner, 10)]
        if spec["state"] == "published":
            steps += [("approve", "in-review", "approved", officer, 3), ("publish", "approved", "published", officer, 0)]
            report.published_at = report.released_at = at
        for action, source, target, actor, days_before in steps:
            report.transitions.append(ReportTransition(actor_id=actor.id, action=action, from_state=source, to_state=target,
                                                       created_at=at - timedelta(days=days_before)))
        db.session.add(report)
        db.session.flush()
        for name, answers in spec["responses"].items():
            partnership = next(p for p in report.partnerships if p.name == name)
            for rec, (status, action, owner, due_in_weeks, updates) in zip(recs, answers):
                answered = min(at + timedelta(weeks=4), now)
                response = Response(report=report, recommendation=rec, partnership=partnership, status=status, action=action,
                                    owner=owner, due_on=(at + timedelta(weeks=due_in_weeks)).date(),
                                    created_at=answered, updated_at=answered,
                                    state="published", published_at=answered, published_by_id=officer.id)
                for note in updates:
                    response.updates.append(ResponseUpdate(note=note, stage="done" if status == "taken" else "in-progress",
                                                           created_at=min(at + timedelta(weeks=8), now)))
                db.session.add(response)
        db.session.flush()
        added += 1
    echo(f"Demo findings reports loaded ({added} new).")


register_seeder(40, seed_reports)
