"""Email through a real local SMTP server (aiosmtpd): reviewers when a report is sent for
review, the author on changes asked for and on approval, each responding partnership's
coordinators on publication, and residents who asked to hear back, whose addresses are then
forgotten once the last report from their consultation is out. Each is sent once."""
from __future__ import annotations

from engage.core import mail
from engage.core.registry import ContactSource, contacts
from engage.extensions import db
from engage.sharing import notices, services
from tests.sharing.support import answer, answer_everything, make_report, publish


def _resident_source(app, kept: dict):
    """A contact source as the resident-surveys capability registers one."""
    forgotten = []

    def addresses(consultation_id):
        return sorted(kept.get(consultation_id, {}).items())

    def forget(consultation_id, keys):
        keys = list(keys)
        forgotten.append((consultation_id, keys))
        return sum(kept.get(consultation_id, {}).pop(k, None) is not None for k in keys)

    contacts.register(ContactSource("test-residents", addresses, forget), app)
    return forgotten


def test_submit_tells_the_reviewers_not_the_author(world, smtp):
    report = make_report(world)
    services.transition(world["users"]["practitioner"], report, "submit")
    assert smtp.messages == []  # nothing before the commit
    db.session.commit()
    subjects = {tuple(m["to"]): m["subject"] for m in smtp.messages}
    expected = {"officer@test.example", "officer2@test.example", "coordinator@test.example", "coord2@test.example"}
    assert {m["to"][0] for m in smtp.messages} == expected
    assert all(s.startswith("Findings report to review") for s in subjects.values())
    assert smtp.to("practitioner@test.example") == []
    assert f"/findings/{report.id}" in smtp.messages[0]["body"]


def test_rolled_back_work_sends_nothing(world, smtp):
    report = make_report(world)
    services.transition(world["users"]["practitioner"], report, "submit")
    db.session.rollback()
    db.session.commit()
    assert smtp.messages == []


def test_author_hears_about_changes_and_approval(world, smtp):
    users = world["users"]
    report = make_report(world)
    services.transition(users["practitioner"], report, "submit")
    db.session.commit()
    smtp.clear()
    services.transition(world["other_coordinator"], report, "request-changes", "Say which wards")
    db.session.commit()
    [changes] = smtp.messages
    assert changes["to"] == ["practitioner@test.example"] and "Say which wards" in changes["body"]
    smtp.clear()
    services.transition(users["practitioner"], report, "revise")
    services.transition(users["practitioner"], report, "submit")
    db.session.commit()
    smtp.clear()
    services.transition(world["officer2"], report, "approve")
    db.session.commit()
    assert [m["to"] for m in smtp.messages] == [["practitioner@test.example"]]
    assert smtp.messages[0]["subject"].startswith("Findings report approved")


def test_publication_tells_coordinators_and_residents_once_then_forgets_them(app, world, smtp):
    kept = {world["consultation"].id: {"k1": "resident.one@example.net", "k2": "resident.two@example.net"}}
    forgotten = _resident_source(app, kept)
    report = make_report(world)
    publish(world, report)
    respond = [m for m in smtp.messages if "must respond" in m["subject"]]
    assert sorted(m["to"][0] for m in respond) == ["coord2@test.example", "coordinator@test.example"]
    residents = [m for m in smtp.messages if m["subject"].startswith("What happened after")]
    assert sorted(m["to"][0] for m in residents) == ["resident.one@example.net", "resident.two@example.net"]
    assert all(len(m["to"]) == 1 for m in residents)  # one message each: nobody sees another's address
    assert report.title in residents[0]["body"] and "We will email you once more" in residents[0]["body"]
    # Kept for the second message, promised on the survey page.
    assert forgotten == [] and len(kept[world["consultation"].id]) == 2
    db.session.refresh(report)
    assert report.residents_told == 2
    before = len(smtp.messages)
    notices.release(report)
    notices.release_due()
    db.session.commit()
    assert len(smtp.messages) == before  # never twice
    # One partnership answers everything: no second message yet.
    rec1 = report.recommendations[0]
    answer(world["coordinator"], report, world["partnership"], rec1,
           {"status": "planned", "action": "Fortnightly cleaning", "owner": "Street scene", "due_on": None})
    db.session.commit()
    assert len(smtp.to("resident.one@example.net")) == 1
    # A draft from the last partnership is not a response: still no second message.
    draft = answer(world["other_coordinator"], report, world["second"], rec1,
                   {"status": "not-taken", "reason": "No budget this year"}, publish_it=False)
    db.session.commit()
    assert len(smtp.to("resident.one@example.net")) == 1 and forgotten == []
    from engage.sharing import responses

    responses.publish_response(world["other_coordinator"], report, draft)
    db.session.commit()
    second = smtp.to("resident.one@example.net", "What the partnerships will do")
    assert len(second) == 1 and "Fortnightly cleaning" in second[0]["body"] and "No budget this year" in second[0]["body"]
    assert len(smtp.to("resident.two@example.net")) == 2
    # Forgotten only now, once the second message was accepted.
    assert sorted(forgotten) == [(world["consultation"].id, ["k1"]), (world["consultation"].id, ["k2"])]
    assert kept[world["consultation"].id] == {}
    db.session.refresh(report)
    assert report.residents_told == 2 and report.responses_told_at is not None
    notices.tell_residents_responded(report)
    notices.tell_residents_late()
    db.session.commit()
    assert len(smtp.to("resident.one@example.net")) == 2   # never a third


