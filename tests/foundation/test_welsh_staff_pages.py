"""Pages staff work on, read in Welsh (issue 23): the findings reports' pages, the consultation
pages an organisation keeps, the search index page, and a plan action's panel of the
partnerships' responses. Each page's own words come from the Welsh catalogue; what staff typed
(titles, statements) stays as they wrote it."""
from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from tests.i18n_support import assert_pages_in_welsh


def test_the_findings_and_consultation_staff_pages_are_in_welsh(seeded, client, login):
    from engage.consultations.models import Consultation
    from engage.sharing.models import FindingsReport

    login("officer")
    report = db.session.scalar(select(FindingsReport).where(FindingsReport.state == "draft").order_by(FindingsReport.id))
    consultation = db.session.scalar(select(Consultation).where(Consultation.is_demo.is_(True)).order_by(Consultation.id))
    pages = {
        "/findings/manage": ("Adroddiadau rydych yn gweithio arnynt", [
            "Findings reports", "Share what people said", "Start a findings report", "Reports you work on", "Every state",
            "Last changed", "Ready-made code for each partnership", "Copy this into a partner's web page", "Board dashboard"]),
        "/findings/dashboard": ("Dangosfwrdd y bwrdd", [
            "Board dashboard", "For each priority", "Print this page", "Consultations held", "Reports published",
            "The whole priority", "Coverage of the priority wards", "How many consultations asked people"]),
        "/findings/new": ("Dechrau adroddiad canfyddiadau", [
            "Start a findings report", "What was found", "How good the evidence is", "Who must respond"]),
        "/consultations/manage": ("Eich ymgynghoriadau", [
            "Your consultations", "As a partnership officer you can change every consultation", "Log a consultation",
            "search what people have already been asked", "you can change"]),
        f"/consultations/{consultation.id}/documents": ("Holiaduron, adroddiadau a ffeiliau data", [
            "Questionnaires, reports and data files", "Add a document", "Back to the consultation"]),
        f"/consultations/{consultation.id}/delete": ("Ni allwch ddileu’r ymgynghoriad", [   # the demo's records depend on it
            "You cannot delete the consultation", "These depend on it, so it cannot be deleted yet", ">Go back<"]),
        "/admin/search": ("Mynegai chwilio", [
            "Search index", "Searches on Engage read an index", "What is in the index", "Records in the database",
            "Rebuild the index", "Rebuilding reads every record again"]),
    }
    if report is not None:
        pages.update({
            f"/findings/{report.id}/key-findings": ("Ychwanegu prif ganfyddiad", [
                "Add a key finding", "Each finding is a short statement", "Back to the report"]),
            f"/findings/{report.id}/recommendations": ("Ychwanegu argymhelliad", [
                "Add a recommendation", "Each partnership named on the report"]),
            f"/findings/{report.id}/attachments": ("Llwytho atodiad i fyny", ["Upload an attachment"]),
        })
    assert_pages_in_welsh(client, pages, all_found=True)


def test_a_plan_actions_panel_of_responses_is_in_welsh(seeded, client):
    from engage.sharing.models import FindingsReport, Response
    from engage.strategy.models import PlanAction

    response = db.session.scalar(select(Response).join(FindingsReport, FindingsReport.id == Response.report_id)
                                 .where(Response.state == "published", FindingsReport.state == "published",
                                        FindingsReport.visibility == "public").order_by(Response.id))
    action = db.session.scalar(select(PlanAction).order_by(PlanAction.id))
    response.link_kind, response.link_id = "plan-action", action.id
    db.session.commit()
    assert_pages_in_welsh(client, {f"/plan/actions/{action.id}": ("Beth ddywedodd partneriaethau y bydden nhw’n ei wneud", [
        "What partnerships said they would do", "These responses to findings reports point to this action",
        "In answer to", "the response of", "Last changed"])})


def test_the_statement_translation_and_background_work_pages_are_in_welsh(seeded, client, login):
    """The accessibility statement's form, a consultation page's translations (the overview, the
    Welsh texts) and the background work page."""
    from engage.consultations.models import Consultation

    login("officer")
    consultation = db.session.scalar(select(Consultation).where(Consultation.title.like("Cleaner streets and parks survey %"),
                                                                Consultation.is_demo.is_(True)))   # offered in Welsh
    base = f"/translate/consultation/{consultation.id}"
    assert_pages_in_welsh(client, {
        "/admin/accessibility-statement": ("Golygu’r datganiad hygyrchedd", [
            "Edit the accessibility statement", "Public Sector Bodies Accessibility Regulations", "See the statement as residents do",
            "Who the statement is from", "How far the site meets", "Partially compliant", "Content that is not accessible",
            "Working days to reply", "When the statement was prepared", "Save the statement", "Back to your account"]),
        base: ("Dim ond pan fydd pob testun wedi’i gyfieithu a’i gynnig", [
            "Residents see the consultation page in their language", ">Translated<", ">Missing<", ">Out of date<",
            "Residents see it", "Stop offering it in", "Back to the consultation page"]),
        f"{base}/cy": ("Dangos dim ond yr hyn sydd ar goll neu wedi dyddio", [
            "translated,", "Show only what is missing or out of date", "Save translations", "Back to translations",
            ">Title", "What it is for", "How to take part"]),
        "/admin/background-work": ("Gwaith cefndir", [
            "Background work", "one job at a time on a queue", "Running now", "Failed for good", "Jobs that failed for good",
            "Emails not sent", "Waiting to be sent", "Tried, not taken yet", "Being tried again"]),
    }, all_found=True)
