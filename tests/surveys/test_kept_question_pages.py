"""A survey's question pages are kept (engage/core/pagecache.py ``own``): residents on a page
they have not answered yet share one drawing within the second, each with their own form
token; whatever of a resident's own the page shows (their answers, their option order, a
message for them, their account) is theirs alone and is never shown to anyone else."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from flask import g

from engage.extensions import db
from tests.query_support import counting
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401  (fixtures)
from tests.surveys.test_page_queries import first_page

KEPT = 2   # statements a kept question page costs: the tables' numbers, then the survey and the resident's draft


@pytest.fixture
def frozen(clock):
    clock.set(datetime.now(timezone.utc).replace(microsecond=0))
    return clock


def _resident(app, survey_id) -> tuple:
    client = app.test_client()
    return client, first_page(client, survey_id)


def _get(client, path: str) -> tuple[int, str]:
    """(statements run, page) of a GET, as a new request on a server."""
    g.pop("csrf_token", None)   # Flask-WTF keeps it in ``g``, which this test's requests share
    db.session.remove()
    with counting() as seen:
        reply = client.get(path)
    assert reply.status_code == 200, (path, reply.status_code)
    return len(seen), reply.get_data(as_text=True)


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _without_token(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def _answer(client, path: str, token: str | None, **answers) -> int:
    g.pop("csrf_token", None)
    data = {f"q{k}": str(v) for k, v in answers.items()}
    if token is not None:
        data["csrf_token"] = token
    return client.post(path, data=data).status_code


def test_residents_on_a_page_they_have_not_answered_share_a_drawing_with_tokens_of_their_own(app, survey, places, frozen):
    ward, use, mill, often = survey.q["ward"].id, survey.q["use"].id, places["mill"].id, opt(survey.q["use"], "Often").id
    residents = [_resident(app, survey.id) for _ in range(4)]   # started (the start page's own token is tested elsewhere)
    app.config["WTF_CSRF_ENABLED"] = True
    pages, tokens = [], []
    for visit, (client, path) in enumerate(residents[:3]):
        seen, page = _get(client, path)
        assert (seen == KEPT) == (visit > 0), (visit, seen)
        assert "engage-form-token-" not in page and "Which ward do you live in?" in page
        pages.append(_without_token(page))
        tokens.append(_token(page))
        # Each resident's own token is good for their own answers.
        assert _answer(client, path, tokens[-1], **{str(ward): mill, str(use): often}) == 302
    assert len(set(tokens)) == 3
    assert pages[0] == pages[1] == pages[2]
    # Another resident's token is not.
    client, path = residents[3]
    assert _answer(client, path, tokens[0], **{str(ward): mill, str(use): often}) != 302


def test_a_residents_own_answers_are_shown_to_them_alone(app, survey, places, frozen):
    ward, use, comment = survey.q["ward"].id, survey.q["use"].id, survey.q["comment"].id
    often, mill, castle = opt(survey.q["use"], "Often").id, places["mill"].id, places["castle"].id
    survey_id = survey.id
    mine, path = _resident(app, survey.id)
    theirs, same_path = _resident(app, survey.id)
    assert path == same_path
    _get(mine, path)   # drawn blank: kept for anyone who has not answered it
    assert _answer(mine, path, None, **{str(ward): mill, str(use): often}) == 302
    seen, page = _get(mine, path)   # back to the page: their answers, drawn for them
    assert seen > KEPT
    assert f'value="{often}" checked' in page and f'value="{mill}" selected' in page
    seen, page = _get(theirs, path)   # the blank drawing, still good
    assert seen == KEPT and " checked" not in page and " selected" not in page
    _get(mine, path)
    seen, page = _get(mine, path)   # and their own page is kept for them
    assert seen == KEPT and f'value="{often}" checked' in page

    # Words typed into a box: through to the section that asks for them, typed, then back.
    assert _answer(theirs, path, None, **{str(ward): castle, str(use): often}) == 302
    later = f"/surveys/{survey_id}/page/2"
    for client in (mine, theirs):
        _get(client, f"/surveys/{survey_id}/page/1")
        assert _answer(client, f"/surveys/{survey_id}/page/1", None) == 302
    _get(theirs, later)
    assert _answer(mine, later, None, **{str(comment): "The bench by my house is broken"}) == 302
    seen, page = _get(mine, later)
    assert "The bench by my house is broken" in page
    seen, page = _get(theirs, later)
    assert "The bench by my house is broken" not in page


def test_options_in_a_residents_own_order_are_never_shared(app, survey, frozen):
    use = survey.q["use"]
    use.randomise = True
    db.session.commit()
    orders = []
    for _ in range(10):   # 3 shuffled options: all 10 in one order by chance is 1 in 6**9
        client, path = _resident(app, survey.id)
        seen, page = _get(client, path)
        assert seen > KEPT   # their own order: drawn for them
        orders.append(tuple(re.findall(r'value="(\d+)"[^>]*>\s*<label[^>]*>\s*(Often|Sometimes|Never)', page)))
        again_seen, again = _get(client, path)
        assert again_seen == KEPT and _without_token(again) == _without_token(page)   # kept for them
    assert len(set(orders)) > 1, "every resident was shown the same order"


def test_a_message_waiting_or_an_account_is_never_kept_or_shown_to_another(app, survey, users, frozen):
    from tests.conftest import sign_in

    survey_id = survey.id
    blank, path = _resident(app, survey_id)
    _get(blank, path)
    told, told_path = _resident(app, survey_id)
    with told.session_transaction() as session:
        session["_flashes"] = [("success", "A message for this resident alone")]
    seen, page = _get(told, told_path)   # not the blank page kept a moment ago
    assert "A message for this resident alone" in page

    officer = app.test_client()
    g.pop("csrf_token", None)
    sign_in(officer, "officer@test.example")
    officer_path = first_page(officer, survey_id)
    for _ in range(2):
        seen, page = _get(officer, officer_path)
        assert "Sign out" in page

    seen, page = _get(blank, path)
    assert seen == KEPT and "A message for this resident alone" not in page and "Sign out" not in page


def test_a_change_to_the_survey_draws_it_again_and_anothers_answers_do_not(app, survey, places, frozen):
    from engage.surveys.models import SurveyOption

    survey_id, often = survey.id, opt(survey.q["use"], "Often").id
    first, path = _resident(app, survey_id)
    second, _ = _resident(app, survey_id)
    _get(first, path)
    with app.app_context():   # someone else sends theirs, through the service, on a session of its own
        from engage.surveys import answering, snapshot
        from engage.surveys.models import Survey

        fresh = snapshot.for_answering(db.session.get(Survey, survey_id))
        answering.store_complete(fresh, {str(fresh.questions[0].id): None}, channel="online")
        db.session.commit()
    seen, page = _get(second, path)
    assert seen == KEPT, "another resident's answers drew the page again"

    db.session.get(SurveyOption, often).label = "Very often"
    db.session.commit()
    seen, page = _get(second, path)
    assert seen > KEPT and ">Very often</label>" in page

