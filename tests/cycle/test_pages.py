"""The annual cycle's pages over HTTP: the public calendar (what is due, done and late, who
sends it, what goes to the Board), the officers' template and year set-up, and a plan's page
driving the challenge flow with its forms (errors next to the field, 409 for a stale move)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engage.cycle.models import CycleStep, CycleYear, DraftPlan
from engage.extensions import db
from tests.cycle.support import cycle_2006, plan_with_actions, template, world


def test_the_public_calendar_shows_each_step_with_its_status(app, client, users):
    cycle, made = cycle_2006(users)
    step = next(s for s in cycle.steps if s.title == "Mid-year update" and s.partnership_id == made["ours"].id)
    step.done_on = date(2006, 11, 28)
    db.session.commit()
    html = client.get("/cycle/2006").get_data(as_text=True)
    assert "Planning cycle 2006/07" in html
    for words in ("Annual review", "Draft action plans", "Quarter 3 update", "Year-end update", "The Partnership Team",
                  "Exception or summary report to the Board", "1 February 2007 to 31 March 2007"):
        assert words in html, words
    row = html[html.index(f'id="step-{step.id}"'):]
    row = row[:row.index("</tr>")]
    assert "Done" in row and "28 November 2006" in row
    assert "1 done, 10 late" in " ".join(html.split())
    assert "Mark done" not in html                    # a resident sees no buttons
    assert client.get("/cycle/2030").status_code == 404
    assert client.get("/cycle/abc").status_code == 404


def test_officers_set_up_a_year_and_edit_the_template(app, client, login, users):
    template()
    world(users)
    login("officer")
    bad = client.post("/cycle/new", data={"year": "20x6"})
    assert bad.status_code == 400 and "There is a problem" in bad.get_data(as_text=True)
    assert client.post("/cycle/new", data={"year": "2006"}).status_code == 302
    assert db.session.scalar(select(CycleYear)).year == 2006
    again = client.post("/cycle/new", data={"year": "2006"})
    assert again.status_code == 400 and "already set up" in again.get_data(as_text=True)
    page = client.get("/cycle/template").get_data(as_text=True)
    assert "Draft action plans" in page and "1 August to 31 October" in page
    response = client.post("/cycle/template/new", data={"title": "Board away day", "opens_month": "6", "opens_day": "1",
                                                        "due_month": "6", "due_day": "40", "submitter": "team"})
    assert response.status_code == 400 and "Enter a day from 1 to 31" in response.get_data(as_text=True)


def test_a_coordinator_marks_their_step_done_on_the_calendar(app, client, login, users):
    cycle, made = cycle_2006(users)
    ours = next(s for s in cycle.steps if s.title == "Mid-year update" and s.partnership_id == made["ours"].id)
    theirs = next(s for s in cycle.steps if s.title == "Mid-year update" and s.partnership_id == made["theirs"].id)
    login("coordinator")
    html = client.get("/cycle/2006").get_data(as_text=True)
    assert f'/cycle/steps/{ours.id}/done' in html and f'/cycle/steps/{theirs.id}/done' not in html
    assert client.post(f"/cycle/steps/{theirs.id}/done").status_code == 403
    assert client.post(f"/cycle/steps/{ours.id}/done", data={"note": "Sent"}).status_code == 302
    assert db.session.get(CycleStep, ours.id).done_on == date.today()
    assert client.post(f"/cycle/steps/{ours.id}/done").status_code == 409   # already done


def test_the_plan_page_drives_the_challenge_flow(app, client, login, users):
    cycle, made = cycle_2006(users)
    login("coordinator")
    assert client.post("/cycle/2006/plans", data={"partnership": str(made["theirs"].id)}).status_code == 400
    assert client.post("/cycle/2006/plans", data={"partnership": str(made["ours"].id)}).status_code == 302
    plan = db.session.scalar(select(DraftPlan))
    missing = client.post(f"/cycle/plans/{plan.id}/actions", data={"activity": "Street clean-ups", "outcome_id": "",
                                                                   "lead_organisation_id": "", "due_on": ["31", "3", "2007"]})
    assert missing.status_code == 400 and "Street clean-ups" in missing.get_data(as_text=True)
    assert client.post(f"/cycle/plans/{plan.id}/actions", data={
        "activity": "Street clean-ups", "outcome_id": str(made["outcome"].id), "lead_organisation_id": str(users["officer"].organisation_id),
        "due_on": ["31", "3", "2007"], "funding": "£5,000"}).status_code == 302
    page = client.get(f"/cycle/plans/{plan.id}").get_data(as_text=True)
    assert "Street clean-ups" in page and "Send the draft plan to the PSG" in page and "What happens next" in page
    assert client.post(f"/cycle/plans/{plan.id}/move/submit").status_code == 302
    assert client.post(f"/cycle/plans/{plan.id}/move/submit").status_code == 409         # already sent
    action = db.session.get(DraftPlan, plan.id).actions[0]
    assert client.post(f"/cycle/plans/{plan.id}/actions/{action.id}/decision", data={f"d{action.id}-decision": "accepted"}).status_code == 403
    login("officer")
    no_reason = client.post(f"/cycle/plans/{plan.id}/actions/{action.id}/decision", data={f"d{action.id}-decision": "challenged"})
    assert no_reason.status_code == 400 and "Say why the PSG challenges this action" in no_reason.get_data(as_text=True)
    assert client.post(f"/cycle/plans/{plan.id}/actions/{action.id}/decision",
                       data={f"d{action.id}-decision": "challenged", f"d{action.id}-reason": "Which streets?"}).status_code == 302
    assert client.post(f"/cycle/plans/{plan.id}/move/return").status_code == 302
    login("coordinator")
    assert client.post(f"/cycle/plans/{plan.id}/actions/{action.id}/reply", data={f"r{action.id}-reply": "Castlefields first."}).status_code == 302
    assert client.post(f"/cycle/plans/{plan.id}/move/submit_final").status_code == 302
    login("officer")
    refused = client.post(f"/cycle/plans/{plan.id}/move/adopt")
    assert refused.status_code == 400 and "Every action must be accepted" in refused.get_data(as_text=True)
    client.post(f"/cycle/plans/{plan.id}/actions/{action.id}/decision", data={f"d{action.id}-decision": "accepted"})
    assert client.post(f"/cycle/plans/{plan.id}/move/adopt").status_code == 302
    page = client.get(f"/cycle/plans/{plan.id}").get_data(as_text=True)
    assert "Adopted" in page and "Which streets?" in page and "Castlefields first." in page and "/plan/actions/" in page
    assert client.post(f"/cycle/plans/{plan.id}/move/fly").status_code == 404


def test_partners_only_see_the_plans(app, client, login, users):
    cycle, made = cycle_2006(users)
    plan = plan_with_actions(users, cycle, made, n=1)
    login(None)
    assert "/sign-in" in client.get(f"/cycle/plans/{plan.id}").headers["Location"]
    login("vcs")
    assert client.get(f"/cycle/plans/{plan.id}").status_code == 403
    login("practitioner")
    page = client.get(f"/cycle/plans/{plan.id}")
    assert page.status_code == 200 and "Action 1" in page.get_data(as_text=True)
    assert "Send the draft plan to the PSG</button>" not in page.get_data(as_text=True)
