"""Role checks on every toolkit route: route × role → expected status. "anon" is a visitor
with no account; their 302 is the redirect to the sign-in page."""
import pytest

from engage.extensions import db
from tests.roles_support import ANON, OFF, OFFICER_ONLY, PRAC, PUBLIC, VCS, route_problems, expect

# VCS group members suggest edits as well (issue 12: the README and the code agree).
SUGGESTERS = expect(302, 200, 200, 200, 200)

ROUTES = [
    ("GET", "/toolkit", PUBLIC),
    ("GET", "/toolkit?q=meeting&kind=method", PUBLIC),
    ("GET", "/toolkit/choose", PUBLIC),
    ("GET", "/toolkit/test-method", PUBLIC),
    ("GET", "/embed/toolkit", PUBLIC),
    ("GET", "/api/v1/toolkit", PUBLIC),
    ("GET", "/api/v1/toolkit/test-method", PUBLIC),
    # Feedback is open to everyone; an empty answer is a form error, not a permission problem.
    ("POST", "/toolkit/test-method/feedback", expect(400, 400, 400, 400, 400)),
    ("GET", "/toolkit/test-method/suggest", SUGGESTERS),
    ("POST", "/toolkit/test-method/suggest", expect(302, 400, 400, 400, 400)),
    ("GET", "/toolkit/suggestions", SUGGESTERS),
    ("GET", "/admin/toolkit", OFFICER_ONLY),
    ("GET", "/admin/toolkit/new", OFFICER_ONLY),
    ("POST", "/admin/toolkit/new", expect(302, 403, 403, 403, 400)),
    ("GET", "/admin/toolkit/test-method", OFFICER_ONLY),
    ("POST", "/admin/toolkit/test-method", expect(302, 403, 403, 403, 400)),
    ("GET", "/admin/toolkit/test-method/history", OFFICER_ONLY),
    ("GET", "/admin/toolkit/test-method/revisions/1", OFFICER_ONLY),
    ("GET", "/admin/toolkit/test-method/compare?from=1&to=2", OFFICER_ONLY),
    ("POST", "/admin/toolkit/test-method/revisions/1/restore", expect(302, 403, 403, 403, 302)),
    ("POST", "/admin/toolkit/test-method/use-file", expect(302, 403, 403, 403, 302)),
    ("GET", "/admin/toolkit/suggestions", OFFICER_ONLY),
    ("GET", "/admin/toolkit/suggestions/{suggestion}", OFFICER_ONLY),
    ("POST", "/admin/toolkit/suggestions/{suggestion}", expect(302, 403, 403, 403, 400)),
    ("GET", "/admin/toolkit/feedback", OFFICER_ONLY),
    ("GET", "/admin/toolkit/feedback?entry=test-method", OFFICER_ONLY),
]


@pytest.fixture
def setup(entry, users):
    """Two revisions (so restoring revision 1 is possible) and one pending suggestion."""
    from engage.toolkit import services

    services.edit_entry(users["officer"], entry, {"title": "Test method, edited"}, "Second revision")
    suggestion = services.suggest(users["practitioner"], entry, "Suggested title", entry.summary, entry.body, "Clearer")
    db.session.commit()
    return {"suggestion": suggestion.id}


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(login, client, setup, method, path, expected):
    assert route_problems(login, client, method, path.format(**setup), expected) == []


def test_services_check_roles_too(entry, users):
    from engage.toolkit import services

    suggestion = services.suggest(users["practitioner"], entry, "New", entry.summary, entry.body, "Because")
    for role in ("vcs", "practitioner", "coordinator"):
        with pytest.raises(services.RuleError):
            services.accept_suggestion(users[role], suggestion)
        with pytest.raises(services.RuleError):
            services.decline_suggestion(users[role], suggestion, "No")
    assert suggestion.status == "pending"


def test_signed_in_links_match_the_role(login, client, entry):
    for role, present, absent in [
        (OFF, "/admin/toolkit/test-method", "/toolkit/test-method/suggest"),
        (PRAC, "/toolkit/test-method/suggest", "/admin/toolkit/test-method"),
        (VCS, "/toolkit/test-method/suggest", "/admin/toolkit/test-method"),  # VCS members suggest too
        (ANON, "sign in to suggest a change", "/admin/toolkit/test-method"),
    ]:
        login(None if role == ANON else role)
        html = client.get("/toolkit/test-method").get_data(as_text=True)
        assert present in html and absent not in html, role
