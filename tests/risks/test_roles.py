"""Role checks on every risk register route: route × role → status (tests/roles_support.py).
Partners only: a resident is sent to sign in, a VCS member is refused."""
import pytest

from tests.risks.support import make_risk, partnerships
from tests.roles_support import expect, route_problems

STAFF = expect(302, 403, 200, 200, 200)
STAFF_POST = expect(302, 403, 400, 400, 400)       # reach the form; the empty post is refused
EDITORS = expect(302, 403, 403, 200, 200)          # the owning partnership's coordinator and officers
EDITORS_POST = expect(302, 403, 403, 400, 400)
ADDERS = expect(302, 403, 403, 200, 200)
ADDERS_POST = expect(302, 403, 403, 400, 400)

ROUTES = [
    ("GET", "/risks/", STAFF),
    ("GET", "/risks/?category=operational", STAFF),
    ("GET", "/risks/?category=nonsense", expect(302, 403, 400, 400, 400)),
    ("GET", "/risks/new", ADDERS),
    ("POST", "/risks/new", ADDERS_POST),
    ("GET", "/risks/{risk}", STAFF),
    ("GET", "/risks/{risk}/edit", EDITORS),
    ("POST", "/risks/{risk}/edit", EDITORS_POST),
    ("POST", "/risks/{risk}/links", EDITORS_POST),
    ("POST", "/risks/{risk}/links/999999/remove", expect(302, 403, 403, 404, 404)),
    ("POST", "/risks/{risk}/close", EDITORS_POST),
    ("POST", "/risks/{risk}/reopen", EDITORS_POST),
    ("GET", "/risks/999999", expect(302, 403, 404, 404, 404)),
]


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_roles(app, client, login, users, method, path, expected):
    ours, _ = partnerships(users)
    risk = make_risk(users["officer"], owner=ours)
    assert route_problems(login, client, method, path.format(risk=risk.id), expected) == []
