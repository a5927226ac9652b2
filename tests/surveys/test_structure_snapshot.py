"""A survey's structure kept per node (engage/surveys/snapshot.py, issue 21): read once into
an immutable snapshot and used while the survey's ``structure_version`` says it is current.

- every builder change (a question's words, its options, a condition, a new or deleted
  question, a move, a section) moves the version on in its own transaction, so the next
  request shows the change;
- a second node (another app on the same database, with its own snapshots) shows the new
  wording on its very next request;
- a change rolled back never fills the cache under a version number a later change reuses;
- the snapshot cannot be changed by the code that reads it;
- a question page reads no question or option rows while its snapshot is current."""
from __future__ import annotations

import re

import pytest

from engage.extensions import db
from tests.conftest import make_app
from tests.query_support import statements
from tests.surveys.survey_support import add, consultation, places  # noqa: F401  (fixtures)


def _survey(consultation):
    from datetime import datetime, timedelta

    from engage.surveys import builder

    survey = builder.create_survey(None, consultation, {
        "title": "Parks survey", "opens_at": datetime.now() - timedelta(days=1),
        "closes_at": datetime.now() + timedelta(days=10)})
    first = add(survey, survey.sections[0], "single", "How often do you use the park?", options=["Often", "Never"])
    add(survey, survey.sections[0], "short_text", "What would you change?")
    db.session.commit()
    return survey, first


def _snapshot(survey_id):
    from engage.surveys import snapshot
    from engage.surveys.models import Survey

    db.session.expire_all()
    return snapshot.structure_of(db.session.get(Survey, survey_id))


def _texts(snap) -> list[str]:
    return [q.text for q in snap.questions]


def test_each_builder_change_moves_the_version_on_and_shows_at_once(app, consultation):
    from engage.surveys import builder
    from engage.surveys.models import Survey

    survey, first = _survey(consultation)
    survey_id = survey.id
    snap = _snapshot(survey_id)
    assert _texts(snap) == ["How often do you use the park?", "What would you change?"]
    assert [o.label for o in snap.questions[0].choices()] == ["Often", "Never"]
    assert _snapshot(survey_id) is snap, "an unchanged survey's snapshot is kept, not read again"

    def changed(step) -> object:
        before = db.session.get(Survey, survey_id).structure_version
        step()
        db.session.commit()
        after = db.session.get(Survey, survey_id).structure_version
        assert after > before, f"{step.__name__} did not move the structure version on"
        return _snapshot(survey_id)

    def reword():
        q = db.session.get(type(first), first.id)
        builder.update_question(None, q.survey, q, {"text": "How often do you visit the park?",
                                                     "options": "Often\nSometimes\nNever"}, q.version)

    snap = changed(reword)
    assert snap.questions[0].text == "How often do you visit the park?"
    assert [o.label for o in snap.questions[0].choices()] == ["Often", "Sometimes", "Never"]

    def condition():
        from engage.surveys import conditions

        s = db.session.get(Survey, survey_id)
        q = next(q for q in s.questions if q.id != first.id)
        source = db.session.get(type(first), first.id)
        conditions.set_rule(None, s, q, {"question_id": str(source.id), "op": "equals",
                                         "value": [str(source.choices()[0].id)]})

    snap = changed(condition)
    assert snap.questions[1].rule, "the new condition is in the snapshot"

    def new_question():
        s = db.session.get(Survey, survey_id)
        add(s, s.sections[0], "single", "Do you feel safe there?", options=["Yes", "No"])

    snap = changed(new_question)
    assert "Do you feel safe there?" in _texts(snap)

    def move():
        s = db.session.get(Survey, survey_id)
        q = next(q for q in s.questions if q.text == "Do you feel safe there?")
        builder.move_question(None, s, q, -1)

    snap = changed(move)
    assert _texts(snap).index("Do you feel safe there?") < len(_texts(snap)) - 1

    def new_section():
        s = db.session.get(Survey, survey_id)
        builder.save_section(None, s, None, {"title": "About you"})

    snap = changed(new_section)
    assert [s.title for s in snap.sections][-1] == "About you"

    def delete():
        s = db.session.get(Survey, survey_id)
        builder.delete_question(None, s, next(q for q in s.questions if q.text == "Do you feel safe there?"))

    snap = changed(delete)
    assert "Do you feel safe there?" not in _texts(snap)


