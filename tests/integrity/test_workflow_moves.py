"""Every workflow move is a compare-and-set on the state it starts from
(engage/core/transitions.py): strategy versions and toolkit suggestions as well as findings
reports (tests/sharing/test_moves_once.py). A second person's request, in its own database
session, that read the record before the first person's move landed, is told someone else has
just done it and records nothing. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engage.core.audit import AuditEvent
from engage.core.transitions import AlreadyMoved, compare_and_set, try_compare_and_set
from engage.extensions import db
from engage.strategy import documents
from engage.strategy.models import StrategyTransition, StrategyVersion
from engage.toolkit import services as toolkit
from engage.toolkit.models import ToolkitSuggestion
from tests.strategy.support import strategy
from tests.toolkit.conftest import entry  # noqa: F401 (fixture)


def _count(model, **where):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_sending_a_strategy_out_twice_at_once_records_one_move(app, users):
    version = strategy(users["officer"])
    assert version.state == "draft"  # this request read it as a draft
    with app.app_context():  # another officer's request sends it out first
        other = db.session.get(StrategyVersion, version.id)
        documents.transition(users["officer"], other, "open_comment")
        db.session.commit()
        db.session.remove()
    with pytest.raises(AlreadyMoved, match="Someone else has just changed version 1: it is now out for comment"):
        documents.transition(users["officer"], version, "open_comment")
    db.session.rollback()
    assert _count(StrategyTransition, version_id=version.id, action="open_comment") == 1
    assert _count(AuditEvent, object_type="StrategyVersion", object_id=version.id, action="transition") == 1


def test_the_strategy_page_answers_the_second_click_with_409(app, client, login, users):
    version = strategy(users["officer"])
    login("officer")
    assert version.state == "draft"
    with app.app_context():
        other = db.session.get(StrategyVersion, version.id)
        documents.transition(users["officer"], other, "open_comment")
        db.session.commit()
        db.session.remove()
    response = client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt", "reason": ""})
    assert response.status_code == 409
    assert "Someone else has just changed version 1" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StrategyVersion, version.id).state == "consultation"


def test_two_officers_deciding_one_suggestion(app, users, entry):  # noqa: F811
    suggestion = toolkit.suggest(users["practitioner"], entry, entry.title, entry.summary, entry.body + "\nMore.", "Costs")
    db.session.commit()
    assert suggestion.status == "pending"
    with app.app_context():
        other = db.session.get(ToolkitSuggestion, suggestion.id)
        toolkit.decline_suggestion(users["officer"], other, "Not now")
        db.session.commit()
        db.session.remove()
    revisions_before = len(entry.revisions)
    with pytest.raises(AlreadyMoved, match="has been declined"):
        toolkit.accept_suggestion(users["officer"], suggestion, "Yes")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(ToolkitSuggestion, suggestion.id).status == "declined"
    assert len(db.session.get(type(entry), entry.id).revisions) == revisions_before


def test_compare_and_set_tests_none_and_lists_and_refreshes_the_record(app, users):
    version = strategy(users["officer"])
    assert try_compare_and_set(version, {"state": ("draft", "consultation"), "adopted_on": None}, {"state": "consultation"})
    assert version.state == "consultation"
    assert not try_compare_and_set(version, {"state": "draft"}, {"state": "adopted"})
    with pytest.raises(AlreadyMoved) as caught:
        compare_and_set(version, {"state": "draft"}, {"state": "adopted"}, done="adopted it")
    assert caught.value.current == {"state": "consultation"}
    assert "Someone else has just adopted it" in str(caught.value)
    db.session.rollback()
