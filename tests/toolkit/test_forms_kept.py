"""Forms never lose an answer (issue 13): each toolkit form that can be shown again (an
error, a preview, "too many attempts") keeps every value (tests/forms_support.py)."""
from __future__ import annotations

from engage.extensions import db
from engage.toolkit import services
from engage.toolkit.models import ToolkitFeedback
from tests.conftest import make_app
from tests.forms_support import values_kept
from tests.toolkit.conftest import method_body


def _entry_fields(**changes) -> dict:
    out = {
        "title": "Street stall", "summary": "Talk to people where they shop.", "purpose": ["consult", "inform"],
        "audiences": ["residents", "families"], "group_size": "medium", "time_needed": "days", "cost": "low",
        "skills": "Talking to people\nListening", "accessibility": "Use a step-free pitch.", "related": ["test-method"],
        "keywords": "market stall\npop-up", "body": method_body(), "reason": "Tidying up the wording",
    }
    out.update(changes)
    return out


def test_feedback_keeps_the_comment_after_an_error(client, entry):
    posted = {"comment": "The costs section is out of date."}  # "was it useful?" left out
    response = client.post(f"/toolkit/{entry.slug}/feedback", data=posted)
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []


def test_feedback_keeps_the_text_after_too_many_attempts_and_says_when(tmp_path, _schema, app, entry):
    limited = make_app(_schema, tmp_path, RATELIMIT_ENABLED=True)
    with limited.app_context():
        client = limited.test_client()
        for _ in range(30):
            assert client.post(f"/toolkit/{entry.slug}/feedback", data={"useful": "yes"}).status_code == 302
        posted = {"useful": "no", "comment": "Step 3 needs a picture of the stall."}
        response = client.post(f"/toolkit/{entry.slug}/feedback", data=posted)
        html = response.get_data(as_text=True)
        saved = db.session.query(ToolkitFeedback).count()
        db.session.remove()
    assert response.status_code == 429 and response.headers["Retry-After"].isdigit()
    assert values_kept(html, posted) == []
    assert "You have sent this form too many times in a short time. What you wrote is still here: try again in about an hour." in html
    assert 'href="#feedback"' in html  # the error summary takes the person to the form
    assert saved == 30  # the 31st was not saved


def test_suggestion_keeps_every_answer_after_an_error_and_a_preview(login, client, entry):
    login("practitioner")
    posted = {"title": "Street stall", "summary": "x" * 201, "body": method_body("Newer costs."), "reason": "Costs went up"}
    response = client.post(f"/toolkit/{entry.slug}/suggest", data=posted)
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []
    preview = client.post(f"/toolkit/{entry.slug}/suggest", data={**posted, "preview": "Preview"})
    assert values_kept(preview.get_data(as_text=True), posted) == []


def test_new_entry_keeps_every_answer_after_an_error_and_a_preview(login, client, entry):
    login("officer")
    posted = _entry_fields(slug="Bad Name!", kind="method")
    response = client.post("/admin/toolkit/new", data=posted)
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []
    preview = client.post("/admin/toolkit/new", data={**posted, "preview": "Preview"})
    assert values_kept(preview.get_data(as_text=True), posted) == []


def test_edit_entry_keeps_every_answer_after_an_error(login, client, entry):
    from tests.toolkit.conftest import entry_data, guide_body, guide_meta

    data, errors = services.check_entry(entry_data(guide_meta(title="Another guide"), guide_body()), "guide")
    services.create_entry(None, "another-guide", "guide", data, "For the test")
    db.session.commit()
    login("officer")
    posted = _entry_fields(reason="", related=["another-guide"], version=str(entry.version))
    response = client.post(f"/admin/toolkit/{entry.slug}", data=posted)
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []


def test_decision_keeps_the_note(login, client, users, entry):
    suggestion = services.suggest(users["practitioner"], entry, "Worse title", entry.summary, entry.body, "I prefer it")
    db.session.commit()
    login("officer")
    posted = {"note": "Thanks. " * 130}
    response = client.post(f"/admin/toolkit/suggestions/{suggestion.id}", data={**posted, "decline": "Decline"})
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []


def test_chooser_keeps_every_answer_when_shown_again(client, toolkit):
    asked = {"purpose": "consult", "audiences": ["young-people", "families"], "group_size": "medium", "time": "weeks"}
    response = client.get("/toolkit/choose", query_string=asked)  # the budget is missing
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), asked) == []
