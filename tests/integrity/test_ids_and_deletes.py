"""Ids are never reused, foreign keys hold on SQLite as on PostgreSQL, every delete of
something others depend on follows one rule, and audit history stays with its record."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from engage.consultations import services as consultation_services
from engage.consultations.models import Consultation, Finding, Question
from engage.core import audit, deletion
from engage.core.database import has_integer_id
from engage.core.models import AuditEvent
from engage.extensions import db
from engage.partnership.models import Area, Framework, Indicator, IndicatorReading, Organisation, Outcome, Priority
from tests.consultations.records_support import data as consultation_data, log, ref  # noqa: F401 (fixture)


def _sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def test_sqlite_connections_enforce_foreign_keys(app):
    if not _sqlite():
        pytest.skip("PostgreSQL always enforces foreign keys")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_every_table_with_an_integer_id_is_autoincrement(app):
    tables = [t for t in db.metadata.sorted_tables if has_integer_id(t)]
    assert len(tables) > 20
    for table in tables:
        assert table.dialect_options["sqlite"]["autoincrement"], table.name
    if not _sqlite():
        return
    # The schema the migrations built (not only the models) says AUTOINCREMENT.
    missing = []
    for table in tables:
        sql = db.session.execute(text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:n"), {"n": table.name}).scalar()
        if "AUTOINCREMENT" not in (sql or "").upper():
            missing.append(table.name)
    assert missing == []


def test_no_relationship_empties_a_key_the_database_should_keep_or_cascade(app):
    """deletion.orm_problems(): a one-to-many relationship without a delete cascade makes
    SQLAlchemy set the children's key to NULL before deleting the parent. Over a NOT NULL
    key that is a 500 (deleting a survey section with questions was one); over a RESTRICT
    key it quietly detaches rows the database should refuse to lose."""
    assert deletion.orm_problems() == []


def test_a_deleted_id_is_never_given_to_a_new_record(app, users):
    first = Organisation(name="Short-lived group", kind="vcs")
    db.session.add(first)
    db.session.commit()
    old_id = first.id
    deletion.delete(users["officer"], first, "Organisation deleted")
    db.session.commit()
    second = Organisation(name="Newer group", kind="vcs")
    db.session.add(second)
    db.session.commit()
    assert second.id > old_id


def test_the_database_itself_refuses_an_orphan(app, org):
    """On SQLite too: a consultation cannot point at an organisation that does not exist."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.add(Consultation(title="Orphan", summary="", lead_organisation_id=999_999, visibility="public"))
        db.session.flush()
    db.session.rollback()


# ---- the defects found in the review ----------------------------------------------------

def test_deleting_an_organisation_that_leads_consultations_is_refused_by_name(login, client, users, ref):
    other_org, other_user = ref["other_org"], ref["other_user"]
    private = log(other_user, title="Confidential staff survey", visibility="organisation")
    login("officer")
    page = client.get(f"/admin/reference/organisations/{other_org.id}/delete").get_data(as_text=True)
    assert "You cannot delete Other Trust yet" in page and "Confidential staff survey" in page
    assert "Yes, delete it" not in page
    response = client.post(f"/admin/reference/organisations/{other_org.id}/delete")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "1 consultations it leads (Confidential staff survey)" in html
    db.session.expire_all()
    assert db.session.get(Organisation, other_org.id) is not None
    assert db.session.get(Consultation, private.id).lead_organisation_id == other_org.id


def test_a_new_organisation_never_inherits_a_deleted_ones_consultations(login, client, users, ref):
    """The review's path: delete the organisation, make a new one, give it a practitioner:
    that practitioner must not reach the old organisation's own-organisation-only record."""
    from engage.accounts.models import User
    from tests.conftest import password_hash

    other_org = ref["other_org"]
    private = log(ref["other_user"], title="Confidential staff survey", visibility="organisation")
    # Only once its consultations and accounts have gone may the organisation go.
    consultation_services.delete_consultation(users["officer"], private)
    db.session.delete(ref["other_user"])
    db.session.commit()
    kept = log(users["officer"], title="Kept private survey", visibility="organisation", lead_organisation_id=users["officer"].organisation_id)
    deletion.delete(users["officer"], db.session.get(Organisation, other_org.id), "Organisation deleted")
    db.session.commit()
    newcomer = Organisation(name="Newcomer Trust", kind="health")
    db.session.add(newcomer)
    db.session.commit()
    assert newcomer.id != other_org.id
    person = User(email="new@test.example", name="New Person", role="practitioner", organisation_id=newcomer.id,
                  active=True, password_hash=password_hash())
    db.session.add(person)
    db.session.commit()
    client._cookies.clear()
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
    assert client.get(f"/consultations/{private.id}").status_code == 404
    assert client.get(f"/consultations/{kept.id}").status_code == 404
    assert client.get(f"/consultations/{kept.id}/edit").status_code == 404


