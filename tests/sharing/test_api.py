"""GET /api/v1/findings and /api/v1/findings/<id>: published public reports only, with the
responses, in the shapes the OpenAPI document describes; errors are JSON."""
from __future__ import annotations

from datetime import timedelta

from engage.extensions import db
from engage.sharing import responses, services
from tests.sharing.support import answer, make_report, publish


def _published(world):
    report = publish(world, make_report(world))
    answer(world["coordinator"], report, world["partnership"], report.recommendations[0],
                            {"status": "not-taken", "reason": "No budget this year", "action": "", "owner": "", "due_on": None})
    db.session.commit()
    return report


def test_list_and_detail_shapes(client, world, smtp):
    report = _published(world)
    make_report(world, title="A draft")
    partners = publish(world, make_report(world, title="Partners only", visibility="partners"))
    embargoed = publish(world, make_report(world, title="Embargoed"), embargo_until=services.now() + timedelta(days=1))
    body = client.get("/api/v1/findings").get_json()
    assert body["total"] == 1 and body["page"] == 1 and [f["title"] for f in body["findings"]] == [report.title]
    item = body["findings"][0]
    assert set(item) >= {"id", "title", "summary", "published_at", "priorities", "outcomes", "areas", "partnerships",
                         "responses_due_on", "url", "is_demo"}
    assert item["priorities"] == [{"name": "A Safer Borough", "tagged_as": ["Safe neighbourhoods (Strategy 2005)"]}]
    assert {p["name"]: p["response"] for p in item["partnerships"]} == {"Safer Borough Partnership": "done",
                                                                         "Healthy Borough Partnership": "due"}
    detail = client.get(f"/api/v1/findings/{report.id}").get_json()
    assert detail["key_findings"][0]["statement"] == "Seven in ten see a lot of litter"
    [rec] = detail["recommendations"]
    assert rec["responses"][0] == {**rec["responses"][0], "partnership": "Safer Borough Partnership", "status": "not-taken",
                                   "reason": "No budget this year"}
    assert detail["evidence_quality"]["sample_size"] == 300
    for hidden in (partners, embargoed):
        response = client.get(f"/api/v1/findings/{hidden.id}")
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_bad_parameters_are_json_400(client, world):
    for query in ({"priority": "abc"}, {"year": "twenty"}, {"area": "-1"}):
        response = client.get("/api/v1/findings", query_string=query)
        assert response.status_code == 400 and "error" in response.get_json()
    assert client.get("/api/v1/findings/zzz").status_code == 404
    assert client.get("/api/v1/findings/99999999999").get_json()["error"]["status"] == 404


def test_described_in_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/findings" in document["paths"] and "/findings/{report_id}" in document["paths"]
    assert {"FindingsSummary", "Findings"} <= set(document["components"]["schemas"])
    params = {p["name"] for p in document["paths"]["/findings"]["get"]["parameters"]}
    assert params == {"q", "priority", "area", "partnership", "year", "page"}
