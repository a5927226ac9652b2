"""seed-demo adds published reports from the Halton demo consultations, with responses (one
partnership late) and one report in review; running it twice changes nothing."""
from datetime import date

from engage.extensions import db
from engage.sharing import responses
from engage.sharing.models import FindingsReport, Response, ResponseUpdate


def _counts():
    return tuple(db.session.scalar(db.select(db.func.count(m.id))) for m in (FindingsReport, Response, ResponseUpdate))


def test_demo_reports(seeded, client):
    reports = db.session.scalars(db.select(FindingsReport).order_by(FindingsReport.id)).all()
    states = [r.state for r in reports]
    assert states.count("published") >= 2 and states.count("in-review") == 1
    late = responses.late_responses(date.today())
    assert [(r.title, p.partnership.name) for r, p in late] == [
        ("Cleaner streets and safer parks: what residents told us in 2005", "Urban Renewal Partnership")]
    assert any(r.responses for r in reports if r.state == "published")
    assert all(r.is_demo for r in reports)
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert "Cleaner streets and safer parks" in html and "Response late" in html
    in_review = next(r for r in reports if r.state == "in-review")
    assert client.get(f"/findings/{in_review.id}").status_code == 404


def test_seed_demo_twice_changes_nothing(seeded, runner):
    before = _counts()
    result = runner.invoke(args=["engage", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo findings reports loaded (0 new)" in result.output
    assert _counts() == before


def test_sharing_pages_read_at_grade_8_or_below(seeded, client, login):
    from tests.readability_support import grade, own_words, stored_names

    names = stored_names()
    published = db.session.scalars(db.select(FindingsReport).where(FindingsReport.state == "published")).all()
    paths = ["/you-said-we-did", "/embed/you-said-we-did"] + [f"/findings/{r.id}" for r in published]
    scores = {}
    for path in paths:
        scores[path] = grade(own_words(client.get(path).get_data(as_text=True), names))
    login("officer")
    for path in ("/findings/dashboard", "/findings/manage"):
        scores[path] = grade(own_words(client.get(path).get_data(as_text=True), names))
    assert {p: round(s, 1) for p, s in scores.items() if s > 8.0} == {}
