"""The working pages through HTTP: starting a report from a consultation (its key findings
come with it), errors beside the fields (never a 500, never half a save), someone else's
change shown instead of overwritten, attachments, key findings, recommendations, moves with
an embargo, responses and deleting a draft with what goes with it."""
from __future__ import annotations

import io
from datetime import date, timedelta

from engage.core import clock
from engage.extensions import db
from engage.sharing import services
from engage.sharing.models import FindingsReport, ReportAttachment
from tests.sharing.support import make_report, publish


def _form(world, **overrides):
    data = {"title": "Litter: what we heard", "summary": "Cleaner streets, please.", "visibility": "public",
            "consultation_ids": [str(world["consultation"].id)], "priority_ids": [str(world["new"].id)],
            "outcome_ids": [str(world["outcome"].id)], "partnership_ids": [str(world["partnership"].id)],
            "seed_findings": "y"}
    data.update(overrides)
    return data


def test_start_from_a_consultation(client, login, world):
    login("practitioner")
    page = client.get(f"/findings/new?consultation={world['consultation'].id}").get_data(as_text=True)
    assert "What people told us: Litter survey" in page  # prefilled from the consultation
    response = client.post("/findings/new", data=_form(world))
    assert response.status_code == 302
    report = db.session.scalar(db.select(FindingsReport))
    assert [f.statement for f in report.findings] == ["Seven in ten see a lot of litter"]
    assert report.state == "draft" and report.created_by_id == world["users"]["practitioner"].id


def test_errors_beside_fields_and_nothing_saved(client, login, world):
    login("practitioner")
    for bad in ({"title": ""}, {"consultation_ids": []}, {"consultation_ids": ["99999"]}, {"priority_ids": ["abc"]},
                {"sample_size": "lots"}, {"visibility": "everyone"}, {"audiences": ["aliens"]}, {"title": "x" * 300}):
        response = client.post("/findings/new", data=_form(world, **bad))
        assert response.status_code == 400, bad
        html = response.get_data(as_text=True)
        assert "There is a problem" in html and "govuk-error-message" in html
    assert db.session.scalar(db.select(db.func.count(FindingsReport.id))) == 0


def test_someone_elses_change_is_shown_not_overwritten(client, login, world):
    report = make_report(world)
    login("practitioner")
    html = client.get(f"/findings/{report.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{report.version}"' in html
    loaded = report.version
    services.save_report(world["users"]["officer"], report, {**_form(world), "title": "The officer's title",
                                                             "consultation_ids": [world["consultation"].id]}, version=loaded)
    db.session.commit()
    response = client.post(f"/findings/{report.id}/edit", data=_form(world, title="My title", version=str(loaded)))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this" in html
    assert "The officer" in html and "Test Officer" in html  # what they changed, and who
    assert 'value="My title"' in html  # their own value kept to merge
    db.session.expire_all()
    assert db.session.get(FindingsReport, report.id).title == "The officer's title"
    # Saving again on purpose (the form now carries the saved version) works.
    again = client.post(f"/findings/{report.id}/edit", data=_form(world, title="My title", version=str(db.session.get(FindingsReport, report.id).version)))
    assert again.status_code == 302


def test_a_tampered_or_missing_version_is_a_conflict_not_a_500(client, login, world):
    report = make_report(world)
    login("practitioner")
    before = (report.title, report.version)
    for version in ("", "abc", "99999999999"):
        assert client.post(f"/findings/{report.id}/edit", data=_form(world, title="A tampered title", version=version)).status_code == 409
        db.session.expire_all()
        saved = db.session.get(FindingsReport, report.id)
        assert (saved.title, saved.version) == before  # nothing of the refused edit was saved


def test_key_findings_and_recommendations(client, login, world):
    report = make_report(world, recommendations=())
    question_id = None
    login("practitioner")
    assert client.post(f"/findings/{report.id}/key-findings", data={"statement": ""}).status_code == 400
    assert client.post(f"/findings/{report.id}/key-findings", data={"statement": "Bins overflow", "question_id": "777"}).status_code == 400
    assert client.post(f"/findings/{report.id}/key-findings", data={"statement": "Bins overflow", "evidence": "> “Every Monday”"}).status_code == 302
    assert client.post(f"/findings/{report.id}/recommendations", data={"text": "Empty bins twice a week"}).status_code == 302
    db.session.expire_all()
    report = db.session.get(FindingsReport, report.id)
    assert [f.statement for f in report.findings][-1] == "Bins overflow"
    assert [r.text for r in report.recommendations] == ["Empty bins twice a week"]
    rec = report.recommendations[0]
    assert client.post(f"/findings/{report.id}/recommendations/{rec.id}/delete", data={}).status_code == 302
    assert client.get(f"/findings/{report.id}/recommendations/99999").status_code == 404
    html = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert "Every Monday" in html and "<blockquote" in html


def test_markdown_is_cleaned(client, login, world):
    report = make_report(world, meaning="Fine <script>alert(1)</script> [x](javascript:alert(1))")
    login("practitioner")
    html = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "javascript:alert" not in html


def test_attachments_are_checked_stored_and_served_to_those_who_may_see(client, login, world, smtp):
    report = make_report(world)
    login("practitioner")
    bad = client.post(f"/findings/{report.id}/attachments", data={"file": (io.BytesIO(b"<html>x</html>"), "page.csv")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "The selected file is not" in bad.get_data(as_text=True)
    good = client.post(f"/findings/{report.id}/attachments", data={"title": "Tables", "file": (io.BytesIO(b"ward,share\nCastle,64\n"), "tables.csv")},
                       content_type="multipart/form-data")
    assert good.status_code == 302
    attachment = db.session.scalar(db.select(ReportAttachment))
    url = f"/findings/{report.id}/attachments/{attachment.id}/download"
    assert client.get(url).data == b"ward,share\nCastle,64\n"
    login(None)
    assert client.get(url).status_code == 404  # a draft's attachment
    publish(world, db.session.get(FindingsReport, report.id))
    assert client.get(url).status_code == 200


def test_moves_through_the_pages_with_an_embargo(client, login, world, smtp):
    report = make_report(world)
    login("practitioner")
    assert client.post(f"/findings/{report.id}/move/submit", data={}).status_code == 302
    login("coordinator")
    missing = client.post(f"/findings/{report.id}/move/request-changes", data={"comment": ""})
    assert missing.status_code == 400 and "Enter what needs to change" in missing.get_data(as_text=True)
    login("officer")
    assert client.post(f"/findings/{report.id}/move/approve", data={}).status_code == 302
    tomorrow = date.today() + timedelta(days=1)
    bad_time = client.post(f"/findings/{report.id}/move/publish", data={
        "embargo_date": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)], "embargo_time": "25:99"})
    assert bad_time.status_code == 400 and "Enter the time like 09:30" in bad_time.get_data(as_text=True)
    past = client.post(f"/findings/{report.id}/move/publish", data={"embargo_date": ["1", "1", "2001"], "embargo_time": ""})
    assert past.status_code == 400 and "must be in the future" in past.get_data(as_text=True)
    ok = client.post(f"/findings/{report.id}/move/publish", data={
        "embargo_date": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)], "embargo_time": "09:30"})
    assert ok.status_code == 302
    db.session.expire_all()
    report = db.session.get(FindingsReport, report.id)
    assert report.state == "published" and clock.local(report.embargo_until).hour == 9 and report.released_at is None
    html = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert "Embargoed until" in html and "Timeline" in html and "Ask for changes" not in html


