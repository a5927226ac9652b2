"""Role checks on every annual cycle route: route × role → status (tests/roles_support.py).
The calendar is public; the template and year set-up are for officers; action plans are for
partners (a VCS member is refused, a resident sent to sign in)."""
import pytest

from tests.cycle.support import cycle_2006, plan_with_actions
from tests.roles_support import OFFICER_ONLY, PUBLIC, expect, route_problems

STAFF = expect(302, 403, 200, 200, 200)
OFFICER_POST = expect(302, 403, 403, 403, 400)
WRITERS_POST = expect(302, 403, 403, 400, 400)    # the partnership's coordinator and officers

ROUTES = [
    ("GET", "/cycle/", PUBLIC),
    ("GET", "/cycle/2006", PUBLIC),
    ("GET", "/cycle/1999", expect(404, 404, 404, 404, 404)),
    ("POST", "/cycle/new", OFFICER_POST),
    ("GET", "/cycle/template", OFFICER_ONLY),
    ("GET", "/cycle/template/new", OFFICER_ONLY),
    ("POST", "/cycle/template/new", OFFICER_POST),
    ("GET", "/cycle/template/{template_step}/edit", OFFICER_ONLY),
    ("POST", "/cycle/steps/{step}/done", expect(302, 403, 403, 302, 409)),   # the coordinator marks it done; then it is done
    ("GET", "/cycle/2006/plans", STAFF),
    ("POST", "/cycle/2006/plans", expect(302, 403, 400, 400, 400)),
    ("GET", "/cycle/plans/{plan}", STAFF),
    ("POST", "/cycle/plans/{plan}/summary", expect(302, 403, 403, 302, 302)),
    ("POST", "/cycle/plans/{plan}/actions", WRITERS_POST),
    ("POST", "/cycle/plans/{plan}/actions/999999/remove", expect(302, 403, 403, 404, 404)),
    ("POST", "/cycle/plans/{plan}/actions/{action}/decision", expect(302, 403, 403, 403, 400)),
    ("POST", "/cycle/plans/{plan}/actions/{action}/reply", expect(302, 403, 403, 400, 400)),
    ("POST", "/cycle/plans/{plan}/move/return", expect(302, 403, 403, 403, 409)),  # not with the PSG yet
    ("GET", "/cycle/plans/999999", expect(302, 403, 404, 404, 404)),
]


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_roles(app, client, login, users, method, path, expected):
    from engage.cycle.models import CycleTemplateStep

    cycle, made = cycle_2006(users)
    plan = plan_with_actions(users, cycle, made, n=1)
    step = next(s for s in cycle.steps if s.title == "Mid-year update" and s.partnership_id == made["ours"].id)
    ids = {"plan": plan.id, "action": plan.actions[0].id, "step": step.id,
           "template_step": CycleTemplateStep.query.first().id}
    assert route_problems(login, client, method, path.format(**ids), expected) == []
