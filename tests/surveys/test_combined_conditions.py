"""Conditions that combine: a rule is one condition, or all / any of several. One function
evaluates a rule (structure.rule_met) and one lists what it depends on
(structure.rule_sources); deletes, copies, the paper version and the builder page use them."""
from __future__ import annotations

import re

import pytest

from engage.extensions import db
from engage.surveys import builder, conditions, structure, versions
from engage.surveys.models import SurveyQuestion
from tests.surveys.survey_support import choice, consultation, opt, places, survey  # noqa: F401


def _version(page: bytes) -> str:
    match = re.search(rb'name="version"[^>]*value="(\d+)"', page) or re.search(rb'value="(\d+)"[^>]*name="version"', page)
    assert match, "the form carries the version it was loaded from"
    return match.group(1).decode()


def _combine(survey, mode):
    """On "Anything else?" (Q5): Q2 is 'Often' and/or Q3 is greater than 3."""
    q = survey.q
    conditions.set_rule(None, survey, q["comment"], {"mode": mode, "conditions": [
        {"question_id": q["use"].id, "op": "equals", "value": [str(opt(q["use"], "Often").id)]},
        {"question_id": q["rate"].id, "op": "gt", "value": ["3"]}]})
    db.session.commit()
    return q["comment"].rule


def test_all_any_and_the_old_single_form(survey):
    q = survey.q
    by_id = {x.id: x for x in survey.questions}

    def answers(use, rate):
        return {str(q["use"].id): choice(q["use"], use), str(q["rate"].id): rate}

    cases = [("Often", 2), ("Sometimes", 5), ("Often", 5), ("Sometimes", 2)]
    rule = _combine(survey, "all")
    assert set(rule) == {"all"} and structure.rule_sources(rule) == [q["use"].id, q["rate"].id]
    assert [structure.rule_met(rule, answers(*c), by_id) for c in cases] == [False, False, True, False]
    rule = _combine(survey, "any")
    assert set(rule) == {"any"}
    assert [structure.rule_met(rule, answers(*c), by_id) for c in cases] == [True, True, True, False]
    # A question left unanswered meets none of its conditions.
    assert structure.rule_met(rule, {str(q["rate"].id): 5}, by_id) is True
    assert structure.rule_met(rule, {str(q["rate"].id): 1}, by_id) is False
    # Data saved before rules could combine: one dict is one condition.
    old = {"question_id": q["use"].id, "op": "equals", "value": opt(q["use"], "Often").id}
    assert structure.rule_sources(old) == [q["use"].id]
    assert [structure.rule_met(old, answers(*c), by_id) for c in cases] == [True, False, True, False]
    # Answering uses the same function: with "any", Q5 is shown to someone who rates the park 5.
    shown = structure.visible_ids(survey, answers("Sometimes", 5))
    assert q["comment"].id in shown
    assert q["comment"].id not in structure.visible_ids(survey, answers("Sometimes", 2))


def test_a_question_used_by_a_combined_rule_cannot_be_deleted(survey):
    q = survey.q
    _combine(survey, "any")
    # Q3 is only the second condition of Q5's rule: still refused, naming Q5.
    plan = builder.delete_question_plan(survey, q["rate"])
    assert any("These are shown only for some of its answers: Q5" in p for p in plan)
    with pytest.raises(builder.BuildError, match="Q5. Change their conditions first"):
        builder.delete_question(None, survey, q["rate"])


def test_new_version_remaps_every_condition(survey):
    _combine(survey, "any")
    copy = versions.copy_survey(None, survey)
    db.session.commit()
    by_text = {x.text: x for x in copy.questions}
    use, rate = by_text["Do you use the park?"], by_text["How good is the park?"]
    rule = by_text["Anything else?"].rule
    often = next(o.id for o in use.choices() if o.label == "Often")
    assert rule == {"any": [{"question_id": use.id, "op": "equals", "value": often},
                            {"question_id": rate.id, "op": "gt", "value": 3.0}]}
    assert structure.check_all_rules(copy) == []


def test_the_paper_version_prints_the_combined_condition(client, login, survey):
    _combine(survey, "any")
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/paper").get_data(as_text=True)
    assert "Answer only if the answer to Q2 is ‘Often’ or the answer to Q3 is greater than 3." in page
    _combine(survey, "all")
    page = client.get(f"/surveys/{survey.id}/paper").get_data(as_text=True)
    assert "Answer only if the answer to Q2 is ‘Often’ and the answer to Q3 is greater than 3." in page


def test_builder_page_adds_two_conditions_with_or(client, login, survey):
    q = survey.q
    login("practitioner")
    url = f"/surveys/{survey.id}/questions/{q['comment'].id}/rule"
    page = client.get(f"{url}?source={q['use'].id}")
    assert b"Save condition" in page.data and b"Add another condition" not in page.data
    added = client.post(url, data={"source": str(q["use"].id), "op": "equals", "value": [str(opt(q["use"], "Often").id)],
                                   "version": _version(page.data)})
    assert added.status_code == 302 and added.headers["Location"].endswith(url)
    # The second condition: the page now offers "Add another condition" and all / any.
    page = client.get(f"{url}?source={q['rate'].id}")
    text = page.get_data(as_text=True)
    assert "Add another condition" in text and "Any one of these conditions is met" in text
    assert "Shown if the answer to Q2 is ‘Often’" in text
    # A missing number: the error sits next to the field and in the summary; nothing saved.
    bad = client.post(url, data={"source": str(q["rate"].id), "op": "gt", "value": [""], "mode": "any",
                                 "version": _version(page.data)})
    assert bad.status_code == 400
    assert b'class="govuk-error-summary' in bad.data and b'href="#value"' in bad.data and b'id="value-error"' in bad.data
    # A tampered "all / any" answer: the error links to the radios it belongs to.
    odd = client.post(url, data={"source": str(q["rate"].id), "op": "gt", "value": ["3"], "mode": "most",
                                 "version": _version(page.data)})
    assert odd.status_code == 400 and b'href="#mode-new"' in odd.data and b'id="mode-new-error"' in odd.data
    db.session.expire_all()
    assert set(db.session.get(SurveyQuestion, q["comment"].id).rule) == {"question_id", "op", "value"}
    added = client.post(url, data={"source": str(q["rate"].id), "op": "gt", "value": ["3"], "mode": "any",
                                   "version": _version(page.data)})
    assert added.status_code == 302
    db.session.expire_all()
    rule = db.session.get(SurveyQuestion, q["comment"].id).rule
    assert rule == {"any": [{"question_id": q["use"].id, "op": "equals", "value": opt(q["use"], "Often").id},
                            {"question_id": q["rate"].id, "op": "gt", "value": 3.0}]}
    build = client.get(f"/surveys/{survey.id}/build").get_data(as_text=True)
    assert "Shown only if the answer to Q2 is ‘Often’ or the answer to Q3 is greater than 3" in build
    # Remove the first condition: the other stays, in the single form.
    page = client.get(url)
    removed = client.post(url, data={"step": "remove", "index": "1", "version": _version(page.data)})
    assert removed.status_code == 302
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, q["comment"].id).rule == {"question_id": q["rate"].id, "op": "gt", "value": 3.0}
