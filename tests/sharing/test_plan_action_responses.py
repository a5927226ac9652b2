"""A response's action linked to an implementation-plan action, seen from both sides: the plan
registers the "plan-action" link kind, and the action's page lists the responses that name it
(through the "plan.action" panel), with the same visibility as the sharing pages: the public
sees responses on public published reports only; never those on withdrawn reports."""
from __future__ import annotations

from datetime import date

import pytest
from engage.core.mail import path_for
from engage.core.registry import links
from engage.extensions import db
from engage.sharing import responses, services
from engage.strategy import plan as plan_services
from tests.sharing.support import answer, make_report, publish
from tests.strategy.support import plan as make_plan


def _respond(world, report, action, text):
    return answer(world["coordinator"], report, world["partnership"], report.recommendations[0],
                                   {"status": "planned", "action": text, "owner": "Street scene manager",
                                    "due_on": date(2030, 1, 1), "link": f"plan-action:{action.id}"})


@pytest.fixture
def linked(world, smtp):
    """Three reports whose responses name the same action: public, partners-only, and one
    published then withdrawn. {'action', 'other', 'public', 'partners', 'withdrawn'} (responses)."""
    actions = make_plan(world["users"]["officer"])
    action = actions["due_future"]
    out = {"action": action, "other": actions["undated"]}
    for key, title, visibility in (("public", "Litter findings", "public"), ("partners", "Partners-only litter findings", "partners"),
                                   ("withdrawn", "Withdrawn litter findings", "public")):
        report = publish(world, make_report(world, title=title, visibility=visibility))
        out[key] = _respond(world, report, action, f"Brand guidance written with residents ({key})")
        db.session.commit()
    services.transition(world["officer2"], out["withdrawn"].report, "withdraw", "Figures were wrong")
    db.session.commit()
    return out


def test_the_plan_offers_its_actions_as_a_link_kind(app, world, linked):
    kind = links.get("plan-action")
    action = linked["action"]
    assert (action.id, f"Branding: {action.activity}") in kind.choices(world["coordinator"])
    assert kind.resolve(action.id, None) == (action.activity, f"/plan/actions/{action.id}")
    assert kind.resolve(987654, None) is None
    assert responses.linked(linked["public"]) == (action.activity, f"/plan/actions/{action.id}")
    # The plan's own link form does not offer linking an action to another action.
    assert "plan-action" not in plan_services.link_choices(world["users"]["officer"])
    with pytest.raises(plan_services.RuleError):
        plan_services.add_link(world["users"]["officer"], action, "plan-action", linked["other"].id)


def test_linking_to_lists_only_what_each_reader_may_see(app, world, linked):
    action = linked["action"]
    ids = lambda user: [r.id for r in responses.linking_to(responses.PLAN_ACTION, action.id, user)]  # noqa: E731
    assert ids(None) == [linked["public"].id]
    for reader in (world["users"]["practitioner"], world["coordinator"], world["users"]["officer"]):
        assert set(ids(reader)) == {linked["public"].id, linked["partners"].id}
    assert responses.linking_to(responses.PLAN_ACTION, linked["other"].id, world["users"]["officer"]) == []
    # Unlinking the response takes it off the action.
    report = linked["public"].report
    answer(world["coordinator"], report, world["partnership"], report.recommendations[0],
                            {"status": "taken", "action": "Guidance published"})
    db.session.commit()
    assert ids(None) == []


def test_the_action_page_lists_linked_responses_the_reader_may_see(client, login, world, linked):
    action, public = linked["action"], linked["public"]
    login(None)
    html = client.get(f"/plan/actions/{action.id}").get_data(as_text=True)
    assert "What partnerships said they would do" in html
    assert "Brand guidance written with residents (public)" in html
    assert world["partnership"].name in html and "Action planned" in html
    assert f'href="{path_for("sharing.report", report_id=public.report_id)}#response-{public.id}"' in html
    assert "Litter findings" in html
    assert "(partners)" not in html and "(withdrawn)" not in html
    assert "Partners-only litter findings" not in html and "Withdrawn litter findings" not in html

    login("practitioner")
    html = client.get(f"/plan/actions/{action.id}").get_data(as_text=True)
    assert "Brand guidance written with residents (partners)" in html and "(withdrawn)" not in html

    other = client.get(f"/plan/actions/{linked['other'].id}").get_data(as_text=True)
    assert "What partnerships said they would do" not in other


def test_the_report_page_links_back_to_the_action(client, world, linked):
    public = linked["public"]
    html = client.get(path_for("sharing.report", report_id=public.report_id)).get_data(as_text=True)
    assert f'href="/plan/actions/{linked["action"].id}"' in html


def test_a_coordinator_links_a_response_to_an_action_through_the_form(client, login, world, smtp):
    action = make_plan(world["users"]["officer"])["due_future"]
    report = publish(world, make_report(world))
    rec, partnership = report.recommendations[0], world["partnership"]
    url = f"/findings/{report.id}/respond/{partnership.id}/{rec.id}"
    login("coordinator")
    form = client.get(url).get_data(as_text=True)
    assert "Link to the implementation plan" in form and f'value="plan-action:{action.id}"' in form
    assert client.post(url, data={"status": "planned", "action": "Guidance with residents", "owner": "Team",
                                  "link": f"plan-action:{action.id}"}).status_code == 302
    login(None)
    assert "Guidance with residents" not in client.get(f"/plan/actions/{action.id}").get_data(as_text=True)   # a draft
    login("coordinator")
    draft = report.all_responses[0]
    assert client.post(f"/findings/{report.id}/responses/{draft.id}/publish", data={}).status_code == 302
    login(None)
    html = client.get(f"/plan/actions/{action.id}").get_data(as_text=True)
    assert "Guidance with residents" in html
