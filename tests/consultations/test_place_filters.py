"""The one place rule wherever a place filters (issue 13, "What covers my place"): work in the
place, inside it, and in the places it sits inside, with the wider ones labelled; and the
postcode box that finds the ward. Uses the Halton demo, where Palace Fields is a
neighbourhood inside Castlefields ward, inside Runcorn, inside Halton."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.consultations.models import Consultation
from engage.extensions import db
from engage.partnership.models import Area


def _area(name: str) -> Area:
    return db.session.scalar(select(Area).where(Area.name == name))


def _titles(html: str) -> set[str]:
    return set(re.findall(r'href="/consultations/\d+">([^<]+)</a>', html))


@pytest.fixture
def halton(seeded):
    return {name: _area(name) for name in ("Halton", "Runcorn", "Widnes", "Castlefields", "Palace Fields", "Riverside")}


WALKABOUTS = "Castlefields neighbourhood walkabouts"
ENVIRONMENT = "Environment survey 2005: what would improve your area?"
CLEANER = f"Cleaner streets and parks survey {date.today().year}"


def test_finder_by_a_neighbourhood_finds_the_ward_and_borough_work_labelled(client, halton):
    html = client.get("/consultations", query_string={"area": halton["Palace Fields"].id}).get_data(as_text=True)
    titles = _titles(html)
    # Palace Fields is inside Castlefields: the walkabouts there and the borough-wide surveys reach it.
    assert WALKABOUTS in titles and ENVIRONMENT.replace("'", "&#39;") in titles
    assert "Covers all of Castlefields" in html and "Covers all of Halton" in html
    assert "Showing work in Palace Fields, and work that covers all of Castlefields or all of Runcorn or all of Halton." in html


def test_finder_by_a_ward_keeps_borough_wide_work_and_drops_other_places(client, halton):
    html = client.get("/consultations", query_string={"area": halton["Castlefields"].id}).get_data(as_text=True)
    titles = _titles(html)
    assert ENVIRONMENT in {t.replace("&#39;", "'") for t in titles} and WALKABOUTS in titles
    html = client.get("/consultations", query_string={"area": halton["Widnes"].id}).get_data(as_text=True)
    assert WALKABOUTS not in _titles(html)  # a Runcorn ward: not in Widnes, not around it


def test_have_your_say_filters_by_area_and_by_postcode(client, halton):
    everything = _titles(client.get("/have-your-say").get_data(as_text=True))
    assert WALKABOUTS in everything and CLEANER in everything
    by_area = client.get("/have-your-say", query_string={"area": halton["Widnes"].id})
    assert by_area.status_code == 200
    html = by_area.get_data(as_text=True)
    assert WALKABOUTS not in _titles(html) and CLEANER in _titles(html) and "Covers all of Halton" in html
    # The demo postcode WA7 2HA is in Castlefields.
    by_postcode = client.get("/have-your-say", query_string={"postcode": "wa72ha"})
    html = by_postcode.get_data(as_text=True)
    assert by_postcode.status_code == 200
    assert "WA7 2HA is in Castlefields ward (Runcorn, Halton)." in html and "Demo data" in html
    assert WALKABOUTS in _titles(html) and CLEANER in _titles(html)
    assert f'<option value="{halton["Castlefields"].id}" selected>' in html  # the list shows the ward found


@pytest.mark.parametrize("typed,message", [
    ("WA7", "Enter the full postcode, like WA7 2HA: WA7 alone covers more than one ward"),
    ("not a postcode!", "Enter a real postcode, like WA7 2HA, using only letters and numbers"),
    ("WA7 2Z", "Enter a real postcode, like WA7 2HA"),
    ("WA7 9ZZ", "Engage does not know the postcode WA7 9ZZ. Check it is right, or choose your area from the list."),
])
def test_postcode_box_says_plainly_what_is_wrong(client, halton, typed, message):
    for path in ("/have-your-say", "/consultations", "/consultations/forward-plan", "/consultations/activity"):
        response = client.get(path, query_string={"postcode": typed})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert message in html, path
        assert 'href="#postcode"' in html and 'id="postcode-error"' in html, path  # error summary links to the box
        assert "<title>Error:" in html, path


def test_forward_plan_for_a_ward_shows_borough_wide_plans(client, halton):
    html = client.get("/consultations/forward-plan", query_string={"area": halton["Riverside"].id}).get_data(as_text=True)
    # The young people's survey (planned, borough-wide) and the cleaner streets survey (open, borough-wide) reach Riverside.
    assert "Young people&#39;s health and wellbeing survey" in html and CLEANER in html
    assert "Covers all of Halton" in html
    assert WALKABOUTS not in html


def test_activity_for_a_neighbourhood_shows_its_ward_and_what_reached_it(client, halton):
    html = client.get("/consultations/activity", query_string={"area": halton["Palace Fields"].id}).get_data(as_text=True)
    table = html[html.index('id="activity-table"'):]
    assert ">Castlefields" in table and ">Riverside" not in table
    reached = html[html.index('id="in-place"'):html.index('id="in-place"') + 4000]
    assert WALKABOUTS in reached and "Covers all of Halton" in reached
    town = client.get("/consultations/activity", query_string={"area": halton["Widnes"].id}).get_data(as_text=True)
    table = town[town.index('id="activity-table"'):]
    assert ">Riverside" in table and ">Castlefields" not in table


def test_api_area_follows_the_place_rule_and_takes_a_postcode(client, halton):
    body = client.get("/api/v1/consultations", query_string={"area": halton["Palace Fields"].id}).get_json()
    by_title = {c["title"]: c for c in body["consultations"]}
    assert body["place"]["name"] == "Palace Fields"
    assert by_title[WALKABOUTS]["covers"] == "Covers all of Castlefields"
    assert by_title[ENVIRONMENT]["covers"] == "Covers all of Halton"
    body = client.get("/api/v1/consultations", query_string={"postcode": "WA7 2HA"}).get_json()
    assert body["place"]["name"] == "Castlefields" and WALKABOUTS in {c["title"] for c in body["consultations"]}
    bad = client.get("/api/v1/consultations", query_string={"postcode": "WA7"})
    assert bad.status_code == 400 and "Enter the full postcode" in bad.get_json()["error"]["message"]
    both = client.get("/api/v1/consultations", query_string={"postcode": "WA7 2HA", "area": halton["Halton"].id})
    assert both.status_code == 400
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"] for p in spec["paths"]["/consultations"]["get"]["parameters"]}
    assert {"area", "postcode"} <= params


def test_an_area_that_no_longer_exists_matches_nothing(client, halton):
    html = client.get("/consultations", query_string={"area": 2**31 - 1}).get_data(as_text=True)
    assert "0 consultations" in html


def test_the_rule_lives_in_one_place(app, halton):
    """Unit check of the rule the pages use."""
    from engage.partnership.services import place_scope

    scope = place_scope(halton["Palace Fields"].id)
    assert scope.inside_ids == {halton["Palace Fields"].id}
    assert [w.name for w in scope.wider] == ["Castlefields", "Runcorn", "Halton"]
    assert scope.label_for([halton["Halton"].id]) == "Covers all of Halton"
    assert scope.label_for([halton["Halton"].id, halton["Runcorn"].id]) == "Covers all of Runcorn"  # the nearest
    assert scope.label_for([halton["Palace Fields"].id, halton["Halton"].id]) is None  # in the place itself
    assert not scope.matches([halton["Riverside"].id, halton["Widnes"].id])
    runcorn = place_scope(halton["Runcorn"].id)
    assert halton["Palace Fields"].id in runcorn.inside_ids and halton["Riverside"].id not in runcorn.ids
    assert place_scope(2**31 - 1) is None and place_scope("12") is None
