"""Role checks on the survey routes: route × role → expected status. Residents (anon) may
answer; staff pages need an editor of the consultation's organisation; population
profiles are for officers. "other" rows use a survey on another organisation's consultation."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from engage.extensions import db
from tests.roles_support import OFFICER_ONLY, PUBLIC, expect, route_problems
from tests.surveys.survey_support import consultation, places, survey  # noqa: F401

EDITORS = expect(302, 200, 200, 200, 200)
OTHER = expect(302, 403, 403, 403, 200)
POST_EDITORS = expect(302, 302, 302, 302, 302)


@pytest.fixture
def other(app, places, users):
    from engage.consultations.models import Consultation
    from engage.partnership.models import Organisation
    from engage.surveys import builder
    from sqlalchemy import select

    trust = db.session.scalar(select(Organisation).where(Organisation.name == "Other Trust"))
    c = Consultation(title="Other", summary="Theirs", lead_organisation_id=trust.id, visibility="public",
                     planned_start=date.today())
    db.session.add(c)
    db.session.flush()
    s = builder.create_survey(None, c, {"title": "Their survey", "opens_at": datetime.now() - timedelta(days=1)})
    db.session.commit()
    return s


ROUTES = [
    ("GET", "/surveys/{s}", PUBLIC),
    ("GET", "/surveys/{s}/qr.svg", PUBLIC),
    ("GET", "/surveys/{s}/qr.png", PUBLIC),
    ("GET", "/surveys/{s}/resume", PUBLIC),
    ("GET", "/api/v1/surveys", PUBLIC),
    ("GET", "/api/v1/surveys/{s}/results", expect(404, 200, 200, 200, 200)),
    ("GET", "/consultations/{c}/surveys/new", EDITORS),
    ("POST", "/consultations/{c}/surveys/new", expect(302, 400, 400, 400, 400)),
    ("GET", "/surveys/{s}/build", EDITORS),
    ("GET", "/surveys/{s}/settings", EDITORS),
    ("POST", "/surveys/{s}/settings", expect(302, 400, 400, 400, 400)),
    ("GET", "/surveys/{s}/sections/new", EDITORS),
    ("GET", "/surveys/{s}/sections/{sec}/edit", EDITORS),
    ("GET", "/surveys/{s}/sections/{sec}/rule", EDITORS),
    ("GET", "/surveys/{s}/sections/{sec}/delete", EDITORS),
    ("GET", "/surveys/{s}/questions/new?section={sec}", EDITORS),
    ("GET", "/surveys/{s}/questions/{q}/edit", EDITORS),
    ("GET", "/surveys/{s}/questions/{q}/rule", EDITORS),
    ("GET", "/surveys/{s}/questions/{q}/delete", EDITORS),
    ("POST", "/surveys/{s}/questions/{q}/move", POST_EDITORS),
    ("POST", "/surveys/{s}/sections/{sec}/move", POST_EDITORS),
    ("POST", "/surveys/{s}/preview", POST_EDITORS),
    ("GET", "/surveys/{s}/share", EDITORS),
    ("GET", "/surveys/{s}/paper", PUBLIC),
    ("GET", "/surveys/{s}/poster", PUBLIC),
    ("GET", "/surveys/{s}/codes", EDITORS),
    ("GET", "/surveys/{s}/easy-read/pictures", EDITORS),
    ("GET", "/surveys/{s}/easy-read/pictures/{q}", EDITORS),
    ("POST", "/surveys/{s}/easy-read/pictures/{q}/remove", POST_EDITORS),
    ("GET", "/surveys/{o}/easy-read/pictures", OTHER),
    ("GET", "/surveys/{o}/easy-read/pictures/{q}", expect(302, 403, 403, 403, 404)),   # {q} is not in {o}
    ("GET", "/surveys/{s}/pictures/{q}", expect(404, 404, 404, 404, 404)),   # no picture yet
    ("GET", "/surveys/{s}/codes/1", EDITORS),
    ("GET", "/surveys/{s}/entry", EDITORS),
    ("GET", "/surveys/{s}/import", EDITORS),
    ("GET", "/surveys/{s}/import/template.csv", EDITORS),
    # An upload is its uploader's: anyone else's token (or an expired one) is a 404.
    ("GET", "/surveys/{s}/import/" + "t" * 32, expect(302, 404, 404, 404, 404)),
    ("POST", "/surveys/{s}/import/" + "t" * 32, expect(302, 404, 404, 404, 404)),
    ("GET", "/surveys/{s}/import/" + "t" * 32 + "/progress", expect(302, 404, 404, 404, 404)),
    ("GET", "/surveys/{o}/import/" + "t" * 32 + "/progress", expect(302, 403, 403, 403, 404)),
    ("GET", "/surveys/{s}/results", EDITORS),
    ("GET", "/surveys/{s}/who-answered", EDITORS),
    ("GET", "/surveys/{s}/comments", EDITORS),
    ("GET", "/surveys/{s}/export/responses.csv", EDITORS),
    ("GET", "/surveys/{s}/export/results.xlsx", EDITORS),
    ("GET", "/surveys/{s}/publish", EDITORS),
    ("GET", "/surveys/{s}/delete", EDITORS),
    ("GET", "/surveys/{s}/responses", EDITORS),
    ("GET", "/surveys/{s}/responses/{r}", EDITORS),
    ("GET", "/surveys/{s}/responses/{r}/correct", EDITORS),
    ("POST", "/surveys/{s}/responses/{r}/correct", expect(302, 400, 400, 400, 400)),
    ("POST", "/surveys/{s}/responses/{r}/set-aside", expect(302, 400, 400, 400, 400)),
    ("POST", "/surveys/{s}/responses/{r}/restore", expect(302, 400, 400, 400, 400)),
    ("GET", "/surveys/{s}/responses/{r}/erase", EDITORS),
    ("POST", "/surveys/{s}/responses/{r}/erase", expect(302, 400, 400, 400, 400)),
    ("GET", "/surveys/{o}/responses", OTHER),
    ("GET", "/surveys/{s}/open-and-close", EDITORS),
    ("POST", "/surveys/{s}/open-and-close/close-now", expect(302, 400, 400, 400, 400)),
    ("POST", "/surveys/{s}/open-and-close/extend", expect(302, 400, 400, 400, 400)),
    ("POST", "/surveys/{s}/open-and-close/reopen", expect(302, 400, 400, 400, 400)),
    ("GET", "/surveys/{o}/open-and-close", OTHER),
    ("GET", "/admin/population", OFFICER_ONLY),
    ("GET", "/admin/population.csv", OFFICER_ONLY),
    ("GET", "/admin/population/{ward}", OFFICER_ONLY),
    ("GET", "/surveys/{o}/build", OTHER),
    # Issue 23: translating a survey is for those who may build it.
    ("GET", "/translate/survey/{s}", EDITORS),
    ("GET", "/translate/survey/{s}/cy", EDITORS),
    ("POST", "/translate/survey/{s}/cy", expect(302, 302, 302, 302, 302)),
    ("POST", "/translate/survey/{s}/cy/offer", expect(302, 400, 400, 400, 400)),
    ("GET", "/translate/survey/{o}", OTHER),
    ("GET", "/translate/survey/{o}/easyread", OTHER),
    ("POST", "/translate/survey/{o}/cy", expect(302, 403, 403, 403, 302)),
    ("GET", "/surveys/{o}/results", OTHER),
    ("GET", "/surveys/{o}/entry", OTHER),
    ("POST", "/surveys/{s}/comments/bulk", expect(302, 400, 400, 400, 400)),
    ("GET", "/surveys/{s}/comments/suggestions", EDITORS),
    ("GET", "/surveys/{o}/comments/suggestions", OTHER),
    ("POST", "/surveys/{o}/comments/bulk", expect(302, 403, 403, 403, 400)),
    ("POST", "/surveys/{s}/comments/undo/99999", expect(302, 404, 404, 404, 404)),
    ("POST", "/surveys/{o}/comments/undo/99999", expect(302, 403, 403, 403, 404)),
    ("GET", "/surveys/{o}/export/responses.csv", OTHER),
    ("POST", "/surveys/{o}/delete", expect(302, 403, 403, 403, 302)),
]


def test_every_route_answers_each_role_right(client, login, survey, other, places):
    names = {"s": survey.id, "code": survey.code, "c": survey.consultation_id, "sec": survey.sections[0].id,
             "q": survey.q["comment"].id, "o": other.id, "ward": places["mill"].id}
    from engage.surveys import codes

    codes.generate(None, survey, 2)
    from tests.surveys.survey_support import store

    names["r"] = store(survey, {"comment": "A response to browse"}).id
    db.session.commit()
    problems = []
    for method, path, expected in ROUTES:
        problems += route_problems(login, client, method, path.format(**names), expected)
    assert problems == []
