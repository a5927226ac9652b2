"""Role checks on every performance route: route x role -> status (tests/roles_support.py).
The coordinator coordinates the target's partnership, so owns its stage 2."""
from datetime import date

import pytest

from engage.extensions import db
from engage.performance import services
from engage.performance.models import PsgMember
from tests.roles_support import OFFICER_ONLY, PUBLIC, expect, route_problems

from .support import target, world

OFFICER_POST = expect(302, 403, 403, 403, 400)     # officers reach it; the empty form is refused
OFFICER_DONE = expect(302, 403, 403, 403, 302)     # officers do it, then go back

ROUTES = [
    ("GET", "/performance", PUBLIC),
    ("GET", "/performance/targets/{target}", PUBLIC),
    ("POST", "/performance/targets/{target}/start", OFFICER_POST),          # PSG members and officers
    ("POST", "/performance/targets/{target}/settings", OFFICER_DONE),
    ("GET", "/performance/stages/{stage}", PUBLIC),
    ("POST", "/performance/stages/{stage}/move", expect(302, 403, 403, 400, 400)),   # the owner (coordinator) and officers
    ("GET", "/performance/periods/{period}", PUBLIC),
    ("GET", "/performance/periods/{period}/exceptions", PUBLIC),
    ("GET", "/performance/periods/{period}/exceptions.docx", PUBLIC),
    ("GET", "/performance/manage", OFFICER_ONLY),
    ("POST", "/performance/manage", OFFICER_POST),
    ("POST", "/performance/manage/psg", OFFICER_POST),
    ("POST", "/performance/manage/review", OFFICER_DONE),
    ("POST", "/performance/manage/psg/{member}/remove", OFFICER_DONE),
]


@pytest.fixture
def ids(app, users):
    w = world(coordinator=users["coordinator"])
    indicator = target(w, [44, 43, None, None])
    services.sync(indicator, date(2008, 1, 1), tell=False)
    member = PsgMember(user_id=users["officer"].id)
    db.session.add(member)
    db.session.commit()
    return {"target": indicator.id, "stage": services.open_stage(indicator).id, "period": w["periods"][2].id, "member": member.id}


@pytest.mark.parametrize("method, path, expected", ROUTES)
def test_route_roles(ids, login, client, method, path, expected):
    assert route_problems(login, client, method, path.format(**ids), expected) == []


def test_ids_that_are_not_numbers_are_404(app, client):
    for path in ("/performance/targets/0", "/performance/stages/99999999999", "/performance/periods/abc",
                 "/performance/periods/-1/exceptions.docx"):
        assert client.get(path).status_code == 404, path
