"""GET /api/v1/strategy and GET /api/v1/actions?theme=&status=, and their OpenAPI entries."""
from __future__ import annotations

from engage.extensions import db
from engage.strategy import plan as plan_services
from tests.strategy.support import plan, strategy


def test_strategy_api_gives_the_adopted_version_with_its_sections(client, users):
    missing = client.get("/api/v1/strategy")
    assert missing.status_code == 404 and missing.json["error"]["status"] == 404
    strategy(users["officer"], "adopted", sections=[("Principles", "We **feed back**."), ("Roles", "- Board\n- Partners")])
    data = client.get("/api/v1/strategy").json
    assert data["state"] == "adopted" and data["version"] == 1
    assert [s["heading"] for s in data["sections"]] == ["Principles", "Roles"]
    assert data["sections"][0]["markdown"] == "We **feed back**."
    assert "<strong>feed back</strong>" in data["sections"][0]["html"]
    assert data["url"].endswith("/strategy")


def test_strategy_api_never_shows_drafts(client, users):
    strategy(users["officer"], "consultation")
    assert client.get("/api/v1/strategy").status_code == 404


def test_actions_api_filters_by_theme_and_status(client, users, org):
    actions = plan(users["officer"], org)
    plan_services.add_progress(users["officer"], actions["undated"], {"status": "on_track", "note": "Issue 3 is out."})
    db.session.commit()
    every = client.get("/api/v1/actions").json
    assert every["total"] == 3
    by_activity = {a["activity"]: a for a in every["actions"]}
    assert by_activity["Agree a logo"]["status"] == "late"
    assert by_activity["Monthly policy bulletin"]["latest_progress"]["note"] == "Issue 3 is out."
    assert by_activity["Agree a logo"]["lead_organisation"] == "Test Borough Council"
    themed = client.get(f"/api/v1/actions?theme={actions['other_theme'].id}").json
    assert [a["activity"] for a in themed["actions"]] == ["Monthly policy bulletin"]
    late = client.get("/api/v1/actions?status=late").json
    assert [a["activity"] for a in late["actions"]] == ["Agree a logo"]


def test_actions_api_bad_filters_are_400_in_plain_words(client, users, org):
    plan(users["officer"], org)
    for query in ("theme=abc", "theme=99999", "status=soon", "theme=%C2%B2"):
        response = client.get(f"/api/v1/actions?{query}")
        assert response.status_code == 400, query
        assert response.is_json and response.json["error"]["message"]


def test_openapi_describes_both_routes(client):
    doc = client.get("/api/v1/openapi.json").json
    assert "/strategy" in doc["paths"] and "/actions" in doc["paths"]
    params = {p["name"]: p for p in doc["paths"]["/actions"]["get"]["parameters"]}
    assert set(params) == {"theme", "status"}
    assert "late" in params["status"]["schema"]["enum"]
    assert "Strategy" in doc["components"]["schemas"] and "PlanAction" in doc["components"]["schemas"]


def test_bad_ids_in_addresses_are_404_never_500(client, login, users):
    login("officer")
    for path in ("/strategy/versions/abc", "/strategy/versions/%C2%B2", "/strategy/versions/99999999999", "/plan/actions/0",
                 "/plan/actions/-1", "/network/members/abc", "/network/events/1e3", "/admin/strategy/versions/abc/sections/1",
                 "/admin/plan/themes/99999", "/admin/plan/budget/abc", "/admin/network/events/%00", "/consultations/abc/network-helpers",
                 "/admin/strategy/comments/abc/respond"):
        method = "post" if path.endswith("respond") else "get"
        response = getattr(client, method)(path)
        assert response.status_code == 404, (path, response.status_code)


def test_tampered_choices_are_field_errors(client, login, users, org):
    actions = plan(users["officer"], org)
    login("officer")
    response = client.post("/admin/plan/actions/new", data={"theme_id": "99999", "activity": "x", "lead_organisation_id": "abc"})
    assert response.status_code == 400 and "Select an option from the list" in response.get_data(as_text=True)
    line = client.post("/admin/plan/budget/new", data={"year": "2005", "item": "Printing", "annual_budget": "10"})
    assert line.status_code == 302
    from engage.strategy.models import BudgetLine

    line_id = db.session.scalar(db.select(BudgetLine.id))
    figures = client.post(f"/admin/plan/budget/{line_id}/figures", data={"quarter": "9", "spend_to_date": "1", "budget_to_date": "1", "year_end_estimate": "1"})
    assert figures.status_code == 400 and "Select quarter from the list" in figures.get_data(as_text=True)
    link = client.post(f"/admin/plan/actions/{actions['undated'].id}/links", data={"target": "toolkit-entry:abc"})
    assert link.status_code == 400
