"""Logging and changing consultations: every field and link, role rules, the audit trail,
bad input, the similar-consultations check, findings and deleting."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.consultations import services, similar
from engage.consultations.models import Consultation, Finding
from engage.core.models import AuditEvent
from engage.extensions import db
from tests.consultations.records_support import add_question, data, form_data, log, ref, sign_in_other  # noqa: F401


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation))


def test_service_saves_every_field_and_link(app, users, ref):
    practitioner = users["practitioner"]
    c = log(practitioner, title="Parks survey", purpose="To plan park work.", partner_ids=[ref["other_org"].id],
            partnership_ids=[ref["partnership"].id], priority_ids=[ref["old"].id, ref["new"].id], theme_ids=[ref["theme"].id],
            outcome_ids=[ref["outcome"].id], area_ids=[ref["castle"].id, ref["bridge"].id],
            audiences=["residents", "Tenants of Castle flats"], methods=["online-survey", "focus-group"], channels=["online", "event"],
            people_reached=1200, responses=340, cost=1500.5, equality_monitoring=True, visibility="partners",
            contact_name="Pat", contact_email="pat@example.org", take_part_url="https://example.org/survey",
            how_to_take_part="Online or on paper.")
    db.session.expire_all()
    c = db.session.get(Consultation, c.id)
    assert c.lead_organisation_id == practitioner.organisation_id
    assert c.created_by_id == practitioner.id
    assert [o.name for o in c.partners] == ["Other Trust"]
    assert {p.id for p in c.priorities} == {ref["old"].id, ref["new"].id}
    assert [a.name for a in c.areas] == ["Bridge", "Castle"]
    assert c.audiences == sorted(["residents", "Tenants of Castle flats"])
    assert c.methods == ["focus-group", "online-survey"]
    assert c.channels == ["event", "online"]
    assert (c.people_reached, c.responses, c.cost, c.equality_monitoring, c.visibility) == (1200, 340, 1500.5, True, "partners")
    assert c.themes[0].name == "Liveability" and str(c.outcomes[0]) == "SB1 Cleaner streets"


def test_every_change_is_recorded_with_who_and_what(app, users, ref):
    c = log(users["practitioner"])
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "Consultation", AuditEvent.object_id == c.id)).all()
    assert [e.action for e in created] == ["create"] and created[0].actor_id == users["practitioner"].id
    services.save_consultation(users["officer"], c, data(title="Street cleaning survey 2", area_ids=[ref["castle"].id],
                                                        lead_organisation_id=c.lead_organisation_id))
    db.session.commit()
    update = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "Consultation", AuditEvent.action == "update")).one()
    assert update.actor_id == users["officer"].id
    assert update.changes["title"] == ["Street cleaning survey", "Street cleaning survey 2"]
    assert update.changes["areas"] == [[], [ref["castle"].id]]


@pytest.mark.parametrize("role", ["vcs", "practitioner", "coordinator", "officer"])
def test_each_logging_role_can_log_through_the_form(client, login, ref, role):
    login(role)
    response = client.post("/consultations/new", data=form_data(title=f"Logged by {role}"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    c = db.session.scalar(select(Consultation).where(Consultation.title == f"Logged by {role}"))
    assert c is not None and c.audiences == ["residents"] and c.channels == ["online"]
    assert response.headers["Location"].endswith(f"/consultations/{c.id}")


# Who may do what: (role, action on own organisation's record, action on another's) -> status.
ROLE_TABLE = [
    (None, "get", "/consultations/new", 302),
    (None, "get", "/consultations/manage", 302),
    ("vcs", "get", "/consultations/new", 200),
    ("practitioner", "get", "/consultations/new", 200),
    ("coordinator", "get", "/consultations/new", 200),
    ("officer", "get", "/consultations/new", 200),
]


@pytest.mark.parametrize("role,method,path,status", ROLE_TABLE)
def test_role_table_for_logging(client, login, ref, role, method, path, status):
    login(role)
    response = getattr(client, method)(path)
    assert response.status_code == status
    if status == 302:
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role,own,other", [
    ("vcs", 200, 403), ("practitioner", 200, 403), ("coordinator", 200, 403), ("officer", 200, 200),
])
def test_role_table_for_editing(client, login, users, ref, role, own, other):
    mine = log(users["practitioner"], title="Ours")
    theirs = log(ref["other_user"], title="Theirs")
    login(role)
    for c, expected in ((mine, own), (theirs, other)):
        for path in (f"/consultations/{c.id}/edit", f"/consultations/{c.id}/documents", f"/consultations/{c.id}/findings",
                     f"/consultations/{c.id}/delete"):
            assert client.get(path).status_code == expected, path
    # A refused POST changes nothing.
    if other == 403:
        response = client.post(f"/consultations/{theirs.id}/edit", data=form_data(title="Hijacked"))
        assert response.status_code == 403
        db.session.expire_all()
        assert db.session.get(Consultation, theirs.id).title == "Theirs"


def test_someone_without_an_organisation_cannot_log(client, login, users, ref):
    users["practitioner"].organisation_id = None
    db.session.commit()
    login("practitioner")
    response = client.post("/consultations/new", data=form_data())
    assert response.status_code == 302 and count() == 0
    assert "not linked to an organisation" in client.get("/consultations/manage").get_data(as_text=True)


def test_practitioner_cannot_log_for_another_organisation(client, login, ref):
    login("practitioner")
    response = client.post("/consultations/new", data=form_data(lead_organisation_id=str(ref["other_org"].id)))
    assert response.status_code == 400
    assert "Select an option from the list" in response.get_data(as_text=True)
    assert count() == 0


def test_officer_logs_for_any_organisation(client, login, ref):
    login("officer")
    response = client.post("/consultations/new", data=form_data(lead_organisation_id=str(ref["other_org"].id)))
    assert response.status_code == 302
    assert db.session.scalar(select(Consultation.lead_organisation_id)) == ref["other_org"].id


def test_service_refuses_other_organisation_even_without_the_form(app, users, ref):
    with pytest.raises(services.RuleError) as error:
        services.save_consultation(users["practitioner"], None, data(lead_organisation_id=ref["other_org"].id))
    assert error.value.field == "lead_organisation_id"
    db.session.rollback()
    assert count() == 0


BAD_INPUT = [
    ({"title": ""}, "Enter a title"),
    ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
    ({"summary": ""}, "Enter a short summary"),
    ({"priority_ids": ["999999"]}, "Select options from the list only"),
    ({"area_ids": ["abc"]}, "Select options from the list only"),
    ({"channels": ["carrier-pigeon"]}, "Select options from the list only"),
    ({"methods": ["not-a-method"]}, "Select options from the list only"),
    ({"visibility": "everyone"}, "Not a valid choice"),
    ({"people_reached": "lots"}, "People reached must be a whole number"),
    ({"cost": "ten pounds"}, "Cost in pounds must be a number"),
    ({"responses": "-4"}, "Responses must be between 0 and 10,000,000"),
    ({"planned_start": ["31", "2", "2026"]}, "Planned start date must be a real date"),
    ({"planned_close": ["1", "1", "2000"]}, "The planned closing date must be the same as or after the planned start date"),
    ({"take_part_url": "javascript:alert(1)"}, "Enter a web address that starts with http:// or https://"),
    ({"contact_email": "not an email"}, "Enter an email address in the correct format"),
    ({"other_audiences": "x" * 130}, "Each entry must be 120 characters or fewer"),
    ({"actual_start": ["1", "1", str(date.today().year + 2)]}, "The actual start date cannot be in the future"),
    ({"lead_organisation_id": "not-a-number"}, "Select an option from the list"),
]


@pytest.mark.parametrize("override,message", BAD_INPUT)
def test_bad_input_gives_a_field_error_and_saves_nothing(client, login, ref, override, message):
    login("practitioner")
    response = client.post("/consultations/new", data=form_data(**override))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    assert count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_markup_is_stored_as_text_and_escaped(client, login, ref):
    login("practitioner")
    response = client.post("/consultations/new", data=form_data(title="<script>alert(1)</script> Parks",
                                                                summary="<img src=x onerror=alert(1)> **bold**"))
    assert response.status_code == 302
    c = db.session.scalar(select(Consultation))
    assert c.title == "<script>alert(1)</script> Parks"
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Parks" in html
    assert "onerror" not in html and "<strong>bold</strong>" in html


def test_edit_form_keeps_values_and_saves_changes(client, login, users, ref):
    c = log(users["practitioner"], area_ids=[ref["castle"].id], audiences=["residents", "Carers group"], channels=["paper"])
    login("practitioner")
    html = client.get(f"/consultations/{c.id}/edit").get_data(as_text=True)
    assert 'value="Street cleaning survey"' in html and 'value="Carers group"' in html
    response = client.post(f"/consultations/{c.id}/edit", data=form_data(title="Renamed", area_ids=[str(ref["mill"].id)], version=str(c.version),
                                                                        other_audiences="Carers group, Young carers"))
    assert response.status_code == 302
    db.session.expire_all()
    c = db.session.get(Consultation, c.id)
    assert c.title == "Renamed" and [a.name for a in c.areas] == ["Mill"]
    assert c.audiences == ["Carers group", "Young carers", "residents"]


def test_edit_of_missing_consultation_is_404(client, login, ref):
    login("officer")
    assert client.get("/consultations/99999/edit").status_code == 404
    assert client.get("/consultations/99999").status_code == 404
    assert client.get("/consultations/99999999999999999999").status_code == 404


# ---- the similar-consultations check ------------------------------------------------------

def test_new_consultation_shows_similar_ones_before_saving(client, login, users, ref):
    earlier = log(users["practitioner"], title="Cleaner streets survey", priority_ids=[ref["old"].id], area_ids=[ref["north"].id],
                  audiences=["residents"], planned_start=date.today() - timedelta(days=300), planned_close=date.today() - timedelta(days=270))
    login("practitioner")
    post = form_data(title="Street cleanliness questionnaire", priority_ids=[str(ref["new"].id)], area_ids=[str(ref["castle"].id)],
                     audiences=["residents"])
    post.pop("checked_similar")
    response = client.post("/consultations/new", data=post)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Check before you save" in html and "Cleaner streets survey" in html
    assert "The same priority" in html and "In the same places: it covers all of Northtown, which takes in" in html
    assert count() == 1  # nothing saved yet
    import re

    assert re.search(r'<input[^>]*name="checked_similar"[^>]*value="yes"', html)
    post["checked_similar"] = "yes"
    assert client.post("/consultations/new", data=post).status_code == 302
    assert count() == 2 and earlier.id is not None


def test_similar_ignores_old_unrelated_and_hidden_ones(app, users, ref):
    today = date.today()
    log(users["practitioner"], title="Old cleaning survey", priority_ids=[ref["new"].id], area_ids=[ref["castle"].id],
        audiences=["residents"], planned_start=today - timedelta(days=1000), planned_close=today - timedelta(days=900))
    # Another topic, the same people, but not at the same time.
    log(users["practitioner"], title="Health check survey", summary="Blood pressure checks at the community centre.",
        priority_ids=[ref["other_new"].id], area_ids=[ref["castle"].id], audiences=["residents"],
        planned_start=today - timedelta(days=200), planned_close=today - timedelta(days=150))
    log(ref["other_user"], title="Private cleaning survey", priority_ids=[ref["new"].id], area_ids=[ref["castle"].id],
        audiences=["residents"], visibility="organisation")
    planned = log(users["practitioner"], title="Planned cleaning survey", priority_ids=[ref["new"].id], area_ids=[ref["bridge"].id],
                  audiences=["residents"], planned_start=today + timedelta(days=60), planned_close=today + timedelta(days=90))
    found = similar.similar_consultations(users["practitioner"], data(priority_ids=[ref["old"].id], area_ids=[ref["castle"].id],
                                                                       audiences=["residents"], title="Clean streets"))
    assert [s.consultation.title for s in found] == ["Planned cleaning survey"]
    assert found[0].consultation.id == planned.id
    # The officer sees the other organisation's private one too.
    titles = {s.consultation.title for s in similar.similar_consultations(
        users["officer"], data(priority_ids=[ref["new"].id], area_ids=[ref["castle"].id], audiences=["residents"]))}
    assert titles == {"Planned cleaning survey", "Private cleaning survey"}


# ---- findings -----------------------------------------------------------------------------

def test_findings_add_change_delete_with_audit(client, login, users, ref):
    c = log(users["practitioner"])
    q = add_question(c, "How clean is your street?", ["Clean", "Dirty"], {"all": (100, [40, 60])})
    login("practitioner")
    response = client.post(f"/consultations/{c.id}/findings", data={"statement": "Most say their street is dirty",
                                                                   "evidence": "60% of 100", "question_id": str(q.id)})
    assert response.status_code == 302
    finding = db.session.scalar(select(Finding))
    assert finding.question_id == q.id and finding.position == 1
    response = client.post(f"/consultations/{c.id}/findings/{finding.id}", data={"statement": "Six in ten say dirty", "evidence": "", "question_id": "",
                                                                                 "version": str(finding.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).statement == "Six in ten say dirty"
    assert db.session.get(Finding, finding.id).question_id is None
    assert client.post(f"/consultations/{c.id}/findings/{finding.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Finding").order_by(AuditEvent.id)).all()
    assert actions == ["create", "update", "delete"]


def test_finding_rejects_question_of_another_consultation_and_long_text(client, login, users, ref):
    mine = log(users["practitioner"], title="Mine")
    other = log(users["practitioner"], title="Other")
    foreign = add_question(other, "Elsewhere?", ["Yes"], {"all": (10, [10])})
    login("practitioner")
    response = client.post(f"/consultations/{mine.id}/findings", data={"statement": "A finding", "question_id": str(foreign.id)})
    assert response.status_code == 400 and "Select an option from the list" in response.get_data(as_text=True)
    response = client.post(f"/consultations/{mine.id}/findings", data={"statement": "x" * 501})
    assert response.status_code == 400 and "Finding must be 500 characters or fewer" in response.get_data(as_text=True)
    with pytest.raises(services.RuleError):
        services.save_finding(users["practitioner"], mine, None, {"statement": "ok", "question_id": foreign.id})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0
    assert client.get(f"/consultations/{mine.id}/findings/424242").status_code == 404


def test_finding_of_another_consultation_is_404(client, login, users, ref):
    a = log(users["practitioner"], title="A")
    b = log(users["practitioner"], title="B")
    services.save_finding(users["practitioner"], b, None, {"statement": "In B"})
    db.session.commit()
    finding = db.session.scalar(select(Finding))
    login("practitioner")
    assert client.get(f"/consultations/{a.id}/findings/{finding.id}").status_code == 404
    assert client.post(f"/consultations/{a.id}/findings/{finding.id}/delete").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1


def test_delete_consultation_asks_then_deletes_and_records(client, login, users, ref):
    c = log(users["practitioner"])
    login("practitioner")
    page = client.get(f"/consultations/{c.id}/delete").get_data(as_text=True)
    assert "Are you sure you want to delete" in page and count() == 1
    assert client.post(f"/consultations/{c.id}/delete").status_code == 302
    assert count() == 0
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "Consultation").order_by(AuditEvent.id.desc())) == "delete"


def test_manage_lists_only_editable_consultations(client, login, users, ref):
    log(users["practitioner"], title="Ours to change")
    log(ref["other_user"], title="Theirs to change")
    login("vcs")
    html = client.get("/consultations/manage").get_data(as_text=True)
    assert "Ours to change" in html and "Theirs to change" not in html and "Log a consultation" in html
    login("officer")
    html = client.get("/consultations/manage").get_data(as_text=True)
    assert "Ours to change" in html and "Theirs to change" in html


def test_status_is_computed_from_dates(app, users, ref):
    today = date.today()
    c = log(users["practitioner"], planned_start=today + timedelta(days=3), planned_close=today + timedelta(days=20))
    assert c.status == "planned"
    assert c.status_on(today + timedelta(days=5)) == "open"
    assert c.status_on(today + timedelta(days=21)) == "closed"
    rows = dict(db.session.execute(select(Consultation.id, services.status_expression(today + timedelta(days=5)))).all())
    assert rows[c.id] == "open"
