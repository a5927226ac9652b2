"""Who may approve a findings report is partnership data an officer sets, and nobody is
stranded: the review email and the report page say exactly who the report waits for; when
nobody but the author could approve, the page says so and how to fix it; the setting, saved
through the officers' form, lets the partnership's coordinators approve; the demo has two
officers, so a report an officer wrote can be approved."""
from __future__ import annotations

from engage.core import workflows
from engage.extensions import db
from engage.sharing import services, workflow
from tests.sharing.support import make_report, smtp, world  # noqa: F401  (fixtures)


def test_sending_for_review_warns_first_when_nobody_could_approve(client, login, world):
    world["officer2"].active = False
    db.session.commit()
    report = make_report(world, author=world["users"]["officer"], partnership_ids=[world["partnership"].id])
    login("officer")
    page = client.get(f"/findings/{report.id}/move/submit").get_data(as_text=True)
    assert "It will wait for a partnership officer other than the author" in page
    assert "Nobody can approve this report yet" in page
    world["officer2"].active = True
    db.session.commit()
    page = client.get(f"/findings/{report.id}/move/submit").get_data(as_text=True)
    assert "Nobody can approve this report yet" not in page


def _only_officer_writes(world):
    """The officer is the only active officer, and writes and submits a report."""
    world["officer2"].active = False
    db.session.commit()
    officer = world["users"]["officer"]
    report = make_report(world, author=officer, partnership_ids=[world["partnership"].id])
    services.transition(officer, report, "submit")
    db.session.commit()
    return report


def test_a_report_nobody_else_may_approve_says_so_and_how_to_fix_it(client, login, world, smtp):
    report = _only_officer_writes(world)
    assert workflow.approvers(report) == []
    stuck = workflow.stuck(report)
    assert stuck and "Nobody can approve this report yet" in stuck and world["partnership"].name in stuck
    # The review email to the partnership's coordinator says who the report waits for.
    mail = smtp.to("coordinator@test.example", "to review")
    assert len(mail) == 1
    body = mail[0]["body"]
    assert "waiting for a partnership officer other than the author" in body
    assert "you cannot approve it yourself" in body and "Nobody can approve this report yet" in body
    # The page says so, with the fix, to the author.
    login("officer")
    html = client.get(f"/findings/{report.id}").get_data(as_text=True)
    section = html.split('id="next-steps"')[1].split("</section>")[0]
    assert "Nobody can approve this report yet" in section and "Who may approve findings reports" in section
    assert "Waiting for" in section
    # Approving is refused, and the refusal says what to do.
    response = client.post(f"/findings/{report.id}/move/approve", data={})
    assert response.status_code == 409 and "Nobody can approve this report yet" in response.get_data(as_text=True)


def test_the_officer_lets_coordinators_approve_and_the_report_moves_on(client, login, world, smtp):
    report = _only_officer_writes(world)
    partnership = world["partnership"]
    login("officer")
    page = client.get(f"/admin/reference/partnerships/{partnership.id}").get_data(as_text=True)
    assert 'name="report_approvers"' in page
    response = client.post(f"/admin/reference/partnerships/{partnership.id}", data={
        "version": partnership.version, "name": partnership.name, "short_name": partnership.short_name or "",
        "kind": partnership.kind, "parent_id": "", "description": partnership.description or "",
        "report_approvers": "coordinators"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(partnership), partnership.id).report_approvers == "coordinators"
    report = db.session.get(type(report), report.id)
    coordinator = world["coordinator"]
    assert [u.id for u in workflow.approvers(report)] == [coordinator.id]
    assert workflow.stuck(report) is None
    html = client.get(f"/findings/{report.id}").get_data(as_text=True)
    section = html.split('id="next-steps"')[1].split("</section>")[0]
    assert "Nobody can approve" not in section
    assert f"Waiting for a partnership officer or a coordinator of {partnership.name} other than the author (not Test Officer) to approve it" in section, section
    login("coordinator")
    html = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert f"/findings/{report.id}/move/approve" in html
    response = client.post(f"/findings/{report.id}/move/approve", data={"comment": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(report), report.id).state == "approved"


def test_a_coordinator_of_a_partnership_that_does_not_allow_it_cannot_approve(world):
    report = make_report(world, partnership_ids=[world["partnership"].id])
    services.transition(world["users"]["practitioner"], report, "submit")
    db.session.commit()
    status = workflows.status("sharing.report", report, world["coordinator"])
    approve = next(s for s in status.steps if s.step.action == "approve")
    assert not approve.yours and "Ask for changes" in [s.label for s in status.steps if s.yours]
    assert approve.who == "a partnership officer other than the author (not Pat Practitioner)" or \
        approve.who.startswith("a partnership officer other than the author")


def test_the_demo_has_two_officers_so_an_officers_report_can_be_approved(seeded):
    from sqlalchemy import select

    from engage.accounts.models import User
    from engage.partnership.models import Partnership

    officers = db.session.scalars(select(User).where(User.role == "officer", User.active.is_(True))).all()
    assert len(officers) >= 2
    first, second = officers[0], officers[1]
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == "Safer Halton Partnership"))
    from engage.sharing.models import FindingsReport

    report = FindingsReport(title="Officer's own report", state="in-review", created_by_id=first.id,
                            organisation_id=first.organisation_id)
    report.partnerships = [partnership]
    db.session.add(report)
    db.session.flush()
    assert workflow.stuck(report) is None
    assert second in workflow.approvers(report) and first not in workflow.approvers(report)
    workflow.check(second, report, "approve")
    db.session.rollback()
