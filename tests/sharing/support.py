"""Fixtures for the results-sharing tests: a small partnership (from the consultation tests'
``ref``), a consultation with a key finding, coordinators, a real local SMTP server (aiosmtpd)
and helpers that build reports through the services."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engage.extensions import db
from tests.conftest import password_hash
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)


class Inbox:
    """What the real local SMTP server (``smtp_server``, tests/mail_support.py) received, as
    the sharing tests read it: who each message went to, its subject and its plain text."""

    def __init__(self, received: list):
        self.received = received

    @property
    def messages(self) -> list[dict]:
        return [{"to": m.envelope_to, "subject": str(m["Subject"]), "body": m.get_body(("plain",)).get_content()}
                for m in self.received]

    def to(self, address, subject: str = ""):
        return [m for m in self.messages if address in m["to"] and subject in m["subject"]]

    def clear(self):
        self.received.clear()


@pytest.fixture
def smtp(smtp_server):
    """The app sends its mail to a real SMTP server on a free local port."""
    return Inbox(smtp_server)


@pytest.fixture
def world(app, users, ref):  # noqa: F811
    """{'consultation', 'partnership', 'second', 'coordinator', 'other_coordinator', 'officer2', ...ref}."""
    from engage.accounts.models import User
    from engage.consultations.models import Finding
    from engage.partnership.models import Organisation, Partnership

    other_org = ref["other_org"]
    second = Partnership(name="Healthy Borough Partnership", kind="priority")
    db.session.add(second)
    other_coordinator = User(email="coord2@test.example", name="Cora Second", role="coordinator",
                             organisation_id=other_org.id, active=True, password_hash=password_hash())
    officer2 = User(email="officer2@test.example", name="Otto Second", role="officer", organisation_id=other_org.id,
                    active=True, password_hash=password_hash())
    db.session.add_all([other_coordinator, officer2])
    db.session.flush()
    ref["partnership"].coordinators = [users["coordinator"]]
    second.coordinators = [other_coordinator]
    consultation = log(users["practitioner"], title="Litter survey", summary="What people think of litter.",
                       area_ids=[ref["castle"].id], priority_ids=[ref["old"].id],
                       results_published_on=date.today() - timedelta(days=5))
    consultation.findings.append(Finding(position=1, statement="Seven in ten see a lot of litter", evidence="70% said so."))
    db.session.commit()
    return {**ref, "consultation": consultation, "second": second, "coordinator": users["coordinator"],
            "other_coordinator": other_coordinator, "officer2": officer2, "users": users}


def report_data(world, **overrides) -> dict:
    out = {
        "title": "What people said about litter", "summary": "People want cleaner streets.", "meaning": "",
        "method": "Survey", "sample_size": 300, "representativeness": "", "gaps": "", "visibility": "public",
        "audiences": ["residents"], "consultation_ids": [world["consultation"].id], "priority_ids": [world["old"].id],
        "outcome_ids": [world["outcome"].id], "indicator_ids": [], "area_ids": [world["castle"].id],
        "partnership_ids": [world["partnership"].id, world["second"].id],
    }
    out.update(overrides)
    return out


def make_report(world, author=None, recommendations=("Clean the streets more often",), **overrides):
    """A draft report (with recommendations) saved through the services, committed."""
    from engage.sharing import contents, notices, services

    author = author or world["users"]["practitioner"]
    report = services.save_report(author, None, report_data(world, **overrides), seed_findings=True)
    for text in recommendations:
        contents.save_recommendation(author, report, None, {"text": text})
    db.session.commit()
    return report


def publish(world, report, embargo_until=None):
    """Take a draft to published: the practitioner submits, officer approves and publishes."""
    from engage.sharing import services

    users = world["users"]
    services.transition(users["practitioner"], report, "submit")
    services.transition(users["officer"], report, "approve")
    services.transition(users["officer"], report, "publish", embargo_until=embargo_until)
    db.session.commit()
    return report


def answer(who, report, partnership, recommendation, data, publish_it=True, **kw):
    """Save a partnership's response through the services and (unless told not to) publish
    it, as the coordinator does: saved responses are drafts until published."""
    from engage.sharing import responses

    response = responses.save_response(who, report, partnership, recommendation, data, **kw)
    if publish_it and response.state == "draft":
        responses.publish_response(who, report, response)
    return response


def answer_everything(world, report, publish_it=True):
    """Every partnership named on the report answers every recommendation (and publishes)."""
    people = {world["partnership"].id: world["coordinator"], world["second"].id: world["other_coordinator"]}
    for partnership in report.partnerships:
        for rec in report.recommendations:
            answer(people[partnership.id], report, partnership, rec,
                   {"status": "planned", "action": f"{partnership.name} will act", "owner": "Team",
                    "due_on": date.today() + timedelta(days=60)}, publish_it=publish_it)
    db.session.commit()