def test_responding_through_the_page(client, login, world, smtp):
    report = publish(world, make_report(world))
    rec = report.recommendations[0]
    url = f"/findings/{report.id}/respond/{world['partnership'].id}/{rec.id}"
    login("coordinator")
    bad = client.post(url, data={"status": "not-taken", "reason": ""})
    assert bad.status_code == 400 and "Say why" in bad.get_data(as_text=True)
    assert client.post(url, data={"status": "taken", "action": "Done it", "owner": "Team", "due_on": ["1", "2", "2030"]}).status_code == 302
    assert client.get(f"/findings/{report.id}/respond/{world['partnership'].id}/99999").status_code == 404
    assert client.get(f"/findings/{report.id}/respond/99999/{rec.id}").status_code == 404
    html = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert "Done it" in html and "Action taken" in html and "Draft" in html   # the coordinator sees the draft
    response_id = report.all_responses[0].id
    assert client.post(f"/findings/{report.id}/responses/{response_id}/publish", data={}).status_code == 302
    assert client.post(f"/findings/{report.id}/responses/{response_id}/progress",
                       data={"stage": "in-progress", "note": "Half done"}).status_code == 302
    assert "Half done" in client.get(f"/findings/{report.id}").get_data(as_text=True)


def test_delete_a_draft_says_what_goes_with_it(client, login, world, smtp):
    report = make_report(world)
    login("practitioner")
    page = client.get(f"/findings/{report.id}/delete").get_data(as_text=True)
    assert "These are deleted with it" in page and "1 key finding" in page and "1 recommendation" in page
    assert client.post(f"/findings/{report.id}/delete", data={}).status_code == 302
    assert db.session.get(FindingsReport, report.id) is None
    published = publish(world, make_report(world))
    assert client.get(f"/findings/{published.id}/delete").status_code == 403


def test_chosen_links_stay_checked_on_the_edit_form(client, login, world):
    report = make_report(world)
    login("practitioner")
    html = client.get(f"/findings/{report.id}/edit").get_data(as_text=True)
    import re

    box = re.search(rf'<input[^>]*name="partnership_ids"[^>]*value="{world["partnership"].id}"[^>]*>', html).group(0)
    assert "checked" in box
    other = re.search(rf'<input[^>]*name="priority_ids"[^>]*value="{world["other_new"].id}"[^>]*>', html).group(0)
    assert "checked" not in other


def test_a_consultation_with_a_report_cannot_be_deleted_from_under_it(client, login, world):
    make_report(world)
    login("practitioner")
    page = client.get(f"/consultations/{world['consultation'].id}/delete").get_data(as_text=True)
    assert "findings reports made from it" in page
    from engage.consultations.models import Consultation

    client.post(f"/consultations/{world['consultation'].id}/delete", data={})
    assert db.session.get(Consultation, world["consultation"].id) is not None