def test_residents_are_kept_while_another_report_from_the_consultation_is_pending(app, world, smtp):
    kept = {world["consultation"].id: {"k1": "resident.one@example.net"}}
    forgotten = _resident_source(app, kept)
    make_report(world, title="A second report, still a draft")
    first = make_report(world)
    publish(world, first)
    assert len(smtp.to("resident.one@example.net")) == 1
    assert forgotten == [] and kept[world["consultation"].id] == {"k1": "resident.one@example.net"}


def test_partner_only_reports_do_not_go_to_residents(app, world, smtp):
    kept = {world["consultation"].id: {"k1": "resident.one@example.net"}}
    forgotten = _resident_source(app, kept)
    report = make_report(world, visibility="partners")
    publish(world, report)
    assert smtp.to("resident.one@example.net") == [] and forgotten == []
    assert len(smtp.to("coordinator@test.example", "must respond")) == 1


def test_resident_addresses_never_reach_the_log(app, world, caplog):
    """Without an SMTP server mail goes to the log: a resident's address must not."""
    kept = {world["consultation"].id: {"k1": "hidden.resident@example.net"}}
    _resident_source(app, kept)
    app.config["MAIL_SERVER"] = ""
    report = make_report(world)
    with caplog.at_level("WARNING"):
        publish(world, report)
        mail.wait_idle(app)
    assert "hidden.resident@example.net" not in caplog.text
    # The staff message is shown for local use (its subject and words), but no address at all
    # reaches the log, a member of staff's neither (engage/core/logs.py).
    assert "must respond" in caplog.text and "(a member of staff)" in caplog.text
    assert "coordinator@test.example" not in caplog.text


def test_with_the_resident_surveys_source(app, world, smtp):
    """The real "surveys" contact source: residents who asked on a survey hear back once and
    their addresses are deleted (this test touches the surveys' models only to set up)."""
    from engage.surveys.models import Survey, SurveyContact

    survey = Survey(consultation_id=world["consultation"].id, title="Litter survey online", code="LITTER01")
    db.session.add(survey)
    db.session.flush()
    db.session.add(SurveyContact(survey_id=survey.id, consultation_id=world["consultation"].id, key="abc123",
                                 email="resident.three@example.net"))
    db.session.commit()
    report = publish(world, make_report(world))
    assert len(smtp.to("resident.three@example.net")) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyContact)) == 1   # kept for the second
    answer_everything(world, report)
    assert len(smtp.to("resident.three@example.net")) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyContact)) == 0


def test_residents_of_a_survey_offered_in_welsh_hear_back_in_welsh_then_english(app, world, smtp):
    """The real "surveys" source with a survey offered in Welsh: both "what happened" emails come
    in Welsh, then in English (which language each person answered in is not kept with their
    address, so everyone who answered that survey gets both); a survey offered only in English
    keeps English-only emails."""
    from engage.core import content
    from engage.surveys.models import Survey, SurveyContact
    from engage.surveys.translation import KIND

    consultation = world["consultation"]
    welsh = Survey(consultation_id=consultation.id, title="Litter survey online", code="LITTER01")
    english = Survey(consultation_id=consultation.id, title="Litter survey on paper", code="LITTER02")
    db.session.add_all([welsh, english])
    db.session.flush()
    rows = content.status(KIND, welsh.id, "cy")
    content.save(None, KIND, welsh.id, "cy", {r["text"].key: "CY " + r["english"] for r in rows if r["state"] != content.EMPTY})
    content.offer(None, KIND, welsh.id, "cy")
    db.session.add_all([SurveyContact(survey_id=welsh.id, consultation_id=consultation.id, key="cy1", email="welsh.resident@example.net"),
                        SurveyContact(survey_id=english.id, consultation_id=consultation.id, key="en1", email="english.resident@example.net")])
    db.session.commit()

    report = publish(world, make_report(world))
    [first] = smtp.to("welsh.resident@example.net")
    assert first["subject"] == f"Beth ddigwyddodd ar ôl “{consultation.title}” / What happened after “{consultation.title}”"
    body = first["body"].replace("\r\n", "\n")
    assert body.startswith("Mae’r neges e-bost hon hefyd yn Saesneg, isod.\n\nHelo,")   # Welsh first
    welsh_part, english_part = body.split("-" * 40)
    assert "Gofynnoch i ni ddweud wrthych beth ddigwyddodd" in welsh_part and "Byddwn yn anfon e-bost atoch unwaith eto" in welsh_part
    assert report.title in welsh_part and f"/findings/{report.id}" in welsh_part
    assert "You asked us" not in welsh_part and "You asked us to tell you what happened" in english_part
    assert "We will email you once more" in english_part and "Gofynnoch" not in english_part
    [plain] = smtp.to("english.resident@example.net")
    assert plain["subject"] == f"What happened after “{consultation.title}”"
    assert "Gofynnoch" not in plain["body"] and "-" * 40 not in plain["body"]

    answer_everything(world, report)
    second = smtp.to("welsh.resident@example.net")[1]
    assert second["subject"] == f"Beth fydd y partneriaethau’n ei wneud: {report.title} / What the partnerships will do: {report.title}"
    welsh_part, english_part = second["body"].replace("\r\n", "\n").split("-" * 40)
    assert "Mae pob partneriaeth a enwir" in welsh_part and "Camau wedi’u cynllunio (erbyn" in welsh_part
    assert "Dyma’r neges e-bost olaf" in welsh_part and "This is the last email" in english_part
    assert "Action planned (due" in english_part and "Camau wedi’u cynllunio" not in english_part
    assert "Gofynnoch" not in smtp.to("english.resident@example.net")[1]["body"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyContact)) == 0   # both forgotten after
