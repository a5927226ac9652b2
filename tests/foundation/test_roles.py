"""Role checks on every protected route: a table of route × role → expected status.

Later issues add their rows to ROUTES. "anon" is a resident with no account. A 302 for anon
is the redirect to the sign-in page.
"""
import pytest

from tests.roles_support import OFFICER_ONLY, PUBLIC, SIGNED_IN, VCS, route_problems, expect

ROUTES = [
    ("GET", "/", PUBLIC),
    ("GET", "/strategy", PUBLIC),
    ("GET", "/places", PUBLIC),
    ("GET", "/glossary", PUBLIC),
    ("GET", "/api/v1/health", PUBLIC),
    ("GET", "/account", SIGNED_IN),
    # Issue 12: changing your own password, and signing out everywhere.
    ("GET", "/account/password", SIGNED_IN),
    ("POST", "/account/password", expect(302, 400, 400, 400, 400)),
    ("POST", "/account/sign-out-everywhere", expect(302, 302, 302, 302, 302)),
    ("GET", "/admin/accounts", OFFICER_ONLY),
    ("GET", "/admin/accounts?q=test", OFFICER_ONLY),
    ("GET", "/admin/accounts/new", OFFICER_ONLY),
    ("GET", "/set-up-account/not-a-real-token", expect(400, 400, 400, 400, 400)),
    ("POST", "/set-up-account/not-a-real-token", expect(400, 400, 400, 400, 400)),
    ("POST", "/admin/accounts/new", expect(302, 403, 403, 403, 400)),
    ("GET", "/admin/reference", OFFICER_ONLY),
    ("GET", "/admin/reference/organisations", OFFICER_ONLY),
    ("GET", "/admin/reference/areas/new", OFFICER_ONLY),
    ("POST", "/admin/reference/organisations/new", expect(302, 403, 403, 403, 400)),
    ("GET", "/admin/reference/frameworks", OFFICER_ONLY),
    ("GET", "/admin/reference/indicators", OFFICER_ONLY),
    ("GET", "/admin/search", OFFICER_ONLY),
]


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(login, client, method, path, expected):
    assert route_problems(login, client, method, path, expected) == []


def test_account_routes_by_role(login, client, users):
    vcs = users["vcs"].id
    problems = []
    for method, path, expected in [
        ("GET", f"/admin/accounts/{vcs}", OFFICER_ONLY),
        ("POST", f"/admin/accounts/{vcs}", expect(302, 403, 403, 403, 400)),
        # The VCS account is already set up, so the officer is sent back with a message.
        ("POST", f"/admin/accounts/{vcs}/invite", expect(302, 403, 403, 403, 302)),
    ]:
        problems += route_problems(login, client, method, path, expected)
    assert problems == []


def test_forbidden_page_is_plain(login, client):
    login(VCS)
    response = client.get("/admin/reference")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)
