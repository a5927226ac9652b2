"""Role checks on the partnership routes added with the postcode lookup (the older reference
routes are in tests/foundation/test_roles.py)."""
import pytest

from tests.roles_support import OFFICER_ONLY, route_problems, expect

ROUTES = [
    ("GET", "/admin/reference/postcodes", OFFICER_ONLY),
    ("GET", "/admin/reference/postcodes?postcode=WA7+2HA", OFFICER_ONLY),
    ("POST", "/admin/reference/postcodes", expect(302, 403, 403, 403, 400)),
    ("GET", "/admin/reference/postcodes/check/" + "x" * 32, expect(302, 403, 403, 403, 404)),
    ("POST", "/admin/reference/postcodes/check/" + "x" * 32, expect(302, 403, 403, 403, 404)),
    ("GET", "/admin/reference/postcodes/check/bad%20token", expect(302, 403, 403, 403, 404)),
]


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(login, client, users, method, path, expected):
    assert route_problems(login, client, method, path, expected) == []
