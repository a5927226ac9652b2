"""The register's pages over HTTP: the heat map is a real table with headers and counts and
the scale's words, highest risks first; forms keep what was typed and say what is wrong; and a
resident (or a VCS member) gets nothing of the register, not even through a plan action page."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from engage.extensions import db
from engage.risks.models import Risk
from tests.risks.support import make_risk, partnerships


def test_register_page_has_an_accessible_heat_map_and_highest_first(app, client, login, users):
    make_risk(users["officer"], likelihood=4, impact=5, title="Fund ends")
    make_risk(users["officer"], likelihood=4, impact=5, title="Second twenty")
    make_risk(users["officer"], likelihood=1, impact=2, title="Small thing")
    login("practitioner")
    html = client.get("/risks/").get_data(as_text=True)
    table = html[html.index('id="heat-map-table"'):html.index("</table>", html.index('id="heat-map-table"'))]
    assert "<caption" in table and table.count('scope="col"') == 6 and table.count('scope="row"') == 5
    assert 'scope="colgroup"' in table
    assert re.search(r'data-likelihood="4" data-impact="5" data-count="2">\s*<span class="engage-heat-map__count">2</span> '
                     r'<span class="engage-heat-map__band">Very high</span>', table)
    assert re.search(r'data-likelihood="1" data-impact="2" data-count="1">', table)
    assert "5 Almost certain" in table and "1 Very low" in table   # the scale's words on the page
    assert html.index("Fund ends") < html.index("Small thing")
    assert "3 in all (1 low, 0 medium, 0 high, 2 very high)" in " ".join(html.split())


def test_residents_and_vcs_members_get_nothing_of_the_register(app, client, login, users, seeded):
    from engage.strategy.models import PlanAction
    from engage.risks import services

    officer = users["officer"]
    risk = make_risk(officer, title="A secret strategic worry")
    action = db.session.scalars(select(PlanAction)).first()
    services.add_link(officer, risk, f"plan-action:{action.id}")
    db.session.commit()
    for role in (None, "vcs"):
        login(role)
        for path in ("/risks/", f"/risks/{risk.id}", f"/risks/{risk.id}/edit", "/risks/new"):
            response = client.get(path)
            assert response.status_code == (302 if role is None else 403), (role, path)
            assert "A secret strategic worry" not in response.get_data(as_text=True)
        page = client.get(f"/plan/actions/{action.id}").get_data(as_text=True)
        assert "A secret strategic worry" not in page and "Risks that threaten" not in page
    login(None)
    assert "/sign-in" in client.get("/risks/").headers["Location"]
    login("practitioner")
    page = client.get(f"/plan/actions/{action.id}").get_data(as_text=True)
    assert "Risks that threaten this action" in page and "A secret strategic worry" in page


def test_adding_a_risk_keeps_what_was_typed_and_names_the_problem(app, client, login, users):
    login("officer")
    response = client.post("/risks/new", data={"title": "Partners drift away", "category": "strategic", "owner": "0",
                                               "likelihood": "9", "impact": "3", "review_on": ["31", "2", "2007"]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Partners drift away" in html and "There is a problem" in html
    assert db.session.scalar(select(db.func.count()).select_from(Risk)) == 0
    response = client.post("/risks/new", data={"title": "Partners drift away", "category": "strategic", "owner": "0",
                                               "likelihood": "3", "impact": "4", "review_on": ["28", "2", "2007"]})
    assert response.status_code == 302
    risk = db.session.scalar(select(Risk))
    assert (risk.score, risk.owner_label, risk.review_on) == (12, "The Board", date(2007, 2, 28))
    page = client.get(f"/risks/{risk.id}").get_data(as_text=True)
    assert "3 Possible" in page and "4 High" in page and "Added the risk" in page


def test_edit_page_review_moves_the_score_and_a_stale_form_conflicts(app, client, login, users):
    risk = make_risk(users["officer"], likelihood=2, impact=2, title="Edited")
    login("officer")
    form = {"title": "Edited", "category": "strategic", "owner": "0", "likelihood": "5", "impact": "4",
            "review_on": ["1", "3", "2030"], "reviewed": "y", "note": "Worse now",
            "version": str(risk.version)}
    assert client.post(f"/risks/{risk.id}/edit", data=form).status_code == 302
    page = client.get(f"/risks/{risk.id}").get_data(as_text=True)
    assert "score 4 → 20" in page and "Worse now" in page
    assert client.post(f"/risks/{risk.id}/edit", data={**form, "likelihood": "1"}).status_code == 409  # the old version


def test_a_coordinator_changes_their_partnerships_risks_only(app, client, login, users):
    ours, theirs = partnerships(users)
    mine = make_risk(users["officer"], owner=ours, title="Ours")
    other = make_risk(users["officer"], owner=theirs, title="Theirs")
    login("coordinator")
    assert client.get(f"/risks/{mine.id}/edit").status_code == 200
    assert client.get(f"/risks/{other.id}/edit").status_code == 403
    assert client.post(f"/risks/{other.id}/close", data={"reason": "no"}).status_code == 403
    assert client.post(f"/risks/{mine.id}/close", data={"reason": "Handled"}).status_code == 302
    assert db.session.get(Risk, mine.id).state == "closed"
    assert client.post(f"/risks/{mine.id}/close", data={"reason": "Handled"}).status_code == 409   # already closed


def test_bad_ids_are_404_in_plain_words(app, client, login, users):
    login("officer")
    for path in ("/risks/abc", "/risks/0", "/risks/99999999999", "/risks/-1/edit"):
        response = client.get(path)
        assert response.status_code == 404, path
