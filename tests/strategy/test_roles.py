"""Role checks on every strategy, plan and Network Group route: route × role → status (the
table of tests/roles_support.py). Every account belongs to the organisation that leads the
consultation below. Deleting rows end with the officer, so the record is still there for the
roles before."""
from datetime import datetime, timedelta

import pytest

from engage.extensions import db
from tests.consultations.records_support import log
from tests.roles_support import OFFICER_ONLY, PUBLIC, SIGNED_IN, expect
from tests.roles_support import route_problems
from tests.strategy.support import plan, strategy

PARTNERS = expect(404, 200, 200, 200, 200)        # a version out for comment: partners only
OFFICER_POST = expect(302, 403, 403, 403, 400)     # officers reach the form; the empty post is refused
OFFICER_DELETE = expect(302, 403, 403, 403, 302)   # officers delete, then go back

ROUTES = [
    # the strategy
    ("GET", "/strategy", PUBLIC),
    ("GET", "/strategy/versions", PUBLIC),
    ("GET", "/strategy/versions/{adopted}", PUBLIC),
    ("GET", "/strategy/versions/{adopted}/responses", PUBLIC),
    ("GET", "/strategy/versions/{draft}", expect(404, 404, 404, 404, 200)),
    ("GET", "/strategy/versions/{open}", PARTNERS),
    ("GET", "/strategy/versions/{open}/sections/{open_section}/comment", PARTNERS),
    ("POST", "/strategy/versions/{open}/sections/{open_section}/comment", expect(404, 400, 400, 400, 400)),
    ("GET", "/strategy/compare?from={adopted}&to={adopted}", PUBLIC),
    ("GET", "/admin/strategy", OFFICER_ONLY),
    ("POST", "/admin/strategy", OFFICER_POST),
    ("GET", "/admin/strategy/versions/{draft}", OFFICER_ONLY),
    ("POST", "/admin/strategy/versions/{draft}", OFFICER_POST),
    ("POST", "/admin/strategy/versions/{draft}/transition", OFFICER_POST),
    ("POST", "/admin/strategy/versions/{adopted}/new-version", expect(302, 403, 403, 403, 302)),
    ("GET", "/admin/strategy/versions/{draft}/sections/new", OFFICER_ONLY),
    ("POST", "/admin/strategy/versions/{draft}/sections/new", OFFICER_POST),
    ("GET", "/admin/strategy/versions/{draft}/sections/{draft_section}", OFFICER_ONLY),
    ("POST", "/admin/strategy/versions/{draft}/sections/{draft_section}", OFFICER_POST),
    ("POST", "/admin/strategy/versions/{draft}/sections/{draft_section}/move", OFFICER_POST),
    ("GET", "/admin/strategy/versions/{draft}/sections/{draft_section}/delete", OFFICER_ONLY),
    ("POST", "/admin/strategy/versions/{draft}/sections/{draft_section}/delete", OFFICER_DELETE),
    ("GET", "/admin/strategy/versions/{open}/comments", OFFICER_ONLY),
    ("GET", "/admin/strategy/versions/{open}/comments.csv", OFFICER_ONLY),
    ("POST", "/admin/strategy/comments/{comment}/respond", OFFICER_POST),
    ("POST", "/admin/strategy/comments/{comment}/spam", expect(302, 403, 403, 403, 302)),  # back to the list, with a message
    # the plan
    ("GET", "/plan", PUBLIC),
    ("GET", "/plan.csv", PUBLIC),
    ("GET", "/plan/timeline", PUBLIC),
    ("GET", "/plan/actions/{action}", PUBLIC),
    ("POST", "/plan/actions/{action}/progress", OFFICER_POST),
    ("GET", "/plan/budget", PUBLIC),
    ("GET", "/plan/reports", PUBLIC),
    ("GET", "/plan/reports/2005/q1", PUBLIC),
    ("GET", "/plan/reports/2005/q1.docx", PUBLIC),
    ("GET", "/admin/plan", OFFICER_ONLY),
    ("GET", "/admin/plan/themes/new", OFFICER_ONLY),
    ("POST", "/admin/plan/themes/new", OFFICER_POST),
    ("GET", "/admin/plan/themes/{theme}", OFFICER_ONLY),
    ("POST", "/admin/plan/themes/{theme}", OFFICER_POST),
    ("GET", "/admin/plan/themes/{theme}/delete", OFFICER_ONLY),
    ("POST", "/admin/plan/themes/{theme}/delete", OFFICER_POST),  # refused: it has actions
    ("POST", "/admin/plan/themes/{empty_theme}/delete", OFFICER_DELETE),
    ("GET", "/admin/plan/actions/new", OFFICER_ONLY),
    ("POST", "/admin/plan/actions/new", OFFICER_POST),
    ("GET", "/admin/plan/actions/{action}", OFFICER_ONLY),
    ("POST", "/admin/plan/actions/{action}", OFFICER_POST),
    ("GET", "/admin/plan/actions/{action}/delete", OFFICER_ONLY),
    ("POST", "/admin/plan/actions/{action}/delete", OFFICER_DELETE),
    ("POST", "/admin/plan/actions/{action}/links", OFFICER_POST),
    ("POST", "/admin/plan/actions/{action}/links/{link}/remove", OFFICER_DELETE),
    ("GET", "/admin/plan/budget/new", OFFICER_ONLY),
    ("POST", "/admin/plan/budget/new", OFFICER_POST),
    ("GET", "/admin/plan/budget/{line}", OFFICER_ONLY),
    ("POST", "/admin/plan/budget/{line}", OFFICER_POST),
    ("POST", "/admin/plan/budget/{line}/figures", OFFICER_POST),
    ("GET", "/admin/plan/budget/{line}/delete", OFFICER_ONLY),
    ("POST", "/admin/plan/budget/{line}/delete", OFFICER_DELETE),
    # the Network Group
    ("GET", "/network", PUBLIC),
    ("GET", "/network/members/{member}", PUBLIC),
    ("GET", "/network/join", SIGNED_IN),
    ("POST", "/network/join", expect(302, 400, 400, 400, 400)),
    ("GET", "/network/members/{member}/remove", expect(302, 403, 403, 403, 200)),  # the officer's own entry
    ("POST", "/network/members/{member}/remove", OFFICER_DELETE),
    ("GET", "/network/events", PUBLIC),
    ("GET", "/network/events/{public_event}", PUBLIC),
    ("GET", "/network/events/{private_event}", PARTNERS),
    ("GET", "/network/events.ics", PUBLIC),
    ("GET", "/admin/network/events/new", OFFICER_ONLY),
    ("POST", "/admin/network/events/new", OFFICER_POST),
    ("GET", "/admin/network/events/{public_event}", OFFICER_ONLY),
    ("POST", "/admin/network/events/{public_event}", OFFICER_POST),
    ("GET", "/admin/network/events/{public_event}/delete", OFFICER_ONLY),
    ("POST", "/admin/network/events/{public_event}/delete", OFFICER_DELETE),
    ("GET", "/consultations/{consultation}/network-helpers", expect(302, 200, 200, 200, 200)),
    ("POST", "/consultations/{consultation}/network-helpers", expect(302, 400, 400, 400, 400)),
    ("POST", "/consultations/{consultation}/network-helpers/{helper}/remove", expect(302, 302, 404, 404, 404)),  # the first editor takes it off; then it is gone
    # the API
    ("GET", "/api/v1/strategy", PUBLIC),
    ("GET", "/api/v1/actions", PUBLIC),
]


