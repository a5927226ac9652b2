"""The toolkit's JSON API and its place in the OpenAPI document."""
import pytest


def test_search_shape(client, toolkit):
    response = client.get("/api/v1/toolkit?q=focus+group")
    assert response.status_code == 200 and response.is_json
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert set(body) >= {"query", "total", "results", "facets", "suggestion"}
    assert body["query"] == "focus group" and body["suggestion"] is None
    assert body["total"] >= 1 and len(body["results"]) <= 20
    first = body["results"][0]
    assert first["slug"] == "focus-group"
    assert set(first) >= {"slug", "title", "kind", "summary", "url"}
    assert first["url"] == "http://localhost/toolkit/focus-group"
    assert first["api_url"] == "http://localhost/api/v1/toolkit/focus-group"
    assert first["kind"] == "method" and first["group_size"] == "small" and "consult" in first["purpose"]
    assert set(body["facets"]) == {"kind", "purpose", "audience", "group_size", "time", "cost"}
    assert all(isinstance(n, int) for counts in body["facets"].values() for n in counts.values())


def test_search_filters_and_suggestion(client, toolkit):
    body = client.get("/api/v1/toolkit?q=focsu+group&purpose=consult&audience=young-people&audience=older-people").get_json()
    assert body["suggestion"] == "focus group"
    assert body["filters"] == {"purpose": ["consult"], "audience": ["young-people", "older-people"]}
    for r in body["results"]:
        assert "consult" in r["purpose"] and {"young-people", "older-people"} & set(r["audiences"])
    everything = client.get("/api/v1/toolkit").get_json()
    assert everything["total"] == 45 and everything["facets"]["kind"] == {"method": 30, "guide": 15}
    assert everything["results"][0]["title"] <= everything["results"][1]["title"]  # browsing is A to Z


def test_search_paging(client, toolkit):
    first = client.get("/api/v1/toolkit?per_page=10").get_json()
    second = client.get("/api/v1/toolkit?per_page=10&page=2").get_json()
    assert first["pages"] == 5 and len(first["results"]) == 10 and second["page"] == 2
    assert {r["slug"] for r in first["results"]}.isdisjoint(r["slug"] for r in second["results"])
    capped = client.get("/api/v1/toolkit?per_page=5000").get_json()  # at most 50 a page
    assert len(capped["results"]) == 45 and capped["pages"] == 1
    assert client.get("/api/v1/toolkit?per_page=3&q=survey").get_json()["pages"] > 1


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "*", "x" * 10_000, "<script>", "консультация", "%00"])
def test_search_never_fails(client, toolkit, query):
    response = client.get("/api/v1/toolkit", query_string={"q": query, "page": "abc", "per_page": "-1", "cost": "free"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(body["results"]) or body["total"] > len(body["results"])
    assert body["total"] > 0 or body["results"] == []


def test_entry_shape(client, toolkit):
    response = client.get("/api/v1/toolkit/focus-group")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert body["slug"] == "focus-group" and body["title"] == "Focus group" and body["kind"] == "method"
    assert body["url"] == "http://localhost/toolkit/focus-group"
    assert '<h2 class="govuk-heading-m" id="what-it-is">What it is</h2>' in body["html"]
    assert "<script" not in body["html"]
    assert body["markdown"].startswith("## What it is")
    assert {"slug": "in-depth-interview", "title": "In-depth interview", "url": "http://localhost/toolkit/in-depth-interview"} in body["related"]
    assert body["skills"] and body["accessibility"] and body["revision"] == 1


def test_entry_html_is_cleaned(client, entry, users):
    from engage.extensions import db
    from engage.toolkit import services

    services.edit_entry(users["officer"], entry, {"body": entry.body + "\n<img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>"}, "test")
    db.session.commit()
    html = client.get("/api/v1/toolkit/test-method").get_json()["html"]
    assert "onerror" not in html and "javascript:" not in html and "<img" not in html


def test_broken_index_is_a_plain_503(app, client, entry, tmp_path):
    from engage.search.whoosh_backend import WhooshBackend

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    broken = WhooshBackend(str(blocker / "index"))
    for spec in app.extensions["engage_search"].specs.values():
        broken.register(spec)
    app.extensions["engage_search"] = broken
    response = client.get("/api/v1/toolkit?q=meeting")
    assert response.status_code == 503 and response.is_json
    assert "Search is not working at the moment" in response.get_json()["error"]["message"]
    assert client.get("/api/v1/toolkit/test-method").status_code == 200  # entries do not need the index


def test_unknown_entry_is_json_404(client, toolkit):
    response = client.get("/api/v1/toolkit/no-such-thing")
    assert response.status_code == 404 and response.is_json
    assert "no toolkit entry" in response.get_json()["error"]["message"]


def test_both_routes_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    search = doc["paths"]["/toolkit"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert {"q", "kind", "purpose", "audience", "group_size", "time", "cost", "page", "per_page"} <= names
    assert search["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ToolkitSearch"
    entry = doc["paths"]["/toolkit/{slug}"]["get"]
    assert entry["parameters"][0]["name"] == "slug" and entry["parameters"][0]["in"] == "path"
    assert {"ToolkitSearch", "ToolkitResult", "ToolkitEntry"} <= set(doc["components"]["schemas"])
