"""Every edit form carries the version it was loaded from: a save against a newer version is
refused with what changed (who, before, now) beside the person's own values, which stay in
the form so they can merge and save again."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from engage.consultations import services as consultation_services
from engage.consultations.models import Consultation
from engage.core.concurrency import EditConflict
from engage.extensions import db
from engage.partnership.models import Organisation
from tests.consultations.records_support import data as consultation_data, log, ref  # noqa: F401 (fixture)


def _version(html: str) -> str:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html) or re.search(r'value="(\d+)" name="version"', html)
    assert match, "the form carries no version"
    return match.group(1)


def _consultation_form(consultation, **changes):
    form = {
        "title": consultation.title, "summary": consultation.summary, "lead_organisation_id": str(consultation.lead_organisation_id),
        "visibility": consultation.visibility, "planned_start": ["1", "4", "2026"], "planned_close": ["", "", ""],
        "actual_start": ["", "", ""], "actual_close": ["", "", ""], "results_published_on": ["", "", ""],
    }
    form.update(changes)
    return form


def test_two_people_saving_the_same_consultation(login, client, users, ref):
    """The review's defect: both saw "Changes saved" and the first save was lost."""
    consultation = log(users["practitioner"], title="Street cleaning survey")
    login("practitioner")
    version = _version(client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True))
    # Another person (an officer) saves first, from the same version.
    login("officer")
    first = client.post(f"/consultations/{consultation.id}/edit",
                        data=_consultation_form(consultation, title="Street cleaning survey 2026", version=version))
    assert first.status_code == 302
    # The practitioner saves the form they opened earlier.
    login("practitioner")
    second = client.post(f"/consultations/{consultation.id}/edit",
                         data=_consultation_form(consultation, summary="My own new summary.", version=version))
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Someone else changed this" in html and "Test Officer saved changes after you opened this page" in html
    assert "Street cleaning survey 2026" in html            # what they changed, now saved
    assert "My own new summary." in html                   # the person's value is kept in the form
    db.session.expire_all()
    saved = db.session.get(Consultation, consultation.id)
    assert saved.title == "Street cleaning survey 2026" and saved.summary != "My own new summary."
    # The form now carries the saved version: saving again (after merging) works.
    new_version = _version(html)
    assert int(new_version) == saved.version
    third = client.post(f"/consultations/{consultation.id}/edit",
                        data=_consultation_form(saved, summary="My own new summary.", version=new_version))
    assert third.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Consultation, consultation.id)
    assert (saved.title, saved.summary) == ("Street cleaning survey 2026", "My own new summary.")


def test_a_form_without_its_version_never_overwrites(login, client, users, ref):
    consultation = log(users["practitioner"], title="Bins survey")
    login("practitioner")
    response = client.post(f"/consultations/{consultation.id}/edit", data=_consultation_form(consultation, title="Changed"))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).title == "Bins survey"


def test_the_check_reads_the_saved_version_not_a_copy_loaded_earlier(app, users, ref):
    consultation = log(users["practitioner"], title="Race survey")
    version = consultation.version
    # Someone else's save lands after this request loaded the record.
    with db.engine.begin() as other:
        other.execute(text("UPDATE consultation SET title = 'Theirs', version = version + 1 WHERE id = :id"), {"id": consultation.id})
    with pytest.raises(EditConflict):
        consultation_services.save_consultation(users["practitioner"], consultation,
                                                consultation_data(title="Mine", lead_organisation_id=consultation.lead_organisation_id),
                                                version=version)
    db.session.rollback()
    assert db.session.get(Consultation, consultation.id).title == "Theirs"