def test_a_second_node_shows_the_new_wording_on_its_next_request(app, client, consultation, tmp_path):
    from engage.surveys import builder

    survey, first = _survey(consultation)
    survey_id, first_id = survey.id, first.id
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "node-b")
    node_b = other.test_client()
    reply = node_b.post(f"/surveys/{survey_id}", data={})
    page = re.search(r"/surveys/\d+/page/\d+", reply.headers["Location"]).group(0)
    assert "How often do you use the park?" in node_b.get(page).get_data(as_text=True)
    assert "How often do you use the park?" in node_b.get(page).get_data(as_text=True)  # node B's snapshot, kept

    # The builder on node A (this app) changes the wording.
    q = db.session.get(type(first), first_id)
    builder.update_question(None, q.survey, q, {"text": "How often do you walk in the park?", "options": "Often\nNever"},
                            q.version)
    db.session.commit()

    shown = node_b.get(page).get_data(as_text=True)
    assert "How often do you walk in the park?" in shown and "use the park" not in shown
    # And node A, whose own snapshot was filled by nobody yet, shows the same.
    reply = client.post(f"/surveys/{survey_id}", data={})
    assert "How often do you walk in the park?" in client.get(reply.headers["Location"]).get_data(as_text=True)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_change_rolled_back_never_fills_the_cache(app, consultation):
    from engage.surveys import builder

    survey, first = _survey(consultation)
    survey_id, first_id = survey.id, first.id
    assert _snapshot(survey_id).questions[0].text == "How often do you use the park?"

    q = db.session.get(type(first), first_id)
    builder.update_question(None, q.survey, q, {"text": "Wording that was never saved", "options": "Often\nNever"}, q.version)
    db.session.flush()
    from engage.surveys import snapshot
    from engage.surveys.models import Survey

    assert snapshot.structure_of(db.session.get(Survey, survey_id)).questions[0].text == "Wording that was never saved"
    db.session.rollback()
    assert db.session.get(type(first), first_id).text == "How often do you use the park?"
    # (No snapshot is asked for here: the next one must not be the rolled-back wording kept
    # under the version number the next real change takes.)

    q = db.session.get(type(first), first_id)
    builder.update_question(None, q.survey, q, {"text": "Wording that was saved", "options": "Often\nNever"}, q.version)
    db.session.commit()
    assert _snapshot(survey_id).questions[0].text == "Wording that was saved"


def test_the_snapshot_cannot_be_changed_by_what_reads_it(app, consultation):
    survey, _first = _survey(consultation)
    snap = _snapshot(survey.id)
    q = snap.questions[0]
    with pytest.raises(AttributeError):
        q.text = "Changed in memory"
    with pytest.raises(TypeError):
        q.settings["min"] = 3
    assert not hasattr(q, "_sa_instance_state"), "a snapshot holds no ORM objects"
    assert q.section.questions[0] is q and q.options[0].label == "Often"


def test_a_question_page_reads_no_questions_while_its_snapshot_is_current(app, client, consultation):
    survey, _first = _survey(consultation)
    reply = client.post(f"/surveys/{survey.id}", data={})
    page = re.search(r"/surveys/\d+/page/\d+", reply.headers["Location"]).group(0)
    seen: list[str] = []
    count, reply = statements(client, page, seen)
    assert "How often do you use the park?" in reply.get_data(as_text=True)
    assert not [s for s in seen if "survey_question" in s or "survey_option" in s or "survey_section" in s], seen
    # The survey with its consultation, the resident's draft, and nothing per question.
    assert count <= 3, f"a question page ran {count} statements: {seen}"
