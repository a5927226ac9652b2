"""The forward plan (calendar and list, filters by area with the areas inside it and by
audience, visibility) and consultation activity by ward (per 1,000 residents, shared by
population for towns and the borough, priority wards marked)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import g

from engage.consultations import importing, planning
from engage.extensions import db
from tests.consultations.results_support import TIDY_HEADER, csv_bytes, make_consultation, places  # noqa: F401


def _as(login, role):
    client = login(role)
    g.pop("_login_user", None)
    return client


@pytest.fixture
def other_org(app, org):
    from engage.partnership.models import Organisation

    return db.session.scalar(db.select(Organisation).where(Organisation.name == "Other Trust"))


@pytest.fixture
def plan_data(org, other_org, places):
    today = date.today()
    soon = today + timedelta(days=10)
    return {
        "planned": make_consultation(org, title="Village hall plans", planned=True, start=soon, close=soon + timedelta(days=20),
                                     areas=[places["village"]], audiences=["residents"], published=False),
        "open": make_consultation(org, title="Youth survey", start=today - timedelta(days=5), close=today + timedelta(days=25),
                                  areas=[places["Bridge"]], audiences=["young-people"], published=False),
        "closed": make_consultation(org, title="Old survey", start=today - timedelta(days=90), close=today - timedelta(days=60),
                                    areas=[places["Castle"]], published=False),
        "undated": make_consultation(org, title="Someday forum", planned=True, start=None, close=None, published=False),
        "private": make_consultation(other_org, title="Trust staff survey", planned=True, start=soon, close=soon + timedelta(days=5),
                                     areas=[places["Mill"]], visibility="organisation", published=False),
        "partners": make_consultation(org, title="Partners workshop", planned=True, start=soon, close=soon + timedelta(days=1),
                                      areas=[places["Park"]], visibility="partners", published=False),
    }


def _titles(html: str) -> set[str]:
    listing = html.split('id="list"')[1]
    return set(re.findall(r'<a class="govuk-link" href="/consultations/\d+">([^<]+)</a>', listing))


def test_forward_plan_lists_planned_and_open_only(client, plan_data):
    response = client.get("/consultations/forward-plan")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("<h1") == 1
    assert _titles(html) == {"Village hall plans", "Youth survey", "Someday forum"}
    assert "1 planned consultation has no start date yet" in html


def test_forward_plan_respects_visibility(login, plan_data, users):
    titles = _titles(_as(login, "practitioner").get("/consultations/forward-plan").get_data(as_text=True))
    assert "Partners workshop" in titles and "Trust staff survey" not in titles
    titles = _titles(_as(login, "officer").get("/consultations/forward-plan").get_data(as_text=True))
    assert {"Partners workshop", "Trust staff survey"} <= titles
    assert "Trust staff survey" not in _titles(_as(login, None).get("/consultations/forward-plan").get_data(as_text=True))


def test_forward_plan_area_filter_includes_sub_areas(client, plan_data, places):
    html = client.get(f"/consultations/forward-plan?area={places['north'].id}").get_data(as_text=True)
    assert _titles(html) == {"Village hall plans"}  # tagged with a neighbourhood inside Castle, inside Northtown
    html = client.get(f"/consultations/forward-plan?area={places['south'].id}").get_data(as_text=True)
    assert _titles(html) == {"Youth survey"}
    html = client.get(f"/consultations/forward-plan?area={places['borough'].id}").get_data(as_text=True)
    assert _titles(html) == {"Village hall plans", "Youth survey"}
    assert "Clear filters" in html


def test_forward_plan_audience_filter(client, plan_data):
    html = client.get("/consultations/forward-plan?audience=young-people").get_data(as_text=True)
    assert _titles(html) == {"Youth survey"}
    assert re.search(r'<option value="young-people" selected', html)
    html = client.get("/consultations/forward-plan?audience=not-an-audience").get_data(as_text=True)
    assert "Youth survey" in _titles(html) and "Village hall plans" in _titles(html)  # ignored, never a 500


def test_calendar_shows_openings_and_closings_on_their_days(client, plan_data):
    planned = plan_data["planned"]
    start = planned.planned_start
    html = client.get(f"/consultations/forward-plan?month={start:%Y-%m}").get_data(as_text=True)
    assert f'<h2 class="govuk-heading-l" id="calendar">{start:%B %Y}</h2>' in html
    cells = re.findall(r'<td class="govuk-table__cell engage-calendar__day[^"]*">(.*?)</td>', html, re.S)
    day_cell = next(c for c in cells if re.search(rf'engage-calendar__date">{start.day}<span class="govuk-visually-hidden"> {start:%B}<', c)
                    and "engage-calendar__day--other" not in c)
    assert "Opens: <a" in day_cell and "Village hall plans" in day_cell
    assert len(cells) % 7 == 0
    following = planning.shift_month(start.replace(day=1), 1)
    assert f"month={following:%Y-%m}" in html


@pytest.mark.parametrize("month", ["2026-13", "nonsense", "99999-01", "2026-1-1", ""])
def test_calendar_month_is_never_a_500(client, month):
    response = client.get(f"/consultations/forward-plan?month={month}")
    assert response.status_code == 200
    assert f"{date.today():%B %Y}" in response.get_data(as_text=True)


def test_month_helpers():
    assert planning.parse_month("2025-02", date(2026, 1, 5)) == date(2025, 2, 1)
    assert planning.shift_month(date(2025, 12, 1), 1) == date(2026, 1, 1)
    assert planning.shift_month(date(2025, 1, 1), -1) == date(2024, 12, 1)


# ---- activity by ward ------------------------------------------------------------------------

@pytest.fixture
def activity_data(org, other_org, places):
    today = date.today()
    recent = dict(start=today - timedelta(days=100), close=today - timedelta(days=70))
    return {
        "ward": make_consultation(org, title="Castle estate walkabout", areas=[places["Castle"]], responses=50, **recent),
        "borough": make_consultation(org, title="Borough survey", areas=[places["borough"]], responses=2000, **recent),
        "town": make_consultation(org, title="Northtown forum", areas=[places["north"]], responses=600,
                                  start=today - timedelta(days=30), close=None),
        "old": make_consultation(org, title="Old consultation", areas=[places["Park"]], responses=900,
                                 start=today - timedelta(days=800), close=today - timedelta(days=400)),
        "future": make_consultation(org, title="Future", areas=[places["Park"]], responses=900, planned=True,
                                    start=today + timedelta(days=5), close=today + timedelta(days=50)),
        "private": make_consultation(other_org, title="Trust internal", areas=[places["Bridge"]], responses=300,
                                     visibility="organisation", **recent),
        "nowhere": make_consultation(org, title="No area given", areas=[], responses=10, **recent),
    }


def test_ward_activity_shares_towns_and_borough_by_population(app, activity_data, users):
    report = planning.ward_activity(None)
    wards = {w.name: w for w in report.wards}
    castle, mill, bridge, park = (wards[n] for n in ("Castle", "Mill", "Bridge", "Park"))
    # Castle: the walkabout (all of it), a quarter of the borough survey, 5/12 of the Northtown forum.
    assert castle.reaching == 3 and mill.reaching == 2 and bridge.reaching == 1 and park.reaching == 1
    assert castle.share == pytest.approx(1 + 0.25 + 5 / 12)
    assert castle.consultations_per_1000 == pytest.approx(1000 * (1 + 0.25 + 5 / 12) / 5000)
    assert castle.responses == pytest.approx(50 + 500 + 250) and castle.responses_per_1000 == pytest.approx(160.0)
    assert mill.responses_per_1000 == pytest.approx((700 + 350) / 7)
    assert bridge.responses == pytest.approx(300) and park.responses == pytest.approx(500)  # borough share only
    # A borough-wide survey adds the same per 1,000 residents everywhere.
    assert bridge.consultations_per_1000 == pytest.approx(park.consultations_per_1000) == pytest.approx(1000 / 20000)
    assert castle.priority and bridge.priority and not mill.priority
    assert [c.title for c in report.no_area] == ["No area given"]
    assert {c.title for c in report.counted} == {"Castle estate walkabout", "Borough survey", "Northtown forum"}


def test_ward_activity_respects_visibility(app, activity_data, users):
    bridge = {w.name: w for w in planning.ward_activity(users["officer"]).wards}["Bridge"]
    assert bridge.reaching == 2 and bridge.responses == pytest.approx(300 + 300)


def test_ward_activity_uses_ward_figures_from_results(app, org, places, users):
    c = make_consultation(org, title="Survey with ward results", areas=[places["borough"]], responses=1000)
    rows = [TIDY_HEADER, ["Q", "Yes", "Castle", 10, 30], ["Q", "No", "Castle", 20, 30], ["Q", "Yes", "Mill", 3, 4]]
    importing.import_results(users["practitioner"], c, "r.csv", csv_bytes(rows), fmt="tidy")
    db.session.commit()
    wards = {w.name: w for w in planning.ward_activity(None).wards}
    assert wards["Castle"].responses == 30 and wards["Mill"].responses == 4 and wards["Park"].responses == 0
    assert wards["Castle"].from_results
    assert wards["Park"].share == pytest.approx(0.25)  # the consultation still covered Park


def test_ward_figures_from_unpublished_results_are_for_editors_only(app, org, places, users):
    c = make_consultation(org, title="Survey not yet reported", areas=[places["borough"]], responses=1000, published=False)
    rows = [TIDY_HEADER, ["Q", "Yes", "Castle", 10, 30], ["Q", "No", "Castle", 20, 30]]
    importing.import_results(users["practitioner"], c, "r.csv", csv_bytes(rows), fmt="tidy")
    db.session.commit()
    public = {w.name: w for w in planning.ward_activity(None).wards}["Castle"]
    assert not public.from_results and public.responses == pytest.approx(250)  # its population share of 1,000
    editor = {w.name: w for w in planning.ward_activity(users["practitioner"]).wards}["Castle"]
    assert editor.from_results and editor.responses == 30


def test_activity_page_table_and_chart_mark_priority_wards(client, activity_data, places):
    response = client.get("/consultations/activity")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("<h1") == 1
    table = html.split('id="activity-table"')[1].split("</table>")[0]
    castle = re.search(r"<tr class=\"govuk-table__row engage-row--priority\">\s*<th scope=\"row\" class=\"govuk-table__header\">Castle(.*?)</tr>", table, re.S).group(1)
    assert "Priority ward" in castle and ">3<" in castle and ">0.33<" in castle and ">800<" in castle and ">160.0<" in castle
    mill = re.search(r'<th scope="row" class="govuk-table__header">Mill(.*?)</tr>', table, re.S).group(1)
    assert "Priority ward" not in mill and ">150.0<" in mill
    charts = re.findall(r'<div class="engage-chart".*?<p class="engage-chart__axis">', html, re.S)
    assert len(charts) == 2 and all('role="img"' in s for s in charts)
    responses_chart = next(s for s in charts if "Responses per 1,000 residents by ward" in s)
    assert "Castle (priority ward)" in responses_chart and 'class="bar--priority"' in responses_chart
    assert ">160.0</span>" in responses_chart
    assert "No area given" in html and "not counted" in html
    assert "Trust internal" not in html


def test_activity_filters_and_order(client, activity_data, places):
    html = client.get(f"/consultations/activity?area={places['south'].id}").get_data(as_text=True)
    table = html.split('id="activity-table"')[1]
    assert "Bridge" in table and "Park" in table and "Castle" not in table and "Mill" not in table
    html = client.get("/consultations/activity?order=responses").get_data(as_text=True)
    names = re.findall(r'<th scope="row" class="govuk-table__header">(\w+)', html.split('id="activity-table"')[1])
    assert names[:2] == ["Castle", "Mill"]
    for area in ("abc", "²", "99999999999"):
        assert client.get(f"/consultations/activity?order=x&area={area}").status_code == 200
        assert client.get(f"/consultations/forward-plan?area={area}").status_code == 200


def test_activity_chart_and_table_agree_and_unknown_responses_say_so(client, org, places):
    """The consultations chart shows the table's "Consultations reaching the ward", and a ward
    whose consultations have no number of responses shows "not known", not 0.0."""
    today = date.today()
    make_consultation(org, title="Castle walkabout", areas=[places["Castle"]], responses=None,
                      start=today - timedelta(days=20), close=today - timedelta(days=5))
    make_consultation(org, title="Borough survey", areas=[places["borough"]], responses=None,
                      start=today - timedelta(days=20), close=today - timedelta(days=5))
    html = client.get("/consultations/activity").get_data(as_text=True)
    charts = re.findall(r'<div class="engage-chart".*?<p class="engage-chart__axis">', html, re.S)
    chart = dict(re.findall(r'engage-chart__label">([^<(]+?)(?: \(priority ward\))?</div>.*?engage-chart__value">([^<]+)</span>', charts[0], re.S))
    table = html.split('id="activity-table"')[1].split("</table>")[0]
    reaching = {}
    for name, row in re.findall(r'<th scope="row" class="govuk-table__header">([^<]+?)\s*(?:<strong[^>]*>[^<]*</strong>)?</th>(.*?)</tr>', table, re.S):
        cells = re.findall(r'govuk-table__cell--numeric">([^<]+)</td>', row)
        reaching[name.strip()] = cells[1]
    assert chart and chart == reaching
    assert chart["Castle"] == "2" and chart["Bridge"] == "1"
    # "Consultations reaching each ward", not a fraction per 1,000 residents.
    assert "Consultations reaching each ward" in charts[0] and "0.0" not in charts[0]
    responses = charts[1]
    assert "not known" in responses and ">0.0<" not in responses
    assert ">Not known<" in table and ">0<" not in table.split("Castle", 1)[1].split("</tr>")[0]