def test_a_save_that_loses_the_race_after_the_check_is_a_conflict_not_a_500(login, client, users, ref, monkeypatch):
    """Both passed the version check; the database's UPDATE ... WHERE version = n lets only
    one through, and the other person sees the conflict page with their values kept."""
    from engage.core import concurrency

    consultation = log(users["practitioner"], title="Race survey")
    version = str(consultation.version)
    real_check = concurrency.check

    def check_then_someone_else_saves(obj, submitted):
        real_check(obj, submitted)
        with db.engine.begin() as other:
            other.execute(text("UPDATE consultation SET title = 'Theirs', version = version + 1 WHERE id = :id"), {"id": obj.id})

    monkeypatch.setattr(concurrency, "check", check_then_someone_else_saves)
    login("practitioner")
    response = client.post(f"/consultations/{consultation.id}/edit",
                           data=_consultation_form(consultation, title="Mine", version=version))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this" in html and 'value="Mine"' in html
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).title == "Theirs"


def test_reference_data_form_conflict(login, client, users, ref):
    other = ref["other_org"]
    login("officer")
    url = f"/admin/reference/organisations/{other.id}"
    version = _version(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"name": "Other Health Trust", "kind": "health", "version": version}).status_code == 302
    response = client.post(url, data={"name": "Other Trust", "kind": "health", "website": "https://other.example",
                                      "version": version})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Other Health Trust" in html and "https://other.example" in html
    db.session.expire_all()
    assert db.session.get(Organisation, other.id).website == ""


def test_partnership_members_form_carries_its_version(login, client, users, ref):
    partnership = ref["partnership"]
    login("officer")
    html = client.get(f"/admin/reference/partnerships/{partnership.id}").get_data(as_text=True)
    version = re.findall(r'name="version" type="hidden" value="(\d+)"', html)
    assert len(version) == 2  # the partnership form and the members form
    url = f"/admin/reference/partnerships/{partnership.id}/members"
    assert client.post(url, data={"organisation_ids": [str(ref["org"].id)], "version": version[1]}).status_code == 302
    client.post(url, data={"organisation_ids": [str(ref["other_org"].id)], "version": version[1]}, follow_redirects=False)
    db.session.expire_all()
    members = [o.id for o in db.session.get(type(partnership), partnership.id).members]
    assert members == [ref["org"].id]  # the stale form did not overwrite the first save


def test_account_form_conflict(login, client, users):
    person = users["vcs"]
    login("officer")
    url = f"/admin/accounts/{person.id}"
    version = _version(client.get(url).get_data(as_text=True))
    common = {"email": person.email, "role": "vcs", "organisation_id": str(person.organisation_id), "active": "y"}
    assert client.post(url, data={**common, "name": "Vicky Voluntary", "version": version}).status_code == 302
    response = client.post(url, data={**common, "name": "Test Vcs", "role": "practitioner", "version": version})
    assert response.status_code == 409 and "Vicky Voluntary" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(person), person.id).role == "vcs"


def test_finding_form_conflict(login, client, users, ref):
    consultation = log(users["practitioner"], title="Parks survey")
    finding = consultation_services.save_finding(users["practitioner"], consultation, None, {"statement": "Parks matter"})
    db.session.commit()
    login("practitioner")
    url = f"/consultations/{consultation.id}/findings/{finding.id}"
    version = _version(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"statement": "Parks matter a lot", "version": version}).status_code == 302
    response = client.post(url, data={"statement": "Parks matter to families", "version": version})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Parks matter a lot" in html and "Parks matter to families" in html


def test_an_import_that_fills_a_blank_moves_the_version_on(app, users, ref):
    """Changes made outside a form count too: a form opened before them conflicts."""
    from engage.consultations.importing import import_results
    from tests.consultations.results_support import csv_bytes, raw_rows

    consultation = log(users["practitioner"], title="Safety survey")
    before = consultation.version
    import_results(users["practitioner"], consultation, "r.csv", csv_bytes(raw_rows()), fmt="raw",
                   mapping={0: "id", 1: "ignore", 2: "ignore", 3: "ignore", 4: "question", 5: "question-multi"})
    db.session.commit()
    assert consultation.version == before + 1
    with pytest.raises(EditConflict):
        consultation_services.save_consultation(users["practitioner"], consultation,
                                                consultation_data(lead_organisation_id=consultation.lead_organisation_id), version=before)
