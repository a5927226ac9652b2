"""The Halton demo data: loads from the papers, is idempotent, and refuses production."""
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership.models import Area, Framework, Indicator, Partnership, Priority, Theme


def _counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (User, Area, Framework, Priority, Theme, Partnership, Indicator)}


def test_seed_demo_twice_changes_nothing(runner, app):
    first = runner.invoke(args=["engage", "seed-demo"])
    assert first.exit_code == 0, first.output
    for email in ("officer@example.org", "coordinator@example.org", "practitioner@example.org", "vcs@example.org"):
        assert email in first.output
    counts = _counts()
    second = runner.invoke(args=["engage", "seed-demo"])
    assert second.exit_code == 0
    assert _counts() == counts


def test_seed_contents(seeded):
    partnerships = db.session.scalars(select(Partnership)).all()
    assert len([p for p in partnerships if p.kind == "priority"]) == 5
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 2
    themes = {t.name for t in db.session.scalars(select(Theme))}
    assert {"Alcohol Harm Reduction", "Liveability", "Anti-Social Behaviour", "Employment and Skills"} <= themes
    priority_wards = {a.name for a in db.session.scalars(select(Area).where(Area.priority_ward.is_(True)))}
    assert priority_wards == {"Castlefields", "Windmill Hill", "Halton Lea", "Riverside", "Kingsway", "Appleton"}
    towns = {a.name for a in db.session.scalars(select(Area).where(Area.level == "town"))}
    assert towns == {"Widnes", "Runcorn"}
    safe = db.session.scalar(select(Priority).where(Priority.name == "Safe and attractive neighbourhoods"))
    assert [p.name for p in safe.successors] == ["A Safer Halton"]
    for role in ("officer", "coordinator", "practitioner", "vcs"):
        user = db.session.scalar(select(User).where(User.email == f"{role}@example.org"))
        assert user.role == role and user.check_password("demo-password")


def test_demo_figures_are_marked_on_pages(seeded, client):
    html = client.get("/strategy/outcomes").get_data(as_text=True)  # /strategy itself is the engagement strategy
    assert "Demo data" in html and "A Safer Halton" in html
    assert "(demo figure)" in client.get("/places").get_data(as_text=True)


def test_seed_refuses_production(runner, app):
    app.config["ENGAGE_ENV"] = "production"
    result = runner.invoke(args=["engage", "seed-demo"])
    assert result.exit_code != 0
    assert "refuses to run" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
