"""Role checks on the sharing routes: route × role → status. The report below is a draft of
the test organisation (every test account's own organisation); "{published}" is public."""
import pytest

from engage.extensions import db
from tests.roles_support import PUBLIC, expect, route_problems
from tests.sharing.support import make_report, publish

STAFF = expect(302, 403, 200, 200, 200)
STAFF_POST = expect(302, 403, 400, 400, 400)
BOARD = expect(302, 403, 403, 200, 200)
# A draft is seen by its organisation (VCS members of it too) but changed by its writers.
DRAFT_VIEW = expect(404, 200, 200, 200, 200)
AUTHOR_EDIT = expect(302, 403, 200, 200, 200)
AUTHOR_POST = expect(302, 403, 400, 400, 400)

ROUTES = [
    ("GET", "/you-said-we-did", PUBLIC),
    ("GET", "/you-said-we-did/feed.atom", PUBLIC),
    ("GET", "/embed/you-said-we-did", PUBLIC),
    ("GET", "/api/v1/findings", PUBLIC),
    ("GET", "/api/v1/findings/{published}", PUBLIC),
    ("GET", "/findings/{published}", PUBLIC),
    ("GET", "/findings/{draft}", DRAFT_VIEW),
    ("GET", "/findings/manage", STAFF),
    ("GET", "/findings/dashboard", BOARD),
    ("GET", "/findings/new", STAFF),
    ("POST", "/findings/new", STAFF_POST),
    ("GET", "/findings/{draft}/edit", AUTHOR_EDIT),
    ("POST", "/findings/{draft}/edit", AUTHOR_POST),
    ("GET", "/findings/{draft}/key-findings", AUTHOR_EDIT),
    ("POST", "/findings/{draft}/key-findings", AUTHOR_POST),
    ("GET", "/findings/{draft}/recommendations", AUTHOR_EDIT),
    ("POST", "/findings/{draft}/recommendations", AUTHOR_POST),
    ("GET", "/findings/{draft}/attachments", AUTHOR_EDIT),
    ("POST", "/findings/{draft}/attachments", AUTHOR_POST),  # no file: an error beside the field
    ("GET", "/findings/{draft}/delete", AUTHOR_EDIT),
    ("GET", "/findings/{draft}/move/submit", expect(302, 403, 200, 200, 200)),
    ("GET", "/findings/{draft}/move/publish", expect(302, 403, 409, 409, 409)),
    ("GET", "/findings/{published}/edit", expect(302, 403, 403, 403, 403)),
    ("GET", "/findings/{published}/move/withdraw", expect(302, 403, 409, 409, 200)),
    ("GET", "/findings/{published}/respond/{partnership}/{recommendation}", expect(302, 403, 403, 200, 200)),
    ("GET", "/findings/{published}/respond/{second}/{recommendation}", expect(302, 403, 403, 403, 200)),
    # A draft response of the second partnership: its coordinator is not a test account, so
    # only an officer may publish it (once) or add progress.
    ("GET", "/findings/{published}/responses/{draft_response}/progress", expect(302, 403, 403, 403, 200)),
    ("POST", "/findings/{published}/responses/{draft_response}/publish", expect(302, 403, 403, 403, 302)),
]


@pytest.fixture
def ids(world, smtp):
    draft = make_report(world, title="Draft report")
    published = publish(world, make_report(world, title="Published report"))
    db.session.commit()
    from engage.sharing import responses

    draft_response = responses.save_response(world["other_coordinator"], published, world["second"], published.recommendations[0],
                                             {"status": "taken", "action": "Done", "owner": "Team"})
    db.session.commit()
    return {"draft": draft.id, "published": published.id, "partnership": world["partnership"].id,
            "second": world["second"].id, "recommendation": published.recommendations[0].id,
            "draft_response": draft_response.id}


@pytest.mark.parametrize("method, path, expected", ROUTES)
def test_route_by_role(client, login, ids, method, path, expected):
    assert route_problems(login, client, method, path.format(**ids), expected) == []
