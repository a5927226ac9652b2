"""Forms never lose an answer (issue 13): every reference-data form, posted with every field
filled and one problem, shows every value again (tests/forms_support.py)."""
from __future__ import annotations

from datetime import date

import pytest

from engage.extensions import db
from engage.partnership.models import Area, Framework, Indicator, Outcome, Partnership, Priority
from tests.forms_support import values_kept


@pytest.fixture
def tree(app, org):
    borough = Area(name="Testborough", level="borough")
    db.session.add(borough)
    db.session.flush()
    town = Area(name="Northtown", level="town", parent_id=borough.id)
    strategic = Partnership(name="Test Partnership", kind="strategic")
    framework = Framework(name="Strategy 2006", starts_on=date(2006, 4, 1))
    db.session.add_all([town, strategic, framework])
    db.session.flush()
    priority = Priority(framework_id=framework.id, name="A Safer Borough", position=1)
    db.session.add(priority)
    db.session.flush()
    outcome = Outcome(priority_id=priority.id, code="SB1", title="Cleaner streets")
    db.session.add(outcome)
    db.session.flush()
    indicator = Indicator(outcome_id=outcome.id, name="Clean streets", direction="higher")
    db.session.add(indicator)
    db.session.commit()
    return {"borough": borough, "town": town, "strategic": strategic, "framework": framework, "priority": priority,
            "outcome": outcome, "indicator": indicator, "org": org}


def _cases(t):
    """(entity, every field filled with one problem named in the comment)."""
    return [
        ("organisations", {"name": "Youth Forum", "kind": "vcs", "website": "not a web address", "description": "Young people's voice."}),
        ("partnerships", {"name": "", "short_name": "Safer SSP", "kind": "priority", "parent_id": str(t["strategic"].id),  # no name
                          "description": "Leads A Safer Borough."}),
        ("frameworks", {"name": "Strategy 2009", "starts_on": ["1", "4", "2009"], "ends_on": ["31", "3", "2008"],  # ends first
                        "description": "The third framework."}),
        ("priorities", {"framework_id": str(t["framework"].id), "name": "A Healthy Borough", "position": "two",  # not a number
                        "partnership_id": str(t["strategic"].id), "description": "Health."}),
        ("themes", {"framework_id": str(t["framework"].id), "name": "Liveability", "position": "1000",  # too big
                    "description": "Clean, green and safe."}),
        ("outcomes", {"priority_id": str(t["priority"].id), "code": "SB2-TOO-LONG-FOR-A-CODE", "title": "Less crime",  # long code
                      "description": "Fewer burglaries."}),
        ("indicators", {"outcome_id": str(t["outcome"].id), "name": "Streets rated clean", "unit": "%", "direction": "higher",
                        "baseline_value": "48", "baseline_date": ["1", "9", "2005"], "target_value": "60",
                        "target_date": ["1", "9", "2004"],  # before the baseline
                        "monitoring_level": "45", "lead_organisation_id": str(t["org"].id), "source": "Survey", "is_demo": "y"}),
        ("areas", {"name": "Castle", "level": "ward", "parent_id": str(t["town"].id), "code": "E05000001",
                   "population": "lots", "priority_ward": "y"}),  # population not a number
    ]


@pytest.mark.parametrize("index", range(8))
def test_reference_form_keeps_every_answer(login, client, tree, index):
    name, posted = _cases(tree)[index]
    login("officer")
    response = client.post(f"/admin/reference/{name}/new", data=posted)
    assert response.status_code == 400, name
    assert values_kept(response.get_data(as_text=True), posted) == [], name


def test_reading_form_keeps_every_answer(login, client, tree):
    login("officer")
    posted = {"taken_on": ["1", "9", "2007"], "value": "high", "note": "From the 2007 survey"}
    response = client.post(f"/admin/reference/indicators/{tree['indicator'].id}/readings", data=posted)
    assert response.status_code == 400
    assert values_kept(response.get_data(as_text=True), posted) == []


def test_postcode_upload_keeps_the_choice(login, client, tree):
    login("officer")
    posted = {"mode": "add"}
    response = client.post("/admin/reference/postcodes", data=posted, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file of postcodes to upload" in response.get_data(as_text=True)
    assert values_kept(response.get_data(as_text=True), posted) == []


def test_what_a_priority_became_keeps_its_ticks_after_an_error(login, client, tree):
    from engage.partnership.models import Framework, Priority

    earlier = Framework(name="Strategy 2005", starts_on=date(2005, 4, 1))
    later = Framework(name="Strategy 2009", starts_on=date(2009, 4, 1))
    db.session.add_all([earlier, later])
    db.session.flush()
    old = Priority(framework_id=earlier.id, name="Safe neighbourhoods", position=1)
    new = Priority(framework_id=later.id, name="A Safer Borough 2009", position=1)
    db.session.add_all([old, new])
    db.session.commit()
    login("officer")
    posted = {"successor_ids": [str(old.id), str(new.id)], "version": str(tree["priority"].version)}  # an earlier priority: not allowed
    response = client.post(f"/admin/reference/priorities/{tree['priority'].id}/successors", data=posted)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "A priority can only become a priority of a later framework" in html
    assert 'href="#successor_ids"' in html and "<title>Error:" in html
    assert values_kept(html, posted) == []
