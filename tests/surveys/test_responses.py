"""One response at a time (issue 20): find by reference, correct (a new version: who, when,
why; a stale form is an edit conflict), set aside as duplicate or spam (and put back), erase
(answers, contact, free text and codes gone; a note without content kept). Results, exports,
the API, comments search and the consultation database follow through ``models.counted``."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engage.core.concurrency import EditConflict
from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.surveys import analysis, exports, records
from engage.surveys.builder import BuildError
from engage.surveys.models import (CommentTheme, SurveyAnswer, SurveyContact, SurveyResponse, SurveyResponseEvent,
                                   comment_code)
from tests.surveys.survey_support import choice, close, consultation, opt, places, store, survey  # noqa: F401


def _people(survey):
    return len(analysis.load_people(survey))


def _entry_form(survey, places, ward="castle", use="Often", comment="Too much litter by the pond", rate="4"):
    from werkzeug.datastructures import MultiDict

    q = survey.q
    return MultiDict({f"q{q['ward'].id}": str(places[ward].id), f"q{q['use'].id}": str(opt(q["use"], use).id),
            f"q{q['rate'].id}": rate, f"q{q['comment'].id}": comment})


@pytest.fixture
def answered(survey, places):
    q = survey.q
    a = store(survey, {"ward": str(places["castle"].id), "use": choice(q["use"], "Often"), "rate": 4,
                       "comment": "Too much litter by the pond"}, channel="paper")
    b = store(survey, {"ward": str(places["mill"].id), "use": choice(q["use"], "Never")})
    return a, b


def test_search_by_reference_channel_ward_and_date(app, users, survey, places, answered):
    a, b = answered
    found = lambda **args: db.session.scalars(records.search(survey, records.read_filters(args))).all()  # noqa: E731
    # Typed any way: lower case, with the dash or without.
    typed = f"{a.reference[:4].lower()}-{a.reference[4:].lower()}"
    assert found(reference=typed) == [a]
    assert found(channel="paper") == [a]
    assert found(ward=str(places["mill"].id)) == [b]
    today = a.submitted_at.date()
    assert set(found(**{"from": today.strftime("%d/%m/%Y"), "to": today.isoformat()})) == {a, b}
    assert found(**{"from": (today.replace(year=today.year + 1)).isoformat()}) == []
    bad = records.read_filters({"from": "31/02/2026", "channel": "pigeon", "ward": "x"})
    assert set(bad.errors) == {"from", "channel", "ward"}


def test_correct_is_a_new_version_with_who_when_why(app, users, survey, places, answered):
    a, _ = answered
    officer = users["practitioner"]
    version = a.version
    form = _entry_form(survey, places, ward="bridge")
    with pytest.raises(BuildError, match="Say why"):
        records.correct(officer, survey, a, form, reason="", version=version)
    db.session.rollback()
    result = records.correct(officer, survey, a, form, reason="Typing slip: the form says Bridge", version=version)
    db.session.commit()
    assert result.changed == ["Q1"]
    assert a.ward_id == places["bridge"].id and a.version == version + 1
    event = db.session.scalar(select(SurveyResponseEvent).where(SurveyResponseEvent.response_id == a.id))
    assert (event.action, event.actor_id, event.reason) == ("corrected", officer.id, "Typing slip: the form says Bridge")
    assert event.changes == {"Q1": ["Castle", "Bridge"]}
    # The live results follow: Bridge has the response, Castle has none.
    wards = {p.ward_id for p in analysis.load_people(survey)}
    assert places["bridge"].id in wards and places["castle"].id not in wards
    # A form opened before that correction is an edit conflict, never an overwrite.
    with pytest.raises(EditConflict):
        records.correct(officer, survey, a, _entry_form(survey, places, ward="mill"), reason="Again", version=version)
    db.session.rollback()
    with pytest.raises(BuildError, match="None of the answers has changed"):
        records.correct(officer, survey, a, form, reason="Nothing", version=a.version)
    db.session.rollback()


def test_correct_keeps_the_coding_of_unchanged_comments(app, users, survey, places, answered):
    a, _ = answered
    theme = CommentTheme(survey_id=survey.id, name="Litter")
    db.session.add(theme)
    comment = next(x for x in a.answers if x.question_id == survey.q["comment"].id)
    comment.themes = [theme]
    db.session.commit()
    records.correct(users["practitioner"], survey, a, _entry_form(survey, places, rate="2", comment="Too much litter by the pond"),
                    reason="Rating misread", version=a.version)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(comment_code)) == 1


def test_set_aside_leaves_it_out_and_can_be_undone(app, users, survey, places, answered):
    a, _ = answered
    staff = users["practitioner"]
    assert _people(survey) == 2
    records.set_aside(staff, survey, a, "duplicate", "Entered twice")
    db.session.commit()
    assert _people(survey) == 1 and records.counted_total(survey) == 1
    headers, rows = exports.response_table(survey)
    assert a.reference not in {r[1] for r in rows}
    assert db.session.get(SurveyResponse, a.id) is not None  # kept for the record
    # Two clicks at once make one move: the second finds it moved.
    stale = db.session.get(SurveyResponse, a.id)
    from engage.core import transitions
    with pytest.raises(AlreadyMoved):
        transitions.compare_and_set(stale, {"status": "complete", "set_aside": None}, {"set_aside": "spam"})
    db.session.rollback()
    records.restore(staff, survey, a, "It was not a duplicate after all")
    db.session.commit()
    assert _people(survey) == 2
    assert [e.action for e in records.history(a)] == ["restored", "duplicate"]


def test_erase_leaves_only_a_note_without_content(app, users, survey, places, answered):
    a, b = answered
    staff = users["practitioner"]
    theme = CommentTheme(survey_id=survey.id, name="Litter")
    db.session.add(theme)
    next(x for x in a.answers if x.question_id == survey.q["comment"].id).themes = [theme]
    db.session.add_all([SurveyContact(key="k1", survey_id=survey.id, consultation_id=survey.consultation_id, email="Pond@Example.org"),
                        SurveyContact(key="k2", survey_id=survey.id, consultation_id=survey.consultation_id, email="other@example.org")])
    db.session.commit()
    records.correct(staff, survey, a, _entry_form(survey, places, comment="Too much litter by the pond, says Jo"),
                    reason="Second page of the form found", version=a.version)
    db.session.commit()
    with pytest.raises(BuildError):
        records.erase(staff, survey, a, "because", "")
    db.session.rollback()
    assert records.erase(staff, survey, a, "request", "pond@example.org") == 1
    db.session.commit()
    assert a.status == "erased" and a.ward_id is None
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.response_id == a.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(comment_code)) == 0
    assert [c.email for c in db.session.scalars(select(SurveyContact))] == ["other@example.org"]
    events = records.history(a)
    assert [(e.action, e.category, e.reason, e.changes, e.actor_id) for e in events] == [("erased", "request", "", None, staff.id)]
    assert _people(survey) == 1
    with pytest.raises(BuildError, match="already been erased"):
        records.erase(staff, survey, a, "request")


def test_only_the_survey_editors(app, users, survey, places, answered):
    a, _ = answered
    from engage.accounts.models import User
    from engage.partnership.models import Organisation

    trust = db.session.scalar(select(Organisation).where(Organisation.name == "Other Trust"))
    outsider = User(email="x@trust.example", name="Outsider", role="practitioner", organisation_id=trust.id, active=True,
                    password_hash="x")
    db.session.add(outsider)
    db.session.commit()
    for call in (lambda: records.set_aside(outsider, survey, a, "spam", "x"), lambda: records.erase(outsider, survey, a, "request"),
                 lambda: records.correct(outsider, survey, a, _entry_form(survey, places), reason="x", version=a.version),
                 lambda: records.get_response(outsider, survey, a.id)):
        with pytest.raises(BuildError):
            call()
        db.session.rollback()
    assert a.status == "complete" and a.set_aside is None


def test_published_results_follow(app, users, survey, places, answered, consultation):
    from engage.consultations.models import ResultFigure
    from engage.surveys import publishing

    a, _ = answered
    staff = users["practitioner"]
    close(survey)
    publishing.publish(staff, survey)
    db.session.commit()
    total = lambda: db.session.scalar(select(func.sum(ResultFigure.count)))  # noqa: E731
    before = total()
    responses = consultation.responses
    records.set_aside(staff, survey, a, "spam", "A bot")
    db.session.commit()
    assert total() < before and consultation.responses == responses - 1
    records.restore(staff, survey, a, "Not a bot")
    db.session.commit()
    assert total() == before


def test_an_erased_response_leaves_nothing_anywhere(client, login, users, survey, places, consultation):
    """HTTP: after erasing, the response's only word is in no result, export, API answer or search."""
    q = survey.q
    word = "Zanzibarquux"
    login("practitioner")
    data = {"submission_key": "erasekey1", "channel": "paper", **_entry_form(survey, places, comment=f"The {word} bench is broken")}
    assert client.post(f"/surveys/{survey.id}/entry", data=data).status_code == 302
    store(survey, {"ward": str(places["mill"].id), "use": choice(q["use"], "Often"), "comment": "Fine"})
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.submission_key == "erasekey1"))
    reference = response.reference

    def everywhere():
        pages = {
            "export": client.get(f"/surveys/{survey.id}/export/responses.csv").data.decode(),
            "results export": client.get(f"/surveys/{survey.id}/export/results.csv").data.decode(),
            "comments": client.get(f"/surveys/{survey.id}/comments?q={word}").data.decode(),
            "results": client.get(f"/surveys/{survey.id}/results?by=ward").data.decode(),
            "api": client.get(f"/api/v1/surveys/{survey.id}/results").data.decode(),
            "search": client.get(f"/search?q={word}").data.decode(),
        }
        return pages

    before = everywhere()
    assert word in before["export"] and "bench is broken" in before["comments"] and reference in before["export"]
    api_before = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    # Find it by its reference, typed as the person reads it out.
    found = client.get(f"/surveys/{survey.id}/responses?reference={reference[:4].lower()}-{reference[4:]}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/responses/{response.id}")
    page = client.get(found.headers["Location"])
    assert word in page.data.decode()
    erased = client.post(f"/surveys/{survey.id}/responses/{response.id}/erase", data={"category": "request"})
    assert erased.status_code == 302
    after = everywhere()
    for name, text in after.items():
        # Pages that searched for the word say it back (search box, page title, the language
        # links back to the same search): the words written beside it must be nowhere, and the
        # word nowhere else.
        echoless = text.replace(f'value="{word}"', "").replace(f"q={word}", "").replace(f"q%3D{word}", "")
        assert "bench is broken" not in text and word not in echoless, (name, echoless[echoless.find(word) - 200:][:400])
    assert reference not in after["export"]
    api_after = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    assert api_after != api_before
    note = client.get(f"/surveys/{survey.id}/responses/{response.id}").data.decode()
    assert "Erased" in note and word not in note and "The person asked us to erase their answers" in note
    # Gone means gone: correcting or erasing again says so.
    assert client.get(f"/surveys/{survey.id}/responses/{response.id}/correct").status_code == 404
    assert client.post(f"/surveys/{survey.id}/responses/{response.id}/erase", data={"category": "request"}).status_code == 302


def test_correct_page_conflict_and_errors(client, login, users, survey, places, answered):
    a, _ = answered
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/responses/{a.id}/correct")
    assert page.status_code == 200 and b"Too much litter by the pond" in page.data
    form = {**_entry_form(survey, places, ward="mill", comment="Too much litter by the pond"), "version": str(a.version)}
    assert client.post(f"/surveys/{survey.id}/responses/{a.id}/correct", data={**form, "reason": ""}).status_code == 400
    assert client.post(f"/surveys/{survey.id}/responses/{a.id}/correct", data={**form, "reason": "Slip"}).status_code == 302
    stale = client.post(f"/surveys/{survey.id}/responses/{a.id}/correct",
                        data={**form, f"q{survey.q['ward'].id}": str(places["bridge"].id), "reason": "Other slip"})
    assert stale.status_code == 409 and b"Someone else changed this" in stale.data
    assert client.get(f"/surveys/{survey.id}/responses/999999").status_code == 404
    assert client.get(f"/surveys/{survey.id}/responses?from=yesterday").status_code == 400
