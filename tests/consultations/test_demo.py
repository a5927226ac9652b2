"""The demo consultations from the Halton papers."""
from __future__ import annotations

from sqlalchemy import func, select

from engage.consultations.models import Consultation, ResultFigure
from engage.demo import run_seeders
from engage.extensions import db
from engage.partnership.models import Area, Priority


def _consultation(title_start):
    return db.session.scalar(select(Consultation).where(Consultation.title.startswith(title_start)))


def test_demo_is_idempotent_and_has_open_and_planned(seeded):
    before = db.session.scalar(select(func.count()).select_from(Consultation))
    figures = db.session.scalar(select(func.count()).select_from(ResultFigure))
    run_seeders()
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == before >= 10
    assert db.session.scalar(select(func.count()).select_from(ResultFigure)) == figures
    statuses = {c.status for c in db.session.scalars(select(Consultation))}
    assert {"open", "planned", "results-published", "closed"} <= statuses
    assert all(c.is_demo for c in db.session.scalars(select(Consultation)))


def test_papers_figures_are_real_and_invented_ones_are_marked(seeded):
    alcohol = _consultation("Young people's alcohol survey 2005")
    by_question = {q.code: q for q in alcohol.questions}
    everyone = lambda q: {f.option.label: f for f in q.figures if f.segment.dimension == "all"}  # noqa: E731
    drink = everyone(by_question["A1"])["Yes"]
    assert round(100 * drink.count / drink.base) == 92 and not drink.is_demo
    pubs = everyone(by_question["A2"])["In pubs or bars"]
    assert round(100 * pubs.count / pubs.base) == 40 and not pubs.is_demo
    parents = everyone(by_question["A3"])["From my parents"]
    assert round(100 * parents.count / parents.base) == 50 and not parents.is_demo
    assert everyone(by_question["A2"])["At home"].is_demo
    assert all(f.is_demo for f in by_question["A1"].figures if f.segment.dimension != "all")
    telephone = _consultation("Community Strategy residents' survey 2005")
    assert telephone.responses == 3000 and {"telephone-survey", "focus-group"} <= set(telephone.methods)
    environment = _consultation("Environment survey 2005")
    assert environment.responses == 2500


def test_demo_question_is_found_with_its_headline(seeded, client):
    html = client.get("/consultations/search", query_string={"q": "clean streets"}).get_data(as_text=True)
    assert "Removing rubbish and cleaning streets came first: 41%, base 2,500, 2005" in html
    page = client.get(f"/consultations/{_consultation('Environment survey 2005').id}").get_data(as_text=True)
    assert "This is demo data" in page


def test_demo_facets_use_lineage_and_the_area_tree(seeded, client):
    safer = db.session.scalar(select(Priority).where(Priority.name == "A Safer Halton"))
    runcorn = db.session.scalar(select(Area).where(Area.name == "Runcorn"))
    html = client.get("/consultations/search", query_string={"priority": safer.id, "kind": "consultation"}).get_data(as_text=True)
    assert "Environment survey 2005" in html  # tagged "Safe and attractive neighbourhoods" (2005)
    html = client.get("/consultations/search", query_string={"area": runcorn.id, "kind": "consultation"}).get_data(as_text=True)
    assert "Castlefields neighbourhood walkabouts" in html and "Police Participation and Delivery meetings 2005" in html
    # The place rule: borough-wide work reaches Runcorn's people too, and is labelled as such.
    assert "Young people&#39;s alcohol survey" in html and "Covers all of Halton" in html
    widnes = db.session.scalar(select(Area).where(Area.name == "Widnes"))
    html = client.get("/consultations/search", query_string={"area": widnes.id, "kind": "consultation"}).get_data(as_text=True)
    assert "Castlefields neighbourhood walkabouts" not in html  # a Runcorn ward: neither inside Widnes nor around it


def test_demo_partner_and_private_records_are_hidden_from_the_public(seeded, client):
    finder = client.get("/consultations").get_data(as_text=True)
    assert "Local Area Agreement workshops" not in finder and "review of engagement practice" not in finder
    assert "Area forums 2005" in finder
