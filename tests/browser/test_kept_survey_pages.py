"""The survey journey's kept pages in Chromium, with form tokens checked as on a live site:
two residents at a 320 px screen open the demo's open survey, each is shown the start page
and the first question page with a token of their own (the kept drawing's hole filled for
each), a page sent with nothing chosen shows its errors, each token carries their own answers on, and going back shows each resident their
own answers only. axe-core runs on every page."""
from __future__ import annotations

import pytest

from tests.browser.test_journeys import check

pytestmark = pytest.mark.browser

HOLE = "engage-form-token-"
EXPIRED = "This page was open for a long time"


def _open_survey(live_app) -> int:
    from sqlalchemy import select

    from engage.extensions import db
    from engage.surveys.models import Survey

    with live_app.app_context():
        survey_id = next(s.id for s in db.session.scalars(select(Survey).order_by(Survey.id)) if s.state == "open")
        db.session.remove()
    return survey_id


def _token(page) -> str:
    token = page.locator("input[name=csrf_token]").first.input_value()
    assert token and HOLE not in token and HOLE not in page.content()
    return token


def _answer_first_page(page, ward: int) -> None:
    """Choose a ward and the first answer of every other question on the page."""
    page.locator("main select").first.select_option(index=ward)
    for fieldset in page.locator("main form fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count():
            radios.first.check()


def test_two_residents_get_tokens_and_answers_of_their_own(_browser, live_server, live_app):
    survey_id = _open_survey(live_app)
    live_app.config["WTF_CSRF_ENABLED"] = True
    contexts = [_browser.new_context(viewport={"width": 320, "height": 800}) for _ in range(2)]
    try:
        pages = [context.new_page() for context in contexts]
        starts = []
        for page in pages:
            page.set_default_timeout(15_000)
            page.goto(f"{live_server}/surveys/{survey_id}")
            check(page)
            starts.append(_token(page))
        assert starts[0] != starts[1]

        questions = []
        for page in pages:
            page.get_by_role("button", name="Start now").click()
            assert "/page/" in page.url, page.url
            check(page)
            questions.append(_token(page))
        assert questions[0] != questions[1]
        first_page = pages[0].url

        # Sent with nothing chosen: the errors, with the resident's own token still good (not
        # "this page was open too long"), and a fresh token in the page drawn for them.
        for page in pages:
            page.get_by_role("button", name="Continue").click()
            assert page.url.startswith(first_page) and EXPIRED not in page.content(), page.url
            assert page.locator(".govuk-error-summary").is_visible()
            check(page)
            _token(page)

        # Each resident's token carries their own answers on (not "this page was open too long").
        for ward, page in zip((1, 2), pages):
            _answer_first_page(page, ward)
            page.get_by_role("button", name="Continue").click()
            assert page.url != first_page and EXPIRED not in page.content(), page.url
            check(page)

        # Back to the first page: each resident sees their own ward chosen, nobody else's.
        chosen = []
        for page in pages:
            page.goto(first_page)
            check(page)
            chosen.append(page.locator("main select").first.input_value())
            assert page.locator("main input[type=radio]:checked").count() > 0
        assert chosen[0] != chosen[1] and "" not in chosen
    finally:
        live_app.config["WTF_CSRF_ENABLED"] = False
        for context in contexts:
            context.close()