def test_history_is_never_shown_for_another_record(login, client, users, ref):
    """A new consultation must not show a deleted private consultation's changes, even if it
    were given the same id (closed history), and it is not (ids never reused)."""
    secret = log(users["officer"], title="Secret restructuring consultation", visibility="organisation")
    secret_id = secret.id
    consultation_services.delete_consultation(users["officer"], secret)
    db.session.commit()
    closed = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "Consultation", AuditEvent.object_id == secret_id)).all()
    assert closed and all(e.record_deleted for e in closed)
    mine = log(users["vcs"], title="Our group's survey", visibility="public")
    assert mine.id > secret_id
    # Even a row written with the old id (a restore, a reset sequence) starts with no history.
    db.session.execute(text("INSERT INTO consultation (id, title, summary, purpose, lead_organisation_id, how_to_take_part, "
                            "take_part_url, contact_name, contact_email, equality_monitoring, visibility, is_demo, created_at, "
                            "updated_at, version) VALUES (:id, 'Same id', '', '', :org, '', '', '', '', false, 'public', false, "
                            ":now, :now, 1)"), {"id": secret_id, "org": users["vcs"].organisation_id, "now": date.today()})
    db.session.commit()
    reused = db.session.get(Consultation, secret_id)
    assert audit.history(reused) == []
    login("vcs")
    for consultation_id in (mine.id, secret_id):
        html = client.get(f"/consultations/{consultation_id}").get_data(as_text=True)
        assert "Secret restructuring" not in html


def test_deleting_a_consultation_says_what_goes_with_it_and_takes_it_in_one_transaction(login, client, users, ref):
    from engage.consultations.importing import import_results
    from tests.consultations.results_support import csv_bytes, tidy_rows

    consultation = log(users["practitioner"], title="Parks survey", priority_ids=[ref["new"].id])
    import_results(users["practitioner"], consultation, "results.csv", csv_bytes(tidy_rows()))
    consultation_services.save_finding(users["practitioner"], consultation, None, {"statement": "People like parks"})
    db.session.commit()
    questions = db.session.scalar(select(func.count()).select_from(Question).where(Question.consultation_id == consultation.id))
    assert questions > 0
    login("practitioner")
    page = client.get(f"/consultations/{consultation.id}/delete").get_data(as_text=True)
    assert "These are deleted with it" in page
    assert f"{questions} questions" in page and "1 findings (People like parks)" in page
    assert "result figures" in page and "links to priorities (they stay)" in page
    response = client.post(f"/consultations/{consultation.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id) is None
    for model in (Question, Finding):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert db.session.get(Priority, ref["new"].id) is not None


def test_deleting_a_framework_lists_and_takes_its_priorities_outcomes_and_indicators(login, client, users, ref):
    framework = db.session.get(Framework, ref["new"].framework_id)
    indicator = Indicator(outcome_id=ref["outcome"].id, name="Streets clean", direction="higher")
    db.session.add(indicator)
    db.session.flush()
    db.session.add(IndicatorReading(indicator_id=indicator.id, taken_on=date(2007, 1, 1), value=3.0))
    tagged = log(users["practitioner"], title="Safety survey", priority_ids=[ref["new"].id])
    db.session.commit()
    login("officer")
    page = client.get(f"/admin/reference/frameworks/{framework.id}/delete").get_data(as_text=True)
    for words in ("2 priorities", "1 cross-cutting themes (Liveability)", "1 outcomes (Cleaner streets)",
                  "1 indicators (Streets clean)", "1 readings", "consultations tagged with it"):
        assert words in page, words
    assert client.post(f"/admin/reference/frameworks/{framework.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Framework, framework.id) is None
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0
    assert db.session.scalar(select(func.count()).select_from(IndicatorReading)) == 0
    assert db.session.get(Consultation, tagged.id).priorities == []


def test_an_area_with_areas_inside_is_refused_naming_them(login, client, ref):
    login("officer")
    response = client.post(f"/admin/reference/areas/{ref['north'].id}/delete")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "2 areas inside it (Castle, Mill)" in html
    assert db.session.get(Area, ref["north"].id) is not None


def test_an_organisation_with_accounts_is_refused(login, client, ref):
    login("officer")
    response = client.post(f"/admin/reference/organisations/{ref['other_org'].id}/delete")
    assert response.status_code == 409 and "accounts that belong to it (Olive Other)" in response.get_data(as_text=True)


def test_a_dependant_added_in_the_same_moment_is_a_plain_refusal_not_a_500(login, client, users, ref, monkeypatch):
    """The plan said yes, but the database says no (a consultation was logged meanwhile): the
    same plain refusal on SQLite and PostgreSQL, and nothing is deleted."""
    area = ref["bridge"]
    monkeypatch.setattr(deletion, "plan", lambda obj: deletion.DeletePlan(obj=obj))
    db.session.add(Area(name="Bridge End", level="neighbourhood", parent_id=area.id))
    db.session.commit()
    login("officer")
    response = client.post(f"/admin/reference/areas/{area.id}/delete")
    assert response.status_code == 409
    assert "changed or gained new links while you were deleting it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Area, area.id) is not None


def test_deleting_a_document_and_a_finding_go_through_the_rule(login, client, users, ref):
    consultation = log(users["practitioner"], title="Library survey")
    finding = consultation_services.save_finding(users["practitioner"], consultation, None, {"statement": "Open later"})
    db.session.commit()
    login("practitioner")
    page = client.get(f"/consultations/{consultation.id}/findings/{finding.id}/delete").get_data(as_text=True)
    assert "Nothing else depends on it" in page
    assert client.post(f"/consultations/{consultation.id}/findings/{finding.id}/delete").status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "Finding", AuditEvent.action == "delete"))
    assert event is not None and event.record_deleted
    assert audit.history(consultation)  # the consultation's own history is untouched
