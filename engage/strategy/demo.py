"""The demo's engagement strategy, implementation plan, budget and Network Group
(``seed-demo``). Idempotent: everything is looked up by its natural key first."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Area, Organisation, Partnership
from . import demo_content as content
from .models import (ActionProgress, BudgetFigures, BudgetLine, NetworkEvent, NetworkMember, PlanAction, PlanTheme, StrategyComment,
                     StrategyDocument, StrategySection, StrategyTransition, StrategyVersion)
from ..core import clock


def _officer():
    return db.session.scalar(select(User).where(User.email == "officer@example.org"))


def _org(name):
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def seed_strategy(officer) -> bool:
    if db.session.scalar(select(StrategyDocument).where(StrategyDocument.title == content.STRATEGY_TITLE)):
        return False
    document = StrategyDocument(title=content.STRATEGY_TITLE)
    version = StrategyVersion(document=document, number=1, title=content.STRATEGY_TITLE + " 2005", summary=content.STRATEGY_SUMMARY,
                              state="adopted", comments_close_on=date(2005, 9, 21), adopted_on=date(2005, 10, 5),
                              created_by_id=officer.id if officer else None)
    db.session.add(version)
    sections = {}
    for position, (key, heading, body) in enumerate(content.SECTIONS, start=1):
        sections[key] = StrategySection(strategy_version=version, key=key, position=position, heading=heading, body=body)
        db.session.add(sections[key])
    for key, org, body, passage, kind, response in content.COMMENTS:
        db.session.add(StrategyComment(section=sections[key], organisation_name=org, body=body, passage=passage,
                                       created_at=datetime(2005, 9, 1, 10, 0), response_kind=kind, response_text=response,
                                       responded_by_id=officer.id if officer else None, responded_at=datetime(2005, 9, 28, 12, 0)))
    actor = officer.id if officer else None
    for when, action, from_state, to_state, reason in (
        (datetime(2005, 7, 13, 12, 0), "open_comment", "draft", "consultation", "The Board agreed a formal consultation on the drafts."),
        (datetime(2005, 10, 5, 9, 30), "adopt", "consultation", "adopted", "Launched at the LSP conference."),
    ):
        db.session.add(StrategyTransition(strategy_version=version, actor_id=actor, action=action, from_state=from_state,
                                          to_state=to_state, reason=reason, created_at=when))
    return True


def seed_consulting_strategy(officer) -> bool:
    """A second strategy whose first version is out for comment (see demo_content)."""
    if db.session.scalar(select(StrategyDocument).where(StrategyDocument.title == content.CONSULTING_TITLE)):
        return False
    today = clock.today()
    document = StrategyDocument(title=content.CONSULTING_TITLE)
    version = StrategyVersion(document=document, number=1, title=content.CONSULTING_TITLE, summary=content.CONSULTING_SUMMARY,
                              state="consultation", comments_close_on=today + timedelta(days=28), public_comments=True,
                              created_by_id=officer.id if officer else None)
    db.session.add(version)
    sections = {}
    for position, (key, heading, body) in enumerate(content.CONSULTING_SECTIONS, start=1):
        sections[key] = StrategySection(strategy_version=version, key=key, position=position, heading=heading, body=body)
        db.session.add(sections[key])
    sent = clock.from_local(today - timedelta(days=3), time(12))
    for key, org, body, passage in content.CONSULTING_COMMENTS:
        db.session.add(StrategyComment(section=sections[key], organisation_name=org, body=body, passage=passage, created_at=sent))
    db.session.add(StrategyTransition(strategy_version=version, actor_id=officer.id if officer else None, action="open_comment",
                                      from_state="draft", to_state="consultation", reason="", created_at=sent - timedelta(days=4)))
    return True


def seed_draft_strategy(officer) -> bool:
    """A third strategy, still a draft (see demo_content)."""
    if db.session.scalar(select(StrategyDocument).where(StrategyDocument.title == content.DRAFT_TITLE)):
        return False
    document = StrategyDocument(title=content.DRAFT_TITLE)
    version = StrategyVersion(document=document, number=1, title=content.DRAFT_TITLE, summary=content.DRAFT_SUMMARY, state="draft",
                              created_by_id=officer.id if officer else None)
    db.session.add(version)
    for position, (key, heading, body) in enumerate(content.DRAFT_SECTIONS, start=1):
        db.session.add(StrategySection(strategy_version=version, key=key, position=position, heading=heading, body=body))
    return True


def seed_plan(officer) -> None:
    partnership = db.session.scalar(select(Partnership).where(Partnership.kind == "strategic").order_by(Partnership.id))
    council = _org("Halton Borough Council")
    themes = {}
    for position, (name, purpose) in enumerate(content.THEMES, start=1):
        theme = db.session.scalar(select(PlanTheme).where(PlanTheme.name == name))
        if theme is None:
            theme = PlanTheme(name=name, purpose=purpose, position=position)
            db.session.add(theme)
        themes[name] = theme
    db.session.flush()
    for position, (theme, activity, timescale, starts, due, status, note) in enumerate(content.ACTIONS, start=1):
        exists = db.session.scalar(select(PlanAction).where(PlanAction.theme_id == themes[theme].id, PlanAction.activity == activity))
        if exists is not None:
            continue
        action = PlanAction(theme=themes[theme], position=position, activity=activity, timescale=timescale, starts_on=starts, due_on=due,
                            lead_organisation_id=council.id if council else None, partnership_id=partnership.id if partnership else None,
                            lead_officer_id=officer.id if officer else None)
        db.session.add(action)
        if status:
            db.session.add(ActionProgress(action=action, noted_on=content.Q1_END, status=status, note=note,
                                          author_id=officer.id if officer else None))


def seed_budget() -> None:
    for position, (item, spend, to_date, estimate, annual) in enumerate(content.BUDGET_Q1, start=1):
        line = db.session.scalar(select(BudgetLine).where(BudgetLine.year == content.BUDGET_YEAR, BudgetLine.item == item))
        if line is None:
            line = BudgetLine(year=content.BUDGET_YEAR, item=item, position=position, annual_budget=annual * 100)
            db.session.add(line)
            db.session.flush()
        if line.figures_for(1) is None:
            db.session.add(BudgetFigures(line=line, quarter=1, spend_to_date=spend * 100, budget_to_date=to_date * 100,
                                         year_end_estimate=estimate * 100))


def seed_network() -> None:
    for email, (job, about, methods, audiences, areas) in content.MEMBERS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or db.session.scalar(select(NetworkMember).where(NetworkMember.user_id == user.id)):
            continue
        member = NetworkMember(user_id=user.id, organisation_id=user.organisation_id, job_title=job, about=about, methods=methods,
                               audiences=audiences, contact_email=email)
        member.areas = list(db.session.scalars(select(Area).where(Area.name.in_(areas))))
        db.session.add(member)
    for title, kind, start, end, place, access, description, public in content.EVENTS:
        if db.session.scalar(select(NetworkEvent).where(NetworkEvent.title == title)):
            continue
        db.session.add(NetworkEvent(title=title, kind=kind, starts_at=_typed(start), ends_at=_typed(end), place=place,
                                    accessibility=access, description=description, public=public))


def _typed(parts) -> datetime:
    """A demo time written as on the site's clocks, stored as UTC (engage/core/clock.py)."""
    moment = datetime(*parts)
    return clock.from_local(moment.date(), moment.time())


def seed(echo) -> None:
    officer = _officer()
    if seed_strategy(officer):
        echo("Engagement strategy: version 1 (adopted 5 October 2005), with its comments and responses.")
    if seed_consulting_strategy(officer):
        echo(f"{content.CONSULTING_TITLE}: version 1, out for comment.")
    if seed_draft_strategy(officer):
        echo(f"{content.DRAFT_TITLE}: version 1, a draft.")
    seed_plan(officer)
    seed_budget()
    seed_network()
    db.session.flush()
    echo("Implementation plan, 2005/06 budget, Network Group members and events loaded.")


register_seeder(30, seed)
