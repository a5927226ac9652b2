"""engage/core/submit.py: the one shape of a form that makes one change. A change that is
refused or that someone else made first keeps nothing (rolled back) and answers 400 or 409
with the message on the form; a change that works is committed, said and redirected."""
from __future__ import annotations

from flask import get_flashed_messages
from wtforms import StringField

from engage.core.errors import RuleError
from engage.core.forms import EngageForm
from engage.core.submit import submit
from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.partnership.models import Organisation


class NameForm(EngageForm):
    name = StringField("Name")


def _rename(org_id, name, error=None):
    def change():
        db.session.get(Organisation, org_id).name = name
        db.session.flush()
        if error is not None:
            raise error
        return len(name)
    return change


def _name(org_id):
    db.session.expire_all()
    return db.session.get(Organisation, org_id).name


def test_refused_moved_first_and_done(app, org):
    org_id, before = org.id, org.name
    with app.test_request_context("/", method="POST", data={"name": "Renamed"}):
        form = NameForm()
        outcome = submit(form, _rename(org_id, "Renamed", RuleError("Choose a shorter name", "name")), done="Done", to="/next")
        assert outcome.response is None and outcome.status == 400
        assert form.name.errors == ["Choose a shorter name"] and form.name.data == "Renamed"
        assert _name(org_id) == before

        form = NameForm()
        outcome = submit(form, _rename(org_id, "Renamed", AlreadyMoved("Someone else has just renamed it.")),
                         done="Done", to="/next")
        assert outcome.response is None and outcome.status == 409
        assert form.form_errors == ["Someone else has just renamed it."] and not form.name.errors
        assert _name(org_id) == before

        form = NameForm()
        outcome = submit(form, _rename(org_id, "Renamed"), done=lambda length: f"Renamed ({length} letters)",
                         to=lambda length: f"/next/{length}")
        assert outcome.response.status_code == 302 and outcome.response.location == "/next/7"
        assert get_flashed_messages(with_categories=True) == [("success", "Renamed (7 letters)")]
    db.session.rollback()
    assert _name(org_id) == "Renamed"  # committed, not only flushed
