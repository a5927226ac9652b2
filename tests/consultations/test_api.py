"""The JSON API and the open data downloads."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from engage.consultations import services
from engage.extensions import db
from tests.consultations.records_support import add_question, log, publish, ref  # noqa: F401


@pytest.fixture
def three(app, users, ref):
    today = date.today()
    open_one = log(users["practitioner"], title="Open parks consultation", area_ids=[ref["castle"].id], priority_ids=[ref["old"].id],
                   planned_start=today - timedelta(days=3), planned_close=today + timedelta(days=10))
    published = log(users["practitioner"], title="Published streets survey", area_ids=[ref["bridge"].id], priority_ids=[ref["other_new"].id],
                    planned_start=date(2005, 5, 1), planned_close=date(2005, 6, 1))
    add_question(published, "How clean are the streets?", ["Clean", "Dirty"], {"all": (200, [80, 120]), "Priority wards": (3, [1, 2])})
    services.save_finding(users["practitioner"], published, None, {"statement": "Most say the streets are dirty", "evidence": "60%"})
    db.session.commit()
    publish(published)
    planned = log(users["practitioner"], title="Planned library consultation",
                  planned_start=today + timedelta(days=30), planned_close=today + timedelta(days=60))
    return {"open": open_one, "published": published, "planned": planned}


def test_list_filters_by_area_priority_status_and_words(client, ref, three):
    def titles(**params):
        body = client.get("/api/v1/consultations", query_string=params).get_json()
        return [c["title"] for c in body["consultations"]]

    assert titles() == ["Open parks consultation", "Planned library consultation", "Published streets survey"]
    assert titles(area=ref["north"].id) == ["Open parks consultation"]  # a ward inside the town
    assert titles(priority=ref["new"].id) == ["Open parks consultation"]  # tagged with the priority it replaced
    assert titles(status="results-published") == ["Published streets survey"]
    assert titles(status="planned") == ["Planned library consultation"]
    assert titles(q="library") == ["Planned library consultation"]
    body = client.get("/api/v1/consultations").get_json()
    assert body["total"] == 3 and body["page"] == 1
    first = body["consultations"][0]
    assert first["status"] == "open" and first["areas"][0]["name"] == "Castle"
    assert first["url"].endswith(f"/consultations/{three['open'].id}")


@pytest.mark.parametrize("params,message", [
    ({"area": "abc"}, "area must be the number of an area"),
    ({"area": "99999"}, "There is no area with number 99999"),
    ({"priority": "-1"}, "priority must be the number of a priority"),
    ({"area": "²"}, "area must be the number of an area"),
    ({"area": "99999999999"}, "area must be the number of an area"),
    ({"priority": "424242"}, "There is no priority with number 424242"),
    ({"status": "finished"}, "status must be one of: planned, open, closed, results-published"),
])
def test_bad_parameters_are_400_in_words(client, three, params, message):
    response = client.get("/api/v1/consultations", query_string=params)
    assert response.status_code == 400 and response.is_json
    assert message in response.get_json()["error"]["message"]


def test_detail_has_results_and_findings_once_published(client, three):
    body = client.get(f"/api/v1/consultations/{three['published'].id}").get_json()
    assert body["findings"][0]["statement"] == "Most say the streets are dirty"
    assert body["questions"][0]["options"] == ["Clean", "Dirty"]
    results = body["results"]
    assert results is not None
    everyone = {r["option"]: r for r in results[0]["results"] if r["dimension"] == "all"}
    assert everyone["Clean"]["count"] == 80 and everyone["Clean"]["base"] == 200 and not everyone["Clean"]["suppressed"]
    small = [r for r in results[0]["results"] if r["segment"] == "Priority wards"]
    assert small and all(r["suppressed"] and r["count"] is None and r["base"] is None for r in small)
    unpublished = client.get(f"/api/v1/consultations/{three['open'].id}").get_json()
    assert unpublished["results"] in (None, []) and unpublished["findings"] == []
    assert client.get("/api/v1/consultations/999999").status_code == 404
    assert client.get("/api/v1/consultations/999999").get_json()["error"]["status"] == 404


def test_search_api_gives_kind_and_url(client, three):
    body = client.get("/api/v1/search", query_string={"q": "streets dirty"}).get_json()
    kinds = {h["kind"] for h in body["hits"] if h["consultation"] == "Published streets survey"}
    assert kinds == {"consultation", "question", "finding"}
    for hit in body["hits"]:
        assert hit["url"].startswith("http://localhost/consultations/")
    assert client.get("/api/v1/search", query_string={"kind": "poem"}).status_code == 400
    assert client.get("/api/v1/search", query_string={"q": "streets", "kind": "finding"}).get_json()["hits"][0]["title"] == "Most say the streets are dirty"


def test_api_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/consultations", "/consultations/{consultation_id}", "/search"):
        assert "get" in paths[path]
    params = {p["name"] for p in paths["/consultations"]["get"]["parameters"]}
    assert {"q", "area", "priority", "status"} <= params


def test_csv_export_is_public_only_and_safe_in_spreadsheets(client, users, ref, three):
    log(users["practitioner"], title="=HYPERLINK(\"http://evil\")", summary="+cmd")
    log(users["practitioner"], title="Partner secret", visibility="partners")
    response = client.get("/consultations/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    titles = [r["title"] for r in rows]
    assert "Partner secret" not in titles
    assert "'=HYPERLINK(\"http://evil\")" in titles
    published = next(r for r in rows if r["title"] == "Published streets survey")
    assert published["findings"] == "Most say the streets are dirty" and published["status"] == "Results published"
    open_row = next(r for r in rows if r["title"] == "Open parks consultation")
    assert open_row["areas"] == "Castle" and open_row["findings"] == ""


def test_json_export(client, three):
    response = client.get("/consultations/export.json")
    body = response.get_json()
    assert "attachment" in response.headers["Content-Disposition"]
    assert {c["title"] for c in body["consultations"]} == {"Open parks consultation", "Published streets survey", "Planned library consultation"}
    published = next(c for c in body["consultations"] if c["title"] == "Published streets survey")
    assert published["findings"][0]["statement"] == "Most say the streets are dirty"
    assert body["results_included"] is True and published["results"]
    page = client.get("/consultations/open-data").get_data(as_text=True)
    assert "Download public consultations as CSV" in page and page.count("<h1") == 1


def test_results_csv_is_published_public_and_suppressed(client, users, ref, three):
    hidden = log(users["practitioner"], title="Partner results", visibility="partners")
    add_question(hidden, "Secret question?", ["Yes"], {"all": (50, [50])})
    publish(hidden)
    response = client.get("/consultations/export-results.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["consultation"] for r in rows} == {"Published streets survey"}
    everyone = [r for r in rows if r["dimension"] == "all" and r["option"] == "Clean"]
    assert everyone[0]["count"] == "80" and everyone[0]["base"] == "200" and everyone[0]["suppressed"] == "no"
    small = [r for r in rows if r["segment"] == "Priority wards"]
    assert small and all(r["count"] == "" and r["base"] == "" and r["suppressed"] == "yes" for r in small)
