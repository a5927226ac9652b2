"""Builder rules: conditions may only look back (no forward rules, no loops, moves that
would break them are refused), answers lock what they depend on, deletes name what depends
on them, the equality section, new versions, edit conflicts, and the builder's pages."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys import builder, conditions, structure, versions
from engage.surveys.models import Survey, SurveyQuestion
from tests.surveys.survey_support import add, choice, consultation, opt, places, store, survey  # noqa: F401


def test_rules_must_look_back(survey):
    q = survey.q
    with pytest.raises(builder.BuildError, match="comes before"):
        conditions.set_rule(None, survey, q["use"], {"question_id": q["problems"].id, "op": "contains",
                                                  "value": [opt(q["problems"], "Litter").id]})
    with pytest.raises(builder.BuildError, match="own answer"):
        conditions.set_rule(None, survey, q["use"], {"question_id": q["use"].id, "op": "equals", "value": [opt(q["use"], "Often").id]})
    # A section's rule must look at an earlier section.
    second = q["problems"].section
    with pytest.raises(builder.BuildError, match="comes before"):
        conditions.set_rule(None, survey, second, {"question_id": q["comment"].id, "op": "contains", "value": ["bins"]})
    # A condition a question cannot meet, and answers of another question, are refused.
    with pytest.raises(builder.BuildError):
        conditions.set_rule(None, survey, q["comment"], {"question_id": q["use"].id, "op": "gt", "value": ["3"]})
    with pytest.raises(builder.BuildError, match="answers of that question"):
        conditions.set_rule(None, survey, q["comment"], {"question_id": q["use"].id, "op": "one_of", "value": [str(opt(q["problems"], "Dogs").id)]})
    conditions.set_rule(None, survey, q["comment"], {"question_id": q["rate"].id, "op": "gt", "value": ["5"]})
    assert q["comment"].rule == {"question_id": q["rate"].id, "op": "gt", "value": 5.0}
    assert "Shown only if the answer to Q3 is greater than 5" in structure.describe_rule(survey, q["comment"].rule)
    conditions.set_rule(None, survey, q["comment"], {"question_id": ""})
    assert q["comment"].rule is None


def test_moves_that_would_point_a_rule_forward_are_refused(survey):
    q = survey.q
    db.session.commit()
    # Q2 (use) moved below Q3 (rate, which depends on it): refused, nothing changes.
    with pytest.raises(builder.BuildError, match="look forward"):
        builder.move_question(None, survey, q["use"], 1)
    db.session.rollback()
    db.session.expire_all()
    assert structure.numbers(survey)[q["use"].id] == "Q2"
    # Moving the dependent section above the one it depends on is refused too.
    second = q["problems"].section
    with pytest.raises(builder.BuildError, match="look forward"):
        builder.move_section(None, survey, second, -1)
    db.session.rollback()
    db.session.expire_all()
    # A free move works and renumbers.
    builder.move_question(None, survey, q["comment"], -1)
    db.session.commit()
    nums = structure.numbers(survey)
    assert nums[q["comment"].id] == "Q4" and nums[q["problems"].id] == "Q5"


def test_pages_split_where_a_rule_looks_at_the_same_page(survey):
    pages = structure.pages(survey)
    assert [[x.text for x in p.questions] for p in pages] == [
        ["Which ward do you live in?", "Do you use the park?"], ["How good is the park?"],
        ["What problems do you see?", "Anything else?", "How much do you agree?"]]


def test_answers_lock_option_wording_and_removal(survey, places):
    q = survey.q
    store(survey, {"ward": places["mill"].id, "use": choice(q["use"], "Never")})
    data = {"text": q["use"].text, "options": "Often\nSometimes\nNot at all", "required": True}
    with pytest.raises(builder.BuildError, match="has 1 answer, so its wording cannot change.*new version"):
        builder.update_question(None, survey, q["use"], data, q["use"].version)
    db.session.rollback()
    with pytest.raises(builder.BuildError, match="cannot be removed"):
        builder.update_question(None, survey, q["use"], {**data, "options": "Often\nSometimes"}, q["use"].version)
    db.session.rollback()
    # An option nobody chose can be reworded, and new options added; the question reworded.
    builder.update_question(None, survey, q["use"], {**data, "text": "Do you ever use the park?",
                                                     "options": "Often\nNow and then\nNever\nI did not know there was one"}, q["use"].version)
    db.session.commit()
    assert [o.label for o in q["use"].choices()] == ["Often", "Now and then", "Never", "I did not know there was one"]
    # Questions with answers are not deleted, and the survey's questions no longer move.
    assert any("has 1 answer" in p for p in builder.delete_question_plan(survey, q["use"]))
    with pytest.raises(builder.BuildError, match="cannot be moved"):
        builder.move_question(None, survey, q["comment"], -1)


def test_delete_names_dependants(survey):
    q = survey.q
    problems = builder.delete_question_plan(survey, q["use"])
    assert any("Q3" in p and "section ‘Problems’" in p for p in problems)
    with pytest.raises(builder.BuildError):
        builder.delete_question(None, survey, q["use"])
    builder.delete_question(None, survey, q["comment"])
    db.session.commit()
    assert db.session.get(SurveyQuestion, q["comment"].id) is None


def test_version_conflict_keeps_both_sides(survey):
    from engage.core.concurrency import EditConflict

    q = survey.q["comment"]
    loaded = q.version
    builder.update_question(None, survey, q, {"text": "Anything else to add?"}, loaded)
    db.session.commit()
    assert q.version == loaded + 1
    with pytest.raises(EditConflict) as caught:
        builder.update_question(None, survey, q, {"text": "My wording"}, loaded)
    db.session.rollback()
    assert db.session.get(SurveyQuestion, q.id).text == "Anything else to add?"
    view = caught.value.describe()
    assert [(c.key, c.now) for c in view.changes if c.key == "text"] == [("text", "Anything else to add?")]


def test_new_version_copies_structure_and_rules(survey):
    copy = versions.copy_survey(None, survey)
    db.session.commit()
    assert copy.title == "Parks survey (version 2)" and copy.opens_at is None
    assert len(copy.questions) == len(survey.questions)
    rate = next(x for x in copy.questions if x.text == "How good is the park?")
    use = next(x for x in copy.questions if x.text == "Do you use the park?")
    assert rate.rule["question_id"] == use.id
    assert set(rate.rule["value"]) == {o.id for o in use.choices() if o.label != "Never"}
    assert structure.check_all_rules(copy) == []


def test_delete_survey_says_what_goes_with_it(survey, places):
    q = survey.q
    store(survey, {"ward": places["mill"].id, "use": choice(q["use"], "Never")})
    plan = versions.delete_plan(survey)
    assert "1 response and their answers" in plan.sentence()
    versions.delete_survey(None, survey)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_builder_pages_work_end_to_end(client, login, consultation, places):
    login("practitioner")
    page = client.get(f"/consultations/{consultation.id}/surveys/new")
    assert page.status_code == 200
    bad = client.post(f"/consultations/{consultation.id}/surveys/new", data={"title": "", "retention_days": "365"})
    assert bad.status_code == 400 and b"Enter a title" in bad.data
    made = client.post(f"/consultations/{consultation.id}/surveys/new", data={
        "title": "Bins survey", "retention_days": "365", "opens_on": ["1", "1", "2020"], "closes_on": ["1", "1", "2099"],
        "one_per_browser": "y"})
    assert made.status_code == 302
    survey = db.session.scalar(select(Survey).where(Survey.title == "Bins survey"))
    assert survey.is_open
    # Open: its address is the consultation's "Take part now" link (built per request, not stored).
    assert f'href="/surveys/{survey.id}" role="button"'.encode() in client.get(f"/consultations/{consultation.id}").data
    assert consultation.take_part_url == ""
    section = survey.sections[0]
    chooser = client.get(f"/surveys/{survey.id}/questions/new?section={section.id}")
    assert b"What kind of question?" in chooser.data
    added = client.post(f"/surveys/{survey.id}/questions/new?section={section.id}&type=single",
                        data={"text": "Are there enough bins?", "options": "Yes\nNo\nYes\n"})
    assert added.status_code == 400 and "listed twice".encode() in added.data
    added = client.post(f"/surveys/{survey.id}/questions/new?section={section.id}&type=single",
                        data={"text": "Are there enough bins?", "options": "Yes\nNo", "required": "y"})
    assert added.status_code == 302
    assert client.post(f"/surveys/{survey.id}/equality", data={}).status_code == 302
    build = client.get(f"/surveys/{survey.id}/build")
    assert b"Are there enough bins?" in build.data and b"Equality monitoring" in build.data
    assert client.post(f"/surveys/{survey.id}/equality", data={}).status_code == 302
    assert sum(1 for s in survey.sections if s.is_equality) == 1
    # Edit with a stale version: "someone else changed this", the person's words kept.
    question = next(x for x in survey.questions if x.text == "Are there enough bins?")
    stale = client.post(f"/surveys/{survey.id}/questions/{question.id}/edit", data={"text": "Mine", "options": "Yes\nNo", "version": "0"})
    assert stale.status_code == 409 and b"Someone else changed this" in stale.data and b"Mine" in stale.data
    for path in ("settings", "share", "paper", "codes", "entry", "import", "results", "who-answered", "comments", "publish", "delete"):
        assert client.get(f"/surveys/{survey.id}/{path}").status_code == 200, path


def test_deleting_and_moving_parts_through_the_pages(client, login, survey):
    """The confirm pages for deleting a question or a section (refused with a 409 while a
    condition depends on it), and moving parts (back to the part on the builder)."""
    q, base = survey.q, f"/surveys/{survey.id}"
    problems = next(s for s in survey.sections if s.title == "Problems")
    login("practitioner")
    page = client.get(f"{base}/questions/{q['use'].id}/delete")
    assert page.status_code == 200 and "Q2: Do you use the park?" in page.get_data(as_text=True)
    refused = client.post(f"{base}/questions/{q['use'].id}/delete", data={})
    assert refused.status_code == 409 and "section ‘Problems’" in refused.get_data(as_text=True)
    assert db.session.get(SurveyQuestion, q["use"].id) is not None
    assert "Its 3 questions will be deleted with it." in client.get(f"{base}/sections/{problems.id}/delete").get_data(as_text=True)

    moved = client.post(f"{base}/questions/{q['comment'].id}/move", data={"direction": "up"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/build#question-{q['comment'].id}")
    db.session.expire_all()
    assert [x.text for x in problems.questions][:2] == ["Anything else?", "What problems do you see?"]
    moved = client.post(f"{base}/sections/{problems.id}/move", data={"direction": "up"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/build#section-{problems.id}")

    gone = client.post(f"{base}/questions/{q['comment'].id}/delete", data={})
    assert gone.status_code == 302 and gone.headers["Location"].endswith(f"{base}/build")
    assert db.session.get(SurveyQuestion, q["comment"].id) is None
    conditions.set_rule(None, survey, problems, {"question_id": ""})
    db.session.commit()
    assert client.post(f"{base}/sections/{problems.id}/delete", data={}).status_code == 302
    db.session.expire_all()
    assert [s.title for s in db.session.get(Survey, survey.id).sections] == [survey.sections[0].title]
