"""Role checks on every funding route: route × role → status (tests/roles_support.py). The
programme and its projects are public; rounds, bids and scores are for partners (anyone with
an account); officers change programmes, projects and rounds; only named assessors score."""
import pytest

from engage.extensions import db
from engage.funding import bids
from tests.funding import support
from tests.roles_support import OFFICER_ONLY, PUBLIC, SIGNED_IN, expect, route_problems

OFFICER_POST = expect(302, 403, 403, 403, 400)   # officers reach it; the empty post is refused in words
PARTNER_FORM = expect(302, 403, 200, 200, 200)   # entering a bid: practitioners, coordinators, officers
PARTNER_POST = expect(302, 403, 400, 400, 400)
ASSESSOR_ONLY = expect(302, 403, 403, 403, 200)  # the officer is the round's only named assessor here

ROUTES = [
    ("GET", "/funding", PUBLIC),
    ("GET", "/funding/{programme}", PUBLIC),
    ("GET", "/funding/projects/{project}", PUBLIC),
    ("POST", "/funding/{programme}/allocations", OFFICER_POST),
    ("GET", "/funding/{programme}/projects/new", OFFICER_ONLY),
    ("POST", "/funding/{programme}/projects/new", OFFICER_POST),
    ("GET", "/funding/projects/{project}/edit", OFFICER_ONLY),
    ("POST", "/funding/projects/{project}/edit", OFFICER_POST),
    ("POST", "/funding/projects/{project}/money", OFFICER_POST),
    ("POST", "/funding/projects/{project}/spend", OFFICER_POST),
    ("GET", "/funding/{programme}/rounds/new", OFFICER_ONLY),
    ("POST", "/funding/{programme}/rounds/new", OFFICER_POST),
    ("GET", "/funding/rounds/{round}", SIGNED_IN),
    ("POST", "/funding/rounds/{round}/criteria", OFFICER_POST),
    ("GET", "/funding/criteria/{criterion}", OFFICER_ONLY),
    ("POST", "/funding/criteria/{criterion}", OFFICER_POST),
    ("POST", "/funding/rounds/{round}/assessors", OFFICER_POST),
    ("POST", "/funding/rounds/{round}/move", OFFICER_POST),
    ("GET", "/funding/rounds/{round}/bids/new", PARTNER_FORM),
    ("POST", "/funding/rounds/{round}/bids/new", PARTNER_POST),
    ("GET", "/funding/bids/{bid}", SIGNED_IN),
    ("POST", "/funding/bids/{bid}/evidence", PARTNER_POST),
    ("GET", "/funding/bids/{bid}/score", ASSESSOR_ONLY),
    ("POST", "/funding/bids/{bid}/score", expect(302, 403, 403, 403, 400)),
]


@pytest.fixture
def records(app, users):
    officer = users["officer"]
    health, _ = support.partnerships()
    prog = support.programme(officer)
    project = support.project(officer, prog, "A project", health, {2006: 100})
    rnd = support.round_with(officer, prog, health, [("Evidence", 1)])
    bid = support.bid(officer, rnd, "A bid", health, support.org("Bidder"), 10)
    bids.add_assessor(officer, rnd, officer)
    db.session.commit()
    return {"programme": prog.id, "project": project.id, "round": rnd.id, "criterion": rnd.criteria[0].id, "bid": bid.id}


def test_every_route_answers_each_role_as_the_table_says(records, login, client):
    problems = []
    for method, path, expected in ROUTES:
        problems += route_problems(login, client, method, path.format(**records), expected)
    assert problems == []


def test_every_funding_route_is_in_the_table(app):
    import re

    def shape(path):
        return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path)

    listed = {(m, shape(p)) for m, p, _e in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("funding."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, shape(rule.rule)) in listed, (method, rule.rule)