@pytest.fixture
def setup(users, org):
    from engage.strategy import documents, network
    from engage.strategy import plan as plan_services
    from engage.strategy.models import ActionLink, BudgetLine, NetworkEvent

    officer = users["officer"]
    adopted = strategy(officer, "adopted")
    draft = documents.new_version(officer, adopted)
    opened = strategy(officer, "consultation", title="Second strategy")
    comment = documents.add_comment(users["vcs"], opened.sections[0], {"body": "A comment"})
    actions = plan(officer, org)
    empty = plan_services.save_theme(officer, None, {"name": "Empty theme"})
    link = ActionLink(action_id=actions["due_past"].id, kind="toolkit-entry", target_id=1)
    line = BudgetLine(year=2005, item="Staffing", annual_budget=100)
    start = datetime.now() + timedelta(days=7)
    public_event = NetworkEvent(title="Forum", kind="forum", starts_at=start, ends_at=start + timedelta(hours=1), place="Hall", public=True)
    private_event = NetworkEvent(title="Meeting", kind="meeting", starts_at=start, ends_at=start + timedelta(hours=1), place="Hall", public=False)
    db.session.add_all([link, line, public_event, private_event])
    member = network.join_or_update(officer, {"contact_email": "officer@test.example"})
    helper_member = network.join_or_update(users["vcs"], {"contact_email": "vcs@test.example"})
    db.session.commit()
    consultation = log(users["practitioner"], title="Parks survey")
    helper = network.add_helper(users["practitioner"], consultation, helper_member.id, "")
    db.session.commit()
    return {"adopted": adopted.id, "draft": draft.id, "draft_section": draft.sections[0].id, "open": opened.id,
            "open_section": opened.sections[0].id, "comment": comment.id, "action": actions["due_past"].id, "theme": actions["theme"].id,
            "empty_theme": empty.id, "link": link.id, "line": line.id, "member": member.id, "public_event": public_event.id,
            "private_event": private_event.id, "consultation": consultation.id, "helper": helper.id}


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(login, client, setup, method, path, expected):
    assert route_problems(login, client, method, path.format(**setup), expected) == []
