"""Role checks on the consultation routes: route × role → expected status (the table of
tests/roles_support.py). Every account here belongs to the organisation that leads the
consultations below, except where a row says otherwise; "other" rows use a consultation led
by another organisation, which only officers may change."""
import pytest

from engage.extensions import db
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)
from tests.roles_support import PUBLIC, route_problems, expect

EDITORS = expect(302, 200, 200, 200, 200)     # anyone signed in with an organisation
OFFICERS_ONLY_HERE = expect(302, 403, 403, 403, 200)
NOT_FOUND_FOR_PUBLIC = expect(404, 200, 200, 200, 200)

ROUTES = [
    ("GET", "/consultations", PUBLIC),
    ("GET", "/consultations/search?q=parks", PUBLIC),
    ("GET", "/consultations/forward-plan", PUBLIC),
    ("GET", "/consultations/activity", PUBLIC),
    ("GET", "/consultations/open-data", PUBLIC),
    ("GET", "/have-your-say", PUBLIC),
    ("GET", "/you-said-we-did", PUBLIC),
    ("GET", "/consultations/{public}", PUBLIC),
    ("GET", "/consultations/{partners}", NOT_FOUND_FOR_PUBLIC),
    ("GET", "/consultations/manage", EDITORS),
    ("GET", "/consultations/new", EDITORS),
    ("POST", "/consultations/new", expect(302, 400, 400, 400, 400)),
    ("GET", "/consultations/{public}/edit", EDITORS),
    ("POST", "/consultations/{public}/edit", expect(302, 400, 400, 400, 400)),
    ("GET", "/consultations/{public}/documents", EDITORS),
    ("GET", "/consultations/{public}/findings", EDITORS),
    ("GET", "/consultations/{public}/delete", EDITORS),
    ("GET", "/consultations/{public}/results/import", EDITORS),
    ("GET", "/consultations/{other}/edit", OFFICERS_ONLY_HERE),
    ("POST", "/consultations/{other}/delete", expect(302, 403, 403, 403, 302)),  # officer: deleted, back to the list
    ("GET", "/consultations/{other}/results/import", OFFICERS_ONLY_HERE),
    # An upload that is not yours (or has gone) is a 404 to its editors; others may not edit at all.
    ("POST", "/consultations/{public}/results/import/" + "t" * 32 + "/layout", expect(302, 404, 404, 404, 404)),
    ("POST", "/consultations/{other}/results/import/" + "t" * 32 + "/layout", expect(302, 403, 403, 403, 404)),
    ("POST", "/consultations/{public}/results/import/" + "t" * 32 + "/restart", expect(302, 404, 404, 404, 404)),
    ("POST", "/consultations/{other}/results/import/" + "t" * 32 + "/restart", expect(302, 403, 403, 403, 404)),
    ("GET", "/have-your-say?postcode=WA7", expect(400, 400, 400, 400, 400)),  # a plain message, never a 500
]


@pytest.fixture
def setup(users, ref):
    public = log(users["practitioner"], title="Parks survey", visibility="public")
    partners = log(users["practitioner"], title="Partners workshop", visibility="partners")
    other = log(ref["other_user"], title="Another organisation's survey", visibility="partners")
    db.session.commit()
    return {"public": public.id, "partners": partners.id, "other": other.id}


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(login, client, setup, method, path, expected):
    assert route_problems(login, client, method, path.format(**setup), expected) == []
