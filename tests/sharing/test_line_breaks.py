"""A line break in a title (one crafted POST) used to reach an email header and make
/you-said-we-did, /findings/<id>, the feed and the embed page answer 500 for everyone. Titles
are one line where they are saved (every one-line box of every form), header values are one
line where mail is built, and a failing email never fails a page."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engage.consultations.models import Consultation
from engage.extensions import db
from tests.conftest import sign_in
from tests.consultations.records_support import form_data
from tests.sharing.support import make_report, publish

CRAFTED = "Litter survey\r\nBcc: everyone@example.org\nX-Injected: yes"


def test_a_crafted_title_is_saved_on_one_line(app, world):
    client = app.test_client()
    sign_in(client, world["users"]["practitioner"].email)
    response = client.post("/consultations/new", data=form_data(title=CRAFTED))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    titles = db.session.scalars(select(Consultation.title)).all()
    assert "Litter survey Bcc: everyone@example.org X-Injected: yes" in titles
    assert not any("\n" in t or "\r" in t for t in titles)


@pytest.mark.parametrize("module,form", [("engage.consultations.forms", "ConsultationForm"),
                                         ("engage.sharing.forms", "ReportForm"),
                                         ("engage.strategy.forms", "VersionForm"),
                                         ("engage.strategy.forms", "EventForm"),
                                         ("engage.surveys.forms", "SurveyForm"),
                                         ("engage.surveys.forms", "SectionForm")])
def test_every_title_box_is_one_line(app, module, form):
    import importlib

    cls = getattr(importlib.import_module(module), form)
    with app.test_request_context(method="POST"):
        bound = cls(formdata=MultiDict({"title": "  A title\r\nwith\u2028breaks\x00 "}))
        assert bound.title.data == "A title with breaks"


def test_public_pages_and_mail_survive_a_line_break_saved_before_the_fix(app, world, smtp):
    """A title with line breaks already in the database (saved before titles were one line)."""
    world["consultation"].title = CRAFTED
    db.session.commit()
    report = make_report(world, title="What people said\r\nabout litter")
    from engage.core.registry import ContactSource, contacts

    contacts.register(ContactSource("test-residents", lambda cid: [("k1", "resident@example.net")],
                                    lambda cid, keys: len(list(keys))), app)
    publish(world, report)
    client = app.test_client()
    for path in ("/you-said-we-did", f"/findings/{report.id}", "/you-said-we-did/feed.atom", "/embed/you-said-we-did"):
        assert client.get(path).status_code == 200, path
    subjects = [m["subject"] for m in smtp.messages]
    assert any(s.startswith("What happened after") for s in subjects)
    assert all("\n" not in s and "\r" not in s for s in subjects)
    for message in smtp.received:
        assert message["X-Injected"] is None and message["Bcc"] is None
