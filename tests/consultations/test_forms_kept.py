"""Forms never lose an answer (issue 13): each consultation form that can be shown again (an
error, the similar-consultations warning) is posted with every field filled and one problem,
and every value must come back (tests/forms_support.py)."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest

from engage.consultations.models import Consultation
from engage.extensions import db
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)
from tests.forms_support import values_kept


def _full(ref, **overrides) -> dict:
    """Every field of the consultation form, filled."""
    start = date.today() - timedelta(days=5)
    close = date.today() + timedelta(days=30)
    published = date.today() + timedelta(days=60)
    out = {
        "title": "Cleaner streets survey", "summary": "How clean are the streets where you live?",
        "purpose": "To plan next year's street cleaning.", "lead_organisation_id": str(ref["org"].id),
        "partner_ids": [str(ref["other_org"].id)], "partnership_ids": [str(ref["partnership"].id)],
        "priority_ids": [str(ref["new"].id), str(ref["old"].id)], "theme_ids": [str(ref["theme"].id)],
        "outcome_ids": [str(ref["outcome"].id)], "area_ids": [str(ref["castle"].id), str(ref["bridge"].id)],
        "audiences": ["residents", "families"], "other_audiences": "Tenants of Castle, Carers' group",
        "methods": ["focus-group", "area-forum"], "channels": ["online", "paper"],
        "planned_start": [str(start.day), str(start.month), str(start.year)],
        "planned_close": [str(close.day), str(close.month), str(close.year)],
        "actual_start": [str(start.day), str(start.month), str(start.year)],
        "actual_close": ["", "", ""],
        "results_published_on": [str(published.day), str(published.month), str(published.year)],
        "how_to_take_part": "Paper copies at the library.", "take_part_url": "https://example.org/survey",
        "contact_name": "Pat Practitioner", "contact_email": "pat@example.org", "people_reached": "2,500",
        "responses": "812", "cost": "1500", "equality_monitoring": "y", "visibility": "partners",
    }
    out.update(overrides)
    return out


def test_new_consultation_keeps_every_answer_after_the_similar_warning(client, login, users, ref):
    log(users["practitioner"], title="Cleaner streets survey 2025", priority_ids=[ref["new"].id], area_ids=[ref["castle"].id],
        audiences=["residents"])
    login("officer")
    posted = _full(ref)
    response = client.post("/consultations/new", data=posted)
    html = response.get_data(as_text=True)
    assert "Check before you save" in html
    assert values_kept(html, posted) == []
    assert db.session.query(Consultation).count() == 1  # nothing saved yet
    # Saving again as shown keeps every place, so the consultation stays in the place filters.
    again = {**posted, "checked_similar": "yes"}
    assert client.post("/consultations/new", data=again).status_code == 302
    saved = db.session.query(Consultation).order_by(Consultation.id.desc()).first()
    assert {a.name for a in saved.areas} == {"Castle", "Bridge"} and len(saved.priorities) == 2
    assert {o.name for o in saved.partners} == {"Other Trust"} and saved.themes and saved.outcomes and saved.partnerships


def test_new_consultation_keeps_every_answer_after_an_error(client, login, users, ref):
    login("officer")
    posted = _full(ref, planned_start=["45", "1", "2027"], checked_similar="yes")
    response = client.post("/consultations/new", data=posted)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert values_kept(html, posted) == []
    # The error summary links to the first wrong box, and only that box is marked.
    assert 'href="#planned_start-day"' in html
    assert re.search(r'class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" id="planned_start-day"', html)
    assert not re.search(r'govuk-input--error" id="planned_start-month"', html)


@pytest.mark.parametrize("date_parts,target", [
    (["12", "13", "2027"], "planned_start-month"),
    (["12", "3", "27"], "planned_start-year"),
    (["31", "2", "2027"], "planned_start-day"),
    (["", "3", "2027"], "planned_start-day"),
])
def test_a_date_error_links_to_its_first_wrong_box(client, login, users, ref, date_parts, target):
    login("officer")
    html = client.post("/consultations/new", data=_full(ref, planned_start=date_parts, checked_similar="yes")).get_data(as_text=True)
    assert f'href="#{target}"' in html
    assert f'id="{target}"' in html


def test_a_rule_about_a_date_links_to_its_day_box(client, login, users, ref):
    login("officer")
    later = date.today() + timedelta(days=90)
    posted = _full(ref, planned_start=[str(later.day), str(later.month), str(later.year)], checked_similar="yes",
                   actual_start=["", "", ""], results_published_on=["", "", ""])
    html = client.post("/consultations/new", data=posted).get_data(as_text=True)
    assert "The planned closing date must be the same as or after the planned start date" in html
    assert 'href="#planned_close-day"' in html
    assert values_kept(html, posted) == []


def test_edit_keeps_every_answer_after_an_error(client, login, users, ref):
    consultation = log(users["practitioner"], title="Parks survey")
    login("officer")
    posted = _full(ref, contact_email="not an email", version=str(consultation.version))
    response = client.post(f"/consultations/{consultation.id}/edit", data=posted)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter an email address in the correct format" in html
    assert values_kept(html, posted) == []


def test_edit_shows_the_saved_choices_ticked(client, login, users, ref):
    consultation = log(users["practitioner"], title="Parks survey", area_ids=[ref["castle"].id], priority_ids=[ref["new"].id],
                       partner_ids=[ref["other_org"].id])
    login("practitioner")
    html = client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True)
    from tests.forms_support import shown_values

    shown = shown_values(html, {"title": "", "area_ids": []})
    assert shown["area_ids"] == [str(ref["castle"].id)] and shown["priority_ids"] == [str(ref["new"].id)]
    assert shown["partner_ids"] == [str(ref["other_org"].id)]


def test_finding_form_keeps_every_answer(client, login, users, ref):
    from tests.consultations.records_support import add_question

    consultation = log(users["practitioner"], title="Parks survey")
    question = add_question(consultation, "Are parks clean?", ["Yes", "No"], {"all": (10, [6, 4])})
    db.session.commit()
    login("practitioner")
    posted = {"statement": "People want cleaner parks", "evidence": "60% said yes.", "question_id": str(question.id), "position": "first"}
    response = client.post(f"/consultations/{consultation.id}/findings", data=posted)
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []


def test_document_form_keeps_the_title(client, login, users, ref):
    consultation = log(users["practitioner"], title="Parks survey")
    login("practitioner")
    posted = {"title": "Full report", "file": (io.BytesIO(b"MZ\x90\x00not allowed"), "report.exe")}
    response = client.post(f"/consultations/{consultation.id}/documents", data=posted, content_type="multipart/form-data")
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), {"title": "Full report"}) == []


def test_import_upload_keeps_the_kind_of_file(client, login, users, ref):
    consultation = log(users["practitioner"], title="Parks survey")
    login("practitioner")
    posted = {"format": "raw"}
    response = client.post(f"/consultations/{consultation.id}/results/import", data=posted, content_type="multipart/form-data")
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []
