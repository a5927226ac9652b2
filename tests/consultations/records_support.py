"""Fixtures for the consultation record, search, visibility, API and public-page tests: a
small partnership (two frameworks with a priority that became another, a place tree, a
partnership), a second organisation with its own practitioner, and helpers to log
consultations through the services. Import the fixtures into a test module to use them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engage.extensions import db
from tests.conftest import PASSWORD, sign_in


@pytest.fixture
def ref(app, org, users):
    """Reference data: {'borough', 'north', 'south', 'castle', 'mill', 'bridge', 'old', 'new',
    'other_new', 'theme', 'outcome', 'partnership', 'other_org', 'other_user'}."""
    from engage.accounts.models import User
    from engage.partnership.models import Area, Framework, Organisation, Outcome, Partnership, Priority, Theme

    borough = Area(name="Testborough", level="borough", population=20_000)
    db.session.add(borough)
    db.session.flush()
    north = Area(name="Northtown", level="town", parent_id=borough.id)
    south = Area(name="Southtown", level="town", parent_id=borough.id)
    db.session.add_all([north, south])
    db.session.flush()
    castle = Area(name="Castle", level="ward", parent_id=north.id, priority_ward=True)
    mill = Area(name="Mill", level="ward", parent_id=north.id)
    bridge = Area(name="Bridge", level="ward", parent_id=south.id)
    db.session.add_all([castle, mill, bridge])
    f2005 = Framework(name="Strategy 2005", starts_on=date(2005, 4, 1), ends_on=date(2006, 3, 31))
    f2006 = Framework(name="Strategy 2006", starts_on=date(2006, 4, 1))
    db.session.add_all([f2005, f2006])
    db.session.flush()
    old = Priority(framework_id=f2005.id, name="Safe neighbourhoods", position=1)
    new = Priority(framework_id=f2006.id, name="A Safer Borough", position=1)
    other_new = Priority(framework_id=f2006.id, name="A Healthy Borough", position=2)
    db.session.add_all([old, new, other_new])
    db.session.flush()
    old.successors = [new]
    theme = Theme(framework_id=f2006.id, name="Liveability", position=1)
    outcome = Outcome(priority_id=new.id, code="SB1", title="Cleaner streets")
    partnership = Partnership(name="Safer Borough Partnership", kind="priority")
    db.session.add_all([theme, outcome, partnership])
    other_org = db.session.scalar(db.select(Organisation).where(Organisation.name == "Other Trust"))
    other_user = User(email="other@test.example", name="Olive Other", role="practitioner", organisation_id=other_org.id, active=True)
    other_user.set_password(PASSWORD)
    db.session.add(other_user)
    db.session.commit()
    return {"borough": borough, "north": north, "south": south, "castle": castle, "mill": mill, "bridge": bridge,
            "old": old, "new": new, "other_new": other_new, "theme": theme, "outcome": outcome,
            "partnership": partnership, "other_org": other_org, "other_user": other_user, "org": org}


def data(**overrides) -> dict:
    """Service data for a consultation, with sensible defaults."""
    today = date.today()
    out = {
        "title": "Street cleaning survey", "summary": "What residents think of street cleaning.", "purpose": "",
        "lead_organisation_id": None, "partner_ids": [], "partnership_ids": [], "priority_ids": [], "theme_ids": [],
        "outcome_ids": [], "area_ids": [], "audiences": [], "methods": [], "channels": [],
        "planned_start": today - timedelta(days=40), "planned_close": today - timedelta(days=10),
        "actual_start": None, "actual_close": None, "results_published_on": None,
        "how_to_take_part": "", "take_part_url": "", "contact_name": "", "contact_email": "",
        "people_reached": None, "responses": None, "cost": None, "equality_monitoring": False, "visibility": "public",
    }
    out.update(overrides)
    return out


def log(user, **overrides):
    """Log a consultation as ``user`` through the services and commit."""
    from engage.consultations import services

    overrides.setdefault("lead_organisation_id", user.organisation_id)
    consultation = services.save_consultation(user, None, data(**overrides))
    db.session.commit()
    return consultation


def form_data(**overrides) -> dict:
    """What the "log a consultation" form posts (dates as day, month, year boxes)."""
    today = date.today()
    start = today + timedelta(days=10)
    close = today + timedelta(days=40)
    out = {
        "title": "Library opening hours", "summary": "Should libraries open later on weekdays?", "purpose": "",
        "audiences": ["residents"], "channels": ["online"], "visibility": "public",
        "planned_start": [str(start.day), str(start.month), str(start.year)],
        "planned_close": [str(close.day), str(close.month), str(close.year)],
        "contact_name": "Pat", "contact_email": "pat@example.org", "checked_similar": "yes",
    }
    out.update(overrides)
    return out


def sign_in_other(client, ref):
    client.post("/sign-out")
    response = sign_in(client, ref["other_user"].email)
    assert response.status_code == 302
    return client


def publish(consultation, days_ago: int = 1):
    consultation.results_published_on = date.today() - timedelta(days=days_ago)
    if consultation.actual_start is None and consultation.planned_start is None:
        consultation.actual_start = date.today() - timedelta(days=days_ago + 30)
    db.session.commit()


def add_question(consultation, text, options, figures, year_start=None):
    """figures: {segment label or 'all': (base, [counts per option])}."""
    from engage.consultations.models import AnswerOption, Question, ResultFigure, Segment

    question = Question(text=text, position=len(consultation.questions) + 1)
    consultation.questions.append(question)
    opts = [AnswerOption(label=label, position=i) for i, label in enumerate(options, start=1)]
    question.options.extend(opts)
    for label, (base, counts) in figures.items():
        dimension = "all" if label == "all" else "area-group"
        segment = next((s for s in consultation.segments if s.dimension == dimension and s.label == label), None)
        if segment is None:
            segment = Segment(dimension=dimension, label=label)
            consultation.segments.append(segment)
        for option, count in zip(opts, counts):
            question.figures.append(ResultFigure(option=option, segment=segment, count=count, base=base))
    db.session.commit()
    return question
