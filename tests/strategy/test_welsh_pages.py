"""The strategy's own public pages read in Welsh (issue 23): versions, compare, what partners
said and what we did, commenting, the board reports, an action, the Network Group and a member;
and the partnership's indicator and places pages they link to.

Each page is first read in English (so each English phrase listed is known to be on it), then
with the Welsh cookie: lang="cy", the Welsh phrase there and none of the English left.
"""
from __future__ import annotations

from sqlalchemy import func, select

from engage.extensions import db
from tests.i18n_support import assert_pages_in_welsh


def _demo_pages() -> dict:
    from engage.partnership.models import Indicator
    from engage.strategy import board_report
    from engage.strategy.models import NetworkMember, PlanAction, ActionProgress, StrategyVersion

    ids = dict(db.session.execute(select(StrategyVersion.state, StrategyVersion.id)).all())
    adopted, open_version = ids["adopted"], db.session.get(StrategyVersion, ids["consultation"])
    section = open_version.sections[0]
    year, quarter = board_report.available()[0]
    action = db.session.scalar(select(PlanAction.id).join(ActionProgress).group_by(PlanAction.id)
                               .order_by(func.count(ActionProgress.id).desc()))
    member = db.session.scalar(select(NetworkMember.id).order_by(NetworkMember.id))
    indicator = db.session.scalar(select(Indicator.id).where(Indicator.monitoring_level.is_not(None)).order_by(Indicator.id))
    return {
        "/strategy/versions": ("Fersiynau o’r strategaeth", [
            "Versions of the strategy", "Back to the strategy", ">State<", ">Dates<", "Compare two versions",
            "Older version", "Newer version", ">Compare<", "(version 1)", "Version 1: ", "Adopted "]),
        f"/strategy/compare?from={adopted}&to={adopted}": ("Cymharu fersiynau", [
            "Compare versions", "All versions", "compared with version", "sections differ", "Added words are",
            "No change", "This section is the same in both versions"]),
        f"/strategy/versions/{adopted}/responses": ("Beth ddywedoch chi a beth wnaethom ni", [
            "What you said and what we did", "Every comment made while", "Back to version", ", version 1",
            " said<", ">Changed<", "About: "]),
        f"/strategy/versions/{open_version.id}/sections/{section.id}/comment": ("Rhoi sylwadau ar", [
            "Comment on ", "The section", "Comments close on", "We show your organisation", "The words you are commenting on",
            "Your comment", "Your name", "Your email address", "We email you when", "Send comment"]),
        "/plan/reports": ("Adroddiadau i’r bwrdd", [
            "Each quarter's progress report", "Word document", ">Quarter "]),
        f"/plan/reports/{year}/q{quarter}": ("Cynnydd y rhaglen waith", [
            "Central partnership activity", "Progress and spend for", "Download as a Word document",
            "Spend against budget", "Work programme progress", "Actions at the end of the quarter", ">Activity<",
            ">Timescale<", ">Progress<", "All board reports"]),
        f"/plan/actions/{action}": ("Yn ôl i’r cynllun", [
            "Back to the plan", ">Purpose<", ">Lead organisation<", ">Lead officer<", ">Serves<", ">Timescale<",
            ">Progress<"]),
        "/network": ("Dod o hyd i aelodau", [
            "Practitioners who run engagement", "to join, or to see how to reach members", "Has used the method",
            "Any method", "Knows how to reach", "Knows the area", "Find members", " members<", "Coming up", "All events"]),
        f"/network/members/{member}": ("Aelod o’r Grŵp Rhwydwaith", [
            "Network Group member", ">Organisation<", "Methods used", "Knows how to reach", ">Areas<",
            "How to reach them", "to see how to reach members"]),
        f"/strategy/indicators/{indicator}": ("Darlleniadau dros amser", [
            "Back to outcomes and indicators", "Status:", "Better when", ">Baseline<", ">Target<", "Monitoring level",
            "the partners act", ">Lead<", "How this target is monitored", "Readings over time", ">Value<", ">Date<"]),
        "/places": ("Y lleoedd y mae’r bartneriaeth yn eu gwasanaethu", [
            "Places the partnership serves", "Priority wards", "are the places where", "Get emails about news near you",
            "Use your postcode", " people", "– town", "Priority ward<", "Get emails<"]),
    }


def test_the_strategy_pages_residents_read_are_in_welsh(seeded, client):
    assert_pages_in_welsh(client, _demo_pages(), all_found=True)


def test_joining_the_network_group_and_the_officers_pages_are_in_welsh(seeded, client, login, users):
    from engage.strategy.models import BudgetLine, PlanAction, PlanTheme

    login("vcs")
    assert_pages_in_welsh(client, {"/network/join": ("Ymuno â’r Grŵp Rhwydwaith", [
        "Join the Network Group", "are shown to everyone", "You can leave at any time", "The Network Group",
        "Job title", "What you can help with", "Methods you have used", "People you know how to reach", "Save my entry"])},
        all_found=True)
    login("officer")
    action = db.session.scalar(select(PlanAction.id).order_by(PlanAction.id))
    theme = db.session.scalar(select(PlanTheme.id).order_by(PlanTheme.id))
    line = db.session.scalar(select(BudgetLine.id).order_by(BudgetLine.id))
    assert_pages_in_welsh(client, {
        "/admin/strategy": ("Dechrau strategaeth newydd", [
            "Manage the strategy", "Manage the implementation plan and budget", "Start a new strategy", ">Comments<"]),
        "/admin/plan": ("Rheoli’r cynllun gweithredu", [
            "Manage the implementation plan", "Add a theme", "Add a budget line", " actions)", ">Budgets<"]),
        f"/admin/plan/themes/{theme}": ("Thema’r cynllun", ["Plan theme", ">Back<", ">Delete<"]),
        f"/admin/plan/actions/{action}/delete": ("Dileu’r cam gweithredu", [
            "Delete the action", "You cannot undo this", "No, go back", "Yes, delete it"]),
        f"/admin/plan/budget/{line}": ("Ffigurau pob chwarter", [
            "Back to the budget", "Budget line, ", "Figures each quarter", "Enter or correct a quarter"]),
    }, all_found=True)
    from engage.strategy.models import StrategyVersion

    ids = dict(db.session.execute(select(StrategyVersion.state, StrategyVersion.id)).all())
    login("officer")
    assert_pages_in_welsh(client, {
        f"/admin/strategy/versions/{ids['draft']}": ("Mae angen dyddiad cau ar gyfer sylwadau", [
            "Manage version", "See this version as partners see it",
            "Sending it out needs a closing date", ">Sections<", " comments)", "Add a section", "Move down"]),
        f"/admin/strategy/versions/{ids['adopted']}/comments": ("Sylwadau ac ymatebion", [
            "Comments and responses", "comments have a response", "see them as the public does",
            "Download the comments as a spreadsheet", "Mark as spam", ">Changed<"]),
    }, all_found=True)
    # Sending a draft out asks first, in whole Welsh sentences (the count and date included).
    from tests.strategy.support import strategy

    ready = strategy(users["officer"], title="A strategy ready to send out")   # sections and a closing date
    asked = client.post(f"/admin/strategy/versions/{ready.id}/transition", data={"action": "open_comment"}).get_data(as_text=True)
    assert '<html lang="cy"' in asked and "Byddwn yn anfon e-bost at" in asked and "ac anfon e-bost at bawb?" in asked
    assert "We will email" not in asked and "email everyone?" not in asked and "No, go back" not in asked
