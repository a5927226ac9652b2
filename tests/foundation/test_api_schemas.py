"""Every answer the API documents is checked against its own schema in /api/v1/openapi.json,
on the demo data: each operation is called with the parameters it documents (and with bad
ones, for its error answers), and each JSON body must match the schema given for its status.
Every timestamp must be RFC 3339 with a UTC offset (the document says ``date-time``)."""
from __future__ import annotations

import copy
import re
from datetime import date, datetime

import pytest
from jsonschema import Draft7Validator, FormatChecker

from engage.extensions import db

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
LOOKS_LIKE_A_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
checker = FormatChecker()


@checker.checks("date-time")
def _date_time(value) -> bool:
    if not isinstance(value, str) or not DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@checker.checks("date", raises=ValueError)
def _date(value) -> bool:
    return not isinstance(value, str) or (len(value) == 10 and bool(date.fromisoformat(value)))


@checker.checks("uri")
def _uri(value) -> bool:
    return not isinstance(value, str) or value.startswith(("http://", "https://"))


def json_schema(oas: dict, document: dict) -> dict:
    """An OpenAPI 3.0 schema as JSON Schema: references inlined, ``nullable`` as a null type."""
    def walk(node):
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return walk(copy.deepcopy(document["components"]["schemas"][name]))
        out = {k: walk(v) for k, v in node.items() if k not in ("nullable", "example", "description")}
        if node.get("nullable"):
            if "type" in out:
                out["type"] = [out["type"], "null"]
                if "enum" in out:
                    out["enum"] = list(out["enum"]) + [None]
            else:
                out = {"anyOf": [out, {"type": "null"}]} if out else {}
        return out
    return walk(oas)


def timestamps_without_offset(body, where="") -> list[str]:
    found = []
    if isinstance(body, dict):
        for k, v in body.items():
            found += timestamps_without_offset(v, f"{where}.{k}")
    elif isinstance(body, list):
        for i, v in enumerate(body):
            found += timestamps_without_offset(v, f"{where}[{i}]")
    elif isinstance(body, str) and LOOKS_LIKE_A_TIME.match(body) and not DATE_TIME.match(body):
        found.append(f"{where} = {body}")
    return found


@pytest.fixture
def demo(seeded):
    from engage.toolkit.loader import load_toolkit
    from tests.toolkit.conftest import TOOLKIT

    load_toolkit(TOOLKIT)
    db.session.commit()
    return seeded


def calls(client) -> dict[str, list[str]]:
    """For each documented path, the requests that exercise it (good and bad)."""
    consultations = client.get("/api/v1/consultations").get_json()["consultations"]
    assert consultations, "the demo data has public consultations"
    slug = client.get("/api/v1/toolkit").get_json()["results"][0]["slug"]
    return {
        "/health": ["/api/v1/health"],
        "/openapi.json": ["/api/v1/openapi.json"],
        "/consultations": ["/api/v1/consultations", "/api/v1/consultations?q=survey&status=closed&page=1",
                           "/api/v1/consultations?area=abc", "/api/v1/consultations?status=nonsense",
                           "/api/v1/consultations?area=999999"],
        "/consultations/{consultation_id}": [f"/api/v1/consultations/{c['id']}" for c in consultations[:40]]
        + ["/api/v1/consultations/999999"],
        "/search": ["/api/v1/search?q=survey", "/api/v1/search?q=young+people&kind=question", "/api/v1/search?q=sruvey",
                    "/api/v1/search?q=anti-social&kind=finding&page=2", "/api/v1/search?kind=spaceship", "/api/v1/search"],
        "/toolkit": ["/api/v1/toolkit", "/api/v1/toolkit?q=focus+group&kind=method&purpose=consult&per_page=5",
                     "/api/v1/toolkit?q=focsu+gruop", "/api/v1/toolkit?q=%22unclosed&page=999"],
        "/toolkit/{slug}": [f"/api/v1/toolkit/{slug}", "/api/v1/toolkit/focus-group", "/api/v1/toolkit/no-such-entry"],
        "/surveys": ["/api/v1/surveys"],
        "/strategy": ["/api/v1/strategy"],
        "/actions": ["/api/v1/actions", "/api/v1/actions?status=nonsense", "/api/v1/actions?theme=abc"],
        "/findings": ["/api/v1/findings", "/api/v1/findings?q=parks&page=1", "/api/v1/findings?area=abc"],
        "/findings/{report_id}": [f"/api/v1/findings/{r['id']}" for r in client.get("/api/v1/findings").get_json()["findings"][:20]]
        + ["/api/v1/findings/999999"],
        "/surveys/{id}/results": [f"/api/v1/surveys/{number}/results" for number in _survey_ids()]
        + ["/api/v1/surveys/999999/results", "/api/v1/surveys/abc/results"],
    }


def _survey_ids() -> list[int]:
    try:
        from engage.surveys.models import Survey
    except ImportError:  # before the surveys capability
        return []
    return list(db.session.scalars(db.select(Survey.id).order_by(Survey.id)))


def test_every_documented_answer_matches_its_schema(client, demo):
    document = client.get("/api/v1/openapi.json").get_json()
    requests = {path: urls for path, urls in calls(client).items() if path in document["paths"]}
    assert set(requests) == set(document["paths"]), "a documented path has no requests in this test (add them)"
    checked = set()
    staff = []  # answers only staff get (a survey's results before they are published)
    if "/surveys/{id}/results" in requests:
        staff = [("/surveys/{id}/results", url) for url in requests["/surveys/{id}/results"]]
    public = [(path, url) for path in document["paths"] for url in requests[path]]
    for signed_in, batch in ((False, public), (True, staff)):
        if signed_in:
            from engage.accounts.models import User

            officer = db.session.scalar(db.select(User).where(User.role == "officer", User.active.is_(True)))
            with client.session_transaction() as session:
                session["_user_id"] = officer.get_id()
                session["_fresh"] = True
        for path, url in batch:
            responses = document["paths"][path]["get"]["responses"]
            response = client.get(url)
            status = str(response.status_code)
            assert status in responses or "default" in responses, f"{url} answered {status}, which is not documented"
            described = responses.get(status) or responses["default"]
            schema = described.get("content", {}).get("application/json", {}).get("schema")
            assert schema is not None, f"{path} {status} has no schema in the OpenAPI document"
            body = response.get_json()
            errors = sorted(Draft7Validator(json_schema(schema, document), format_checker=checker).iter_errors(body),
                            key=lambda e: list(e.path))
            assert errors == [], f"{url} ({status}): " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
            assert timestamps_without_offset(body) == [], f"{url}: timestamps without a UTC offset"
            checked.add((path, status))
    # Each documented path gave its 200, and the error answers were checked too.
    assert {path for path, status in checked if status == "200"} == set(document["paths"])
    assert {status for _path, status in checked} >= {"200", "400", "404"}


def test_the_toolkit_entry_timestamp_has_an_offset(client, demo):
    body = client.get("/api/v1/toolkit/focus-group").get_json()
    assert DATE_TIME.match(body["updated_at"]) and body["updated_at"].endswith("+00:00")


def test_the_checker_catches_a_timestamp_without_an_offset():
    schema = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
    assert list(Draft7Validator(schema, format_checker=checker).iter_errors({"at": "2026-11-30T09:15:00"}))
    assert not list(Draft7Validator(schema, format_checker=checker).iter_errors({"at": "2026-11-30T09:15:00+00:00"}))
    assert timestamps_without_offset({"a": [{"b": "2026-11-30 09:15"}]}) == [".a[0].b = 2026-11-30 09:15"]
